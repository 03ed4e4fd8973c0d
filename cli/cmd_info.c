/*
 * cli/cmd_info.c - `heapscope info`: what was loaded, and how.
 */
#include "cli.h"
#include "cli_json.h"
#include "cli_memory.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

const char cmd_info_usage[] =
    "usage: heapscope info [options] DUMP\n"
    "\n"
    "What a dump holds and how it loaded: objects, references, types,\n"
    "dialect, Python version (when the dump says), compression, duplicate\n"
    "records, dangling references, malformed and truncated lines, instance\n"
    "dicts collapsed, dict layouts, load time and peak memory.\n"
    "\n"
    "  --json             the same as one JSON object\n"
    CLI_LOAD_HELP;

enum { OPT_JSON = OPT_FIRST_COMMAND_OPTION };

typedef struct field {
    const char *name;
    unsigned long long value;
} field;

int
cmd_info(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    cli_load load;
    bool json = false;
    const hs_load_stats *st;
    hs_graph *g;
    uint64_t peak;
    int opt;
    cli_load_init(&load);
    while ((opt = cli_next_option(argc, argv, "", longopts, &load))
           != -1) {
        if (opt == OPT_JSON) {
            json = true;
        } else {
            return cli_bad_option(argv);
        }
    }
    if (optind != argc - 1) {
        return cli_usage_error(optind == argc ? "no dump given"
                                              : "one dump at a time");
    }
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return HS_EXIT_FAILURE;
    }
    st = hs_graph_stats(g);
    peak = cli_peak_rss();
    {
        const field fields[] = {
            {"objects", st->objects},
            {"references", st->references},
            {"types", st->types},
            {"lines", st->lines},
            {"records", st->records},
            {"duplicates", st->duplicates},
            {"dangling_refs", st->dangling_refs},
            {"dangling_addresses", st->dangling_addresses},
            {"bad_lines", st->bad_lines},
            {"truncated_line", st->truncated_line},
            {"collapsed", st->collapsed},
            {"dicts_kv", st->dicts_kv},
            {"dicts_vk", st->dicts_vk},
            {"dicts_values", st->dicts_values},
            {"dicts_empty", st->dicts_empty},
            {"dicts_unknown", st->dicts_unknown},
            {"input_bytes", st->input_bytes},
            {"file_bytes", st->file_bytes},
            {"peak_rss_bytes", peak},
        };
        size_t nf = sizeof(fields) / sizeof(fields[0]);
        if (json) {
            cli_json w;
            cli_json_init(&w, stdout);
            cli_json_object(&w);
            cli_json_key_cstr(&w, "dialect", hs_dialect_name(st->dialect));
            cli_json_key_cstr(&w, "compression",
                              hs_compression_name(st->compression));
            cli_json_key_cstr(&w, "python", st->python_version);
            cli_json_key_bool(&w, "header", st->has_header);
            cli_json_key_double(&w, "load_seconds", st->load_seconds, 3);
            cli_json_key_double(&w, "parse_seconds", st->parse_seconds, 3);
            cli_json_key_double(&w, "resolve_seconds", st->resolve_seconds,
                                3);
            cli_json_key_double(&w, "passes_seconds", st->passes_seconds, 3);
            if (load.snapshot.used || load.snapshot.written) {
                cli_json_key_cstr(&w, "snapshot",
                                  load.snapshot.used ? "used" : "written");
            }
            for (size_t i = 0; i < nf; i++) {
                cli_json_key_u64(&w, fields[i].name, fields[i].value);
            }
            cli_memory_info(g, &w);
            cli_json_end_object(&w);
        } else {
            printf("%-19s %s\n", "dump", argv[optind]);
            printf("%-19s %s\n", "dialect", hs_dialect_name(st->dialect));
            printf("%-19s %s\n", "python",
                   st->python_version[0] ? st->python_version : "unknown");
            printf("%-19s %s\n", "compression",
                   hs_compression_name(st->compression));
            for (size_t i = 0; i < nf; i++) {
                printf("%-19s %llu\n", fields[i].name, fields[i].value);
            }
            cli_memory_info(g, NULL);
            printf("%-19s %.3f\n", "load_seconds", st->load_seconds);
            printf("%-19s %.3f\n", "parse_seconds", st->parse_seconds);
            printf("%-19s %.3f\n", "resolve_seconds", st->resolve_seconds);
            printf("%-19s %.3f\n", "passes_seconds", st->passes_seconds);
            if (load.snapshot.used || load.snapshot.written) {
                printf("%-19s %s %s\n", "snapshot",
                       load.snapshot.used ? "used" : "written",
                       load.snapshot.path);
            }
        }
    }
    hs_graph_free(g);
    return HS_EXIT_OK;
}
