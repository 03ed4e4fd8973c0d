/*
 * hs_rebuild.h - rewriting every node's refs in one pass.
 *
 * The passes that change edges (collapse, remove_expensive_references)
 * describe the new refs of each node with two callbacks, and this module
 * builds the new children CSR from them: count, allocate once, fill.
 */
#ifndef HS_REBUILD_H
#define HS_REBUILD_H

#include "hs_graph_internal.h"

typedef struct hs_rebuild_ops {
    /* Number of refs node id will have (0 for gone and phantom nodes). */
    uint64_t (*count)(void *ctx, const hs_graph *g, uint32_t id);
    /* Writes exactly count(id) refs to out. */
    void (*fill)(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out);
    void *ctx;
} hs_rebuild_ops;

/* Replaces g's children with the refs the callbacks describe. Parents
 * become stale (have_parents is cleared). */
int hs_graph_rebuild_children(hs_graph *g, const hs_rebuild_ops *ops,
                              hs_error *err);

#endif
