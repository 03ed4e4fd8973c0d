/*
 * cli/cli_treestore.h - dominator trees kept beside the snapshot: read
 * back by top, dominators and leaks instead of computed again.
 */
#ifndef HS_CLI_TREESTORE_H
#define HS_CLI_TREESTORE_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

/* Where the tree of a graph just loaded may be kept: DUMP.hsdom beside
 * its snapshot DUMP.hsidx, keyed with the snapshot's id. key 0: nowhere
 * (no snapshot used or written, or a pipeline that changed the graph
 * after it: --classic). */
typedef struct cli_tree_store {
    uint64_t key;
    bool keep;           /* cli_tree_stored's verdict: keep a tree
                            computed instead (not over a file that is not
                            ours) */
    char snapshot[1024];
    char path[1040];
} cli_tree_store;

/* The store for a graph loaded with report r; classic: --classic's passes
 * ran on it after the snapshot. */
void cli_tree_store_init(cli_tree_store *s, const hs_snapshot_report *r,
                         bool classic);

/* The tree kept in s for g, or NULL (a warning when one is there but
 * cannot be used); sets s->keep. */
hs_dominators *cli_tree_stored(const hs_graph *g, cli_tree_store *s);

/* Keeps d in s when s->keep, with the snapshot's permission bits (it
 * holds no string of the dump, but its sizes tell about it); a warning
 * when it cannot. */
void cli_tree_keep(const hs_dominators *d, const cli_tree_store *s);

#endif
