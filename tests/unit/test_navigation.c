/*
 * test_navigation.c - the walks, labels, paths and diff of lib/analysis on
 * small hand-written dumps, where every expected answer can be read off
 * the dump by eye. The larger dumps are covered by the golden tests and
 * by tests/python/test_navigation.py against the oracle.
 */
#include "hs_test.h"

#include <heapscope.h>

#define HEADER "{\"heapscope_dump\": 1, \"python\": \"3.11.2\", " \
               "\"pointer_size\": 8, \"time\": 1, \"pid\": 1}\n"

static hs_graph *
load_text(const char *name, const char *text, hs_load_flags flags)
{
    hs_load_options o;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&o);
    o.flags = flags;
    g = hs_graph_load(hs_test_text(name, text), &o, &err);
    if (!g) {
        printf("    load %s: %s\n", name, err.message);
    }
    return g;
}

static uint32_t
id_of(const hs_graph *g, uint64_t address)
{
    return hs_graph_find(g, address);
}

/* A refs [B, C]; B refs [D]; C refs [D, E]: meliae's order is A C E D B. */
static const char walk_dump[] =
    "{\"address\": 1, \"type\": \"list\", \"size\": 10, \"len\": 2, "
    "\"refs\": [2, 3]}\n"
    "{\"address\": 2, \"type\": \"list\", \"size\": 20, \"len\": 1, "
    "\"refs\": [4]}\n"
    "{\"address\": 3, \"type\": \"list\", \"size\": 30, \"len\": 2, "
    "\"refs\": [4, 5]}\n"
    "{\"address\": 4, \"type\": \"float\", \"size\": 40, \"refs\": []}\n"
    "{\"address\": 5, \"type\": \"float\", \"size\": 50, \"refs\": []}\n";

static void
test_walk_order(void)
{
    hs_graph *g = load_text("walk.json", walk_dump, HS_LOAD_DEFAULT);
    uint32_t *order, ex;
    size_t n;
    uint64_t total, objects;
    static const uint64_t want[] = {1, 3, 5, 4, 2};
    if (!g) {
        CHECK(0);
        return;
    }
    CHECK_EQ_I64(hs_node_walk(g, id_of(g, 1), NULL, 0, &order, &n, NULL), 0);
    CHECK_EQ_U64(n, 5);
    for (size_t i = 0; i < n && i < 5; i++) {
        CHECK_EQ_U64(hs_node_address(g, order[i]), want[i]);
    }
    hs_free(order);
    ex = id_of(g, 3);
    CHECK_EQ_I64(hs_node_total_size(g, id_of(g, 1), &ex, 1, &total, &objects,
                                    NULL), 0);
    CHECK_EQ_U64(total, 10 + 20 + 40);
    CHECK_EQ_U64(objects, 3);
    ex = id_of(g, 1);
    CHECK_EQ_I64(hs_node_total_size(g, id_of(g, 1), &ex, 1, &total, NULL,
                                    NULL), 0);
    CHECK_EQ_U64(total, 0);
    /* get_all: size descending; all from C: E then D. */
    CHECK_EQ_I64(hs_graph_get_all(g, "float", 5, &order, &n, NULL), 0);
    CHECK_EQ_U64(n, 2);
    CHECK_EQ_U64(hs_node_address(g, order[0]), 5);
    hs_free(order);
    CHECK_EQ_I64(hs_node_all(g, id_of(g, 3), "list", 4, NULL, 0, &order, &n,
                             NULL), 0);
    CHECK_EQ_U64(n, 1);
    hs_free(order);
    hs_graph_free(g);
}

/* A heapscope dump: dicts are key, value; the instance collapses. */
static const char kv_dump[] =
    HEADER
    "{\"address\": 10, \"type\": \"module\", \"size\": 72, \"name\": \"app\", "
    "\"refs\": [11]}\n"
    "{\"address\": 11, \"type\": \"dict\", \"size\": 100, \"len\": 1, "
    "\"refs\": [12, 13]}\n"
    "{\"address\": 12, \"type\": \"str\", \"size\": 50, \"len\": 3, "
    "\"value\": \"obs\", \"refs\": []}\n"
    "{\"address\": 13, \"type\": \"Obs\", \"size\": 56, \"refs\": [14, 15]}\n"
    "{\"address\": 14, \"type\": \"dict\", \"size\": 100, \"len\": 3, "
    "\"refs\": [16, 17, 18, 19, 20, 21]}\n"
    "{\"address\": 15, \"type\": \"type\", \"size\": 1688, \"name\": \"Obs\", "
    "\"refs\": []}\n"
    "{\"address\": 16, \"type\": \"str\", \"size\": 50, \"len\": 2, "
    "\"value\": \"ok\", \"refs\": []}\n"
    "{\"address\": 17, \"type\": \"bool\", \"size\": 28, \"value\": \"True\", "
    "\"refs\": []}\n"
    "{\"address\": 18, \"type\": \"str\", \"size\": 50, \"len\": 3, "
    "\"value\": \"it's\", \"refs\": []}\n"
    "{\"address\": 19, \"type\": \"NoneType\", \"size\": 16, \"refs\": []}\n"
    "{\"address\": 20, \"type\": \"int\", \"size\": 28, \"value\": 7, "
    "\"refs\": []}\n"
    "{\"address\": 21, \"type\": \"list\", \"size\": 64, \"len\": 1, "
    "\"refs\": [22]}\n"
    "{\"address\": 22, \"type\": \"bytes\", \"size\": 40, \"len\": 3, "
    "\"value\": \"a\\u0000\\n\", \"refs\": []}\n";

static void
test_refs_as_dict_and_labels(void)
{
    hs_graph *g = load_text("kv.json", kv_dump, HS_LOAD_DEFAULT);
    hs_error err;
    char *text;
    if (!g) {
        CHECK(0);
        return;
    }
    text = hs_node_refs_dict_format(g, id_of(g, 13), 0, &err);
    CHECK_STR(text, "{'ok': True, 'it\\'s': None, 7: list(21 64B 1refs 1par)}");
    hs_free(text);
    text = hs_node_repr(g, id_of(g, 22), 0, 0, &err);
    CHECK_STR(text, "bytes(22 40B 1par b'a\\x00\\n')");
    hs_free(text);
    text = hs_node_repr(g, id_of(g, 12), 0, 2, &err);
    CHECK_STR(text, "str(12 50B 1par 'ob'...)");
    hs_free(text);
    text = hs_node_ref_label(g, id_of(g, 10), 1, 0, &err);  /* module */
    CHECK_STR(text, ".obs");
    hs_free(text);
    text = hs_node_ref_label(g, id_of(g, 13), 5, 0, &err);  /* key 7 */
    CHECK_STR(text, "[7]");
    hs_free(text);
    text = hs_node_ref_label(g, id_of(g, 13), 0, 0, &err);
    CHECK_STR(text, "(key)");
    hs_free(text);
    text = hs_node_ref_label(g, id_of(g, 13), 6, 0, &err);  /* the class */
    CHECK_STR(text, "__class__");
    hs_free(text);
    text = hs_node_ref_label(g, id_of(g, 21), 0, 0, &err);
    CHECK_STR(text, "[0]");
    hs_free(text);
    hs_graph_free(g);
}

static void
test_paths(void)
{
    hs_graph *g = load_text("kv-paths.json", kv_dump, HS_LOAD_DEFAULT);
    hs_paths *p;
    const uint32_t *nodes;
    size_t len;
    const char *excl[] = {"module"};
    hs_path_options o = {4, NULL, 0};
    if (!g) {
        CHECK(0);
        return;
    }
    p = hs_paths_find(g, id_of(g, 22), &o, NULL);
    CHECK(p != NULL);
    CHECK_EQ_U64(hs_paths_count(p), 1);
    nodes = hs_paths_at(p, 0, &len);
    CHECK_EQ_U64(len, 4);
    CHECK_EQ_U64(hs_node_address(g, nodes[0]), 10);
    CHECK_EQ_U64(hs_node_address(g, nodes[3]), 22);
    CHECK_STR(hs_paths_root_kind(p, 0), "module");
    hs_paths_free(p);
    o.exclude_types = excl;
    o.nexclude_types = 1;
    p = hs_paths_find(g, id_of(g, 22), &o, NULL);
    CHECK_EQ_U64(hs_paths_count(p), 0);
    hs_paths_free(p);
    hs_graph_free(g);
}

/* A path as one line: a module's name or <type@address>, then labels,
 * a dot before those that start with neither "." nor "["; keys cut at 40
 * bytes; anything but a chain of refs is refused. */
static void
test_path_expression(void)
{
    static const char dump[] =
        HEADER
        "{\"address\": 1, \"type\": \"module\", \"size\": 72, "
        "\"name\": \"app\", \"refs\": [2]}\n"
        "{\"address\": 2, \"type\": \"dict\", \"size\": 100, \"len\": 1, "
        "\"refs\": [3, 4]}\n"
        "{\"address\": 3, \"type\": \"str\", \"size\": 90, \"len\": 45, "
        "\"value\": \"k123456789k123456789k123456789k123456789_tail\", "
        "\"refs\": []}\n"
        "{\"address\": 4, \"type\": \"set\", \"size\": 200, \"len\": 1, "
        "\"refs\": [5]}\n"
        "{\"address\": 5, \"type\": \"list\", \"size\": 64, \"len\": 2, "
        "\"refs\": [6, 7]}\n"
        "{\"address\": 6, \"type\": \"float\", \"size\": 24, \"refs\": []}\n"
        "{\"address\": 7, \"type\": \"float\", \"size\": 24, \"refs\": []}\n"
        "{\"address\": 8, \"type\": \"list\", \"size\": 64, \"len\": 1, "
        "\"refs\": [7]}\n";
    static const uint64_t chain[] = {1, 2, 4, 5, 7};
    hs_graph *g = load_text("expr.json", dump, HS_LOAD_NO_COLLAPSE);
    uint32_t path[5];
    hs_error err;
    char *text;
    if (!g) {
        CHECK(0);
        return;
    }
    for (int k = 0; k < 5; k++) {
        path[k] = id_of(g, chain[k]);
    }
    text = hs_path_expression(g, path, 5, &err);
    CHECK_STR(text, "app.__dict__"
                    "['k123456789k123456789k123456789k123456789'...]"
                    ".(item)[0]"); /* refs [6, 7]: last item first */
    hs_free(text);
    path[3] = id_of(g, 8); /* a root that is no module: <type@address> */
    text = hs_path_expression(g, path + 3, 2, &err);
    CHECK_STR(text, "<list@8>[0]");
    hs_free(text);
    text = hs_path_expression(g, path, 1, &err);
    CHECK_STR(text, "app");
    hs_free(text);
    CHECK(hs_path_expression(g, path, 4, &err) == NULL); /* 4 -> 8 */
    CHECK_EQ_I64(err.code, HS_EINVAL);
    CHECK(hs_path_expression(g, path, 0, &err) == NULL);
    CHECK_EQ_I64(err.code, HS_EINVAL);
    path[0] = HS_NO_NODE;
    CHECK(hs_path_expression(g, path, 2, &err) == NULL);
    CHECK_EQ_I64(err.code, HS_EINVAL);
    hs_graph_free(g);
}

/* A chain of 100 000 lists under a module: paths must not recurse. */
static void
test_deep_chain(void)
{
    enum { N = 100000 };
    size_t size = (size_t)N * 90 + 200, off = 0;
    char *text = malloc(size);
    hs_graph *g;
    hs_paths *p;
    size_t len;
    uint32_t *order;
    size_t n;
    off += (size_t)snprintf(text + off, size - off,
                            "{\"address\": 1, \"type\": \"module\", "
                            "\"size\": 72, \"refs\": [2]}\n");
    for (int i = 2; i <= N; i++) {
        off += (size_t)snprintf(text + off, size - off,
                                "{\"address\": %d, \"type\": \"list\", "
                                "\"size\": 1, \"len\": 1, \"refs\": [%d]}\n",
                                i, i < N ? i + 1 : 1);
    }
    g = load_text("chain.json", text, HS_LOAD_DEFAULT);
    free(text);
    if (!g) {
        CHECK(0);
        return;
    }
    p = hs_paths_find(g, id_of(g, N), NULL, NULL);
    CHECK_EQ_U64(hs_paths_count(p), 1);
    hs_paths_at(p, 0, &len);
    CHECK_EQ_U64(len, N);
    hs_paths_free(p);
    CHECK_EQ_I64(hs_node_walk(g, id_of(g, 2), NULL, 0, &order, &n, NULL), 0);
    CHECK_EQ_U64(n, N);
    hs_free(order);
    hs_graph_free(g);
}

static void
test_diff(void)
{
    static const char old_dump[] =
        "{\"address\": 1, \"type\": \"list\", \"size\": 64, \"len\": 2, "
        "\"refs\": [2, 3]}\n"
        "{\"address\": 2, \"type\": \"str\", \"size\": 50, \"len\": 1, "
        "\"value\": \"a\", \"refs\": []}\n"
        "{\"address\": 3, \"type\": \"float\", \"size\": 24, \"refs\": []}\n"
        "{\"address\": 4, \"type\": \"tuple\", \"size\": 40, \"len\": 0, "
        "\"refs\": []}\n";
    static const char new_dump[] =
        "{\"address\": 1, \"type\": \"list\", \"size\": 96, \"len\": 3, "
        "\"refs\": [2, 3, 5]}\n"
        "{\"address\": 2, \"type\": \"str\", \"size\": 50, \"len\": 1, "
        "\"value\": \"b\", \"refs\": []}\n"
        "{\"address\": 3, \"type\": \"dict\", \"size\": 64, \"len\": 0, "
        "\"refs\": []}\n"
        "{\"address\": 5, \"type\": \"dict\", \"size\": 64, \"len\": 0, "
        "\"refs\": []}\n";
    hs_graph *a = load_text("old.json", old_dump, HS_LOAD_DEFAULT);
    hs_graph *b = load_text("new.json", new_dump, HS_LOAD_DEFAULT);
    hs_diff *d = a && b ? hs_diff_new(a, b, NULL) : NULL;
    const hs_diff_type *t;
    uint32_t *ids;
    size_t n;
    CHECK(d != NULL);
    if (d) {
        t = hs_diff_total(d);
        CHECK_EQ_U64(t->added_count, 3);  /* "b" reused 2, dict at 3, 5 */
        CHECK_EQ_U64(t->gone_count, 3);   /* "a", the float, the tuple */
        CHECK_EQ_U64(t->kept_count, 1);   /* the list that grew */
        t = hs_diff_type_at(d, 0);
        CHECK_MEM(t->type, t->type_len, "dict");
        CHECK(hs_diff_is_new(d, id_of(b, 2)));
        CHECK(!hs_diff_is_new(d, id_of(b, 1)));
        CHECK(hs_diff_is_gone(d, id_of(a, 4)));
        CHECK_EQ_I64(hs_diff_new_objects(d, "dict", 4, &ids, &n, NULL), 0);
        CHECK_EQ_U64(n, 2);
        hs_free(ids);
    }
    hs_diff_free(d);
    hs_graph_free(a);
    hs_graph_free(b);
}

static void
test_time_from_name(void)
{
    double t = 0;
    CHECK(hs_time_from_name("/x/memory-600.00.out", &t));
    CHECK(t == 600.0);
    CHECK(hs_time_from_name("mem-7-1700000000.json.gz", &t));
    CHECK(t == 1700000000.0);
    CHECK(!hs_time_from_name("/run/7/early.json", &t));
}

int
main(void)
{
    RUN(test_walk_order);
    RUN(test_refs_as_dict_and_labels);
    RUN(test_paths);
    RUN(test_path_expression);
    RUN(test_deep_chain);
    RUN(test_diff);
    RUN(test_time_from_name);
    return hs_test_end();
}
