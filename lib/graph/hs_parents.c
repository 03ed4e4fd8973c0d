/*
 * hs_parents.c - referrers: the reverse edges (meliae's compute_parents).
 *
 * Two passes over the children in id (file) order: count, then fill. A
 * node that refers to the same child twice becomes its parent once, and
 * parents come out in order of first reference: the "last parent" array
 * remembers which node last claimed each child. Phantom children (dangling
 * refs) get no parents; no cap is applied (FORMAT.md §4.3).
 */
#include "hs_graph_internal.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

/* Visits every (parent, child) pair once, in order; count or fill. */
static void
walk(const hs_graph *g, uint32_t *last, uint32_t *counts, hs_csr *out)
{
    const hs_csr *ch = &g->children;
    memset(last, 0xff, (size_t)g->n * sizeof(*last));
    for (uint32_t u = 0; u < g->n; u++) {
        uint64_t b, e;
        if (!hs_live(g, u)) {
            continue;
        }
        hs_csr_range(ch, u, &b, &e);
        for (uint64_t k = b; k < e; k++) {
            uint32_t c = ch->targets[k];
            if (last[c] == u || (g->flags[c] & HS_ABSENT)) {
                continue;
            }
            last[c] = u;
            if (counts) {
                counts[c]++;
            } else if (out->off32) {
                out->targets[out->off32[c]++] = u;
            } else {
                out->targets[out->off64[c]++] = u;
            }
        }
    }
}

int
hs_graph_compute_parents(hs_graph *g, hs_error *err)
{
    uint32_t *counts, *last;
    uint64_t total = 0;
    hs_csr p;
    int rc;
    if (g->have_parents) {
        return HS_OK;
    }
    hs_csr_release(&g->parents, g->a);
    counts = hs_calloc(g->a, (size_t)g->n + 1, sizeof(*counts));
    last = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*last));
    if (!counts || !last) {
        hs_mfree(g->a, counts);
        hs_mfree(g->a, last);
        return hs_error_set(err, HS_ENOMEM, "out of memory for parents");
    }
    walk(g, last, counts, NULL);
    for (uint32_t i = 0; i < g->n; i++) {
        total += counts[i];
    }
    rc = hs_csr_from_counts(&p, g->a, counts, g->n, total, NULL);
    if (rc < 0) {
        hs_mfree(g->a, last);
        return hs_error_set(err, rc, "out of memory for parents");
    }
    /* Fill using the offsets as cursors, then shift them back. */
    walk(g, last, NULL, &p);
    hs_mfree(g->a, last);
    for (uint32_t i = g->n; i > 0; i--) {
        if (p.off32) {
            p.off32[i] = p.off32[i - 1];
        } else {
            p.off64[i] = p.off64[i - 1];
        }
    }
    if (p.off32) {
        p.off32[0] = 0;
    } else {
        p.off64[0] = 0;
    }
    g->parents = p;
    g->have_parents = true;
    return HS_OK;
}
