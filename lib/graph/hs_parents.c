/*
 * hs_parents.c - referrers: the reverse edges (meliae's compute_parents).
 *
 * Two passes over the children in id (file) order: count, then fill. A
 * node that refers to the same child twice becomes its parent once, and
 * parents come out in order of first reference: the "last parent" array
 * remembers which node last claimed each child. Phantom children (dangling
 * refs) get no parents; no cap is applied (FORMAT.md §4.3).
 *
 * Both passes run on the graph's threads, each owning a range of child
 * ids: every thread reads all the edges in order but only counts, and
 * writes the parents of, its own children, so no two threads write the
 * same byte and each child's parents keep their order. The edges are
 * read sequentially; the writes, which miss the cache, are what is split.
 */
#include "hs_graph_internal.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

/* Fewer edges than this are walked on one thread. */
#define PARALLEL_EDGES (1u << 20)

typedef struct walk_job {
    const hs_graph *g;
    uint32_t *last;       /* per child: the last parent that claimed it */
    uint32_t *counts;     /* counting: parents per child */
    hs_csr *out;          /* filling: the parents CSR, offsets as cursors */
    uint32_t lo, hi;      /* per part: its children (set by run_walk) */
    unsigned parts;
} walk_job;

/* Visits every (parent, child) pair with child in [lo, hi) once, in
 * order; count or fill. */
static void
walk(const walk_job *j, uint32_t lo, uint32_t hi)
{
    const hs_graph *g = j->g;
    const hs_csr *ch = &g->children;
    uint32_t *last = j->last;
    hs_csr *out = j->out;
    memset(last + lo, 0xff, (size_t)(hi - lo) * sizeof(*last));
    for (uint32_t u = 0; u < g->n; u++) {
        uint64_t b, e;
        if (!hs_live(g, u)) {
            continue;
        }
        hs_csr_range(ch, u, &b, &e);
        for (uint64_t k = b; k < e; k++) {
            uint32_t c = ch->targets[k];
            if (c < lo || c >= hi || last[c] == u
                || (g->flags[c] & HS_ABSENT)) {
                continue;
            }
            last[c] = u;
            if (j->counts) {
                j->counts[c]++;
            } else if (out->off32) {
                out->targets[out->off32[c]++] = u;
            } else {
                out->targets[out->off64[c]++] = u;
            }
        }
    }
}

static int
run_walk(void *ctx, unsigned part)
{
    const walk_job *j = ctx;
    uint64_t n = j->g->n;
    walk(j, (uint32_t)(n * part / j->parts),
         (uint32_t)(n * (part + 1) / j->parts));
    return HS_OK;
}

int
hs_graph_compute_parents(hs_graph *g, hs_error *err)
{
    uint32_t *counts, *last;
    uint64_t total = 0;
    walk_job job;
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
    job = (walk_job){.g = g, .last = last, .counts = counts, .parts = 1};
    if (g->children.nedges >= PARALLEL_EDGES) {
        job.parts = hs_graph_threads(g);
    }
    hs_parallel_for(job.parts, run_walk, &job);
    for (uint32_t i = 0; i < g->n; i++) {
        total += counts[i];
    }
    rc = hs_csr_from_counts(&p, g->a, counts, g->n, total, NULL);
    if (rc < 0) {
        hs_mfree(g->a, last);
        return hs_error_set(err, rc, "out of memory for parents");
    }
    /* Fill using the offsets as cursors, then shift them back. */
    job.counts = NULL;
    job.out = &p;
    hs_parallel_for(job.parts, run_walk, &job);
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
