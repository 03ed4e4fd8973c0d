/*
 * cli/cmd_dot.c - `heapscope dot`: the neighbourhood of an object as a
 * Graphviz graph (objgraph's show_backrefs / show_refs), as DOT text or
 * rendered to SVG or PNG by Graphviz's dot.
 */
#include "cli.h"
#include "cli_addr.h"
#include "cli_atomic.h"
#include "cli_node.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_dot_usage[] =
    "usage: heapscope dot [options] DUMP ADDR\n"
    "\n"
    "The objects around ADDR as a Graphviz graph, like objgraph's\n"
    "show_backrefs (--parents, the default) and show_refs (--children):\n"
    "one box per object with its type, size and value, one arrow per\n"
    "reference labelled with its key, attribute or index. ADDR is filled;\n"
    "roots (modules, objects without parents) are double octagons.\n"
    "\n"
    "Options:\n"
    "  --parents          walk to referrers (default)\n"
    "  --children         walk to referents (with --parents: both ways)\n"
    "  --depth N          at most N steps from ADDR (default 3)\n"
    "  --max-nodes N      at most N objects, nearest first (default 50)\n"
    "  -o FILE            write FILE instead of DOT on stdout: FILE.dot is\n"
    "                     DOT, FILE.svg and FILE.png are rendered by\n"
    "                     Graphviz's dot (Debian package graphviz); -o -\n"
    "                     is DOT on stdout\n"
    "  --json             JSON: {\"nodes\": [...], \"edges\": [...]}\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 the dump could not be read, ADDR is unknown or\n"
    "the file could not be written or rendered, 2 bad usage.\n";

enum { OPT_PARENTS = OPT_FIRST_COMMAND_OPTION, OPT_CHILDREN, OPT_DEPTH,
       OPT_MAX_NODES, OPT_JSON };

static void
print_json(const hs_graph *g, const hs_neighbourhood *nb)
{
    size_t n, ne;
    const uint32_t *depths;
    const uint32_t *nodes = hs_neighbourhood_nodes(nb, &n, &depths);
    const hs_near_edge *edges = hs_neighbourhood_edges(nb, &ne);
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_key_u64(&w, "center", hs_node_address(g, nodes[0]));
    cli_json_key_bool(&w, "truncated", hs_neighbourhood_truncated(nb));
    cli_json_break(&w, "\n ");
    cli_json_key(&w, "nodes");
    cli_json_array(&w);
    for (size_t i = 0; i < n; i++) {
        cli_json_break(&w, "\n  ");
        cli_json_object(&w);
        cli_node_json_fields(&w, g, nodes[i]);
        cli_json_key_u64(&w, "depth", depths[i]);
        cli_json_end_object(&w);
    }
    cli_json_end_array(&w);
    cli_json_break(&w, "\n ");
    cli_json_key(&w, "edges");
    cli_json_array(&w);
    for (size_t i = 0; i < ne; i++) {
        char *label = hs_node_ref_label(g, edges[i].from, edges[i].ref, 0,
                                        NULL);
        cli_json_break(&w, "\n  ");
        cli_json_object(&w);
        cli_json_key_u64(&w, "from", hs_node_address(g, edges[i].from));
        cli_json_key_u64(&w, "to", hs_node_address(g, edges[i].to));
        cli_json_key_u64(&w, "ref", edges[i].ref);
        cli_json_key_cstr(&w, "label", label ? label : "");
        hs_free(label);
        cli_json_end_object(&w);
    }
    cli_json_end_array(&w);
    cli_json_end_object(&w);
}

/* DOT to stdout, FILE.dot, or rendered by Graphviz to FILE.svg/.png. */
static bool
write_dot(const char *text, const char *out)
{
    const char *ext;
    if (!out || strcmp(out, "-") == 0) {
        fputs(text, stdout);
        return true;
    }
    ext = cli_file_ext(out);
    if (strcmp(ext, "dot") == 0 || strcmp(ext, "gv") == 0) {
        return cli_write_file(out, text);
    }
    if (strcmp(ext, "svg") == 0 || strcmp(ext, "png") == 0) {
        const char *argv[] = {"dot", strcmp(ext, "svg") == 0 ? "-Tsvg"
                                                             : "-Tpng",
                              "-o", "{out}", "{in}", NULL};
        if (!cli_have_program("dot")) {
            cli_error("%s: rendering needs Graphviz's dot, which is not "
                      "installed (Debian: apt-get install graphviz); -o "
                      "FILE.dot writes the graph as text", out);
            return false;
        }
        return cli_convert_to_file(text, "dot", ext, argv, out);
    }
    cli_error("%s: -o wants a .dot, .svg or .png file", out);
    return false;
}

static int
parse_options(int argc, char **argv, cli_load *load, hs_near_options *no,
              const char **out, bool *json)
{
    static const struct option longopts[] = {
        {"parents", no_argument, NULL, OPT_PARENTS},
        {"children", no_argument, NULL, OPT_CHILDREN},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {"max-nodes", required_argument, NULL, OPT_MAX_NODES},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    uint64_t depth = 3, max_nodes = 50, addr;
    int opt;
    while ((opt = cli_next_option(argc, argv, "o:", longopts, load))
           != -1) {
        switch (opt) {
        case OPT_PARENTS: no->flags |= HS_NEAR_PARENTS; break;
        case OPT_CHILDREN: no->flags |= HS_NEAR_CHILDREN; break;
        case OPT_JSON: *json = true; break;
        case 'o': *out = optarg; break;
        case OPT_DEPTH:
            if (cli_range_option("depth", optarg, 1, 1000, &depth)
                != HS_EXIT_OK) {
                return HS_EXIT_USAGE;
            }
            break;
        case OPT_MAX_NODES:
            if (cli_range_option("max-nodes", optarg, 1, 100000, &max_nodes)
                != HS_EXIT_OK) {
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
    no->depth = (uint32_t)depth;
    no->max_nodes = (size_t)max_nodes;
    return HS_EXIT_OK;
}

/* The graph as JSON, as DOT on stdout, or into -o FILE. */
static int
output(const hs_graph *g, const hs_neighbourhood *nb, const char *out,
       bool json)
{
    hs_error err;
    char *text;
    bool ok;
    if (json) {
        print_json(g, nb);
        return HS_EXIT_OK;
    }
    text = hs_neighbourhood_dot(nb, &err);
    if (!text) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    ok = write_dot(text, out);
    hs_free(text);
    return ok ? HS_EXIT_OK : HS_EXIT_FAILURE;
}

int
cmd_dot(int argc, char **argv)
{
    hs_near_options no = {0, 3, 50};
    cli_load load;
    const char *out = NULL;
    bool json = false, usage;
    hs_graph *g;
    hs_neighbourhood *nb = NULL;
    hs_error err;
    uint32_t id;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &no, &out, &json);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    rc = HS_EXIT_FAILURE;
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return rc;
    }
    id = cli_find_object(g, argv[optind], argv[optind + 1], &usage);
    if (id != HS_NO_NODE) {
        nb = hs_neighbourhood_new(g, id, &no, &err);
        if (!nb) {
            cli_lib_error(&err);
        } else {
            rc = output(g, nb, out, json);
        }
    }
    hs_neighbourhood_free(nb);
    hs_graph_free(g);
    return rc;
}
