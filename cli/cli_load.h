/*
 * cli/cli_load.h - loading a dump for a subcommand: the load options all
 * commands accept (CLI_LOAD_LONGOPTS, CLI_LOAD_HELP), option parsing
 * with them, and the load itself with progress and warnings.
 */
#ifndef HS_CLI_LOAD_H
#define HS_CLI_LOAD_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

struct option;

/* Which of meliae's pipelines runs after the read. */
typedef enum cli_pipeline {
    CLI_PIPELINE_DEFAULT = 0, /* load(): collapse, then parents */
    CLI_PIPELINE_NO_COLLAPSE, /* load(collapse=False), parents computed */
    CLI_PIPELINE_CLASSIC      /* + remove_expensive_references and
                                 guess_intern_dict */
} cli_pipeline;

/* Load options every command that reads a dump accepts. */
typedef struct cli_load {
    cli_pipeline pipeline;
    bool skip_bad_lines;
    bool no_parents;
    bool no_address_index; /* no lookups by address after the load */
    bool quiet;          /* no progress bar */
    unsigned threads;    /* 0: one per CPU */
    hs_dialect dialect;
    uint32_t intern_dict; /* classic pipeline's guess, or HS_NO_NODE */
    bool no_snapshot;    /* --no-snapshot: neither use nor write one */
    uint64_t max_line;   /* --max-line: longest line accepted, 0: default */
    hs_snapshot_flags snapshot_flags; /* how cli_load_dump treats the
                                         snapshot */
    bool summary_only;   /* the command reads what a summary reads, no
                            more: a snapshot is checked only that far
                            (HS_SNAPSHOT_LAZY) */
    hs_snapshot_report snapshot; /* what the last cli_load_dump did with it */
    hs_tree_store tree; /* where the last graph's dominator tree is kept */
} cli_load;

/* getopt_long values of the common options, above any short option. */
enum {
    OPT_NO_COLLAPSE = 1000,
    OPT_CLASSIC,
    OPT_SKIP_BAD_LINES,
    OPT_DIALECT,
    OPT_QUIET,
    OPT_THREADS,
    OPT_NO_SNAPSHOT,
    OPT_MAX_LINE,
    OPT_FIRST_COMMAND_OPTION = 1100
};

#define CLI_LOAD_LONGOPTS \
    {"no-collapse", no_argument, NULL, OPT_NO_COLLAPSE}, \
    {"classic", no_argument, NULL, OPT_CLASSIC}, \
    {"skip-bad-lines", no_argument, NULL, OPT_SKIP_BAD_LINES}, \
    {"dialect", required_argument, NULL, OPT_DIALECT}, \
    {"quiet", no_argument, NULL, OPT_QUIET}, \
    {"threads", required_argument, NULL, OPT_THREADS}, \
    {"no-snapshot", no_argument, NULL, OPT_NO_SNAPSHOT}, \
    {"no-index", no_argument, NULL, OPT_NO_SNAPSHOT}, \
    {"max-line", required_argument, NULL, OPT_MAX_LINE}

/* Usage text of the common options, for each command's help. */
#define CLI_LOAD_HELP \
    "Loading:\n" \
    "  --no-collapse      keep instance dicts apart (meliae's load(collapse=False))\n" \
    "  --classic          the classic investigation pipeline: collapse, referrers,\n" \
    "                     remove_expensive_references, guess_intern_dict\n" \
    "  --skip-bad-lines   skip malformed lines (counted) instead of failing\n" \
    "  --dialect D        force the dump dialect: py2, py3, py311, heapscope\n" \
    "  --quiet            no progress bar\n" \
    "  --threads N        threads loading the dump (default: one per CPU)\n" \
    "  --no-snapshot      neither use nor write the snapshot (DUMP.hsidx)\n" \
    "  --no-index         the same (its old spelling)\n" \
    "  --max-line SIZE    longest line accepted (default 1G; K, M, G suffixes):\n" \
    "                     a longer one is an error, so memory stays bounded\n"

void cli_load_init(cli_load *l);

/* Handles a common option; returns 1 if opt was one, 0 if not, or -1 on
 * a bad argument (message printed). */
int cli_load_option(cli_load *l, int opt, const char *arg);

/* getopt_long for a command whose longopts include CLI_LOAD_LONGOPTS:
 * handles the common options itself and returns the next option of the
 * command's own, or -1 at the end. A bad option (unknown, missing or bad
 * argument) is a usage error: the message is printed and the program
 * exits with HS_EXIT_USAGE, since nothing has been written yet. */
int cli_next_option(int argc, char **argv, const char *shortopts,
                    const struct option *longopts, cli_load *l);

/* Loads a dump with the chosen pipeline, a progress bar on a TTY and
 * warnings on stderr, through the snapshot unless --no-snapshot or the
 * environment variable HEAPSCOPE_NO_SNAPSHOT (or its old name
 * HEAPSCOPE_NO_INDEX; non-empty) says not to; l->snapshot says what
 * happened. NULL after printing the error. */
hs_graph *cli_load_dump(const char *path, cli_load *l);

#endif
