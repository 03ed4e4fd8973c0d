/*
 * hs_repr.h - objects and values as people read them: meliae's object
 * repr (docs/format.md §4.8) and Python-style literals.
 *
 * The public entry point is hs_node_repr (include/heapscope.h); the
 * appenders below let other analysis modules (refs_as_dict, paths, DOT
 * labels) write the same text into their own buffers.
 */
#ifndef HS_REPR_H
#define HS_REPR_H

#include <stddef.h>
#include <stdint.h>

#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"

/* s[0..len) (UTF-8) as a Python str literal, always in single quotes
 * (docs/format.md §4.8), with escapes for quotes and control characters. When max is
 * not 0 and len exceeds it, only the first max bytes (cut at a character
 * boundary) are written, followed by "..." after the closing quote. */
void hs_buf_add_pystr(hs_buf *b, const char *s, size_t len, size_t max);

/* s[0..len) (raw bytes) as a Python bytes literal b'...' with \xNN for
 * bytes that are not printable ASCII; max as for hs_buf_add_pystr. With
 * prefix false the leading b is left out (Python 2's str). */
void hs_buf_add_pybytes(hs_buf *b, const char *s, size_t len, size_t max,
                        bool prefix);

/* The record's value, or its name when it has no value, as the repr shows
 * it (ints bare, text quoted, bytes as b'...'). Returns false, writing
 * nothing, when the record has neither. */
bool hs_buf_add_value(hs_buf *b, const hs_graph *g, uint32_t id, size_t max);

/* The whole repr of a node; total 0 leaves out the "tot" part. */
void hs_buf_add_repr(hs_buf *b, const hs_graph *g, uint32_t id,
                     uint64_t total, size_t max_value);

/* 1 if the node's type string equals name (NUL-terminated). */
bool hs_type_is(const hs_graph *g, uint32_t id, const char *name);

#endif
