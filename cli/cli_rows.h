/*
 * cli/cli_rows.h - the rows of an SQL statement (hs_query) as an aligned
 * table, CSV or JSON, for `heapscope query` and the explorer's `sql`.
 */
#ifndef HS_CLI_ROWS_H
#define HS_CLI_ROWS_H

#include "cli_table.h"

#include <stdio.h>

/* Runs st to its end, printing its rows in format: a table or CSV to
 * out, JSON to stdout (nothing for a statement without columns). first is
 * false for the second and later statements of a script: a table is then
 * set apart by a blank line. Returns 0, or the step's status (err set;
 * CSV and JSON rows printed so far stay). */
int cli_rows_print(hs_query_stmt *st, cli_format format, bool first,
                   FILE *out, hs_error *err);

/* Runs st to its end and prints its rows to out as the aligned table
 * (nothing for a statement without columns; no table when a step
 * fails). Returns 0, or the step's status (err set). */
int cli_rows_table(hs_query_stmt *st, FILE *out, hs_error *err);

#endif
