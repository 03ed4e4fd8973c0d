/*
 * hs_read.h - reading a dump's records into a graph (no passes yet).
 *
 * hs_graph_read does the parse and the graph build: records appended in
 * file order, duplicates skipped, refs resolved to node ids (a phantom
 * node per dangling address), dialect detected and dicts tagged. The
 * public hs_graph_load (lib/passes/hs_pipeline.c) runs it and then the
 * passes meliae's load() runs.
 */
#ifndef HS_READ_H
#define HS_READ_H

#include <heapscope.h>

hs_graph *hs_graph_read(const char *path, const hs_load_options *opts,
                        hs_error *err);

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
