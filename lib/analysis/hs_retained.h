/*
 * hs_retained.h - retained sizes over the dominator tree (see
 * hs_retained.c).
 *
 * The public accessors (hs_dominators_retained_size, _top, _by_type, ...)
 * are in include/heapscope.h.
 */
#ifndef HS_RETAINED_H
#define HS_RETAINED_H

#include "hs_dominators.h"

/* Fills d->retained, d->retained_count and d->total_size from the tree as
 * hs_semi_nca.c has it before moving it to id space: places 1 .. count
 * - 1 in depth-first preorder, order[i] the id at place i, idom[i] the
 * place of its immediate dominator (0: the virtual root). sums and
 * counts are scratch of count entries. HS_OK or HS_ENOMEM. Time
 * O(objects). */
int hs_retained_compute(hs_dominators *d, const uint32_t *order,
                        const uint32_t *idom, uint32_t count, uint64_t *sums,
                        uint32_t *counts);

/* The dominator tree's children as CSR over ids, the virtual root's
 * children at index n, each list in d->order's order. *off gets n + 2
 * offsets, *kids d->reached ids; caller frees both with hs_mfree(g->a).
 * HS_OK or HS_ENOMEM. */
int hs_retained_tree(const hs_dominators *d, uint32_t **off, uint32_t **kids);

/* Per key: what the objects of key k (key[v] for object v; nkeys or
 * more for none) retain together without counting anything twice: the
 * sum over those that no other object of the key dominates (Eclipse
 * MAT's retained size of a class, for types; the same for sites). Adds
 * into size[k] and count[k] (nkeys entries each). HS_OK or HS_ENOMEM. */
int hs_retained_by_key(const hs_dominators *d, const uint32_t *key,
                       uint32_t nkeys, uint64_t *size, uint64_t *count);

#endif
