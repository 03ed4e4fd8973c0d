/*
 * cli/cli_site.h - allocation sites in the outputs (docs/format.md §7):
 * an object's traceback, and a traceback's allocating line as a label.
 */
#ifndef HS_CLI_SITE_H
#define HS_CLI_SITE_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cli_json.h"

/* Prints id's allocation traceback as `show` does, oldest frame first:
 * nothing when the dump has no sites, "not traced" when id has none. */
void cli_print_traceback(FILE *out, const hs_graph *g, uint32_t id);

/* Writes the member `"traceback": [[file, line], ...]` (oldest first),
 * or null. */
void cli_site_json_traceback(cli_json *w, const hs_graph *g, uint32_t id);

/* Writes traceback tb's allocating line, its most recent frame, as
 * `file:line` into buf (cut to size); "" when tb is 0 or undefined. */
void cli_site_label(const hs_graph *g, uint32_t tb, char *buf, size_t size);

/* `heapscope summary --by-site`: live objects by allocation site, the
 * last depth frames of each traceback; rows and format from table.
 * Returns an exit status (after printing the error). */
struct cli_table;
int cli_site_summary(const hs_graph *g, size_t depth, int by_count,
                     const struct cli_table *table);

/* `heapscope top --by-site`: what the live objects of each allocation
 * site retain (d: g's dominator tree), largest first; fails on a dump
 * without sites. Returns an exit status. */
int cli_site_top(const char *path, const hs_graph *g, const hs_dominators *d,
                 size_t depth, const struct cli_table *table);

/* `heapscope diff --by-site`: live objects' growth per allocation site
 * from old_g to new_g (text), largest byte growth first. */
int cli_site_diff(const hs_graph *old_g, const hs_graph *new_g, size_t depth,
                  const struct cli_table *table);

#endif
