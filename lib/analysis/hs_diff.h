/*
 * hs_diff.h - comparing two dumps by address (see hs_diff.c).
 *
 * The public API (hs_diff_new and friends) is in include/heapscope.h.
 * hs_same_object is shared with other comparisons across dumps.
 */
#ifndef HS_DIFF_H
#define HS_DIFF_H

#include <stdbool.h>

#include "../graph/hs_graph_internal.h"

/* True when OLD's node o and NEW's node n are one object: same address
 * (the caller looked o up by n's), same type string, same value. */
bool hs_same_object(const hs_graph *old_g, uint32_t o, const hs_graph *new_g,
                    uint32_t n);

#endif
