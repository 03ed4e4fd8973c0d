/*
 * hs_query_vtab.h - what every virtual table of hs_query shares: the
 * table and cursor bases, the planning of equality constraints, and the
 * source of node ids a cursor walks.
 *
 * Planning: a table lists the columns it can look up by equality; each
 * usable `col = value` on one of them (the first per column) becomes a
 * bit of idxNum and an argument of xFilter, in the listed order. SQLite
 * still checks every constraint itself (omit stays 0): a lookup only has
 * to return a superset of the rows, so a value that names no address
 * (text, a fraction) simply turns the lookup off and the table scans,
 * and every answer is SQLite's own comparison.
 */
#ifndef HS_QUERY_VTAB_H
#define HS_QUERY_VTAB_H

#include "hs_query_internal.h"

typedef struct hs_vtab {
    sqlite3_vtab base;
    hs_query *q;
} hs_vtab;

/* Registers module as the eponymous table name of q (it exists without
 * CREATE VIRTUAL TABLE, which the authorizer refuses), declared by schema
 * (a CREATE TABLE statement; static). */
int hs_vtab_register(hs_query *q, const char *name,
                     const sqlite3_module *module, const char *schema);
/* The xConnect of every table: declares the schema given at
 * registration. */
int hs_vtab_connect(sqlite3 *db, void *aux, int argc,
                    const char *const *argv, sqlite3_vtab **out, char **msg);
int hs_vtab_disconnect(sqlite3_vtab *vt);
/* Allocates a zeroed cursor of size bytes (its first member a
 * sqlite3_vtab_cursor); hs_vtab_close frees it. */
int hs_vtab_open_cursor(size_t size, sqlite3_vtab_cursor **out);
int hs_vtab_close(sqlite3_vtab_cursor *cur);

/* Sets info's argvIndex for the first usable equality constraint on each
 * of columns[0..n) and returns the bit mask of those found (bit i for
 * columns[i]); idxStr names them ("address=,dump=") so that EXPLAIN
 * QUERY PLAN shows the lookup. names[i] is column i's name. */
int hs_vtab_plan(sqlite3_index_info *info, const int *columns, size_t n,
                 const char *const *names);

/* Spreads xFilter's argv over out[0..n) by the mask hs_vtab_plan chose:
 * out[i] is column i's value, or NULL. */
void hs_vtab_args(int mask, size_t n, int argc, sqlite3_value **argv,
                  sqlite3_value **out);

/* The dumps a cursor visits: dump = v when v is an integer in range (an
 * empty range when it names no dump), else every dump. */
void hs_vtab_dump_range(const hs_query *q, sqlite3_value *v, size_t *first,
                        size_t *end);

/* A walk over node ids: list[pos..end) when list is set, else the ids
 * pos..end that are live objects. */
typedef struct hs_idwalk {
    const uint32_t *list;
    uint64_t pos, end;
    uint32_t one;             /* the list of a single lookup */
} hs_idwalk;

void hs_idwalk_all(hs_idwalk *w, const hs_graph *g);
/* The live object at address, or nothing. */
void hs_idwalk_find(hs_idwalk *w, const hs_graph *g, uint64_t address);
void hs_idwalk_list(hs_idwalk *w, const uint32_t *list, uint64_t pos,
                    uint64_t end);
/* The next id, or HS_NO_NODE at the end. Inline: it runs once a row. */
static inline uint32_t
hs_idwalk_next(hs_idwalk *w, const hs_graph *g)
{
    while (w->pos < w->end) {
        uint32_t id = w->list ? w->list[w->pos] : (uint32_t)w->pos;
        w->pos++;
        if (w->list || hs_node_exists(g, id)) {
            return id;
        }
    }
    return HS_NO_NODE;
}

#endif
