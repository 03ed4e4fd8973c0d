/*
 * hs_query_edges.c - the `edges` virtual table: one row per ref of every
 * live object, in refs order.
 *
 * A row is a pair (src, position): src's ref number `position` points at
 * dst. Lookups (hs_query_vtab.h): dump; src, through the address index
 * and src's children; dst, through dst's parents and, for each, the
 * positions of its refs to dst. A dst with no live object (a dangling
 * ref's address) has no parents to follow: that lookup scans, so the
 * answer stays whole. `label` is computed only when read.
 */
#include "hs_query_vtab.h"

#include <string.h>

enum { COL_DUMP, COL_SRC, COL_DST, COL_LABEL, COL_POSITION };

static const char schema[] =
    "CREATE TABLE edges(dump INTEGER, src INTEGER, dst INTEGER, "
    "label TEXT, position INTEGER)";

static const int lookup_cols[] = {COL_DUMP, COL_SRC, COL_DST};
static const char *const lookup_names[] = {"dump", "src", "dst"};
#define NLOOKUPS 3
enum { BY_DUMP = 1, BY_SRC = 2, BY_DST = 4 };

typedef struct edges_cursor {
    sqlite3_vtab_cursor base;
    hs_query *q;
    int plan;
    size_t dump, dump_end;
    uint64_t src_addr, dst_addr;
    hs_idwalk walk;            /* the sources: one, dst's parents, or all */
    uint32_t only;             /* BY_DST: only refs to this id */
    uint32_t src;              /* current source; HS_NO_NODE at the end */
    const uint32_t *refs;      /* its children */
    uint64_t nrefs, k;         /* k: the current row's position */
    sqlite3_int64 rowid;
} edges_cursor;

static int
edges_best_index(sqlite3_vtab *vt, sqlite3_index_info *info)
{
    const hs_query *q = ((hs_vtab *)vt)->q;
    int plan = hs_vtab_plan(info, lookup_cols, NLOOKUPS, lookup_names);
    double refs = 0, dumps = (plan & BY_DUMP) ? 1 : (double)q->ndumps;
    for (size_t d = 0; d < q->ndumps; d++) {
        refs += (double)hs_graph_stats(q->dumps[d].g)->references;
    }
    if (plan & (BY_SRC | BY_DST)) {
        info->estimatedRows = (sqlite3_int64)(4 * dumps);
        info->estimatedCost = 8 * dumps;
    } else {
        info->estimatedRows = (sqlite3_int64)(refs / (double)q->ndumps
                                              * dumps);
        info->estimatedCost = 4 * (double)info->estimatedRows + 10;
    }
    if (info->nOrderBy == 1 && info->aOrderBy[0].iColumn == COL_DUMP
        && !info->aOrderBy[0].desc) {
        info->orderByConsumed = 1;
    }
    info->idxNum = plan;
    return SQLITE_OK;
}

static int
edges_open(sqlite3_vtab *vt, sqlite3_vtab_cursor **out)
{
    int rc = hs_vtab_open_cursor(sizeof(edges_cursor), out);
    if (rc == SQLITE_OK) {
        ((edges_cursor *)*out)->q = ((hs_vtab *)vt)->q;
    }
    return rc;
}

static void
start_dump(edges_cursor *c)
{
    const hs_graph *g = c->q->dumps[c->dump].g;
    uint64_t n;
    c->only = HS_NO_NODE;
    c->nrefs = c->k = 0;
    if (c->plan & BY_SRC) {
        hs_idwalk_find(&c->walk, g, c->src_addr);
    } else if ((c->plan & BY_DST)
               && (c->only = hs_graph_find(g, c->dst_addr)) != HS_NO_NODE) {
        const uint32_t *parents = hs_node_parents(g, c->only, &n);
        hs_idwalk_list(&c->walk, parents, 0, n);
    } else {
        hs_idwalk_all(&c->walk, g);
    }
}

/* Moves to the next ref (of `only`, when set), across sources and dumps. */
static void
advance(edges_cursor *c)
{
    while (c->dump < c->dump_end) {
        const hs_graph *g = c->q->dumps[c->dump].g;
        while (c->k < c->nrefs) {
            if (c->only == HS_NO_NODE || c->refs[c->k] == c->only) {
                c->q->rows_read++;
                c->rowid++;
                return; /* the row is (src, k); next starts at k + 1 */
            }
            c->k++;
        }
        c->src = hs_idwalk_next(&c->walk, g);
        if (c->src != HS_NO_NODE) {
            c->refs = hs_node_children(g, c->src, &c->nrefs);
            c->k = 0;
        } else if (++c->dump < c->dump_end) {
            start_dump(c);
        }
    }
    c->src = HS_NO_NODE;
}

static int
edges_filter(sqlite3_vtab_cursor *cur, int plan, const char *str, int argc,
             sqlite3_value **argv)
{
    edges_cursor *c = (edges_cursor *)cur;
    sqlite3_value *arg[NLOOKUPS];
    (void)str;
    hs_vtab_args(plan, NLOOKUPS, argc, argv, arg);
    c->plan = plan;
    hs_vtab_dump_range(c->q, arg[0], &c->dump, &c->dump_end);
    if (arg[1] && !hs_query_value_address(arg[1], &c->src_addr)) {
        c->plan &= ~BY_SRC;
    }
    if (arg[2] && !hs_query_value_address(arg[2], &c->dst_addr)) {
        c->plan &= ~BY_DST;
    }
    c->src = HS_NO_NODE;
    c->rowid = 0;
    if (c->dump < c->dump_end) {
        start_dump(c);
        advance(c);
    }
    return SQLITE_OK;
}

static int
edges_next(sqlite3_vtab_cursor *cur)
{
    edges_cursor *c = (edges_cursor *)cur;
    c->k++;
    advance(c);
    return SQLITE_OK;
}

static int
edges_eof(sqlite3_vtab_cursor *cur)
{
    return ((edges_cursor *)cur)->src == HS_NO_NODE;
}

static int
edges_rowid(sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
    *rowid = ((edges_cursor *)cur)->rowid;
    return SQLITE_OK;
}

static void
label_column(edges_cursor *c, sqlite3_context *ctx, const hs_graph *g)
{
    char *label = hs_node_ref_label(g, c->src, c->k, 0, NULL);
    if (!label) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_text64(ctx, label, strlen(label), hs_free, SQLITE_UTF8);
}

static int
edges_column(sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
    edges_cursor *c = (edges_cursor *)cur;
    const hs_graph *g = c->q->dumps[c->dump].g;
    switch (col) {
    case COL_DUMP: sqlite3_result_int64(ctx, (sqlite3_int64)c->dump + 1);
        break;
    case COL_SRC: hs_query_result_u64(ctx, hs_node_address(g, c->src));
        break;
    case COL_DST:
        hs_query_result_u64(ctx, hs_node_address(g, c->refs[c->k]));
        break;
    case COL_LABEL: label_column(c, ctx, g); break;
    default: hs_query_result_u64(ctx, c->k); break;
    }
    return SQLITE_OK;
}

static const sqlite3_module edges_module = {
    .iVersion = 1,
    .xConnect = hs_vtab_connect, /* no xCreate: eponymous only */
    .xBestIndex = edges_best_index,
    .xDisconnect = hs_vtab_disconnect,
    .xOpen = edges_open,
    .xClose = hs_vtab_close,
    .xFilter = edges_filter,
    .xNext = edges_next,
    .xEof = edges_eof,
    .xColumn = edges_column,
    .xRowid = edges_rowid,
};

int
hs_query_edges_register(hs_query *q)
{
    return hs_vtab_register(q, "edges", &edges_module, schema);
}
