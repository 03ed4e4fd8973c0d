/*
 * test_passes.c - meliae's loader passes: collapse_instance_dicts,
 * remove_expensive_references and guess_intern_dict (docs/format.md §4).
 */
#include "hs_test.h"

#include <heapscope.h>

static hs_graph *
load_ex(const char *text, hs_load_flags flags)
{
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&opts);
    opts.flags = flags;
    g = hs_graph_load(hs_test_text("dump.json", text), &opts, &err);
    if (!g) {
        printf("    load failed: line %llu: %s\n",
               (unsigned long long)err.line, err.message);
    }
    return g;
}

static hs_graph *
load(const char *text)
{
    return load_ex(text, HS_LOAD_NO_COLLAPSE);
}

static uint32_t
node(const hs_graph *g, uint64_t addr)
{
    return hs_graph_find(g, addr);
}

static bool
addrs_are(const hs_graph *g, const uint32_t *ids, uint64_t n,
          const uint64_t *want, uint64_t want_n)
{
    bool ok = n == want_n;
    for (uint64_t k = 0; ok && k < n; k++) {
        ok = hs_node_address(g, ids[k]) == want[k];
    }
    if (!ok) {
        printf("    got [");
        for (uint64_t k = 0; k < n; k++) {
            printf("%s%llu", k ? ", " : "",
                   (unsigned long long)hs_node_address(g, ids[k]));
        }
        printf("]\n");
    }
    return ok;
}

#define REFS_ARE(g, addr, ...) \
    do { \
        static const uint64_t want_[] = {__VA_ARGS__}; \
        uint64_t n_ = 0; \
        uint32_t id_ = node((g), (addr)); \
        const uint32_t *c_ = id_ == HS_NO_NODE ? NULL \
            : hs_node_children((g), id_, &n_); \
        if (!CHECK(addrs_are((g), c_, n_, want_, sizeof(want_) / 8))) { \
            printf("    (refs of %llu)\n", (unsigned long long)(addr)); \
        } \
    } while (0)

#define NO_REFS(g, addr) \
    do { \
        uint64_t n_ = 99; \
        hs_node_children((g), node((g), (addr)), &n_); \
        CHECK_EQ_U64(n_, 0); \
    } while (0)

#define PARENTS_ARE(g, addr, ...) \
    do { \
        static const uint64_t want_[] = {__VA_ARGS__}; \
        uint64_t n_ = 0; \
        const uint32_t *p_ = hs_node_parents((g), node((g), (addr)), &n_); \
        if (!CHECK(addrs_are((g), p_, n_, want_, sizeof(want_) / 8))) { \
            printf("    (parents of %llu)\n", (unsigned long long)(addr)); \
        } \
    } while (0)

static void
check_type(const hs_graph *g, uint64_t addr, const char *want, int line)
{
    size_t len = 0;
    uint32_t id = node(g, addr);
    const char *t = id == HS_NO_NODE ? NULL : hs_node_type(g, id, &len);
    hs_test_mem(t, len, want, strlen(want), "type", want, __FILE__, line);
}

#define TYPE_IS(g, addr, want) check_type((g), (addr), (want), __LINE__)
#define GONE(g, addr) CHECK_EQ_U64(node((g), (addr)), HS_NO_NODE)

/* One record line; refs is the text inside the brackets. */
#define REC(addr, type, size, extra, refs) \
    "{\"address\": " #addr ", \"type\": \"" type "\", \"size\": " #size \
    extra ", \"refs\": [" refs "]}\n"

static const char collapse_dump[] =
    /* new-style instance: [dict, type] */
    REC(100, "Request", 40, "", "101, 900")
    REC(101, "dict", 104, ", \"len\": 2", "102, 103")
    REC(102, "str", 50, "", "")
    REC(103, "int", 28, "", "")
    /* module shape */
    REC(200, "module", 72, ", \"name\": \"app\"", "201")
    REC(201, "dict", 352, ", \"len\": 3", "100, 202, 300")
    REC(202, "str", 50, "", "")
    /* a function's globals: redirected to the module */
    REC(300, "function", 152, ", \"name\": \"f\"", "301, 201, 201, 202")
    REC(301, "code", 480, "", "")
    /* one dict shared by two instances: merged into the first only */
    REC(400, "Request", 40, "", "402, 900")
    REC(401, "Request", 40, "", "402, 900")
    REC(402, "dict", 104, ", \"len\": 1", "102")
    /* dangling c0 or c1: no match */
    REC(500, "Request", 40, "", "999, 900")
    REC(501, "Request", 40, "", "502, 998")
    REC(502, "dict", 104, ", \"len\": 0", "")
    /* skipped types never own a dict; deque is not skipped */
    REC(600, "tuple", 56, ", \"len\": 2", "601, 900")
    REC(601, "dict", 104, ", \"len\": 0", "")
    REC(602, "collections.deque", 600, "", "603, 900")
    REC(603, "dict", 104, ", \"len\": 0", "")
    /* a class with a metaclass other than type: no match */
    REC(700, "Thing", 40, "", "701, 702")
    REC(701, "dict", 104, ", \"len\": 0", "")
    REC(702, "ABCMeta", 920, ", \"name\": \"Thing\"", "")
    /* three refs: no match */
    REC(800, "Request", 40, "", "801, 900, 900")
    REC(801, "dict", 104, ", \"len\": 0", "")
    /* a dict that refers to itself becomes its owner's self-ref */
    REC(850, "Node", 40, "", "851, 900")
    REC(851, "dict", 100, ", \"len\": 1", "851")
    REC(900, "type", 1688, ", \"name\": \"Request\"", "");

static void
test_collapse_new_style(void)
{
    hs_graph *g = load(collapse_dump);
    uint64_t n = 0, before;
    if (!CHECK(g != NULL)) {
        return;
    }
    before = hs_graph_count(g);
    CHECK_EQ_I64(hs_graph_collapse_instance_dicts(g, &n, NULL), HS_OK);
    CHECK_EQ_U64(n, 5); /* 100, 200, 400, 602, 850 */
    CHECK_EQ_U64(hs_graph_count(g), before - 5);
    CHECK_EQ_U64(hs_graph_stats(g)->collapsed, 5);
    CHECK_EQ_U64(hs_graph_stats(g)->objects, before - 5);
    /* the instance absorbs its dict: refs, size and layout */
    REFS_ARE(g, 100, 102, 103, 900);
    CHECK_EQ_U64(hs_node_size(g, node(g, 100)), 144);
    CHECK_EQ_I64(hs_node_layout(g, node(g, 100)), HS_LAYOUT_VALUES);
    GONE(g, 101);
    /* the module: no extra ref */
    REFS_ARE(g, 200, 100, 202, 300);
    CHECK_EQ_U64(hs_node_size(g, node(g, 200)), 424);
    CHECK_EQ_I64(hs_node_layout(g, node(g, 200)), HS_LAYOUT_VALUES);
    GONE(g, 201);
    /* refs to a merged dict now point at its owner */
    REFS_ARE(g, 300, 301, 200, 200, 202);
    /* shared: merged once, the second instance points at the first */
    REFS_ARE(g, 400, 102, 900);
    CHECK_EQ_U64(hs_node_size(g, node(g, 400)), 144);
    REFS_ARE(g, 401, 400, 900);
    CHECK_EQ_U64(hs_node_size(g, node(g, 401)), 40);
    GONE(g, 402);
    /* no match: everything stays */
    REFS_ARE(g, 500, 999, 900);
    REFS_ARE(g, 501, 502, 998);
    CHECK(node(g, 502) != HS_NO_NODE);
    CHECK_EQ_U64(hs_node_size(g, node(g, 501)), 40);
    REFS_ARE(g, 600, 601, 900);
    CHECK(node(g, 601) != HS_NO_NODE);
    REFS_ARE(g, 602, 900);
    CHECK_EQ_U64(hs_node_size(g, node(g, 602)), 704);
    GONE(g, 603);
    REFS_ARE(g, 700, 701, 702);
    CHECK(node(g, 701) != HS_NO_NODE);
    REFS_ARE(g, 800, 801, 900, 900);
    REFS_ARE(g, 850, 850, 900);
    /* parents are recomputed for the new edges */
    CHECK(hs_graph_has_parents(g));
    PARENTS_ARE(g, 100, 200);
    PARENTS_ARE(g, 200, 300);
    PARENTS_ARE(g, 102, 100, 400);
    PARENTS_ARE(g, 850, 850);
    PARENTS_ARE(g, 900, 100, 400, 401, 500, 600, 602, 800, 850);
    /* nothing left to merge: a second call finds nothing */
    CHECK_EQ_I64(hs_graph_collapse_instance_dicts(g, &n, NULL), HS_OK);
    CHECK_EQ_U64(n, 0);
    REFS_ARE(g, 100, 102, 103, 900);
    hs_graph_free(g);
    /* the default load collapses too */
    g = load_ex(collapse_dump, HS_LOAD_DEFAULT);
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_stats(g)->collapsed, 5);
        REFS_ARE(g, 300, 301, 200, 200, 202);
        hs_graph_free(g);
    }
}

static void
test_collapse_old_style(void)
{
    hs_graph *g = load(
        REC(1, "instance", 72, "", "2, 3")
        REC(2, "classobj", 104, ", \"name\": \"Conn\\u00c3\\u00a9ction\"",
            "4, 5, 6")
        REC(3, "dict", 280, ", \"len\": 1", "6, 7")
        REC(4, "tuple", 56, ", \"len\": 0", "")
        REC(5, "dict", 280, ", \"len\": 0", "")
        REC(6, "str", 40, ", \"len\": 4, \"value\": \"peer\"", "")
        REC(7, "unicode", 40, "", "")
        /* old-style order only for "instance": [classobj, dict] */
        REC(8, "Other", 72, "", "2, 9")
        REC(9, "dict", 280, ", \"len\": 0", "")
        /* [dict, classobj] is neither shape */
        REC(10, "instance", 72, "", "11, 2")
        REC(11, "dict", 280, ", \"len\": 0", ""));
    uint64_t n = 0;
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_I64(hs_graph_stats(g)->dialect, HS_DIALECT_PY2);
    CHECK_EQ_I64(hs_graph_collapse_instance_dicts(g, &n, NULL), HS_OK);
    CHECK_EQ_U64(n, 1);
    /* the dict's refs, then the class; typed by the class name */
    REFS_ARE(g, 1, 6, 7, 2);
    CHECK_EQ_U64(hs_node_size(g, node(g, 1)), 352);
    TYPE_IS(g, 1, "Conn\xc3\xa9" "ction");
    CHECK_EQ_I64(hs_node_layout(g, node(g, 1)), HS_LAYOUT_KV);
    GONE(g, 3);
    TYPE_IS(g, 2, "classobj"); /* classobj is skipped as an owner */
    REFS_ARE(g, 2, 4, 5, 6);
    REFS_ARE(g, 8, 2, 9);
    TYPE_IS(g, 8, "Other");
    REFS_ARE(g, 10, 11, 2);
    TYPE_IS(g, 10, "instance");
    CHECK_EQ_U64(hs_graph_stats(g)->types, 8);
    hs_graph_free(g);
}

/* Sizes past 32 bits go to a side table; a sum that crosses the line must
 * land there too, whatever the order in which nodes got wide sizes. */
static void
test_collapse_wide_size(void)
{
    hs_graph *g = load(
        REC(1, "Big", 10, "", "2, 9")
        REC(2, "dict", 4294967295, ", \"len\": 0", "")
        REC(3, "Big", 4294967290, "", "4, 9")
        REC(4, "dict", 100, ", \"len\": 0", "")
        REC(5, "Big", 5000000000, "", "6, 9")
        REC(6, "dict", 5000000000, ", \"len\": 0", "")
        REC(9, "type", 1688, ", \"name\": \"Big\"", ""));
    uint64_t n = 0;
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_I64(hs_graph_collapse_instance_dicts(g, &n, NULL), HS_OK);
    CHECK_EQ_U64(n, 3);
    CHECK_EQ_U64(hs_node_size(g, node(g, 1)), 4294967305ull);
    CHECK_EQ_U64(hs_node_size(g, node(g, 3)), 4294967390ull);
    CHECK_EQ_U64(hs_node_size(g, node(g, 5)), 10000000000ull);
    hs_graph_free(g);
}

static const char expensive_dump[] =
    REC(1, "function", 152, ", \"name\": \"f\"", "10, 11, 12, 13, 14")
    REC(2, "function", 152, ", \"name\": \"g\"", "10")
    REC(3, "Holder", 40, "", "20, 13, 21, 22, 20")
    REC(4, "_LRUNode", 40, "", "5, 13, 20")
    REC(5, "_LRUNode", 40, "", "4, 20")
    REC(6, "list", 72, ", \"len\": 1", "13")
    REC(7, "Meta", 40, "", "30, 13")
    REC(10, "code", 480, "", "")
    REC(11, "dict", 100, ", \"len\": 0", "")
    REC(12, "dict", 100, ", \"len\": 0", "")
    REC(13, "str", 50, "", "")
    REC(14, "tuple", 56, ", \"len\": 0", "")
    REC(20, "module", 72, ", \"name\": \"m\"", "11")
    REC(21, "frame", 440, ", \"value\": \"<module>\"", "10")
    REC(22, "type", 1688, ", \"name\": \"Holder\"", "")
    REC(30, "ABCMeta", 920, ", \"name\": \"A\"", "");

static void
test_expensive(void)
{
    hs_graph *g = load(expensive_dump);
    uint64_t count;
    uint32_t null_id;
    if (!CHECK(g != NULL)) {
        return;
    }
    count = hs_graph_count(g);
    CHECK_EQ_U64(node(g, 0), HS_NO_NODE);
    CHECK_EQ_I64(hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT,
                                                      NULL), HS_OK);
    /* the null object, once */
    null_id = node(g, 0);
    if (CHECK(null_id != HS_NO_NODE)) {
        size_t len = 0;
        const char *type = hs_node_type(g, null_id, &len);
        CHECK_MEM(type, len, "<ex-reference>");
        CHECK_EQ_U64(hs_node_size(g, null_id), 0);
        CHECK_EQ_I64(hs_node_len(g, null_id), HS_NO_LEN);
        CHECK(hs_node_name(g, null_id, &len) == NULL);
        CHECK(hs_node_value(g, null_id, &len, NULL) == NULL);
        NO_REFS(g, 0);
    }
    CHECK_EQ_U64(hs_graph_count(g), count + 1);
    CHECK_EQ_U64(hs_graph_stats(g)->objects, count + 1);
    /* functions: by position, and the 0 always */
    REFS_ARE(g, 1, 10, 13, 14, 0);
    REFS_ARE(g, 2, 10, 0);
    /* others: every ref to a module, frame or type goes, one 0 comes */
    REFS_ARE(g, 3, 13, 0);
    /* _LRUNode: refs to other nodes go, no 0 */
    REFS_ARE(g, 4, 13, 20);
    REFS_ARE(g, 5, 20);
    /* nothing to cut: unchanged, no 0 */
    REFS_ARE(g, 6, 13);
    REFS_ARE(g, 7, 30, 13); /* the default rule keeps metaclass instances */
    REFS_ARE(g, 20, 11);
    /* parents follow the new edges */
    CHECK(hs_graph_has_parents(g));
    PARENTS_ARE(g, 0, 1, 2, 3);
    PARENTS_ARE(g, 20, 4, 5);
    {
        uint64_t n = 99;
        hs_node_parents(g, node(g, 22), &n);
        CHECK_EQ_U64(n, 0); /* the type lost its only referrer */
    }
    PARENTS_ARE(g, 11, 20);
    /* idempotent: a second call cuts nothing more */
    CHECK_EQ_I64(hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT,
                                                      NULL), HS_OK);
    REFS_ARE(g, 1, 10, 13, 14, 0);
    REFS_ARE(g, 3, 13, 0);
    CHECK_EQ_U64(hs_graph_count(g), count + 1);
    CHECK_EQ_U64(node(g, 0), null_id);
    hs_graph_free(g);
    /* the extended rule also cuts named non-function records */
    g = load(expensive_dump);
    if (CHECK(g != NULL)) {
        CHECK_EQ_I64(hs_graph_remove_expensive_references(
                         g, HS_EXPENSIVE_EXTENDED, NULL), HS_OK);
        REFS_ARE(g, 7, 13, 0);
        REFS_ARE(g, 6, 13);
        REFS_ARE(g, 1, 10, 13, 14, 0);
        hs_graph_free(g);
    }
}

static void
test_expensive_existing_null(void)
{
    /* a record at address 0 is kept as it is */
    hs_graph *g = load(REC(0, "NoneType", 16, "", "")
                       REC(1, "Holder", 40, "", "2")
                       REC(2, "module", 72, ", \"name\": \"m\"", ""));
    uint64_t count;
    if (!CHECK(g != NULL)) {
        return;
    }
    count = hs_graph_count(g);
    CHECK_EQ_I64(hs_graph_remove_expensive_references(g, 0, NULL), HS_OK);
    CHECK_EQ_U64(hs_graph_count(g), count);
    TYPE_IS(g, 0, "NoneType");
    REFS_ARE(g, 1, 0);
    hs_graph_free(g);
    /* a dangling ref to address 0 becomes the real null object */
    g = load(REC(1, "Holder", 40, "", "0, 2")
             REC(2, "module", 72, ", \"name\": \"m\"", ""));
    if (!CHECK(g != NULL)) {
        return;
    }
    count = hs_graph_count(g);
    CHECK_EQ_U64(node(g, 0), HS_NO_NODE);
    CHECK_EQ_I64(hs_graph_remove_expensive_references(g, 0, NULL), HS_OK);
    CHECK_EQ_U64(hs_graph_count(g), count + 1);
    TYPE_IS(g, 0, "<ex-reference>");
    CHECK_EQ_U64(hs_graph_capacity(g), 3); /* no second node at 0 */
    REFS_ARE(g, 1, 0, 0);
    PARENTS_ARE(g, 0, 1);
    hs_graph_free(g);
}

#define PY2_STRS \
    REC(10, "str", 40, ", \"len\": 1, \"value\": \"a\"", "") \
    REC(11, "str", 40, ", \"len\": 1, \"value\": \"b\"", "") \
    REC(12, "unicode", 40, ", \"len\": 1, \"value\": \"c\"", "") \
    REC(13, "long", 40, "", "")

static uint32_t
guess(const char *text, hs_load_flags flags)
{
    hs_graph *g = load_ex(text, flags);
    uint32_t id;
    if (!g) {
        return HS_NO_NODE - 1;
    }
    id = hs_graph_guess_intern_dict(g);
    id = id == HS_NO_NODE ? HS_NO_NODE : (uint32_t)hs_node_address(g, id);
    hs_graph_free(g);
    return id;
}

static void
test_guess_intern_dict(void)
{
    /* returns the address found, for readability */
    CHECK_EQ_U64(guess(REC(1, "dict", 1, ", \"len\": 2", "10, 10, 11, 11")
                       PY2_STRS, HS_LOAD_NO_COLLAPSE), 1);
    /* candidates: dicts with refs and no parents, the first one wins */
    CHECK_EQ_U64(guess(REC(1, "list", 1, ", \"len\": 1", "2")
                       REC(2, "dict", 1, ", \"len\": 1", "10, 10")
                       REC(3, "dict", 1, ", \"len\": 0", "")
                       REC(4, "dict", 1, ", \"len\": 1", "11, 11")
                       REC(5, "dict", 1, ", \"len\": 1", "10, 10")
                       PY2_STRS, HS_LOAD_NO_COLLAPSE), 4);
    /* without parents every dict is a candidate */
    CHECK_EQ_U64(guess(REC(1, "list", 1, ", \"len\": 1", "2")
                       REC(2, "dict", 1, ", \"len\": 1", "10, 10")
                       PY2_STRS, HS_LOAD_NO_COLLAPSE | HS_LOAD_NO_PARENTS),
                 2);
    /* rejected: odd count, a missing child, a pair of two, a non-str */
    CHECK_EQ_U64(guess(REC(1, "dict", 1, ", \"len\": 2", "10, 10, 11")
                       REC(2, "dict", 1, ", \"len\": 1", "999, 999")
                       REC(3, "dict", 1, ", \"len\": 1", "10, 11")
                       REC(4, "dict", 1, ", \"len\": 1", "12, 12")
                       REC(5, "dict", 1, ", \"len\": 1", "10, 10, 13, 13")
                       PY2_STRS, HS_LOAD_NO_COLLAPSE), HS_NO_NODE);
    CHECK_EQ_U64(guess(PY2_STRS, HS_LOAD_NO_COLLAPSE), HS_NO_NODE);
    /* Python 3: the intern table is never in a dump, so nothing is, even
     * a values-only dict that happens to hold one str twice */
    CHECK_EQ_U64(guess(REC(1, "dict", 1, ", \"len\": 2", "5, 5")
                       REC(5, "str", 50, ", \"len\": 1, \"value\": \"v\"", ""),
                       HS_LOAD_NO_COLLAPSE), HS_NO_NODE);
    CHECK_EQ_U64(guess(REC(1, "dict", 1, ", \"len\": 1", "5, 5")
                       REC(5, "str", 50, ", \"len\": 1, \"value\": \"v\"", "")
                       REC(9, "EnumType", 1000, ", \"name\": \"E\"", ""),
                       HS_LOAD_NO_COLLAPSE), HS_NO_NODE);
}

int
main(void)
{
    RUN(test_collapse_new_style);
    RUN(test_collapse_old_style);
    RUN(test_collapse_wide_size);
    RUN(test_expensive);
    RUN(test_expensive_existing_null);
    RUN(test_guess_intern_dict);
    return hs_test_end();
}
