/*
 * hs_leaks.c - the leak report: who owns the growth, and does it grow.
 *
 * A leak is memory that a live object keeps collecting. Given dumps of
 * one process in run order, we look for the objects under which new,
 * long-lived objects pile up, and rank them by how much they grow.
 *
 * This file holds the candidates, the owners and the report; "growth in
 * place" is in hs_leak_inplace.c, "finding an owner again" in
 * hs_leak_place.c, the series and "verdicts" in
 * hs_leak_series.c, what the growth is made of and its signature
 * ("reporting") in hs_leak_census.c; hs_leaks_internal.h is what they
 * share.
 *
 * MARK: candidates
 *
 * Objects are matched across dumps as hs_diff does (address, type,
 * value: CPython never moves an object, but reuses freed addresses). The
 * candidates are the objects of the last dump that are new since the
 * first dump and were already alive at the second: (S2 n Sk) \ S1. What
 * a process creates and frees all the time (requests in flight, buffers)
 * is not in both S2 and Sk, so it drops out. With two dumps the
 * candidates are Sk \ S1.
 *
 * MARK: owners
 *
 * The owner of a group of candidates is the object that keeps them
 * alive: in the last dump's dominator tree, an object whose subtree
 * holds candidate bytes that spread out below it. Eclipse MAT calls such
 * an object an accumulation point. One backward pass over the
 * dominator order (every object after its immediate dominator) adds up,
 * per object, the candidate bytes and objects of its subtree (cb, cn)
 * and the largest child total (maxc). An object v is declared an owner
 * when
 *   - its subtree holds at least 1 % of all candidate bytes, and two
 *     candidates or more, that no owner below it has claimed;
 *   - no single child holds 80 % or more of them (else the child, or an
 *     object below it, is the better name: the list in a registry, not
 *     the registry; the deque, not the module above it).
 * Declaring v claims its whole subtree, so the objects above it see only
 * what is left. An owner that is itself new (a registry created after
 * the first dump) is declared like any other, so it is named rather than
 * the long-lived module or dict above it.
 *
 * NOTE: about the thresholds (tests/unit/test_leaks.c pins each edge).
 *
 * 1 % share (HS_LEAK_MIN_SHARE, hs_leaks_internal.h), with two
 * candidates or more. Why: every object with two new children
 * "spreads", so without a floor one entry of a
 * leaking cache (a dict with its key and value strs) or one new request
 * would be an owner, named instead of the cache that piles them up, and
 * the report would list thousands of tiny owners. One candidate alone is
 * not a pile: a single new object is a replacement, not growth. At the
 * edge: exactly 1 % of the candidate bytes (integer division: bytes / 100)
 * is enough; a byte less is not, and those candidates are left to the
 * objects above, which name them only if what is unclaimed there reaches
 * 1 % too; otherwise they are not reported at all. A real leak smaller
 * than 1 % of the new objects that stay is lost in the churn anyway.
 *
 * 80 % spread (SPREAD), Eclipse MAT's accumulation-point rule. Why: the
 * module, the instance and the dict above a leaking list hold all of its
 * bytes, and the list is the better name (the thing to fix). So an object
 * whose single largest child subtree holds 80 % or more of the candidate
 * bytes below it (claimed ones included) is passed over in favour of
 * that child or an object further down. At the edge: a child with
 * exactly 80 % disqualifies its parent (the comparison is strict); at
 * 79 % the parent is named too, as a second owner of what is left once
 * the child's owner has claimed its share. When the dominant child holds
 * a single candidate (one big new buffer), neither is named by this
 * rule; the bytes go up to the first ancestor where they spread.
 *
 * MARK: items of growth
 *
 * A new owner that stopped growing once born (its retained count at the
 * last dump is no more than at the second, where it was alive) is an
 * item of growth, not a container that collects: a request handler with
 * its connection and buffers, each over the 1 % floor. Its claim stays
 * open until its immediate dominator is seen; an item passes what waits
 * under it up to its own dominator (handler -> connection -> buffers).
 * An object with two or more items waiting right below it that passes
 * the owner rules with their bytes unclaimed is declared as their
 * container, and the items (and owners inside them) are dropped from the
 * report. One item alone is grouped the same way when its container's
 * retained count rose at every interval (three dumps or more): a list
 * that gains one new item per interval (an item born after dump 2 is no
 * candidate, so only one item of the series waits) is the owner, not
 * the one item, whose own count is flat. Otherwise each item stays an
 * owner of its own. A new registry
 * that keeps growing after dump 2 is no item and is named itself. With
 * two dumps nothing tells an item from a registry, so new owners count
 * as items. "New" is a candidate, or an object at an address an
 * unrelated object had in the first dump (no referrer in common).
 *
 * MARK: finding an owner again
 *
 * Each owner of the last dump is looked up in every earlier dump: first
 * by its place, the object under the counterpart of one of its referrers
 * (up to PLACE_PARENTS) through the edge with the same label and of the
 * same type, for labels that name a place in every run (an attribute, an
 * identifier key, a slot: not an index, a set's item or a key of this
 * run); else by address, type and value, accepted only when the object
 * there shares a referrer address with the owner (CPython reuses freed
 * addresses, meliae's dumps too, and a new list at an old list's address
 * is not that list). So `self.cache = self.cache[-n:]` is judged on the
 * series of .cache, not as a new list whose whole size is growth.
 *
 * MARK: verdicts
 *
 * Each owner's retained objects and bytes in every dump (from that
 * dump's dominator tree, minus what the owners below it retain; 0 where
 * it was absent) make its series; the verdict reads the object count,
 * because entries of varying size make bytes drift in a cache that does
 * not grow, while a leak adds objects, and what it kept: a leak keeps
 * what it held and adds to it, a cache turns over. An interval is one of
 * growth when the count rose (by one object or more; +0 is not growth)
 * by at least as many objects as the owner let go of (of those it held
 * at the interval's start, the ones not alive at its end): what stayed
 * outweighs what turned over. Why that line: a leak adds and keeps, and
 * what it lets go of is the parts of its items that are replaced (the
 * SQLAlchemy scenario's listener deque drops about a tenth of what it
 * holds per interval while adding as much again); the caches that turn
 * over in tests/leaks and the library scenarios let go of more than they
 * gain (a burst-pruned cache sampled as it rose: +726, 2,099 let go; a
 * history trimmed by slicing: +3,161, 6,250 let go; an LRU at capacity:
 * +28, 17,973 let go), so a sawtooth sampled at three rising points is
 * told apart by what it dropped. Below the line falls a leak whose
 * entries' values are all replaced in every interval (a dict of
 * counters above 256) while few keys are added; more dumps do not help.
 *   - grows at every dump (HS_LEAK_GROWS): with three dumps or more,
 *     every interval is one of growth;
 *   - bounded (HS_LEAK_BOUNDED): no interval after the first (with two
 *     dumps, not the only one) is: the count was flat, fell, or rose by
 *     less than it let go of (turnover): a cache at capacity, a
 *     burst-pruned one, a table that filled once;
 *   - grew (HS_LEAK_GREW): anything between (it rose in some later
 *     interval but not in all of them), or a rise over two dumps, which
 *     cannot tell growth from turnover: the report says a third dump is
 *     needed.
 * Owners are ranked by verdict in that order, so nothing bounded ever
 * ranks above an owner that grows at every dump; those that grow at
 * every dump by the growth they sustain, the fewest bytes they gained in
 * one interval (a cache still filling at the first dump gains much in
 * the first interval and drifts by a few objects in the next, a leak
 * gains in every one); then all by the bytes they gained from the first
 * dump to the last, then by the candidate bytes they hold. The words the CLI prints ("at every dump", "bounded") are
 * these definitions. What the rule cannot see: a sawtooth sampled at
 * three rising points looks like growth; more dumps make that unlikely,
 * and the CLI's CI gate adds a floor and a pace (cli_leak_gate.c).

 * MARK: reporting
 *
 * For the kept suspects: what their candidates are made of (bytes per
 * type), one sample (a candidate right under the owner, of the type
 * that retains the most there), a shortest path from a root to the owner (hs_paths), and
 * a signature: that path as types and edge labels with indices and
 * run-specific keys blanked, ending in the growth's type, so that one
 * leak reads the same in every run (for CI).
 *
 * Memory: every dump's dominator tree (20 bytes an object) and, for the
 * last dump, 32 bytes and a bit an object while owners are found; what
 * each owner kept takes one pass over each earlier dump with an address
 * look-up an object and 4 bytes an object of that dump. The trees are
 * computed on one thread per dump, up to one per CPU.
 */
#include "hs_leaks_internal.h"

#include "hs_match.h"
#include "hs_dominators.h"
#include "hs_refs_dict.h"
#include "hs_walk.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPREAD 0.8      /* no child may hold this share of an owner's */

/* MARK: dominator trees and matches, at once */

/* The trees are handed out from one counter rather than a fixed share
 * per thread: their cost follows their dump's size, which varies. */
typedef struct first_job {
    hs_leaks *l;
    atomic_size_t next;
    bool match_beside; /* part 0 matches the dumps while the others run
                          the trees */
} first_job;

static int match_dumps(hs_leaks *l);

static int
run_first(void *ctx, unsigned part)
{
    first_job *j = ctx;
    int rc = HS_OK;
    size_t i;
    if (part == 0 && j->match_beside) {
        return match_dumps(j->l);
    }
    while ((i = atomic_fetch_add(&j->next, 1)) < j->l->ndumps) {
        if (j->l->lent[i]) {
            continue;
        }
        j->l->doms[i] = hs_dominators_new(j->l->dumps[i], NULL);
        if (!j->l->doms[i]) {
            rc = HS_ENOMEM;
        }
    }
    return rc;
}

/* The trees still missing (the front end may have computed some while
 * the next dump loaded: `given`), and every object of the last dump
 * found in the earlier ones. The two share no data (a tree reads its
 * dump's edges, a match the address index, built under a lock), so when
 * there are CPUs to spare the matches run beside the trees: after the
 * last load, the last dump's tree is one thread's work, and the matches
 * would otherwise wait for it with a CPU idle. */
static int
compute_doms_and_match(hs_leaks *l, hs_dominators *const *given)
{
    unsigned threads = hs_graph_threads(l->dumps[l->ndumps - 1]);
    unsigned parts;
    size_t missing = 0;
    first_job j;
    int rc;
    j.l = l;
    atomic_init(&j.next, 0);
    for (size_t i = 0; i < l->ndumps; i++) {
        l->lent[i] = given && given[i] && given[i]->g == l->dumps[i];
        l->doms[i] = l->lent[i] ? given[i] : NULL;
        missing += !l->lent[i];
    }
    j.match_beside = threads > 1 && missing > 0;
    parts = threads ? threads : 1;
    if (parts > missing + j.match_beside) {
        parts = (unsigned)(missing + j.match_beside);
    }
    rc = hs_parallel_for(parts, run_first, &j);
    if (rc == HS_OK && !j.match_beside) {
        rc = match_dumps(l);
    }
    return rc;
}

/* MARK: candidates */

/* Every object of the last dump found in each earlier one, at once:
 * the passes below ask it of millions of objects. */
static int
match_dumps(hs_leaks *l)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    for (size_t j = 0; j + 1 < l->ndumps; j++) {
        l->same[j] = hs_match_all(l->dumps[j], last);
        if (!l->same[j]) {
            return HS_ENOMEM;
        }
    }
    return HS_OK;
}

static void
mark_candidates(hs_leaks *l, hs_bits *cand, hs_bits *fresh)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    for (uint32_t v = 0; v < last->n; v++) {
        uint64_t s;
        if (!hs_live(last, v) || match(l, 0, v) != HS_NO_NODE) {
            continue;
        }
        s = hs_size_of(last, v);
        hs_bits_set(fresh, v);
        l->nnew++;
        l->new_bytes += s;
        if (match(l, 1, v) != HS_NO_NODE) {
            hs_bits_set(cand, v);
            l->ncand++;
            l->cand_bytes += s;
        }
    }
}

/* MARK: owners */

typedef struct acc {
    uint64_t *cb, *maxc, *claimed;
    uint32_t *cn, *claimedn;
    hs_bits waiting; /* objects with items of growth pending right below */
} acc;

static int
owners_add(const hs_leaks *l, owners *o, uint32_t id, uint64_t count,
           uint64_t size)
{
    if (o->n == o->alloc) {
        size_t alloc = o->alloc ? o->alloc * 2 : 16;
        owner *v = hs_realloc_array(l->a, o->v, alloc, sizeof(*v));
        if (!v) {
            return HS_ENOMEM;
        }
        o->v = v;
        o->alloc = alloc;
    }
    memset(&o->v[o->n], 0, sizeof(o->v[o->n]));
    o->v[o->n].id = id;
    o->v[o->n].item_of = HS_NO_NODE;
    o->v[o->n].new_count = count;
    o->v[o->n].new_size = size;
    o->v[o->n].parent = UINT32_MAX;
    o->n++;
    return HS_OK;
}

/* Declares the objects that grow in place (hs_leak_inplace.c). a: the
 * candidate bytes under each object, from find_owners. */
static int
add_in_place(const hs_leaks *l, const acc *a, hs_bits *decl, owners *o)
{
    uint32_t *ids = NULL;
    size_t n = 0;
    int rc = hs_leak_find_in_place(l, a->cb, decl, &ids, &n);
    for (size_t i = 0; i < n && rc == HS_OK; i++) {
        rc = owners_add(l, o, ids[i], 0, 0);
        if (rc == HS_OK) {
            o->v[o->n - 1].in_place = 1;
            hs_bits_set(decl, ids[i]);
        }
    }
    hs_mfree(l->a, ids);
    return rc;
}

/* Whether v, its subtree summed up, is an owner (see the essay). */
static bool
is_owner(const acc *a, uint32_t v, uint64_t min_bytes)
{
    uint64_t left = a->cb[v] - a->claimed[v];
    return left >= min_bytes && a->cn[v] - a->claimedn[v] >= 2
           && (double)a->maxc[v] < SPREAD * (double)a->cb[v];
}

/* Whether candidate v, an owner, is an item of growth rather than a
 * container that collects: it retains no more objects at the last dump
 * than at the second, where it was already alive (a request handler with
 * its connection and buffers, complete once born). With two dumps
 * nothing says it grows after birth, so it counts as an item. New means
 * a candidate, or an object at the address of an unrelated one of the
 * first dump (no referrer in common). */

static bool
is_item(const hs_leaks *l, const hs_bits *cand, uint32_t v)
{
    size_t k = l->ndumps;
    uint32_t o;
    if (!hs_bits_test(cand, v)) {
        /* Not a candidate, yet new: a freed object's address reused. */
        o = match(l, 0, v);
        if (o == HS_NO_NODE
            || hs_leak_shares_referrer(l->dumps[0], o, l->dumps[k - 1], v)) {
            return false;
        }
    }
    if (k < 3) {
        return true;
    }
    o = match(l, 1, v);
    return o != HS_NO_NODE
           && hs_dominators_retained_count(l->doms[k - 1], v)
                  <= hs_dominators_retained_count(l->doms[1], o);
}

/* Whether v's retained count rose at every interval (three dumps or
 * more; 0 where v cannot be found by address). */
static bool
count_rises_throughout(const hs_leaks *l, uint32_t v)
{
    size_t k = l->ndumps;
    uint64_t prev = 0;
    if (k < 3) {
        return false;
    }
    for (size_t j = 0; j < k; j++) {
        uint32_t o = match(l, j, v);
        uint64_t c = o == HS_NO_NODE
                         ? 0
                         : hs_dominators_retained_count(l->doms[j], o);
        if (j > 0 && c <= prev) {
            return false;
        }
        prev = c;
    }
    return true;
}

/* The items pending under v: their count, and what they would claim. */
static size_t
pending_items(owners *o, uint32_t v, uint64_t *bytes, uint64_t *count)
{
    size_t n = 0;
    *bytes = 0;
    *count = 0;
    for (size_t i = 0; i < o->n; i++) {
        if (o->v[i].state == ITEM_PENDING && o->v[i].item_of == v) {
            *bytes += o->v[i].new_size;
            *count += o->v[i].new_count;
            n++;
        }
    }
    return n;
}

/* Settles the items pending under v: grouped under v (which the caller
 * declares), owners of their own, or (ITEM_PENDING) passed on to wait
 * under up, when v is an item itself (the connection of a handler). */
static void
settle_items(owners *o, uint32_t v, int state, uint32_t up)
{
    for (size_t i = 0; i < o->n; i++) {
        if (o->v[i].state == ITEM_PENDING && o->v[i].item_of == v) {
            o->v[i].state = state;
            o->v[i].item_of = state == ITEM_PENDING ? up : v;
        }
    }
}

static void
claim_all(acc *a, uint32_t v)
{
    a->claimed[v] = a->cb[v];
    a->claimedn[v] = a->cn[v];
}

/* Declares the owners where v's subtree, summed up, makes one (see the
 * essay, "MARK: items of growth"). */
static int
declare(const hs_leaks *l, const hs_bits *cand, acc *a, hs_bits *decl,
        owners *o, uint32_t v, uint32_t p, uint64_t min_bytes)
{
    if (hs_bits_test(&a->waiting, v)) {
        uint64_t bytes, count;
        size_t n = pending_items(o, v, &bytes, &count);
        if ((n >= 2 && is_owner(a, v, min_bytes))
            || (n == 1 && a->cb[v] - a->claimed[v] >= min_bytes
                && count_rises_throughout(l, v))) {
            settle_items(o, v, ITEM_GROUPED, v);
            HS_TRY(owners_add(l, o, v, a->cn[v] - a->claimedn[v],
                              a->cb[v] - a->claimed[v]));
            o->v[o->n - 1].items = n;
            hs_bits_set(decl, v);
            claim_all(a, v);
            return HS_OK;
        }
        if (p != HS_DOM_ROOT && is_item(l, cand, v)) {
            settle_items(o, v, ITEM_PENDING, p);
            hs_bits_set(&a->waiting, p);
        } else {
            settle_items(o, v, OWNER, v);
            a->claimed[v] += bytes;
            a->claimedn[v] += (uint32_t)count;
        }
    }
    if (!a->cb[v] || !is_owner(a, v, min_bytes)) {
        return HS_OK;
    }
    HS_TRY(owners_add(l, o, v, a->cn[v] - a->claimedn[v],
                      a->cb[v] - a->claimed[v]));
    hs_bits_set(decl, v);
    if (p != HS_DOM_ROOT && is_item(l, cand, v)) {
        /* What it claims stays open until its container is seen. */
        o->v[o->n - 1].state = ITEM_PENDING;
        o->v[o->n - 1].item_of = p;
        hs_bits_set(&a->waiting, p);
    } else {
        claim_all(a, v);
    }
    return HS_OK;
}

/* The container a grouped owner's new objects go to: the item's own
 * container, or for an owner below a grouped item (the buffers list of a
 * handler), that item's. HS_NO_NODE when x is not grouped. */
static uint32_t
grouped_into(const owners *o, const uint32_t *near, const owner *x)
{
    for (uint32_t y = near[x->id]; y != HS_NO_NODE; y = near[y]) {
        for (size_t i = 0; i < o->n; i++) {
            if (o->v[i].id == y && o->v[i].state == ITEM_GROUPED) {
                return o->v[i].item_of;
            }
        }
    }
    return HS_NO_NODE;
}

/* Drops the items grouped under their container, and the owners below
 * them (they are part of the items), adding their new objects to the
 * container's. near is nearest_owners with every declared owner. */
static void
drop_grouped(owners *o, hs_bits *decl, const uint32_t *near)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n; i++) {
        uint32_t into = o->v[i].state == OWNER
                            ? grouped_into(o, near, &o->v[i])
                            : HS_NO_NODE;
        if (into == HS_NO_NODE) {
            continue;
        }
        for (size_t j = 0; j < o->n; j++) {
            if (o->v[j].id == into && o->v[j].state == OWNER) {
                o->v[j].new_count += o->v[i].new_count;
                o->v[j].new_size += o->v[i].new_size;
                break;
            }
        }
        o->v[i].state = BELOW_GROUPED;
    }
    for (size_t i = 0; i < o->n; i++) {
        if (o->v[i].state == ITEM_GROUPED
            || o->v[i].state == BELOW_GROUPED) {
            hs_bits_clear(decl, o->v[i].id);
        } else {
            o->v[i].state = OWNER;
            o->v[n++] = o->v[i];
        }
    }
    o->n = n;
}

/* The backward pass. Post: o lists the owners; decl marks them. */
static int
find_owners(const hs_leaks *l, const hs_bits *cand, acc *a, hs_bits *decl,
            owners *o)
{
    const hs_graph *g = l->dumps[l->ndumps - 1];
    const hs_dominators *d = l->doms[l->ndumps - 1];
    uint64_t min_bytes = l->cand_bytes / HS_LEAK_MIN_SHARE;
    min_bytes = min_bytes ? min_bytes : 1;
    for (uint32_t i = d->reached; i-- > 0;) {
        uint32_t v = d->order[i], p = d->idom[v];
        if (hs_bits_test(cand, v)) {
            a->cb[v] += hs_size_of(g, v);
            a->cn[v]++;
        }
        if (a->cb[v]) {
            HS_TRY(declare(l, cand, a, decl, o, v, p, min_bytes));
        }
        if (p != HS_DOM_ROOT && a->cb[v]) {
            a->cb[p] += a->cb[v];
            a->cn[p] += a->cn[v];
            a->claimed[p] += a->claimed[v];
            a->claimedn[p] += a->claimedn[v];
            if (a->cb[v] > a->maxc[p]) {
                a->maxc[p] = a->cb[v];
            }
        }
    }
    return HS_OK;
}

/* near[v] = the nearest owner strictly above v, HS_NO_NODE if none.
 * A forward pass: every object comes after its immediate dominator. */
static void
nearest_owners(const hs_dominators *d, const hs_bits *decl, uint32_t *near)
{
    for (uint32_t i = 0; i < d->reached; i++) {
        uint32_t v = d->order[i], p = d->idom[v];
        if (p == HS_DOM_ROOT) {
            near[v] = HS_NO_NODE;
        } else {
            near[v] = hs_bits_test(decl, p) ? p : near[p];
        }
    }
}

static int
by_id(const void *pa, const void *pb)
{
    const owner *a = pa, *b = pb;
    return (a->id > b->id) - (a->id < b->id);
}

/* Index of owner id in o (sorted by id), or UINT32_MAX. */
uint32_t
hs_leak_owner_index(const owners *o, uint32_t id)
{
    size_t lo = 0, hi = o->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (o->v[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < o->n && o->v[lo].id == id ? (uint32_t)lo : UINT32_MAX;
}

/* MARK: the report */

static int
find_path(const hs_graph *g, uint32_t id, hs_leak_suspect *s)
{
    hs_path_options po = {1, NULL, 0};
    hs_paths *p = hs_paths_find(g, id, &po, NULL);
    const uint32_t *nodes;
    size_t len = 0;
    uint32_t *copy;
    if (!p) {
        return HS_ENOMEM;
    }
    nodes = hs_paths_count(p) ? hs_paths_at(p, 0, &len) : NULL;
    copy = hs_malloc_array(g->a, len + 1, sizeof(*copy));
    if (!copy) {
        hs_paths_free(p);
        return HS_ENOMEM;
    }
    if (len) {
        memcpy(copy, nodes, len * sizeof(*copy));
    }
    s->path = copy;
    s->path_len = len;
    hs_paths_free(p);
    return HS_OK;
}

/* Fills out from kept owner w, the census's suspect s. */
static int
describe(hs_leaks *l, const owner *w, size_t s, const census *c,
         const hs_bits *cand, const hs_bits *decl, const uint32_t *near,
         size_t max_types, hs_leak_suspect *out)
{
    const hs_graph *g = l->dumps[l->ndumps - 1];
    uint32_t gt;
    out->owner = w->id;
    out->owner_is_new = w->ids[0] == HS_NO_NODE;
    out->new_count = w->new_count;
    out->new_size = w->new_size;
    out->ids = w->ids;
    out->retained_size = w->ret;
    out->retained_count = w->cnt;
    out->kept_count = w->kept;
    out->growth_size = w->growth_size;
    out->growth_count = w->growth_count;
    out->growing = w->verdict == HS_LEAK_GROWS;
    out->verdict = w->verdict;
    out->intervals_grown = w->grown;
    out->min_interval_growth = w->min_step;
    out->recreated = w->recreated;
    out->grows_in_place = w->in_place;
    out->items = w->items;
    HS_TRY(hs_leak_composition(g, c, s, max_types, out));
    gt = hs_leak_growth_type(c, s, out, g);
    out->sample = gt == UINT32_MAX
                      ? HS_NO_NODE
                      : hs_leak_pick_sample(l, cand, decl, near, w->id, gt);
    HS_TRY(find_path(g, w->id, out));
    HS_TRY(hs_site_acc_top(&c->sites, g, s, max_types, out));
    out->signature = hs_leak_sites_sign(
        hs_leak_signature(g, l->doms[l->ndumps - 1], out->path, out->path_len,
                  w->id, gt),
        out);
    return out->signature ? HS_OK : HS_ENOMEM;
}

/* Ranks the owners, keeps the best max and describes them. Takes the
 * series arrays of the kept owners (the suspects own them now). */
static int
report(hs_leaks *l, owners *o, const hs_bits *cand, const hs_bits *decl,
       const uint32_t *near, const hs_leak_options *opts)
{
    size_t max = opts && opts->max_suspects ? opts->max_suspects : 10;
    size_t max_types = opts && opts->max_types ? opts->max_types : 8;
    const hs_graph *g = l->dumps[l->ndumps - 1];
    owners kept = {NULL, 0, 0};
    census c = {NULL, NULL, NULL, hs_strtab_count(&g->types), {0}};
    int rc = HS_OK;
    for (size_t i = 0; i < o->n; i++) {
        hs_leak_judge(&o->v[i], l->ndumps);
    }
    if (o->n) {
        qsort(o->v, o->n, sizeof(*o->v), hs_leak_by_rank);
    }
    l->nsus = o->n < max ? o->n : max;
    l->sus = hs_calloc(l->a, l->nsus + 1, sizeof(*l->sus));
    kept.v = hs_malloc_array(l->a, l->nsus + 1, sizeof(*kept.v));
    if (!l->sus || !kept.v) {
        rc = HS_ENOMEM;
        goto out;
    }
    if (l->nsus) {
        memcpy(kept.v, o->v, l->nsus * sizeof(*kept.v));
    }
    kept.n = l->nsus;
    for (size_t i = 0; i < l->nsus; i++) {
        kept.v[i].parent = (uint32_t)i; /* remember the rank */
    }
    if (kept.n) {
        qsort(kept.v, kept.n, sizeof(*kept.v), by_id);
    }
    rc = hs_site_acc_init(&c.sites, g, kept.n);
    if (rc == HS_OK) {
        rc = hs_leak_take_census(l, cand, decl, near, &kept, &c);
    }
    hs_site_acc_finish(&c.sites);
    for (size_t i = 0; i < kept.n && rc == HS_OK; i++) {
        /* census cells are by kept (id) order; suspects by rank. */
        const owner *w = &kept.v[i];
        rc = describe(l, w, i, &c, cand, decl, near, max_types,
                      &l->sus[w->parent]);
    }
    for (size_t i = 0; i < l->nsus; i++) {
        /* Now the suspects', once describe gave them: out of memory
         * before a suspect's turn, the owners still free its series. */
        if (l->sus[i].ids != o->v[i].ids) {
            continue;
        }
        o->v[i].ids = NULL;
        o->v[i].ret = NULL;
        o->v[i].cnt = NULL;
        o->v[i].kept = NULL;
    }
out:
    hs_mfree(l->a, kept.v);
    hs_mfree(l->a, c.count);
    hs_mfree(l->a, c.size);
    hs_mfree(l->a, c.direct);
    hs_site_acc_release(&c.sites);
    return rc;
}

static void
owners_release(const hs_leaks *l, owners *o)
{
    for (size_t i = 0; i < o->n; i++) {
        hs_mfree(l->a, o->v[i].ids);
        hs_mfree(l->a, o->v[i].ret);
        hs_mfree(l->a, o->v[i].cnt);
        hs_mfree(l->a, o->v[i].kept);
    }
    hs_mfree(l->a, o->v);
}

static void
acc_release(const hs_leaks *l, acc *a)
{
    hs_mfree(l->a, a->cb);
    hs_mfree(l->a, a->maxc);
    hs_mfree(l->a, a->claimed);
    hs_mfree(l->a, a->cn);
    hs_mfree(l->a, a->claimedn);
    hs_bits_release(&a->waiting);
    memset(a, 0, sizeof(*a));
}

static int
acc_init(const hs_leaks *l, acc *a, uint32_t n)
{
    size_t m = (size_t)n + 1;
    a->cb = hs_calloc(l->a, m, sizeof(*a->cb));
    a->maxc = hs_calloc(l->a, m, sizeof(*a->maxc));
    a->claimed = hs_calloc(l->a, m, sizeof(*a->claimed));
    a->cn = hs_calloc(l->a, m, sizeof(*a->cn));
    a->claimedn = hs_calloc(l->a, m, sizeof(*a->claimedn));
    return a->cb && a->maxc && a->claimed && a->cn && a->claimedn
                   && hs_bits_init(&a->waiting, l->a, n) == HS_OK
               ? HS_OK
               : HS_ENOMEM;
}

/* Owners, their series and the report, once the trees are there. */
static int
analyse(hs_leaks *l, const hs_leak_options *opts)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    hs_bits cand = {0}, fresh = {0}, decl = {0};
    acc a = {NULL, NULL, NULL, NULL, NULL, {NULL, NULL}};
    owners o = {NULL, 0, 0};
    uint32_t *near = NULL;
    int rc = HS_ENOMEM;
    if (hs_bits_init(&cand, l->a, last->n) < 0
        || hs_bits_init(&fresh, l->a, last->n) < 0
        || hs_bits_init(&decl, l->a, last->n) < 0
        || acc_init(l, &a, last->n) < 0) {
        goto out;
    }
    mark_candidates(l, &cand, &fresh);
    rc = find_owners(l, &cand, &a, &decl, &o);
    if (rc == HS_OK) {
        rc = add_in_place(l, &a, &decl, &o);
    }
    acc_release(l, &a);
    near = hs_malloc_array(l->a, (size_t)last->n + 1, sizeof(*near));
    if (rc < 0 || !near) {
        rc = HS_ENOMEM;
        goto out;
    }
    nearest_owners(l->doms[l->ndumps - 1], &decl, near);
    drop_grouped(&o, &decl, near);
    nearest_owners(l->doms[l->ndumps - 1], &decl, near);
    if (o.n) {
        qsort(o.v, o.n, sizeof(*o.v), by_id);
    }
    rc = hs_leak_series(l, &o, near);
    if (rc == HS_OK) {
        rc = hs_leak_kept_series(l, &o);
    }
    if (rc == HS_OK) {
        rc = report(l, &o, &cand, &decl, near, opts);
    }
out:
    acc_release(l, &a);
    owners_release(l, &o);
    hs_mfree(l->a, near);
    hs_bits_release(&cand);
    hs_bits_release(&fresh);
    hs_bits_release(&decl);
    return rc;
}

static int
check_dumps(const hs_graph *const *dumps, size_t n, hs_error *err)
{
    HS_RETURN_IF(n < 2, HS_EINVAL, err,
                 "the leak report needs two dumps or more, in run order");
    for (size_t i = 0; i < n; i++) {
        HS_RETURN_IF(!dumps[i]->have_parents, HS_EINVAL, err,
                     "dump %zu: parents were not computed", i + 1);
        HS_RETURN_IF(dumps[i]->dialect != dumps[0]->dialect, HS_EINVAL, err,
                     "cannot compare dumps of different dialects (dump 1 "
                     "is %s, dump %zu is %s): they come from different "
                     "Pythons",
                     hs_dialect_name(dumps[0]->dialect), i + 1,
                     hs_dialect_name(dumps[i]->dialect));
    }
    return HS_OK;
}

hs_leaks *
hs_leaks_new(const hs_graph *const *dumps, size_t ndumps,
             const hs_leak_options *opts, hs_error *err)
{
    hs_leaks *l;
    int rc;
    if (check_dumps(dumps, ndumps, err) < 0) {
        return NULL;
    }
    /* the last dump's allocator: the report is about it */
    l = hs_calloc(dumps[ndumps - 1]->a, 1, sizeof(*l));
    if (l) {
        l->a = dumps[ndumps - 1]->a;
        l->ndumps = ndumps;
        l->dumps = hs_calloc(l->a, ndumps, sizeof(*l->dumps));
        l->doms = hs_calloc(l->a, ndumps, sizeof(*l->doms));
        l->same = hs_calloc(l->a, ndumps, sizeof(*l->same));
        l->lent = hs_calloc(l->a, ndumps, sizeof(*l->lent));
    }
    if (!l || !l->dumps || !l->doms || !l->same || !l->lent) {
        hs_leaks_free(l);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    memcpy(l->dumps, dumps, ndumps * sizeof(*dumps));
    rc = compute_doms_and_match(l, opts ? opts->dominators : NULL);
    if (rc == HS_OK) {
        rc = analyse(l, opts);
    }
    if (rc < 0) {
        hs_leaks_free(l);
        hs_error_set(err, rc, "out of memory");
        return NULL;
    }
    return l;
}

/* Frees what a suspect's const pointers own, through a. */
static void
free_owned(const hs_allocator *a, const void *p)
{
    hs_mfree(a, (void *)(uintptr_t)p);
}

void
hs_leaks_free(hs_leaks *l)
{
    if (!l) {
        return;
    }
    for (size_t i = 0; l->sus && i < l->nsus; i++) {
        hs_leak_suspect *s = &l->sus[i];
        free_owned(l->a, s->ids);
        free_owned(l->a, s->retained_size);
        free_owned(l->a, s->retained_count);
        free_owned(l->a, s->kept_count);
        free_owned(l->a, s->types);
        free_owned(l->a, s->sites);
        free_owned(l->a, s->path);
        free_owned(NULL, s->signature); /* hs_buf's text: malloc */
    }
    for (size_t i = 0; l->doms && i < l->ndumps; i++) {
        if (!l->lent || !l->lent[i]) {
            hs_dominators_free(l->doms[i]);
        }
    }
    hs_mfree(l->a, l->lent);
    for (size_t i = 0; l->same && i < l->ndumps; i++) {
        hs_mfree(l->a, l->same[i]); /* hs_match_all: the last dump's */
    }
    hs_mfree(l->a, l->same);
    hs_mfree(l->a, l->sus);
    hs_mfree(l->a, l->doms);
    hs_mfree(l->a, l->dumps);
    hs_mfree(l->a, l);
}

size_t
hs_leaks_dumps(const hs_leaks *l)
{
    return l->ndumps;
}

uint64_t
hs_leaks_candidates(const hs_leaks *l, uint64_t *bytes)
{
    if (bytes) {
        *bytes = l->cand_bytes;
    }
    return l->ncand;
}

uint64_t
hs_leaks_new_objects(const hs_leaks *l, uint64_t *bytes)
{
    if (bytes) {
        *bytes = l->new_bytes;
    }
    return l->nnew;
}

const hs_dominators *
hs_leaks_dominators(const hs_leaks *l, size_t dump)
{
    return dump < l->ndumps ? l->doms[dump] : NULL;
}

size_t
hs_leaks_count(const hs_leaks *l)
{
    return l->nsus;
}

const hs_leak_suspect *
hs_leaks_at(const hs_leaks *l, size_t i)
{
    return i < l->nsus ? &l->sus[i] : NULL;
}

const char *
hs_leak_verdict_key(hs_leak_verdict v)
{
    return v == HS_LEAK_GROWS ? "grows" : v == HS_LEAK_BOUNDED ? "bounded"
                                                               : "grew";
}

/* True by construction: the words are the definitions of "MARK:
 * verdicts". */
const char *
hs_leak_verdict_text(const hs_leak_suspect *s, size_t ndumps, char *buf,
                     size_t size)
{
    switch (s->verdict) {
    case HS_LEAK_GROWS:
        return "grows at every dump";
    case HS_LEAK_BOUNDED:
        return "bounded (turnover, not growth)";
    case HS_LEAK_GREW:
        break;
    }
    if (s->intervals_grown == 1) {
        return "grew once";
    }
    snprintf(buf, size, "grew in %zu of %zu intervals", s->intervals_grown,
             ndumps > 1 ? ndumps - 1 : 1);
    return buf;
}
