/*
 * cli/commands.h - the subcommands of the heapscope program.
 *
 * Each subcommand lives in cli/cmd_<name>.c and is reached through the
 * dispatch table in cli/main.c. argv[0] is the subcommand's name; the
 * return value is an hs_exit_code.
 */
#ifndef HS_CLI_COMMANDS_H
#define HS_CLI_COMMANDS_H

/* Exit codes of the heapscope program (docs/style.md 18). */
typedef enum hs_exit_code {
    HS_EXIT_OK = 0,      /* the command ran */
    HS_EXIT_FAILURE = 1, /* bad input, I/O error, out of memory */
    HS_EXIT_USAGE = 2,   /* bad command line */
    HS_EXIT_GROWTH = 3   /* leaks --fail-on-growth: a suspect grows */
} hs_exit_code;

int cmd_summary(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_records(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_all(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_path(int argc, char **argv);
int cmd_growth(int argc, char **argv);
int cmd_dot(int argc, char **argv);
int cmd_snapshot(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_explore(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_dominators(int argc, char **argv);
int cmd_leaks(int argc, char **argv);
int cmd_query(int argc, char **argv);
int cmd_export(int argc, char **argv);

#endif
