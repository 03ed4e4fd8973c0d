/*
 * test_fuzz_found.c - the bugs fuzzing found (tests/fuzz), each as a unit
 * test of the behaviour now expected. The crashing inputs themselves are
 * replayed from tests/fuzz/corpus/<target>/crash-* by ctest.
 */
#include "hs_test.h"

#include <heapscope.h>

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

int
main(void)
{
    RUN(test_duplicates_without_refs);
    RUN(test_label_of_dangling_ref);
    return hs_test_end();
}
