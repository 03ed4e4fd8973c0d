/*
 * hs_domtree.c - the dominator tree as child lists (public API).
 *
 * hs_dominators keeps each object's immediate dominator, which answers
 * "who dominates x" in O(1) but "what does x dominate" only by a scan of
 * every object. Walking the tree from the top (`top --tree`, the
 * report's map) needs the second for many x, so this turns idom into
 * CSR once (hs_retained_tree), the virtual root's children last. Every
 * reader shows the largest first, so each list is sorted once here (by
 * retained size, ties in id order) rather than by each reader.
 */
#include "hs_dominators.h"
#include "hs_retained.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>

struct hs_domtree {
    const hs_dominators *d;
    uint32_t *off;      /* n + 2: id's children are kids[off[id]..off[id+1]) */
    uint32_t *kids;
};

/* A child while sorting: its retained size beside it (qsort has no
 * context argument in C11). */
typedef struct sized {
    uint64_t retained;
    uint32_t id;
} sized;

static int
by_retained(const void *pa, const void *pb)
{
    const sized *a = pa, *b = pb;
    if (a->retained != b->retained) {
        return a->retained < b->retained ? 1 : -1;
    }
    return (a->id > b->id) - (a->id < b->id);
}

/* Sorts every child list, largest retained size first. */
static int
sort_lists(hs_domtree *t)
{
    const hs_dominators *d = t->d;
    uint32_t longest = 0;
    sized *s;
    for (uint32_t v = 0; v <= d->n; v++) {
        uint32_t len = t->off[v + 1] - t->off[v];
        longest = len > longest ? len : longest;
    }
    s = hs_malloc_array(d->g->a, (size_t)longest + 1, sizeof(*s));
    if (!s) {
        return HS_ENOMEM;
    }
    for (uint32_t v = 0; v <= d->n; v++) {
        uint32_t *kids = t->kids + t->off[v];
        uint32_t len = t->off[v + 1] - t->off[v];
        if (len < 2) {
            continue;
        }
        for (uint32_t i = 0; i < len; i++) {
            s[i].retained = d->retained[kids[i]];
            s[i].id = kids[i];
        }
        qsort(s, len, sizeof(*s), by_retained);
        for (uint32_t i = 0; i < len; i++) {
            kids[i] = s[i].id;
        }
    }
    hs_mfree(d->g->a, s);
    return HS_OK;
}

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
    if (sort_lists(t) < 0) {
        hs_domtree_free(t);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
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
