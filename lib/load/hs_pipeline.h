/*
 * hs_pipeline.h - a dump read, then meliae's load() passes, in steps.
 *
 * The public hs_graph_load runs both at once. hs_graph_open (the snapshot
 * cache, hs_snapcache.c) runs them itself, to write the snapshot while the
 * passes work: it reads with hs_graph_read (lib/graph/hs_read.h), then
 * calls hs_graph_load_passes with a hook between collapse and parents.
 */
#ifndef HS_PIPELINE_H
#define HS_PIPELINE_H

#include <heapscope.h>

/* Called by hs_graph_load_passes between collapse and parents. */
typedef void (*hs_after_collapse)(void *ctx, hs_graph *g);

/* The rest of hs_graph_load on a graph hs_graph_read made at time t0
 * (hs_seconds): the passes opts asks for, and the load's timings;
 * between (may be NULL) is called once collapse ran or was skipped.
 * Returns HS_OK or the error (err set); g is the caller's either way. */
int hs_graph_load_passes(hs_graph *g, const hs_load_options *opts, double t0,
                         hs_after_collapse between, void *ctx,
                         hs_error *err);

#endif
