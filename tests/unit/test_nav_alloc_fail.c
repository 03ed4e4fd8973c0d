/*
 * test_nav_alloc_fail.c - the failing-allocator matrix of
 * test_alloc_fail.c, for the navigation and output APIs.
 *
 * Those allocate with the C library (their results are freed with
 * hs_free), not through hs_allocator, so this test is linked with
 * -Wl,--wrap=malloc,calloc,realloc,free (tests/CMakeLists.txt): every
 * call in the library's objects comes here first. While armed, the Nth
 * allocation fails and the test counts blocks allocated and freed. For
 * each operation and every N along a clean run, the operation must fail
 * with HS_ENOMEM (or succeed), never crash, and free all it allocated,
 * its result included.
 */
#include "hs_test.h"

#include <heapscope.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

static struct {
    bool armed;
    long calls, fail_at, live;
} fa;

static bool
fail_now(void)
{
    return fa.armed && ++fa.calls == fa.fail_at;
}

void *
__wrap_malloc(size_t size)
{
    void *p = fail_now() ? NULL : __real_malloc(size);
    fa.live += fa.armed && p;
    return p;
}

void *
__wrap_calloc(size_t n, size_t size)
{
    void *p = fail_now() ? NULL : __real_calloc(n, size);
    fa.live += fa.armed && p;
    return p;
}

void *
__wrap_realloc(void *old, size_t size)
{
    void *p = fail_now() ? NULL : __real_realloc(old, size);
    fa.live += fa.armed && p && !old;
    return p;
}

void
__wrap_free(void *p)
{
    fa.live -= fa.armed && p;
    __real_free(p);
}

/* One operation: returns HS_OK or the error, freeing what it made. */
typedef int (*op_fn)(const hs_graph *g, const hs_graph *g2, hs_error *err);

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
op_summary(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_repr_json(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_refs(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_walks(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_paths_near(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_diff(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
op_growth(const hs_graph *g, const hs_graph *g2, hs_error *err)
{
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
run_matrix(const char *name, op_fn op, const hs_graph *g,
           const hs_graph *g2)
{
    hs_error err;
    long clean, bad = 0, failed = 0;
    memset(&fa, 0, sizeof(fa));
    fa.armed = true;
    memset(&err, 0, sizeof(err));
    CHECK_EQ_I64(op(g, g2, &err), HS_OK);
    fa.armed = false;
    clean = fa.calls;
    CHECK_EQ_I64(fa.live, 0);
    for (long n = 1; n <= clean && bad < 5; n++) {
        int rc;
        memset(&fa, 0, sizeof(fa));
        fa.fail_at = n;
        fa.armed = true;
        memset(&err, 0, sizeof(err));
        rc = op(g, g2, &err);
        fa.armed = false;
        failed += rc != HS_OK;
        if ((rc != HS_OK && rc != HS_ENOMEM) || fa.live != 0) {
            printf("    %s: fail at call %ld of %ld: rc %d (%s), %ld blocks "
                   "live\n", name, n, clean, rc, err.message, fa.live);
            bad++;
        }
    }
    CHECK_EQ_I64(bad, 0);
    if (!CHECK(clean > 0 && failed > 0)) {
        printf("    %s: %ld calls, %ld failed\n", name, clean, failed);
    }
}

static void
test_navigation_matrix(void)
{
    static char both[sizeof(old_dump) + sizeof(new_tail)];
    hs_graph *g = hs_graph_load(hs_test_text("old.json", old_dump), NULL,
                                NULL);
    hs_graph *g2;
    snprintf(both, sizeof(both), "%s%s", old_dump, new_tail);
    g2 = hs_graph_load(hs_test_text("new.json", both), NULL, NULL);
    if (!CHECK(g && g2)) {
        return;
    }
    run_matrix("summary", op_summary, g, g2);
    run_matrix("repr/json", op_repr_json, g, g2);
    run_matrix("refs", op_refs, g, g2);
    run_matrix("walks", op_walks, g, g2);
    run_matrix("paths/neighbourhood", op_paths_near, g, g2);
    run_matrix("diff", op_diff, g, g2);
    run_matrix("growth", op_growth, g, g2);
    hs_graph_free(g);
    hs_graph_free(g2);
}

int
main(void)
{
    RUN(test_navigation_matrix);
    return hs_test_end();
}
