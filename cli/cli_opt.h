/*
 * cli/cli_opt.h - the small parsers every command's options share:
 * numbers, ranges, and getopt's complaints, each worded once.
 */
#ifndef HS_CLI_OPT_H
#define HS_CLI_OPT_H

#include <stdbool.h>
#include <stdint.h>

/* Parses a whole decimal number; false on junk or overflow. */
bool cli_parse_u64(const char *s, uint64_t *out);

/* Parse the number of option --name (arg) into *out, from min to max
 * for the second; HS_EXIT_OK, or a usage error (message printed). */
int cli_number_option(const char *name, const char *arg, uint64_t *out);
int cli_range_option(const char *name, const char *arg, uint64_t min,
                     uint64_t max, uint64_t *out);

/* For getopt_long's '?': names the unknown option or missing argument
 * (opterr is off so that all messages share one form). */
int cli_bad_option(char **argv);

#endif
