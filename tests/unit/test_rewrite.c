/*
 * test_rewrite.c - hs_graph_rewrite_children (in place) gives exactly the
 * CSR hs_graph_rebuild_children (a second array) gives for the same
 * callbacks: on random graphs whose replaced lists grow and shrink in any
 * order (so blocks slide both ways), on one thread and on several (past a
 * million nodes, where the ranges split), and at the edges: no nodes, no
 * edges, node counts off a 64-node word, every node replaced, and new
 * lists that outnumber the old (refused, the graph left as it was).
 */
#include "hs_test.h"

#include "graph/hs_graph_internal.h"
#include "graph/hs_rebuild.h"
#include "graph/hs_rewrite.h"

#include <stdlib.h>
#include <string.h>

/* A small deterministic generator, so both graphs of a pair are equal. */
static uint64_t
next(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* n nodes; each with 0 to 4 refs, one in 997 with 300 (a big container),
 * targets anywhere. NULL when out of memory. */
static hs_graph *
random_graph(uint32_t n, uint64_t seed, uint64_t *nedges)
{
    hs_graph *g = hs_graph_new(NULL);
    uint32_t *counts = malloc(((size_t)n + 1) * sizeof(*counts));
    uint32_t *targets;
    uint64_t s = seed, m = 0, at = 0;
    hs_csr c;
    if (!g || !counts || hs_graph_reserve(g, n ? n : 1) < 0) {
        free(counts);
        hs_graph_free(g);
        return NULL;
    }
    for (uint32_t i = 0; i < n; i++) {
        uint32_t id;
        if (hs_graph_add_node(g, 0x1000 + 16 * (uint64_t)i, &id) < 0) {
            free(counts);
            hs_graph_free(g);
            return NULL;
        }
        counts[i] = next(&s) % 997 == 0 ? 300 : (uint32_t)(next(&s) % 5);
        m += counts[i];
    }
    targets = malloc((m + 1) * sizeof(*targets));
    for (uint32_t i = 0; targets && i < n; i++) {
        for (uint32_t k = 0; k < counts[i]; k++) {
            targets[at++] = (uint32_t)(next(&s) % n);
        }
    }
    if (!targets || hs_csr_from_counts(&c, NULL, counts, n, m, targets) < 0) {
        hs_graph_free(g);
        return NULL;
    }
    hs_graph_set_children(g, &c);
    g->live = n;
    *nedges = m;
    return g;
}

/* The pass under test: which nodes are replaced, with how many new refs,
 * is a function of the id and the old degree; new refs are a function of
 * the id and their place; kept refs are mapped by a fixed permutation-ish
 * function. */
typedef struct spec {
    uint32_t n;
    uint32_t every;  /* one node in `every` is replaced (1: all) */
    uint32_t grow;   /* a replaced node's new count: old + grow, or 0 */
} spec;

static bool
is_replaced(const spec *sp, uint32_t id)
{
    return (id * 2654435761u >> 7) % sp->every == 0;
}

static uint64_t
new_count(const spec *sp, const hs_graph *g, uint32_t id)
{
    /* Half grow (the blocks after them slide right), half lose every
     * ref (the blocks after them slide left). */
    return id % 2 ? hs_csr_degree(&g->children, id) + sp->grow : 0;
}

static bool
t_replaced(void *ctx, const hs_graph *g, uint32_t id, uint64_t *count)
{
    const spec *sp = ctx;
    if (!is_replaced(sp, id)) {
        return false;
    }
    *count = new_count(sp, g, id);
    return true;
}

static uint32_t
t_map(void *ctx, const hs_graph *g, uint32_t t)
{
    const spec *sp = ctx;
    (void)g;
    return (uint32_t)(((uint64_t)t * 7 + 3) % sp->n);
}

static void
t_fill(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    const spec *sp = ctx;
    uint64_t k = new_count(sp, g, id);
    for (uint64_t i = 0; i < k; i++) {
        out[i] = (uint32_t)(((uint64_t)id * 31 + i * 17) % sp->n);
    }
}

/* hs_rebuild's callbacks for the same pass. */
static uint64_t
r_count(void *ctx, const hs_graph *g, uint32_t id)
{
    uint64_t k = hs_csr_degree(&g->children, id);
    return t_replaced(ctx, g, id, &k) ? k : hs_csr_degree(&g->children, id);
}

static void
r_fill(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    uint64_t b, e, k;
    if (t_replaced(ctx, g, id, &k)) {
        t_fill(ctx, g, id, out);
        return;
    }
    hs_csr_range(&g->children, id, &b, &e);
    for (uint64_t c = b; c < e; c++) {
        *out++ = t_map(ctx, g, g->children.targets[c]);
    }
}

static bool
same_children(const hs_graph *a, const hs_graph *b)
{
    if (a->n != b->n || a->children.nedges != b->children.nedges) {
        printf("    %u nodes, %llu edges against %u, %llu\n", a->n,
               (unsigned long long)a->children.nedges, b->n,
               (unsigned long long)b->children.nedges);
        return false;
    }
    for (uint32_t i = 0; i <= a->n; i++) {
        if (hs_csr_begin(&a->children, i) != hs_csr_begin(&b->children, i)) {
            printf("    offset of node %u differs\n", i);
            return false;
        }
    }
    for (uint64_t k = 0; k < a->children.nedges; k++) {
        if (a->children.targets[k] != b->children.targets[k]) {
            printf("    edge %llu differs\n", (unsigned long long)k);
            return false;
        }
    }
    return true;
}

/* Rewrites a graph both ways and compares; want is the rewrite's code. */
static void
check_pass(uint32_t n, uint32_t every, uint32_t grow, unsigned threads,
           uint64_t seed, int want)
{
    spec sp = {n ? n : 1, every, grow};
    hs_rewrite_ops w = {t_replaced, t_map, t_fill, &sp};
    hs_rebuild_ops r = {r_count, r_fill, &sp};
    uint64_t m1 = 0, m2 = 0;
    hs_graph *a = random_graph(n, seed, &m1);
    hs_graph *b = random_graph(n, seed, &m2);
    hs_error err;
    int rc;
    if (!CHECK(a && b)) {
        hs_graph_free(a);
        hs_graph_free(b);
        return;
    }
    a->threads = b->threads = threads;
    rc = hs_graph_rewrite_children(b, &w, &err);
    CHECK_EQ_I64(rc, want);
    if (rc == HS_OK) {
        CHECK_EQ_I64(hs_graph_rebuild_children(a, &r, &err), HS_OK);
    }
    /* Refused: b must still be a's twin, untouched. */
    if (!CHECK(same_children(a, b))) {
        printf("    (n %u, one in %u replaced, +%u, %u threads)\n", n, every,
               grow, threads);
    }
    hs_graph_free(a);
    hs_graph_free(b);
}

static void
test_random_graphs(void)
{
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint32_t n = (uint32_t)(seed * 977 % 5000) + 1;
        check_pass(n, (uint32_t)(seed % 7) + 2, 1, 1, seed, HS_OK);
    }
}

static void
test_edges_of_words(void)
{
    static const uint32_t sizes[] = {1, 2, 63, 64, 65, 127, 128, 129};
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        check_pass(sizes[i], 2, 1, 1, 7 + i, HS_OK);
        check_pass(sizes[i], 1, 0, 1, 7 + i, HS_OK); /* every node */
    }
}

static void
test_no_nodes(void)
{
    spec sp = {1, 1, 0};
    hs_rewrite_ops w = {t_replaced, t_map, t_fill, &sp};
    hs_graph *g = hs_graph_new(NULL);
    hs_error err;
    CHECK(g != NULL);
    CHECK_EQ_I64(hs_graph_rewrite_children(g, &w, &err), HS_OK);
    hs_graph_free(g);
}

/* More new refs than old: refused before anything changes. */
static void
test_growth_is_refused(void)
{
    check_pass(3000, 1, 9, 1, 99, HS_ELIMIT);
}

/* A range is at least PARALLEL_WORDS words (a million nodes): past two
 * and three millions the ranges split, and each range's aside lists,
 * lengths and shift must join the others' exactly. */
static void
test_several_threads(void)
{
    check_pass(2200000, 5, 1, 2, 3, HS_OK);
    check_pass(3300000, 3, 1, 3, 4, HS_OK);
}

int
main(void)
{
    RUN(test_random_graphs);
    RUN(test_edges_of_words);
    RUN(test_no_nodes);
    RUN(test_growth_is_refused);
    RUN(test_several_threads);
    return hs_test_end();
}
