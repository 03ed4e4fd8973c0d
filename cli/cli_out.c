/*
 * cli/cli_out.c - small output helpers shared by the commands.
 */
#include "cli.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

void
cli_json_string(const char *s, size_t len)
{
    char *q = hs_json_quote(s, len, HS_QUOTE_DEFAULT);
    if (!q) {
        fprintf(stderr, "heapscope: out of memory\n");
        exit(HS_EXIT_FAILURE);
    }
    fputs(q, stdout);
    hs_free(q);
}

void
cli_csv_field(const char *s, size_t len)
{
    bool quote = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r') {
            quote = true;
        }
    }
    if (!quote) {
        fwrite(s, 1, len, stdout);
        return;
    }
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"') {
            putchar('"');
        }
        putchar(s[i]);
    }
    putchar('"');
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
