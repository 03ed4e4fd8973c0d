/*
 * hs_link.c - from addresses to ids: the address index and the edges.
 *
 * After the scans, every record's address is indexed in one batch and
 * every ref is resolved to a node id in place: the u64 array of addresses
 * is rewritten as u32 from the front (a u32 written at index i never
 * overtakes the u64 read at i) and then shrunk, so the transient peak is 8
 * bytes a ref, not 12. Refs to addresses that have no record get one
 * phantom node per address: they keep their place in refs (as meliae keeps
 * them) but traversals skip them.
 *
 * The index and the lookups are where a load spends its time: each is a
 * cache miss in a table of tens of megabytes. Batches with two-stage
 * prefetching, and the shortcuts described in resolve_refs, hide most of
 * that latency.
 */
#include "hs_link.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

/* Prefetch distances of the batch loops below: far enough ahead to hide
 * a DRAM access, near enough that the lines are still cached. */
enum { AHEAD = 64, AHEAD2 = 24 };

/* Indexes the records' addresses in one batch with prefetching. A record
 * whose address is already indexed is a duplicate: it is flagged gone (the
 * first record wins, as in meliae) and dropped by drop_duplicates. */
static int
index_records(hs_scan *r)
{
    hs_graph *g = r->g;
    uint32_t n = g->n;
    HS_TRY(hs_addrindex_reserve(&g->index, g->addr, n));
    for (uint32_t i = 0; i < n; i++) {
        if (i + AHEAD < n) {
            hs_addrindex_prefetch(&g->index, g->addr[i + AHEAD]);
        }
        if (i + AHEAD2 < n) {
            hs_addrindex_prefetch_occupant(&g->index, g->addr,
                                           g->addr[i + AHEAD2]);
        }
        if (hs_addrindex_put(&g->index, g->addr, i) != UINT32_MAX) {
            g->flags[i] |= HS_NODE_GONE;
            g->stats.duplicates++;
        }
    }
    return HS_OK;
}

/* Renumbers a side table's ids after nodes were dropped: new_id maps old
 * ids (UINT32_MAX for dropped ones). */
static void
renumber_wide(hs_wide *w, const uint32_t *new_id)
{
    size_t k = 0;
    for (size_t i = 0; i < w->len; i++) {
        if (new_id[w->ids[i]] != UINT32_MAX) {
            w->ids[k] = new_id[w->ids[i]];
            w->vals[k] = w->vals[i];
            k++;
        }
    }
    w->len = k;
}

/* Removes duplicate records (and their refs, still addresses) so that ids
 * stay dense, then re-indexes. Only runs when a dump has duplicates. */
static int
drop_duplicates(hs_scan *r)
{
    hs_graph *g = r->g;
    uint32_t *new_id = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*new_id));
    uint64_t *refs = r->refs.v;
    size_t rp = 0, wp = 0;
    uint32_t w = 0;
    if (!new_id) {
        return HS_ENOMEM;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t k = r->counts[i];
        if (g->flags[i] & HS_NODE_GONE) {
            new_id[i] = UINT32_MAX;
            rp += k;
            continue;
        }
        new_id[i] = w;
        g->addr[w] = g->addr[i];
        g->type[w] = g->type[i];
        g->size[w] = g->size[i];
        g->len[w] = g->len[i];
        g->text[w] = g->text[i];
        g->flags[w] = g->flags[i];
        r->counts[w] = k;
        memmove(refs + wp, refs + rp, (size_t)k * sizeof(*refs));
        rp += k;
        wp += k;
        w++;
    }
    renumber_wide(&g->wide_size, new_id);
    renumber_wide(&g->wide_len, new_id);
    hs_mfree(g->a, new_id);
    g->n = w;
    r->refs.len = wp;
    hs_addrindex_clear(&g->index);
    for (uint32_t i = 0; i < g->n; i++) {
        hs_addrindex_put(&g->index, g->addr, i);
    }
    return HS_OK;
}

/* NOTE: about the two shortcuts before the hash lookup. Most of the load
 * time used to go to cache misses in the address index, so resolve_refs
 * tries two cheap guesses first:
 *  - nearby: meliae and heapscope write a depth-first walk, so a record's
 *    children often follow it closely (about 40% of refs in real dumps lie
 *    within 8 lines); those addresses sit in one or two cache lines;
 *  - hot: a small direct-mapped cache of recent targets catches the
 *    objects everything refers to (classes, None, small ints, shared
 *    strings).
 * Both only ever return an id whose address equals the ref, so they change
 * speed, never results. */
enum { NEAR = 8, HOT_BITS = 12 };

typedef struct hot_entry {
    uint64_t addr;
    uint32_t id;
} hot_entry;

static inline uint32_t
near_guess(const uint64_t *addrs, uint32_t nrec, uint32_t u, uint64_t addr)
{
    uint32_t lo = u > NEAR ? u - NEAR : 0;
    uint32_t hi = u + NEAR < nrec ? u + NEAR : nrec - 1;
    for (uint32_t j = lo; j <= hi; j++) {
        if (addrs[j] == addr) {
            return j;
        }
    }
    return UINT32_MAX;
}

/* A phantom node for a dangling address (ids from nrec up). */
static int
add_phantom(hs_scan *r, uint64_t addr, uint32_t *id)
{
    hs_graph *g = r->g;
    HS_TRY(hs_graph_add_node(g, addr, id));
    HS_TRY(HS_GROW(g->a, r->counts, (size_t)*id + 2, r->counts_alloc));
    r->counts[*id] = 0;
    g->flags[*id] = HS_NODE_PHANTOM;
    g->type[*id] = UINT32_MAX;
    HS_TRY(hs_addrindex_insert(&g->index, g->addr, *id));
    g->stats.dangling_addresses++;
    return HS_OK;
}

/* Resolves every ref address to a node id (see the top of this file).
 * Records have ids below nrec, phantoms (added here) from nrec up, so a
 * dangling ref is recognised without touching node memory. */
static int
resolve_refs(hs_scan *r)
{
    hs_graph *g = r->g;
    uint64_t *v = r->refs.v;
    uint32_t *out = (uint32_t *)(void *)r->refs.v;
    size_t m = r->refs.len, i = 0;
    uint32_t nrec = g->n;
    hot_entry *hot = hs_malloc(g->a, sizeof(*hot) << HOT_BITS);
    if (!hot) {
        return HS_ENOMEM;
    }
    memset(hot, 0xff, sizeof(*hot) << HOT_BITS); /* id UINT32_MAX: empty */
    for (uint32_t u = 0; u < nrec; u++) {
        size_t end = i + r->counts[u];
        for (; i < end; i++) {
            uint64_t addr = v[i];
            hot_entry *h = &hot[(addr >> 4) & ((1u << HOT_BITS) - 1)];
            uint32_t id;
            if (i + AHEAD < m) {
                hs_addrindex_prefetch(&g->index, v[i + AHEAD]);
            }
            if (i + AHEAD2 < m) {
                hs_addrindex_prefetch_occupant(&g->index, g->addr,
                                               v[i + AHEAD2]);
            }
            if (h->addr == addr && h->id != UINT32_MAX) {
                id = h->id;
            } else if ((id = near_guess(g->addr, nrec, u, addr))
                       == UINT32_MAX) {
                id = hs_addrindex_find(&g->index, g->addr, addr);
                if (id == UINT32_MAX) {
                    int rc = add_phantom(r, addr, &id);
                    if (rc < 0) {
                        hs_mfree(g->a, hot);
                        return rc;
                    }
                }
                h->addr = addr;
                h->id = id;
            }
            if (id >= nrec) {
                g->stats.dangling_refs++;
            }
            out[i] = id;
        }
    }
    hs_mfree(g->a, hot);
    return HS_OK;
}

/* Moves the resolved refs and the counts into the children CSR. */
static int
build_children(hs_scan *r)
{
    hs_graph *g = r->g;
    hs_csr c;
    size_t m = r->refs.len;
    uint32_t *t;
    int rc;
    HS_TRY(HS_GROW(g->a, r->counts, (size_t)g->n + 1, r->counts_alloc));
    /* Shrink the refs array to its u32 form. */
    t = hs_realloc(g->a, r->refs.v, m * sizeof(uint32_t));
    if (!t) {
        t = (uint32_t *)(void *)r->refs.v;
    }
    r->refs.v = NULL;
    r->refs.len = r->refs.alloc = 0;
    rc = hs_csr_from_counts(&c, g->a, r->counts, g->n, m, t);
    r->counts = NULL;
    HS_TRY(rc);
    hs_graph_set_children(g, &c);
    return HS_OK;
}

int
hs_link_records(hs_scan *s, hs_error *err)
{
    hs_graph *g = s->g;
    int rc = index_records(s);
    if (rc == 0 && g->stats.duplicates) {
        rc = drop_duplicates(s);
    }
    if (rc == 0) {
        g->live = g->n;
        rc = resolve_refs(s);
    }
    if (rc == 0) {
        rc = build_children(s);
    }
    if (rc < 0) {
        return hs_error_set(err, rc, "%s while linking references",
                            hs_strerror(rc));
    }
    return HS_OK;
}
