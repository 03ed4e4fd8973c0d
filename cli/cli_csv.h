/*
 * cli/cli_csv.h - one CSV field (RFC 4180), for every --csv.
 */
#ifndef HS_CLI_CSV_H
#define HS_CLI_CSV_H

#include <stddef.h>
#include <stdio.h>

/* s as a CSV field on stdout (or f), quoted when needed; a field a
 * spreadsheet would run as a formula is neutralised. */
void cli_csv_field(const char *s, size_t len);
void cli_csv_field_to(FILE *f, const char *s, size_t len);

#endif
