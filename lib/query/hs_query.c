/*
 * hs_query.c - SQL over loaded dumps: the session, its safety, statements
 * and the indexes the virtual tables build on first use.
 *
 * NOTE: about safety. A query is text someone may paste from anywhere,
 * run over a dump that is itself untrusted, so the connection is shut in
 * four ways, each enough alone for what it covers:
 *  - the database is in memory and no table can be created or written:
 *    the virtual tables have no xUpdate and are eponymous (no CREATE
 *    VIRTUAL TABLE needed), and the authorizer refuses every action but
 *    reading, functions, recursive CTEs, transactions and a few pragmas
 *    that only read the schema. It refuses ATTACH (which would open or
 *    create any file) with a message that says so, not SQLite's "not
 *    authorized";
 *  - SQLITE_LIMIT_ATTACHED is 0, so ATTACH fails even if the authorizer
 *    were wrong;
 *  - extension loading is off for both the C API and the SQL function
 *    load_extension() (SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION), which
 *    would run a shared object's code; the authorizer names it too;
 *  - SQLITE_DBCONFIG_DEFENSIVE forbids what could corrupt the database
 *    (writable_schema, writes to shadow tables), and TRUSTED_SCHEMA off
 *    keeps functions with side effects out of views and triggers.
 * A runaway query (a recursive CTE without end, a cross join of millions)
 * is stopped by the progress handler: on hs_query_interrupt (Ctrl-C) or
 * at the timeout. SQLite may still spill a large sort into its own
 * unlinked temporary file; that is no file a query can name.
 */
#include "hs_query_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hs_clock.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

struct hs_query_stmt {
    hs_query *q;
    sqlite3_stmt *st;
    bool started;
};

/* MARK: safety */

/* Pragmas that only read the schema: what `.schema` users reach for. */
static const char *const read_pragmas[] = {
    "table_info", "table_xinfo", "table_list", "function_list",
    "module_list", "pragma_list", "collation_list",
};

static bool
read_pragma(const char *name)
{
    for (size_t i = 0; i < sizeof(read_pragmas) / sizeof(read_pragmas[0]);
         i++) {
        if (name && strcmp(name, read_pragmas[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int
refuse(hs_query *q, const char *what)
{
    snprintf(q->refused, sizeof(q->refused), "%s is refused: queries only "
             "read the loaded dumps, and write or open no file", what);
    return SQLITE_DENY;
}

static int
authorize(void *ctx, int action, const char *a, const char *b,
          const char *db, const char *trigger)
{
    hs_query *q = ctx;
    char what[128];
    (void)b;
    (void)db;
    (void)trigger;
    if (q->trusted) {
        return SQLITE_OK; /* our own: declarations, the export */
    }
    switch (action) {
    case SQLITE_SELECT: case SQLITE_READ: case SQLITE_RECURSIVE:
    case SQLITE_TRANSACTION: case SQLITE_SAVEPOINT:
        return SQLITE_OK;
    case SQLITE_FUNCTION:
        if (b && strcmp(b, "load_extension") == 0) {
            return refuse(q, "load_extension()");
        }
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        if (read_pragma(a)) {
            return SQLITE_OK;
        }
        snprintf(what, sizeof(what), "PRAGMA %.64s", a ? a : "");
        return refuse(q, what);
    case SQLITE_ATTACH: return refuse(q, "ATTACH");
    case SQLITE_DETACH: return refuse(q, "DETACH");
    case SQLITE_UPDATE:
        /* How SQLite checks a table-valued pragma_xxx() it connects. */
        if (a && strcmp(a, "sqlite_master") == 0) {
            return refuse(q, "a pragma function (pragma_...; PRAGMA "
                             "table_info(T) works)");
        }
        /* fall through */
    default:
        return refuse(q, "writing (INSERT, UPDATE, DELETE, CREATE, DROP, "
                         "ALTER, ...)");
    }
}

bool
hs_query_should_stop(void *ctx)
{
    hs_query *q = ctx;
    if (q->interrupted) {
        return true;
    }
    if (q->deadline > 0 && hs_seconds() > q->deadline) {
        q->timed_out = 1;
        return true;
    }
    return false;
}

/* Called every few thousand virtual machine steps: a nonzero return
 * stops the statement with SQLITE_INTERRUPT. */
static int
progress(void *ctx)
{
    return hs_query_should_stop(ctx);
}

static int
harden(hs_query *q)
{
    int rc = sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION,
                               0, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
                               NULL);
    }
    if (rc == SQLITE_OK) { /* off by default; a pointer from SQL */
        rc = sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER,
                               0, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = sqlite3_set_authorizer(q->db, authorize, q);
    }
    sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_progress_handler(q->db, 4096, progress, q);
    return rc;
}

/* MARK: the session */

hs_query *
hs_query_new(const hs_graph *const *dumps, const char *const *files,
             size_t ndumps, hs_error *err)
{
    hs_query *q;
    int rc;
    if (ndumps == 0 || !dumps) {
        hs_error_set(err, HS_EINVAL, "no dump to query");
        return NULL;
    }
    for (size_t i = 0; i < ndumps; i++) {
        if (!hs_graph_has_parents(dumps[i])) {
            hs_error_set(err, HS_EINVAL, "dump %zu has no parents computed",
                         i + 1);
            return NULL;
        }
    }
    q = hs_calloc(NULL, 1, sizeof(*q));
    if (!q || !(q->dumps = hs_calloc(NULL, ndumps, sizeof(*q->dumps)))) {
        hs_mfree(NULL, q);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    q->ndumps = ndumps;
    for (size_t i = 0; i < ndumps; i++) {
        const char *f = files && files[i] ? files[i] : "";
        q->dumps[i].g = dumps[i];
        if (!(q->dumps[i].file = hs_strndup(NULL, f, strlen(f)))) {
            hs_query_free(q);
            hs_error_set(err, HS_ENOMEM, "out of memory");
            return NULL;
        }
    }
    rc = sqlite3_open_v2(":memory:", &q->db, SQLITE_OPEN_READWRITE
                         | SQLITE_OPEN_CREATE, NULL);
    if (rc == SQLITE_OK) {
        rc = harden(q);
    }
    if (rc == SQLITE_OK) {
        rc = hs_query_objects_register(q);
    }
    if (rc == SQLITE_OK) {
        rc = hs_query_edges_register(q);
    }
    if (rc == SQLITE_OK) {
        rc = hs_query_tables_register(q);
    }
    if (rc != SQLITE_OK) {
        hs_error_set(err, rc == SQLITE_NOMEM ? HS_ENOMEM : HS_EIO,
                     "cannot start SQLite: %s", sqlite3_errstr(rc));
        hs_query_free(q);
        return NULL;
    }
    return q;
}

void
hs_query_free(hs_query *q)
{
    if (!q) {
        return;
    }
    sqlite3_close_v2(q->db);
    for (size_t i = 0; i < q->ndumps; i++) {
        hs_query_dump *d = &q->dumps[i];
        hs_mfree(NULL, d->file);
        hs_mfree(NULL, d->by_type);
        hs_mfree(NULL, d->size_by_type);
        hs_mfree(NULL, d->group_start);
        hs_mfree(NULL, d->rank);
        hs_mfree(NULL, d->type_by_rank);
        hs_dominators_free(d->dom);
        hs_diff_free(d->diff);
        hs_summary_free(d->summary);
    }
    hs_mfree(NULL, q->dumps);
    hs_mfree(NULL, q);
}

void
hs_query_set_timeout(hs_query *q, double seconds)
{
    q->timeout = seconds > 0 ? seconds : 0;
}

void
hs_query_interrupt(hs_query *q)
{
    q->interrupted = 1;
    sqlite3_interrupt(q->db);
}

uint64_t
hs_query_rows_read(const hs_query *q)
{
    return q->rows_read;
}

/* MARK: statements */

static int
sql_error(hs_query *q, int rc, hs_error *err)
{
    int code = rc == SQLITE_NOMEM ? HS_ENOMEM : HS_EINVAL;
    if (q->refused[0]) { /* SQLITE_AUTH, or "not authorized to use" */
        return hs_error_set(err, code, "%s", q->refused);
    }
    if (q->timed_out) {
        return hs_error_set(err, HS_ELIMIT, "stopped after %g s (the "
                            "timeout)", q->timeout);
    }
    if (q->interrupted) {
        return hs_error_set(err, HS_ELIMIT, "interrupted");
    }
    return hs_error_set(err, code, "%s", sqlite3_errmsg(q->db));
}

int
hs_query_prepare(hs_query *q, const char *sql, size_t len, size_t *used,
                 hs_query_stmt **out, hs_error *err)
{
    sqlite3_stmt *st = NULL;
    const char *tail = sql;
    int rc;
    *out = NULL;
    *used = 0;
    HS_RETURN_IF(len > (size_t)sqlite3_limit(q->db, SQLITE_LIMIT_SQL_LENGTH,
                                             -1),
                 HS_ELIMIT, err, "the SQL is longer than SQLite takes");
    q->refused[0] = '\0';
    q->timed_out = 0; /* an interrupt stays: it ends the session */
    rc = sqlite3_prepare_v3(q->db, sql, (int)len, 0, &st, &tail);
    if (rc != SQLITE_OK) {
        int off = sqlite3_error_offset(q->db);
        rc = sql_error(q, rc, err);
        if (err) {
            err->offset = off < 0 ? UINT64_MAX : (uint64_t)off;
        }
        return rc;
    }
    *used = (size_t)(tail - sql);
    if (!st) {
        return HS_OK;
    }
    *out = hs_calloc(NULL, 1, sizeof(**out));
    if (!*out) {
        sqlite3_finalize(st);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    (*out)->q = q;
    (*out)->st = st;
    return HS_OK;
}

int
hs_query_step(hs_query_stmt *s, hs_error *err)
{
    hs_query *q = s->q;
    int rc;
    if (!s->started) {
        s->started = true;
        q->deadline = q->timeout > 0 ? hs_seconds() + q->timeout : 0;
    }
    /* Checked here too: a statement too short for the progress handler
     * to run would not see it. */
    rc = q->interrupted ? SQLITE_INTERRUPT : sqlite3_step(s->st);
    if (rc == SQLITE_ROW) {
        return 1;
    }
    if (rc == SQLITE_DONE) {
        return 0;
    }
    if (err) {
        err->offset = UINT64_MAX;
    }
    return sql_error(q, rc, err);
}

void
hs_query_stmt_free(hs_query_stmt *s)
{
    if (s) {
        sqlite3_finalize(s->st);
        hs_mfree(NULL, s);
    }
}

size_t
hs_query_column_count(const hs_query_stmt *s)
{
    return (size_t)sqlite3_column_count(s->st);
}

const char *
hs_query_column_name(const hs_query_stmt *s, size_t i)
{
    const char *name = sqlite3_column_name(s->st, (int)i);
    return name ? name : "";
}

void
hs_query_column(hs_query_stmt *s, size_t i, hs_query_value *v)
{
    int col = (int)i;
    memset(v, 0, sizeof(*v));
    switch (sqlite3_column_type(s->st, col)) {
    case SQLITE_INTEGER:
        v->type = HS_QUERY_INT;
        v->i = sqlite3_column_int64(s->st, col);
        break;
    case SQLITE_FLOAT:
        v->type = HS_QUERY_REAL;
        v->r = sqlite3_column_double(s->st, col);
        break;
    case SQLITE_TEXT:
        v->type = HS_QUERY_TEXT;
        v->s = (const char *)sqlite3_column_text(s->st, col);
        v->len = (size_t)sqlite3_column_bytes(s->st, col);
        break;
    case SQLITE_BLOB:
        v->type = HS_QUERY_BLOB;
        v->s = sqlite3_column_blob(s->st, col);
        v->len = (size_t)sqlite3_column_bytes(s->st, col);
        break;
    default:
        v->type = HS_QUERY_NULL;
        break;
    }
}

/* MARK: values */

void
hs_query_result_u64(sqlite3_context *ctx, uint64_t v)
{
    if (v <= INT64_MAX) {
        sqlite3_result_int64(ctx, (sqlite3_int64)v);
    } else {
        char buf[24];
        int n = snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
        sqlite3_result_text(ctx, buf, n, SQLITE_TRANSIENT);
    }
}

void
hs_query_result_digits(sqlite3_context *ctx, const char *s, size_t len)
{
    char buf[24];
    char *end;
    long long v;
    if (len > 0 && len < sizeof(buf)) {
        memcpy(buf, s, len);
        buf[len] = '\0';
        errno = 0;
        v = strtoll(buf, &end, 10);
        if (errno == 0 && *end == '\0') {
            sqlite3_result_int64(ctx, v);
            return;
        }
    }
    sqlite3_result_text64(ctx, s, len, SQLITE_STATIC, SQLITE_UTF8);
}

bool
hs_query_value_address(sqlite3_value *v, uint64_t *addr)
{
    sqlite3_int64 i;
    if (sqlite3_value_type(v) != SQLITE_INTEGER) {
        return false;
    }
    i = sqlite3_value_int64(v);
    *addr = (uint64_t)i;
    return i >= 0;
}
