/*
 * cli/cli_retained.c - sizes and dominator lines for top, dominators and
 * leaks.
 */
#include "cli_retained.h"

#include "cli.h"
#include "cli_node.h"
#include "cli_treestore.h"

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

/* How one object hangs in the dominator tree: what both printers show. */
typedef struct dominator_line {
    const char *root_kind;   /* NULL unless under the virtual root */
    uint32_t dom;            /* the immediate dominator, or HS_NO_NODE */
    const char *type;        /* the dominator's; NULL without one */
    size_t type_len;
    uint64_t address;
} dominator_line;

static void
dominator_line_init(dominator_line *l, const hs_dominators *d,
                    const hs_graph *g, uint32_t id)
{
    *l = (dominator_line){.root_kind = hs_dominators_root_kind(d, id),
                          .dom = hs_dominators_idom(d, id)};
    if (l->dom != HS_NO_NODE) {
        l->type = hs_node_type(g, l->dom, &l->type_len);
        l->address = hs_node_address(g, l->dom);
    }
}

/* The edge from id's dominator, keys cut at max_key bytes (0: whole);
 * caller frees with hs_free. */
static char *
label_of(const hs_dominators *d, uint32_t id, size_t max_key)
{
    return cli_check_alloc(hs_dominators_label(d, id, max_key, NULL));
}

void
cli_print_dominator(const hs_dominators *d, const hs_graph *g, uint32_t id)
{
    dominator_line l;
    char *label;
    dominator_line_init(&l, d, g, id);
    if (l.root_kind) {
        printf("root (%s)", l.root_kind);
        return;
    }
    if (l.dom == HS_NO_NODE) {
        return;
    }
    label = label_of(d, id, CLI_PREVIEW);
    printf("under %.*s %llu as %s", (int)l.type_len, l.type,
           (unsigned long long)l.address, label);
    hs_free(label);
}

void
cli_retained_json_dominator(cli_json *w, const hs_dominators *d,
                            const hs_graph *g, uint32_t id)
{
    dominator_line l;
    char *label;
    dominator_line_init(&l, d, g, id);
    cli_json_key_cstr(w, "root_kind", l.root_kind);
    cli_json_key(w, "dominator");
    if (l.dom == HS_NO_NODE) {
        cli_json_null(w);
        cli_json_key_null(w, "label");
        return;
    }
    cli_json_object(w);
    cli_json_key_u64(w, "address", l.address);
    cli_json_key_str(w, "type", l.type, l.type_len);
    cli_json_end_object(w);
    label = label_of(d, id, 0);
    cli_json_key_cstr(w, "label", label);
    hs_free(label);
}

hs_dominators *
cli_dominators(const hs_graph *g, hs_tree_store *s)
{
    hs_error err = {0};
    hs_dominators *d = cli_tree_stored(g, s);
    if (d) {
        return d;
    }
    d = hs_dominators_new(g, &err);
    if (!d) {
        cli_lib_error(&err);
    } else {
        cli_tree_keep(d, s);
    }
    return d;
}

/* MARK: totals */

static void
totals_text(const char *path, const hs_graph *g, const hs_dominators *d)
{
    char h[32];
    uint64_t total = hs_dominators_total_size(d);
    printf("%s: %llu object%s, %s (%llu byte%s); %llu root%s, %llu object%s "
           "no root reaches\n\n",
           path, (unsigned long long)hs_graph_count(g),
           cli_s(hs_graph_count(g)), cli_human_bytes(total, h, sizeof(h)),
           (unsigned long long)total, cli_s(total),
           (unsigned long long)hs_dominators_roots(d),
           cli_s(hs_dominators_roots(d)),
           (unsigned long long)hs_dominators_unreached(d),
           cli_s(hs_dominators_unreached(d)));
}

static void
totals_json(cli_json *w, const char *path, const hs_graph *g,
            const hs_dominators *d)
{
    cli_json_object(w);
    cli_json_key_cstr(w, "dump", path);
    cli_json_key(w, "total");
    cli_json_object(w);
    cli_json_key_u64(w, "objects", hs_graph_count(g));
    cli_json_key_u64(w, "size", hs_dominators_total_size(d));
    cli_json_key_u64(w, "roots", hs_dominators_roots(d));
    cli_json_key_u64(w, "unreached", hs_dominators_unreached(d));
    cli_json_end_object(w);
    cli_json_break(w, "\n ");
}

void
cli_print_dominator_totals(const char *path, const hs_graph *g,
                           const hs_dominators *d, cli_json *w)
{
    if (w) {
        totals_json(w, path, g, d);
    } else {
        totals_text(path, g, d);
    }
}
