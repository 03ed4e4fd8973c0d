/*
 * hs_query_vtab.c - the pieces every virtual table of hs_query shares
 * (see hs_query_vtab.h for planning and the id walk).
 */
#include "hs_query_vtab.h"

#include <string.h>

/* What a module is registered with: its session and declaration. */
typedef struct vtab_aux {
    hs_query *q;
    const char *schema;
} vtab_aux;

int
hs_vtab_register(hs_query *q, const char *name, const sqlite3_module *module,
                 const char *schema)
{
    vtab_aux *aux = sqlite3_malloc(sizeof(*aux));
    if (!aux) {
        return SQLITE_NOMEM;
    }
    aux->q = q;
    aux->schema = schema;
    return sqlite3_create_module_v2(q->db, name, module, aux, sqlite3_free);
}

int
hs_vtab_connect(sqlite3 *db, void *aux, int argc, const char *const *argv,
                sqlite3_vtab **out, char **msg)
{
    hs_query *q = ((vtab_aux *)aux)->q;
    hs_vtab *vt;
    bool trusted = q->trusted; /* set when the export connects us */
    int rc;
    (void)argc;
    (void)argv;
    (void)msg;
    /* The declaration is a CREATE TABLE the authorizer would refuse. */
    q->trusted = true;
    rc = sqlite3_declare_vtab(db, ((vtab_aux *)aux)->schema);
    q->trusted = trusted;
    if (rc != SQLITE_OK) {
        return rc;
    }
    vt = sqlite3_malloc(sizeof(*vt));
    if (!vt) {
        return SQLITE_NOMEM;
    }
    memset(vt, 0, sizeof(*vt));
    vt->q = q;
    *out = &vt->base;
    return SQLITE_OK;
}

int
hs_vtab_disconnect(sqlite3_vtab *vt)
{
    sqlite3_free(vt);
    return SQLITE_OK;
}

int
hs_vtab_open_cursor(size_t size, sqlite3_vtab_cursor **out)
{
    void *c = sqlite3_malloc64(size);
    if (!c) {
        return SQLITE_NOMEM;
    }
    memset(c, 0, size);
    *out = c;
    return SQLITE_OK;
}

int
hs_vtab_close(sqlite3_vtab_cursor *cur)
{
    sqlite3_free(cur);
    return SQLITE_OK;
}

/* The index in columns of column, or n. */
static size_t
column_slot(const int *columns, size_t n, int column)
{
    size_t i = 0;
    while (i < n && columns[i] != column) {
        i++;
    }
    return i;
}

int
hs_vtab_plan(sqlite3_index_info *info, const int *columns, size_t n,
             const char *const *names)
{
    int chosen[8];
    int mask = 0, next = 1;
    char *str = NULL;
    if (n > sizeof(chosen) / sizeof(chosen[0])) {
        n = sizeof(chosen) / sizeof(chosen[0]);
    }
    for (size_t i = 0; i < n; i++) {
        chosen[i] = -1;
    }
    for (int c = 0; c < info->nConstraint; c++) {
        const struct sqlite3_index_constraint *k = &info->aConstraint[c];
        size_t slot = column_slot(columns, n, k->iColumn);
        if (k->usable && k->op == SQLITE_INDEX_CONSTRAINT_EQ && slot < n
            && chosen[slot] < 0) {
            chosen[slot] = c;
        }
    }
    /* Arguments in the listed order, so that xFilter knows which is
     * which from the mask alone. */
    for (size_t i = 0; i < n; i++) {
        if (chosen[i] >= 0) {
            info->aConstraintUsage[chosen[i]].argvIndex = next++;
            mask |= 1 << i;
            str = sqlite3_mprintf("%z%s%s=", str, str ? "," : "", names[i]);
        }
    }
    info->idxStr = str;
    info->needToFreeIdxStr = str != NULL;
    return mask;
}

void
hs_vtab_args(int mask, size_t n, int argc, sqlite3_value **argv,
             sqlite3_value **out)
{
    int next = 0;
    for (size_t i = 0; i < n; i++) {
        out[i] = NULL;
        if ((mask & (1 << i)) && next < argc) {
            out[i] = argv[next++];
        }
    }
}

void
hs_vtab_dump_range(const hs_query *q, sqlite3_value *v, size_t *first,
                   size_t *end)
{
    *first = 0;
    *end = q->ndumps;
    if (v && sqlite3_value_type(v) == SQLITE_INTEGER) {
        sqlite3_int64 d = sqlite3_value_int64(v);
        if (d >= 1 && (uint64_t)d <= q->ndumps) {
            *first = (size_t)d - 1;
            *end = (size_t)d;
        } else {
            *end = 0; /* no such dump: no row */
        }
    }
}

void
hs_idwalk_all(hs_idwalk *w, const hs_graph *g)
{
    w->list = NULL;
    w->pos = 0;
    w->end = hs_graph_capacity(g);
}

void
hs_idwalk_find(hs_idwalk *w, const hs_graph *g, uint64_t address)
{
    w->one = hs_graph_find(g, address);
    hs_idwalk_list(w, &w->one, 0, w->one == HS_NO_NODE ? 0 : 1);
}

void
hs_idwalk_list(hs_idwalk *w, const uint32_t *list, uint64_t pos,
               uint64_t end)
{
    w->list = list;
    w->pos = pos;
    w->end = end;
}
