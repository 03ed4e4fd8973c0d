/*
 * cli/cmd_show.c - `heapscope show`: one object, as a REPL session shows
 * it with meliae: its repr, fields, refs_as_dict, children and parents,
 * and optionally compute_total_size.
 */
#include "cli.h"
#include "cli_site.h"
#include "cli_addr.h"
#include "cli_node.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_show_usage[] =
    "usage: heapscope show [options] DUMP ADDR\n"
    "\n"
    "One object as meliae's proxy shows it: its repr\n"
    "(dict(140478455628136 1048B 24refs 1par)), its fields, its refs as a\n"
    "dict where keys and values pair up (refs_as_dict, right for every\n"
    "dialect), then its children and parents, one line each with the key,\n"
    "attribute or index that leads to them. ADDR is decimal or 0x hex.\n"
    "\n"
    "Output:\n"
    "  --total            also the size of everything reachable from it\n"
    "                     (meliae's compute_total_size)\n"
    "  --exclude ADDR     leave ADDR out of the --total walk (repeatable,\n"
    "                     or comma-separated)\n"
    "  --limit N          list at most N children and N parents (default\n"
    "                     20; 0 lists all)\n"
    "  --json             JSON: every field, refs_as_dict, children, parents\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 the dump could not be read or has no object at\n"
    "ADDR, 2 bad usage.\n";

enum { OPT_TOTAL = OPT_FIRST_COMMAND_OPTION, OPT_EXCLUDE, OPT_LIMIT,
       OPT_JSON };

typedef struct show_opts {
    bool total, json;
    uint64_t limit;
    cli_addr_list exclude;
    uint32_t *excluded;
} show_opts;

static void
print_fields(const hs_graph *g, uint32_t id)
{
    size_t len;
    const char *type = hs_node_type(g, id, &len);
    int64_t l = hs_node_len(g, id);
    printf("  address  %llu\n  type     %.*s\n  size     %llu\n",
           (unsigned long long)hs_node_address(g, id), (int)len, type,
           (unsigned long long)hs_node_size(g, id));
    if (l != HS_NO_LEN) {
        printf("  len      %lld\n", (long long)l);
    }
    if (hs_node_layout(g, id) != HS_LAYOUT_NONE) {
        printf("  layout   %s\n", hs_layout_name(hs_node_layout(g, id)));
    }
}

/* The children, each with the label of the edge that leads to it. */
static void
print_children(const hs_graph *g, uint32_t id, uint64_t limit)
{
    uint64_t n;
    const uint32_t *kids = hs_node_children(g, id, &n);
    printf("children (%llu):\n", (unsigned long long)n);
    for (uint64_t k = 0; k < n && (!limit || k < limit); k++) {
        char *label = hs_node_ref_label(g, id, k, CLI_PREVIEW, NULL);
        printf("  %s ", label ? label : "");
        hs_free(label);
        if (hs_node_exists(g, kids[k])) {
            cli_print_repr(g, kids[k], 0, CLI_PREVIEW);
        } else {
            printf("<no record: %llu>",
                   (unsigned long long)hs_node_address(g, kids[k]));
        }
        putchar('\n');
    }
    if (limit && n > limit) {
        printf("  ... %llu more (--limit)\n",
               (unsigned long long)(n - limit));
    }
}

/* The parents, each with the label of its edge to this object. */
static void
print_parents(const hs_graph *g, uint32_t id, uint64_t limit)
{
    uint64_t n;
    const uint32_t *par = hs_node_parents(g, id, &n);
    printf("parents (%llu):\n", (unsigned long long)n);
    for (uint64_t k = 0; k < n && (!limit || k < limit); k++) {
        char *label = cli_edge_label(g, par[k], id, CLI_PREVIEW);
        printf("  ");
        cli_print_repr(g, par[k], 0, CLI_PREVIEW);
        printf(" %s\n", label);
        hs_free(label);
    }
    if (limit && n > limit) {
        printf("  ... %llu more (--limit)\n",
               (unsigned long long)(n - limit));
    }
}

static int
print_text(const hs_graph *g, uint32_t id, const show_opts *o)
{
    hs_error err;
    char *dict;
    uint64_t total = 0, objects = 0;
    if (o->total && hs_node_total_size(g, id, o->excluded, o->exclude.n,
                                       &total, &objects, &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    cli_print_repr(g, id, total, 0);
    putchar('\n');
    print_fields(g, id);
    if (o->total) {
        printf("  total    %llu bytes in %llu objects\n",
               (unsigned long long)total, (unsigned long long)objects);
    }
    cli_print_traceback(stdout, g, id);
    dict = hs_node_refs_dict_format(g, id, CLI_PREVIEW, &err);
    if (dict) {
        printf("refs_as_dict:\n  %s\n", dict);
        hs_free(dict);
    } else {
        printf("refs_as_dict: (%s)\n", err.message);
    }
    print_children(g, id, o->limit);
    print_parents(g, id, o->limit);
    return HS_EXIT_OK;
}

static void
json_refs_dict(cli_json *w, const hs_graph *g, uint32_t id)
{
    hs_ref_item *items;
    size_t n;
    hs_error err;
    cli_json_break(w, "\n  ");
    if (hs_node_refs_as_dict(g, id, &items, &n, &err) < 0) {
        cli_json_key_null(w, "refs_as_dict");
        cli_json_break(w, "\n  ");
        cli_json_key_cstr(w, "refs_as_dict_error", err.message);
        return;
    }
    cli_json_key(w, "refs_as_dict");
    cli_node_json_ref_items(w, g, items, n, "\n    ", "\n  ");
    cli_json_break(w, "\n  ");
    cli_json_key_null(w, "refs_as_dict_error");
    hs_free(items);
}

/* "children" or "parents": objects with the label of their edge. */
static void
json_edges(cli_json *w, const hs_graph *g, uint32_t id, bool parents,
           uint64_t limit)
{
    uint64_t n;
    const uint32_t *list = parents ? hs_node_parents(g, id, &n)
                                   : hs_node_children(g, id, &n);
    cli_json_break(w, "\n  ");
    cli_json_key(w, parents ? "parents" : "children");
    cli_json_array(w);
    for (uint64_t k = 0; k < n && (!limit || k < limit); k++) {
        /* A child is labelled by its own ref; a parent by its first to
         * this object. */
        char *label = parents ? cli_edge_label(g, list[k], id, 0)
                              : cli_check_alloc(hs_node_ref_label(g, id, k, 0,
                                                                  NULL));
        cli_json_break(w, "\n    ");
        cli_json_object(w);
        cli_json_key_cstr(w, "label", label);
        hs_free(label);
        if (hs_node_exists(g, list[k])) {
            cli_node_json_fields(w, g, list[k]);
        } else {
            cli_json_key_u64(w, "address", hs_node_address(g, list[k]));
            cli_json_key_null(w, "type");
        }
        cli_json_end_object(w);
    }
    cli_json_break(w, "\n  ");
    cli_json_end_array(w);
}

static int
print_json(const hs_graph *g, uint32_t id, const show_opts *o)
{
    hs_error err;
    uint64_t total = 0, objects = 0, nrefs, npar;
    int64_t len = hs_node_len(g, id);
    size_t nlen;
    const char *name = hs_node_name(g, id, &nlen);
    cli_json w;
    if (o->total && hs_node_total_size(g, id, o->excluded, o->exclude.n,
                                       &total, &objects, &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    hs_node_children(g, id, &nrefs);
    hs_node_parents(g, id, &npar);
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_break(&w, "\n  ");
    cli_node_json_fields(&w, g, id);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "len");
    if (len == HS_NO_LEN) {
        cli_json_null(&w);
    } else {
        cli_json_i64(&w, len);
    }
    cli_json_key(&w, "name");
    if (name) {
        cli_json_str(&w, name, nlen);
    } else {
        cli_json_null(&w);
    }
    cli_json_key(&w, "value");
    if (hs_node_value(g, id, &nlen, NULL)) {
        cli_node_json_value(&w, g, id);
    } else {
        cli_json_null(&w);
    }
    cli_json_break(&w, "\n  ");
    cli_json_key_cstr(&w, "layout", hs_layout_name(hs_node_layout(g, id)));
    cli_json_key_u64(&w, "nrefs", nrefs);
    cli_json_key_u64(&w, "nparents", npar);
    if (o->total) {
        cli_json_break(&w, "\n  ");
        cli_json_key_u64(&w, "total_size", total);
        cli_json_key_u64(&w, "total_objects", objects);
    }
    cli_json_break(&w, "\n  ");
    cli_site_json_traceback(&w, g, id);
    json_refs_dict(&w, g, id);
    json_edges(&w, g, id, false, o->limit);
    json_edges(&w, g, id, true, o->limit);
    cli_json_break(&w, "\n");
    cli_json_end_object(&w);
    return HS_EXIT_OK;
}

int
cmd_show(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"total", no_argument, NULL, OPT_TOTAL},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    show_opts o = {false, false, 20, {NULL, 0, 0}, NULL};
    cli_load load;
    hs_graph *g;
    uint32_t id;
    uint64_t addr;
    bool usage;
    int opt, rc = HS_EXIT_FAILURE;
    cli_load_init(&load);
    while ((opt = cli_next_option(argc, argv, "", longopts, &load)) != -1) {
        switch (opt) {
        case OPT_TOTAL: o.total = true; break;
        case OPT_JSON: o.json = true; break;
        case OPT_EXCLUDE:
            if (!cli_addr_list_add(&o.exclude, "--exclude", optarg)) {
                rc = HS_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_LIMIT:
            rc = cli_number_option("limit", optarg, &o.limit);
            if (rc != HS_EXIT_OK) {
                goto out;
            }
            break;
        default:
            rc = cli_bad_option(argv);
            goto out;
        }
    }
    if (cli_dump_and_address(argc, argv, optind, &addr) != HS_EXIT_OK) {
        rc = HS_EXIT_USAGE;
        goto out;
    }
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        goto out;
    }
    id = cli_find_object(g, argv[optind], argv[optind + 1], &usage);
    if (id != HS_NO_NODE) {
        o.excluded = cli_addr_list_resolve(&o.exclude, g, argv[optind]);
        if (o.excluded) {
            rc = o.json ? print_json(g, id, &o) : print_text(g, id, &o);
        }
    }
    hs_graph_free(g);
out:
    free(o.excluded);
    cli_addr_list_release(&o.exclude);
    return rc;
}
