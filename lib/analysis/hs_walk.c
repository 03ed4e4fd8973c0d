/*
 * hs_walk.c - meliae's recursive walks, in meliae's order.
 *
 * iter_recursive_refs (docs/format.md §4.10) is a depth-first walk over an
 * explicit stack: pop, skip what was seen, mark, push every unseen ref in
 * refs order, yield. The last ref pushed is popped first, so the last
 * child's subtree comes first; the object itself comes first of all.
 * Excluded objects start out "seen", so the walk never enters them.
 * Dangling refs (phantom nodes) are marked and skipped, never yielded.
 *
 * Invariants: each id is yielded at most once; the stack holds at most
 * one entry per edge examined, so it is bounded by the refs of the
 * objects reached. Nothing recurses, so a chain a million long is fine.
 *
 * get_all and all sort by (size, refs, parents) descending; qsort is not
 * stable, so the position in the input order is the last key.
 */
#include "hs_walk.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

/* The walk's own stack is scratch (the graph's allocator); the order it
 * yields is the caller's (hs_free: malloc). */
typedef struct id_stack {
    uint32_t *v;
    size_t n, alloc;
    const hs_allocator *a;
} id_stack;

static int
push(id_stack *s, uint32_t id)
{
    if (s->n == s->alloc) {
        size_t alloc = s->alloc ? s->alloc * 2 : 256;
        uint32_t *v = hs_realloc_array(s->a, s->v, alloc, sizeof(*v));
        if (!v) {
            return HS_ENOMEM;
        }
        s->v = v;
        s->alloc = alloc;
    }
    s->v[s->n++] = id;
    return HS_OK;
}

static int
walk(const hs_graph *g, uint32_t start, const uint32_t *exclude,
     size_t nexclude, id_stack *out, hs_error *err)
{
    hs_bits seen;
    id_stack stack = {NULL, 0, 0, g->a};
    int rc = HS_OK;
    if (hs_bits_init(&seen, g->a, g->n) < 0) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < nexclude; i++) {
        if (exclude[i] < g->n) {
            hs_bits_set(&seen, exclude[i]);
        }
    }
    rc = push(&stack, start);
    while (rc == HS_OK && stack.n) {
        uint32_t id = stack.v[--stack.n];
        uint64_t nrefs;
        const uint32_t *refs;
        if (hs_bits_test(&seen, id)) {
            continue;
        }
        hs_bits_set(&seen, id);
        if (!hs_live(g, id)) {
            continue;
        }
        refs = hs_node_children(g, id, &nrefs);
        for (uint64_t k = 0; k < nrefs && rc == HS_OK; k++) {
            if (!hs_bits_test(&seen, refs[k])) {
                rc = push(&stack, refs[k]);
            }
        }
        if (rc == HS_OK) {
            rc = push(out, id);
        }
    }
    hs_mfree(stack.a, stack.v);
    hs_bits_release(&seen);
    if (rc < 0) {
        return hs_error_set(err, rc, "out of memory");
    }
    return HS_OK;
}

int
hs_node_walk(const hs_graph *g, uint32_t id, const uint32_t *exclude,
             size_t nexclude, uint32_t **order, size_t *count, hs_error *err)
{
    id_stack out = {NULL, 0, 0, NULL}; /* the caller's: malloc */
    *order = NULL;
    *count = 0;
    HS_RETURN_IF(id >= g->n || !hs_live(g, id), HS_ENOTFOUND, err,
                 "no such object");
    if (walk(g, id, exclude, nexclude, &out, err) < 0) {
        hs_mfree(NULL, out.v);
        return err ? err->code : HS_ENOMEM;
    }
    if (!out.v) {
        out.v = hs_malloc(NULL, 1);
        HS_RETURN_IF(!out.v, HS_ENOMEM, err, "out of memory");
    }
    *order = out.v;
    *count = out.n;
    return HS_OK;
}

int
hs_node_total_size(const hs_graph *g, uint32_t id, const uint32_t *exclude,
                   size_t nexclude, uint64_t *total, uint64_t *objects,
                   hs_error *err)
{
    uint32_t *order;
    size_t n;
    uint64_t sum = 0;
    HS_TRY(hs_node_walk(g, id, exclude, nexclude, &order, &n, err));
    for (size_t i = 0; i < n; i++) {
        sum += hs_size_of(g, order[i]);
    }
    hs_mfree(NULL, order);
    *total = sum;
    if (objects) {
        *objects = n;
    }
    return HS_OK;
}

/* MARK: get_all and all */

typedef struct ranked {
    uint64_t size, refs, parents;
    size_t pos;
    uint32_t id;
} ranked;

static int
by_rank(const void *pa, const void *pb)
{
    const ranked *a = pa, *b = pb;
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1;
    }
    if (a->refs != b->refs) {
        return a->refs > b->refs ? -1 : 1;
    }
    if (a->parents != b->parents) {
        return a->parents > b->parents ? -1 : 1;
    }
    return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static bool
wanted(const hs_graph *g, const uint32_t *tid, uint32_t id)
{
    return hs_live(g, id) && (!tid || g->type[id] == *tid);
}

int
hs_rank_objects(const hs_graph *g, const uint32_t *tid, const uint32_t *in,
                size_t n, uint32_t **ids, size_t *count, hs_error *err)
{
    ranked *r = NULL;
    size_t k = 0;
    uint32_t *out;
    for (size_t i = 0; i < n; i++) {
        k += wanted(g, tid, in[i]);
    }
    /* the ranking is scratch; *ids is the caller's (malloc) */
    r = hs_malloc_array(g->a, k, sizeof(*r));
    out = hs_malloc_array(NULL, k, sizeof(*out));
    if (!r || !out) {
        hs_mfree(g->a, r);
        hs_mfree(NULL, out);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t id = in[i];
        if (wanted(g, tid, id)) {
            r[k].id = id;
            r[k].pos = i;
            r[k].size = hs_size_of(g, id);
            hs_node_children(g, id, &r[k].refs);
            hs_node_parents(g, id, &r[k].parents);
            k++;
        }
    }
    qsort(r, k, sizeof(*r), by_rank);
    for (size_t i = 0; i < k; i++) {
        out[i] = r[i].id;
    }
    hs_mfree(g->a, r);
    *ids = out;
    *count = k;
    return HS_OK;
}

int
hs_graph_get_all(const hs_graph *g, const char *type, size_t type_len,
                 uint32_t **ids, size_t *count, hs_error *err)
{
    uint32_t tid = hs_strtab_find(&g->types, type, type_len);
    uint32_t *all;
    int rc;
    *ids = NULL;
    *count = 0;
    if (tid == UINT32_MAX) {
        *ids = hs_malloc(NULL, 1); /* the caller's: malloc */
        HS_RETURN_IF(!*ids, HS_ENOMEM, err, "out of memory");
        return HS_OK;
    }
    /* File order is the tie-break: feed the ids in order. */
    all = hs_malloc_array(g->a, g->n, sizeof(*all));
    HS_RETURN_IF(!all, HS_ENOMEM, err, "out of memory");
    for (uint32_t i = 0; i < g->n; i++) {
        all[i] = i;
    }
    rc = hs_rank_objects(g, &tid, all, g->n, ids, count, err);
    hs_mfree(g->a, all);
    return rc;
}

int
hs_node_all(const hs_graph *g, uint32_t id, const char *type,
            size_t type_len, const uint32_t *exclude, size_t nexclude,
            uint32_t **ids, size_t *count, hs_error *err)
{
    uint32_t tid = hs_strtab_find(&g->types, type, type_len);
    uint32_t *order;
    size_t n;
    int rc;
    *ids = NULL;
    *count = 0;
    HS_TRY(hs_node_walk(g, id, exclude, nexclude, &order, &n, err));
    if (tid == UINT32_MAX) {
        n = 0; /* no such type: an empty result */
    }
    rc = hs_rank_objects(g, &tid, order, n, ids, count, err);
    hs_mfree(NULL, order);
    return rc;
}
