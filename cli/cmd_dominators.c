/*
 * cli/cmd_dominators.c - `heapscope dominators DUMP ADDR`: the chain of
 * immediate dominators from an object up to the root, and the largest
 * objects it dominates.
 */
#include "cli.h"
#include "cli_addr.h"
#include "cli_node.h"
#include "cli_retained.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_dominators_usage[] =
    "usage: heapscope dominators [options] DUMP ADDR\n"
    "\n"
    "Why the object at ADDR is alive, and what it keeps alive. First the\n"
    "chain of immediate dominators from the object up to a root: each is an\n"
    "object that every path from the roots to ADDR passes through, so\n"
    "freeing any of them frees ADDR; each line says how the object hangs\n"
    "under the next (the attribute, key or index of the refs between\n"
    "them). Then the largest objects ADDR dominates: what freeing it would\n"
    "free. Every line names an address to go to next.\n"
    "\n"
    "Options:\n"
    "  --max N            list N dominated objects (default 20; 0: all)\n"
    "  --json             JSON: {\"object\", \"chain\": [...], \"dominated\":\n"
    "                     [...]}\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 the dump could not be read or ADDR is unknown, 2\n"
    "bad usage.\n";

enum { OPT_MAX = OPT_FIRST_COMMAND_OPTION, OPT_JSON };

static void
print_retained(const hs_dominators *d, uint32_t id)
{
    char h[32];
    uint64_t n = hs_dominators_retained_count(d, id);
    printf("retains %s in %llu object%s",
           cli_human_bytes(hs_dominators_retained_size(d, id), h, sizeof(h)),
           (unsigned long long)n, cli_s(n));
}

static void
chain_text(const hs_graph *g, const hs_dominators *d, uint32_t id)
{
    printf("Dominators, from the object up to the root:\n");
    for (size_t k = 0; id != HS_NO_NODE; k++) {
        printf("%4zu  ", k);
        cli_print_repr(g, id, 0, CLI_PREVIEW);
        printf("\n      ");
        print_retained(d, id);
        printf("; ");
        cli_print_dominator(d, g, id);
        putchar('\n');
        id = hs_dominators_idom(d, id);
    }
}

static void
dominated_text(const hs_graph *g, const hs_dominators *d, uint32_t id,
               const uint32_t *kids, size_t n, size_t all)
{
    printf("\nLargest of the %zu object%s it dominates directly:\n", all,
           cli_s(all));
    if (!n) {
        printf("  (none)\n");
    }
    for (size_t i = 0; i < n; i++) {
        char *label = hs_dominators_label(d, kids[i], CLI_PREVIEW, NULL);
        printf("%4zu  %s ", i, label ? label : "");
        hs_free(label);
        cli_print_repr(g, kids[i], 0, CLI_PREVIEW);
        printf("\n      ");
        print_retained(d, kids[i]);
        putchar('\n');
    }
    (void)id;
}

static void
json_entry(cli_json *w, const hs_graph *g, const hs_dominators *d,
           uint32_t id)
{
    cli_json_object(w);
    cli_node_json_fields(w, g, id);
    cli_json_key_u64(w, "retained_size", hs_dominators_retained_size(d, id));
    cli_json_key_u64(w, "retained_count",
                     hs_dominators_retained_count(d, id));
    cli_retained_json_dominator(w, d, g, id);
    cli_json_end_object(w);
}

static void
print_json(const hs_graph *g, const hs_dominators *d, uint32_t id,
           const uint32_t *kids, size_t n, size_t all)
{
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_key(&w, "object");
    json_entry(&w, g, d, id);
    cli_json_break(&w, "\n ");
    cli_json_key(&w, "chain");
    cli_json_array(&w);
    for (uint32_t v = id; v != HS_NO_NODE; v = hs_dominators_idom(d, v)) {
        cli_json_break(&w, "\n  ");
        json_entry(&w, g, d, v);
    }
    cli_json_break(&w, "\n ");
    cli_json_end_array(&w);
    cli_json_break(&w, "\n ");
    cli_json_key_u64(&w, "dominated_count", all);
    cli_json_key(&w, "dominated");
    cli_json_array(&w);
    for (size_t i = 0; i < n; i++) {
        cli_json_break(&w, "\n  ");
        json_entry(&w, g, d, kids[i]);
    }
    cli_json_break(&w, "\n ");
    cli_json_end_array(&w);
    cli_json_end_object(&w);
}

static int
report(const char *path, const hs_graph *g, const hs_dominators *d,
       uint32_t id, uint64_t max, bool json)
{
    uint32_t *kids, *all_kids;
    size_t n, all;
    hs_error err = {0};
    if (hs_dominators_children(d, id, SIZE_MAX, &all_kids, &all, &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    kids = all_kids;
    n = max && max < all ? (size_t)max : all;
    if (json) {
        print_json(g, d, id, kids, n, all);
    } else {
        printf("%s: ", path);
        cli_print_repr(g, id, 0, CLI_PREVIEW);
        printf("\n");
        print_retained(d, id);
        printf(" (%.1f %% of the heap)\n\n",
               hs_dominators_total_size(d)
                   ? (double)hs_dominators_retained_size(d, id) * 100.0
                         / (double)hs_dominators_total_size(d)
                   : 0.0);
        chain_text(g, d, id);
        dominated_text(g, d, id, kids, n, all);
    }
    hs_free(all_kids);
    return HS_EXIT_OK;
}

static int
parse_options(int argc, char **argv, cli_load *load, uint64_t *max,
              bool *json)
{
    static const struct option longopts[] = {
        {"max", required_argument, NULL, OPT_MAX},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    uint64_t addr;
    int opt;
    while ((opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        switch (opt) {
        case OPT_JSON: *json = true; break;
        case OPT_MAX:
            if (cli_number_option("max", optarg, max) != HS_EXIT_OK) {
                return HS_EXIT_USAGE;
            }
            break;
        default:
            return cli_bad_option(argv);
        }
    }
    if (cli_dump_and_address(argc, argv, optind, &addr) != HS_EXIT_OK) {
        return HS_EXIT_USAGE;
    }
    return HS_EXIT_OK;
}

int
cmd_dominators(int argc, char **argv)
{
    cli_load load;
    uint64_t max = 20;
    bool json = false, usage = false;
    hs_graph *g;
    hs_dominators *d = NULL;
    uint32_t id;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &max, &json);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return HS_EXIT_FAILURE;
    }
    rc = HS_EXIT_FAILURE;
    id = cli_find_object(g, argv[optind], argv[optind + 1], &usage);
    if (id != HS_NO_NODE && (d = cli_dominators(g, &load.tree)) != NULL) {
        rc = report(argv[optind], g, d, id, max, json);
    } else if (usage) {
        rc = HS_EXIT_USAGE;
    }
    hs_dominators_free(d);
    hs_graph_free(g);
    return rc;
}
