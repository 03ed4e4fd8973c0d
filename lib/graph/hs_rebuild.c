/*
 * hs_rebuild.c - building a new children CSR from per-node callbacks.
 *
 * Count, allocate once, fill. Both loops are split into ranges of nodes
 * (with about equal old edges) run on the graph's threads: the callbacks
 * only read the old edges and write their own nodes' counts or slots, so
 * ranges never share a byte.
 */
#include "hs_rebuild.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

/* Fewer nodes than this are rebuilt on one thread. */
#define PARALLEL_NODES (1u << 20)

typedef struct rebuild_job {
    hs_graph *g;
    const hs_rebuild_ops *ops;
    uint32_t lo, hi;
    uint32_t *counts;   /* counting: where counts go */
    hs_csr *out;        /* filling: the new CSR */
    uint64_t total;
    bool too_many;
} rebuild_job;

static int
count_range(void *ctx, unsigned part)
{
    rebuild_job *j = (rebuild_job *)ctx + part;
    hs_prefault(j->counts + j->lo, (size_t)(j->hi - j->lo) * sizeof(uint32_t));
    for (uint32_t i = j->lo; i < j->hi; i++) {
        uint64_t k = j->ops->count(j->ops->ctx, j->g, i);
        if (k > UINT32_MAX - 1) {
            j->too_many = true;
            k = 0;
        }
        j->counts[i] = (uint32_t)k;
        j->total += k;
    }
    return HS_OK;
}

static int
fill_range(void *ctx, unsigned part)
{
    rebuild_job *j = (rebuild_job *)ctx + part;
    uint64_t b = hs_csr_begin(j->out, j->lo), e = hs_csr_begin(j->out, j->hi);
    hs_prefault(j->out->targets + b, (size_t)(e - b) * sizeof(uint32_t));
    for (uint32_t i = j->lo; i < j->hi; i++) {
        j->ops->fill(j->ops->ctx, j->g, i,
                     j->out->targets + hs_csr_begin(j->out, i));
    }
    return HS_OK;
}

/* Where part `part` of `parts` starts: the ranges hold about equal
 * numbers of old edges (the callbacks' work goes by edges, and edges
 * bunch up in parts of a dump), and at least equal nodes when there are
 * no edges. */
static uint32_t
cut(const hs_graph *g, unsigned part, unsigned parts)
{
    const hs_csr *c = &g->children;
    uint64_t goal = c->nedges / parts * part;
    uint32_t a = 0, b = g->n;
    if (!c->off32 && !c->off64) {
        return (uint32_t)((uint64_t)g->n * part / parts);
    }
    while (a < b) { /* the first node whose edges start at the goal */
        uint32_t mid = a + (b - a) / 2;
        if (hs_csr_begin(c, mid) < goal) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    return a;
}

int
hs_graph_rebuild_children(hs_graph *g, const hs_rebuild_ops *ops,
                          hs_error *err)
{
    uint32_t *counts = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*counts));
    rebuild_job jobs[HS_MAX_THREADS];
    unsigned n = g->n < PARALLEL_NODES ? 1 : hs_graph_threads(g);
    uint64_t total = 0;
    hs_csr c;
    int rc;
    if (!counts) {
        return hs_error_set(err, HS_ENOMEM, "out of memory rewriting refs");
    }
    for (unsigned t = 0; t < n; t++) {
        jobs[t] = (rebuild_job){g, ops, t ? jobs[t - 1].hi : 0,
                                t + 1 < n ? cut(g, t + 1, n) : g->n, counts,
                                NULL, 0, false};
    }
    hs_parallel_for(n, count_range, jobs);
    for (unsigned t = 0; t < n; t++) {
        if (jobs[t].too_many) {
            hs_mfree(g->a, counts);
            return hs_error_set(err, HS_ELIMIT, "more than 4 G refs in one "
                                "object");
        }
        total += jobs[t].total;
    }
    rc = hs_csr_from_counts(&c, g->a, counts, g->n, total, NULL);
    if (rc < 0) {
        return hs_error_set(err, rc, "out of memory rewriting refs");
    }
    for (unsigned t = 0; t < n; t++) {
        jobs[t].out = &c;
    }
    hs_parallel_for(n, fill_range, jobs);
    hs_graph_set_children(g, &c);
    return HS_OK;
}
