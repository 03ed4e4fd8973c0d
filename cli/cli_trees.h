/*
 * cli_trees.h - dumps loaded one after another, each one's dominator tree
 * computed on a thread of its own while the next one loads (leaks).
 */
#ifndef CLI_TREES_H
#define CLI_TREES_H

#include "cli.h"

#include <heapscope.h>
#include <stddef.h>

/* Loads paths[0..n) in order into g[] (as cli_load_dump; stops at the
 * first that fails: returns how many loaded). When the load may use more
 * than one thread and the machine has more than one CPU, the dominator
 * tree of every dump but the last is computed while the next one loads,
 * into d[] (NULL where it was not, or when out of memory: hs_leaks_new
 * computes those itself). A tree kept beside a dump's snapshot is read
 * back instead, and one computed here is kept there; stores[] gets each
 * dump's store (cli_treestore.h), to keep the trees hs_leaks_new makes. The caller frees
 * d[i] with hs_dominators_free before g[i]. */
size_t cli_trees_load(char *const *paths, size_t n, cli_load *load,
                      hs_graph **g, hs_dominators **d,
                      hs_tree_store *stores);

#endif
