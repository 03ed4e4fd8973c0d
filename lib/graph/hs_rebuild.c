/*
 * hs_rebuild.c - building a new children CSR from per-node callbacks.
 */
#include "hs_rebuild.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

int
hs_graph_rebuild_children(hs_graph *g, const hs_rebuild_ops *ops,
                          hs_error *err)
{
    uint32_t *counts = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*counts));
    uint64_t total = 0;
    hs_csr c;
    int rc;
    if (!counts) {
        return hs_error_set(err, HS_ENOMEM, "out of memory rewriting refs");
    }
    for (uint32_t i = 0; i < g->n; i++) {
        uint64_t k = ops->count(ops->ctx, g, i);
        if (k > UINT32_MAX - 1) {
            hs_mfree(g->a, counts);
            return hs_error_set(err, HS_ELIMIT, "more than 4 G refs in one "
                                "object");
        }
        counts[i] = (uint32_t)k;
        total += k;
    }
    rc = hs_csr_from_counts(&c, g->a, counts, g->n, total, NULL);
    if (rc < 0) {
        return hs_error_set(err, rc, "out of memory rewriting refs");
    }
    for (uint32_t i = 0; i < g->n; i++) {
        ops->fill(ops->ctx, g, i, c.targets + hs_csr_begin(&c, i));
    }
    hs_graph_set_children(g, &c);
    return HS_OK;
}
