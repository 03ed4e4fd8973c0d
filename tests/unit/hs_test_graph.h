/*
 * hs_test_graph.h - a dump written out by a unit test, loaded as a graph
 * the way the analysis tests want it: exactly as written (no collapse),
 * on one thread, so ids and results do not depend on the machine.
 */
#ifndef HS_TEST_GRAPH_H
#define HS_TEST_GRAPH_H

#include "hs_test.h"

#include <heapscope.h>

/* Writes text to the scratch file name and loads it; NULL (after
 * printing why) when it does not load. Caller frees with hs_graph_free. */
static inline hs_graph *
hs_test_load_graph(const char *name, const char *text)
{
    hs_load_options o;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&o);
    o.flags = HS_LOAD_NO_COLLAPSE;
    o.threads = 1;
    g = hs_graph_load(hs_test_text(name, text), &o, &err);
    if (!g) {
        printf("    load %s: %s\n", name, err.message);
    }
    return g;
}

#endif
