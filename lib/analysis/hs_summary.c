/*
 * hs_summary.c - meliae's summarize(): objects and bytes per type.
 *
 * The table format is meliae's to the byte (docs/format.md §4.6) with two
 * departures that only show where meliae's output is broken: columns widen
 * when a number would run into its neighbour, and ties sort by type name
 * so the order is deterministic.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_typerows.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* A summary outlives its graph (include/heapscope.h): it is allocated
 * through a copy of the graph's allocator (hs_graph_allocator), not g->a,
 * which lives in the graph. */
struct hs_summary {
    hs_allocator alloc;
    hs_type_stat *types;
    size_t ntypes;
    uint64_t total_count;
    uint64_t total_size;
    char *names;             /* the types' names, copied: see below */
};

static hs_summary *
fail_oom(const hs_allocator *a, hs_type_stat *all, hs_summary *s,
         hs_error *err)
{
    hs_mfree(a, all);
    hs_mfree(a, s);
    hs_error_set(err, HS_ENOMEM, "out of memory");
    return NULL;
}

static uint64_t
saturated_add(uint64_t a, uint64_t b)
{
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* The rows of hs_type_rows (or of a lazy snapshot: untrusted, so the
 * totals saturate) as stats, and the totals. */
static void
from_rows(const uint64_t *rows, uint32_t nt, hs_type_stat *all,
          hs_summary *s)
{
    for (uint32_t t = 0; t < nt; t++) {
        const uint64_t *r = rows + (size_t)t * HS_ROW_WORDS;
        all[t].count = r[HS_ROW_COUNT];
        all[t].total_size = r[HS_ROW_TOTAL];
        all[t].max_size = r[HS_ROW_MAX];
        all[t].max_address = r[HS_ROW_MAX_ADDR];
        memcpy(&all[t].sum_squares, &r[HS_ROW_SQUARES],
               sizeof(all[t].sum_squares));
        s->total_count = saturated_add(s->total_count, r[HS_ROW_COUNT]);
        s->total_size = saturated_add(s->total_size, r[HS_ROW_TOTAL]);
    }
}

/* Packs the rows of the types seen to the front of all, and copies their
 * names into one block the summary owns, so that a summary stays valid
 * when a pass adds types to the graph (which may move the string table)
 * or the graph is freed. */
static int
finish(const hs_graph *g, hs_type_stat *all, hs_summary *s)
{
    uint32_t nt = hs_strtab_count(&g->types);
    size_t k = 0, bytes = 1, at = 0;
    for (uint32_t id = 0; id < nt; id++) {
        if (all[id].count) {
            size_t len;
            hs_strtab_get(&g->types, id, &len);
            bytes += len;
        }
    }
    s->names = hs_malloc(&s->alloc, bytes);
    if (!s->names) {
        return -1;
    }
    for (uint32_t id = 0; id < nt; id++) {
        if (all[id].count) {
            size_t len;
            const char *name = hs_strtab_get(&g->types, id, &len);
            memcpy(s->names + at, name, len);
            all[k] = all[id];
            all[k].type_id = id;
            all[k].type = s->names + at;
            all[k].type_len = len;
            at += len;
            k++;
        }
    }
    s->types = all;
    s->ntypes = k;
    hs_summary_sort(s, HS_ORDER_BY_SIZE);
    return 0;
}

/* The summary over ids[0..n), or over nodes 0..n-1 when ids is NULL. */
static hs_summary *
summarize(const hs_graph *g, const uint32_t *ids, size_t n, hs_error *err)
{
    uint32_t nt = hs_strtab_count(&g->types);
    hs_allocator a = hs_graph_allocator(g);
    hs_type_stat *all = hs_calloc(&a, (size_t)nt + 1, sizeof(*all));
    hs_summary *s = hs_calloc(&a, 1, sizeof(*s));
    uint64_t *rows = NULL;
    if (!all || !s) {
        return fail_oom(&a, all, s, err);
    }
    s->alloc = a;
    if (!ids && n == g->n && g->type_rows) { /* a lazy snapshot's */
        from_rows(g->type_rows, nt, all, s);
    } else if (hs_type_rows(g, ids, n, &a, &rows, err) < 0) {
        hs_mfree(&a, all);
        hs_mfree(&a, s);
        return NULL;
    } else {
        from_rows(rows, nt, all, s);
        hs_mfree(&a, rows);
    }
    if (finish(g, all, s) < 0) {
        return fail_oom(&a, all, s, err);
    }
    return s;
}

hs_summary *
hs_summary_new(const hs_graph *g, hs_error *err)
{
    return summarize(g, NULL, g->n, err);
}

hs_summary *
hs_summary_new_ids(const hs_graph *g, const uint32_t *ids, size_t n,
                   hs_error *err)
{
    if (!ids && n) {
        hs_error_set(err, HS_EINVAL, "no ids given");
        return NULL;
    }
    return summarize(g, ids, n, err);
}

void
hs_summary_free(hs_summary *s)
{
    if (s) {
        hs_allocator a = s->alloc;
        hs_mfree(&a, s->types);
        hs_mfree(&a, s->names);
        hs_mfree(&a, s);
    }
}

static int
cmp_u64_desc(uint64_t a, uint64_t b)
{
    return a > b ? -1 : a < b ? 1 : 0;
}

static int
cmp_name(const hs_type_stat *a, const hs_type_stat *b)
{
    size_t n = a->type_len < b->type_len ? a->type_len : b->type_len;
    int c = memcmp(a->type, b->type, n);
    if (c) {
        return c;
    }
    return a->type_len < b->type_len ? -1 : a->type_len > b->type_len;
}

static int
by_size(const void *pa, const void *pb)
{
    const hs_type_stat *a = pa, *b = pb;
    int c = cmp_u64_desc(a->total_size, b->total_size);
    if (!c) {
        c = cmp_u64_desc(a->count, b->count);
    }
    return c ? c : cmp_name(a, b);
}

static int
by_count(const void *pa, const void *pb)
{
    const hs_type_stat *a = pa, *b = pb;
    int c = cmp_u64_desc(a->count, b->count);
    if (!c) {
        c = cmp_u64_desc(a->total_size, b->total_size);
    }
    return c ? c : cmp_name(a, b);
}

void
hs_summary_sort(hs_summary *s, hs_summary_order order)
{
    qsort(s->types, s->ntypes, sizeof(*s->types),
          order == HS_ORDER_BY_COUNT ? by_count : by_size);
}

size_t
hs_summary_types(const hs_summary *s)
{
    return s->ntypes;
}

const hs_type_stat *
hs_summary_at(const hs_summary *s, size_t i)
{
    return i < s->ntypes ? &s->types[i] : NULL;
}

uint64_t
hs_summary_total_count(const hs_summary *s)
{
    return s->total_count;
}

uint64_t
hs_summary_total_size(const hs_summary *s)
{
    return s->total_size;
}

/* MARK: the table */

enum { COL_INDEX, COL_COUNT, COL_PCT, COL_SIZE, COL_SPCT, COL_CUM, COL_MAX,
       NCOLS };

static const int min_width[NCOLS] = {6, 8, 4, 10, 4, 4, 8};
static const char *const label[NCOLS] = {"Index", "Count", "%", "Size",
                                         "%", "Cum", "Max"};

/* meliae truncates percentages toward zero. */
static uint64_t
pct(uint64_t part, uint64_t whole)
{
    return whole ? (uint64_t)((double)part * 100.0 / (double)whole) : 0;
}

static int
digits(uint64_t v)
{
    int n = 1;
    while (v >= 10) {
        v /= 10;
        n++;
    }
    return n;
}

/* The row values of the first rows types, in column order. */
static void
row_values(const hs_summary *s, size_t i, uint64_t cum, uint64_t *v)
{
    const hs_type_stat *t = &s->types[i];
    v[COL_INDEX] = i;
    v[COL_COUNT] = t->count;
    v[COL_PCT] = pct(t->count, s->total_count);
    v[COL_SIZE] = t->total_size;
    v[COL_SPCT] = pct(t->total_size, s->total_size);
    v[COL_CUM] = pct(cum, s->total_size);
    v[COL_MAX] = t->max_size;
}

char *
hs_summary_format(const hs_summary *s, size_t max_rows, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    size_t rows = s->ntypes < max_rows ? s->ntypes : max_rows;
    int width[NCOLS];
    uint64_t v[NCOLS], cum = 0;
    char *out;
    memcpy(width, min_width, sizeof(width));
    for (size_t i = 0; i < rows; i++) {
        cum += s->types[i].total_size;
        row_values(s, i, cum, v);
        for (int c = 0; c < NCOLS; c++) {
            if (digits(v[c]) + 1 > width[c]) {
                width[c] = digits(v[c]) + 1;
            }
        }
    }
    hs_buf_addf(&b, "Total %llu objects, %zu types, Total size = %.1fMiB "
                "(%llu bytes)\n", (unsigned long long)s->total_count,
                s->ntypes, (double)s->total_size / 1024.0 / 1024.0,
                (unsigned long long)s->total_size);
    for (int c = 0; c < NCOLS; c++) {
        hs_buf_addf(&b, "%*s", width[c], label[c]);
    }
    hs_buf_adds(&b, " Kind");
    cum = 0;
    for (size_t i = 0; i < rows; i++) {
        cum += s->types[i].total_size;
        row_values(s, i, cum, v);
        hs_buf_addc(&b, '\n');
        for (int c = 0; c < NCOLS; c++) {
            hs_buf_addf(&b, "%*llu", width[c], (unsigned long long)v[c]);
        }
        hs_buf_addc(&b, ' ');
        hs_buf_add(&b, s->types[i].type, s->types[i].type_len);
    }
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}

char *
hs_type_stat_format(const hs_type_stat *t, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    double n = t->count ? (double)t->count : 1.0;
    double avg = (double)t->total_size / n;
    double var = t->sum_squares / n - avg * avg;
    char *out;
    hs_buf_add(&b, t->type, t->type_len);
    hs_buf_addf(&b, ": %llu, %llu bytes, %.3f avg bytes, %.3f std dev, "
                "%llu max @ %llu", (unsigned long long)t->count,
                (unsigned long long)t->total_size, avg,
                sqrt(var > 0 ? var : 0), (unsigned long long)t->max_size,
                (unsigned long long)t->max_address);
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
