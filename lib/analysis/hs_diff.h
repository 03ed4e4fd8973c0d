/*
 * hs_diff.h - two dumps by address (see hs_diff.c).
 *
 * The public API (hs_diff_new and friends) is in include/heapscope.h.
 */
#ifndef HS_DIFF_H
#define HS_DIFF_H

#include <heapscope.h>

#include "../util/hs_stop.h"

/* hs_diff_new, asking stop between its steps: NULL with HS_ELIMIT and
 * "stopped" when it says so. */
hs_diff *hs_diff_new_stop(const hs_graph *old_graph, const hs_graph *new_graph,
                          const hs_stop *stop, hs_error *err);

#endif
