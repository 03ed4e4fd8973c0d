/*
 * cli/cli_table.h - the output options of the commands that print rows
 * (summary, diff, growth, top, all): --top N, --all, --json, --csv,
 * parsed in one place so that they mean the same everywhere.
 */
#ifndef CLI_TABLE_H
#define CLI_TABLE_H

#include "cli.h"

typedef enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON, CLI_FORMAT_CSV }
    cli_format;

typedef struct cli_table {
    uint64_t top;       /* rows to show; UINT64_MAX after --all */
    cli_format format;
} cli_table;

/* later - earlier, signed: the "+" columns of diff and diff --by-site
 * (counts and sizes stay below 2^63: a dump's totals are checked when it
 * loads, so the difference fits). */
static inline long long
cli_delta(uint64_t later, uint64_t earlier)
{
    return later >= earlier ? (long long)(later - earlier)
                            : -(long long)(earlier - later);
}

/* Option codes of the table options; a command numbers its own from
 * CLI_OPT_TABLE_END. */
enum { CLI_OPT_TOP = OPT_FIRST_COMMAND_OPTION, CLI_OPT_ALL, CLI_OPT_JSON,
       CLI_OPT_CSV, CLI_OPT_TABLE_END };

/* Entries of a command's longopts, beside CLI_LOAD_LONGOPTS: every table
 * option, or only the output formats (for commands that count rows their
 * own way, such as `all --limit`). */
#define CLI_FORMAT_LONGOPTS \
    {"json", no_argument, NULL, CLI_OPT_JSON}, \
    {"csv", no_argument, NULL, CLI_OPT_CSV}
#define CLI_TABLE_LONGOPTS \
    {"top", required_argument, NULL, CLI_OPT_TOP}, \
    {"all", no_argument, NULL, CLI_OPT_ALL}, \
    CLI_FORMAT_LONGOPTS

/* For the default of a command's option switch: handles opt (from
 * cli_next_option, its argument in optarg) as a table option, or, when it
 * is none, as an option the command does not know. Returns HS_EXIT_OK, or
 * a usage error (message printed). */
int cli_table_option(cli_table *t, int opt, char **argv);

/* How many of n rows --top and --all leave. */
size_t cli_table_rows(const cli_table *t, size_t n);

#endif
