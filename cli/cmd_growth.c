/*
 * cli/cmd_growth.c - `heapscope growth DUMP...`: count and size per type
 * across dumps taken in run order, steady growers first, with sparklines
 * and an SVG (or PNG) chart against run time.
 */
#include "cli.h"
#include "cli_json.h"
#include "cli_series.h"
#include "cli_atomic.h"
#include "cli_runtime.h"
#include "cli_table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_growth_usage[] =
    "usage: heapscope growth [options] DUMP DUMP...\n"
    "\n"
    "How each type grows across two or more dumps of one process, given in\n"
    "the order they were taken: its count at each dump, a sparkline, and\n"
    "the change from the first dump to the last. Types whose count never\n"
    "falls and rises overall (steady growers: the leak suspects) come\n"
    "first, then by size growth.\n"
    "\n"
    "Run time comes from the dumps' heapscope headers when they all have\n"
    "one and it increases, else from the last number in each file name\n"
    "(memory-600.00.out: 600) when they all have one and it increases, else\n"
    "from the files' modification times; the output says which.\n"
    "\n"
    "Options:\n"
    "  --top N            show N types (default 20)\n"
    "  --all              show every type\n"
    "  --svg FILE         write a line chart of the top growing types' counts\n"
    "                     against run time\n"
    "  --png FILE         the same chart as PNG (needs rsvg-convert or\n"
    "                     ImageMagick's convert)\n"
    "  --chart-types N    types in the chart (default 5)\n"
    "  --json             JSON: dumps, time source, every shown type's series\n"
    "  --csv              CSV, one row per type and dump:\n"
    "                     type,dump,time,count,size\n"
    CLI_SERIES_HELP
    CLI_LOAD_HELP
    "\n"
    "Dumps whose headers name different processes are refused.\n"
    "\n"
    "Exit status: 0 ok, 1 a dump could not be read, the dumps are of\n"
    "different processes or a chart could not be written, 2 bad usage.\n";

enum { OPT_SVG = CLI_OPT_TABLE_END, OPT_PNG, OPT_CHART_TYPES, OPT_ALLOW_MIXED };

typedef struct growth_opts {
    cli_table table;
    uint64_t chart_types;
    const char *svg, *png;
    bool allow_mixed;
} growth_opts;

/* What is known of each dump: its run time's sources and its totals. */
typedef struct dump_info {
    const char *path;
    int64_t pid;
    cli_runtime time;
    uint64_t objects, size;
} dump_info;

/* Whether the dumps are of one process (cli_series). */
static bool
same_process(const dump_info *d, char **paths, size_t n, bool allow_mixed)
{
    int64_t *pids = xmalloc((n + 1) * sizeof(*pids));
    bool ok;
    for (size_t i = 0; i < n; i++) {
        pids[i] = d[i].pid;
    }
    ok = cli_series_same_pid(paths, pids, n, allow_mixed);
    free(pids);
    return ok;
}

static bool
load_all(hs_growth *gr, dump_info *d, char **paths, size_t n, cli_load *load)
{
    for (size_t i = 0; i < n; i++) {
        hs_error err;
        hs_graph *g = cli_load_dump(paths[i], load);
        int rc;
        if (!g) {
            return false;
        }
        d[i].path = paths[i];
        cli_runtime_read(&d[i].time, g, paths[i]);
        d[i].objects = hs_graph_count(g);
        d[i].pid = hs_graph_stats(g)->pid;
        d[i].size = 0;
        for (uint32_t id = 0; id < hs_graph_capacity(g); id++) {
            d[i].size += hs_node_exists(g, id) ? hs_node_size(g, id) : 0;
        }
        rc = hs_growth_add(gr, g, (double)i, &err);
        hs_graph_free(g);
        if (rc < 0) {
            cli_lib_error(&err);
            return false;
        }
    }
    return true;
}

static void
print_text(const hs_growth *gr, const dump_info *d, size_t rows,
           const char *source)
{
    size_t n = hs_growth_dumps(gr);
    printf("%zu dumps, run time from the %s:\n", n, source);
    for (size_t i = 0; i < n; i++) {
        printf("  %10g  %s  %llu objects, %llu bytes\n", hs_growth_time(gr, i),
               d[i].path, (unsigned long long)d[i].objects,
               (unsigned long long)d[i].size);
    }
    printf("\n%9s %10s  %-*s  %s\n", "count+", "size+", (int)(n > 5 ? n : 5),
           "trend", "type: counts");
    for (size_t i = 0; i < rows; i++) {
        const hs_growth_type *t = hs_growth_type_at(gr, i);
        char *spark = hs_growth_sparkline(gr, i, NULL);
        printf("%+9lld %+10lld  %s%*s  %.*s:", (long long)t->count_delta,
               (long long)t->size_delta, spark ? spark : "",
               (int)((n > 5 ? n : 5) - n), "", (int)t->type_len, t->type);
        hs_free(spark);
        for (size_t k = 0; k < n; k++) {
            printf(" %llu", (unsigned long long)t->counts[k]);
        }
        printf("%s\n", t->steady ? "" : "  (not steady)");
    }
}

static void
json_series(cli_json *w, const char *key, const uint64_t *v, size_t n)
{
    cli_json_key(w, key);
    cli_json_array(w);
    for (size_t k = 0; k < n; k++) {
        cli_json_u64(w, v[k]);
    }
    cli_json_end_array(w);
}

static void
print_json(const hs_growth *gr, const dump_info *d, size_t rows,
           const char *source, const char *label)
{
    size_t n = hs_growth_dumps(gr);
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_break(&w, "\n  ");
    cli_json_key_cstr(&w, "time_source", source);
    cli_json_key_cstr(&w, "x_label", label);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "dumps");
    cli_json_array(&w);
    for (size_t i = 0; i < n; i++) {
        cli_json_break(&w, "\n    ");
        cli_json_object(&w);
        cli_json_key_cstr(&w, "path", d[i].path);
        cli_json_key_double(&w, "time", hs_growth_time(gr, i),
                            CLI_JSON_EXACT);
        cli_json_key_u64(&w, "objects", d[i].objects);
        cli_json_key_u64(&w, "size", d[i].size);
        cli_json_end_object(&w);
    }
    cli_json_break(&w, "\n  ");
    cli_json_end_array(&w);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "types");
    cli_json_array(&w);
    for (size_t i = 0; i < rows; i++) {
        const hs_growth_type *t = hs_growth_type_at(gr, i);
        cli_json_break(&w, "\n    ");
        cli_json_object(&w);
        cli_json_key_str(&w, "type", t->type, t->type_len);
        cli_json_key_bool(&w, "steady", t->steady);
        cli_json_key_u64(&w, "rises", t->rises);
        cli_json_key_i64(&w, "count_delta", t->count_delta);
        cli_json_key_i64(&w, "size_delta", t->size_delta);
        json_series(&w, "counts", t->counts, n);
        json_series(&w, "sizes", t->sizes, n);
        cli_json_end_object(&w);
    }
    cli_json_end_rows(&w);
}

static void
print_csv(const hs_growth *gr, size_t rows)
{
    printf("type,dump,time,count,size\n");
    for (size_t i = 0; i < rows; i++) {
        const hs_growth_type *t = hs_growth_type_at(gr, i);
        for (size_t k = 0; k < hs_growth_dumps(gr); k++) {
            cli_csv_field(t->type, t->type_len);
            printf(",%zu,%.17g,%llu,%llu\n", k, hs_growth_time(gr, k),
                   (unsigned long long)t->counts[k],
                   (unsigned long long)t->sizes[k]);
        }
    }
}

static bool
write_charts(const hs_growth *gr, const growth_opts *o, const char *label)
{
    static const char *const rsvg[] = {"rsvg-convert", "-o", "{out}", "{in}",
                                       NULL};
    static const char *const magick[] = {"convert", "{in}", "{out}", NULL};
    hs_error err;
    char *svg;
    bool ok = true;
    if (!o->svg && !o->png) {
        return true;
    }
    svg = hs_growth_svg(gr, (size_t)o->chart_types, label, &err);
    if (!svg) {
        cli_lib_error(&err);
        return false;
    }
    if (o->svg) {
        ok = cli_write_file(o->svg, svg);
    }
    if (ok && o->png) {
        if (cli_have_program("rsvg-convert")) {
            ok = cli_convert_to_file(svg, "svg", "png", rsvg, o->png);
        } else if (cli_have_program("convert")) {
            ok = cli_convert_to_file(svg, "svg", "png", magick, o->png);
        } else {
            cli_error("--png needs rsvg-convert (Debian: librsvg2-bin) or "
                      "ImageMagick's convert; neither is installed");
            ok = false;
        }
    }
    hs_free(svg);
    return ok;
}

static int
parse_options(int argc, char **argv, cli_load *load, growth_opts *o)
{
    static const struct option longopts[] = {
        CLI_TABLE_LONGOPTS,
        {"svg", required_argument, NULL, OPT_SVG},
        {"png", required_argument, NULL, OPT_PNG},
        {"chart-types", required_argument, NULL, OPT_CHART_TYPES},
        {"allow-mixed", no_argument, NULL, OPT_ALLOW_MIXED},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt, rc = HS_EXIT_OK;
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        switch (opt) {
        case OPT_SVG: o->svg = optarg; break;
        case OPT_PNG: o->png = optarg; break;
        case OPT_ALLOW_MIXED: o->allow_mixed = true; break;
        case OPT_CHART_TYPES:
            rc = cli_number_option("chart-types", optarg, &o->chart_types);
            break;
        default: rc = cli_table_option(&o->table, opt, argv); break;
        }
    }
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    if (argc - optind < 2) {
        return cli_usage_error("want two or more dumps, in the order they "
                               "were taken");
    }
    return HS_EXIT_OK;
}

int
cmd_growth(int argc, char **argv)
{
    growth_opts o = {{20, CLI_FORMAT_TEXT}, 5, NULL, NULL, false};
    cli_load load;
    hs_growth *gr;
    hs_error err;
    dump_info *d;
    size_t n, rows;
    const char *label, *source;
    int rc;
    cli_load_init(&load);
    load.no_parents = true; /* counts need no edges */
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    n = (size_t)(argc - optind);
    gr = hs_growth_new(&err);
    if (!gr) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    d = xmalloc(n * sizeof(*d));
    rc = HS_EXIT_FAILURE;
    if (load_all(gr, d, argv + optind, n, &load)
        && same_process(d, argv + optind, n, o.allow_mixed)) {
        cli_runtime *times = xmalloc(n * sizeof(*times));
        for (size_t i = 0; i < n; i++) {
            times[i] = d[i].time;
        }
        label = cli_runtime_choose(gr, times, n, &source);
        free(times);
        rows = cli_table_rows(&o.table, hs_growth_types(gr));
        if (o.table.format == CLI_FORMAT_JSON) {
            print_json(gr, d, rows, source, label);
        } else if (o.table.format == CLI_FORMAT_CSV) {
            print_csv(gr, rows);
        } else {
            print_text(gr, d, rows, source);
        }
        rc = write_charts(gr, &o, label) ? HS_EXIT_OK : HS_EXIT_FAILURE;
    }
    free(d);
    hs_growth_free(gr);
    return rc;
}
