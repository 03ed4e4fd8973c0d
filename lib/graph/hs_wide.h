/*
 * hs_wide.h - the rare 64-bit sizes and lens, by node id.
 *
 * Entries are appended in increasing id order (nodes are added in id
 * order), so the table stays sorted and a lookup is a binary search; the
 * rare later insert (collapse adding a dict's size to its owner's) keeps
 * it sorted.
 */
#ifndef HS_WIDE_H
#define HS_WIDE_H

#include <heapscope.h>
#include <stdint.h>

typedef struct hs_wide {
    uint32_t *ids;
    uint64_t *vals;
    size_t len, ids_alloc, vals_alloc;
} hs_wide;

void hs_wide_release(hs_wide *w, const hs_allocator *a);

/* Sets id's value. Ids set in increasing order append; an id below the
 * largest one set before is inserted in order, at O(n) cost. */
int hs_wide_set(hs_wide *w, const hs_allocator *a, uint32_t id, uint64_t v);

/* id's value; 0 when absent (never, when the sentinel says it is there). */
uint64_t hs_wide_get(const hs_wide *w, uint32_t id);

#endif
