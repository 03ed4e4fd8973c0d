/*
 * hs_dialect.h - which Python wrote a dump, and what its dicts hold.
 *
 * docs/format.md §2.2: the dialect decides how dict refs pair up (key, value;
 * value, key; or values only) and which records are bytes-like.
 */
#ifndef HS_DIALECT_H
#define HS_DIALECT_H

#include "hs_graph_internal.h"

/* The dialect of a graph read without a heapscope header, given its
 * live nodes per type id (hs_graph_count_stats). */
hs_dialect hs_dialect_detect(const hs_graph *g, const uint64_t *counts);

/* Tags every exact dict record with its layout and counts the tags in
 * g->stats. */
void hs_dialect_tag_dicts(hs_graph *g);

/* Turns the values of bytes-like records (bytes; Python 2 str) from
 * decoded text into raw bytes, one per code point <= 0xFF. Returns HS_OK,
 * or HS_ENOMEM with err (a value longer than 256 bytes needs a scratch
 * buffer; some records may then be converted and others not). */
int hs_dialect_fix_bytes(hs_graph *g, hs_error *err);

#endif
