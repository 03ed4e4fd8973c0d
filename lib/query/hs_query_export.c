/*
 * hs_query_export.c - the tables of an hs_query written into a real
 * SQLite file, for DuckDB, pandas or Datasette users.
 *
 * The one place a session writes: the file is attached under a bound
 * name (never parsed as SQL) while q->trusted lets the authorizer pass
 * these statements, and detached before any other query runs. Each table
 * is CREATE TABLE ... AS SELECT * from its virtual table, so the copy
 * holds exactly what a query sees, column for column; then the indexes
 * that make the lookups of the virtual tables fast there too.
 */
#include "hs_query_internal.h"

#include <sys/stat.h>

#include "../util/hs_error.h"

static const char *const steps[] = {
    "PRAGMA export.journal_mode = OFF",
    "PRAGMA export.synchronous = OFF",
    "BEGIN",
    "CREATE TABLE export.dumps AS SELECT * FROM dumps",
    "CREATE TABLE export.types AS SELECT * FROM types",
    "CREATE TABLE export.objects AS SELECT * FROM objects",
    "CREATE TABLE export.edges AS SELECT * FROM edges",
    "CREATE INDEX export.objects_address ON objects(address, dump)",
    "CREATE INDEX export.objects_type ON objects(type, dump)",
    "CREATE INDEX export.edges_src ON edges(src, dump)",
    "CREATE INDEX export.edges_dst ON edges(dst, dump)",
    "COMMIT",
};

static int
attach(hs_query *q, const char *path, hs_error *err)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(q->db, "ATTACH ?1 AS export", -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        sqlite3_finalize(st);
    }
    if (rc != SQLITE_OK && rc != SQLITE_DONE) {
        return hs_error_set(err, HS_EIO, "%s: %s", path,
                            sqlite3_errmsg(q->db));
    }
    return HS_OK;
}

static int
run(hs_query *q, const char *path, hs_error *err)
{
    for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        int rc = sqlite3_exec(q->db, steps[i], NULL, NULL, NULL);
        if (rc == SQLITE_INTERRUPT) {
            return hs_error_set(err, HS_ELIMIT, "interrupted");
        }
        if (rc != SQLITE_OK) {
            int code = rc == SQLITE_NOMEM ? HS_ENOMEM : HS_EIO;
            return hs_error_set(err, code, "%s: %s", path,
                                sqlite3_errmsg(q->db));
        }
    }
    return HS_OK;
}

int
hs_query_export_sqlite(hs_query *q, const char *path, hs_error *err)
{
    struct stat sb;
    int rc;
    HS_RETURN_IF(lstat(path, &sb) == 0, HS_EINVAL, err,
                 "%s: exists already (the export writes a new file)", path);
    q->interrupted = q->timed_out = 0;
    q->deadline = 0;
    q->trusted = true;
    sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, 1);
    rc = attach(q, path, err);
    if (rc == HS_OK) {
        rc = run(q, path, err);
        if (rc != HS_OK) {
            sqlite3_exec(q->db, "ROLLBACK", NULL, NULL, NULL);
        }
        sqlite3_exec(q->db, "DETACH export", NULL, NULL, NULL);
    }
    sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, 0);
    q->trusted = false;
    return rc;
}
