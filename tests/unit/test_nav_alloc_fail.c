/*
 * test_nav_alloc_fail.c - the failing-allocator matrix of
 * test_alloc_fail.c, for the navigation and output APIs.
 *
 * Their results are freed with hs_free, so they are the C library's, and
 * their scratch is on the graph's allocator: each operation runs failing
 * the Nth call of malloc (the test is linked with -Wl,--wrap, see
 * hs_test_alloc.h), then of the graphs' hs_allocator, for every N along
 * a clean run. It must fail with HS_ENOMEM (or succeed), never crash, and
 * free all it allocated, its result included.
 */
#define HS_TEST_WRAP_MALLOC
#include "hs_test_alloc.h"

/* Two dumps, the second the first plus two objects, loaded through fail:
 * the ops run on them failing the graphs' allocator or malloc. */
typedef struct fixture {
    const hs_graph *g, *g2;
} fixture;

static hs_failing fail;

static uint32_t
id_of(const hs_graph *g, uint64_t address)
{
    return hs_graph_find(g, address);
}

/* A pointer result: HS_OK, or the error it reported. */
static int
done(void *p, const hs_error *err)
{
    hs_free(p);
    return p ? HS_OK : (err->code ? err->code : HS_ENOMEM);
}

static int
op_summary(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    hs_summary *s = hs_summary_new(g, err);
    char *text;
    (void)g2;
    if (!s) {
        return err->code;
    }
    text = hs_summary_format(s, 10, err);
    hs_summary_free(s);
    return done(text, err);
}

static int
op_repr_json(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    int rc;
    (void)g2;
    rc = done(hs_node_repr(g, id_of(g, 16), 100, 4, err), err);
    if (rc == HS_OK) {
        rc = done(hs_node_to_json(g, id_of(g, 24), err), err);
    }
    if (rc == HS_OK) {
        char *q = hs_json_quote("caf\xc3\xa9\n", 6, HS_QUOTE_SLASH);
        rc = q ? HS_OK : HS_ENOMEM;
        hs_free(q);
    }
    return rc;
}

static int
op_refs(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    hs_ref_item *items;
    hs_literal *lits;
    size_t n;
    int rc = hs_node_refs_as_dict(g, id_of(g, 24), &items, &n, err);
    (void)g2;
    if (rc != HS_OK) {
        return rc;
    }
    hs_free(items);
    rc = hs_node_refs_as_list(g, id_of(g, 16), &lits, &n, err);
    if (rc != HS_OK) {
        return rc;
    }
    hs_free(lits);
    rc = done(hs_node_refs_dict_format(g, id_of(g, 24), 3, err), err);
    if (rc == HS_OK) {
        rc = done(hs_node_ref_label(g, id_of(g, 24), 1, 3, err), err);
    }
    return rc;
}

static int
op_walks(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    uint32_t *ids;
    size_t n;
    uint64_t total;
    int rc = hs_node_walk(g, id_of(g, 8), NULL, 0, &ids, &n, err);
    (void)g2;
    if (rc != HS_OK) {
        return rc;
    }
    hs_free(ids);
    rc = hs_node_total_size(g, id_of(g, 8), NULL, 0, &total, NULL, err);
    if (rc != HS_OK) {
        return rc;
    }
    rc = hs_graph_get_all(g, "str", 3, &ids, &n, err);
    if (rc != HS_OK) {
        return rc;
    }
    hs_free(ids);
    rc = hs_node_all(g, id_of(g, 8), "str", 3, NULL, 0, &ids, &n, err);
    if (rc == HS_OK) {
        hs_free(ids);
    }
    return rc;
}

static int
op_paths_near(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    static const char *const ex[] = {"frame"};
    hs_path_options po = {2, ex, 1};
    hs_near_options no = {HS_NEAR_PARENTS | HS_NEAR_CHILDREN, 2, 10};
    hs_paths *p = hs_paths_find(g, id_of(g, 40), &po, err);
    hs_neighbourhood *nb;
    char *dot;
    (void)g2;
    if (!p) {
        return err->code;
    }
    hs_paths_free(p);
    nb = hs_neighbourhood_new(g, id_of(g, 24), &no, err);
    if (!nb) {
        return err->code;
    }
    dot = hs_neighbourhood_dot(nb, err);
    hs_neighbourhood_free(nb);
    return done(dot, err);
}

static int
op_diff(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    hs_diff *d = hs_diff_new(g, g2, err);
    uint32_t *ids;
    size_t n;
    int rc;
    if (!d) {
        return err->code;
    }
    rc = hs_diff_new_objects(d, NULL, 0, &ids, &n, err);
    if (rc == HS_OK) {
        hs_free(ids);
    }
    hs_diff_free(d);
    return rc;
}

static int
op_growth(const void *fx, hs_error *err)
{
    const hs_graph *g = ((const fixture *)fx)->g;
    const hs_graph *g2 = ((const fixture *)fx)->g2;
    hs_growth *gr = hs_growth_new(err);
    int rc;
    if (!gr) {
        return err->code;
    }
    rc = hs_growth_add(gr, g, 1, err);
    if (rc == HS_OK) {
        rc = hs_growth_add(gr, g2, 2, err);
    }
    if (rc == HS_OK) {
        rc = done(hs_growth_sparkline(gr, 0, err), err);
    }
    if (rc == HS_OK) {
        rc = done(hs_growth_svg(gr, 3, "seconds", err), err);
    }
    hs_growth_free(gr);
    return rc;
}

static const char old_dump[] =
    "{\"address\": 8, \"type\": \"module\", \"size\": 72, \"name\": \"m\", "
    "\"refs\": [16]}\n"
    "{\"address\": 16, \"type\": \"list\", \"size\": 88, \"len\": 3, "
    "\"refs\": [24, 32, 40]}\n"
    "{\"address\": 24, \"type\": \"dict\", \"size\": 232, \"len\": 2, "
    "\"refs\": [32, 40, 48, 40]}\n"
    "{\"address\": 32, \"type\": \"str\", \"size\": 50, \"value\": \"key\", "
    "\"refs\": []}\n"
    "{\"address\": 40, \"type\": \"str\", \"size\": 60, \"value\": "
    "\"a longer value\", \"refs\": []}\n"
    "{\"address\": 48, \"type\": \"int\", \"size\": 28, \"value\": 7, "
    "\"refs\": []}\n";
static const char new_tail[] =
    "{\"address\": 56, \"type\": \"str\", \"size\": 52, \"value\": \"new\", "
    "\"refs\": []}\n"
    "{\"address\": 64, \"type\": \"list\", \"size\": 72, \"refs\": [56]}\n";

static void
test_navigation_matrix(void)
{
    static char both[sizeof(old_dump) + sizeof(new_tail)];
    static const hs_alloc_case ops[] = {
        {"summary", op_summary},
        {"repr/json", op_repr_json},
        {"refs", op_refs},
        {"walks", op_walks},
        {"paths/neighbourhood", op_paths_near},
        {"diff", op_diff},
        {"growth", op_growth},
    };
    hs_graph *g = hs_failing_load("old.json", old_dump, &fail);
    hs_graph *g2;
    fixture fx;
    snprintf(both, sizeof(both), "%s%s", old_dump, new_tail);
    g2 = hs_failing_load("new.json", both, &fail);
    if (!CHECK(g && g2)) {
        hs_graph_free(g);
        return;
    }
    fx.g = g;
    fx.g2 = g2;
    hs_alloc_cases(ops, sizeof(ops) / sizeof(ops[0]), &fx, &fail);
    hs_graph_free(g);
    hs_graph_free(g2);
    CHECK_EQ_I64(fail.live, 0);
}

int
main(void)
{
    RUN(test_navigation_matrix);
    return hs_test_end();
}
