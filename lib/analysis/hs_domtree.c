/*
 * hs_domtree.c - the dominator tree as child lists (public API).
 *
 * hs_dominators keeps each object's immediate dominator, which answers
 * "who dominates x" in O(1) but "what does x dominate" only by a scan of
 * every object. Walking the tree from the top (`top --tree`, the
 * report's map) needs the second for many x, so this turns idom into
 * CSR once (hs_retained_tree), the virtual root's children last.
 */
#include "hs_dominators.h"
#include "hs_retained.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

struct hs_domtree {
    const hs_dominators *d;
    uint32_t *off;      /* n + 2: id's children are kids[off[id]..off[id+1]) */
    uint32_t *kids;
};

hs_domtree *
hs_domtree_new(const hs_dominators *d, hs_error *err)
{
    hs_domtree *t = hs_calloc(d->g->a, 1, sizeof(*t));
    if (!t || hs_retained_tree(d, &t->off, &t->kids) < 0) {
        hs_mfree(d->g->a, t);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    t->d = d;
    return t;
}

void
hs_domtree_free(hs_domtree *t)
{
    if (t) {
        const hs_allocator *a = t->d->g->a;
        hs_mfree(a, t->off);
        hs_mfree(a, t->kids);
        hs_mfree(a, t);
    }
}

const uint32_t *
hs_domtree_children(const hs_domtree *t, uint32_t id, size_t *count)
{
    uint32_t v = id == HS_NO_NODE ? t->d->n : id;
    *count = 0;
    if (v > t->d->n) {
        return NULL;
    }
    *count = t->off[v + 1] - t->off[v];
    return *count ? t->kids + t->off[v] : NULL;
}
