/*
 * hs_neighbourhood.c - the objects within a few steps of one object.
 *
 * objgraph's show_backrefs draws what refers to an object, and what
 * refers to that, a few levels up; show_refs does the same downwards.
 * Here one breadth-first walk does either or both: the nodes array is
 * also the queue (nodes[head] is expanded, new ones appended), so the
 * nearest objects are kept when max_nodes cuts the walk. Membership is an
 * open-addressing set of ids sized for max_nodes, so a node with a
 * quarter of a million children costs one probe per child.
 *
 * Edges are then every ref from a kept node to a kept node (first ref
 * per pair), whichever direction found them, so the picture shows how
 * the kept objects hold one another.
 */
#include "hs_neighbourhood.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

/* The neighbourhood keeps a pointer to its graph, so it and its scratch
 * sets are on the graph's allocator (nb->g->a). */
typedef struct id_set {
    uint32_t *slots;  /* id + 1; 0 is empty */
    uint32_t mask;
    const hs_allocator *a;
} id_set;

static int
set_init(id_set *s, const hs_allocator *a, size_t max)
{
    size_t cap = 16;
    while (cap < max * 2) {
        cap *= 2;
    }
    s->a = a;
    s->slots = hs_calloc(a, cap, sizeof(*s->slots));
    s->mask = (uint32_t)(cap - 1);
    return s->slots ? HS_OK : HS_ENOMEM;
}

/* Adds id; returns true if it was not there. Never fills: the caller
 * adds at most half the capacity. */
static bool
set_add(id_set *s, uint32_t id, bool add)
{
    uint32_t h = (uint32_t)((id * 2654435761u) & s->mask);
    while (s->slots[h]) {
        if (s->slots[h] == id + 1) {
            return false;
        }
        h = (h + 1) & s->mask;
    }
    if (add) {
        s->slots[h] = id + 1;
    }
    return true;
}

static bool
set_has(id_set *s, uint32_t id)
{
    return !set_add(s, id, false);
}

static void
visit(hs_neighbourhood *nb, id_set *set, const uint32_t *list, uint64_t n,
      uint32_t depth, size_t max)
{
    for (uint64_t k = 0; k < n; k++) {
        uint32_t id = list[k];
        if (!hs_live(nb->g, id) || set_has(set, id)) {
            continue;
        }
        if (nb->nnodes == max) {
            nb->truncated = 1;
            return;
        }
        set_add(set, id, true);
        nb->depths[nb->nnodes] = depth;
        nb->nodes[nb->nnodes++] = id;
    }
}

static void
walk(hs_neighbourhood *nb, id_set *set, uint32_t center,
     const hs_near_options *o)
{
    hs_near_flags flags = o->flags ? o->flags : HS_NEAR_PARENTS;
    uint32_t depth = o->depth ? o->depth : 3;
    size_t max = o->max_nodes ? o->max_nodes : 50;
    set_add(set, center, true);
    nb->nodes[0] = center;
    nb->depths[0] = 0;
    nb->nnodes = 1;
    for (size_t head = 0; head < nb->nnodes; head++) {
        uint32_t v = nb->nodes[head];
        uint64_t n;
        const uint32_t *list;
        if (nb->depths[head] >= depth) {
            continue;
        }
        if (flags & HS_NEAR_PARENTS) {
            list = hs_node_parents(nb->g, v, &n);
            visit(nb, set, list, n, nb->depths[head] + 1, max);
        }
        if (flags & HS_NEAR_CHILDREN) {
            list = hs_node_children(nb->g, v, &n);
            visit(nb, set, list, n, nb->depths[head] + 1, max);
        }
    }
}

static int
add_edge(hs_neighbourhood *nb, uint32_t from, uint32_t to, uint64_t ref)
{
    if (nb->nedges == nb->edges_alloc) {
        size_t alloc = nb->edges_alloc ? nb->edges_alloc * 2 : 64;
        hs_near_edge *e = hs_realloc_array(nb->g->a, nb->edges, alloc,
                                           sizeof(*e));
        if (!e) {
            return HS_ENOMEM;
        }
        nb->edges = e;
        nb->edges_alloc = alloc;
    }
    nb->edges[nb->nedges].from = from;
    nb->edges[nb->nedges].to = to;
    nb->edges[nb->nedges].ref = ref;
    nb->nedges++;
    return HS_OK;
}

/* Every first ref between kept nodes. A per-node set of targets already
 * drawn keeps one edge per pair. */
static int
collect_edges(hs_neighbourhood *nb, id_set *set)
{
    id_set drawn;
    HS_TRY(set_init(&drawn, nb->g->a, nb->nnodes));
    for (size_t i = 0; i < nb->nnodes; i++) {
        uint64_t n;
        const uint32_t *kids = hs_node_children(nb->g, nb->nodes[i], &n);
        memset(drawn.slots, 0, ((size_t)drawn.mask + 1) * sizeof(uint32_t));
        for (uint64_t k = 0; k < n; k++) {
            if (set_has(set, kids[k]) && set_add(&drawn, kids[k], true)
                && add_edge(nb, nb->nodes[i], kids[k], k) < 0) {
                hs_mfree(drawn.a, drawn.slots);
                return HS_ENOMEM;
            }
        }
    }
    hs_mfree(drawn.a, drawn.slots);
    return HS_OK;
}

hs_neighbourhood *
hs_neighbourhood_new(const hs_graph *g, uint32_t center,
                     const hs_near_options *opts, hs_error *err)
{
    hs_near_options o = {HS_NEAR_PARENTS, 3, 50};
    hs_neighbourhood *nb;
    id_set set = {NULL, 0, NULL};
    size_t max;
    if (opts) {
        o = *opts;
    }
    max = o.max_nodes ? o.max_nodes : 50;
    if (center >= g->n || !hs_live(g, center)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    if ((!o.flags || (o.flags & HS_NEAR_PARENTS)) && !g->have_parents) {
        hs_error_set(err, HS_EINVAL, "parents were not computed");
        return NULL;
    }
    nb = hs_calloc(g->a, 1, sizeof(*nb));
    if (nb) {
        nb->g = g;
        nb->nodes = hs_malloc_array(g->a, max, sizeof(*nb->nodes));
        nb->depths = hs_malloc_array(g->a, max, sizeof(*nb->depths));
    }
    if (!nb || !nb->nodes || !nb->depths || set_init(&set, g->a, max) < 0) {
        hs_neighbourhood_free(nb);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    walk(nb, &set, center, &o);
    if (collect_edges(nb, &set) < 0) {
        hs_mfree(g->a, set.slots);
        hs_neighbourhood_free(nb);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    hs_mfree(g->a, set.slots);
    return nb;
}

void
hs_neighbourhood_free(hs_neighbourhood *nb)
{
    if (nb) {
        const hs_allocator *a = nb->g->a;
        hs_mfree(a, nb->nodes);
        hs_mfree(a, nb->depths);
        hs_mfree(a, nb->edges);
        hs_mfree(a, nb);
    }
}

const uint32_t *
hs_neighbourhood_nodes(const hs_neighbourhood *nb, size_t *count,
                       const uint32_t **depths)
{
    *count = nb->nnodes;
    if (depths) {
        *depths = nb->depths;
    }
    return nb->nodes;
}

const hs_near_edge *
hs_neighbourhood_edges(const hs_neighbourhood *nb, size_t *count)
{
    *count = nb->nedges;
    return nb->edges;
}

int
hs_neighbourhood_truncated(const hs_neighbourhood *nb)
{
    return nb->truncated;
}
