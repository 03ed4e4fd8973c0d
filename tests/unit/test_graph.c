/*
 * test_graph.c - reading small dumps into a graph: duplicates, dangling
 * refs, parents, wide sizes, names and values, dialects and dict tags.
 */
#include "hs_test.h"

#include <heapscope.h>

#include <stdio.h>
#include <stdlib.h>

static hs_error last_err;

/* Loads text as a dump with flags (and a forced dialect unless AUTO). */
static hs_graph *
load_ex(const char *text, hs_load_flags flags, hs_dialect dialect)
{
    hs_load_options opts;
    hs_graph *g;
    hs_load_options_init(&opts);
    opts.flags = flags;
    opts.dialect = dialect;
    g = hs_graph_load(hs_test_text("dump.json", text), &opts, &last_err);
    if (!g) {
        printf("    load failed: %d line %llu col %llu: %s\n", last_err.code,
               (unsigned long long)last_err.line,
               (unsigned long long)last_err.column, last_err.message);
    }
    return g;
}

static hs_graph *
load(const char *text)
{
    return load_ex(text, HS_LOAD_NO_COLLAPSE, HS_DIALECT_AUTO);
}

/* The node ids of addrs[0..n) (HS_NO_NODE for none). */
static uint32_t
node(const hs_graph *g, uint64_t addr)
{
    return hs_graph_find(g, addr);
}

/* The addresses of a child or parent list, for comparison. */
static bool
addrs_are(const hs_graph *g, const uint32_t *ids, uint64_t n,
          const uint64_t *want, uint64_t want_n)
{
    if (n != want_n) {
        printf("    %llu ids, want %llu\n", (unsigned long long)n,
               (unsigned long long)want_n);
        return false;
    }
    for (uint64_t k = 0; k < n; k++) {
        if (hs_node_address(g, ids[k]) != want[k]) {
            printf("    [%llu] = %llu, want %llu\n", (unsigned long long)k,
                   (unsigned long long)hs_node_address(g, ids[k]),
                   (unsigned long long)want[k]);
            return false;
        }
    }
    return true;
}

#define CHILDREN_ARE(g, id, ...) \
    do { \
        static const uint64_t want_[] = {__VA_ARGS__}; \
        uint64_t n_; \
        const uint32_t *c_ = hs_node_children((g), (id), &n_); \
        CHECK(addrs_are((g), c_, n_, want_, sizeof(want_) / 8)); \
    } while (0)

#define PARENTS_ARE(g, id, ...) \
    do { \
        static const uint64_t want_[] = {__VA_ARGS__}; \
        uint64_t n_; \
        const uint32_t *p_ = hs_node_parents((g), (id), &n_); \
        CHECK(addrs_are((g), p_, n_, want_, sizeof(want_) / 8)); \
    } while (0)

#define NO_PARENTS(g, id) \
    do { \
        uint64_t n_ = 99; \
        hs_node_parents((g), (id), &n_); \
        CHECK_EQ_U64(n_, 0); \
    } while (0)

static void
check_type(const hs_graph *g, uint32_t id, const char *want, int line)
{
    size_t len = 0;
    const char *t = id == HS_NO_NODE ? NULL : hs_node_type(g, id, &len);
    hs_test_mem(t, len, want, strlen(want), "type", want, __FILE__, line);
}

#define TYPE_IS(g, id, want) check_type((g), (id), (want), __LINE__)

static void
test_duplicates(void)
{
    hs_graph *g = load(
        "{\"address\": 16, \"type\": \"A\", \"size\": 1, \"refs\": [32]}\n"
        "{\"address\": 32, \"type\": \"B\", \"size\": 2, \"refs\": []}\n"
        "{\"address\": 16, \"type\": \"Dup\", \"size\": 99, \"refs\": [48]}\n"
        "{\"address\": 48, \"type\": \"C\", \"size\": 3, \"refs\": [16]}\n"
        "{\"address\": 32, \"type\": \"B2\", \"size\": 4, \"len\": 1, "
        "\"refs\": [16, 48]}\n");
    const hs_load_stats *st;
    uint32_t a;
    if (!CHECK(g != NULL)) {
        return;
    }
    st = hs_graph_stats(g);
    CHECK_EQ_U64(st->records, 5);
    CHECK_EQ_U64(st->duplicates, 2);
    CHECK_EQ_U64(hs_graph_count(g), 3);
    CHECK_EQ_U64(st->objects, 3);
    CHECK_EQ_U64(st->references, 2);
    CHECK_EQ_U64(st->types, 3); /* the duplicates' types are not counted */
    a = node(g, 16);
    TYPE_IS(g, a, "A"); /* the first record wins */
    CHECK_EQ_U64(hs_node_size(g, a), 1);
    CHILDREN_ARE(g, a, 32);
    TYPE_IS(g, node(g, 32), "B");
    CHECK_EQ_I64(hs_node_len(g, node(g, 32)), HS_NO_LEN);
    PARENTS_ARE(g, node(g, 32), 16); /* the duplicate's refs are gone */
    PARENTS_ARE(g, a, 48);
    /* ids stay dense and in file order */
    CHECK(hs_node_address(g, 0) == 16 && hs_node_address(g, 1) == 32
          && hs_node_address(g, 2) == 48);
    hs_graph_free(g);
}

static void
test_dangling(void)
{
    hs_graph *g = load(
        "{\"address\": 1, \"type\": \"list\", \"size\": 8, \"len\": 4, "
        "\"refs\": [2, 900, 901, 900]}\n"
        "{\"address\": 2, \"type\": \"x\", \"size\": 8, \"refs\": [900, 1]}\n");
    const hs_load_stats *st;
    uint64_t n;
    const uint32_t *c;
    if (!CHECK(g != NULL)) {
        return;
    }
    st = hs_graph_stats(g);
    CHECK_EQ_U64(st->dangling_refs, 4);
    CHECK_EQ_U64(st->dangling_addresses, 2);
    CHECK_EQ_U64(hs_graph_count(g), 2);
    CHECK_EQ_U64(st->references, 6); /* dangling refs count in Nrefs */
    CHECK_EQ_U64(hs_graph_capacity(g), 4); /* one phantom per address */
    CHILDREN_ARE(g, node(g, 1), 2, 900, 901, 900);
    c = hs_node_children(g, node(g, 1), &n);
    CHECK(c[1] == c[3]); /* the same phantom */
    CHECK(!hs_node_exists(g, c[1]) && !hs_node_exists(g, c[2]));
    CHECK_EQ_U64(node(g, 900), HS_NO_NODE);
    NO_PARENTS(g, c[1]);
    NO_PARENTS(g, c[2]);
    PARENTS_ARE(g, node(g, 2), 1);
    PARENTS_ARE(g, node(g, 1), 2);
    /* a phantom is never a parent: it has no children */
    hs_node_children(g, c[1], &n);
    CHECK_EQ_U64(n, 0);
    hs_graph_free(g);
}

/* Ref k of a big record: 2000 + k % 7, one in 50 dangling. */
static uint32_t
big_ref(uint32_t k)
{
    return k % 50 == 49 ? 900000 + k : 2000 + k % 7;
}

/* Writes a record of `refs` refs (big_ref) to f. */
static void
write_big(FILE *f, uint64_t addr, const char *type, uint32_t refs)
{
    fprintf(f, "{\"address\": %llu, \"type\": \"%s\", \"size\": 8, "
            "\"refs\": [", (unsigned long long)addr, type);
    for (uint32_t k = 0; k < refs; k++) {
        fprintf(f, "%s%u", k ? ", " : "", big_ref(k));
    }
    fprintf(f, "]}\n");
}

/* Counts of 255 refs and more are kept apart while linking (hs_link.c
 * packs counts into a byte each): big records before and after a
 * duplicate that is dropped, beside small ones and phantoms. */
static void
test_big_records(void)
{
    static const uint64_t addrs[] = {10, 11, 12, 13, 14};
    static const uint32_t want[] = {254, 70000, 255, 3, 256};
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    hs_graph *g;
    if (!CHECK(f != NULL)) {
        return;
    }
    for (unsigned k = 0; k < 7; k++) {
        fprintf(f, "{\"address\": %u, \"type\": \"s\", \"size\": 1, "
                "\"refs\": []}\n", 2000 + k);
    }
    write_big(f, 10, "list", 254);
    write_big(f, 11, "list", 70000);
    write_big(f, 10, "dup", 300); /* dropped: the first record wins */
    write_big(f, 12, "list", 255);
    write_big(f, 13, "list", 3);
    write_big(f, 14, "list", 256);
    fclose(f);
    g = load(text);
    free(text);
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_U64(hs_graph_stats(g)->duplicates, 1);
    for (unsigned i = 0; i < 5; i++) {
        uint64_t n = 0;
        const uint32_t *c = hs_node_children(g, node(g, addrs[i]), &n);
        CHECK_EQ_U64(n, want[i]);
        for (uint32_t k = 0; c && k < n; k++) {
            if (hs_node_address(g, c[k]) != big_ref(k)) {
                CHECK_EQ_U64(hs_node_address(g, c[k]), big_ref(k));
                break;
            }
        }
    }
    hs_graph_free(g);
}

static void
test_parents(void)
{
    hs_graph *g = load(
        "{\"address\": 10, \"type\": \"a\", \"size\": 1, \"refs\": [40, 40, 20]}\n"
        "{\"address\": 20, \"type\": \"b\", \"size\": 1, \"refs\": [40, 20, 20]}\n"
        "{\"address\": 30, \"type\": \"c\", \"size\": 1, \"refs\": [10, 40]}\n"
        "{\"address\": 40, \"type\": \"d\", \"size\": 1, \"refs\": [40, 30]}\n"
        "{\"address\": 50, \"type\": \"e\", \"size\": 1, \"refs\": []}\n");
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK(hs_graph_has_parents(g));
    /* unique, in order of first reference (file order of the parents) */
    PARENTS_ARE(g, node(g, 40), 10, 20, 30, 40);
    PARENTS_ARE(g, node(g, 20), 10, 20); /* a self-reference counts */
    PARENTS_ARE(g, node(g, 10), 30);
    PARENTS_ARE(g, node(g, 30), 40);
    NO_PARENTS(g, node(g, 50));
    /* children keep duplicates and order */
    CHILDREN_ARE(g, node(g, 10), 40, 40, 20);
    CHECK_EQ_U64(hs_graph_stats(g)->references, 10);
    hs_graph_free(g);
    /* HS_LOAD_NO_PARENTS: none computed until asked */
    g = load_ex("{\"address\": 1, \"type\": \"a\", \"size\": 1, \"refs\": [2]}\n"
                "{\"address\": 2, \"type\": \"b\", \"size\": 1, \"refs\": []}\n",
                HS_LOAD_NO_COLLAPSE | HS_LOAD_NO_PARENTS, HS_DIALECT_AUTO);
    if (CHECK(g != NULL)) {
        CHECK(!hs_graph_has_parents(g));
        NO_PARENTS(g, node(g, 2));
        CHECK_EQ_I64(hs_graph_compute_parents(g, NULL), HS_OK);
        CHECK(hs_graph_has_parents(g));
        PARENTS_ARE(g, node(g, 2), 1);
        hs_graph_free(g);
    }
}

static void
test_wide_sizes(void)
{
    hs_graph *g = load(
        "{\"address\": 1, \"type\": \"a\", \"size\": 4294967294, "
        "\"len\": 4294967293, \"refs\": []}\n"
        "{\"address\": 2, \"type\": \"a\", \"size\": 4294967295, "
        "\"len\": 4294967294, \"refs\": []}\n"
        "{\"address\": 3, \"type\": \"a\", \"size\": 4294967296, "
        "\"len\": 4294967295, \"refs\": []}\n"
        "{\"address\": 4, \"type\": \"a\", \"size\": 7, \"len\": 0, "
        "\"refs\": []}\n"
        "{\"address\": 5, \"type\": \"a\", \"size\": 9223372023969873915, "
        "\"len\": 9223372036854775807, \"refs\": []}\n"
        "{\"address\": 6, \"type\": \"a\", \"size\": 0, \"len\": 1099511627776, "
        "\"refs\": []}\n");
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_U64(hs_node_size(g, node(g, 1)), 4294967294u);
    CHECK_EQ_I64(hs_node_len(g, node(g, 1)), 4294967293);
    CHECK_EQ_U64(hs_node_size(g, node(g, 2)), 4294967295u);
    CHECK_EQ_I64(hs_node_len(g, node(g, 2)), 4294967294);
    CHECK_EQ_U64(hs_node_size(g, node(g, 3)), 4294967296u);
    CHECK_EQ_I64(hs_node_len(g, node(g, 3)), 4294967295);
    CHECK_EQ_U64(hs_node_size(g, node(g, 4)), 7);
    CHECK_EQ_I64(hs_node_len(g, node(g, 4)), 0);
    /* the largest size that keeps the total at 2^63-1 */
    CHECK_EQ_U64(hs_node_size(g, node(g, 5)), 9223372023969873915u);
    CHECK_EQ_I64(hs_node_len(g, node(g, 5)), INT64_MAX);
    CHECK_EQ_U64(hs_node_size(g, node(g, 6)), 0);
    CHECK_EQ_I64(hs_node_len(g, node(g, 6)), 1099511627776);
    hs_graph_free(g);
}

static void
check_value(const hs_graph *g, uint32_t id, hs_value_kind kind,
            const char *want, size_t want_len, int line)
{
    size_t len = 0;
    hs_value_kind k = (hs_value_kind)99;
    const char *v = hs_node_value(g, id, &len, &k);
    hs_test_report(k == kind, __FILE__, line, "value kind");
    hs_test_mem(v, len, want, want_len, "value", "want", __FILE__, line);
}

#define VALUE_IS(g, addr, kind, lit) \
    check_value((g), node((g), (addr)), (kind), (lit), sizeof(lit) - 1, \
                __LINE__)
#define NO_VALUE(g, addr) \
    check_value((g), node((g), (addr)), HS_VALUE_NONE, NULL, 0, __LINE__)

static void
check_name(const hs_graph *g, uint32_t id, const char *want, int line)
{
    size_t len = 0;
    const char *n = hs_node_name(g, id, &len);
    hs_test_mem(n, len, want, want ? strlen(want) : 0, "name",
                want ? want : "NULL", __FILE__, line);
}

#define NAME_IS(g, addr, want) check_name((g), node((g), (addr)), (want), \
                                          __LINE__)

static void
test_values_and_names(void)
{
    static char bigbytes[4096];
    hs_graph *g;
    size_t k = 0;
    k += (size_t)sprintf(bigbytes + k, "{\"address\": 20, \"type\": \"bytes\", "
                         "\"size\": 1, \"len\": 300, \"value\": \"");
    for (int i = 0; i < 300; i++) {
        k += (size_t)sprintf(bigbytes + k, "\\u00%02x", 0x80 + i % 0x80);
    }
    sprintf(bigbytes + k, "\", \"refs\": []}\n");
    {
        static char text[8192];
        snprintf(text, sizeof(text), "%s%s",
        "{\"address\": 1, \"type\": \"str\", \"size\": 83, \"len\": 10, "
        "\"value\": \"\\/caf\\u00e9\\/2999\", \"refs\": []}\n"
        "{\"address\": 2, \"type\": \"bytes\", \"size\": 44, \"len\": 11, "
        "\"value\": \"\\\"\\/caf\\u00c3\\u00a9\\/%d\\\"\", \"refs\": []}\n"
        "{\"address\": 3, \"type\": \"bytes\", \"size\": 37, \"len\": 4, "
        "\"value\": \"\\u00ff\\u0000ab\", \"refs\": []}\n"
        "{\"address\": 4, \"type\": \"int\", \"size\": 24, \"value\": -5, "
        "\"refs\": []}\n"
        "{\"address\": 5, \"type\": \"bool\", \"size\": 32, \"value\": \"True\", "
        "\"refs\": []}\n"
        "{\"address\": 6, \"type\": \"module\", \"size\": 72, \"name\": "
        "\"m\\u00c3\\u00b3dulo\", \"refs\": []}\n"
        "{\"address\": 7, \"type\": \"function\", \"size\": 152, \"name\": "
        "\"\\u00c3\\u00a9t\\u00e9\", \"refs\": []}\n"
        "{\"address\": 8, \"type\": \"type\", \"size\": 1688, \"name\": "
        "\"\\u00c3\\u009cn\\u00c3\\u00afcode\", \"refs\": []}\n"
        "{\"address\": 9, \"type\": \"\\u00c3\\u009cn\\u00c3\\u00afcode\", "
        "\"size\": 40, \"refs\": [8]}\n"
        "{\"address\": 10, \"type\": \"caf\\u00e9\", \"size\": 1, \"refs\": []}\n"
        "{\"address\": 11, \"type\": \"float\", \"size\": 24, \"refs\": []}\n"
        "{\"address\": 12, \"type\": \"bytes\", \"size\": 33, \"len\": 0, "
        "\"value\": \"\", \"refs\": []}\n"
        "{\"address\": 13, \"type\": \"bytes\", \"size\": 33, \"name\": \"n\", "
        "\"len\": 1, \"value\": \"\\u00e9\", \"refs\": []}\n"
        "{\"address\": 14, \"type\": \"bytes\", \"size\": 33, \"len\": 1, "
        "\"value\": \"\\u20ac\", \"refs\": []}\n"
        "{\"address\": 15, \"type\": \"str\", \"size\": 84, \"len\": 2, "
        "\"value\": \"\\ud835\\udccf\\ud800\", \"refs\": []}\n"
        "{\"address\": 16, \"type\": \"str\", \"size\": 84, \"name\": "
        "\"\\u00c3\\u00a9\", \"refs\": []}\n",
        bigbytes);
        g = load(text);
    }
    if (!CHECK(g != NULL)) {
        return;
    }
    VALUE_IS(g, 1, HS_VALUE_TEXT, "/caf\xc3\xa9/2999");
    /* bytes values are raw bytes: one per code point, no repair */
    VALUE_IS(g, 2, HS_VALUE_BYTES, "\"/caf\xc3\xa9/%d\"");
    VALUE_IS(g, 3, HS_VALUE_BYTES, "\xff\0ab");
    VALUE_IS(g, 4, HS_VALUE_INT, "-5");
    VALUE_IS(g, 5, HS_VALUE_TEXT, "True");
    NO_VALUE(g, 6);
    NO_VALUE(g, 11);
    VALUE_IS(g, 12, HS_VALUE_BYTES, "");
    VALUE_IS(g, 13, HS_VALUE_BYTES, "\xe9");
    NAME_IS(g, 13, "n");
    /* a code point above U+00FF cannot be a byte: kept as text */
    VALUE_IS(g, 14, HS_VALUE_TEXT, "\xe2\x82\xac");
    VALUE_IS(g, 15, HS_VALUE_TEXT, "\xf0\x9d\x93\x8f\xef\xbf\xbd");
    {
        size_t len;
        hs_value_kind kind;
        const char *v = hs_node_value(g, node(g, 20), &len, &kind);
        bool ok = v && kind == HS_VALUE_BYTES && len == 300;
        for (size_t i = 0; ok && i < 300; i++) {
            ok = (unsigned char)v[i] == 0x80 + i % 0x80;
        }
        CHECK(ok);
    }
    /* names: mojibake repaired except in functions */
    NAME_IS(g, 6, "m\xc3\xb3" "dulo");
    NAME_IS(g, 7, "\xc3\x83\xc2\xa9t\xc3\xa9");
    NAME_IS(g, 8, "\xc3\x9cn\xc3\xaf" "code");
    NAME_IS(g, 16, "\xc3\xa9");
    NAME_IS(g, 1, NULL);
    TYPE_IS(g, node(g, 9), "\xc3\x9cn\xc3\xaf" "code");
    TYPE_IS(g, node(g, 10), "caf\xc3\xa9"); /* genuine latin-1: kept */
    hs_graph_free(g);
}

static hs_dialect
dialect_of(const char *text, hs_dialect forced)
{
    hs_graph *g = load_ex(text, HS_LOAD_NO_COLLAPSE, forced);
    hs_dialect d;
    if (!g) {
        return HS_DIALECT_AUTO;
    }
    d = hs_graph_stats(g)->dialect;
    hs_graph_free(g);
    return d;
}

#define PY3_GLOBALS \
    "{\"address\": 1, \"type\": \"dict\", \"size\": 1, \"len\": 2, " \
    "\"refs\": [5, 6]}\n"
#define KV_DICT \
    "{\"address\": 2, \"type\": \"dict\", \"size\": 1, \"len\": 1, " \
    "\"refs\": [5, 6]}\n"
#define STRS \
    "{\"address\": 5, \"type\": \"str\", \"size\": 1, \"value\": \"k\", " \
    "\"refs\": []}\n" \
    "{\"address\": 6, \"type\": \"str\", \"size\": 1, \"value\": \"v\", " \
    "\"refs\": []}\n"

static void
test_dialects(void)
{
    hs_graph *g;
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS KV_DICT STRS, HS_DIALECT_AUTO),
                 HS_DIALECT_PY3);
    CHECK_EQ_I64(dialect_of(STRS, HS_DIALECT_AUTO), HS_DIALECT_PY3);
    CHECK_EQ_I64(dialect_of("", HS_DIALECT_AUTO), HS_DIALECT_PY3);
    /* Python 2: two of unicode, classobj, instance, long */
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS
                            "{\"address\": 7, \"type\": \"unicode\", "
                            "\"size\": 1, \"refs\": []}\n"
                            "{\"address\": 8, \"type\": \"long\", "
                            "\"size\": 1, \"refs\": []}\n", HS_DIALECT_AUTO),
                 HS_DIALECT_PY2);
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS
                            "{\"address\": 8, \"type\": \"long\", "
                            "\"size\": 1, \"refs\": []}\n", HS_DIALECT_AUTO),
                 HS_DIALECT_PY3);
    /* 3.11: EnumType records, or ABCMeta classes of 920 bytes */
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS
                            "{\"address\": 9, \"type\": \"EnumType\", "
                            "\"size\": 1000, \"name\": \"Color\", "
                            "\"refs\": []}\n", HS_DIALECT_AUTO),
                 HS_DIALECT_PY311);
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS
                            "{\"address\": 9, \"type\": \"ABCMeta\", "
                            "\"size\": 920, \"name\": \"A\", \"refs\": []}\n",
                            HS_DIALECT_AUTO), HS_DIALECT_PY311);
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS
                            "{\"address\": 9, \"type\": \"ABCMeta\", "
                            "\"size\": 904, \"name\": \"A\", \"refs\": []}\n",
                            HS_DIALECT_AUTO), HS_DIALECT_PY3);
    /* heapscope without its header: no dict with len == refs > 0 */
    CHECK_EQ_I64(dialect_of(KV_DICT STRS
                            "{\"address\": 3, \"type\": \"dict\", "
                            "\"size\": 1, \"len\": 0, \"refs\": []}\n",
                            HS_DIALECT_AUTO), HS_DIALECT_HEAPSCOPE);
    /* forced */
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS, HS_DIALECT_PY2), HS_DIALECT_PY2);
    CHECK_EQ_I64(dialect_of(PY3_GLOBALS STRS, HS_DIALECT_HEAPSCOPE),
                 HS_DIALECT_HEAPSCOPE);
    /* heapscope with its header */
    g = load("\n{\"heapscope_dump\": 1, \"python\": \"3.12.1\", "
             "\"pointer_size\": 8, \"time\": 1732650000, \"pid\": 4242}\n"
             PY3_GLOBALS STRS);
    if (CHECK(g != NULL)) {
        const hs_load_stats *st = hs_graph_stats(g);
        CHECK_EQ_I64(st->dialect, HS_DIALECT_HEAPSCOPE);
        CHECK(st->has_header);
        CHECK_STR(st->python_version, "3.12.1");
        CHECK_EQ_I64(st->dump_time, 1732650000);
        CHECK_EQ_I64(st->pid, 4242);
        CHECK_EQ_U64(hs_graph_count(g), 3); /* the header is no record */
        CHECK_EQ_I64(hs_node_layout(g, node(g, 1)), HS_LAYOUT_KV);
        hs_graph_free(g);
    }
    g = load(STRS);
    if (CHECK(g != NULL)) {
        CHECK(!hs_graph_stats(g)->has_header);
        CHECK_EQ_I64(hs_graph_stats(g)->pid, -1);
        hs_graph_free(g);
    }
    /* a header of an unknown version, or not first, is refused */
    CHECK(load_ex("{\"heapscope_dump\": 2}\n" STRS, 0, HS_DIALECT_AUTO)
          == NULL);
    CHECK_EQ_I64(last_err.code, HS_EUNSUPPORTED);
    CHECK_EQ_U64(last_err.line, 1);
    CHECK(load_ex(STRS "{\"heapscope_dump\": 1}\n", 0, HS_DIALECT_AUTO)
          == NULL);
    CHECK_EQ_I64(last_err.code, HS_EPARSE);
    CHECK_EQ_U64(last_err.line, 3);
}

/* Python 2 dumps: str is bytes-like, unicode is text. */
static void
test_py2_bytes(void)
{
    hs_graph *g = load(
        "{\"address\": 1, \"type\": \"str\", \"size\": 38, \"len\": 1, "
        "\"value\": \"\\u00e9\", \"refs\": []}\n"
        "{\"address\": 2, \"type\": \"unicode\", \"size\": 52, \"len\": 1, "
        "\"value\": \"\\u00e9\", \"refs\": []}\n"
        "{\"address\": 3, \"type\": \"instance\", \"size\": 72, \"refs\": []}\n"
        "{\"address\": 4, \"type\": \"bytes\", \"size\": 72, \"len\": 1, "
        "\"value\": \"\\u00e9\", \"refs\": []}\n");
    if (!CHECK(g != NULL)) {
        return;
    }
    CHECK_EQ_I64(hs_graph_stats(g)->dialect, HS_DIALECT_PY2);
    VALUE_IS(g, 1, HS_VALUE_BYTES, "\xe9");
    VALUE_IS(g, 2, HS_VALUE_TEXT, "\xc3\xa9");
    VALUE_IS(g, 4, HS_VALUE_TEXT, "\xc3\xa9"); /* no such type on 2.x */
    hs_graph_free(g);
}

static void
test_dict_layouts(void)
{
    static const char dicts[] =
        "{\"address\": 1, \"type\": \"dict\", \"size\": 1, \"len\": 2, "
        "\"refs\": [5, 6]}\n"                                   /* values */
        "{\"address\": 2, \"type\": \"dict\", \"size\": 1, \"len\": 1, "
        "\"refs\": [5, 6]}\n"                                   /* vk */
        "{\"address\": 3, \"type\": \"dict\", \"size\": 1, \"len\": 0, "
        "\"refs\": []}\n"                                       /* empty */
        "{\"address\": 4, \"type\": \"dict\", \"size\": 1, \"len\": 2, "
        "\"refs\": [5, 6, 5]}\n"                                /* unknown */
        "{\"address\": 7, \"type\": \"dict\", \"size\": 1, "
        "\"refs\": [5]}\n"                                      /* unknown */
        "{\"address\": 8, \"type\": \"OrderedDict\", \"size\": 1, \"len\": 1, "
        "\"refs\": [5, 6]}\n"                                   /* subclass */
        STRS;
    hs_graph *g = load(dicts);
    if (!CHECK(g != NULL)) {
        return;
    }
    {
        const hs_load_stats *st = hs_graph_stats(g);
        CHECK_EQ_I64(st->dialect, HS_DIALECT_PY3);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 1)), HS_LAYOUT_VALUES);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 2)), HS_LAYOUT_VK);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 3)), HS_LAYOUT_EMPTY);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 4)), HS_LAYOUT_UNKNOWN);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 7)), HS_LAYOUT_UNKNOWN);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 8)), HS_LAYOUT_NONE);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 5)), HS_LAYOUT_NONE);
        CHECK(st->dicts_values == 1 && st->dicts_vk == 1
              && st->dicts_empty == 1 && st->dicts_unknown == 2
              && st->dicts_kv == 0);
    }
    hs_graph_free(g);
    /* Python 2 and heapscope dumps: every exact dict is key, value */
    g = load_ex(dicts, HS_LOAD_NO_COLLAPSE, HS_DIALECT_PY2);
    if (CHECK(g != NULL)) {
        const hs_load_stats *st = hs_graph_stats(g);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 1)), HS_LAYOUT_KV);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 3)), HS_LAYOUT_KV);
        CHECK_EQ_I64(hs_node_layout(g, node(g, 8)), HS_LAYOUT_NONE);
        CHECK(st->dicts_kv == 5 && st->dicts_vk == 0 && st->dicts_values == 0);
        hs_graph_free(g);
    }
    CHECK_STR(hs_layout_name(HS_LAYOUT_VALUES), "values");
    CHECK_STR(hs_dialect_name(HS_DIALECT_PY311), "py311");
}

static void
test_bad_input(void)
{
    hs_load_options opts;
    hs_graph *g;
    const char *path;
    /* an empty file is an empty dump */
    g = load("");
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_count(g), 0);
        CHECK_EQ_U64(hs_graph_capacity(g), 0);
        hs_graph_free(g);
    }
    /* JSON-array form */
    g = load("[\n{\"address\": 1, \"type\": \"a\", \"size\": 1, \"refs\": []},\n"
             "{\"address\": 2, \"type\": \"a\", \"size\": 1, \"refs\": [1]}\n]\n");
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_count(g), 2);
        CHECK_EQ_U64(hs_graph_stats(g)->lines, 4);
        hs_graph_free(g);
    }
    /* a bad middle line stops the load, named by path, line and column */
    path = hs_test_text("bad.json",
                        "{\"address\": 1, \"type\": \"a\", \"size\": 1, \"refs\": []}\n"
                        "\n"
                        "{\"address\": 2, \"type\": \"a\", \"size\": 1, \"refs\": [x]}\n"
                        "{\"address\": 3, \"type\": \"a\", \"size\": 1, \"refs\": []}\n");
    g = hs_graph_load(path, NULL, &last_err);
    CHECK(g == NULL);
    CHECK_EQ_I64(last_err.code, HS_EPARSE);
    CHECK_EQ_U64(last_err.line, 3);
    CHECK_EQ_U64(last_err.column, 49);
    CHECK_EQ_U64(last_err.offset, 52);
    CHECK_STR(last_err.path, path);
    /* ... unless bad lines are skipped */
    hs_load_options_init(&opts);
    opts.flags = HS_LOAD_SKIP_BAD_LINES;
    g = hs_graph_load(path, &opts, &last_err);
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_stats(g)->bad_lines, 1);
        CHECK_EQ_U64(hs_graph_count(g), 2);
        hs_graph_free(g);
    }
    /* a cut last line is dropped with a note of where */
    g = load("{\"address\": 1, \"type\": \"a\", \"size\": 1, \"refs\": []}\n"
             "{\"address\": 2, \"type\": \"a\", \"size\": 1, \"refs\": [1, 2");
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_count(g), 1);
        CHECK_EQ_U64(hs_graph_stats(g)->truncated_line, 2);
        hs_graph_free(g);
    }
    /* a complete last line without its newline is kept */
    g = load("{\"address\": 1, \"type\": \"a\", \"size\": 1, \"refs\": []}");
    if (CHECK(g != NULL)) {
        CHECK_EQ_U64(hs_graph_count(g), 1);
        CHECK_EQ_U64(hs_graph_stats(g)->truncated_line, 0);
        hs_graph_free(g);
    }
    g = hs_graph_load("/nonexistent/x.json", NULL, &last_err);
    CHECK(g == NULL);
    CHECK_EQ_I64(last_err.code, HS_EIO);
}

int
main(void)
{
    RUN(test_duplicates);
    RUN(test_dangling);
    RUN(test_big_records);
    RUN(test_parents);
    RUN(test_wide_sizes);
    RUN(test_values_and_names);
    RUN(test_dialects);
    RUN(test_py2_bytes);
    RUN(test_dict_layouts);
    RUN(test_bad_input);
    return hs_test_end();
}
