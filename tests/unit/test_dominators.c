/*
 * test_dominators.c - the dominator tree and retained sizes against a
 * brute-force reference, on many small random graphs with cycles, plus
 * hand-made cases where the answer can be read off by eye.
 *
 * The reference follows the definition, not the algorithm: the retained
 * set of x is what no root reaches once x is removed; y dominates x when
 * removing y makes x unreachable; idom(x) is the dominator of x that all
 * its other dominators dominate (the one retaining least). The roots are
 * chosen by the rule of hs_dominators.c, written out again here: modules
 * and objects without parents, then, in file order, each object that
 * none of the roots so far reaches. Some modules are the dumper's own
 * ("heapscope"): their refs are no edges, they are no roots by
 * themselves, and what only they refer to is a root (hs_roots.c).
 */
#include "hs_test_graph.h"

#include <heapscope.h>

#include "analysis/hs_dominators.h"
#include "util/hs_bits.h"

#define MAXN 40

typedef struct rgraph {
    int n;
    int is_module[MAXN];
    int is_own[MAXN];   /* a module named "heapscope" */
    uint64_t size[MAXN];
    int nrefs[MAXN];
    int refs[MAXN][3 * MAXN]; /* -1 = a dangling ref */
} rgraph;

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint32_t
rnd(uint32_t bound)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state % bound);
}

static void
random_graph(rgraph *r)
{
    int density;
    memset(r, 0, sizeof(*r));
    r->n = 1 + (int)rnd(MAXN);
    density = 1 + (int)rnd(4);
    for (int i = 0; i < r->n; i++) {
        r->is_module[i] = rnd(12) == 0;
        r->is_own[i] = r->is_module[i] && rnd(3) == 0;
        r->size[i] = 1 + rnd(1000);
        r->nrefs[i] = (int)rnd((uint32_t)density * 2 + 1);
        for (int k = 0; k < r->nrefs[i]; k++) {
            /* Mostly forward, sometimes back (cycles), rarely dangling. */
            uint32_t c = rnd(20);
            if (c == 0) {
                r->refs[i][k] = -1;
            } else if (c < 14 && i + 1 < r->n) {
                r->refs[i][k] = i + 1 + (int)rnd((uint32_t)(r->n - i - 1));
            } else {
                r->refs[i][k] = (int)rnd((uint32_t)r->n);
            }
        }
    }
}

/* The dump text: address 1000 + i, lists and modules. */
static char *
dump_text(const rgraph *r)
{
    size_t cap = 1 << 16, len = 0;
    char *s = malloc(cap);
    for (int i = 0; i < r->n; i++) {
        len += (size_t)snprintf(s + len, cap - len,
                                "{\"address\": %d, \"type\": \"%s\", "
                                "\"size\": %llu, %s\"refs\": [",
                                1000 + i, r->is_module[i] ? "module" : "list",
                                (unsigned long long)r->size[i],
                                r->is_own[i] ? "\"name\": \"heapscope\", "
                                : r->is_module[i] ? "\"name\": \"m\", " : "");
        for (int k = 0; k < r->nrefs[i]; k++) {
            int t = r->refs[i][k];
            len += (size_t)snprintf(s + len, cap - len, "%s%d", k ? ", " : "",
                                    t < 0 ? 999999 : 1000 + t);
        }
        len += (size_t)snprintf(s + len, cap - len, "]}\n");
    }
    return s;
}

/* MARK: the reference */

/* reach[i] = reachable from roots[] without entering skip (-1: none). */
static void
reach_from(const rgraph *r, const int *roots, int nroots, int skip,
           int *reach)
{
    int stack[MAXN * MAXN], top = 0;
    memset(reach, 0, sizeof(int) * MAXN);
    for (int k = 0; k < nroots; k++) {
        if (roots[k] != skip && !reach[roots[k]]) {
            reach[roots[k]] = 1;
            stack[top++] = roots[k];
        }
    }
    while (top) {
        int v = stack[--top];
        for (int k = 0; k < r->nrefs[v] && !r->is_own[v]; k++) {
            int t = r->refs[v][k];
            if (t >= 0 && t != skip && !reach[t]) {
                reach[t] = 1;
                stack[top++] = t;
            }
        }
    }
}

static int
choose_roots(const rgraph *r, int *roots)
{
    int has_parent[MAXN] = {0}, other_parent[MAXN] = {0}, reach[MAXN];
    int n = 0;
    for (int i = 0; i < r->n; i++) {
        for (int k = 0; k < r->nrefs[i]; k++) {
            if (r->refs[i][k] >= 0) {
                has_parent[r->refs[i][k]] = 1;
                other_parent[r->refs[i][k]] |= !r->is_own[i];
            }
        }
    }
    for (int i = 0; i < r->n; i++) {
        int held = !r->is_module[i] && has_parent[i] && !other_parent[i];
        if (!r->is_own[i] && (r->is_module[i] || !has_parent[i] || held)) {
            roots[n++] = i;
        }
    }
    for (int i = 0; i < r->n; i++) {
        reach_from(r, roots, n, -1, reach);
        if (!reach[i]) {
            roots[n++] = i;
        }
    }
    return n;
}

typedef struct reference {
    int idom[MAXN];          /* -1: the virtual root */
    uint64_t retained[MAXN];
    uint64_t count[MAXN];
    int dominated_by[MAXN][MAXN];
} reference;

static void
brute_force(const rgraph *r, reference *ref)
{
    int roots[2 * MAXN], nroots = choose_roots(r, roots), reach[MAXN];
    memset(ref, 0, sizeof(*ref));
    for (int x = 0; x < r->n; x++) {
        reach_from(r, roots, nroots, x, reach);
        for (int v = 0; v < r->n; v++) {
            if (!reach[v]) {
                ref->retained[x] += r->size[v];
                ref->count[x]++;
                if (v != x) {
                    ref->dominated_by[v][x] = 1;
                }
            }
        }
    }
    for (int v = 0; v < r->n; v++) {
        ref->idom[v] = -1;
        for (int x = 0; x < r->n; x++) {
            if (ref->dominated_by[v][x]
                && (ref->idom[v] < 0
                    || ref->count[x] < ref->count[ref->idom[v]])) {
                ref->idom[v] = x;
            }
        }
    }
}

/* MARK: the differential test */

static uint64_t
by_type_reference(const rgraph *r, const reference *ref, int module)
{
    uint64_t sum = 0;
    for (int v = 0; v < r->n; v++) {
        int top = r->is_module[v] == module;
        for (int x = 0; x < r->n && top; x++) {
            if (ref->dominated_by[v][x] && r->is_module[x] == module) {
                top = 0;
            }
        }
        sum += top ? ref->retained[v] : 0;
    }
    return sum;
}

static int
compare_by_type(const hs_dominators *d, const rgraph *r, const reference *ref)
{
    hs_retained_type *rows;
    size_t n;
    int bad = 0;
    if (hs_dominators_by_type(d, &rows, &n, NULL) != 0) {
        return 1;
    }
    for (size_t i = 0; i < n; i++) {
        int module = rows[i].type_len == 6;
        bad += !CHECK_EQ_U64(rows[i].retained_size,
                             by_type_reference(r, ref, module));
    }
    hs_free(rows);
    return bad;
}

static int
compare(const rgraph *r, const reference *ref, const hs_graph *g,
        const hs_dominators *d)
{
    int bad = 0;
    for (int v = 0; v < r->n; v++) {
        uint32_t id = hs_graph_find(g, (uint64_t)(1000 + v));
        uint32_t idom = hs_dominators_idom(d, id);
        uint32_t want = ref->idom[v] < 0
                            ? HS_NO_NODE
                            : hs_graph_find(g, (uint64_t)(1000 + ref->idom[v]));
        bad += !CHECK_EQ_U64(idom, want);
        bad += !CHECK_EQ_U64(hs_dominators_retained_size(d, id),
                             ref->retained[v]);
        bad += !CHECK_EQ_U64(hs_dominators_retained_count(d, id),
                             ref->count[v]);
    }
    return bad + compare_by_type(d, r, ref);
}

static void
test_random_graphs(void)
{
    static rgraph r;
    static reference ref;
    int failures = 0;
    for (int round = 0; round < 3000 && failures < 3; round++) {
        char *text;
        hs_graph *g;
        hs_dominators *d;
        random_graph(&r);
        brute_force(&r, &ref);
        text = dump_text(&r);
        g = hs_test_load_graph("dom.json", text);
        d = g ? hs_dominators_new(g, NULL) : NULL;
        if (!CHECK(d != NULL)) {
            failures++;
        } else if (compare(&r, &ref, g, d)) {
            printf("    round %d, graph:\n%s", round, text);
            failures++;
        }
        hs_dominators_free(d);
        hs_graph_free(g);
        free(text);
    }
}

/* MARK: hand-made cases */

/* M (module) -> A -> B -> D, A -> C -> D; E <-> F (a garbage cycle). */
static const char diamond[] =
    "{\"address\": 1, \"type\": \"module\", \"size\": 1, \"name\": \"m\", "
    "\"refs\": [2]}\n"
    "{\"address\": 2, \"type\": \"list\", \"size\": 10, \"len\": 2, "
    "\"refs\": [3, 4]}\n"
    "{\"address\": 3, \"type\": \"list\", \"size\": 20, \"len\": 1, "
    "\"refs\": [5]}\n"
    "{\"address\": 4, \"type\": \"list\", \"size\": 30, \"len\": 1, "
    "\"refs\": [5]}\n"
    "{\"address\": 5, \"type\": \"dict\", \"size\": 40, \"refs\": []}\n"
    "{\"address\": 6, \"type\": \"list\", \"size\": 50, \"refs\": [7]}\n"
    "{\"address\": 7, \"type\": \"list\", \"size\": 60, \"refs\": [6]}\n";

static void
test_diamond(void)
{
    hs_graph *g = hs_test_load_graph("dom.json", diamond);
    hs_dominators *d = g ? hs_dominators_new(g, NULL) : NULL;
    uint32_t *ids;
    size_t n;
    char *label;
    if (!CHECK(d != NULL)) {
        hs_graph_free(g);
        return;
    }
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 5)),
                 hs_graph_find(g, 2));
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 2)), 100);
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 3)), 20);
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 1)), HS_NO_NODE);
    CHECK(hs_dominators_is_root(d, hs_graph_find(g, 1)));
    /* The cycle: 6 comes first in the file, so it is the entry. */
    CHECK(hs_dominators_is_root(d, hs_graph_find(g, 6)));
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 6)), 110);
    CHECK_STR(hs_dominators_root_kind(d, hs_graph_find(g, 1)), "module");
    CHECK_STR(hs_dominators_root_kind(d, hs_graph_find(g, 6)), "unreached");
    CHECK(hs_dominators_root_kind(d, hs_graph_find(g, 7)) == NULL);
    CHECK_EQ_U64(hs_dominators_unreached(d), 2);
    CHECK_EQ_U64(hs_dominators_roots(d), 2);
    CHECK_EQ_U64(hs_dominators_total_size(d), 211);
    CHECK_EQ_I64(hs_dominators_top(d, 3, &ids, &n, NULL), 0);
    CHECK_EQ_U64(n, 3);
    CHECK_EQ_U64(hs_node_address(g, ids[0]), 6);
    CHECK_EQ_U64(hs_node_address(g, ids[1]), 1);
    CHECK_EQ_U64(hs_node_address(g, ids[2]), 2);
    hs_free(ids);
    CHECK_EQ_I64(hs_dominators_children(d, hs_graph_find(g, 2), 10, &ids, &n,
                                        NULL), 0);
    CHECK_EQ_U64(n, 3);
    CHECK_EQ_U64(hs_node_address(g, ids[0]), 5);
    CHECK_EQ_U64(hs_node_address(g, ids[1]), 4);
    CHECK_EQ_U64(hs_node_address(g, ids[2]), 3);
    hs_free(ids);
    /* 3 is list 2's first ref: its last item, [1] (lists are written
     * last item first, as tp_traverse visits them). */
    label = hs_dominators_label(d, hs_graph_find(g, 5), 0, NULL);
    CHECK_STR(label, "[1][0]");
    hs_free(label);
    label = hs_dominators_label(d, hs_graph_find(g, 1), 0, NULL);
    CHECK_STR(label, "");
    hs_free(label);
    hs_dominators_free(d);
    hs_graph_free(g);
}

/* Leaves (objects without refs, of one parent, no roots) are placed
 * under their parent without a number (hs_semi_nca.c): one met in file
 * order before its parent, which no root reaches, is an extra root of
 * its own; one its parent refers to twice is placed once; one held only
 * by the dumper's module is a root; and the preorder still lists every
 * object once, after its immediate dominator. */
static const char leaves[] =
    "{\"address\": 1, \"type\": \"str\", \"size\": 10, \"refs\": []}\n"
    "{\"address\": 2, \"type\": \"list\", \"size\": 20, \"refs\": [1, 3]}\n"
    "{\"address\": 3, \"type\": \"list\", \"size\": 30, \"refs\": [2]}\n"
    "{\"address\": 5, \"type\": \"module\", \"size\": 40, \"name\": \"m\", "
    "\"refs\": [6, 6, 7]}\n"
    "{\"address\": 6, \"type\": \"str\", \"size\": 50, \"refs\": []}\n"
    "{\"address\": 7, \"type\": \"list\", \"size\": 60, \"refs\": [8, 9]}\n"
    "{\"address\": 8, \"type\": \"int\", \"size\": 70, \"refs\": []}\n"
    "{\"address\": 9, \"type\": \"int\", \"size\": 80, \"refs\": []}\n"
    "{\"address\": 11, \"type\": \"module\", \"size\": 90, "
    "\"name\": \"heapscope\", \"refs\": [12]}\n"
    "{\"address\": 12, \"type\": \"str\", \"size\": 100, \"refs\": []}\n";

static void
test_leaves(void)
{
    hs_graph *g = hs_test_load_graph("dom.json", leaves);
    hs_dominators *d = g ? hs_dominators_new(g, NULL) : NULL;
    uint32_t seen[16] = {0};
    if (!CHECK(d != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* 1 before its parent 2 in the file, the cycle 2 <-> 3 unreached. */
    CHECK_STR(hs_dominators_root_kind(d, hs_graph_find(g, 1)), "unreached");
    CHECK_STR(hs_dominators_root_kind(d, hs_graph_find(g, 2)), "unreached");
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 3)),
                 hs_graph_find(g, 2));
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 2)), 50);
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 1)), 10);
    /* and the dumper's module, which no root reaches either */
    CHECK_EQ_U64(hs_dominators_unreached(d), 4);
    /* 6 twice in the module's refs: one parent, one place. */
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 6)),
                 hs_graph_find(g, 5));
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 8)),
                 hs_graph_find(g, 7));
    CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 9)),
                 hs_graph_find(g, 7));
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 5)), 300);
    CHECK_EQ_U64(hs_dominators_retained_count(d, hs_graph_find(g, 5)), 5);
    /* 12: held only by the dumper's module, a root of its own. */
    CHECK_STR(hs_dominators_root_kind(d, hs_graph_find(g, 12)),
              "held only by the dumper");
    CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 11)), 90);
    CHECK_EQ_U64(d->reached, hs_graph_count(g));
    for (uint32_t i = 0; i < d->reached; i++) {
        uint32_t id = d->order[i], p = d->idom[id];
        if (!CHECK(id < 16 && !seen[id])) {
            break;
        }
        seen[id] = 1;
        CHECK(p == HS_DOM_ROOT || (p < 16 && seen[p]));
    }
    hs_dominators_free(d);
    hs_graph_free(g);
}

/* hs_roots_mark over ranges of whole words, as the tree's threads call
 * it, marks exactly the roots hs_roots_kind names: the held objects (a
 * fifth of them, referred to only by the dumper's module) fall in every
 * range, so each range must find its first one. */
static void
test_roots_in_ranges(void)
{
    const int n = 20000;
    size_t cap = (size_t)n * 120, len = 0;
    char *s = malloc(cap);
    hs_graph *g;
    hs_roots r;
    len += (size_t)snprintf(s + len, cap - len,
                            "{\"address\": 1, \"type\": \"module\", "
                            "\"size\": 1, \"name\": \"heapscope\", \"refs\": [");
    for (int i = 0; i < n; i += 5) {
        len += (size_t)snprintf(s + len, cap - len, "%s%d", i ? ", " : "",
                                100 + i);
    }
    len += (size_t)snprintf(s + len, cap - len, "]}\n");
    for (int i = 0; i < n; i++) {
        /* 5k: held; 5k + 1: a module; 5k + 2: no parents; 5k + 3 and
         * 5k + 4: referred to by the object before them. */
        char refs[16] = "";
        if (i % 5 == 2 || i % 5 == 3) {
            snprintf(refs, sizeof(refs), "%d", 101 + i);
        }
        len += (size_t)snprintf(s + len, cap - len,
                                "{\"address\": %d, \"type\": \"%s\", "
                                "\"size\": 1, \"refs\": [%s]}\n",
                                100 + i, i % 5 == 1 ? "module" : "list",
                                refs);
    }
    g = hs_test_load_graph("roots.json", s);
    if (CHECK(g != NULL) && CHECK(hs_roots_init(&r, g) == HS_OK)) {
        static const uint32_t cuts[] = {64, 640, 6400, 12800};
        uint32_t wrong = 0, roots = 0;
        hs_bits bits;
        CHECK(hs_bits_init(&bits, NULL, hs_graph_count(g)) == HS_OK);
        for (size_t i = 0; i <= sizeof(cuts) / sizeof(cuts[0]); i++) {
            uint32_t lo = i ? cuts[i - 1] : 0;
            uint32_t hi = i < sizeof(cuts) / sizeof(cuts[0]) ? cuts[i]
                                                             : UINT32_MAX;
            hs_roots_mark(&r, &bits, lo, hi);
        }
        for (uint32_t id = 0; id < hs_graph_count(g); id++) {
            bool root = hs_roots_kind(&r, id) != NULL;
            wrong += hs_bits_test(&bits, id) != root;
            roots += root;
        }
        CHECK_EQ_U64(wrong, 0);
        CHECK(roots > (uint32_t)n / 2); /* held, modules, no parents */
        hs_bits_release(&bits);
        hs_roots_release(&r);
    }
    hs_graph_free(g);
    free(s);
}

/* A stop that says yes at its `at`-th question (never when 0). */
typedef struct stop_after {
    unsigned asked, at;
} stop_after;

static bool
stop_when_asked(void *ctx)
{
    stop_after *s = ctx;
    return ++s->asked == s->at;
}

/* hs_dominators_new_stop stops at each of its questions in turn, freeing
 * all it made (ASan checks), and, never told to stop, equals
 * hs_dominators_new. */
static void
check_stops(const hs_graph *g)
{
    stop_after never = {0, 0};
    hs_stop stop = {stop_when_asked, &never};
    hs_error err;
    hs_dominators *d = hs_dominators_new_stop(g, &stop, &err);
    hs_dominators *plain = hs_dominators_new(g, NULL);
    unsigned questions = never.asked;
    if (!CHECK(d != NULL && plain != NULL)) {
        hs_dominators_free(d);
        hs_dominators_free(plain);
        return;
    }
    /* Within the search and the idoms of 600 K objects (step 2 asks
     * only over the objects of several parents, here few), and between
     * the steps. */
    CHECK(questions >= 16);
    for (uint32_t id = 0; id < hs_graph_count(g); id++) {
        CHECK_EQ_U64(hs_dominators_idom(d, id), hs_dominators_idom(plain, id));
        CHECK_EQ_U64(hs_dominators_retained_size(d, id),
                     hs_dominators_retained_size(plain, id));
    }
    hs_dominators_free(d);
    hs_dominators_free(plain);
    /* Twelve places, from the first question to the last (between the
     * tree and the retained sizes). */
    for (unsigned i = 0; i < 12; i++) {
        unsigned at = 1 + (questions - 1) * i / 11;
        stop_after s = {0, at};
        stop.ctx = &s;
        d = hs_dominators_new_stop(g, &stop, &err);
        CHECK(d == NULL);
        CHECK_EQ_I64(err.code, HS_ELIMIT);
        CHECK_STR(err.message, "stopped");
        hs_dominators_free(d);
    }
}

/* The best 10 of 300,000 roots of sizes all different, spread at random
 * over the file, ranked in parts on the graph's threads, are the 10
 * largest, and the first 10 of the best 5000, ranked in one part (past
 * 4096, hs_retained.c does not cut). */
static void
test_rank_in_parts(void)
{
    const int n = 300000;
    size_t cap = (size_t)n * 80, len = 0;
    char *s = malloc(cap);
    hs_graph *g;
    hs_dominators *d;
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(s + len, cap - len,
                                "{\"address\": %d, \"type\": \"str\", "
                                "\"size\": %d, \"refs\": []}\n",
                                1000 + i, 1 + (int)((i * 7919u) % 300007u));
    }
    g = hs_test_load_path(hs_test_text("rank.json", s), HS_LOAD_NO_COLLAPSE,
                          3);
    d = g ? hs_dominators_new(g, NULL) : NULL;
    if (CHECK(d != NULL)) {
        uint32_t *few = NULL, *many = NULL, best[10];
        size_t nfew = 0, nmany = 0;
        /* the 10 largest by a plain scan: size down, then id up */
        for (int k = 0; k < 10; k++) {
            uint32_t pick = UINT32_MAX;
            for (uint32_t id = 0; id < hs_graph_count(g); id++) {
                bool taken = false;
                for (int t = 0; t < k; t++) {
                    taken |= best[t] == id;
                }
                if (!taken
                    && (pick == UINT32_MAX
                        || hs_node_size(g, id) > hs_node_size(g, pick))) {
                    pick = id;
                }
            }
            best[k] = pick;
        }
        CHECK_EQ_I64(hs_dominators_top(d, 10, &few, &nfew, NULL), 0);
        CHECK_EQ_I64(hs_dominators_top(d, 5000, &many, &nmany, NULL), 0);
        CHECK_EQ_U64(nfew, 10);
        CHECK(few && many && memcmp(few, best, sizeof(best)) == 0);
        CHECK(nmany == 5000 && memcmp(many, best, sizeof(best)) == 0);
        /* in both halves of the file, so in more than one part */
        CHECK((best[0] < (uint32_t)n / 2) != (best[1] < (uint32_t)n / 2)
              || (best[0] < (uint32_t)n / 2) != (best[2] < (uint32_t)n / 2));
        hs_free(few);
        hs_free(many);
    }
    hs_dominators_free(d);
    hs_graph_free(g);
    free(s);
}

/* The tree of a 400,000-object graph (shared children, cycles, leaves of
 * one parent and of several, objects no root reaches) is the same,
 * order included, whether its passes run in one part or in three. */
static void
test_parts_agree(void)
{
    const int n = 400000;
    size_t cap = (size_t)n * 100, len = 0;
    char *s = malloc(cap);
    const char *path;
    hs_graph *g1, *g3;
    hs_dominators *d1 = NULL, *d3 = NULL;
    for (int i = 0; i < n; i++) {
        /* a module every 1000; a third of the rest leaves; the others
         * refer ahead (a tree with shared children) and sometimes back */
        int a = (int)((i * 7u + 1) % (unsigned)n);
        int b = (int)((i * 13u + 5) % (unsigned)n);
        const char *type = i % 1000 == 0 ? "module" : "list";
        if (i % 3 == 1 && i % 1000) {
            len += (size_t)snprintf(s + len, cap - len,
                                    "{\"address\": %d, \"type\": \"str\", "
                                    "\"size\": %d, \"refs\": []}\n",
                                    1000 + i, 1 + i % 97);
        } else {
            len += (size_t)snprintf(s + len, cap - len,
                                    "{\"address\": %d, \"type\": \"%s\", "
                                    "\"size\": %d, \"refs\": [%d, %d]}\n",
                                    1000 + i, type, 1 + i % 89, 1000 + a,
                                    1000 + b);
        }
    }
    path = hs_test_text("parts.json", s);
    g1 = hs_test_load_path(path, HS_LOAD_NO_COLLAPSE, 1);
    g3 = hs_test_load_path(path, HS_LOAD_NO_COLLAPSE, 3);
    if (CHECK(g1 && g3)) {
        d1 = hs_dominators_new(g1, NULL);
        d3 = hs_dominators_new(g3, NULL);
    }
    if (CHECK(d1 && d3) && CHECK_EQ_U64(d1->reached, d3->reached)) {
        uint64_t wrong = 0;
        for (uint32_t id = 0; id < d1->n; id++) {
            wrong += d1->idom[id] != d3->idom[id];
            wrong += d1->retained[id] != d3->retained[id];
            wrong += d1->retained_count[id] != d3->retained_count[id];
        }
        wrong += memcmp(d1->order, d3->order,
                        d1->reached * sizeof(*d1->order)) != 0;
        CHECK_EQ_U64(wrong, 0);
        CHECK_EQ_U64(hs_dominators_unreached(d1),
                     hs_dominators_unreached(d3));
        CHECK(hs_dominators_roots(d1) > 100);
    }
    hs_dominators_free(d1);
    hs_dominators_free(d3);
    hs_graph_free(g1);
    hs_graph_free(g3);
    free(s);
}

/* A chain 300,000 long, then a ring of the same length: nothing may
 * recurse on depth. */
static void
test_long_chain(void)
{
    const int n = 300000;
    size_t cap = (size_t)n * 2 * 80, len = 0;
    char *s = malloc(cap);
    hs_graph *g;
    hs_dominators *d;
    for (int i = 0; i < n; i++) {
        len += (size_t)snprintf(s + len, cap - len,
                                "{\"address\": %d, \"type\": \"list\", "
                                "\"size\": 1, \"refs\": [%d]}\n",
                                10 + i, i + 1 < n ? 11 + i : 10);
    }
    /* The first object has a parent (the last): add a parentless head. */
    len += (size_t)snprintf(s + len, cap - len,
                            "{\"address\": 5, \"type\": \"list\", "
                            "\"size\": 1, \"refs\": [10]}\n");
    g = hs_test_load_graph("dom.json", s);
    d = g ? hs_dominators_new(g, NULL) : NULL;
    if (CHECK(d != NULL)) {
        CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 5)),
                     (uint64_t)n + 1);
        CHECK_EQ_U64(hs_dominators_retained_size(d, hs_graph_find(g, 10)),
                     (uint64_t)n);
        CHECK_EQ_U64(hs_dominators_idom(d, hs_graph_find(g, 10 + n - 1)),
                     hs_graph_find(g, 10 + n - 2));
        CHECK_EQ_U64(hs_dominators_unreached(d), 0);
        check_stops(g);
    }
    hs_dominators_free(d);
    hs_graph_free(g);
    free(s);
}

static void
test_needs_parents(void)
{
    hs_load_options o;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&o);
    o.flags = HS_LOAD_NO_PARENTS;
    g = hs_graph_load(hs_test_text("np.json", diamond), &o, &err);
    if (CHECK(g != NULL)) {
        CHECK(hs_dominators_new(g, &err) == NULL);
        CHECK_EQ_I64(err.code, HS_EINVAL);
    }
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_diamond);
    RUN(test_leaves);
    RUN(test_roots_in_ranges);
    RUN(test_rank_in_parts);
    RUN(test_parts_agree);
    RUN(test_long_chain);
    RUN(test_needs_parents);
    RUN(test_random_graphs);
    return hs_test_end();
}
