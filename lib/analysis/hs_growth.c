/*
 * hs_growth.c - how each type grows over a series of dumps.
 *
 * A leak shows as a type whose count rises dump after dump while
 * everything else levels off; growth across two dumps alone is noisy
 * (caches fill, then stop). So each type's counts are kept for every dump,
 * and types whose count never falls and rises overall ("steady") rank
 * first, by size growth, then count growth.
 *
 * Storage: type names are interned into a string table, giving each type
 * a dense id across dumps; each dump appends one column of counts and
 * sizes indexed by that id. Dumps are summarized as they are added, so a
 * caller can load, add and free them one at a time: memory stays at one
 * dump plus (types x dumps) counters. The row view (counts per type) is
 * rebuilt after each add.
 */
#include "hs_growth.h"

#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_strtab.h"

#include <stdlib.h>
#include <string.h>

typedef struct column {
    double time;
    uint64_t *counts; /* by growth type id; ntypes at the time of the add */
    uint64_t *sizes;
    uint32_t ntypes;
} column;

/* hs_growth_new has no graph to take an allocator from, and the graphs
 * added later may each have their own: the growth object, its columns
 * and rows stay on the C library's allocator (hs_malloc(NULL), as its
 * names' table does); only a column's type map, scratch while one graph
 * is read, is on that graph's. */
struct hs_growth {
    hs_strtab names;
    column *cols;
    size_t ncols;
    hs_growth_type *rows; /* ranked */
    uint64_t *matrix;     /* rows' counts then sizes, type-major */
};

hs_growth *
hs_growth_new(hs_error *err)
{
    hs_growth *gr = hs_calloc(NULL, 1, sizeof(*gr));
    if (!gr) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    hs_strtab_init(&gr->names, NULL);
    return gr;
}

void
hs_growth_free(hs_growth *gr)
{
    if (!gr) {
        return;
    }
    for (size_t i = 0; i < gr->ncols; i++) {
        hs_mfree(NULL, gr->cols[i].counts);
        hs_mfree(NULL, gr->cols[i].sizes);
    }
    hs_mfree(NULL, gr->cols);
    hs_mfree(NULL, gr->rows);
    hs_mfree(NULL, gr->matrix);
    hs_strtab_release(&gr->names);
    hs_mfree(NULL, gr);
}

/* The growth ids of g's type ids (interning new names). */
static int
map_types(hs_growth *gr, const hs_graph *g, uint32_t *map)
{
    uint32_t nt = hs_strtab_count(&g->types);
    for (uint32_t t = 0; t < nt; t++) {
        size_t len;
        const char *s = hs_strtab_get(&g->types, t, &len);
        HS_TRY(hs_strtab_intern(&gr->names, s, len, &map[t]));
    }
    return HS_OK;
}

static int
add_column(hs_growth *gr, const hs_graph *g, double time)
{
    uint32_t nt = hs_strtab_count(&g->types);
    uint32_t *map = hs_malloc_array(g->a, (size_t)nt + 1, sizeof(*map));
    column *cols, *c;
    int rc = map ? map_types(gr, g, map) : HS_ENOMEM;
    if (rc < 0) {
        hs_mfree(g->a, map);
        return rc;
    }
    cols = hs_realloc_array(NULL, gr->cols, gr->ncols + 1, sizeof(*cols));
    if (!cols) {
        hs_mfree(g->a, map);
        return HS_ENOMEM;
    }
    gr->cols = cols;
    c = &cols[gr->ncols];
    c->time = time;
    c->ntypes = hs_strtab_count(&gr->names);
    c->counts = hs_calloc(NULL, (size_t)c->ntypes + 1, sizeof(uint64_t));
    c->sizes = hs_calloc(NULL, (size_t)c->ntypes + 1, sizeof(uint64_t));
    if (!c->counts || !c->sizes) {
        hs_mfree(NULL, c->counts);
        hs_mfree(NULL, c->sizes);
        hs_mfree(g->a, map);
        return HS_ENOMEM;
    }
    gr->ncols++;
    for (uint32_t i = 0; i < g->n; i++) {
        if (hs_live(g, i)) {
            c->counts[map[g->type[i]]]++;
            c->sizes[map[g->type[i]]] += hs_size_of(g, i);
        }
    }
    hs_mfree(g->a, map);
    return HS_OK;
}

static int
by_rank(const void *pa, const void *pb)
{
    const hs_growth_type *a = pa, *b = pb;
    size_t n = a->type_len < b->type_len ? a->type_len : b->type_len;
    int c;
    if (a->steady != b->steady) {
        return a->steady ? -1 : 1;
    }
    if (a->size_delta != b->size_delta) {
        return a->size_delta > b->size_delta ? -1 : 1;
    }
    if (a->count_delta != b->count_delta) {
        return a->count_delta > b->count_delta ? -1 : 1;
    }
    c = memcmp(a->type, b->type, n);
    return c ? c : (a->type_len > b->type_len) - (a->type_len < b->type_len);
}

static void
fill_row(hs_growth *gr, uint32_t t, hs_growth_type *r, uint64_t *counts,
         uint64_t *sizes)
{
    size_t k = gr->ncols;
    bool fell = false;
    memset(r, 0, sizeof(*r));
    r->type = hs_strtab_get(&gr->names, t, &r->type_len);
    for (size_t i = 0; i < k; i++) {
        const column *c = &gr->cols[i];
        counts[i] = t < c->ntypes ? c->counts[t] : 0;
        sizes[i] = t < c->ntypes ? c->sizes[t] : 0;
        if (i && counts[i] > counts[i - 1]) {
            r->rises++;
        }
        fell |= i && counts[i] < counts[i - 1];
    }
    r->counts = counts;
    r->sizes = sizes;
    r->count_delta = (int64_t)(counts[k - 1] - counts[0]);
    r->size_delta = (int64_t)(sizes[k - 1] - sizes[0]);
    r->steady = !fell && counts[k - 1] > counts[0];
}

static int
rank(hs_growth *gr)
{
    uint32_t nt = hs_strtab_count(&gr->names);
    size_t k = gr->ncols;
    hs_growth_type *rows = hs_calloc(NULL, (size_t)nt + 1, sizeof(*rows));
    uint64_t *m = NULL;
    size_t cells;
    /* every type's counts and sizes in every dump: checked, the types of
     * many dumps times their number can wrap */
    if (hs_size_mul(nt, k, &cells) && hs_size_mul(cells, 2, &cells)
        && hs_size_add(cells, 1, &cells)) {
        m = hs_calloc(NULL, cells, sizeof(*m));
    }
    if (!rows || !m) {
        hs_mfree(NULL, rows);
        hs_mfree(NULL, m);
        return HS_ENOMEM;
    }
    for (uint32_t t = 0; t < nt; t++) {
        fill_row(gr, t, &rows[t], m + (size_t)t * k * 2,
                 m + (size_t)t * k * 2 + k);
    }
    qsort(rows, nt, sizeof(*rows), by_rank);
    hs_mfree(NULL, gr->rows);
    hs_mfree(NULL, gr->matrix);
    gr->rows = rows;
    gr->matrix = m;
    return HS_OK;
}

int
hs_growth_add(hs_growth *gr, const hs_graph *g, double time, hs_error *err)
{
    int rc = add_column(gr, g, time);
    if (rc == HS_OK) {
        rc = rank(gr);
    }
    if (rc < 0) {
        return hs_error_set(err, rc, "out of memory");
    }
    return HS_OK;
}

void
hs_growth_set_time(hs_growth *gr, size_t dump, double time)
{
    if (dump < gr->ncols) {
        gr->cols[dump].time = time;
    }
}

size_t
hs_growth_dumps(const hs_growth *gr)
{
    return gr->ncols;
}

double
hs_growth_time(const hs_growth *gr, size_t dump)
{
    return dump < gr->ncols ? gr->cols[dump].time : 0.0;
}

size_t
hs_growth_types(const hs_growth *gr)
{
    return gr->ncols ? hs_strtab_count(&gr->names) : 0;
}

const hs_growth_type *
hs_growth_type_at(const hs_growth *gr, size_t i)
{
    return i < hs_growth_types(gr) ? &gr->rows[i] : NULL;
}

char *
hs_growth_sparkline(const hs_growth *gr, size_t i, hs_error *err)
{
    /* U+2581 LOWER ONE EIGHTH BLOCK .. U+2588 FULL BLOCK */
    static const char *const bars[] = {"\u2581", "\u2582", "\u2583",
                                       "\u2584", "\u2585", "\u2586",
                                       "\u2587", "\u2588"};
    const hs_growth_type *t = hs_growth_type_at(gr, i);
    hs_buf b = HS_BUF_INIT;
    uint64_t lo = UINT64_MAX, hi = 0;
    char *out;
    hs_buf_adds(&b, "");
    for (size_t k = 0; t && k < gr->ncols; k++) {
        lo = t->counts[k] < lo ? t->counts[k] : lo;
        hi = t->counts[k] > hi ? t->counts[k] : hi;
    }
    for (size_t k = 0; t && k < gr->ncols; k++) {
        size_t level = hi > lo ? (size_t)((t->counts[k] - lo) * 7 / (hi - lo))
                               : 0;
        hs_buf_adds(&b, bars[level]);
    }
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}

int
hs_time_from_name(const char *path, double *time)
{
    const char *base = strrchr(path, '/');
    const char *p, *last = NULL;
    size_t last_len = 0;
    char buf[64];
    base = base ? base + 1 : path;
    for (p = base; *p;) {
        if (*p >= '0' && *p <= '9') {
            const char *start = p;
            while ((*p >= '0' && *p <= '9')
                   || (*p == '.' && p[1] >= '0' && p[1] <= '9')) {
                p++;
            }
            last = start;
            last_len = (size_t)(p - start);
        } else {
            p++;
        }
    }
    if (!last || last_len >= sizeof(buf)) {
        return 0;
    }
    memcpy(buf, last, last_len);
    buf[last_len] = '\0';
    *time = strtod(buf, NULL);
    return 1;
}
