/*
 * hs_wide.c - sorted side table of 64-bit values.
 */
#include "hs_wide.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_sorted.h"

#include <string.h>

void
hs_wide_release(hs_wide *w, const hs_allocator *a)
{
    hs_mfree(a, w->ids);
    hs_mfree(a, w->vals);
    memset(w, 0, sizeof(*w));
}

static size_t
lower_bound(const hs_wide *w, uint32_t id)
{
    return hs_sorted_lower_bound(w->ids, w->len, id);
}

int
hs_wide_set(hs_wide *w, const hs_allocator *a, uint32_t id, uint64_t v)
{
    size_t i = lower_bound(w, id);
    if (i < w->len && w->ids[i] == id) {
        w->vals[i] = v;
        return HS_OK;
    }
    HS_TRY(HS_GROW(a, w->ids, w->len + 1, w->ids_alloc));
    HS_TRY(HS_GROW(a, w->vals, w->len + 1, w->vals_alloc));
    /* Appending is the rule; a pass that grows an earlier node's size
     * past 32 bits (collapse) inserts in the middle, at O(n) cost. */
    memmove(w->ids + i + 1, w->ids + i, (w->len - i) * sizeof(*w->ids));
    memmove(w->vals + i + 1, w->vals + i, (w->len - i) * sizeof(*w->vals));
    w->ids[i] = id;
    w->vals[i] = v;
    w->len++;
    return HS_OK;
}

uint64_t
hs_wide_get(const hs_wide *w, uint32_t id)
{
    size_t i = lower_bound(w, id);
    return (i < w->len && w->ids[i] == id) ? w->vals[i] : 0;
}
