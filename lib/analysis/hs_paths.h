/*
 * hs_paths.h - many path searches on one graph (see hs_paths.c).
 *
 * hs_paths_find (include/heapscope.h) allocates its state, finds the
 * roots and clears 8 bytes per node for every search: right for one
 * object, too much for the report, which shows the paths of every box of
 * its memory map. A finder keeps that state between searches and costs
 * per search only what the search visits. The paths are those
 * hs_paths_find gives, by the same search.
 */
#ifndef HS_PATHS_H
#define HS_PATHS_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct hs_path_finder hs_path_finder;

/* A finder over g (parents computed: HS_EINVAL otherwise; HS_ENOMEM),
 * never walking through opts' excluded types (opts may be NULL; its
 * max_paths is ignored). Holds 8 bytes per node until freed. */
hs_path_finder *hs_path_finder_new(const hs_graph *g,
                                   const hs_path_options *opts,
                                   hs_error *err);
void hs_path_finder_free(hs_path_finder *f);

/* hs_paths_find's answer for target with up to max_paths paths (0: 1);
 * max_visited, when not 0, stops the search once a whole level has
 * been searched and that many objects were queued (hs_paths_stopped
 * says so; the paths found are still the shortest). Free with
 * hs_paths_free. NULL: HS_ENOTFOUND, HS_ENOMEM. */
hs_paths *hs_path_finder_find(hs_path_finder *f, uint32_t target,
                              size_t max_paths, uint64_t max_visited,
                              hs_error *err);

/* Whether the search stopped at max_visited with fewer paths than asked
 * for: other roots may reach the object. */
bool hs_paths_stopped(const hs_paths *p);

#endif
