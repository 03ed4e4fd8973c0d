/*
 * cli/cli_domtree.h - `top --tree`: the dominator tree, indented, with
 * retained sizes and the edge each object hangs by.
 */
#ifndef HS_CLI_DOMTREE_H
#define HS_CLI_DOMTREE_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct cli_domtree_opts {
    uint64_t depth;       /* levels below the roots to show */
    double min_share;     /* percent of the heap under which objects merge */
    bool json;
} cli_domtree_opts;

/* Prints the tree of d; HS_EXIT_OK or HS_EXIT_FAILURE (out of memory). */
int cli_print_domtree(const char *path, const hs_graph *g,
                      const hs_dominators *d, const cli_domtree_opts *o);

#endif
