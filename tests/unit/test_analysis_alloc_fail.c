/*
 * test_analysis_alloc_fail.c - the failing-allocator matrix
 * (hs_test_alloc.h) for the analyses and exports: dominators and
 * retained sizes, the dominator tree, leaks over two and three dumps,
 * the match of two dumps, paths to roots, the site summary, the memory
 * verdict, the growth chart, a neighbourhood as DOT and the HTML report.
 *
 * Their scratch and their objects are on the graph's allocator, what
 * they hand back for hs_free on malloc (docs/style.md 21): each
 * operation runs failing the Nth call of malloc (graph allocators
 * included), then of the graphs' hs_allocator, for every N along a clean
 * run, and must fail with HS_ENOMEM (or succeed), never crash, and free
 * all it allocated.
 *
 * Three dumps of one process: a module's dict holds a list that gains
 * three new Items by the second dump and three more by the third, which
 * also records where they were allocated (docs/format.md §7) and, like
 * the first, the resident set.
 */
#define HS_TEST_WRAP_MALLOC
#include "hs_test_alloc.h"

#include "analysis/hs_match.h"
#include "util/hs_error.h"
#include "util/hs_mem.h"

#define HEADER(rss) \
    "{\"heapscope_dump\": 1, \"python\": \"3.12.1\", \"pointer_size\": 8, " \
    "\"time\": 1700000000, \"pid\": 4242, \"rss\": " #rss "}\n"
#define MODULE \
    "{\"address\": 8, \"type\": \"module\", \"size\": 72, " \
    "\"name\": \"__main__\", \"refs\": [16]}\n" \
    "{\"address\": 16, \"type\": \"dict\", \"size\": 232, \"len\": 3, " \
    "\"refs\": [32, 40, 48, 56, 80, 72]}\n" \
    "{\"address\": 80, \"type\": \"str\", \"size\": 52, \"len\": 3, " \
    "\"value\": \"buf\", \"refs\": []}\n" \
    "{\"address\": 32, \"type\": \"str\", \"size\": 54, \"len\": 5, " \
    "\"value\": \"cache\", \"refs\": []}\n" \
    "{\"address\": 48, \"type\": \"str\", \"size\": 53, \"len\": 4, " \
    "\"value\": \"name\", \"refs\": []}\n" \
    "{\"address\": 56, \"type\": \"str\", \"size\": 54, \"len\": 5, " \
    "\"value\": \"hello\", \"refs\": []}\n" \
    "{\"address\": 64, \"type\": \"type\", \"size\": 1064, " \
    "\"name\": \"Item\", \"refs\": []}\n"
/* A buffer that grows in place (hs_leak_inplace.c). */
#define BUFFER(size) \
    "{\"address\": 72, \"type\": \"bytearray\", \"size\": " #size ", " \
    "\"refs\": []}\n"
#define ITEM(addr, tb) \
    "{\"address\": " #addr ", \"type\": \"Item\", \"size\": 600, " \
    "\"refs\": [64]" tb "}\n"

static const char dump1[] = HEADER(50000000) MODULE BUFFER(1000)
    "{\"address\": 40, \"type\": \"list\", \"size\": 56, \"refs\": []}\n";
static const char dump2[] = HEADER(60000000) MODULE BUFFER(6000)
    "{\"address\": 40, \"type\": \"list\", \"size\": 88, "
    "\"refs\": [1000, 1008, 1016]}\n"
    ITEM(1000, "") ITEM(1008, "") ITEM(1016, "");
static const char dump3[] = HEADER(90000000)
    "{\"heapscope_frame\": 1, \"file\": \"\\/srv\\/app\\/main.py\", "
    "\"line\": 12}\n"
    "{\"heapscope_frame\": 2, \"file\": \"\\/srv\\/app\\/cache.py\", "
    "\"line\": 40}\n"
    "{\"heapscope_traceback\": 1, \"frames\": [1, 2]}\n"
    "{\"heapscope_traceback\": 2, \"frames\": [1]}\n"
    MODULE BUFFER(12000)
    "{\"address\": 40, \"type\": \"list\", \"size\": 120, "
    "\"refs\": [1000, 1008, 1016, 1024, 1032, 1040],\"tb\":2}\n"
    ITEM(1000, ",\"tb\":1") ITEM(1008, ",\"tb\":1") ITEM(1016, ",\"tb\":1")
    ITEM(1024, ",\"tb\":1") ITEM(1032, ",\"tb\":1") ITEM(1040, "");

typedef struct fixture {
    const hs_graph *g[3];
} fixture;

static hs_failing fail;

static const hs_graph *
last(const void *fx)
{
    return ((const fixture *)fx)->g[2];
}

/* Frees text or ids made for hs_free: HS_OK, or the error it reported. */
static int
done(void *p, int rc)
{
    hs_free(p);
    return rc;
}

static int
op_dominators(const void *fx, hs_error *err)
{
    const hs_graph *g = last(fx);
    hs_dominators *d = hs_dominators_new(g, err);
    hs_retained_type *rows;
    uint32_t *ids;
    size_t n;
    char *label;
    int rc;
    if (!d) {
        return err->code;
    }
    rc = hs_dominators_top(d, 5, &ids, &n, err);
    if (rc == HS_OK) {
        hs_free(ids);
        rc = hs_dominators_children(d, hs_graph_find(g, 40), 3, &ids, &n,
                                    err);
    }
    if (rc == HS_OK) {
        hs_free(ids);
        rc = hs_dominators_by_type(d, &rows, &n, err);
    }
    if (rc == HS_OK) {
        hs_free(rows);
        label = hs_dominators_label(d, hs_graph_find(g, 1000), 20, err);
        rc = done(label, label ? HS_OK : err->code);
    }
    hs_dominators_free(d);
    return rc;
}

static int
op_domtree(const void *fx, hs_error *err)
{
    hs_dominators *d = hs_dominators_new(last(fx), err);
    hs_domtree *t;
    size_t n;
    if (!d) {
        return err->code;
    }
    t = hs_domtree_new(d, err);
    if (t) {
        hs_domtree_children(t, HS_NO_NODE, &n);
    }
    hs_domtree_free(t);
    hs_dominators_free(d);
    return t ? HS_OK : err->code;
}

static int
leaks_of(const hs_graph *const *dumps, size_t n, hs_error *err)
{
    hs_leaks *l = hs_leaks_new(dumps, n, NULL, err);
    int rc;
    if (!l) {
        return err->code;
    }
    /* a leak was found: owners, series, census and sites ran; and the
     * buffer, second, grows in place */
    rc = hs_leaks_count(l) > 1 && hs_leaks_at(l, 0)->nsites > 0
                 && hs_leaks_at(l, 1)->grows_in_place
             ? HS_OK
             : HS_EINVAL;
    hs_leaks_free(l);
    return rc;
}

static int
op_leaks2(const void *fx, hs_error *err)
{
    const fixture *f = fx;
    const hs_graph *dumps[2] = {f->g[0], f->g[2]};
    return leaks_of(dumps, 2, err);
}

static int
op_leaks3(const void *fx, hs_error *err)
{
    return leaks_of(((const fixture *)fx)->g, 3, err);
}

static int
op_match(const void *fx, hs_error *err)
{
    const fixture *f = fx;
    uint32_t *map = hs_match_all(f->g[1], f->g[2]);
    hs_diff *d;
    hs_mfree(f->g[2]->a, map);
    if (!map) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    d = hs_diff_new(f->g[0], f->g[2], err);
    hs_diff_free(d);
    return d ? HS_OK : err->code;
}

static int
op_paths(const void *fx, hs_error *err)
{
    const hs_graph *g = last(fx);
    hs_path_options po = {3, NULL, 0};
    hs_paths *p = hs_paths_find(g, hs_graph_find(g, 1040), &po, err);
    const uint32_t *nodes;
    size_t len;
    char *text;
    if (!p) {
        return err->code;
    }
    nodes = hs_paths_at(p, 0, &len);
    text = nodes ? hs_path_expression(g, nodes, len, err) : NULL;
    hs_paths_free(p);
    return done(text, text ? HS_OK : err->code);
}

static int
op_sites(const void *fx, hs_error *err)
{
    const hs_graph *g = last(fx);
    hs_site_summary *s = hs_site_summary_new(g, 2, err);
    hs_dominators *d;
    int rc;
    if (!s) {
        return err->code;
    }
    rc = hs_site_summary_sort_by_count(s);
    hs_site_summary_free(s);
    if (rc < 0) {
        return hs_error_set(err, rc, "out of memory");
    }
    if (!(d = hs_dominators_new(g, err))) {
        return err->code;
    }
    s = hs_site_summary_new_retained(g, 1, d, err);
    rc = s && hs_site_summary_rows(s) > 0 ? HS_OK : err->code;
    hs_site_summary_free(s);
    hs_dominators_free(d);
    return rc;
}

/* The memory verdict allocates nothing: it runs with the chart, and the
 * matrix checks that it stays so. */
static int
op_growth_memory(const void *fx, hs_error *err)
{
    const fixture *f = fx;
    hs_growth *gr = hs_growth_new(err);
    hs_memory_growth m;
    char *svg;
    int rc = HS_OK;
    if (!gr) {
        return err->code;
    }
    for (int i = 0; i < 3 && rc == HS_OK; i++) {
        rc = hs_growth_add(gr, f->g[i], 100.0 * i, err);
    }
    if (rc == HS_OK) {
        svg = hs_growth_svg(gr, 3, "seconds", err);
        rc = done(svg, svg ? HS_OK : err->code);
    }
    hs_growth_free(gr);
    if (rc == HS_OK
        && hs_memory_compare(f->g[0], f->g[2], &m) == HS_MEMORY_UNKNOWN) {
        rc = HS_EINVAL; /* the headers' resident sets were not read */
    }
    return rc;
}

static int
op_neighbourhood(const void *fx, hs_error *err)
{
    const hs_graph *g = last(fx);
    hs_near_options no = {HS_NEAR_PARENTS | HS_NEAR_CHILDREN, 2, 8};
    hs_neighbourhood *nb = hs_neighbourhood_new(g, hs_graph_find(g, 40), &no,
                                                err);
    char *dot;
    if (!nb) {
        return err->code;
    }
    dot = hs_neighbourhood_dot(nb, err);
    hs_neighbourhood_free(nb);
    return done(dot, dot ? HS_OK : err->code);
}

static int
sink(void *ctx, const char *data, size_t len)
{
    (void)data;
    *(size_t *)ctx += len;
    return 0;
}

static int
op_report(const void *fx, hs_error *err)
{
    static const char *const paths[] = {"dump-1.json", "dump-2.json",
                                        "dump-3.json"};
    static const size_t index[] = {0, 1, 2};
    const fixture *f = fx;
    hs_report_options o = {0};
    hs_growth *gr = hs_growth_new(err);
    size_t bytes = 0;
    int rc = gr ? HS_OK : err->code;
    for (int i = 0; i < 3 && rc == HS_OK; i++) {
        rc = hs_growth_add(gr, f->g[i], 100.0 * i, err);
    }
    o.first = f->g[0];
    o.last = f->g[2];
    o.paths = paths;
    o.ndumps = 3;
    o.growth = gr;
    o.time_label = "seconds";
    o.leak_dumps = f->g;
    o.leak_index = index;
    o.nleak = 3;
    if (rc == HS_OK) {
        rc = hs_report_write(&o, sink, &bytes, err);
    }
    hs_growth_free(gr);
    return rc;
}

static void
test_analysis_matrix(void)
{
    static const hs_alloc_case ops[] = {
        {"dominators", op_dominators},
        {"domtree", op_domtree},
        {"leaks of 2", op_leaks2},
        {"leaks of 3", op_leaks3},
        {"match/diff", op_match},
        {"paths", op_paths},
        {"site summary", op_sites},
        {"growth svg/memory", op_growth_memory},
        {"neighbourhood dot", op_neighbourhood},
        {"report", op_report},
    };
    static const char *const texts[3] = {dump1, dump2, dump3};
    static const char *const names[3] = {"d1.json", "d2.json", "d3.json"};
    fixture fx;
    hs_graph *g[3];
    bool loaded = true;
    for (int i = 0; i < 3; i++) {
        g[i] = hs_failing_load(names[i], texts[i], &fail);
        fx.g[i] = g[i];
        loaded &= g[i] != NULL;
    }
    if (CHECK(loaded)) {
        CHECK(hs_graph_has_sites(g[2]));
        hs_alloc_cases(ops, sizeof(ops) / sizeof(ops[0]), &fx, &fail);
    }
    for (int i = 0; i < 3; i++) {
        hs_graph_free(g[i]);
    }
    CHECK_EQ_I64(fail.live, 0);
}

int
main(void)
{
    RUN(test_analysis_matrix);
    return hs_test_end();
}
