/*
 * cli/cli_out.c - small output helpers shared by the commands.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cli_csv_field_to(FILE *f, const char *s, size_t len)
{
    /* A spreadsheet runs a cell that starts with one of these as a
     * formula (=HYPERLINK(...), =cmd|...): such a field gets a leading
     * apostrophe, which spreadsheets show as text (OWASP's advice). */
    bool formula = len > 0 && strchr("=+-@", s[0]) && s[0] != '\0';
    bool quote = formula;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = true;
        }
    }
    if (!quote) {
        fwrite(s, 1, len, f);
        return;
    }
    fputc('"', f);
    if (formula) {
        fputc('\'', f);
    }
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            fputc('"', f);
        }
        fputc(s[i], f);
    }
    fputc('"', f);
}

void
cli_csv_field(const char *s, size_t len)
{
    cli_csv_field_to(stdout, s, len);
}

int
cli_number_option(const char *name, const char *arg, uint64_t *out)
{
    if (!cli_parse_u64(arg, out)) {
        return cli_usage_error("--%s wants a number, not '%s'", name, arg);
    }
    return HS_EXIT_OK;
}

int
cli_range_option(const char *name, const char *arg, uint64_t min,
                 uint64_t max, uint64_t *out)
{
    if (!cli_parse_u64(arg, out) || *out < min || *out > max) {
        return cli_usage_error("--%s wants a number from %llu to %llu, not "
                               "'%s'", name, (unsigned long long)min,
                               (unsigned long long)max, arg);
    }
    return HS_EXIT_OK;
}

int
cli_bad_option(char **argv)
{
    const char *arg = argv[optind - 1];
    if (optopt && optopt < 256) {
        return cli_usage_error("unknown option '-%c'", optopt);
    }
    if (optopt) {
        return cli_usage_error("option '%s' needs an argument", arg);
    }
    return cli_usage_error("unknown option '%s'", arg);
}
