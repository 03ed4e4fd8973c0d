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

static void
die_oom(void)
{
    fprintf(stderr, "heapscope: out of memory\n");
    exit(HS_EXIT_FAILURE);
}

char *
cli_path_label(const hs_graph *g, const uint32_t *nodes, size_t k,
               size_t max)
{
    uint64_t n, ref = 0;
    const uint32_t *kids = hs_node_children(g, nodes[k], &n);
    char *label;
    while (ref < n && kids[ref] != nodes[k + 1]) {
        ref++;
    }
    label = hs_node_ref_label(g, nodes[k], ref, max, NULL);
    if (!label) {
        die_oom();
    }
    return label;
}

char *
cli_path_expression(const hs_graph *g, const uint32_t *nodes, size_t len)
{
    size_t nlen, size;
    const char *type = hs_node_type(g, nodes[0], &nlen);
    const char *name = NULL;
    char *text = NULL;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        die_oom();
    }
    if (nlen == 6 && memcmp(type, "module", 6) == 0) {
        size_t tlen = nlen;
        name = hs_node_name(g, nodes[0], &nlen);
        nlen = name ? nlen : tlen;
    }
    if (name) {
        fwrite(name, 1, nlen, f);
    } else {
        fprintf(f, "<%.*s@%llu>", (int)nlen, type,
                (unsigned long long)hs_node_address(g, nodes[0]));
    }
    for (size_t k = 0; k + 1 < len; k++) {
        char *label = cli_path_label(g, nodes, k, 40);
        if (label[0] != '.' && label[0] != '[') {
            fputc('.', f); /* refs[3], __class__, (key) read as attributes */
        }
        fputs(label, f);
        hs_free(label);
    }
    if (fclose(f) != 0 || !text) {
        die_oom();
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
cli_path_print_json(const hs_graph *g, const uint32_t *nodes, size_t len)
{
    char *expr = cli_path_expression(g, nodes, len);
    printf("\"expression\": ");
    cli_json_string(expr, strlen(expr));
    free(expr);
    printf(", \"steps\": [");
    for (size_t k = 0; k < len; k++) {
        char *label = k ? cli_path_label(g, nodes, k - 1, 0) : NULL;
        printf("%s\n    {\"label\": ", k ? "," : "");
        if (label) {
            cli_json_string(label, strlen(label));
        } else {
            printf("null");
        }
        hs_free(label);
        printf(", ");
        cli_json_node_fields(g, nodes[k]);
        putchar('}');
    }
    putchar(']');
}
