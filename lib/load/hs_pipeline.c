/*
 * hs_pipeline.c - hs_graph_load: read a dump, then meliae's load() passes.
 *
 * meliae's load() collapses instance dicts and ends with parents computed;
 * with collapse=False it never computes parents, which heapscope does
 * anyway unless asked not to (docs/format.md §4.1).
 */
#include "hs_pipeline.h"

#include "../graph/hs_graph_internal.h"
#include "../graph/hs_read.h"
#include "../util/hs_clock.h"
#include "../util/hs_error.h"


int
hs_graph_load_passes(hs_graph *g, const hs_load_options *opts, double t0,
                     hs_after_collapse between, void *ctx, hs_error *err)
{
    double t1 = hs_seconds();
    int rc = HS_OK;
    if (!(opts->flags & HS_LOAD_NO_COLLAPSE)) {
        rc = hs_graph_collapse_instance_dicts(g, NULL, err);
    }
    if (rc == 0 && between) {
        between(ctx, g);
    }
    if (rc == 0 && !(opts->flags & HS_LOAD_NO_PARENTS)) {
        rc = hs_graph_compute_parents(g, err);
    }
    /* No stats to update: hs_graph_read counted them, collapse recounts
     * what it changes, and parents change no count. */
    g->stats.passes_seconds = hs_seconds() - t1;
    g->stats.load_seconds = hs_seconds() - t0;
    return rc;
}

hs_graph *
hs_graph_load(const char *path, const hs_load_options *opts, hs_error *err)
{
    hs_load_options defaults;
    hs_graph *g;
    double t0 = hs_seconds();
    if (!opts) {
        hs_load_options_init(&defaults);
        opts = &defaults;
    }
    g = hs_graph_read(path, opts, err);
    if (g && hs_graph_load_passes(g, opts, t0, NULL, NULL, err) < 0) {
        hs_graph_free(g);
        return NULL;
    }
    return g;
}
