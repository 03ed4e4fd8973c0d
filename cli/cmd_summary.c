/*
 * cli/cmd_summary.c - `heapscope summary`: meliae's summarize() table.
 */
#include "cli.h"
#include "cli_json.h"
#include "cli_table.h"
#include "cli_retained.h"
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
print_load_json(cli_json *w, const char *path, const hs_graph *g,
                cli_pipeline p)
{
    const hs_load_stats *st = hs_graph_stats(g);
    cli_json_break(w, "\n  ");
    cli_json_key(w, "load");
    cli_json_object(w);
    cli_json_key_cstr(w, "dump", path);
    cli_json_key_cstr(w, "pipeline", pipeline_name(p));
    cli_json_key_cstr(w, "dialect", hs_dialect_name(st->dialect));
    cli_json_key_cstr(w, "compression", hs_compression_name(st->compression));
    cli_json_key_cstr(w, "python", st->python_version);
    cli_json_key_u64(w, "lines", st->lines);
    cli_json_key_u64(w, "records", st->records);
    cli_json_key_u64(w, "duplicates", st->duplicates);
    cli_json_key_u64(w, "dangling_refs", st->dangling_refs);
    cli_json_key_u64(w, "bad_lines", st->bad_lines);
    cli_json_key_u64(w, "truncated_line", st->truncated_line);
    cli_json_key_u64(w, "collapsed", st->collapsed);
    cli_json_end_object(w);
}

/* The share of the process's resident set the objects are (heapscope's
 * dumps record it in their header; nothing for others): a JSON member,
 * or a line after the table. */
static void
print_memory(const hs_graph *g, cli_json *w)
{
    int64_t rss = hs_graph_stats(g)->rss_bytes;
    uint64_t objects;
    double share;
    char a[32], b[32];
    if (rss < 0) {
        return;
    }
    objects = hs_graph_object_bytes(g);
    share = rss ? 100.0 * (double)objects / (double)rss : 0.0;
    if (w) {
        cli_json_break(w, "\n  ");
        cli_json_key(w, "memory");
        cli_json_object(w);
        cli_json_key_i64(w, "rss_bytes", rss);
        cli_json_key_u64(w, "object_bytes", objects);
        cli_json_key_double(w, "rss_explained", share, 1);
        cli_json_end_object(w);
        return;
    }
    printf("Python objects: %s of the process's resident set of %s when "
           "dumped (%.1f %%)\n", cli_human_bytes(objects, a, sizeof(a)),
           cli_human_bytes((uint64_t)rss, b, sizeof(b)), share);
}

static void
print_json(const char *path, const hs_graph *g, const hs_summary *s,
           size_t rows, cli_pipeline p, bool by_count)
{
    uint64_t total = hs_summary_total_size(s), cum = 0;
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_break(&w, "\n  ");
    cli_json_key_cstr(&w, "order", by_count ? "count" : "size");
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "total");
    cli_json_object(&w);
    cli_json_key_u64(&w, "objects", hs_summary_total_count(s));
    cli_json_key_u64(&w, "types", hs_summary_types(s));
    cli_json_key_u64(&w, "size", total);
    cli_json_end_object(&w);
    print_memory(g, &w);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "types");
    cli_json_array(&w);
    for (size_t i = 0; i < rows; i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        double avg = (double)t->total_size / (double)t->count;
        double var = t->sum_squares / (double)t->count - avg * avg;
        cum += t->total_size;
        cli_json_break(&w, "\n    ");
        cli_json_object(&w);
        cli_json_key_u64(&w, "index", i);
        cli_json_key_str(&w, "type", t->type, t->type_len);
        cli_json_key_u64(&w, "count", t->count);
        cli_json_key_double(&w, "count_pct",
                            pct(t->count, hs_summary_total_count(s)), 4);
        cli_json_key_u64(&w, "size", t->total_size);
        cli_json_key_double(&w, "size_pct", pct(t->total_size, total), 4);
        cli_json_key_double(&w, "cum_pct", pct(cum, total), 4);
        cli_json_key_u64(&w, "max_size", t->max_size);
        cli_json_key_u64(&w, "max_address", t->max_address);
        cli_json_key_double(&w, "avg_size", avg, 3);
        cli_json_key_double(&w, "std_dev", sqrt(var > 0 ? var : 0), 3);
        cli_json_end_object(&w);
    }
    cli_json_break(&w, "\n  ");
    cli_json_end_array(&w);
    print_load_json(&w, path, g, p);
    cli_json_break(&w, "\n");
    cli_json_end_object(&w);
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
    load.no_address_index = true; /* nor lookups by address: 4-5 bytes an object */
    /* The table reads types, sizes, flags and addresses; through a
     * snapshot only those are checked and paged in. */
    load.summary_only = !by_site;
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
            print_memory(g, NULL);
        } else {
            cli_lib_error(&err);
            rc = HS_EXIT_FAILURE;
        }
    }
    hs_summary_free(s);
    hs_graph_free(g);
    return rc;
}
