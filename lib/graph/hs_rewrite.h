/*
 * hs_rewrite.h - rewriting the children CSR in place.
 *
 * For passes that keep most nodes' refs, each mapped to a new target,
 * and give a few nodes new lists (collapse: owners take their dict's
 * refs, merged dicts lose theirs). hs_rebuild.h builds a second CSR
 * instead, which any pass may use but which doubles the edges for a
 * moment: on a big dump, that moment was the load's peak.
 */
#ifndef HS_REWRITE_H
#define HS_REWRITE_H

#include "hs_graph_internal.h"

#include <stdbool.h>

typedef struct hs_rewrite_ops {
    /* Whether node id gets a new list, of *count refs (0: none); false
     * keeps its refs, each passed through map. Called more than once per
     * node, from several threads: it must give the same answer each time
     * and may read the graph's node arrays, not its edges. */
    bool (*replaced)(void *ctx, const hs_graph *g, uint32_t id,
                     uint64_t *count);
    /* The new target of a ref kept in place. */
    uint32_t (*map)(void *ctx, const hs_graph *g, uint32_t target);
    /* Writes the new list of a replaced node (exactly *count refs, as
     * replaced said). It may read the edges of replaced nodes only: the
     * kept ones are being mapped meanwhile. */
    void (*fill)(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out);
    void *ctx;
} hs_rewrite_ops;

/* Rewrites g's children as ops says, in place: peak memory is the new
 * lists of the replaced nodes (written aside first) and a bit per node.
 * Parents become stale (released, have_parents cleared). HS_ELIMIT when
 * the new lists hold more refs than the old (nothing is changed then:
 * use hs_graph_rebuild_children), HS_ENOMEM. */
int hs_graph_rewrite_children(hs_graph *g, const hs_rewrite_ops *ops,
                              hs_error *err);

#endif
