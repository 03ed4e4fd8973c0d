/*
 * heapscope_query.h - SQL over the heap (lib/query): the part of the
 * public API that heapscope.h includes from here. Include <heapscope.h>,
 * not this file: it relies on the types declared there.
 */
#ifndef HEAPSCOPE_QUERY_H
#define HEAPSCOPE_QUERY_H

#ifndef HEAPSCOPE_H
#error "include <heapscope.h>, which includes heapscope_query.h"
#endif

/* ------------------------------------------------------------------ */
/* MARK: SQL queries                                                  */
/* ------------------------------------------------------------------ */

/*
 * SQL over loaded dumps (SQLite, through virtual tables: nothing is
 * copied). One hs_query serves one or more dumps, numbered from 1 in the
 * order given (run order, for the `new` column), and offers four tables:
 *
 *   objects(dump, address, type, size, len, value, name, refs, parents,
 *           retained, retained_count, idom, new)
 *   edges(dump, src, dst, label, position)
 *   types(dump, type, count, size)
 *   dumps(dump, file, pid, time, objects, size)
 *
 * Equality on dump, address, type (objects), src and dst (edges) is
 * answered from the address index, a per-type list or the CSR edges, not
 * a scan; `objects` also returns rows grouped by type, so GROUP BY type
 * needs no sort. retained, retained_count and idom compute the dump's
 * dominator tree the first time a query reads them; `new` the diff with
 * the dump before. docs/query.md describes every column.
 *
 * Safety: queries are read-only and touch no file. ATTACH, writes,
 * CREATE, pragmas (but a few that only read the schema) and extension
 * loading are refused with a message saying so; hostile SQL is tested.
 *
 * Ownership, once for this section: an hs_query keeps pointers to its
 * graphs (free it first); a statement is freed with hs_query_stmt_free
 * before its hs_query; text and blobs of hs_query_value are borrowed
 * until the next hs_query_step of that statement.
 */
typedef struct hs_query hs_query;
typedef struct hs_query_stmt hs_query_stmt;

/* A session over dumps[0..ndumps) (ndumps >= 1; parents computed),
 * named files[i] in the `dumps` table (copied). Caller frees with
 * hs_query_free. NULL: HS_EINVAL (no dump, no parents), HS_ENOMEM,
 * HS_EIO (SQLite could not start).
 *
 *     hs_query *q = hs_query_new(&g, &path, 1, &err);
 *     hs_query_stmt *st; size_t used;
 *     hs_query_prepare(q, sql, strlen(sql), &used, &st, &err);
 *     while (hs_query_step(st, &err) == 1) { hs_query_column(st, 0, &v); }
 *     hs_query_stmt_free(st); hs_query_free(q); */
HS_API hs_query *hs_query_new(const hs_graph *const *dumps,
                              const char *const *files, size_t ndumps,
                              hs_error *err);
HS_API void hs_query_free(hs_query *q);

/* Stops any statement that runs longer than seconds from its first step
 * (0: no limit); the step fails with HS_ELIMIT. Checked every few
 * thousand SQLite steps: work inside one row (a dominator tree built on
 * first use) finishes first. */
HS_API void hs_query_set_timeout(hs_query *q, double seconds);

/* Makes the running step, and every later one, fail with HS_ELIMIT
 * "interrupted" (Ctrl-C ends the session). Safe to call from a signal
 * handler or another thread. Work inside one row (computing a dominator
 * tree on first use) finishes first. */
HS_API void hs_query_interrupt(hs_query *q);

/* Compiles the first statement of sql[0..len). *used gets the bytes it
 * took (the next statement starts there); *st gets the statement, or
 * NULL when only blanks and comments were left. Errors: HS_EINVAL (bad
 * SQL, or a refused operation: err->message says which; err->offset is
 * the byte offset in sql of the error when SQLite knows it, else
 * UINT64_MAX), HS_ENOMEM. */
HS_API int hs_query_prepare(hs_query *q, const char *sql, size_t len,
                            size_t *used, hs_query_stmt **st, hs_error *err);

/* Runs to the next row: 1 a row is ready, 0 done, or an error: HS_EINVAL
 * (an SQL error at run time), HS_ELIMIT (timeout or interrupt), HS_ENOMEM. */
HS_API int hs_query_step(hs_query_stmt *st, hs_error *err);
HS_API void hs_query_stmt_free(hs_query_stmt *st);

HS_API size_t hs_query_column_count(const hs_query_stmt *st);
/* NUL-terminated; borrowed until hs_query_stmt_free. */
HS_API const char *hs_query_column_name(const hs_query_stmt *st, size_t i);

typedef enum hs_query_type {
    HS_QUERY_NULL = 0,
    HS_QUERY_INT,
    HS_QUERY_REAL,
    HS_QUERY_TEXT,  /* UTF-8 as the dump held it (not checked) */
    HS_QUERY_BLOB   /* bytes: a bytes object's value */
} hs_query_type;

typedef struct hs_query_value {
    hs_query_type type;
    int64_t i;
    double r;
    const char *s; /* TEXT and BLOB; borrowed (see above) */
    size_t len;
} hs_query_value;

/* Column i of the current row. */
HS_API void hs_query_column(hs_query_stmt *st, size_t i, hs_query_value *v);

/* Rows the virtual tables have produced since hs_query_new: what a query
 * read, for tests and benchmarks (an address lookup reads one). */
HS_API uint64_t hs_query_rows_read(const hs_query *q);

/* Writes every table (objects with retained sizes and idom, edges,
 * types, dumps) as real tables with indexes into the new SQLite file
 * path, which must not exist (a caller wanting atomic replacement writes
 * a temporary name and renames it). Errors: HS_EIO, HS_EINVAL,
 * HS_ENOMEM, HS_ELIMIT (interrupt). Time: the dominator trees, then
 * O(objects + refs) inserts. */
HS_API int hs_query_export_sqlite(hs_query *q, const char *path,
                                  hs_error *err);

#endif /* HEAPSCOPE_QUERY_H */
