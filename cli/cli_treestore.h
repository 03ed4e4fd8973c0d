/*
 * cli/cli_treestore.h - dominator trees kept beside the snapshot: read
 * back by top, dominators and leaks instead of computed again.
 */
#ifndef HS_CLI_TREESTORE_H
#define HS_CLI_TREESTORE_H

#include <heapscope.h>

/* The tree kept in s for g (said on stderr), or NULL (a warning when one
 * is there but cannot be used); sets s->keep (hs_tree_store_read). */
hs_dominators *cli_tree_stored(const hs_graph *g, hs_tree_store *s);

/* Keeps d in s (hs_tree_store_keep); a warning when it cannot. */
void cli_tree_keep(const hs_dominators *d, const hs_tree_store *s);

#endif
