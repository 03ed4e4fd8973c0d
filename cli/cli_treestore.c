/*
 * cli/cli_treestore.c - dominator trees kept beside the snapshot.
 *
 * The tree takes as long as a third of a load to compute and a tenth of
 * that to read back, so the first command that computes one keeps it,
 * and the next one reads it: a second `top` on a 2 GB dump answers at
 * the speed of the snapshot. The library decides (hs_tree_store: keyed
 * with the snapshot's id, never over a file that is not ours); this
 * file says what happened.
 */
#include "cli_treestore.h"

#include "cli.h"

#include <stdio.h>

hs_dominators *
cli_tree_stored(const hs_graph *g, hs_tree_store *s)
{
    hs_error err = {0};
    hs_dominators *d = hs_tree_store_read(s, g, &err);
    if (d) {
        fprintf(stderr, "heapscope %s: dominator tree read from %s\n",
                cli_command, s->path);
    } else if (err.code != HS_ENOTFOUND) {
        cli_warning("%s", err.message);
    }
    return d;
}

void
cli_tree_keep(const hs_dominators *d, const hs_tree_store *s)
{
    hs_error err = {0};
    if (hs_tree_store_keep(s, d, &err) < 0) {
        cli_warning("%s", err.message);
    }
}
