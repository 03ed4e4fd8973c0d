/*
 * hs_site_summary.c - live objects grouped by allocation site (see
 * include/heapscope.h, hs_site_summary_new).
 *
 * Many objects share one traceback, and many tracebacks one site (the
 * same last `depth` frames), so the grouping is done on tracebacks: they
 * are sorted by their site key, which numbers the sites, and then one
 * pass over the objects adds each to its traceback's site. Frames are
 * compared by (file, line), not by id: the dumper interns frames per
 * file-name object, and two objects may hold the same name.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_sitetab.h"
#include "hs_dominators.h"
#include "hs_retained.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

/* The rows point at the graph's frames, so the summary lives no longer
 * than the graph: it and its scratch are on the graph's allocator, a. */
struct hs_site_summary {
    const hs_allocator *a;
    hs_site_stat *rows;         /* in the order asked for */
    hs_site_stat *site_rows;    /* in site order: ties keep it */
    size_t nrows;
    uint64_t count, size, untraced_count, untraced_size;
};

typedef struct tb_key {
    const hs_sitetab *t;
    size_t depth;
} tb_key;

/* The comparison needs the table and depth; qsort passes neither. Loads
 * may run in several threads, so they travel in each element instead. */
typedef struct tb_ref {
    uint32_t tb;
    const tb_key *k;
} tb_ref;

static const uint32_t *
tail(const hs_sitetab *t, uint32_t tb, size_t depth, size_t *n)
{
    size_t len = t->tb_len[tb];
    *n = len < depth ? len : depth;
    return t->ids + t->tb_start[tb] - 1 + (len - *n);
}

static int
cmp_frames(const hs_sitetab *t, const uint32_t *a, size_t na,
           const uint32_t *b, size_t nb)
{
    for (size_t i = 0; i < na && i < nb; i++) {
        uint32_t fa = t->frame_file[a[i]], fb = t->frame_file[b[i]];
        if (fa != fb) {
            return fa < fb ? -1 : 1;
        }
        if (t->frame_line[a[i]] != t->frame_line[b[i]]) {
            return t->frame_line[a[i]] < t->frame_line[b[i]] ? -1 : 1;
        }
    }
    return (na > nb) - (na < nb);
}

static int
by_site(const void *pa, const void *pb)
{
    const tb_ref *a = pa, *b = pb;
    size_t na, nb;
    const uint32_t *fa = tail(a->k->t, a->tb, a->k->depth, &na);
    const uint32_t *fb = tail(b->k->t, b->tb, b->k->depth, &nb);
    return cmp_frames(a->k->t, fa, na, fb, nb);
}

/* A site id per traceback (site_of[tb]), rows with their frames set. */
static int
number_sites(hs_site_summary *s, const hs_sitetab *t, size_t depth,
             uint32_t *site_of)
{
    tb_key key = {t, depth};
    tb_ref *refs = hs_malloc_array(s->a, (size_t)t->ntbs + 1, sizeof(*refs));
    size_t n = 0;
    if (!refs) {
        return HS_ENOMEM;
    }
    for (uint32_t tb = 1; tb <= t->ntbs; tb++) {
        if (hs_sitetab_has_traceback(t, tb)) {
            refs[n++] = (tb_ref){tb, &key};
        }
    }
    qsort(refs, n, sizeof(*refs), by_site);
    s->rows = hs_calloc(s->a, n + 1, sizeof(*s->rows));
    if (!s->rows) {
        hs_mfree(s->a, refs);
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || by_site(&refs[i - 1], &refs[i]) != 0) {
            hs_site_stat *row = &s->rows[s->nrows++];
            row->frames = tail(t, refs[i].tb, depth, &row->nframes);
        }
        site_of[refs[i].tb] = (uint32_t)s->nrows - 1;
    }
    hs_mfree(s->a, refs);
    return HS_OK;
}

/* Rows in a sort carry their place in site order, so that ties keep it
 * (qsort is not stable): output is the same from run to run. */
typedef struct ranked {
    hs_site_stat row;
    size_t place;
} ranked;

static int
by_size_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->row.size != b->row.size) {
        return a->row.size > b->row.size ? -1 : 1;
    }
    if (a->row.count != b->row.count) {
        return a->row.count > b->row.count ? -1 : 1;
    }
    return (a->place > b->place) - (a->place < b->place);
}

static int
by_retained_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->row.retained_size != b->row.retained_size) {
        return a->row.retained_size > b->row.retained_size ? -1 : 1;
    }
    return by_size_desc(pa, pb);
}

static int
by_count_desc(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->row.count != b->row.count) {
        return a->row.count > b->row.count ? -1 : 1;
    }
    return by_size_desc(pa, pb);
}

/* Sorts the rows, from site order, with cmp. HS_ENOMEM leaves them. */
static int
sort_rows(hs_site_summary *s, int (*cmp)(const void *, const void *))
{
    ranked *r = hs_malloc_array(s->a, s->nrows + 1, sizeof(*r));
    if (!r) {
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < s->nrows; i++) {
        r[i] = (ranked){s->site_rows[i], i};
    }
    qsort(r, s->nrows, sizeof(*r), cmp);
    for (size_t i = 0; i < s->nrows; i++) {
        s->rows[i] = r[i].row;
    }
    hs_mfree(s->a, r);
    return HS_OK;
}

/* Drops the sites no live object has (tracebacks of collapsed dicts). */
static void
drop_empty(hs_site_summary *s)
{
    size_t w = 0;
    for (size_t i = 0; i < s->nrows; i++) {
        if (s->rows[i].count) {
            s->rows[w++] = s->rows[i];
        }
    }
    s->nrows = w;
}

/* What each site's objects retain (rows in site order, site_of[tb] the
 * site of traceback tb): keys for hs_retained_by_key, one per object. */
static int
add_retained(hs_site_summary *s, const hs_graph *g, const uint32_t *site_of,
             const hs_dominators *d)
{
    uint32_t nsites = (uint32_t)s->nrows;
    uint32_t *key = hs_malloc_array(s->a, (size_t)g->n + 1, sizeof(*key));
    uint64_t *size = hs_calloc(s->a, (size_t)nsites + 1, sizeof(*size));
    uint64_t *count = hs_calloc(s->a, (size_t)nsites + 1, sizeof(*count));
    int rc = HS_ENOMEM;
    if (key && size && count) {
        for (uint32_t v = 0; v < g->n; v++) {
            uint32_t tb = hs_live(g, v) ? (uint32_t)hs_wide_get(&g->site, v)
                                        : 0;
            key[v] = tb ? site_of[tb] : nsites; /* untraced: no key */
        }
        rc = hs_retained_by_key(d, key, nsites, size, count);
    }
    for (uint32_t i = 0; rc == HS_OK && i < nsites; i++) {
        s->rows[i].retained_size = size[i];
        s->rows[i].retained_count = count[i];
    }
    hs_mfree(s->a, key);
    hs_mfree(s->a, size);
    hs_mfree(s->a, count);
    return rc;
}

hs_site_summary *
hs_site_summary_new(const hs_graph *g, size_t depth, hs_error *err)
{
    return hs_site_summary_new_retained(g, depth, NULL, err);
}

hs_site_summary *
hs_site_summary_new_retained(const hs_graph *g, size_t depth,
                             const hs_dominators *d, hs_error *err)
{
    hs_site_summary *s;
    uint32_t *site_of = NULL;
    const hs_sitetab *t = g->sites;
    if (depth == 0) {
        hs_error_set(err, HS_EINVAL, "the depth of a site is at least 1");
        return NULL;
    }
    s = hs_calloc(g->a, 1, sizeof(*s));
    if (s) {
        s->a = g->a;
    }
    if (!s || (t && !(site_of = hs_calloc(g->a, (size_t)t->ntbs + 1,
                                          sizeof(*site_of))))
        || (t && number_sites(s, t, depth, site_of) < 0)) {
        hs_mfree(g->a, site_of);
        hs_site_summary_free(s);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    for (uint32_t v = 0; v < g->n; v++) {
        uint64_t size = hs_size_of(g, v);
        uint32_t tb;
        if (!hs_live(g, v)) {
            continue;
        }
        s->count++;
        s->size += size;
        tb = t ? (uint32_t)hs_wide_get(&g->site, v) : 0;
        if (tb == 0) {
            s->untraced_count++;
            s->untraced_size += size;
            continue;
        }
        s->rows[site_of[tb]].count++;
        s->rows[site_of[tb]].size += size;
    }
    if (d && t && (d->g != g || add_retained(s, g, site_of, d) < 0)) {
        hs_mfree(g->a, site_of);
        hs_error_set(err, d->g != g ? HS_EINVAL : HS_ENOMEM,
                     d->g != g ? "the dominator tree is of another dump"
                               : "out of memory");
        hs_site_summary_free(s);
        return NULL;
    }
    hs_mfree(g->a, site_of);
    drop_empty(s);
    s->site_rows = hs_malloc_array(g->a, s->nrows + 1, sizeof(*s->site_rows));
    if (s->site_rows && s->nrows) {
        memcpy(s->site_rows, s->rows, s->nrows * sizeof(*s->rows));
    }
    if (!s->site_rows
        || sort_rows(s, d ? by_retained_desc : by_size_desc) < 0) {
        hs_site_summary_free(s);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    return s;
}

void
hs_site_summary_free(hs_site_summary *s)
{
    if (s) {
        hs_mfree(s->a, s->rows);
        hs_mfree(s->a, s->site_rows);
        hs_mfree(s->a, s);
    }
}

int
hs_site_summary_sort_by_count(hs_site_summary *s)
{
    return sort_rows(s, by_count_desc);
}

size_t
hs_site_summary_rows(const hs_site_summary *s)
{
    return s->nrows;
}

const hs_site_stat *
hs_site_summary_at(const hs_site_summary *s, size_t i)
{
    return i < s->nrows ? &s->rows[i] : NULL;
}

void
hs_site_summary_totals(const hs_site_summary *s, uint64_t *count,
                       uint64_t *size, uint64_t *untraced_count,
                       uint64_t *untraced_size)
{
    *count = s->count;
    *size = s->size;
    *untraced_count = s->untraced_count;
    *untraced_size = s->untraced_size;
}
