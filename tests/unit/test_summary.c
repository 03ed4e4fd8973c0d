/*
 * test_summary.c - meliae's summarize(): per-type stats, their order, the
 * table and the per-type line (docs/format.md §4.6).
 */
#include "hs_test.h"

#include <heapscope.h>

#define REC(addr, type, size) \
    "{\"address\": " #addr ", \"type\": \"" type "\", \"size\": " #size \
    ", \"refs\": []}\n"

static hs_graph *
load(const char *text)
{
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&opts);
    opts.flags = HS_LOAD_NO_COLLAPSE;
    g = hs_graph_load(hs_test_text("dump.json", text), &opts, &err);
    if (!g) {
        printf("    load failed: %s\n", err.message);
    }
    return g;
}

/* The stat of type name, or NULL. */
static const hs_type_stat *
stat_of(const hs_summary *s, const char *name)
{
    for (size_t i = 0; i < hs_summary_types(s); i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        if (t->type_len == strlen(name) && memcmp(t->type, name,
                                                  t->type_len) == 0) {
            return t;
        }
    }
    return NULL;
}

static void
check_table(const hs_summary *s, size_t rows, const char *want, int line)
{
    hs_error err;
    char *text = hs_summary_format(s, rows, &err);
    if (!hs_test_mem(text, text ? strlen(text) : 0, want, strlen(want),
                     "table", "want", __FILE__, line)) {
        printf("--- got:\n%s\n--- want:\n%s\n---\n", text ? text : "NULL",
               want);
    }
    hs_free(text);
}

#define TABLE_IS(s, rows, want) check_table((s), (rows), (want), __LINE__)

static void
test_stats(void)
{
    hs_graph *g = load(REC(1, "a", 5) REC(2, "a", 9) REC(3, "b", 7)
                       REC(4, "a", 9) REC(5, "a", 3) REC(6, "z", 0)
                       REC(7, "z", 0));
    hs_summary *s;
    const hs_type_stat *t;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    CHECK_EQ_U64(hs_summary_types(s), 3);
    CHECK_EQ_U64(hs_summary_total_count(s), 7);
    CHECK_EQ_U64(hs_summary_total_size(s), 33);
    CHECK(hs_summary_at(s, 3) == NULL);
    t = stat_of(s, "a");
    if (CHECK(t != NULL)) {
        CHECK_EQ_U64(t->count, 4);
        CHECK_EQ_U64(t->total_size, 26);
        CHECK_EQ_U64(t->max_size, 9);
        CHECK_EQ_U64(t->max_address, 2); /* the first of the largest */
        CHECK(t->sum_squares == 25.0 + 81 + 81 + 9);
    }
    t = stat_of(s, "z");
    if (CHECK(t != NULL)) {
        CHECK_EQ_U64(t->max_size, 0);
        CHECK_EQ_U64(t->max_address, 6); /* all 0: the first object */
    }
    hs_summary_free(s);
    hs_graph_free(g);
}

static const char *
order(const hs_summary *s, char *buf)
{
    buf[0] = '\0';
    for (size_t i = 0; i < hs_summary_types(s); i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        strncat(buf, t->type, t->type_len);
        strcat(buf, " ");
    }
    return buf;
}

static void
test_order(void)
{
    char buf[256];
    hs_graph *g = load(REC(1, "zeta", 10) REC(2, "Alpha", 10)
                       REC(3, "beta", 10) REC(4, "big", 5) REC(5, "big", 5)
                       REC(6, "many", 1) REC(7, "many", 1) REC(8, "many", 1)
                       REC(9, "huge", 50) REC(10, "alpha", 10));
    hs_summary *s;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* by size, then count, then type name in byte order */
    CHECK_STR(order(s, buf), "huge big Alpha alpha beta zeta many ");
    hs_summary_sort(s, HS_ORDER_BY_COUNT);
    CHECK_STR(order(s, buf), "many big huge Alpha alpha beta zeta ");
    hs_summary_sort(s, HS_ORDER_BY_SIZE);
    CHECK_STR(order(s, buf), "huge big Alpha alpha beta zeta many ");
    hs_summary_free(s);
    hs_graph_free(g);
}

static void
test_table(void)
{
    hs_graph *g = load(REC(1, "a", 2) REC(2, "b", 1));
    hs_summary *s;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* percentages are truncated, not rounded */
    TABLE_IS(s, 20,
             "Total 2 objects, 2 types, Total size = 0.0MiB (3 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind\n"
             "     0       1  50         2  66  66       2 a\n"
             "     1       1  50         1  33 100       1 b");
    /* fewer rows; the type count is still of all types */
    TABLE_IS(s, 1,
             "Total 2 objects, 2 types, Total size = 0.0MiB (3 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind\n"
             "     0       1  50         2  66  66       2 a");
    TABLE_IS(s, 0,
             "Total 2 objects, 2 types, Total size = 0.0MiB (3 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind");
    hs_summary_free(s);
    hs_graph_free(g);
}

static void
test_table_widening(void)
{
    hs_graph *g = load(REC(1, "big", 12345678901) REC(2, "small", 1));
    hs_summary *s;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* Size and Max widen to their longest value + 1, labels follow */
    TABLE_IS(s, SIZE_MAX,
             "Total 2 objects, 2 types, Total size = 11773.8MiB "
             "(12345678902 bytes)\n"
             " Index   Count   %        Size   % Cum         Max Kind\n"
             "     0       1  50 12345678901  99  99 12345678901 big\n"
             "     1       1  50           1   0 100           1 small");
    /* a value of exactly the minimum width minus one fits unwidened */
    hs_summary_free(s);
    hs_graph_free(g);
    g = load(REC(1, "x", 999999999) REC(2, "y", 9999999));
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    TABLE_IS(s, 20,
             "Total 2 objects, 2 types, Total size = 963.2MiB "
             "(1009999998 bytes)\n"
             " Index   Count   %      Size   % Cum       Max Kind\n"
             "     0       1  50 999999999  99  99 999999999 x\n"
             "     1       1  50   9999999   0 100   9999999 y");
    hs_summary_free(s);
    hs_graph_free(g);
}

static void
test_zero_total(void)
{
    hs_graph *g = load("");
    hs_summary *s;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    CHECK_EQ_U64(hs_summary_types(s), 0);
    TABLE_IS(s, 20,
             "Total 0 objects, 0 types, Total size = 0.0MiB (0 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind");
    hs_summary_free(s);
    hs_graph_free(g);
    /* objects but no bytes: size percentages are 0, not a division */
    g = load(REC(1, "a", 0) REC(2, "a", 0) REC(3, "b", 0));
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    TABLE_IS(s, 20,
             "Total 3 objects, 2 types, Total size = 0.0MiB (0 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind\n"
             "     0       2  66         0   0   0       0 a\n"
             "     1       1  33         0   0   0       0 b");
    hs_summary_free(s);
    hs_graph_free(g);
}

static void
check_line(const hs_type_stat *t, const char *want, int line)
{
    char *text = hs_type_stat_format(t, NULL);
    hs_test_mem(text, text ? strlen(text) : 0, want, strlen(want), "line",
                want, __FILE__, line);
    hs_free(text);
}

static void
test_type_line(void)
{
    hs_graph *g = load(REC(10, "t", 1) REC(11, "t", 4) REC(12, "t", 3)
                       REC(13, "t", 4) REC(14, "t", 2) REC(20, "z", 0)
                       REC(21, "z", 0) REC(30, "one", 7));
    hs_summary *s;
    hs_type_stat fake;
    if (!CHECK(g != NULL) || !CHECK((s = hs_summary_new(g, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* population std dev: sqrt(46/5 - 2.8^2) = 1.166 */
    check_line(stat_of(s, "t"), "t: 5, 14 bytes, 2.800 avg bytes, 1.166 std "
               "dev, 4 max @ 11", __LINE__);
    check_line(stat_of(s, "z"), "z: 2, 0 bytes, 0.000 avg bytes, 0.000 std "
               "dev, 0 max @ 20", __LINE__);
    check_line(stat_of(s, "one"), "one: 1, 7 bytes, 7.000 avg bytes, 0.000 "
               "std dev, 7 max @ 30", __LINE__);
    /* rounding can make the radicand negative: clamped, never NaN */
    memset(&fake, 0, sizeof(fake));
    fake.type = "f";
    fake.type_len = 1;
    fake.count = 3;
    fake.total_size = 3 * 1000001;
    fake.sum_squares = 3.0 * 1000001.0 * 1000001.0 * (1 - 1e-15);
    fake.max_size = 1000001;
    fake.max_address = 5;
    check_line(&fake, "f: 3, 3000003 bytes, 1000001.000 avg bytes, 0.000 std "
               "dev, 1000001 max @ 5", __LINE__);
    hs_summary_free(s);
    hs_graph_free(g);
}

/* hs_summary_new_ids: only the ids given (in any order, the max still
 * the first largest in that order), gone ids skipped, bad ids refused,
 * and the summary valid after its graph is freed. */
static void
test_ids(void)
{
    hs_graph *g = load(REC(1, "a", 5) REC(2, "a", 9) REC(3, "b", 7)
                       REC(4, "a", 9) REC(5, "c", 3));
    const uint32_t ids[] = {3, 1, 2};       /* addresses 4, 2, 3 */
    const uint32_t bad[] = {0, 5};
    hs_summary *s;
    hs_error err;
    const hs_type_stat *t;
    if (!CHECK(g != NULL)
        || !CHECK((s = hs_summary_new_ids(g, ids, 3, NULL)) != NULL)) {
        hs_graph_free(g);
        return;
    }
    hs_graph_free(g); /* the summary owns its type names */
    CHECK_EQ_U64(hs_summary_types(s), 2);
    CHECK_EQ_U64(hs_summary_total_count(s), 3);
    CHECK_EQ_U64(hs_summary_total_size(s), 25);
    t = stat_of(s, "a");
    if (CHECK(t != NULL)) {
        CHECK_EQ_U64(t->count, 2);
        CHECK_EQ_U64(t->total_size, 18);
        CHECK_EQ_U64(t->max_address, 4); /* first of the largest, id order */
    }
    CHECK(stat_of(s, "c") == NULL);
    TABLE_IS(s, 20,
             "Total 3 objects, 2 types, Total size = 0.0MiB (25 bytes)\n"
             " Index   Count   %      Size   % Cum     Max Kind\n"
             "     0       2  66        18  72  72       9 a\n"
             "     1       1  33         7  28 100       7 b");
    hs_summary_free(s);

    g = load(REC(1, "a", 5) REC(2, "b", 9));
    if (!CHECK(g != NULL)) {
        return;
    }
    s = hs_summary_new_ids(g, NULL, 0, NULL);
    if (CHECK(s != NULL)) {
        CHECK_EQ_U64(hs_summary_types(s), 0);
        CHECK_EQ_U64(hs_summary_total_count(s), 0);
    }
    hs_summary_free(s);
    memset(&err, 0, sizeof(err));
    CHECK(hs_summary_new_ids(g, bad, 2, &err) == NULL);
    CHECK_EQ_U64((uint64_t)-err.code, (uint64_t)-HS_EINVAL);
    CHECK(hs_summary_new_ids(g, NULL, 1, &err) == NULL);
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_ids);
    RUN(test_stats);
    RUN(test_order);
    RUN(test_table);
    RUN(test_table_widening);
    RUN(test_zero_total);
    RUN(test_type_line);
    return hs_test_end();
}
