/*
 * hs_query_tables.c - the small virtual tables: `types` (a dump's
 * summary, one row per type) and `dumps` (one row per dump).
 *
 * Both walk (dump, row) pairs; the only lookup is dump, and `type` is
 * left to SQLite, which compares a few thousand rows at most.
 */
#include "hs_query_vtab.h"

enum { TYPES_DUMP, TYPES_TYPE, TYPES_COUNT, TYPES_SIZE };
enum { DUMPS_DUMP, DUMPS_FILE, DUMPS_PID, DUMPS_TIME, DUMPS_OBJECTS,
       DUMPS_SIZE, DUMPS_RSS };

static const char types_schema[] =
    "CREATE TABLE types(dump INTEGER, type TEXT, count INTEGER, "
    "size INTEGER)";
static const char dumps_schema[] =
    "CREATE TABLE dumps(dump INTEGER, file TEXT, pid INTEGER, "
    "time INTEGER, objects INTEGER, size INTEGER, rss INTEGER)";

static const int lookup_cols[] = {0}; /* `dump` is column 0 of both */
static const char *const lookup_names[] = {"dump"};

typedef struct small_cursor {
    sqlite3_vtab_cursor base;
    hs_query *q;
    bool types;                /* a types cursor, else a dumps cursor */
    size_t dump, dump_end;
    size_t row, nrows;         /* the current row of the current dump */
} small_cursor;

static int
small_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    (void)vt;
    info->idxNum = hs_vtab_plan(info, lookup_cols, 1, lookup_names);
    info->estimatedCost = info->idxNum ? 10 : 100;
    info->estimatedRows = info->idxNum ? 10 : 100;
    return SQLITE_OK;
}

static int
open_cursor(sqlite3_vtab *vt, sqlite3_vtab_cursor **out, bool types)
{
    int rc = hs_vtab_open_cursor(sizeof(small_cursor), out);
    if (rc == SQLITE_OK) {
        ((small_cursor *)*out)->q = ((hs_vtab *)vt)->q;
        ((small_cursor *)*out)->types = types;
    }
    return rc;
}

static int
types_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    return open_cursor(vt, out, true);
}

static int
dumps_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    return open_cursor(vt, out, false);
}

/* Moves to the first row at or after (dump, row), building the summary
 * of each dump a types cursor reaches. */
static int
settle(small_cursor *c)
{
    while (c->dump < c->dump_end) {
        if (c->nrows == 0 && c->row == 0) {
            char *msg = NULL;
            if (!c->types) {
                c->nrows = 1;
            } else if (hs_query_summary(c->q, c->dump, &msg) < 0) {
                sqlite3_free(c->base.pVtab->zErrMsg);
                c->base.pVtab->zErrMsg = msg;
                return SQLITE_ERROR;
            } else {
                c->nrows = hs_summary_types(c->q->dumps[c->dump].summary);
            }
        }
        if (c->row < c->nrows) {
            c->q->rows_read++;
            return SQLITE_OK;
        }
        c->dump++;
        c->row = c->nrows = 0;
    }
    return SQLITE_OK;
}

static int
small_filter(sqlite3_vtab_cursor *cur, int plan, const char *str, int argc,
             sqlite3_value **argv)
{
    small_cursor *c = (small_cursor *)cur;
    sqlite3_value *arg;
    (void)str;
    hs_vtab_args(plan, 1, argc, argv, &arg);
    hs_vtab_dump_range(c->q, arg, &c->dump, &c->dump_end);
    c->row = c->nrows = 0;
    return settle(c);
}

static int
small_next(sqlite3_vtab_cursor *cur)
{
    small_cursor *c = (small_cursor *)cur;
    c->row++;
    return settle(c);
}

static int
small_eof(sqlite3_vtab_cursor *cur)
{
    small_cursor *c = (small_cursor *)cur;
    return c->dump >= c->dump_end;
}

static int
small_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    small_cursor *c = (small_cursor *)cur;
    *rowid = (sqlite3_int64)((c->dump << 32) | c->row);
    return SQLITE_OK;
}

static int
types_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    small_cursor *c = (small_cursor *)cur;
    const hs_type_stat *t = hs_summary_at(c->q->dumps[c->dump].summary,
                                          c->row);
    switch (col) {
    case TYPES_DUMP: sqlite3_result_int64(ctx, (sqlite3_int64)c->dump + 1);
        break;
    case TYPES_TYPE:
        sqlite3_result_text64(ctx, t->type, t->type_len, SQLITE_STATIC,
                              SQLITE_UTF8);
        break;
    case TYPES_COUNT: hs_query_result_u64(ctx, t->count); break;
    default: hs_query_result_u64(ctx, t->total_size); break;
    }
    return SQLITE_OK;
}

/* A header field the dump may lack (-1): NULL then. */
static void
header_column(sqlite3_context *ctx, int64_t v)
{
    if (v < 0) {
        sqlite3_result_null(ctx);
    } else {
        sqlite3_result_int64(ctx, v);
    }
}

/* The bytes of every live object, from the dump's summary. */
static void
total_column(small_cursor *c, sqlite3_context *ctx)
{
    char *msg = NULL;
    if (hs_query_summary(c->q, c->dump, &msg) < 0) {
        sqlite3_result_error(ctx, msg, -1);
        sqlite3_free(msg);
        return;
    }
    hs_query_result_u64(ctx,
                        hs_summary_total_size(c->q->dumps[c->dump].summary));
}

static int
dumps_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    small_cursor *c = (small_cursor *)cur;
    const hs_query_dump *d = &c->q->dumps[c->dump];
    const hs_load_stats *st = hs_graph_stats(d->g);
    switch (col) {
    case DUMPS_DUMP: sqlite3_result_int64(ctx, (sqlite3_int64)c->dump + 1);
        break;
    case DUMPS_FILE:
        sqlite3_result_text(ctx, d->file, -1, SQLITE_STATIC);
        break;
    case DUMPS_PID: header_column(ctx, st->pid); break;
    case DUMPS_TIME: header_column(ctx, st->dump_time); break;
    case DUMPS_OBJECTS: hs_query_result_u64(ctx, hs_graph_count(d->g));
        break;
    case DUMPS_RSS: header_column(ctx, st->rss_bytes); break;
    default: total_column(c, ctx); break;
    }
    return SQLITE_OK;
}

static const sqlite3_module types_module = {
    .iVersion = 1,
    .xConnect = hs_vtab_connect, /* no xCreate: eponymous only */
    .xBestIndex = small_best_index,
    .xDisconnect = hs_vtab_disconnect,
    .xOpen = types_open,
    .xClose = hs_vtab_close,
    .xFilter = small_filter,
    .xNext = small_next,
    .xEof = small_eof,
    .xColumn = types_column,
    .xRowid = small_rowid,
};

static const sqlite3_module dumps_module = {
    .iVersion = 1,
    .xConnect = hs_vtab_connect,
    .xBestIndex = small_best_index,
    .xDisconnect = hs_vtab_disconnect,
    .xOpen = dumps_open,
    .xClose = hs_vtab_close,
    .xFilter = small_filter,
    .xNext = small_next,
    .xEof = small_eof,
    .xColumn = dumps_column,
    .xRowid = small_rowid,
};

int
hs_query_tables_register(hs_query *q)
{
    int rc = hs_vtab_register(q, "types", &types_module, types_schema);
    if (rc == SQLITE_OK) {
        rc = hs_vtab_register(q, "dumps", &dumps_module, dumps_schema);
    }
    return rc;
}
