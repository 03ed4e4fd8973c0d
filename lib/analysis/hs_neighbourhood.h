/*
 * hs_neighbourhood.h - the objects near one object (see
 * hs_neighbourhood.c). The public API is in include/heapscope.h; the
 * layout below is shared with the DOT writer (lib/export/hs_dot.c).
 */
#ifndef HS_NEIGHBOURHOOD_H
#define HS_NEIGHBOURHOOD_H

#include "../graph/hs_graph_internal.h"

struct hs_neighbourhood {
    const hs_graph *g;
    uint32_t *nodes;      /* center first, breadth-first order */
    uint32_t *depths;
    size_t nnodes;
    hs_near_edge *edges;
    size_t nedges, edges_alloc;
    int truncated;
};

#endif
