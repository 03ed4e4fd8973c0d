/*
 * cli/cmd_report.c - `heapscope report DUMP... -o FILE.html`: the findings
 * of one or more dumps of a process as one self-contained HTML page (no
 * network: styles, script and chart inline) to attach to a bug report.
 *
 * Dumps are loaded one at a time in run order. The leak finder matches
 * its suspects' owners in every dump it compares, so up to KEEP_ALL dumps
 * all stay loaded; beyond that only the first, the second and the last
 * do (what the candidates and the growth ranking need), the others are
 * freed once their counts are in the growth series.
 */
#include "cli.h"
#include "cli_atomic.h"
#include "cli_retained.h"
#include "cli_runtime.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_report_usage[] =
    "usage: heapscope report [options] DUMP... [-o FILE.html]\n"
    "\n"
    "Writes one self-contained HTML page (no network: styles, script and\n"
    "charts are inline; it opens from disk) with the findings of one or\n"
    "more dumps of a process, given in the order they were taken:\n"
    "  - the leak suspects, as `heapscope leaks` finds them: each owner\n"
    "    with its growth per dump, what the growth is made of, its path\n"
    "    from a root step by step, its signature and a sample new object\n"
    "                                             (two dumps or more)\n"
    "  - the top retainers of the last dump, as `heapscope top` lists them\n"
    "  - the growth chart and each type's counts  (two dumps or more)\n"
    "  - the per-type changes, first to last      (two dumps or more)\n"
    "  - the summary table of the last dump\n"
    "Tables sort when a header is clicked; paths open when clicked; the\n"
    "page prints. Everything taken from a dump is HTML-escaped.\n"
    "\n"
    "Options:\n"
    "  -o, --output FILE  write the page to FILE, atomically (default, and\n"
    "                     -o -: standard output)\n"
    "  --title TEXT       the page's title (default: heapscope report)\n"
    "  --top N            rows per table (default 30)\n"
    "  --suspects N       leak suspects shown (default 5)\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 a dump could not be read or the page could not be\n"
    "written, 2 bad usage.\n";

enum { OPT_TITLE = OPT_FIRST_COMMAND_OPTION, OPT_TOP, OPT_SUSPECTS };

#define KEEP_ALL 8 /* dumps kept loaded for the leak finder, at most */

typedef struct report_opts {
    const char *output, *title;
    uint64_t top, suspects;
} report_opts;

/* The most rows --top and --suspects may ask for. */
#define MAX_ROWS 1000000

static int
parse_options(int argc, char **argv, cli_load *load, report_opts *o)
{
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"title", required_argument, NULL, OPT_TITLE},
        {"top", required_argument, NULL, OPT_TOP},
        {"suspects", required_argument, NULL, OPT_SUSPECTS},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt, rc = HS_EXIT_OK;
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "o:", longopts, load))
                  != -1) {
        switch (opt) {
        case 'o': o->output = optarg; break;
        case OPT_TITLE: o->title = optarg; break;
        case OPT_TOP:
            rc = cli_range_option("top", optarg, 1, MAX_ROWS, &o->top);
            break;
        case OPT_SUSPECTS:
            rc = cli_range_option("suspects", optarg, 1, MAX_ROWS,
                                  &o->suspects);
            break;
        default:
            return cli_bad_option(argv);
        }
    }
    if (rc == HS_EXIT_OK && optind >= argc) {
        return cli_usage_error("want one or more dumps, in the order they "
                               "were taken");
    }
    return rc;
}

/* The report's callback: appends to a memory stream. */
static int
write_stream(void *ctx, const char *data, size_t len)
{
    return fwrite(data, 1, len, (FILE *)ctx) == len ? 0 : -1;
}

/* Whether dump i of n stays loaded for the leak finder. */
static bool
keep(size_t i, size_t n)
{
    return n <= KEEP_ALL || i <= 1 || i == n - 1;
}

/* Loads every dump into the growth series, keeping those the leak
 * finder needs in g[0..*kept) and their places in index[]; false after
 * printing an error (the caller frees g[0..*kept)). */
static bool
load_series(char **paths, size_t n, cli_load *load, hs_growth *gr,
            hs_graph **g, size_t *index, size_t *kept, cli_runtime *times)
{
    *kept = 0;
    for (size_t i = 0; i < n; i++) {
        hs_error err;
        hs_graph *d = cli_load_dump(paths[i], load);
        if (!d) {
            return false;
        }
        cli_runtime_read(&times[i], d, paths[i]);
        if (hs_growth_add(gr, d, (double)i, &err) < 0) {
            cli_lib_error(&err);
            hs_graph_free(d);
            return false;
        }
        if (keep(i, n)) {
            index[*kept] = i;
            g[(*kept)++] = d;
        } else {
            hs_graph_free(d);
        }
    }
    return true;
}

/* Writes the page to the output (or stdout); false after an error. */
static bool
write_report(const hs_report_options *ro, const char *output)
{
    char *text = NULL;
    size_t size = 0;
    hs_error err;
    FILE *f = open_memstream(&text, &size);
    bool ok;
    int rc;
    if (!f) {
        cli_error("out of memory");
        return false;
    }
    rc = hs_report_write(ro, write_stream, f, &err);
    ok = fclose(f) == 0 && rc == HS_OK && text;
    if (rc != HS_OK) {
        cli_lib_error(&err);
    } else if (!ok) {
        cli_error("out of memory");
    } else if (output) {
        ok = cli_write_file(output, text);
    } else {
        fputs(text, stdout);
    }
    free(text);
    return ok;
}

int
cmd_report(int argc, char **argv)
{
    report_opts o = {NULL, NULL, 30, 5};
    hs_report_options ro;
    cli_load load;
    hs_graph **g;
    size_t *index;
    cli_runtime *times;
    hs_growth *gr;
    hs_dominators *tree = NULL;
    hs_error err;
    const char *source;
    size_t n, kept = 0;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    n = (size_t)(argc - optind);
    if (!(gr = hs_growth_new(&err))) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    times = xmalloc(n * sizeof(*times));
    g = xmalloc(n * sizeof(*g));
    index = xmalloc(n * sizeof(*index));
    rc = HS_EXIT_FAILURE;
    if (load_series(argv + optind, n, &load, gr, g, index, &kept, times)) {
        memset(&ro, 0, sizeof(ro));
        ro.title = o.title;
        ro.first = n > 1 ? g[0] : NULL;
        ro.last = g[kept - 1];
        ro.leak_dumps = (const hs_graph *const *)g;
        ro.leak_index = index;
        ro.nleak = kept;
        ro.paths = (const char *const *)(argv + optind);
        ro.ndumps = n;
        ro.growth = n > 1 ? gr : NULL;
        ro.time_label = cli_runtime_choose(gr, times, n, &source);
        ro.top = (size_t)o.top;
        ro.suspects = (size_t)o.suspects;
        /* One dump: its tree as top has it, read back beside the
         * snapshot or computed and kept there. With more, the leak
         * finder makes them, each on a thread beside the next load. */
        if (n == 1) {
            tree = cli_dominators(g[0], &load.tree);
            ro.last_tree = tree;
        }
        if (n > 1 || tree) {
            rc = write_report(&ro, o.output) ? HS_EXIT_OK : HS_EXIT_FAILURE;
        }
    }
    hs_dominators_free(tree);
    for (size_t i = 0; i < kept; i++) {
        hs_graph_free(g[i]);
    }
    free(g);
    free(index);
    free(times);
    hs_growth_free(gr);
    return rc;
}
