/*
 * hs_sorted.h - searching an ascending array of ids (the dumper's own
 * objects, the extra roots, a side table's ids).
 */
#ifndef HS_SORTED_H
#define HS_SORTED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The first index of v[0 .. n) (ascending) whose value is not below key:
 * n when all are. */
static inline size_t
hs_sorted_lower_bound(const uint32_t *v, size_t n, uint32_t key)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (v[mid] < key) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

/* Whether key is in v[0 .. n) (ascending). */
static inline bool
hs_sorted_contains(const uint32_t *v, size_t n, uint32_t key)
{
    size_t i = hs_sorted_lower_bound(v, n, key);
    return i < n && v[i] == key;
}

#endif
