/*
 * cli/cmd_records.c - `heapscope records`: every object as a normalized
 * JSON line, in file order, after the chosen pipeline.
 *
 * With --no-collapse this is the dump as heapscope read it: the
 * differential tests compare it with what Python's json module reads.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>

const char cmd_records_usage[] =
    "usage: heapscope records [options] DUMP\n"
    "\n"
    "Every object as one meliae-format JSON line, in file order: decoded\n"
    "and re-escaped the same way for every dialect (refs as addresses in\n"
    "refs order, name, len and value kept).\n"
    "\n"
    CLI_LOAD_HELP;

int
cmd_records(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_LOAD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    cli_load load;
    hs_graph *g;
    hs_error err;
    int opt, rc = HS_EXIT_OK;
    cli_load_init(&load);
    if ((opt = cli_next_option(argc, argv, "", longopts, &load)) != -1) {
        return cli_bad_option(argv); /* records has no options of its own */
    }
    if (optind != argc - 1) {
        return cli_usage_error(optind == argc ? "no dump given"
                                              : "one dump at a time");
    }
    load.no_parents = load.pipeline != CLI_PIPELINE_CLASSIC;
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return HS_EXIT_FAILURE;
    }
    for (uint32_t id = 0; id < hs_graph_capacity(g); id++) {
        char *line;
        if (!hs_node_exists(g, id)) {
            continue;
        }
        line = hs_node_to_json(g, id, &err);
        if (!line) {
            cli_lib_error(&err);
            rc = HS_EXIT_FAILURE;
            break;
        }
        puts(line);
        hs_free(line);
    }
    hs_graph_free(g);
    return rc;
}
