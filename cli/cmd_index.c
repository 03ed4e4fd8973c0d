/*
 * cli/cmd_index.c - `heapscope index`: build the snapshot index of dumps.
 *
 * Every command that loads a dump uses and writes the index on its own
 * (cli_load_dump); this one builds it explicitly, whatever the dump's
 * size, replacing any index there, and says where it went and what it
 * cost.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cmd_index_usage[] =
    "usage: heapscope index [options] DUMP...\n"
    "\n"
    "Load each dump and write its snapshot index, a binary file that later\n"
    "commands map into memory instead of parsing the dump again: DUMP.hsidx\n"
    "beside the dump (DUMP.nocollapse.hsidx with --no-collapse), or in\n"
    "$XDG_CACHE_HOME/heapscope (~/.cache/heapscope) when the dump's folder\n"
    "is read-only. Commands use the index only while the dump's size,\n"
    "modification time and first and last 64 KiB are unchanged, and only if\n"
    "it passes every check; they write one themselves for dumps of 16 MiB or\n"
    "more. Prints the index's path and size, and the load and write times.\n"
    "\n"
    CLI_LOAD_HELP;

int
cmd_index(int argc, char **argv)
{
    static const struct option longopts[] = {CLI_LOAD_LONGOPTS,
                                             {NULL, 0, NULL, 0}};
    cli_load load;
    int rc = HS_EXIT_OK;
    cli_load_init(&load);
    if (cli_next_option(argc, argv, "", longopts, &load) != -1) {
        return cli_bad_option(argv); /* no options of its own */
    }
    if (optind == argc) {
        return cli_usage_error("no dump given");
    }
    if (load.no_snapshot) {
        return cli_usage_error("--no-index makes no sense here");
    }
    if (load.pipeline == CLI_PIPELINE_CLASSIC || load.dialect) {
        return cli_usage_error("indexes are kept for the default and "
                               "--no-collapse loads only");
    }
    for (int i = optind; i < argc; i++) {
        const hs_load_stats *st;
        hs_graph *g;
        if (strcmp(argv[i], "-") == 0) {
            return cli_usage_error("stdin cannot have an index");
        }
        load.index_flags = HS_INDEX_NO_READ | HS_INDEX_FORCE_WRITE;
        g = cli_load_dump(argv[i], &load);
        if (!g) {
            rc = HS_EXIT_FAILURE;
            continue;
        }
        st = hs_graph_stats(g);
        if (i > optind) {
            putchar('\n');
        }
        printf("%-19s %s\n", "dump", argv[i]);
        printf("%-19s %s\n", "index", load.index.path);
        printf("%-19s %llu\n", "index_bytes",
               (unsigned long long)load.index.bytes);
        printf("%-19s %llu\n", "objects", (unsigned long long)st->objects);
        printf("%-19s %llu\n", "references",
               (unsigned long long)st->references);
        printf("%-19s %.1f\n", "bytes_per_object",
               st->objects ? (double)load.index.bytes / (double)st->objects
                           : 0.0);
        printf("%-19s %.3f\n", "load_seconds", st->load_seconds);
        printf("%-19s %.3f\n", "write_seconds", load.index.write_seconds);
        hs_graph_free(g);
    }
    return rc;
}
