/*
 * hs_test_graph.h - a dump written out by a unit test, loaded as a graph
 * the way the analysis tests want it: exactly as written (no collapse),
 * on one thread, so ids and results do not depend on the machine.
 */
#ifndef HS_TEST_GRAPH_H
#define HS_TEST_GRAPH_H

#include "hs_test.h"

#include <heapscope.h>

/* Loads path with flags on threads threads; NULL (after printing why)
 * when it does not load. Caller frees with hs_graph_free. */
static inline hs_graph *
hs_test_load_path(const char *path, hs_load_flags flags, unsigned threads)
{
    hs_load_options o;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&o);
    o.flags = flags;
    o.threads = threads;
    g = hs_graph_load(path, &o, &err);
    if (!g) {
        printf("    load %s: %s\n", path, err.message);
    }
    return g;
}

/* Writes text to the scratch file name and loads it; NULL (after
 * printing why) when it does not load. Caller frees with hs_graph_free. */
static inline hs_graph *
hs_test_load_graph(const char *name, const char *text)
{
    return hs_test_load_path(hs_test_text(name, text), HS_LOAD_NO_COLLAPSE,
                             1);
}

#endif
