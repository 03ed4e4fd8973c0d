/*
 * hs_leak_series.c - each owner across the dumps: what it retains at
 * each, what of it stays from one to the next, and the verdict on that
 * series (the essay atop hs_leaks.c, "MARK: verdicts").
 */
#include "hs_leaks_internal.h"

#include "hs_dominators.h"
#include "hs_match.h"
#include "hs_refs_dict.h"
#include "../util/hs_error.h"

#include <stdlib.h>
#include <string.h>

/* MARK: growth series */

int
hs_leak_series(const hs_leaks *l, owners *o, const uint32_t *near)
{
    size_t k = l->ndumps;
    hs_buf bufs[3] = {HS_BUF_INIT_ON(l->a), HS_BUF_INIT_ON(l->a),
                      HS_BUF_INIT_ON(l->a)}; /* scratch */
    for (size_t i = 0; i < o->n; i++) {
        owner *w = &o->v[i];
        uint32_t p = near[w->id];
        w->ids = hs_calloc(l->a, k, sizeof(*w->ids));
        w->ret = hs_calloc(l->a, k, sizeof(*w->ret));
        w->cnt = hs_calloc(l->a, k, sizeof(*w->cnt));
        if (!w->ids || !w->ret || !w->cnt) {
            break;
        }
        w->parent = p == HS_NO_NODE ? UINT32_MAX : hs_leak_owner_index(o, p);
        for (size_t j = 0; j < k; j++) {
            w->ids[j] = hs_leak_match_owner(l, j, w->id, bufs, &w->recreated);
            w->ret[j] = hs_dominators_retained_size(l->doms[j], w->ids[j]);
            w->cnt[j] = hs_dominators_retained_count(l->doms[j], w->ids[j]);
        }
    }
    for (int b = 0; b < 3; b++) {
        hs_buf_release(&bufs[b]);
    }
    for (size_t i = 0; i < o->n; i++) {
        if (!o->v[i].ids || !o->v[i].ret || !o->v[i].cnt) {
            return HS_ENOMEM;
        }
    }
    /* What an owner retains, minus the owners below it. */
    for (size_t i = 0; i < o->n; i++) {
        owner *w = &o->v[i];
        if (w->parent == UINT32_MAX) {
            continue;
        }
        for (size_t j = 0; j < k; j++) {
            owner *up = &o->v[w->parent];
            if (up->ids[j] != HS_NO_NODE && w->ids[j] != HS_NO_NODE) {
                up->ret[j] -= w->ret[j] < up->ret[j] ? w->ret[j] : up->ret[j];
                up->cnt[j] -= w->cnt[j] < up->cnt[j] ? w->cnt[j] : up->cnt[j];
            }
        }
    }
    return HS_OK;
}

/* MARK: what an owner keeps */

/* For each interval j -> j+1 and owner, how many of the objects it
 * retained at dump j (its nearest-owner share, as cnt) are still alive
 * at dump j + 1: one pass over dump j's dominator order and one address
 * look-up an object. */
int
hs_leak_kept_series(const hs_leaks *l, owners *o)
{
    size_t k = l->ndumps;
    for (size_t i = 0; i < o->n; i++) {
        o->v[i].kept = hs_calloc(l->a, k, sizeof(*o->v[i].kept));
        if (!o->v[i].kept) {
            return HS_ENOMEM;
        }
    }
    for (size_t j = 0; j + 1 < k; j++) {
        const hs_graph *g = l->dumps[j], *next = l->dumps[j + 1];
        const hs_dominators *d = l->doms[j];
        uint32_t *own = hs_malloc_array(l->a, (size_t)g->n + 1,
                                        sizeof(*own));
        if (!own) {
            return HS_ENOMEM;
        }
        memset(own, 0xff, ((size_t)g->n + 1) * sizeof(*own));
        for (size_t i = 0; i < o->n; i++) {
            if (o->v[i].ids[j] != HS_NO_NODE) {
                own[o->v[i].ids[j]] = (uint32_t)i;
            }
        }
        for (uint32_t r = 0; r < d->reached; r++) {
            uint32_t v = d->order[r], p = d->idom[v];
            if (own[v] == UINT32_MAX && p != HS_DOM_ROOT) {
                own[v] = own[p];
            }
            if (own[v] != UINT32_MAX
                && hs_match_one(next, g, v) != HS_NO_NODE) {
                o->v[own[v]].kept[j]++;
            }
        }
        hs_mfree(l->a, own);
    }
    return HS_OK;
}

/* MARK: verdicts */

/* The verdict on w's series (see the essay, "MARK: verdicts"). */
void
hs_leak_judge(owner *w, size_t k)
{
    size_t later = 0;
    w->grown = 0;
    w->min_step = INT64_MAX;
    w->sustained = INT64_MAX;
    for (size_t j = 0; j + 1 < k; j++) {
        int64_t step = (int64_t)w->cnt[j + 1] - (int64_t)w->cnt[j];
        int64_t bytes = (int64_t)w->ret[j + 1] - (int64_t)w->ret[j];
        if (bytes < w->sustained) {
            w->sustained = bytes;
        }
        /* Growth: it rose by at least as much as it let go of; what grows
         * in place adds bytes, not objects. */
        if (w->in_place ? bytes > 0
                        : step > 0 && w->cnt[j] - w->kept[j] <= (uint64_t)step) {
            w->grown++;
            later += j > 0;
        }
        if (step < w->min_step) {
            w->min_step = step;
        }
    }
    if (k >= 3 && w->grown == k - 1) {
        w->verdict = HS_LEAK_GROWS;
    } else if (k >= 3 ? later == 0 : w->grown == 0) {
        w->verdict = HS_LEAK_BOUNDED;
    } else {
        w->verdict = HS_LEAK_GREW;
    }
    w->growth_size = (int64_t)w->ret[k - 1] - (int64_t)w->ret[0];
    w->growth_count = (int64_t)w->cnt[k - 1] - (int64_t)w->cnt[0];
}

int
hs_leak_by_rank(const void *pa, const void *pb)
{
    const owner *a = pa, *b = pb;
    if (a->verdict != b->verdict) {
        return a->verdict < b->verdict ? -1 : 1;
    }
    /* Objects kept and added are firmer than one object's size, which a
     * reused per-request buffer can raise at three sampled dumps by
     * chance: what grows in place ranks after the owners of its verdict
     * that hold new objects. */
    if (a->in_place != b->in_place) {
        return a->in_place ? 1 : -1;
    }
    /* What grows at every dump ranks by the growth it sustains: a cache
     * that filled in one interval and drifted in the next gained much
     * once, a leak gains in every interval. */
    if (a->verdict == HS_LEAK_GROWS && a->sustained != b->sustained) {
        return a->sustained > b->sustained ? -1 : 1;
    }
    if (a->growth_size != b->growth_size) {
        return a->growth_size > b->growth_size ? -1 : 1;
    }
    if (a->new_size != b->new_size) {
        return a->new_size > b->new_size ? -1 : 1;
    }
    return (a->id > b->id) - (a->id < b->id);
}

