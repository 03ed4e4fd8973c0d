/*
 * cli/cli_rows.c - the rows of an SQL statement in the three formats.
 *
 * CSV and JSON stream row by row and print every value whole. The table
 * is for reading: it holds every cell to size the columns, cuts a cell
 * at CELL_MAX characters (marked "..."), writes newlines, tabs and other
 * control characters as escapes so that one row stays one line, puts
 * numbers to the right, and ends with the row count. NULL reads NULL in
 * the table, an empty field in CSV and null in JSON; a blob (a bytes
 * value) reads as Python writes bytes, b'...', in the table and in CSV.
 */
#include "cli_rows.h"

#include "cli_json.h"
#include "cli_node.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CELL_MAX 100 /* characters of a table cell */

/* A growing string (the CLI dies when out of memory). */
typedef struct text {
    char *p;
    size_t len, cap;
} text;

static void
add(text *t, const char *s, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->p = cli_check_alloc(realloc(t->p, t->cap));
    }
    memcpy(t->p + t->len, s, n);
    t->len += n;
    t->p[t->len] = '\0';
}

static void
addf_hex(text *t, unsigned char c)
{
    char buf[8];
    snprintf(buf, sizeof(buf), "\\x%02x", c);
    add(t, buf, 4);
}

/* The shortest of %.15g and %.17g that reads back as v. */
static void
format_real(char *buf, size_t size, double v)
{
    snprintf(buf, size, "%.15g", v);
    if (strtod(buf, NULL) != v) {
        snprintf(buf, size, "%.17g", v);
    }
}

/* A bytes value as Python writes it: b'...' with \xHH escapes. */
static void
add_bytes_literal(text *t, const char *s, size_t len)
{
    add(t, "b'", 2);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\'' || c == '\\') {
            add(t, "\\", 1);
            add(t, s + i, 1);
        } else if (c < 0x20 || c >= 0x7f) {
            addf_hex(t, c);
        } else {
            add(t, s + i, 1);
        }
    }
    add(t, "'", 1);
}

/* A number as text; false for NULL, text and blobs. */
static bool
format_number(const hs_query_value *v, char *buf, size_t size)
{
    if (v->type == HS_QUERY_INT) {
        snprintf(buf, size, "%lld", (long long)v->i);
        return true;
    }
    if (v->type == HS_QUERY_REAL) {
        format_real(buf, size, v->r);
        return true;
    }
    return false;
}

/* MARK: CSV and JSON */

static void
csv_value(FILE *out, const hs_query_value *v)
{
    char buf[40];
    text t = {0};
    if (format_number(v, buf, sizeof(buf))) {
        fputs(buf, out);
    } else if (v->type == HS_QUERY_TEXT) {
        cli_csv_field_to(out, v->s, v->len);
    } else if (v->type == HS_QUERY_BLOB) {
        add_bytes_literal(&t, v->s, v->len);
        cli_csv_field_to(out, t.p, t.len);
        free(t.p);
    }
}

static void
json_value(cli_json *w, const hs_query_value *v)
{
    char buf[40];
    if (v->type == HS_QUERY_REAL && !isfinite(v->r)) {
        cli_json_null(w); /* JSON has no infinity */
    } else if (format_number(v, buf, sizeof(buf))) {
        cli_json_number_text(w, buf, strlen(buf));
    } else if (v->type == HS_QUERY_TEXT) {
        cli_json_str(w, v->s, v->len);
    } else if (v->type == HS_QUERY_BLOB) {
        cli_json_bytes(w, v->s, v->len);
    } else {
        cli_json_null(w);
    }
}

/* One row: a line of CSV on out, or an object on w. */
static void
stream_row(hs_query_stmt *st, size_t ncols, cli_json *w, FILE *out)
{
    hs_query_value v;
    if (w) {
        cli_json_break(w, "\n  ");
        cli_json_object(w);
    }
    for (size_t i = 0; i < ncols; i++) {
        hs_query_column(st, i, &v);
        if (w) {
            cli_json_key(w, hs_query_column_name(st, i));
            json_value(w, &v);
        } else {
            fputs(i ? "," : "", out);
            csv_value(out, &v);
        }
    }
    if (w) {
        cli_json_end_object(w);
    } else {
        fputc('\n', out);
    }
}

/* CSV goes to out; JSON to stdout, an array per statement. */
static int
print_stream(hs_query_stmt *st, cli_format format, FILE *out, hs_error *err)
{
    size_t ncols = hs_query_column_count(st);
    cli_json json, *w = NULL;
    int rc;
    if (format == CLI_FORMAT_CSV) {
        for (size_t i = 0; i < ncols; i++) {
            const char *name = hs_query_column_name(st, i);
            fputs(i ? "," : "", out);
            cli_csv_field_to(out, name, strlen(name));
        }
        fputc('\n', out);
    } else {
        cli_json_init(&json, stdout);
        w = &json;
        cli_json_array(w);
    }
    while ((rc = hs_query_step(st, err)) == 1) {
        stream_row(st, ncols, w, out);
    }
    if (w) {
        cli_json_break(w, "\n");
        cli_json_end_array(w);
    }
    return rc;
}

/* MARK: the table */

typedef struct cell {
    char *s;
    size_t width;   /* in characters (UTF-8 sequences) */
    bool right;     /* a number */
} cell;

/* Appends s[0..len) to t for one table line: control characters
 * escaped, at most CELL_MAX characters, then "...". Returns the width. */
static size_t
add_cell_text(text *t, const char *s, size_t len)
{
    size_t width = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) == 0x80) {
            add(t, s + i, 1); /* continues the character before */
            continue;
        }
        if (width >= CELL_MAX) {
            add(t, "...", 3);
            return width + 3;
        }
        if (c == '\n' || c == '\t' || c == '\r') {
            add(t, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r", 2);
            width += 2;
        } else if (c < 0x20 || c == 0x7f) {
            addf_hex(t, c);
            width += 4;
        } else {
            add(t, s + i, 1);
            width++;
        }
    }
    return width;
}

static cell
make_cell(const hs_query_value *v)
{
    char buf[40];
    text t = {0}, lit = {0};
    cell c = {NULL, 0, false};
    if (format_number(v, buf, sizeof(buf))) {
        c.right = true;
        c.width = add_cell_text(&t, buf, strlen(buf));
    } else if (v->type == HS_QUERY_TEXT) {
        c.width = add_cell_text(&t, v->s, v->len);
    } else if (v->type == HS_QUERY_BLOB) {
        add_bytes_literal(&lit, v->s, v->len);
        c.width = add_cell_text(&t, lit.p, lit.len);
        free(lit.p);
    } else {
        c.width = add_cell_text(&t, "NULL", 4);
    }
    c.s = t.p ? t.p : cli_check_alloc(calloc(1, 1));
    return c;
}

static void
put_cell(FILE *out, const cell *c, size_t width, bool last)
{
    size_t pad = width - c->width;
    if (c->right) {
        fprintf(out, "%*s", (int)pad, "");
    }
    fputs(c->s, out);
    if (!c->right && !last) {
        fprintf(out, "%*s", (int)pad, "");
    }
    fputs(last ? "\n" : "  ", out);
}

static void
print_cells(FILE *out, cell *cells, size_t ncells, size_t ncols)
{
    size_t *width = cli_check_alloc(calloc(ncols, sizeof(size_t)));
    for (size_t i = 0; i < ncols && ncells > ncols; i++) {
        cells[i].right = cells[ncols + i].right; /* headers over numbers */
    }
    for (size_t i = 0; i < ncells; i++) {
        if (cells[i].width > width[i % ncols]) {
            width[i % ncols] = cells[i].width;
        }
    }
    for (size_t i = 0; i < ncells; i++) {
        put_cell(out, &cells[i], width[i % ncols], i % ncols == ncols - 1);
        if (i == ncols - 1) { /* under the header */
            for (size_t k = 0; k < ncols; k++) {
                for (size_t j = 0; j < width[k]; j++) {
                    fputc('-', out);
                }
                fputs(k == ncols - 1 ? "\n" : "  ", out);
            }
        }
    }
    free(width);
}

int
cli_rows_table(hs_query_stmt *st, FILE *out, hs_error *err)
{
    size_t ncols = hs_query_column_count(st), n = 0, cap = 0;
    cell *cells = NULL;
    hs_query_value v;
    int rc;
    if (ncols == 0) { /* BEGIN, COMMIT: nothing to show */
        while ((rc = hs_query_step(st, err)) == 1) {
        }
        return rc;
    }
    for (size_t i = 0; i < ncols; i++) {
        v.type = HS_QUERY_TEXT;
        v.s = hs_query_column_name(st, i);
        v.len = strlen(v.s);
        cells = cli_check_alloc(realloc(cells, ++cap * sizeof(*cells)));
        cells[n++] = make_cell(&v);
    }
    while ((rc = hs_query_step(st, err)) == 1) {
        if (n + ncols > cap) {
            cap = 2 * (n + ncols);
            cells = cli_check_alloc(realloc(cells, cap * sizeof(*cells)));
        }
        for (size_t i = 0; i < ncols; i++) {
            hs_query_column(st, i, &v);
            cells[n++] = make_cell(&v);
        }
    }
    if (rc == 0) { /* a failed statement's rows are no answer */
        print_cells(out, cells, n, ncols);
        fprintf(out, "(%zu row%s)\n", n / ncols - 1, cli_s(n / ncols - 1));
    }
    for (size_t i = 0; i < n; i++) {
        free(cells[i].s);
    }
    free(cells);
    return rc;
}

int
cli_rows_print(hs_query_stmt *st, cli_format format, bool first, FILE *out,
               hs_error *err)
{
    if (format == CLI_FORMAT_TEXT || hs_query_column_count(st) == 0) {
        if (!first && hs_query_column_count(st)) {
            fputc('\n', out);
        }
        return cli_rows_table(st, out, err);
    }
    return print_stream(st, format, out, err);
}
