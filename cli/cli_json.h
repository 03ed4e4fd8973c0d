/*
 * cli/cli_json.h - the one JSON writer behind every --json.
 *
 * Commands say what they write (objects, arrays, keys, values) and the
 * writer places the commas and escapes every string the one way the
 * library does (hs_json_quote: ASCII out, control characters, quotes and
 * backslashes escaped, invalid UTF-8 kept byte by byte as \u00XX), so no
 * dump can make an output that a JSON parser rejects.
 *
 * Layout: members and items are separated by ", " on one line. A command
 * that wants a line per item calls cli_json_break before it: the
 * whitespace given replaces the separator's space (or, before a first
 * item or a closing bracket, is written alone). A break before the close
 * of an empty container is dropped, so "[]" stays "[]". The outermost
 * container's close ends the line.
 *
 * Usage:
 *     cli_json w;
 *     cli_json_init(&w, stdout);
 *     cli_json_object(&w);
 *     cli_json_key(&w, "objects");
 *     cli_json_u64(&w, n);
 *     cli_json_end_object(&w);       -> {"objects": 3}\n
 */
#ifndef HS_CLI_JSON_H
#define HS_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct cli_json {
    FILE *out;
    const char *brk;  /* whitespace before the next item, or NULL */
    unsigned depth;   /* containers open */
    bool first;       /* nothing written yet in the innermost container */
    bool after_key;   /* a key was written: its value comes next */
} cli_json;

/* A writer on out (borrowed; the writer holds no other resource). */
void cli_json_init(cli_json *w, FILE *out);

void cli_json_object(cli_json *w);
void cli_json_end_object(cli_json *w);
void cli_json_array(cli_json *w);
void cli_json_end_array(cli_json *w);

/* The next item (or the closing bracket) starts after ws instead of a
 * space: "\n  " puts it on a line of its own. ws must outlive the call
 * that writes the item (a string literal). */
void cli_json_break(cli_json *w, const char *ws);

/* Closes a table's rows (an array member of the outer object) and the
 * outer object, each on a line of its own: "\n  ]\n}". */
void cli_json_end_rows(cli_json *w);

/* A member's key; its value is the next value written. */
void cli_json_key(cli_json *w, const char *key);

/* Values. A string is UTF-8 text (invalid sequences kept byte by byte);
 * bytes are bytes, each one code point. */
void cli_json_str(cli_json *w, const char *s, size_t len);
void cli_json_cstr(cli_json *w, const char *s); /* NULL writes null */
void cli_json_bytes(cli_json *w, const char *s, size_t len);
void cli_json_u64(cli_json *w, uint64_t v);
void cli_json_i64(cli_json *w, int64_t v);
/* v with a fixed number of decimals ("%.*f"), or CLI_JSON_EXACT: the
 * shortest form that reads back the same double ("%.17g"); null when
 * not finite, which JSON cannot write. */
#define CLI_JSON_EXACT (-1)
void cli_json_double(cli_json *w, double v, int decimals);
void cli_json_bool(cli_json *w, bool v);
void cli_json_null(cli_json *w);
/* A number already written as JSON writes it: an integer from a dump
 * (HS_VALUE_INT, which the parser accepted as a JSON integer), or one
 * formatted by the caller. */
void cli_json_number_text(cli_json *w, const char *s, size_t len);

/* key and value at once, for the common members. */
void cli_json_key_str(cli_json *w, const char *key, const char *s,
                      size_t len);
void cli_json_key_cstr(cli_json *w, const char *key, const char *s);
void cli_json_key_u64(cli_json *w, const char *key, uint64_t v);
void cli_json_key_i64(cli_json *w, const char *key, int64_t v);
void cli_json_key_double(cli_json *w, const char *key, double v,
                         int decimals);
void cli_json_key_bool(cli_json *w, const char *key, bool v);
void cli_json_key_null(cli_json *w, const char *key);

#endif
