/*
 * hs_dominators.c - who keeps whom alive: the dominator tree of a dump.
 *
 * An object d dominates an object v when every path from the roots to v
 * passes through d: free d and v becomes garbage. The immediate dominator
 * idom(v) is the dominator nearest to v; the idom links form a tree
 * whose root is a virtual node connected to every real root, and the
 * retained size of d (what freeing d would free) is the total size of
 * its subtree (hs_retained.c). Heap analysers built on this since Eclipse
 * MAT; no Python tool computes it for offline dumps.
 *
 * This file is the handle and its questions: an object's immediate
 * dominator, why a root is one, and the label of an object under its
 * dominator. The tree is computed in hs_semi_nca.c, read back from a
 * file in hs_domstore.c, and walked from the top in hs_domtree.c.
 */
#include "hs_dominators.h"

#include "hs_refs_dict.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_sorted.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

hs_dominators *
hs_dominators_alloc(const hs_graph *g, hs_error *err)
{
    hs_dominators *d;
    if (!g->have_parents) {
        hs_error_set(err, HS_EINVAL, "parents were not computed");
        return NULL;
    }
    d = hs_calloc(g->a, 1, sizeof(*d));
    if (!d) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    d->g = g;
    d->n = g->n;
    return d;
}

hs_dominators *
hs_dominators_new(const hs_graph *g, hs_error *err)
{
    return hs_dominators_new_stop(g, NULL, err);
}

hs_dominators *
hs_dominators_new_stop(const hs_graph *g, const hs_stop *stop, hs_error *err)
{
    hs_dominators *d = hs_dominators_alloc(g, err);
    bool stopped = false;
    int rc;
    if (!d) {
        return NULL;
    }
    rc = hs_roots_init(&d->rooted, g);
    if (rc == HS_OK) {
        rc = hs_dominators_compute(d, stop, &stopped);
    }
    if (rc == HS_OK && (stopped = hs_stop_now(stop))) {
        rc = HS_ELIMIT;
    }
    if (rc < 0) {
        hs_dominators_free(d);
        hs_error_set(err, rc, stopped ? "stopped"
                              : rc == HS_ELIMIT ? "too many objects, or "
                                                  "refs in one object"
                                                : "out of memory");
        return NULL;
    }
    return d;
}

void
hs_dominators_free(hs_dominators *d)
{
    if (d) {
        const hs_allocator *a = d->g->a;
        if (d->map) {
            munmap(d->map, d->map_bytes);
        } else {
            hs_mfree(a, d->idom);
            hs_mfree(a, d->order);
            hs_mfree(a, d->extra);
            hs_mfree(a, d->retained);
            hs_mfree(a, d->retained_count);
        }
        hs_roots_release(&d->rooted);
        hs_mfree(a, d);
    }
}

uint32_t
hs_dominators_idom(const hs_dominators *d, uint32_t id)
{
    if (id >= d->n || d->idom[id] == HS_DOM_ROOT) {
        return HS_NO_NODE;
    }
    return d->idom[id];
}

int
hs_dominators_is_root(const hs_dominators *d, uint32_t id)
{
    return id < d->n && d->idom[id] == HS_DOM_ROOT;
}

const char *
hs_dominators_root_kind(const hs_dominators *d, uint32_t id)
{
    const char *kind;
    if (!hs_dominators_is_root(d, id)) {
        return NULL;
    }
    kind = hs_roots_kind(&d->rooted, id);
    if (kind) {
        return kind;
    }
    if (hs_roots_own(&d->rooted, id)) {
        return "the dumper's own";
    }
    return hs_sorted_contains(d->extra, d->extra_roots, id)
               ? "unreached"
               : "several roots";
}

uint64_t
hs_dominators_unreached(const hs_dominators *d)
{
    return d->unreached;
}

uint64_t
hs_dominators_roots(const hs_dominators *d)
{
    return d->roots;
}

/* MARK: the label of an object under its dominator */

/* A small open-addressing map id -> next id on the way back to id,
 * for searches that stay near one object. */
typedef struct near_map {
    uint32_t *keys, *vals;
    size_t cap, n;
} near_map;

static size_t
near_slot(const near_map *m, uint32_t key)
{
    size_t i = ((size_t)key * 2654435761u) & (m->cap - 1);
    while (m->keys[i] != HS_NO_NODE && m->keys[i] != key) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

/* Adds key -> val unless key is there; false when out of room. */
static bool
near_add(near_map *m, uint32_t key, uint32_t val)
{
    size_t i;
    if (m->n * 2 >= m->cap) {
        return false;
    }
    i = near_slot(m, key);
    if (m->keys[i] == HS_NO_NODE) {
        m->keys[i] = key;
        m->vals[i] = val;
        m->n++;
    }
    return true;
}

#define NEAR_MAX (1u << 16) /* objects a label search may visit */

/* Breadth-first backwards from id over parents until dom is met: every
 * parent of an object dominated by dom is dom or dominated by dom, so
 * the search never leaves dom's subtree. Returns the chain as ids, dom
 * first, id last, in *chain (*len ids), or HS_ELIMIT past NEAR_MAX. */
static int
chain_from(const hs_graph *g, uint32_t dom, uint32_t id, uint32_t **chain,
           size_t *len)
{
    /* The search queues each object once, so a graph of fewer objects
     * than NEAR_MAX needs no more room than it has objects (a map four
     * times that, as for NEAR_MAX, so it never fills either): a label
     * on a small graph need not clear a megabyte. */
    size_t budget = (size_t)g->n + 1 < NEAR_MAX ? (size_t)g->n + 1 : NEAR_MAX;
    near_map m = {NULL, NULL, 16, 0};
    uint32_t *queue = hs_malloc(g->a, budget * sizeof(*queue)), v;
    size_t head = 0, tail = 0;
    int rc = HS_ELIMIT;
    while (m.cap < budget * 4) {
        m.cap *= 2;
    }
    m.keys = hs_malloc(g->a, m.cap * sizeof(*m.keys));
    m.vals = hs_malloc(g->a, m.cap * sizeof(*m.vals));
    if (!queue || !m.keys || !m.vals) {
        rc = HS_ENOMEM;
        goto out;
    }
    memset(m.keys, 0xff, m.cap * sizeof(*m.keys));
    near_add(&m, id, id);
    queue[tail++] = id;
    while (head < tail) {
        uint64_t b, e;
        v = queue[head++];
        hs_csr_range(&g->parents, v, &b, &e);
        for (uint64_t c = b; c < e; c++) {
            uint32_t u = g->parents.targets[c];
            size_t before = m.n;
            if (!near_add(&m, u, v) || tail == NEAR_MAX) {
                goto out;
            }
            if (m.n == before) {
                continue;
            }
            if (u == dom) {
                size_t n = 1;
                for (v = dom; v != id; v = m.vals[near_slot(&m, v)]) {
                    n++;
                }
                *chain = hs_malloc_array(g->a, n, sizeof(**chain));
                if (!*chain) {
                    rc = HS_ENOMEM;
                    goto out;
                }
                *len = n;
                n = 0;
                for (v = dom; v != id; v = m.vals[near_slot(&m, v)]) {
                    (*chain)[n++] = v;
                }
                (*chain)[n] = id;
                rc = HS_OK;
                goto out;
            }
            queue[tail++] = u;
        }
    }
out:
    hs_mfree(g->a, queue);
    hs_mfree(g->a, m.keys);
    hs_mfree(g->a, m.vals);
    return rc;
}

char *
hs_dominators_label(const hs_dominators *d, uint32_t id, size_t max_key,
                    hs_error *err)
{
    const hs_graph *g = d->g;
    hs_buf b = HS_BUF_INIT;
    uint32_t *chain = NULL;
    size_t len = 0;
    char *out;
    int rc = HS_OK;
    hs_buf_adds(&b, "");
    if (id < d->n && d->idom[id] != HS_NO_NODE && d->idom[id] != HS_DOM_ROOT) {
        rc = chain_from(g, d->idom[id], id, &chain, &len);
    }
    if (rc == HS_ELIMIT) {
        hs_buf_adds(&b, "...");
    }
    for (size_t k = 0; k + 1 < len; k++) {
        size_t at = b.len;
        hs_buf_add_edge_label(&b, g, chain[k],
                              hs_ref_index(g, chain[k], chain[k + 1]),
                              max_key);
        if (b.len > at && b.data[at] != '.' && b.data[at] != '[') {
            hs_buf_addc(&b, '.'); /* "refs[2]" reads ".refs[2]" */
            memmove(b.data + at + 1, b.data + at, b.len - at - 1);
            b.data[at] = '.';
        }
    }
    hs_mfree(g->a, chain);
    out = rc == HS_ENOMEM ? NULL : hs_buf_detach(&b);
    if (!out) {
        hs_buf_release(&b);
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
