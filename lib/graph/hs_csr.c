/*
 * hs_csr.c - building CSR edge arrays.
 */
#include "hs_csr.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

void
hs_csr_release(hs_csr *c, const hs_allocator *a)
{
    hs_mfree(a, c->off32);
    hs_mfree(a, c->off64);
    hs_mfree(a, c->targets);
    memset(c, 0, sizeof(*c));
}

int
hs_csr_from_counts(hs_csr *c, const hs_allocator *a, uint32_t *counts,
                   uint32_t n, uint64_t nedges, uint32_t *targets)
{
    size_t bytes;
    memset(c, 0, sizeof(*c));
    c->targets = targets;
    c->n = n;
    c->nedges = nedges;
    if (nedges <= UINT32_MAX) {
        uint32_t sum = 0;
        for (uint32_t i = 0; i < n; i++) {
            uint32_t k = counts[i];
            counts[i] = sum;
            sum += k;
        }
        counts[n] = sum;
        c->off32 = counts;
    } else {
        uint64_t sum = 0;
        c->off64 = hs_malloc(a, ((size_t)n + 1) * sizeof(uint64_t));
        if (!c->off64) {
            hs_mfree(a, counts);
            hs_csr_release(c, a);
            return HS_ENOMEM;
        }
        for (uint32_t i = 0; i < n; i++) {
            c->off64[i] = sum;
            sum += counts[i];
        }
        c->off64[n] = sum;
        hs_mfree(a, counts);
    }
    if (c->targets) {
        return HS_OK;
    }
    if (!hs_size_mul((size_t)nedges, sizeof(uint32_t), &bytes)) {
        hs_csr_release(c, a);
        return HS_ENOMEM;
    }
    c->targets = hs_malloc(a, bytes);
    if (!c->targets) {
        hs_csr_release(c, a);
        return HS_ENOMEM;
    }
    return HS_OK;
}
