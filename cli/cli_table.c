/*
 * cli/cli_table.c - the table options (--top N, --all, --json, --csv).
 */
#include "cli_table.h"

#include <getopt.h>

int
cli_table_option(cli_table *t, int opt, char **argv)
{
    switch (opt) {
    case CLI_OPT_TOP: return cli_number_option("top", optarg, &t->top);
    case CLI_OPT_ALL: t->top = UINT64_MAX; return HS_EXIT_OK;
    case CLI_OPT_JSON: t->format = CLI_FORMAT_JSON; return HS_EXIT_OK;
    case CLI_OPT_CSV: t->format = CLI_FORMAT_CSV; return HS_EXIT_OK;
    default: return cli_bad_option(argv);
    }
}

size_t
cli_table_rows(const cli_table *t, size_t n)
{
    return t->top < n ? (size_t)t->top : n;
}
