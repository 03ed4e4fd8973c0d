/*
 * hs_report_map.h - the report's retained-size map: the dominator tree of
 * the last dump as an icicle (see hs_report_map.c).
 */
#ifndef HS_REPORT_MAP_H
#define HS_REPORT_MAP_H

#include <heapscope.h>
#include <stddef.h>

#include "../util/hs_buf.h"

/* Boxes below this share of the heap (in millionths) are merged into one
 * "N smaller objects" box per parent; no box is deeper than
 * HS_MAP_MAX_DEPTH rows, and there are at most HS_MAP_MAX_BOXES: the page
 * stays light whatever the dump's size. */
#define HS_MAP_FLOOR_PPM 2500
#define HS_MAP_MAX_DEPTH 12
#define HS_MAP_MAX_BOXES 3000

typedef struct hs_map_input {
    const hs_graph *g;         /* the last dump */
    const hs_dominators *d;    /* its dominator tree, retained sizes */
    const hs_graph *first;     /* the first dump, or NULL */
    const hs_dominators *first_d; /* its tree (with first) */
    const uint32_t *suspects;  /* the leak suspects' owners (ids of g) */
    size_t nsuspects;
} hs_map_input;

/* What each box of the map is, by box index, for the retainers views
 * (hs_report_retainers.h): its object (HS_NO_NODE for a box of merged
 * smaller objects) and its row. */
typedef struct hs_map_box {
    uint32_t id;
    uint32_t depth;
} hs_map_box;

/* Appends the map's <section> to b, left open for the caller to close
 * (the retainers views follow the map inside it): the legend, the
 * breadcrumb, the "what keeps it alive" button of the focused box and an
 * inline SVG with one <g class="box"> per box (data-i, data-p: its own
 * and its parent's index; data-x0, data-x1: its extent in millionths of
 * the heap; data-d: its row; data-r: retained bytes; data-l: its label),
 * each with a <title> for hovering. Every string from the dump goes
 * through hs_buf_add_html. *boxes gets what each box is (*nboxes of
 * them; free with hs_mfree and g's allocator). HS_OK or HS_ENOMEM (in
 * err). */
int hs_report_map(hs_buf *b, const hs_map_input *in, hs_map_box **boxes,
                  size_t *nboxes, hs_error *err);

#endif
