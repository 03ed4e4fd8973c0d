/*
 * cli/cmd_snapshot.c - `heapscope snapshot` (old name `heapscope index`):
 * write the snapshot of dumps.
 *
 * Every command that loads a dump uses and writes the snapshot on its own
 * (cli_load_dump); this one writes it explicitly, whatever the dump's
 * size, replacing any snapshot there, and says where it went and what it
 * cost.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cmd_snapshot_usage[] =
    "usage: heapscope snapshot [options] DUMP...\n"
    "\n"
    "Load each dump and write its snapshot, a binary file that later\n"
    "commands map into memory instead of parsing the dump again: DUMP.hsidx\n"
    "beside the dump (DUMP.nocollapse.hsidx with --no-collapse), or in\n"
    "$XDG_CACHE_HOME/heapscope (~/.cache/heapscope) when the dump's folder\n"
    "is read-only. Commands use the snapshot only while the dump's size,\n"
    "modification time and first and last 64 KiB are unchanged, and only if\n"
    "it passes every check; they write one themselves for dumps of 16 MiB or\n"
    "more. Prints the snapshot's path and size, and the load and write\n"
    "times. `heapscope index` is its old name.\n"
    "\n"
    CLI_LOAD_HELP;

int
cmd_snapshot(int argc, char **argv)
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
        return cli_usage_error("--no-snapshot makes no sense here");
    }
    if (load.pipeline == CLI_PIPELINE_CLASSIC || load.dialect) {
        return cli_usage_error("snapshots are kept for the default and "
                               "--no-collapse loads only");
    }
    for (int i = optind; i < argc; i++) {
        const hs_load_stats *st;
        hs_graph *g;
        if (strcmp(argv[i], "-") == 0) {
            return cli_usage_error("stdin cannot have a snapshot");
        }
        load.snapshot_flags = HS_SNAPSHOT_NO_READ | HS_SNAPSHOT_FORCE_WRITE;
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
        printf("%-19s %s\n", "snapshot", load.snapshot.path);
        printf("%-19s %llu\n", "snapshot_bytes",
               (unsigned long long)load.snapshot.bytes);
        printf("%-19s %llu\n", "objects", (unsigned long long)st->objects);
        printf("%-19s %llu\n", "references",
               (unsigned long long)st->references);
        printf("%-19s %.1f\n", "bytes_per_object",
               st->objects ? (double)load.snapshot.bytes / (double)st->objects
                           : 0.0);
        printf("%-19s %.3f\n", "load_seconds", st->load_seconds);
        printf("%-19s %.3f\n", "write_seconds",
               load.snapshot.write_seconds);
        hs_graph_free(g);
    }
    return rc;
}
