/*
 * cli/cli_path.c - a path from a root to an object in the commands'
 * outputs (see cli_path.h). `path` and `leaks` print paths alike, so a
 * path reads the same wherever it appears.
 */
#include "cli_path.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_node.h"

char *
cli_path_label(const hs_graph *g, const uint32_t *nodes, size_t k,
               size_t max)
{
    return cli_edge_label(g, nodes[k], nodes[k + 1], max);
}

char *
cli_path_expression(const hs_graph *g, const uint32_t *nodes, size_t len)
{
    hs_error err;
    char *text = hs_path_expression(g, nodes, len, &err);
    if (!text) {
        /* The paths come from the library, so only memory can fail. */
        cli_lib_error(&err);
        exit(HS_EXIT_FAILURE);
    }
    return text;
}

void
cli_path_print_steps(const hs_graph *g, const uint32_t *nodes, size_t len,
                     const char *indent)
{
    fputs(indent, stdout);
    cli_print_repr(g, nodes[0], 0, CLI_PREVIEW);
    putchar('\n');
    for (size_t k = 0; k + 1 < len; k++) {
        char *label = cli_path_label(g, nodes, k, CLI_PREVIEW);
        printf("%s-> %s ", indent, label);
        hs_free(label);
        cli_print_repr(g, nodes[k + 1], 0, CLI_PREVIEW);
        putchar('\n');
    }
}

void
cli_path_json(cli_json *w, const hs_graph *g, const uint32_t *nodes,
              size_t len)
{
    char *expr = cli_path_expression(g, nodes, len);
    cli_json_key_cstr(w, "expression", expr);
    hs_free(expr);
    cli_json_key(w, "steps");
    cli_json_array(w);
    for (size_t k = 0; k < len; k++) {
        char *label = k ? cli_path_label(g, nodes, k - 1, 0) : NULL;
        cli_json_break(w, "\n    ");
        cli_json_object(w);
        cli_json_key_cstr(w, "label", label);
        hs_free(label);
        cli_node_json_fields(w, g, nodes[k]);
        cli_json_end_object(w);
    }
    cli_json_end_array(w);
}
