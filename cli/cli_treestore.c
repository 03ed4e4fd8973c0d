/*
 * cli/cli_treestore.c - dominator trees kept beside the snapshot.
 *
 * The tree takes as long as a third of a load to compute and a tenth of
 * that to read back (hs_dominators_restore), so the first command that
 * computes one keeps it, and the next one reads it: a second `top` on a
 * 2 GB dump answers at the speed of the snapshot. The tree is keyed with
 * the snapshot's id, so it is only ever read for the graph it was
 * computed on; a dump rewritten since gets a new snapshot, and its old
 * tree is replaced on first use.
 */
#include "cli_treestore.h"

#include "cli.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

void
cli_tree_store_init(cli_tree_store *s, const hs_snapshot_report *r,
                    bool classic)
{
    memset(s, 0, sizeof(*s));
    if (classic
        || hs_snapshot_tree_path(r, s->path, sizeof(s->path)) != HS_OK) {
        return;
    }
    s->key = r->id;
    snprintf(s->snapshot, sizeof(s->snapshot), "%s", r->path);
}

hs_dominators *
cli_tree_stored(const hs_graph *g, cli_tree_store *s)
{
    hs_error err = {0};
    hs_dominators *d;
    s->keep = s->key != 0;
    if (!s->key) {
        return NULL;
    }
    d = hs_dominators_restore(g, s->path, s->key, &err);
    if (d) {
        fprintf(stderr, "heapscope %s: dominator tree read from %s\n",
                cli_command, s->path);
        return d;
    }
    if (err.code != HS_ENOTFOUND) {
        /* Not ours to replace when someone else may have put it there. */
        s->keep = err.code != HS_EINVAL;
        cli_warning("%s: not used: %s; computing the tree", s->path,
                    err.message);
    }
    return NULL;
}

void
cli_tree_keep(const hs_dominators *d, const cli_tree_store *s)
{
    hs_error err = {0};
    struct stat st;
    if (!s->key || !s->keep || stat(s->snapshot, &st) != 0) {
        return;
    }
    if (hs_dominators_save(d, s->path, s->key, st.st_mode & 0777, &err)
        < 0) {
        cli_warning("cannot keep the dominator tree: %s", err.message);
    }
}
