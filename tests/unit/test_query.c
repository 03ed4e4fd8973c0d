/*
 * test_query.c - SQL over dumps (lib/query): every table against the
 * graph API, the lookups that must not scan (counted with
 * hs_query_rows_read and shown by EXPLAIN QUERY PLAN), the lazy columns,
 * the export, and hostile SQL.
 */
#include "hs_test_graph.h"

#include <heapscope.h>
#include <sqlite3.h>
#include <sys/stat.h>

static const char dump_old[] =
    "{\"address\": 1, \"type\": \"module\", \"size\": 100, \"name\": "
    "\"__main__\", \"refs\": [2, 3]}\n"
    "{\"address\": 2, \"type\": \"list\", \"size\": 72, \"len\": 3, "
    "\"refs\": [4, 5, 4]}\n"
    "{\"address\": 3, \"type\": \"dict\", \"size\": 232, \"len\": 1, "
    "\"refs\": [6, 4]}\n"
    "{\"address\": 4, \"type\": \"str\", \"size\": 50, \"len\": 5, "
    "\"value\": \"hello\", \"refs\": []}\n";

static const char dump_new_tail[] =
    "{\"address\": 5, \"type\": \"int\", \"size\": 28, \"value\": "
    "123456789012345678901234, \"refs\": []}\n"
    "{\"address\": 6, \"type\": \"int\", \"size\": 28, \"value\": -7, "
    "\"refs\": []}\n"
    "{\"address\": 7, \"type\": \"tuple\", \"size\": 40, \"len\": 1, "
    "\"refs\": [99]}\n";

static hs_graph *g_old, *g_new;

/* The first column of the first row of sql on q, as an integer; -1 when
 * there is no row or the statement fails. */
static int64_t
one_int(hs_query *q, const char *sql)
{
    hs_query_stmt *st;
    hs_query_value v = {HS_QUERY_NULL, -1, 0, NULL, 0};
    size_t used;
    hs_error err;
    if (hs_query_prepare(q, sql, strlen(sql), &used, &st, &err) < 0) {
        printf("    %s: %s\n", sql, err.message);
        return -1;
    }
    if (hs_query_step(st, &err) == 1) {
        hs_query_column(st, 0, &v);
    }
    hs_query_stmt_free(st);
    return v.type == HS_QUERY_INT ? v.i : -1;
}

/* Rows the tables read to run sql to its end. */
static uint64_t
rows_read(hs_query *q, const char *sql)
{
    uint64_t before = hs_query_rows_read(q);
    hs_query_stmt *st;
    size_t used;
    hs_error err;
    if (hs_query_prepare(q, sql, strlen(sql), &used, &st, &err) < 0) {
        printf("    %s: %s\n", sql, err.message);
        return UINT64_MAX;
    }
    while (hs_query_step(st, &err) == 1) {
    }
    hs_query_stmt_free(st);
    return hs_query_rows_read(q) - before;
}

/* Every detail line of EXPLAIN QUERY PLAN sql, joined by "|". */
static void
plan_of(hs_query *q, const char *sql, char *out, size_t size)
{
    char buf[512];
    hs_query_stmt *st;
    hs_query_value v;
    size_t used, len = 0;
    hs_error err;
    snprintf(buf, sizeof(buf), "EXPLAIN QUERY PLAN %s", sql);
    out[0] = '\0';
    if (hs_query_prepare(q, buf, strlen(buf), &used, &st, &err) < 0) {
        return;
    }
    while (hs_query_step(st, &err) == 1 && len + 1 < size) {
        hs_query_column(st, 3, &v);
        len += (size_t)snprintf(out + len, size - len, "%.*s|", (int)v.len,
                                v.s);
    }
    hs_query_stmt_free(st);
}

/* The compiled statement sql (a failed check and NULL if it does not
 * compile). */
static hs_query_stmt *
compile(hs_query *q, const char *sql)
{
    hs_query_stmt *st = NULL;
    size_t used;
    hs_error err;
    if (!CHECK(hs_query_prepare(q, sql, strlen(sql), &used, &st, &err) == 0)) {
        printf("    %s: %s\n", sql, err.message);
    }
    return st;
}

static hs_query *
open_query(size_t n)
{
    const hs_graph *dumps[2] = {g_old, g_new};
    const char *files[2] = {"old.json", "new.json"};
    hs_error err;
    hs_query *q = hs_query_new(n == 1 ? dumps + 1 : dumps,
                               n == 1 ? files + 1 : files, n, &err);
    if (!q) {
        printf("    hs_query_new: %s\n", err.message);
    }
    return q;
}

static void
test_tables_match_the_graph(void)
{
    hs_query *q = open_query(2);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE dump = 2"),
                 hs_graph_count(g_new));
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects"),
                 hs_graph_count(g_new) + hs_graph_count(g_old));
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM edges WHERE dump = 2"),
                 hs_graph_stats(g_new)->references);
    CHECK_EQ_I64(one_int(q, "SELECT sum(size) FROM objects WHERE dump = 1"),
                 454);
    CHECK_EQ_I64(one_int(q, "SELECT count FROM types WHERE dump = 2 AND "
                            "type = 'int'"), 2);
    CHECK_EQ_I64(one_int(q, "SELECT objects FROM dumps WHERE dump = 2"), 7);
    CHECK_EQ_I64(one_int(q, "SELECT size FROM dumps WHERE file = "
                            "'old.json'"), 454);
    /* refs keep duplicates and dangling refs, as meliae counts them */
    CHECK_EQ_I64(one_int(q, "SELECT refs FROM objects WHERE address = 2 "
                            "AND dump = 1"), 3);
    CHECK_EQ_I64(one_int(q, "SELECT parents FROM objects WHERE address = 4 "
                            "AND dump = 1"), 2);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM edges WHERE dump = 2 AND "
                            "dst = 99"), 1); /* a dangling ref: scanned */
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE dump = 3"),
                 0);
    hs_query_free(q);
}

static void
test_values(void)
{
    hs_query *q = open_query(1);
    hs_query_stmt *st = compile(q, "SELECT value, len, name FROM objects "
                                   "WHERE address IN (1, 4, 5, 6) ORDER BY "
                                   "address");
    hs_query_value v;
    hs_error err;
    CHECK(hs_query_step(st, &err) == 1); /* the module: a name, no value */
    hs_query_column(st, 0, &v);
    CHECK(v.type == HS_QUERY_NULL);
    hs_query_column(st, 1, &v);
    CHECK(v.type == HS_QUERY_NULL); /* no len in the record */
    hs_query_column(st, 2, &v);
    CHECK_MEM(v.s, v.len, "__main__");
    CHECK(hs_query_step(st, &err) == 1);
    hs_query_column(st, 0, &v);
    CHECK(v.type == HS_QUERY_TEXT);
    CHECK_MEM(v.s, v.len, "hello");
    CHECK(hs_query_step(st, &err) == 1); /* beyond 64 bits: the digits */
    hs_query_column(st, 0, &v);
    CHECK(v.type == HS_QUERY_TEXT);
    CHECK_MEM(v.s, v.len, "123456789012345678901234");
    CHECK(hs_query_step(st, &err) == 1);
    hs_query_column(st, 0, &v);
    CHECK(v.type == HS_QUERY_INT && v.i == -7);
    CHECK(hs_query_step(st, &err) == 0);
    hs_query_stmt_free(st);
    hs_query_free(q);
}

static void
test_lookups_do_not_scan(void)
{
    hs_query *q = open_query(2);
    char plan[1024];
    CHECK_EQ_U64(rows_read(q, "SELECT * FROM objects WHERE address = 3 AND "
                              "dump = 2"), 1);
    CHECK_EQ_U64(rows_read(q, "SELECT * FROM objects WHERE address = 3"), 2);
    CHECK_EQ_U64(rows_read(q, "SELECT * FROM edges WHERE src = 2 AND "
                              "dump = 1"), 3);
    CHECK_EQ_U64(rows_read(q, "SELECT * FROM edges WHERE dst = 4 AND "
                              "dump = 1"), 3); /* list twice, dict once */
    CHECK_EQ_U64(rows_read(q, "SELECT * FROM objects WHERE type = 'int'"),
                 2);
    /* Both lookups usable: the address wins, the type is still right. */
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE address = 4 "
                            "AND type = 'str'"), 2);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE address = 4 "
                            "AND type = 'int'"), 0);
    /* A join along edges: one object, its refs, their objects. */
    CHECK_EQ_U64(rows_read(q, "SELECT c.address FROM objects p JOIN edges e "
                              "ON e.src = p.address AND e.dump = p.dump "
                              "JOIN objects c ON c.address = e.dst AND "
                              "c.dump = e.dump WHERE p.address = 3 AND "
                              "p.dump = 1"), 1 + 2 + 1); /* 6 is not in dump 1 */
    plan_of(q, "SELECT * FROM objects WHERE address = 3", plan,
            sizeof(plan));
    CHECK(strstr(plan, "INDEX 2:address=") != NULL);
    plan_of(q, "SELECT type, count(*) FROM objects WHERE dump = 1 GROUP BY "
               "type", plan, sizeof(plan));
    CHECK(strstr(plan, "B-TREE") == NULL); /* grouped by the table */
    /* A value no address equals turns the lookup off; SQLite decides. */
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE address = "
                            "3.0"), 2);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE address = "
                            "'3'"), 2); /* INTEGER affinity: '3' is 3 */
    hs_query_free(q);
}

static void
test_group_by_type_is_grouped(void)
{
    hs_query *q = open_query(2);
    /* Grouping by the table's order and by SQLite's sort agree. */
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM (SELECT type, count(*) n "
                            "FROM objects WHERE dump = 2 GROUP BY type) a "
                            "JOIN (SELECT type, count(*) n FROM (SELECT "
                            "type FROM objects WHERE dump = 2 ORDER BY "
                            "address) GROUP BY type) b USING (type, n)"),
                 6);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM (SELECT dump, type FROM "
                            "objects GROUP BY dump, type)"), 4 + 6);
    hs_query_free(q);
}

static void
test_lazy_columns(void)
{
    hs_query *q = open_query(2);
    hs_error err;
    hs_dominators *d = hs_dominators_new(g_new, &err);
    uint32_t list = hs_graph_find(g_new, 2);
    CHECK_EQ_I64(one_int(q, "SELECT retained FROM objects WHERE dump = 2 "
                            "AND address = 2"),
                 hs_dominators_retained_size(d, list));
    CHECK_EQ_I64(one_int(q, "SELECT retained_count FROM objects WHERE "
                            "dump = 2 AND address = 2"),
                 hs_dominators_retained_count(d, list));
    CHECK_EQ_I64(one_int(q, "SELECT idom FROM objects WHERE dump = 2 AND "
                            "address = 2"), 1);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE dump = 2 "
                            "AND new"), 3);
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects WHERE dump = 1 "
                            "AND new IS NULL"), 4);
    hs_dominators_free(d);
    hs_query_free(q);
}

static void
test_labels(void)
{
    hs_query *q = open_query(1);
    hs_query_stmt *st = compile(q, "SELECT label FROM edges WHERE src = 2 "
                                   "ORDER BY position");
    hs_query_value v;
    hs_error err;
    CHECK(hs_query_step(st, &err) == 1);
    hs_query_column(st, 0, &v);
    CHECK_MEM(v.s, v.len, "[2]"); /* lists are written last item first */
    hs_query_stmt_free(st);
    hs_query_free(q);
}

/* Each must fail with a message, and create no file. */
static void
test_hostile_sql(void)
{
    /* Each statement is sql[i][0], the scratch path, sql[i][1]. */
    static const char *const sql[][2] = {
        {"ATTACH '", "' AS x"},
        {"VACUUM INTO '", "'"},
        {"SELECT load_extension('", "')"},
        {"CREATE TABLE t(a) -- ", ""},
        {"CREATE TEMP TABLE t(a) -- ", ""},
        {"CREATE VIRTUAL TABLE temp.t USING objects -- ", ""},
        {"INSERT INTO objects(dump) VALUES (1) -- ", ""},
        {"DELETE FROM edges -- ", ""},
        {"PRAGMA temp_store_directory = '", "'"},
        {"PRAGMA writable_schema = 1 -- ", ""},
        {"SELECT * FROM pragma_database_list -- ", ""},
        {"SELEC 1 -- ", ""},
    };
    hs_query *q = open_query(1);
    const char *path = hs_test_text("hostile.db", "");
    unlink(path);
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        char buf[512];
        hs_query_stmt *st = NULL;
        size_t used;
        hs_error err;
        struct stat sb;
        int rc;
        snprintf(buf, sizeof(buf), "%s%.128s%s", sql[i][0], path, sql[i][1]);
        rc = hs_query_prepare(q, buf, strlen(buf), &used, &st, &err);
        if (rc == 0) {
            rc = hs_query_step(st, &err);
        }
        hs_query_stmt_free(st);
        if (!CHECK(rc < 0 && err.message[0])) {
            printf("    accepted: %s\n", buf);
        }
        CHECK(stat(path, &sb) != 0);
    }
    hs_query_free(q);
}

/* The dominator tree and the diff are built inside one step of SQLite's,
 * where its progress handler does not run: they ask the session
 * themselves. A timeout already past when they start stops them, the
 * statement fails saying so, and with no timeout the same statement then
 * builds them. */
static void
test_index_builds_stop(void)
{
    static const char *const sqls[] = {
        "SELECT retained FROM objects WHERE dump = 2 LIMIT 1",
        "SELECT new FROM objects WHERE dump = 2 LIMIT 1",
    };
    hs_query *q = open_query(2);
    for (size_t i = 0; q && i < sizeof(sqls) / sizeof(*sqls); i++) {
        hs_query_stmt *st;
        hs_error err;
        hs_query_set_timeout(q, 1e-9);
        st = compile(q, sqls[i]);
        CHECK_EQ_I64(hs_query_step(st, &err), HS_ELIMIT);
        CHECK(strstr(err.message, "timeout") != NULL);
        hs_query_stmt_free(st);
        hs_query_set_timeout(q, 0);
        st = compile(q, sqls[i]);
        CHECK_EQ_I64(hs_query_step(st, &err), 1);
        hs_query_stmt_free(st);
    }
    hs_query_free(q);
}

static void
test_runaway_stops(void)
{
    hs_query *q = open_query(1);
    hs_query_stmt *st;
    hs_error err;
    const char *sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT "
                      "x + 1 FROM c) SELECT count(*) FROM c";
    hs_query_set_timeout(q, 0.2);
    st = compile(q, sql);
    CHECK_EQ_I64(hs_query_step(st, &err), HS_ELIMIT);
    CHECK(strstr(err.message, "timeout") != NULL);
    hs_query_stmt_free(st);
    hs_query_set_timeout(q, 0);
    st = compile(q, sql);
    hs_query_interrupt(q);
    CHECK_EQ_I64(hs_query_step(st, &err), HS_ELIMIT);
    CHECK_STR(err.message, "interrupted");
    hs_query_stmt_free(st);
    hs_query_free(q);
}

static void
test_export(void)
{
    hs_query *q = open_query(2);
    const char *path = hs_test_text("export.db", "");
    sqlite3 *db;
    sqlite3_stmt *st;
    hs_error err;
    CHECK_EQ_I64(hs_query_export_sqlite(q, path, &err), HS_EINVAL);
    unlink(path);
    if (!CHECK_EQ_I64(hs_query_export_sqlite(q, path, &err), HS_OK)) {
        printf("    %s\n", err.message);
    }
    /* The session is read-only again. */
    CHECK_EQ_I64(one_int(q, "SELECT count(*) FROM objects"), 11);
    CHECK(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL)
          == SQLITE_OK);
    CHECK(sqlite3_prepare_v2(db, "SELECT (SELECT count(*) FROM objects), "
                             "(SELECT count(*) FROM edges), (SELECT "
                             "sum(retained) FROM objects WHERE idom IS "
                             "NULL AND dump = 2), (SELECT count(*) FROM "
                             "sqlite_master WHERE type = 'index')", -1, &st,
                             NULL) == SQLITE_OK);
    CHECK(sqlite3_step(st) == SQLITE_ROW);
    CHECK_EQ_I64(sqlite3_column_int64(st, 0), 11);
    CHECK_EQ_I64(sqlite3_column_int64(st, 1),
                 hs_graph_stats(g_old)->references
                     + hs_graph_stats(g_new)->references);
    CHECK_EQ_I64(sqlite3_column_int64(st, 2), 454 + 28 + 28 + 40);
    CHECK_EQ_I64(sqlite3_column_int64(st, 3), 4);
    sqlite3_finalize(st);
    sqlite3_close(db);
    hs_query_free(q);
}

/* Sizes past 32 bits live in a side table: the walk by type looks them
 * up rather than taking the 32-bit sentinel for a size. */
static void
test_wide_size(void)
{
    hs_graph *g = hs_test_load_graph("wide.json",
        "{\"address\": 1, \"type\": \"bytes\", \"size\": 5000000000, "
        "\"refs\": []}\n"
        "{\"address\": 2, \"type\": \"bytes\", \"size\": 7, "
        "\"refs\": []}\n");
    const hs_graph *dumps[1] = {g};
    hs_error err;
    hs_query *q = g ? hs_query_new(dumps, NULL, 1, &err) : NULL;
    if (!CHECK(q != NULL)) {
        hs_graph_free(g);
        return;
    }
    CHECK_EQ_I64(one_int(q, "SELECT sum(size) FROM objects GROUP BY type"),
                 5000000007);
    CHECK_EQ_I64(one_int(q, "SELECT size FROM objects WHERE type = 'bytes' "
                            "AND address = 1"), 5000000000);
    CHECK_EQ_I64(one_int(q, "SELECT size FROM types"), 5000000007);
    hs_query_free(q);
    hs_graph_free(g);
}

int
main(void)
{
    char both[2048];
    snprintf(both, sizeof(both), "%s%s", dump_old, dump_new_tail);
    g_old = hs_test_load_graph("old.json", dump_old);
    g_new = hs_test_load_graph("new.json", both);
    if (!g_old || !g_new) {
        return 1;
    }
    RUN(test_tables_match_the_graph);
    RUN(test_values);
    RUN(test_lookups_do_not_scan);
    RUN(test_group_by_type_is_grouped);
    RUN(test_lazy_columns);
    RUN(test_labels);
    RUN(test_hostile_sql);
    RUN(test_runaway_stops);
    RUN(test_index_builds_stop);
    RUN(test_export);
    RUN(test_wide_size);
    hs_graph_free(g_old);
    hs_graph_free(g_new);
    return hs_test_end();
}
