/*
 * cli/cli_memory.h - how much of a process's memory its Python objects
 * explain: the header's memory members (docs/format.md §6) against the
 * sum of the records' sizes, for info and, across dumps, for leaks.
 */
#ifndef HS_CLI_MEMORY_H
#define HS_CLI_MEMORY_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_json.h"

/* info's lines about memory: text when w is NULL, else its JSON members
 * ("rss_bytes": N, ...) on w; nothing for a dump without them. */
void cli_memory_info(const hs_graph *g, cli_json *w);

/* leaks: whether the resident memory grew from the first to the last
 * dump in Python objects or outside them. One line of text when w is
 * NULL (left out when a dump lacks the figures), else the member
 * "memory" on w ({...}, or null). */
void cli_memory_growth(const hs_graph *first, const hs_graph *last,
                       size_t ndumps, cli_json *w);

#endif
