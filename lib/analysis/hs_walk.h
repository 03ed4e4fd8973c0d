/*
 * hs_walk.h - meliae's recursive walks: iter_recursive_refs,
 * compute_total_size, get_all and all (docs/format.md §4.7, §4.10).
 *
 * The public API is in include/heapscope.h.
 */
#ifndef HS_WALK_H
#define HS_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "../graph/hs_graph_internal.h"
#include "../util/hs_bits.h"

/* Keeps the live ids of in[0..n) whose type is *tid (tid NULL: any),
 * sorted as get_all sorts: (size, refs, parents) descending, ties in
 * input order. *ids: caller frees with hs_free. */
int hs_rank_objects(const hs_graph *g, const uint32_t *tid, const uint32_t *in,
                    size_t n, uint32_t **ids, size_t *count, hs_error *err);

#endif
