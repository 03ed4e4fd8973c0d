/*
 * hs_walk.h - meliae's recursive walks: iter_recursive_refs,
 * compute_total_size, get_all and all (docs/format.md §4.7, §4.10).
 *
 * The public API is in include/heapscope.h; hs_walk_bits is shared with
 * the other traversals of lib/analysis.
 */
#ifndef HS_WALK_H
#define HS_WALK_H

#include <stdbool.h>
#include <stdint.h>

#include "../graph/hs_graph_internal.h"

/* A bit per node id, for the "seen" sets of traversals: scratch, so on the
 * graph's allocator, which it remembers for hs_bits_release. */
typedef struct hs_bits {
    uint64_t *words;
    const hs_allocator *a;
} hs_bits;

/* All clear, allocated through a (NULL: malloc); HS_ENOMEM on failure.
 * Free with hs_bits_release. */
int hs_bits_init(hs_bits *b, const hs_allocator *a, uint32_t n);
void hs_bits_release(hs_bits *b);

static inline bool
hs_bits_test(const hs_bits *b, uint32_t i)
{
    return (b->words[i >> 6] >> (i & 63)) & 1;
}

static inline void
hs_bits_set(hs_bits *b, uint32_t i)
{
    b->words[i >> 6] |= (uint64_t)1 << (i & 63);
}

static inline void
hs_bits_clear(hs_bits *b, uint32_t i)
{
    b->words[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

/* Keeps the live ids of in[0..n) whose type is *tid (tid NULL: any),
 * sorted as get_all sorts: (size, refs, parents) descending, ties in
 * input order. *ids: caller frees with hs_free. */
int hs_rank_objects(const hs_graph *g, const uint32_t *tid, const uint32_t *in,
                    size_t n, uint32_t **ids, size_t *count, hs_error *err);

#endif
