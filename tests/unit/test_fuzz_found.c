/*
 * test_fuzz_found.c - the bugs fuzzing found (tests/fuzz), each as a unit
 * test of the behaviour now expected. The crashing inputs themselves are
 * replayed from tests/fuzz/corpus/<target>/crash-* by ctest.
 */
#include "hs_test.h"

#include <heapscope.h>

#include "parse/hs_text.h"

static hs_graph *
load_text(const char *name, const char *text)
{
    hs_error err;
    hs_graph *g = hs_graph_load(hs_test_text(name, text), NULL, &err);
    if (!g) {
        printf("    load %s: %s\n", name, err.message);
    }
    return g;
}

/* Duplicate records in a dump without a single ref: dropping the
 * duplicates moved zero refs from a NULL array (UB: NULL + 0).
 * corpus/load/crash-dup-records-no-refs */
static void
test_duplicates_without_refs(void)
{
    hs_graph *g = load_text("dups.json",
        "{\"address\": 1, \"type\": \"str\", \"size\": 1, \"value\": \"x\", "
        "\"refs\": []}\n"
        "{\"address\": 1, \"type\": \"str\", \"size\": 1, \"value\": \"x\", "
        "\"refs\": []}\n"
        "{\"address\": 1, \"type\": \"str\", \"size\": 1, \"value\": \"y\", "
        "\"refs\": []}\n");
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_U64(hs_graph_count(g), 1);
    CHECK_EQ_U64(hs_graph_stats(g)->duplicates, 2);
    CHECK_EQ_U64(hs_graph_stats(g)->references, 0);
    hs_graph_free(g);
}

/* The label of a ref to a dangling address: an object with two refs
 * whose first has no record looked up the phantom's type (id UINT32_MAX
 * in the string table) to test for ".__dict__".
 * corpus/load/crash-label-phantom-child */
static void
test_label_of_dangling_ref(void)
{
    hs_graph *g = load_text("phantom.json",
        "{\"address\": 16, \"type\": \"Thing\", \"size\": 48, "
        "\"refs\": [999, 24]}\n"
        "{\"address\": 24, \"type\": \"str\", \"size\": 50, \"value\": \"x\", "
        "\"refs\": []}\n");
    char *label;
    if (!CHECK(g != NULL)) {
        return;
    }
    label = hs_node_ref_label(g, hs_graph_find(g, 16), 0, 0, NULL);
    CHECK_STR(label, "refs[0]");
    hs_free(label);
    label = hs_node_ref_label(g, hs_graph_find(g, 16), 1, 0, NULL);
    CHECK_STR(label, "refs[1]");
    hs_free(label);
    hs_graph_free(g);
}

/* An index of a dump without a single ref maps no targets arrays: the
 * children and parents accessors added offset 0 to NULL (UB).
 * corpus/index/crash-no-edges */
static void
test_index_without_edges(void)
{
    const char *dump = hs_test_text("noedges.json",
        "{\"address\": 8, \"type\": \"str\", \"size\": 50, "
        "\"value\": \"x\", \"refs\": []}\n");
    const char *ipath = hs_test_file("noedges.json.hsidx", "", 0);
    hs_error err;
    hs_graph *g = hs_graph_load(dump, NULL, &err);
    uint64_t count = 1;
    if (!CHECK(g != NULL)
        || !CHECK(hs_snapshot_write(g, dump, NULL, ipath, NULL, &err) == 0)) {
        hs_graph_free(g);
        return;
    }
    hs_graph_free(g);
    g = hs_snapshot_open(ipath, NULL, &err);
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK(hs_node_children(g, 0, &count) == NULL && count == 0);
    count = 1;
    CHECK(hs_node_parents(g, 0, &count) == NULL && count == 0);
    hs_graph_free(g);
}

/* A type name holding bytes that are not UTF-8 and a control character
 * went through the growth chart's XML escaping unchanged: the report page
 * stopped being UTF-8 and the .svg stopped being XML.
 * corpus/html/crash-svg-invalid-utf8 */
static void
test_chart_of_bad_type_name(void)
{
    hs_graph *g = load_text("badtype.json",
        "{\"address\": 8, \"type\": \"A\xff\\u0001<\", \"size\": 50, "
        "\"refs\": []}\n");
    hs_growth *gr = hs_growth_new(NULL);
    char *svg = NULL;
    if (CHECK(g != NULL && gr != NULL)
        && CHECK(hs_growth_add(gr, g, 0, NULL) == HS_OK)
        && CHECK(hs_growth_add(gr, g, 1, NULL) == HS_OK)) {
        svg = hs_growth_svg(gr, 1, "x\x01", NULL);
        CHECK(svg && strstr(svg, ">A\xef\xbf\xbd\xef\xbf\xbd&lt; (") != NULL);
        CHECK(svg && strstr(svg, ">x\xef\xbf\xbd<") != NULL);
        CHECK(svg && hs_utf8_valid(svg, strlen(svg)));
    }
    hs_free(svg);
    hs_growth_free(gr);
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_duplicates_without_refs);
    RUN(test_label_of_dangling_ref);
    RUN(test_index_without_edges);
    RUN(test_chart_of_bad_type_name);
    return hs_test_end();
}
