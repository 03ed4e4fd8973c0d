/*
 * cli/cli_query.h - an SQL session over the dumps of a command line, for
 * `query` and `export`: loading each dump as every command does, and
 * Ctrl-C stopping the running statement instead of the program.
 */
#ifndef HS_CLI_QUERY_H
#define HS_CLI_QUERY_H

#include "cli_table.h"

#include <stdio.h>

typedef struct cli_query {
    hs_graph **graphs;
    size_t n;
    hs_query *q;
} cli_query;

/* Loads paths[0..n) in the order given (dump 1 first) and opens the
 * session; on SIGINT the running statement stops with "interrupted".
 * false after printing the error (cq is then released). */
bool cli_query_open(cli_query *cq, char **paths, size_t n, cli_load *l);

/* Frees the session and the dumps; SIGINT gets its default back. */
void cli_query_close(cli_query *cq);

/* Reads a whole SQL script from path ("-": stdin) into *out (caller
 * frees with free), *len bytes, NUL-terminated. false after printing the
 * error. */
bool cli_query_read_sql(const char *path, char **out, size_t *len);

/* Runs every statement of sql[0..len) in turn, each printing its rows
 * (cli_rows_print; a table or CSV goes to out, JSON to stdout), and
 * stops at the first that fails: false, with "NAME:LINE:COL: message"
 * (the place in the script, when SQLite knows it) in why[0..size). With
 * timer, each statement's wall time and the rows the tables produced for
 * it go to stderr. */
bool cli_query_run(hs_query *q, const char *name, const char *sql,
                   size_t len, cli_format format, FILE *out, bool timer,
                   char *why, size_t size);

#endif
