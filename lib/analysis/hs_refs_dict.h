/*
 * hs_refs_dict.h - how refs pair up: refs_as_dict, refs_as_list and the
 * label of one edge (the dict key, attribute name or index it goes
 * through), shared by show, paths and DOT graphs.
 *
 * The public API is in include/heapscope.h; these appenders write into a
 * caller's buffer.
 */
#ifndef HS_REFS_DICT_H
#define HS_REFS_DICT_H

#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"

/* Appends the label of parent's ref number k ("['key']", ".attr", "[3]",
 * "__class__", "refs[2]"); keys are cut at max bytes (0: whole). */
void hs_buf_add_edge_label(hs_buf *b, const hs_graph *g, uint32_t parent,
                           uint64_t k, size_t max);

/* Position of child among parent's refs (the first one), or UINT64_MAX. */
uint64_t hs_ref_index(const hs_graph *g, uint32_t parent, uint32_t child);

/* Appends a literal as hs_literal_format writes it. */
void hs_buf_add_literal(hs_buf *b, const hs_graph *g, const hs_literal *lit,
                        size_t max);

#endif
