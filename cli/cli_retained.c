/*
 * cli/cli_retained.c - sizes and dominator lines for top, dominators and
 * leaks.
 */
#include "cli_retained.h"

#include "cli.h"
#include "cli_node.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
cli_human_bytes(uint64_t bytes, char *buf, size_t size)
{
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    int u = -1;
    if (bytes < 1024) {
        snprintf(buf, size, "%llu B", (unsigned long long)bytes);
        return buf;
    }
    while (v >= 1024.0 && u < 3) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, size, "%.1f %s", v, units[u]);
    return buf;
}

static char *
label_of(const hs_dominators *d, uint32_t id)
{
    return cli_check_alloc(hs_dominators_label(d, id, CLI_PREVIEW, NULL));
}

void
cli_print_dominator(const hs_dominators *d, const hs_graph *g, uint32_t id)
{
    const char *kind = hs_dominators_root_kind(d, id);
    uint32_t dom = hs_dominators_idom(d, id);
    size_t len;
    const char *type;
    char *label;
    if (kind) {
        printf("root (%s)", kind);
        return;
    }
    if (dom == HS_NO_NODE) {
        return;
    }
    type = hs_node_type(g, dom, &len);
    label = label_of(d, id);
    printf("under %.*s %llu as %s", (int)len, type,
           (unsigned long long)hs_node_address(g, dom), label);
    hs_free(label);
}

void
cli_json_dominator(const hs_dominators *d, const hs_graph *g, uint32_t id)
{
    const char *kind = hs_dominators_root_kind(d, id);
    uint32_t dom = hs_dominators_idom(d, id);
    size_t len;
    const char *type;
    char *label;
    printf("\"root_kind\": ");
    if (kind) {
        cli_json_string(kind, strlen(kind));
    } else {
        printf("null");
    }
    printf(", \"dominator\": ");
    if (dom == HS_NO_NODE) {
        printf("null, \"label\": null");
        return;
    }
    type = hs_node_type(g, dom, &len);
    printf("{\"address\": %llu, \"type\": ",
           (unsigned long long)hs_node_address(g, dom));
    cli_json_string(type, len);
    printf("}, \"label\": ");
    label = cli_check_alloc(hs_dominators_label(d, id, 0, NULL));
    cli_json_string(label, strlen(label));
    hs_free(label);
}

hs_dominators *
cli_dominators(const hs_graph *g)
{
    hs_error err = {0};
    hs_dominators *d = hs_dominators_new(g, &err);
    if (!d) {
        cli_lib_error(&err);
    }
    return d;
}
