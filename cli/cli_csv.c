/*
 * cli/cli_csv.c - one CSV field (see cli_csv.h).
 */
#include "cli_csv.h"

#include <stdbool.h>
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
