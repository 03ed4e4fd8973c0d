/*
 * hs_paths.h - paths from roots to an object (see hs_paths.c).
 *
 * The public API is in include/heapscope.h; hs_is_root is shared with the
 * graph neighbourhood (DOT) so both agree on what a root is.
 */
#ifndef HS_PATHS_H
#define HS_PATHS_H

#include <stdbool.h>

#include "../graph/hs_graph_internal.h"

/* The root kind of id ("module", "no parents"), or NULL when it is not a
 * root. module_type is the type id of "module" (UINT32_MAX if none). */
const char *hs_root_kind(const hs_graph *g, uint32_t id, uint32_t module_type);

#endif
