/*
 * cli/cli_path.h - a path from a root to an object, as `path`, `leaks`
 * and `dominators` print it: the Python-like expression
 * (__main__.observer.history[12]), the steps one per line, and JSON.
 */
#ifndef HS_CLI_PATH_H
#define HS_CLI_PATH_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

#include "cli_json.h"

/* The label of the edge nodes[k] -> nodes[k + 1] (keys cut at max bytes,
 * 0: whole). Caller frees with hs_free; dies when out of memory. */
char *cli_path_label(const hs_graph *g, const uint32_t *nodes, size_t k,
                     size_t max);

/* hs_path_expression: __main__.observer.history[12]. Caller frees with
 * hs_free; dies when out of memory. */
char *cli_path_expression(const hs_graph *g, const uint32_t *nodes,
                          size_t len);

/* The steps, one a line after indent: the root's repr, then
 * "-> label repr" for each edge. */
void cli_path_print_steps(const hs_graph *g, const uint32_t *nodes,
                          size_t len, const char *indent);

/* Writes the members `"expression": E, "steps": [{"label": L|null,
 * <node fields>}, ...]`, a step a line. */
void cli_path_json(cli_json *w, const hs_graph *g, const uint32_t *nodes,
                   size_t len);

#endif
