/*
 * cli/cmd_query.c - `heapscope query`: SQL over the dumps (lib/query,
 * docs/query.md), as an aligned table, CSV or JSON.
 */
#include "cli.h"
#include "cli_query.h"

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_query_usage[] =
    "usage: heapscope query [options] DUMP... SQL\n"
    "       heapscope query [options] -f FILE.sql DUMP...\n"
    "\n"
    "Runs SQL (SQLite's) over the dumps, numbered 1, 2, ... in the order\n"
    "given, through the tables (docs/query.md has every column):\n"
    "  objects(dump, address, type, size, len, value, name, refs, parents,\n"
    "          retained, retained_count, idom, new)\n"
    "  edges(dump, src, dst, label, position)\n"
    "  types(dump, type, count, size)\n"
    "  dumps(dump, file, pid, time, objects, size, rss)\n"
    "Lookups by dump, address, type, src and dst use indexes; retained,\n"
    "retained_count and idom compute the dominator tree, `new` the diff with\n"
    "the dump before, only when a query reads them. SQL '-' reads stdin;\n"
    "a script may hold several statements. Queries only read: writes,\n"
    "ATTACH, pragmas and extensions are refused.\n"
    "\n"
    "Options:\n"
    "  -f, --file FILE    read the SQL from FILE ('-': stdin); every\n"
    "                     argument is then a dump\n"
    "  --csv              CSV with a header row, values whole\n"
    "  --json             a JSON array of row objects per statement\n"
    "  --timeout S        stop a statement after S seconds (Ctrl-C stops\n"
    "                     one at any time)\n"
    "  --timer            print each statement's time and the rows it read\n"
    "                     from the tables (a lookup reads 1) on stderr\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 every statement ran, 1 a dump could not be read or a\n"
    "statement failed (bad SQL, refused, interrupted, timed out), 2 bad\n"
    "usage.\n";

enum { OPT_FILE = CLI_OPT_TABLE_END, OPT_TIMEOUT, OPT_TIMER };

typedef struct query_opts {
    const char *file;       /* -f, or NULL */
    cli_format format;
    double timeout;
    bool timer;
} query_opts;

static int
parse_timeout(const char *arg, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (*arg == '\0' || *end != '\0' || !isfinite(v) || v <= 0) {
        return cli_usage_error("--timeout wants seconds above 0, not '%s'",
                               arg);
    }
    *out = v;
    return HS_EXIT_OK;
}

static int
parse_options(int argc, char **argv, cli_load *l, query_opts *o)
{
    static const struct option longopts[] = {
        CLI_LOAD_LONGOPTS,
        CLI_FORMAT_LONGOPTS,
        {"file", required_argument, NULL, OPT_FILE},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"timer", no_argument, NULL, OPT_TIMER},
        {NULL, 0, NULL, 0}
    };
    cli_table t = {0, CLI_FORMAT_TEXT};
    int opt, rc;
    while ((opt = cli_next_option(argc, argv, "f:", longopts, l)) != -1) {
        if (opt == 'f' || opt == OPT_FILE) {
            o->file = optarg;
        } else if (opt == OPT_TIMER) {
            o->timer = true;
        } else if (opt == OPT_TIMEOUT) {
            if ((rc = parse_timeout(optarg, &o->timeout)) != HS_EXIT_OK) {
                return rc;
            }
        } else if ((rc = cli_table_option(&t, opt, argv)) != HS_EXIT_OK) {
            return rc;
        }
    }
    o->format = t.format;
    if (argc - optind < (o->file ? 1 : 2)) {
        return cli_usage_error(o->file ? "which dumps? (heapscope query -f "
                                         "FILE.sql DUMP...)"
                                       : "which dumps, and what SQL? "
                                         "(heapscope query DUMP... SQL)");
    }
    return HS_EXIT_OK;
}

int
cmd_query(int argc, char **argv)
{
    query_opts o = {NULL, CLI_FORMAT_TEXT, 0, false};
    cli_load load;
    cli_query cq;
    const char *source, *name;
    char *sql = NULL, why[1024];
    size_t len, ndumps;
    int rc;
    cli_load_init(&load);
    if ((rc = parse_options(argc, argv, &load, &o)) != HS_EXIT_OK) {
        return rc;
    }
    ndumps = (size_t)(argc - optind) - (o.file ? 0 : 1);
    source = o.file ? o.file : argv[argc - 1];
    for (size_t i = 0; i < ndumps && strcmp(source, "-") == 0; i++) {
        if (strcmp(argv[optind + (int)i], "-") == 0) {
            return cli_usage_error("the SQL and a dump cannot both come "
                                   "from stdin");
        }
    }
    if (o.file || strcmp(source, "-") == 0) {
        if (!cli_query_read_sql(source, &sql, &len)) {
            return HS_EXIT_FAILURE;
        }
        name = source;
    } else {
        sql = cli_check_alloc(strdup(source));
        len = strlen(sql);
        name = "SQL";
    }
    if (!cli_query_open(&cq, argv + optind, ndumps, &load)) {
        free(sql);
        return HS_EXIT_FAILURE;
    }
    hs_query_set_timeout(cq.q, o.timeout);
    rc = HS_EXIT_OK;
    if (!cli_query_run(cq.q, name, sql, len, o.format, stdout, o.timer, why,
                       sizeof(why))) {
        cli_error("%s", why);
        rc = HS_EXIT_FAILURE;
    }
    cli_query_close(&cq);
    free(sql);
    return rc;
}
