/*
 * cli/cmd_path.c - `heapscope path`: what keeps an object alive, as the
 * shortest chains of referrers from roots (modules, objects without
 * parents) down to it, each step labelled with its key or attribute.
 */
#include "cli.h"
#include "cli_addr.h"
#include "cli_path.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_path_usage[] =
    "usage: heapscope path [options] DUMP ADDR\n"
    "\n"
    "What keeps the object at ADDR alive: the shortest chain of referrers\n"
    "from a root to it. Roots are modules and objects that nothing refers\n"
    "to (running frames, objects held only from C). Each step names the\n"
    "dict key, attribute or index it goes through, and the first line of a\n"
    "path reads like Python (__main__.observer.history[12]). With --max N\n"
    "the N nearest roots each give one path, shortest first.\n"
    "\n"
    "Options:\n"
    "  --max N            paths from up to N distinct roots (default 1)\n"
    "  --exclude-type T   never pass through objects of type T, e.g. frame,\n"
    "                     weakref.ReferenceType (repeatable)\n"
    "  --json             JSON: {\"target\", \"paths\": [{\"root_kind\",\n"
    "                     \"expression\", \"steps\": [...]}]}\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 a path was found, 1 none was (the object is garbage held\n"
    "only by a cycle), the dump could not be read or ADDR is unknown, 2 bad\n"
    "usage.\n";

enum { OPT_MAX = OPT_FIRST_COMMAND_OPTION, OPT_EXCLUDE_TYPE, OPT_JSON };

#define MAX_EXCLUDED_TYPES 64

static void
print_text(const hs_graph *g, const hs_paths *p)
{
    for (size_t i = 0; i < hs_paths_count(p); i++) {
        size_t len;
        const uint32_t *nodes = hs_paths_at(p, i, &len);
        char *text = cli_path_expression(g, nodes, len);
        printf("%spath %zu: %zu step%s from a root (%s)\n  %s\n",
               i ? "\n" : "", i + 1, len - 1, cli_s(len - 1),
               hs_paths_root_kind(p, i), text);
        hs_free(text);
        cli_path_print_steps(g, nodes, len, "  ");
    }
}

static void
print_json(const hs_graph *g, uint32_t target, const hs_paths *p)
{
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_key_u64(&w, "target", hs_node_address(g, target));
    cli_json_key_u64(&w, "visited", hs_paths_visited(p));
    cli_json_key(&w, "paths");
    cli_json_array(&w);
    for (size_t i = 0; i < hs_paths_count(p); i++) {
        size_t len;
        const uint32_t *nodes = hs_paths_at(p, i, &len);
        cli_json_break(&w, "\n  ");
        cli_json_object(&w);
        cli_json_key_cstr(&w, "root_kind", hs_paths_root_kind(p, i));
        cli_path_json(&w, g, nodes, len);
        cli_json_end_object(&w);
    }
    cli_json_break(&w, "\n");
    cli_json_end_array(&w);
    cli_json_end_object(&w);
}

static int
parse_options(int argc, char **argv, cli_load *load, hs_path_options *po,
              bool *json)
{
    static const struct option longopts[] = {
        {"max", required_argument, NULL, OPT_MAX},
        {"exclude-type", required_argument, NULL, OPT_EXCLUDE_TYPE},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    /* Points into argv, which outlives the command. */
    static const char *excluded[MAX_EXCLUDED_TYPES];
    uint64_t max = 1, addr;
    int opt;
    po->exclude_types = excluded;
    while ((opt = cli_next_option(argc, argv, "", longopts, load))
           != -1) {
        switch (opt) {
        case OPT_JSON: *json = true; break;
        case OPT_MAX:
            if (cli_range_option("max", optarg, 1, 100000, &max)
                != HS_EXIT_OK) {
                return HS_EXIT_USAGE;
            }
            break;
        case OPT_EXCLUDE_TYPE:
            if (po->nexclude_types == MAX_EXCLUDED_TYPES) {
                return cli_usage_error("at most %d --exclude-type",
                                       MAX_EXCLUDED_TYPES);
            }
            excluded[po->nexclude_types++] = optarg;
            break;
        default:
            return cli_bad_option(argv);
        }
    }
    if (cli_dump_and_address(argc, argv, optind, &addr) != HS_EXIT_OK) {
        return HS_EXIT_USAGE;
    }
    po->max_paths = (size_t)max;
    return HS_EXIT_OK;
}

static void
report_none(const char *path, const char *addr, const hs_path_options *po)
{
    if (po->nexclude_types) {
        cli_error("%s: no root reaches %s without passing through an "
                  "excluded type", path, addr);
    } else {
        cli_error("%s: no root reaches %s: only cycles with no root hold it "
                  "(it is garbage)", path, addr);
    }
}

int
cmd_path(int argc, char **argv)
{
    hs_path_options po = {1, NULL, 0};
    cli_load load;
    bool json = false, usage;
    hs_graph *g;
    hs_paths *p = NULL;
    hs_error err;
    uint32_t id;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &po, &json);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    rc = HS_EXIT_FAILURE;
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return rc;
    }
    id = cli_find_object(g, argv[optind], argv[optind + 1], &usage);
    if (id != HS_NO_NODE && !(p = hs_paths_find(g, id, &po, &err))) {
        cli_lib_error(&err);
    } else if (p) {
        if (json) {
            print_json(g, id, p);
        } else {
            print_text(g, p);
        }
        if (hs_paths_count(p)) {
            rc = HS_EXIT_OK;
        } else {
            report_none(argv[optind], argv[optind + 1], &po);
        }
    }
    hs_paths_free(p);
    hs_graph_free(g);
    return rc;
}
