/*
 * hs_parents.c - referrers: the reverse edges (meliae's compute_parents).
 *
 * A node that refers to the same child twice becomes its parent once, and
 * parents come out in order of first reference: while a node's refs are
 * walked, a bit per child says it was claimed already, and a second walk
 * over the same refs clears those bits again. The bits (n of them, an
 * eighth of a byte per object, cache-resident for millions) replace a
 * "last parent" array of 4 bytes per object (30 MB on a 7.5 M-object
 * dump, held while parents are computed). Phantom children (dangling
 * refs) get no parents; no cap is applied (docs/format.md §4.3).
 *
 * Three steps, each on the graph's threads, each thread owning a range of
 * child ids (so no two write the same byte): count each child's parents,
 * walking every edge in order; turn the counts into the offsets where
 * each child's parents end; walk the edges again backwards, filing each
 * parent just before its child's cursor, which leaves every cursor at
 * the start of its child's parents and the parents in order.
 */
#include "hs_graph_internal.h"

#include "../util/hs_bits.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

/* Fewer edges than this are walked on one thread. */
#define PARALLEL_EDGES (1u << 20)

typedef struct walk_job {
    const hs_graph *g;
    hs_bits seen;                /* per child: claimed by the node walked */
    uint32_t *counts;            /* per child: its parents */
    hs_csr *out;                 /* the parents CSR being built */
    unsigned parts;
    uint32_t lo[HS_MAX_THREADS + 1]; /* part p owns children [lo[p], lo[p+1]) */
    uint64_t sum[HS_MAX_THREADS];    /* parents of part p's children */
} walk_job;

/* Visits every (parent, child) pair with the child in part's range once:
 * counting goes up the parents, filing goes down them, placing each
 * parent just before its child's cursor, so that the cursors end at
 * each child's first parent and the parents come out in order. */
static void
walk(walk_job *j, unsigned part, bool fill)
{
    const hs_graph *g = j->g;
    const hs_csr *ch = &g->children;
    hs_csr *out = j->out;
    uint32_t lo = j->lo[part], hi = j->lo[part + 1];
    uint64_t sum = 0;
    hs_bits *seen = &j->seen;
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t u = fill ? g->n - 1 - i : i;
        uint64_t b, e;
        if (!hs_live(g, u)) {
            continue;
        }
        hs_csr_range(ch, u, &b, &e);
        for (uint64_t k = b; k < e; k++) {
            uint32_t c = ch->targets[k];
            if (c < lo || c >= hi || hs_bits_test(seen, c)
                || (g->flags[c] & HS_ABSENT)) {
                continue;
            }
            if (e - b > 1) { /* a single ref cannot repeat */
                hs_bits_set(seen, c);
            }
            if (!fill) {
                j->counts[c]++;
                sum++;
            } else if (out->off32) {
                out->targets[--out->off32[c]] = u;
            } else {
                out->targets[--out->off64[c]] = u;
            }
        }
        if (e - b > 1) {
            for (uint64_t k = b; k < e; k++) {
                uint32_t c = ch->targets[k];
                if (c >= lo && c < hi) {
                    hs_bits_clear(seen, c);
                }
            }
        }
    }
    if (!fill) {
        j->sum[part] = sum;
    }
}

static int
count_part(void *ctx, unsigned part)
{
    walk(ctx, part, false);
    return HS_OK;
}

static int
fill_part(void *ctx, unsigned part)
{
    walk(ctx, part, true);
    return HS_OK;
}

/* Part p's children's end offsets: its counts summed on from the parents
 * of the children before its range. */
static int
offsets_part(void *ctx, unsigned part)
{
    walk_job *j = ctx;
    uint64_t end = 0;
    for (unsigned q = 0; q < part; q++) {
        end += j->sum[q];
    }
    for (uint32_t c = j->lo[part]; c < j->lo[part + 1]; c++) {
        end += j->counts[c];
        hs_csr_set_begin(j->out, c, end);
    }
    return HS_OK;
}

/* The end offset of child c's parents. */
static uint64_t
end_of(const hs_csr *p, uint32_t c)
{
    return p->off32 ? p->off32[c] : p->off64[c];
}

/* Cuts the children into j->parts ranges: equal ones to count, then (end
 * offsets known) ranges with about equal numbers of parents to fill. Each
 * range starts at a multiple of 64, so that no two parts share a word of
 * the seen bits. */
static void
cut_ranges(walk_job *j, uint32_t n, uint64_t total)
{
    j->lo[0] = 0;
    for (unsigned p = 1; p < j->parts; p++) {
        uint32_t a = 0, b = n;
        if (!total) {
            j->lo[p] = (uint32_t)((uint64_t)n * p / j->parts) & ~63u;
            continue;
        }
        while (a < b) { /* the first child ending past the share */
            uint32_t mid = a + (b - a) / 2;
            if (end_of(j->out, mid) < total / j->parts * p) {
                a = mid + 1;
            } else {
                b = mid;
            }
        }
        j->lo[p] = a & ~63u;
    }
    j->lo[j->parts] = n;
}

int
hs_graph_compute_parents(hs_graph *g, hs_error *err)
{
    walk_job j;
    uint64_t total = 0;
    hs_csr p;
    if (g->have_parents) {
        return HS_OK;
    }
    hs_csr_release(&g->parents, g->a);
    memset(&j, 0, sizeof(j));
    memset(&p, 0, sizeof(p));
    j.g = g;
    j.out = &p;
    j.parts = g->children.nedges >= PARALLEL_EDGES ? hs_graph_threads(g) : 1;
    j.counts = hs_calloc(g->a, (size_t)g->n + 1, sizeof(*j.counts));
    if (!j.counts || hs_bits_init(&j.seen, g->a, g->n) < 0) {
        hs_mfree(g->a, j.counts);
        hs_bits_release(&j.seen);
        return hs_error_set(err, HS_ENOMEM, "out of memory for parents");
    }
    cut_ranges(&j, g->n, 0);
    hs_parallel_for(j.parts, count_part, &j);
    for (unsigned t = 0; t < j.parts; t++) {
        total += j.sum[t];
    }
    /* The offsets: in place over the counts when they fit 32 bits. */
    p.n = g->n;
    p.nedges = total;
    p.targets = hs_malloc(g->a, (size_t)(total ? total : 1) * 4);
    if (p.targets) {
        hs_prefault(p.targets, (size_t)total * 4); /* all written, scattered */
    }
    if (total <= UINT32_MAX) {
        p.off32 = j.counts;
    } else {
        p.off64 = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*p.off64));
    }
    if (!p.targets || (!p.off32 && !p.off64)) {
        hs_mfree(g->a, p.targets);
        hs_mfree(g->a, p.off64);
        hs_mfree(g->a, j.counts);
        hs_bits_release(&j.seen);
        return hs_error_set(err, HS_ENOMEM, "out of memory for parents");
    }
    hs_parallel_for(j.parts, offsets_part, &j);
    if (p.off64) {
        p.off64[g->n] = total;
        hs_mfree(g->a, j.counts);
    } else {
        p.off32[g->n] = (uint32_t)total;
    }
    j.counts = NULL;
    /* Filling takes time by parents, not by children: cut again. */
    cut_ranges(&j, g->n, total);
    hs_parallel_for(j.parts, fill_part, &j);
    hs_bits_release(&j.seen);
    g->parents = p;
    g->have_parents = true;
    return HS_OK;
}
