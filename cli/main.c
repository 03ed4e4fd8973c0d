/*
 * cli/main.c - the heapscope program: global options and the dispatch
 * table of subcommands.
 *
 * The dispatcher alone handles -h/--help, flushes stdout and checks it for
 * write errors (a full disk, a closed pipe), so no command can forget to.
 * To add a command, see cli/README.md.
 */
#include "cli.h"
#include "cli_terminal.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct command {
    const char *name;
    int (*fn)(int argc, char **argv);
    const char *summary;
    const char *usage;   /* the full --help text */
} command;

extern const char cmd_summary_usage[];
extern const char cmd_info_usage[];
extern const char cmd_records_usage[];
extern const char cmd_dump_usage[];
extern const char cmd_show_usage[];
extern const char cmd_all_usage[];
extern const char cmd_diff_usage[];
extern const char cmd_path_usage[];
extern const char cmd_growth_usage[];
extern const char cmd_dot_usage[];
extern const char cmd_snapshot_usage[];
extern const char cmd_report_usage[];
extern const char cmd_explore_usage[];
extern const char cmd_top_usage[];
extern const char cmd_dominators_usage[];
extern const char cmd_leaks_usage[];
extern const char cmd_query_usage[];
extern const char cmd_export_usage[];

static const command commands[] = {
    {"summary", cmd_summary, "objects and bytes per type (meliae's summarize)",
     cmd_summary_usage},
    {"info", cmd_info, "what a dump holds and how it loaded", cmd_info_usage},
    {"records", cmd_records, "the records as normalized JSON lines",
     cmd_records_usage},
    {"dump", cmd_dump, "dump a running Python process's heap (by pid)",
     cmd_dump_usage},
    {"show", cmd_show, "one object: repr, refs as a dict, children, parents",
     cmd_show_usage},
    {"all", cmd_all, "every object of a type, largest first (get_all)",
     cmd_all_usage},
    {"diff", cmd_diff, "what grew between two dumps: types and objects",
     cmd_diff_usage},
    {"path", cmd_path, "what keeps an object alive: paths from roots",
     cmd_path_usage},
    {"growth", cmd_growth, "count per type across dumps, with a chart",
     cmd_growth_usage},
    {"dot", cmd_dot, "an object's neighbourhood as a Graphviz graph",
     cmd_dot_usage},
    {"snapshot", cmd_snapshot, "write a dump's snapshot for instant reopen",
     cmd_snapshot_usage},
    {"report", cmd_report, "the findings as one self-contained HTML page",
     cmd_report_usage},
    {"explore", cmd_explore, "walk the reference graph by hand (a prompt)",
     cmd_explore_usage},
    {"top", cmd_top, "the objects (or types) that retain the most memory",
     cmd_top_usage},
    {"dominators", cmd_dominators, "why an object is alive: its dominators",
     cmd_dominators_usage},
    {"leaks", cmd_leaks, "the leak report: who owns what keeps growing",
     cmd_leaks_usage},
    {"query", cmd_query, "ask anything: SQL over the objects and refs",
     cmd_query_usage},
    {"export", cmd_export, "the query tables as an SQLite file",
     cmd_export_usage},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static void
print_help(FILE *f)
{
    fprintf(f, "usage: heapscope COMMAND [options] DUMP...\n\n"
               "Find memory leaks in Python programs from meliae-format heap "
               "dumps\n(plain, gzip, bzip2 or zstd; '-' reads stdin).\n\n"
               "Commands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    }
    fprintf(f, "\n'heapscope help COMMAND' or 'heapscope COMMAND --help' "
               "describes one;\n'heapscope -V' (--version) prints the "
               "version.\n");
}

/* Old names of commands, still accepted (docs/cli.md says so) but not
 * listed: `index` was `snapshot` when the snapshot was called the
 * "snapshot index". */
static const struct {
    const char *old, *name;
} renamed[] = {
    {"index", "snapshot"},
};

static const command *
find_command(const char *name)
{
    for (size_t i = 0; i < sizeof(renamed) / sizeof(renamed[0]); i++) {
        if (strcmp(renamed[i].old, name) == 0) {
            name = renamed[i].name;
        }
    }
    for (size_t i = 0; i < NCOMMANDS; i++) {
        if (strcmp(commands[i].name, name) == 0) {
            return &commands[i];
        }
    }
    return NULL;
}

static bool
wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            return true;
        }
    }
    return false;
}

static int
help(int argc, char **argv)
{
    const command *c;
    if (argc < 2) {
        print_help(stdout);
        return HS_EXIT_OK;
    }
    c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "heapscope: error: unknown command '%s'\n", argv[1]);
        return HS_EXIT_USAGE;
    }
    fputs(c->usage, stdout);
    return HS_EXIT_OK;
}

/* Flushes stdout; a write error turns success into failure. */
static int
finish(int rc)
{
    if (cli_terminal_raw() != 0 || fflush(stdout) != 0 || ferror(stdout)) {
        if (errno != EPIPE) {
            fprintf(stderr, "heapscope %s: error: cannot write output: %s\n",
                    cli_command, strerror(errno));
        }
        return HS_EXIT_FAILURE;
    }
    return rc;
}

int
main(int argc, char **argv)
{
    const command *c;
    /* A closed pipe (heapscope ... | head) ends us quietly via EPIPE. */
    signal(SIGPIPE, SIG_IGN);
    opterr = 0; /* cli_bad_option words getopt's complaints */
    cli_terminal_guard();
    if (argc < 2) {
        print_help(stderr);
        return HS_EXIT_USAGE;
    }
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
        print_help(stdout);
        return finish(HS_EXIT_OK);
    }
    if (strcmp(argv[1], "-V") == 0 || strcmp(argv[1], "--version") == 0) {
        printf("heapscope %s\n", hs_version());
        return finish(HS_EXIT_OK);
    }
    if (strcmp(argv[1], "help") == 0) {
        return finish(help(argc - 1, argv + 1));
    }
    c = find_command(argv[1]);
    if (!c) {
        fprintf(stderr, "heapscope: error: unknown command '%s'\n", argv[1]);
        print_help(stderr);
        return HS_EXIT_USAGE;
    }
    cli_command = c->name;
    if (wants_help(argc - 1, argv + 1)) {
        fputs(c->usage, stdout);
        return finish(HS_EXIT_OK);
    }
    return finish(c->fn(argc - 1, argv + 1));
}
