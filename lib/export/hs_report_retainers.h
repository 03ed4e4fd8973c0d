/*
 * hs_report_retainers.h - the report's retainers views: what keeps one
 * object alive, for each leak suspect and each box of the memory map
 * (see hs_report_retainers.c).
 */
#ifndef HS_REPORT_RETAINERS_H
#define HS_REPORT_RETAINERS_H

#include <heapscope.h>
#include <stddef.h>

#include "../util/hs_buf.h"
#include "hs_report_map.h"

/* Paths kept per object: the shortest, from distinct roots. */
#define HS_ALIVE_PATHS 3
/* Objects one path search may queue before it stops (with fewer paths:
 * the view says so). */
#define HS_ALIVE_SEARCH 100000
/* Bytes of views the map's boxes may take, shallowest rows first; the
 * suspects' views are always written. */
#define HS_ALIVE_BUDGET (640 * 1024)

typedef struct hs_alive_input {
    const hs_graph *g;          /* the last dump */
    const hs_dominators *d;     /* its dominator tree */
    const uint32_t *suspects;   /* the leak suspects' owners: view i */
    size_t nsuspects;
    const hs_map_box *boxes;    /* the map's boxes, by box index */
    size_t nboxes;
    size_t budget;              /* bytes of the boxes' views; 0:
                                   HS_ALIVE_BUDGET (tests set less) */
} hs_alive_input;

/* Appends the hidden store of views (<div id="alive-views" hidden>, one
 * <div class="alive" data-k="K"> per object, with data-b="I" when it is
 * the map's box I; suspect i's is K = i) and the dialog the page's
 * script shows them in. Each view: the object, its HS_ALIVE_PATHS
 * shortest paths from a root step by step, its chain of immediate
 * dominators up to the root as nested <details>. Every string from the
 * dump goes through hs_buf_add_html. HS_OK, HS_ENOMEM (in err). */
int hs_report_retainers(hs_buf *b, const hs_alive_input *in, hs_error *err);

/* One path (root first) as an <ol class="steps">: the root's repr, then
 * each edge's label and the object it leads to; long paths keep their
 * first and last steps and say how many are left out. */
void hs_report_steps(hs_buf *b, const hs_graph *g, const uint32_t *nodes,
                     size_t len);

#endif
