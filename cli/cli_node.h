/*
 * cli/cli_node.h - one object in the outputs of the navigation commands:
 * its one-line repr, and its fields as JSON (through cli_json).
 */
#ifndef HS_CLI_NODE_H
#define HS_CLI_NODE_H

#include <heapscope.h>

#include "cli_json.h"
#include <stddef.h>
#include <stdint.h>

/* How long a value may be in a one-line listing before "..." cuts it. */
#define CLI_PREVIEW 60

/* Prints meliae's repr of id (values cut at max bytes, 0: whole). */
void cli_print_repr(const hs_graph *g, uint32_t id, uint64_t total,
                    size_t max);

/* Writes the members "address", "type", "size" and "repr" of id; the
 * repr is whole, for scripts. */
void cli_node_json_fields(cli_json *w, const hs_graph *g, uint32_t id);

/* Writes the value (or name) of id as a JSON value: a number for ints,
 * a string for text and bytes, null when it has none. */
void cli_node_json_value(cli_json *w, const hs_graph *g, uint32_t id);

/* Writes a literal of refs_as_dict/refs_as_list: strings, numbers,
 * true/false, null, or {"address": A, "type": T} for objects. */
void cli_node_json_literal(cli_json *w, const hs_graph *g,
                           const hs_literal *lit);

/* Writes refs_as_dict's items as [{"key": K, "value": V}, ...]; each
 * item after item_break and the close after close_break (NULL: on the
 * same line). */
void cli_node_json_ref_items(cli_json *w, const hs_graph *g,
                             const hs_ref_item *items, size_t n,
                             const char *item_break,
                             const char *close_break);

/* Prints a library string (caller's, freed here) or dies when NULL. */
void cli_put_owned(char *text);

/* The label of parent's first ref to child (hs_node_ref_label, keys cut
 * at max bytes, 0: whole; "" when parent does not refer to child).
 * Caller frees with hs_free; dies when out of memory. */
char *cli_edge_label(const hs_graph *g, uint32_t parent, uint32_t child,
                     size_t max);

#endif
