/*
 * cli/cmd_summary.c - `heapscope summary`: meliae's summarize() table.
 */
#include "cli.h"
#include "cli_table.h"
#include "cli_site.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_summary_usage[] =
    "usage: heapscope summary [options] DUMP\n"
    "\n"
    "Objects and bytes per type, as meliae's summarize() prints them: by\n"
    "default after meliae's load() (instance dicts collapsed into their\n"
    "owners), the 20 types that take the most memory.\n"
    "\n"
    "Output:\n"
    "  --by-count         sort by object count instead of total size\n"
    "  --by-site          by allocation site instead of type (dumps of a\n"
    "                     process tracing with tracemalloc): live objects\n"
    "                     per allocating line\n"
    "  --depth N          with --by-site: a site is the last N frames of\n"
    "                     the allocation traceback (default 1)\n"
    "  --top N            show N types (default 20)\n"
    "  --all              show every type\n"
    "  --json             JSON: totals, every type, load diagnostics\n"
    "  --csv              CSV: one row per type\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 the dump could not be read, 2 bad usage.\n";

enum { OPT_BY_COUNT = CLI_OPT_TABLE_END, OPT_BY_SITE, OPT_DEPTH };

static const char *
pipeline_name(cli_pipeline p)
{
    return p == CLI_PIPELINE_CLASSIC ? "classic"
           : p == CLI_PIPELINE_NO_COLLAPSE ? "no-collapse" : "default";
}

static double
pct(uint64_t part, uint64_t whole)
{
    return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

static void
print_load_json(const char *path, const hs_graph *g, cli_pipeline p)
{
    const hs_load_stats *st = hs_graph_stats(g);
    printf("  \"load\": {\"dump\": ");
    cli_json_string(path, strlen(path));
    printf(", \"pipeline\": \"%s\", \"dialect\": \"%s\", "
           "\"compression\": \"%s\", \"python\": ",
           pipeline_name(p), hs_dialect_name(st->dialect),
           hs_compression_name(st->compression));
    cli_json_string(st->python_version, strlen(st->python_version));
    printf(", \"lines\": %llu, \"records\": %llu, \"duplicates\": %llu, "
           "\"dangling_refs\": %llu, \"bad_lines\": %llu, "
           "\"truncated_line\": %llu, \"collapsed\": %llu}\n",
           (unsigned long long)st->lines, (unsigned long long)st->records,
           (unsigned long long)st->duplicates,
           (unsigned long long)st->dangling_refs,
           (unsigned long long)st->bad_lines,
           (unsigned long long)st->truncated_line,
           (unsigned long long)st->collapsed);
}

static void
print_json(const char *path, const hs_graph *g, const hs_summary *s,
           size_t rows, cli_pipeline p, bool by_count)
{
    uint64_t total = hs_summary_total_size(s), cum = 0;
    printf("{\n  \"order\": \"%s\",\n", by_count ? "count" : "size");
    printf("  \"total\": {\"objects\": %llu, \"types\": %zu, \"size\": %llu},\n",
           (unsigned long long)hs_summary_total_count(s), hs_summary_types(s),
           (unsigned long long)total);
    printf("  \"types\": [");
    for (size_t i = 0; i < rows; i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        double avg = (double)t->total_size / (double)t->count;
        double var = t->sum_squares / (double)t->count - avg * avg;
        cum += t->total_size;
        printf("%s\n    {\"index\": %zu, \"type\": ", i ? "," : "", i);
        cli_json_string(t->type, t->type_len);
        printf(", \"count\": %llu, \"count_pct\": %.4f, \"size\": %llu, "
               "\"size_pct\": %.4f, \"cum_pct\": %.4f, \"max_size\": %llu, "
               "\"max_address\": %llu, \"avg_size\": %.3f, "
               "\"std_dev\": %.3f}",
               (unsigned long long)t->count,
               pct(t->count, hs_summary_total_count(s)),
               (unsigned long long)t->total_size, pct(t->total_size, total),
               pct(cum, total), (unsigned long long)t->max_size,
               (unsigned long long)t->max_address, avg,
               sqrt(var > 0 ? var : 0));
    }
    printf("%s],\n", rows ? "\n  " : "");
    print_load_json(path, g, p);
    printf("}\n");
}

static void
print_csv(const hs_summary *s, size_t rows)
{
    uint64_t total = hs_summary_total_size(s), cum = 0;
    printf("index,type,count,count_pct,size,size_pct,cum_pct,max_size,"
           "max_address\n");
    for (size_t i = 0; i < rows; i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        cum += t->total_size;
        printf("%zu,", i);
        cli_csv_field(t->type, t->type_len);
        printf(",%llu,%.4f,%llu,%.4f,%.4f,%llu,%llu\n",
               (unsigned long long)t->count,
               pct(t->count, hs_summary_total_count(s)),
               (unsigned long long)t->total_size, pct(t->total_size, total),
               pct(cum, total), (unsigned long long)t->max_size,
               (unsigned long long)t->max_address);
    }
}

int
cmd_summary(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"by-count", no_argument, NULL, OPT_BY_COUNT},
        {"by-site", no_argument, NULL, OPT_BY_SITE},
        {"depth", required_argument, NULL, OPT_DEPTH},
        CLI_TABLE_LONGOPTS,
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    cli_load load;
    bool by_count = false, by_site = false;
    uint64_t depth = 0;
    cli_table table = {20, CLI_FORMAT_TEXT};
    hs_graph *g;
    hs_summary *s;
    hs_error err;
    size_t rows;
    int opt, rc = HS_EXIT_OK;
    cli_load_init(&load);
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "", longopts, &load)) != -1) {
        if (opt == OPT_BY_COUNT) {
            by_count = true;
        } else if (opt == OPT_BY_SITE) {
            by_site = true;
        } else if (opt == OPT_DEPTH) {
            rc = cli_range_option("depth", optarg, 1, 65535, &depth);
        } else {
            rc = cli_table_option(&table, opt, argv);
        }
    }
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    if (optind != argc - 1) {
        return cli_usage_error(optind == argc ? "no dump given"
                                              : "one dump at a time");
    }
    if (depth && !by_site) {
        return cli_usage_error("--depth goes with --by-site");
    }
    /* The table needs no referrers (the classic pipeline computes them
     * anyway, for guess_intern_dict): skipping them saves 8 bytes a ref. */
    load.no_parents = load.pipeline != CLI_PIPELINE_CLASSIC;
    load.no_index = true; /* nor lookups by address: 4-5 bytes an object */
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return HS_EXIT_FAILURE;
    }
    if (by_site) {
        rc = cli_site_summary(g, depth ? depth : 1, by_count, &table);
        hs_graph_free(g);
        return rc;
    }
    s = hs_summary_new(g, &err);
    if (!s) {
        cli_lib_error(&err);
        hs_graph_free(g);
        return HS_EXIT_FAILURE;
    }
    if (by_count) {
        hs_summary_sort(s, HS_ORDER_BY_COUNT);
    }
    rows = cli_table_rows(&table, hs_summary_types(s));
    if (table.format == CLI_FORMAT_JSON) {
        print_json(argv[optind], g, s, rows, load.pipeline, by_count);
    } else if (table.format == CLI_FORMAT_CSV) {
        print_csv(s, rows);
    } else {
        char *text = hs_summary_format(s, rows, &err);
        if (text) {
            puts(text);
            hs_free(text);
        } else {
            cli_lib_error(&err);
            rc = HS_EXIT_FAILURE;
        }
    }
    hs_summary_free(s);
    hs_graph_free(g);
    return rc;
}
