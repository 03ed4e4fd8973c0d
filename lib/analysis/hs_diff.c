/*
 * hs_diff.c - what changed between two dumps of one process.
 *
 * People who hunt leaks with meliae load two dumps and subtract address
 * sets by hand. That works because CPython never moves an object: its
 * address (id) is its identity for as long as it lives. The catch is
 * reuse: once an object is freed its address may be handed to a new one.
 * So a NEW object matches an OLD one only when the address, the type
 * string and, for records that carry a value (str, bytes, int, frames'
 * code names), the value agree; anything else at a reused address is new.
 * Objects that mutate in place (a list that grew) stay the same object.
 *
 * One pass over NEW finds each object in OLD (hs_match_all, which holds
 * the rule above), marks NEW's new objects and OLD's matched ones in
 * bitmaps and adds to the per-type rows; one pass over OLD counts the
 * unmatched as gone. Rows
 * are keyed by type string: NEW's type ids, then OLD's types that NEW
 * lacks after them.
 *
 * NOTE: about pointer sizes. A dump does not record its pointer size
 * unless heapscope's header is present, and hs_load_stats does not pass
 * that field on yet; a 64-bit process always has addresses at or above
 * 2^32, a 32-bit one never, so the largest address tells them apart.
 */
#include "hs_diff.h"
#include "hs_match.h"

#include "hs_walk.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

/* The diff, its rows and bitmaps and its scratch are on NEW's allocator
 * (the later dump's, as for hs_leaks); hs_diff_new_objects' ids are the
 * caller's (hs_free: malloc). */
struct hs_diff {
    const hs_graph *old_g, *new_g;
    hs_bits added;  /* over NEW's ids */
    hs_bits gone;   /* over OLD's ids */
    hs_diff_type *rows;
    size_t nrows;
    hs_diff_type total;
};

static bool
wide_pointers(const hs_graph *g)
{
    for (uint32_t i = 0; i < g->n; i++) {
        if (hs_live(g, i) && g->addr[i] > UINT32_MAX) {
            return true;
        }
    }
    return false;
}

static int
check_comparable(const hs_graph *a, const hs_graph *b, hs_error *err)
{
    bool wa, wb;
    HS_RETURN_IF(a->dialect != b->dialect, HS_EINVAL, err,
                 "cannot compare dumps of different dialects (OLD is %s, "
                 "NEW is %s): they come from different Pythons",
                 hs_dialect_name(a->dialect), hs_dialect_name(b->dialect));
    if (a->live == 0 || b->live == 0) {
        return HS_OK;
    }
    wa = wide_pointers(a);
    wb = wide_pointers(b);
    HS_RETURN_IF(wa != wb, HS_EINVAL, err,
                 "cannot compare dumps of different pointer sizes (OLD is "
                 "%d-bit, NEW is %d-bit): they come from different processes",
                 wa ? 64 : 32, wb ? 64 : 32);
    return HS_OK;
}

static void
add_row(uint64_t *count, uint64_t *size, uint64_t s)
{
    (*count)++;
    *size += s;
}

/* Row index of each OLD type id: NEW's id for the same string, else a
 * row after NEW's. */
static uint32_t *
map_old_types(const hs_graph *old_g, const hs_graph *new_g)
{
    uint32_t nt_old = hs_strtab_count(&old_g->types);
    uint32_t nt_new = hs_strtab_count(&new_g->types);
    uint32_t *map = hs_malloc_array(new_g->a, (size_t)nt_old + 1,
                                    sizeof(*map));
    if (!map) {
        return NULL;
    }
    for (uint32_t t = 0; t < nt_old; t++) {
        size_t len;
        const char *s = hs_strtab_get(&old_g->types, t, &len);
        uint32_t nt = hs_strtab_find(&new_g->types, s, len);
        map[t] = nt != UINT32_MAX ? nt : nt_new + t;
    }
    return map;
}

static void
scan_new(hs_diff *d, hs_bits *matched, const uint32_t *same)
{
    const hs_graph *ng = d->new_g;
    for (uint32_t i = 0; i < ng->n; i++) {
        hs_diff_type *r;
        uint64_t s;
        if (!hs_live(ng, i)) {
            continue;
        }
        r = &d->rows[ng->type[i]];
        s = hs_size_of(ng, i);
        add_row(&r->new_count, &r->new_size, s);
        if (same[i] != HS_NO_NODE) {
            hs_bits_set(matched, same[i]);
            add_row(&r->kept_count, &r->kept_size, s);
        } else {
            hs_bits_set(&d->added, i);
            add_row(&r->added_count, &r->added_size, s);
        }
    }
}

static void
scan_old(hs_diff *d, const hs_bits *matched, const uint32_t *map)
{
    const hs_graph *og = d->old_g;
    for (uint32_t i = 0; i < og->n; i++) {
        hs_diff_type *r;
        uint64_t s;
        if (!hs_live(og, i)) {
            continue;
        }
        r = &d->rows[map[og->type[i]]];
        s = hs_size_of(og, i);
        if (!r->type) {
            r->type = hs_strtab_get(&og->types, og->type[i], &r->type_len);
        }
        add_row(&r->old_count, &r->old_size, s);
        if (!hs_bits_test(matched, i)) {
            hs_bits_set(&d->gone, i);
            add_row(&r->gone_count, &r->gone_size, s);
        }
    }
}

static int
by_growth(const void *pa, const void *pb)
{
    const hs_diff_type *a = pa, *b = pb;
    int64_t sa = (int64_t)(a->new_size - a->old_size);
    int64_t sb = (int64_t)(b->new_size - b->old_size);
    int64_t ca = (int64_t)(a->new_count - a->old_count);
    int64_t cb = (int64_t)(b->new_count - b->old_count);
    size_t n = a->type_len < b->type_len ? a->type_len : b->type_len;
    int c;
    if (sa != sb) {
        return sa > sb ? -1 : 1;
    }
    if (ca != cb) {
        return ca > cb ? -1 : 1;
    }
    c = memcmp(a->type, b->type, n);
    return c ? c : (a->type_len > b->type_len) - (a->type_len < b->type_len);
}

/* Drops rows of no object, names NEW's rows, sums the total, sorts. */
static void
finish_rows(hs_diff *d, size_t nrows)
{
    size_t k = 0;
    hs_diff_type *t = &d->total;
    for (size_t i = 0; i < nrows; i++) {
        hs_diff_type *r = &d->rows[i];
        if (!r->old_count && !r->new_count) {
            continue;
        }
        if (!r->type) {
            r->type = hs_strtab_get(&d->new_g->types, (uint32_t)i,
                                    &r->type_len);
        }
        t->old_count += r->old_count;
        t->old_size += r->old_size;
        t->new_count += r->new_count;
        t->new_size += r->new_size;
        t->added_count += r->added_count;
        t->added_size += r->added_size;
        t->gone_count += r->gone_count;
        t->gone_size += r->gone_size;
        t->kept_count += r->kept_count;
        t->kept_size += r->kept_size;
        d->rows[k++] = *r;
    }
    t->type = "(total)";
    t->type_len = strlen(t->type);
    d->nrows = k;
    qsort(d->rows, k, sizeof(*d->rows), by_growth);
}

hs_diff *
hs_diff_new(const hs_graph *old_g, const hs_graph *new_g, hs_error *err)
{
    return hs_diff_new_stop(old_g, new_g, NULL, err);
}

/* The caller's stop is asked between the steps: the match (on every
 * thread, the bulk of the time) and the two counting passes. */
hs_diff *
hs_diff_new_stop(const hs_graph *old_g, const hs_graph *new_g,
                 const hs_stop *stop, hs_error *err)
{
    hs_diff *d;
    hs_bits matched = {0};
    uint32_t *map = NULL, *same = NULL;
    size_t nrows = (size_t)hs_strtab_count(&new_g->types)
                   + hs_strtab_count(&old_g->types);
    if (check_comparable(old_g, new_g, err) < 0) {
        return NULL;
    }
    d = hs_calloc(new_g->a, 1, sizeof(*d));
    if (!d) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    d->old_g = old_g;
    d->new_g = new_g;
    d->rows = hs_calloc(new_g->a, nrows + 1, sizeof(*d->rows));
    map = map_old_types(old_g, new_g);
    same = hs_match_all(old_g, new_g);
    if (!d->rows || !map || !same
        || hs_bits_init(&d->added, new_g->a, new_g->n) < 0
        || hs_bits_init(&d->gone, new_g->a, old_g->n) < 0
        || hs_bits_init(&matched, new_g->a, old_g->n) < 0) {
        hs_bits_release(&matched);
        hs_mfree(new_g->a, map);
        hs_mfree(new_g->a, same);
        hs_diff_free(d);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    if (!hs_stop_now(stop)) {
        scan_new(d, &matched, same);
    }
    if (!hs_stop_now(stop)) {
        scan_old(d, &matched, map);
        finish_rows(d, nrows);
    } else {
        hs_diff_free(d);
        d = NULL;
        hs_error_set(err, HS_ELIMIT, "stopped");
    }
    hs_bits_release(&matched);
    hs_mfree(new_g->a, map);
    hs_mfree(new_g->a, same);
    return d;
}

void
hs_diff_free(hs_diff *d)
{
    if (d) {
        hs_bits_release(&d->added);
        hs_bits_release(&d->gone);
        hs_mfree(d->new_g->a, d->rows);
        hs_mfree(d->new_g->a, d);
    }
}

size_t
hs_diff_types(const hs_diff *d)
{
    return d->nrows;
}

const hs_diff_type *
hs_diff_type_at(const hs_diff *d, size_t i)
{
    return i < d->nrows ? &d->rows[i] : NULL;
}

const hs_diff_type *
hs_diff_total(const hs_diff *d)
{
    return &d->total;
}

int
hs_diff_is_new(const hs_diff *d, uint32_t new_id)
{
    return new_id < d->new_g->n && hs_bits_test(&d->added, new_id);
}

int
hs_diff_is_gone(const hs_diff *d, uint32_t old_id)
{
    return old_id < d->old_g->n && hs_bits_test(&d->gone, old_id);
}

int
hs_diff_new_objects(const hs_diff *d, const char *type, size_t type_len,
                    uint32_t **ids, size_t *count, hs_error *err)
{
    const hs_graph *g = d->new_g;
    uint32_t tid = UINT32_MAX, *added;
    size_t n = 0;
    int rc;
    *ids = NULL;
    *count = 0;
    if (type) {
        tid = hs_strtab_find(&g->types, type, type_len);
    }
    added = hs_malloc_array(g->a, (size_t)d->total.added_count + 1,
                            sizeof(*added));
    HS_RETURN_IF(!added, HS_ENOMEM, err, "out of memory");
    for (uint32_t i = 0; i < g->n && !(type && tid == UINT32_MAX); i++) {
        if (hs_bits_test(&d->added, i)) {
            added[n++] = i;
        }
    }
    rc = hs_rank_objects(g, type ? &tid : NULL, added, n, ids, count, err);
    hs_mfree(g->a, added);
    return rc;
}
