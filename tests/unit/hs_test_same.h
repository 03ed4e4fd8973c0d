/*
 * hs_test_same.h - whether two graphs are the same, field by field (and
 * every lookup by address), printing what differs: a graph mapped from
 * its index against a fresh load, or loads on different thread counts.
 */
#ifndef HS_TEST_SAME_H
#define HS_TEST_SAME_H

#include "hs_test.h"

#include "graph/hs_graph_internal.h"


static inline bool
same_mem(const void *a, const void *b, size_t bytes, const char *what)
{
    if (bytes && (!a || !b || memcmp(a, b, bytes) != 0)) {
        printf("    %s differ\n", what);
        return false;
    }
    return true;
}

static inline bool
same_csr(const hs_csr *a, const hs_csr *b, uint32_t n, const char *what)
{
    bool ok = a->nedges == b->nedges && !a->off32 == !b->off32;
    if (!ok) {
        printf("    %s: shape differs\n", what);
        return false;
    }
    if (a->off32) {
        ok = same_mem(a->off32, b->off32, ((size_t)n + 1) * 4, what);
    } else if (a->off64) {
        ok = same_mem(a->off64, b->off64, ((size_t)n + 1) * 8, what);
    }
    return ok && same_mem(a->targets, b->targets, a->nedges * 4, what);
}

static inline bool
same_stats(const hs_load_stats *a, const hs_load_stats *b)
{
    hs_load_stats x = *a, y = *b;
    x.load_seconds = y.load_seconds = 0;
    x.parse_seconds = y.parse_seconds = 0;
    x.resolve_seconds = y.resolve_seconds = 0;
    x.passes_seconds = y.passes_seconds = 0;
    return same_mem(&x, &y, sizeof(x), "stats");
}

/* The allocation sites: which node has which traceback, each
 * traceback's frames and each frame's file and line. */
static inline bool
same_sites(const hs_graph *a, const hs_graph *b)
{
    bool ok = hs_graph_has_sites(a) == hs_graph_has_sites(b);
    for (uint32_t i = 0; ok && i < a->n; i++) {
        uint32_t tb = hs_node_traceback(a, i);
        size_t na, nb;
        const uint32_t *fa, *fb;
        ok = tb == hs_node_traceback(b, i);
        if (!ok || !tb) {
            continue;
        }
        fa = hs_traceback_frames(a, tb, &na);
        fb = hs_traceback_frames(b, tb, &nb);
        ok = na == nb && (!na || memcmp(fa, fb, na * sizeof(*fa)) == 0);
        for (size_t k = 0; ok && k < na; k++) {
            size_t la, lb;
            uint32_t ya, yb;
            const char *sa = hs_frame_file(a, fa[k], &la, &ya);
            const char *sb = hs_frame_file(b, fb[k], &lb, &yb);
            ok = sa && sb && la == lb && ya == yb && memcmp(sa, sb, la) == 0;
        }
    }
    if (!ok) {
        printf("    allocation sites differ\n");
    }
    return ok;
}

/* Every field of two graphs, and every lookup by address. */
static inline bool
same_graph(const hs_graph *a, const hs_graph *b)
{
    uint32_t n = a->n;
    bool ok = true;
    if (a->n != b->n || a->live != b->live || a->dialect != b->dialect
        || a->have_parents != b->have_parents
        || a->expensive_removed != b->expensive_removed) {
        printf("    counts differ: n %u/%u live %llu/%llu\n", a->n, b->n,
               (unsigned long long)a->live, (unsigned long long)b->live);
        return false;
    }
    ok &= same_mem(a->addr, b->addr, (size_t)n * 8, "addresses");
    ok &= same_mem(a->type, b->type, (size_t)n * 4, "types");
    ok &= same_mem(a->size, b->size, (size_t)n * 4, "sizes");
    ok &= same_mem(a->len, b->len, (size_t)n * 4, "lens");
    ok &= same_mem(a->text, b->text, (size_t)n * 4, "texts");
    ok &= same_mem(a->flags, b->flags, n, "flags");
    ok &= a->wide_size.len == b->wide_size.len
          && same_mem(a->wide_size.ids, b->wide_size.ids,
                      a->wide_size.len * 4, "wide sizes")
          && same_mem(a->wide_size.vals, b->wide_size.vals,
                      a->wide_size.len * 8, "wide sizes");
    ok &= a->wide_len.len == b->wide_len.len
          && same_mem(a->wide_len.ids, b->wide_len.ids, a->wide_len.len * 4,
                      "wide lens")
          && same_mem(a->wide_len.vals, b->wide_len.vals,
                      a->wide_len.len * 8, "wide lens");
    ok &= same_csr(&a->children, &b->children, n, "children");
    if (a->have_parents) {
        ok &= same_csr(&a->parents, &b->parents, n, "parents");
    }
    ok &= a->texts.len == b->texts.len
          && same_mem(a->texts.data, b->texts.data, a->texts.len, "text pool");
    ok &= same_stats(&a->stats, &b->stats);
    ok &= hs_graph_type_count(a) == hs_graph_type_count(b);
    for (uint32_t t = 0; ok && t < hs_graph_type_count(a); t++) {
        size_t la, lb;
        const char *sa = hs_type_name(a, t, &la), *sb = hs_type_name(b, t, &lb);
        ok &= la == lb && memcmp(sa, sb, la) == 0;
    }
    for (uint32_t i = 0; ok && i < n; i++) {
        ok &= hs_graph_find(a, a->addr[i]) == hs_graph_find(b, b->addr[i]);
    }
    ok = ok && same_sites(a, b);
    if (!ok) {
        printf("    graphs differ\n");
    }
    return ok;
}

#endif
