/*
 * cli/cli_treestore.h - dominator trees kept beside the snapshot: read
 * back by top, dominators and leaks instead of computed again.
 */
#ifndef HS_CLI_TREESTORE_H
#define HS_CLI_TREESTORE_H

#include <heapscope.h>

/* The store for a graph loaded with report r; classic: --classic's passes
 * ran on it after the snapshot (nowhere to keep its tree). */
void cli_tree_store_init(hs_tree_store *s, const hs_snapshot_report *r,
                         int classic);

/* The tree kept in s for g (said on stderr), or NULL (a warning when one
 * is there but cannot be used); sets s->keep (hs_tree_store_read). */
hs_dominators *cli_tree_stored(const hs_graph *g, hs_tree_store *s);

/* Keeps d in s (hs_tree_store_keep); a warning when it cannot. */
void cli_tree_keep(const hs_dominators *d, const hs_tree_store *s);

#endif
