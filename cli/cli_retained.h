/*
 * cli/cli_retained.h - what top, dominators and leaks print alike: sizes
 * for people, and how an object hangs under its immediate dominator.
 */
#ifndef HS_CLI_RETAINED_H
#define HS_CLI_RETAINED_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_json.h"
#include "cli_treestore.h"

/* bytes as "1.7 MiB" (B, KiB, MiB, GiB; one decimal above B) into buf. */
const char *cli_human_bytes(uint64_t bytes, char *buf, size_t size);

/* The dominator line of id: "root (module)", or "under TYPE ADDR as
 * .label" (no newline). */
void cli_print_dominator(const hs_dominators *d, const hs_graph *g,
                         uint32_t id);

/* The same as JSON members on w: "root_kind": K|null,
 * "dominator": {"address": A, "type": T}|null, "label": L|null. */
void cli_retained_json_dominator(cli_json *w, const hs_dominators *d,
                                 const hs_graph *g, uint32_t id);

/* The first line of top's outputs: objects, bytes, roots and objects no
 * root reaches; as text when w is NULL (a line and a blank line), else on
 * w: the top-level object opened, its "dump" and "total" members, and
 * the next member on a line of its own. */
void cli_print_dominator_totals(const char *path, const hs_graph *g,
                                const hs_dominators *d, cli_json *w);

/* The dominator tree of g: read back from the store s (cli_load.tree
 * after g's load) when kept there, else computed and kept there; NULL
 * after printing the error. */
hs_dominators *cli_dominators(const hs_graph *g, hs_tree_store *s);

#endif
