/*
 * hs_query_objects.c - the `objects` virtual table: one row per live
 * object of every dump.
 *
 * Lookups (hs_query_vtab.h): dump, address (the address index: one row
 * per dump) and type (the dump's objects grouped by type). The grouping
 * also answers ORDER BY [dump,] type, and so GROUP BY type, without a
 * sort: the groups are in type-name order, which is SQLite's BINARY
 * collation (memcmp, then length). Rows then come one type after
 * another instead of in file order, a random walk over the node arrays,
 * which costs less than sorting millions of rows.
 *
 * retained, retained_count and idom compute the dump's dominator tree the
 * first time a row asks for one of them, and `new` the diff with the
 * dump before; a query that reads none of them never pays for them.
 */
#include "hs_query_vtab.h"

#include <string.h>

enum {
    COL_DUMP, COL_ADDRESS, COL_TYPE, COL_SIZE, COL_LEN, COL_VALUE,
    COL_NAME, COL_REFS, COL_PARENTS, COL_RETAINED, COL_RETAINED_COUNT,
    COL_IDOM, COL_NEW
};

static const char schema[] =
    "CREATE TABLE objects(dump INTEGER, address INTEGER, type TEXT, "
    "size INTEGER, len INTEGER, value, name TEXT, refs INTEGER, "
    "parents INTEGER, retained INTEGER, retained_count INTEGER, "
    "idom INTEGER, new INTEGER)";

/* The lookups, in the order of idxNum's bits; ORDERED says the rows are
 * to come grouped by type, PROMISED that SQLite was told they come
 * ordered by [dump,] type (so a lookup turned off must walk the groups,
 * not scan). */
static const int lookup_cols[] = {COL_DUMP, COL_ADDRESS, COL_TYPE};
static const char *const lookup_names[] = {"dump", "address", "type"};
#define NLOOKUPS 3
enum { BY_DUMP = 1, BY_ADDRESS = 2, BY_TYPE = 4, ORDERED = 8,
       PROMISED = 16 };

typedef struct objects_cursor {
    sqlite3_vtab_cursor base;
    hs_query *q;
    int plan;
    size_t dump, dump_end;
    uint64_t address;          /* BY_ADDRESS */
    char *type;                /* BY_TYPE (sqlite3_malloc'ed) */
    int type_len;
    hs_idwalk walk;
    uint32_t group;            /* BY_TYPE, ORDERED: the walk's type group */
    const char *group_name;    /* its type's name, once looked up */
    size_t group_len;
    uint32_t id;               /* the current row; HS_NO_NODE at the end */
} objects_cursor;

/* ORDER BY type, or dump then type, ascending: what the grouping gives
 * when the rows come from one dump at a time in dump order. */
static bool
order_is_by_type(const sqlite3_index_info *info)
{
    const struct sqlite3_index_orderby *o = info->aOrderBy;
    if (info->nOrderBy == 1) {
        return o[0].iColumn == COL_TYPE && !o[0].desc;
    }
    return info->nOrderBy == 2 && o[0].iColumn == COL_DUMP && !o[0].desc
           && o[1].iColumn == COL_TYPE && !o[1].desc;
}

static int
objects_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    const hs_query *q = ((hs_vtab *)vt)->q;
    int plan = hs_vtab_plan(info, lookup_cols, NLOOKUPS, lookup_names);
    double n = 0, per_dump;
    bool one_dump = q->ndumps == 1 || (plan & BY_DUMP);
    for (size_t d = 0; d < q->ndumps; d++) {
        n += (double)hs_graph_count(q->dumps[d].g);
    }
    per_dump = one_dump ? 1 : (double)q->ndumps;
    if (plan & BY_ADDRESS) {
        info->estimatedRows = (sqlite3_int64)per_dump;
        info->estimatedCost = per_dump;
        if (one_dump) {
            info->idxFlags = SQLITE_INDEX_SCAN_UNIQUE;
        }
    } else if (plan & BY_TYPE) {
        info->estimatedRows = (sqlite3_int64)(n / 50 / per_dump) + 1;
        info->estimatedCost = 10 + (double)info->estimatedRows;
    } else {
        info->estimatedRows = (sqlite3_int64)(n / per_dump);
        info->estimatedCost = 4 * (double)info->estimatedRows + 10;
    }
    /* ORDER BY dump alone is the natural order; [dump,] type comes from
     * the grouping (or trivially from a lookup by address or type) when
     * the rows of each dump come together. */
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_DUMP
        && !info->aOrderBy[0].desc) {
        info->orderByConsumed = 1;
    } else if (order_is_by_type(info)
               && (one_dump || info->nOrderBy == 2)) {
        info->orderByConsumed = 1;
        plan |= PROMISED;
        if (!(plan & (BY_ADDRESS | BY_TYPE))) {
            plan |= ORDERED;
            info->estimatedCost += 1; /* a scan in file order is cheaper */
            /* What EXPLAIN QUERY PLAN shows after the index number. */
            info->idxStr = sqlite3_mprintf("%z%sgrouped by type",
                                           info->idxStr,
                                           info->idxStr ? "," : "");
            info->needToFreeIdxStr = 1;
        }
    }
    info->idxNum = plan;
    return SQLITE_OK;
}

static int
objects_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    int rc = hs_vtab_open_cursor(sizeof(objects_cursor), out);
    if (rc == SQLITE_OK) {
        ((objects_cursor *)*out)->q = ((hs_vtab *)vt)->q;
    }
    return rc;
}

static int
objects_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(((objects_cursor *)cur)->type);
    return hs_vtab_close(cur);
}

/* Sets the walk over the cursor's current dump. */
static int
start_dump(objects_cursor *c)
{
    hs_query_dump *d = &c->q->dumps[c->dump];
    char *msg = NULL;
    if (c->plan & BY_ADDRESS) {
        hs_idwalk_find(&c->walk, d->g, c->address);
        return SQLITE_OK;
    }
    if (!(c->plan & (BY_TYPE | ORDERED))) {
        hs_idwalk_all(&c->walk, d->g);
        return SQLITE_OK;
    }
    if (hs_query_by_type(c->q, c->dump, &msg) < 0) {
        sqlite3_free(c->base.pVtab->zErrMsg);
        c->base.pVtab->zErrMsg = msg;
        return SQLITE_ERROR;
    }
    if (c->plan & BY_TYPE) {
        uint32_t r = hs_query_type_rank(c->q, c->dump, c->type,
                                        (size_t)c->type_len);
        c->group = r;
        c->group_name = NULL;
        if (r == UINT32_MAX) {
            hs_idwalk_list(&c->walk, d->by_type, 0, 0);
        } else {
            hs_idwalk_list(&c->walk, d->by_type, d->group_start[r],
                           d->group_start[r + 1]);
        }
    } else {
        c->group = 0;
        c->group_name = NULL;
        hs_idwalk_list(&c->walk, d->by_type, 0,
                       d->group_start[hs_graph_type_count(d->g)]);
    }
    return SQLITE_OK;
}

/* Moves to the next row, across dumps. */
static int
advance(objects_cursor *c)
{
    while (c->dump < c->dump_end) {
        c->id = hs_idwalk_next(&c->walk, c->q->dumps[c->dump].g);
        if (c->id != HS_NO_NODE) {
            c->q->rows_read++;
            return SQLITE_OK;
        }
        if (++c->dump < c->dump_end) {
            int rc = start_dump(c);
            if (rc != SQLITE_OK) {
                return rc;
            }
        }
    }
    c->id = HS_NO_NODE;
    return SQLITE_OK;
}

static int
objects_filter(sqlite3_vtab_cursor *cur, int plan, const char *str,
               int argc, sqlite3_value **argv)
{
    objects_cursor *c = (objects_cursor *)cur;
    sqlite3_value *arg[NLOOKUPS];
    int rc;
    (void)str;
    hs_vtab_args(plan, NLOOKUPS, argc, argv, arg);
    c->plan = plan;
    hs_vtab_dump_range(c->q, arg[0], &c->dump, &c->dump_end);
    if (arg[1] && !hs_query_value_address(arg[1], &c->address)) {
        c->plan &= ~BY_ADDRESS; /* no address equals it: SQLite decides */
    }
    sqlite3_free(c->type);
    c->type = NULL;
    if (arg[2] && sqlite3_value_type(arg[2]) == SQLITE_TEXT) {
        c->type_len = sqlite3_value_bytes(arg[2]);
        c->type = sqlite3_malloc(c->type_len + 1);
        if (!c->type) {
            return SQLITE_NOMEM;
        }
        memcpy(c->type, sqlite3_value_text(arg[2]), (size_t)c->type_len);
    } else {
        c->plan &= ~BY_TYPE;
    }
    if ((c->plan & PROMISED) && !(c->plan & (BY_ADDRESS | BY_TYPE))) {
        c->plan |= ORDERED; /* keep the order SQLite was promised */
    }
    c->id = HS_NO_NODE;
    if (c->dump >= c->dump_end) {
        return SQLITE_OK;
    }
    rc = start_dump(c);
    return rc == SQLITE_OK ? advance(c) : rc;
}

static int
objects_next(sqlite3_vtab_cursor *cur)
{
    return advance((objects_cursor *)cur);
}

static int
objects_eof(sqlite3_vtab_cursor *cur)
{
    return ((objects_cursor *)cur)->id == HS_NO_NODE;
}

static int
objects_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    objects_cursor *c = (objects_cursor *)cur;
    *rowid = (sqlite3_int64)(((uint64_t)c->dump << 32) | c->id);
    return SQLITE_OK;
}

/* The lazily computed columns: the dominator tree's, and `new`. */
static void
lazy_column(objects_cursor *c, sqlite3_context *ctx, int col)
{
    hs_query_dump *d = &c->q->dumps[c->dump];
    char *msg = NULL;
    if (col == COL_NEW) {
        if (c->dump == 0) {
            sqlite3_result_null(ctx); /* no dump before the first */
        } else if (hs_query_diff(c->q, c->dump, &msg) < 0) {
            sqlite3_result_error(ctx, msg, -1);
        } else {
            sqlite3_result_int(ctx, hs_diff_is_new(d->diff, c->id));
        }
    } else if (hs_query_dominators(c->q, c->dump, &msg) < 0) {
        sqlite3_result_error(ctx, msg, -1);
    } else if (col == COL_RETAINED) {
        hs_query_result_u64(ctx, hs_dominators_retained_size(d->dom, c->id));
    } else if (col == COL_RETAINED_COUNT) {
        hs_query_result_u64(ctx,
                            hs_dominators_retained_count(d->dom, c->id));
    } else {
        uint32_t idom = hs_dominators_idom(d->dom, c->id);
        if (idom == HS_NO_NODE) {
            sqlite3_result_null(ctx); /* only the virtual root above */
        } else {
            hs_query_result_u64(ctx, hs_node_address(d->g, idom));
        }
    }
    sqlite3_free(msg);
}

static void
text_column(sqlite3_context *ctx, const char *s, size_t len)
{
    if (s && len <= INT32_MAX) { /* the cheaper call, for every row */
        sqlite3_result_text(ctx, s, (int)len, SQLITE_STATIC);
    } else if (s) {
        sqlite3_result_text64(ctx, s, len, SQLITE_STATIC, SQLITE_UTF8);
    } else {
        sqlite3_result_null(ctx);
    }
}

/* Whether the rows come from the groups by type (not a lookup by
 * address, which wins over one by type). */
static bool
walking_groups(const objects_cursor *c)
{
    return !(c->plan & BY_ADDRESS) && (c->plan & (BY_TYPE | ORDERED));
}

/* The current row's size: beside its id when walking the groups. */
static void
size_column(objects_cursor *c, sqlite3_context *ctx, const hs_graph *g)
{
    const hs_query_dump *d = &c->q->dumps[c->dump];
    uint32_t s = walking_groups(c) ? d->size_by_type[c->walk.pos - 1]
                                   : UINT32_MAX;
    if (s != UINT32_MAX) {
        sqlite3_result_int64(ctx, s);
    } else {
        hs_query_result_u64(ctx, hs_node_size(g, c->id));
    }
}

/* The current row's type. Walking the groups, it is the group's: no
 * read of the node's type, which costs a cache miss a row. */
static void
type_column(objects_cursor *c, sqlite3_context *ctx, const hs_graph *g)
{
    const hs_query_dump *d = &c->q->dumps[c->dump];
    size_t len;
    const char *s;
    if (!walking_groups(c)) {
        s = hs_type_name(g, hs_node_type_id(g, c->id), &len);
        text_column(ctx, s, len);
        return;
    }
    if (c->walk.pos > d->group_start[c->group + 1] || !c->group_name) {
        while (c->walk.pos > d->group_start[c->group + 1]) {
            c->group++; /* the row is by_type[walk.pos - 1] */
        }
        c->group_name = hs_type_name(g, d->type_by_rank[c->group],
                                     &c->group_len);
    }
    text_column(ctx, c->group_name, c->group_len);
}

static void
value_column(sqlite3_context *ctx, const hs_graph *g, uint32_t id)
{
    size_t len;
    hs_value_kind kind;
    const char *s = hs_node_value(g, id, &len, &kind);
    if (s && kind == HS_VALUE_INT) {
        hs_query_result_digits(ctx, s, len);
    } else if (s && kind == HS_VALUE_BYTES) {
        sqlite3_result_blob64(ctx, s, len, SQLITE_STATIC);
    } else {
        text_column(ctx, s, len);
    }
}

static int
objects_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    objects_cursor *c = (objects_cursor *)cur;
    const hs_graph *g = c->q->dumps[c->dump].g;
    const char *s;
    size_t len;
    uint64_t n;
    switch (col) {
    case COL_DUMP: sqlite3_result_int64(ctx, (sqlite3_int64)c->dump + 1);
        break;
    case COL_ADDRESS: hs_query_result_u64(ctx, hs_node_address(g, c->id));
        break;
    case COL_TYPE: type_column(c, ctx, g); break;
    case COL_SIZE: size_column(c, ctx, g); break;
    case COL_LEN:
        if (hs_node_len(g, c->id) == HS_NO_LEN) {
            sqlite3_result_null(ctx);
        } else {
            sqlite3_result_int64(ctx, hs_node_len(g, c->id));
        }
        break;
    case COL_VALUE: value_column(ctx, g, c->id); break;
    case COL_NAME:
        s = hs_node_name(g, c->id, &len);
        text_column(ctx, s, len);
        break;
    case COL_REFS:
        hs_node_children(g, c->id, &n);
        hs_query_result_u64(ctx, n);
        break;
    case COL_PARENTS:
        hs_node_parents(g, c->id, &n);
        hs_query_result_u64(ctx, n);
        break;
    default: lazy_column(c, ctx, col); break;
    }
    return SQLITE_OK;
}

static const sqlite3_module objects_module = {
    .iVersion = 1,
    .xConnect = hs_vtab_connect, /* no xCreate: eponymous only */
    .xBestIndex = objects_best_index,
    .xDisconnect = hs_vtab_disconnect,
    .xOpen = objects_open,
    .xClose = objects_close,
    .xFilter = objects_filter,
    .xNext = objects_next,
    .xEof = objects_eof,
    .xColumn = objects_column,
    .xRowid = objects_rowid,
};

int
hs_query_objects_register(hs_query *q)
{
    return hs_vtab_register(q, "objects", &objects_module, schema);
}
