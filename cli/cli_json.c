/*
 * cli/cli_json.c - the one JSON writer behind every --json (see
 * cli_json.h).
 *
 * The writer keeps no stack: whether a container is still empty is all a
 * separator needs, and a close always follows the innermost open, so one
 * flag (first) serves every level.
 */
#include "cli_json.h"

#include "cli_msg.h"

#include <assert.h>
#include <math.h>
#include <string.h>

void
cli_json_init(cli_json *w, FILE *out)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
}

void
cli_json_break(cli_json *w, const char *ws)
{
    w->brk = ws;
}

/* Before any item: the separator from the previous one, unless a key
 * just announced this value. */
static void
item(cli_json *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (!w->first && w->depth > 0) {
        fputc(',', w->out);
        fputs(w->brk ? w->brk : " ", w->out);
    } else if (w->brk) {
        fputs(w->brk, w->out);
    }
    w->brk = NULL;
    w->first = false;
}

static void
open_container(cli_json *w, char bracket)
{
    item(w);
    fputc(bracket, w->out);
    w->depth++;
    w->first = true;
}

static void
close_container(cli_json *w, char bracket)
{
    assert(w->depth > 0 && !w->after_key);
    if (w->brk && !w->first) {
        fputs(w->brk, w->out);
    }
    w->brk = NULL;
    fputc(bracket, w->out);
    w->first = false;
    if (--w->depth == 0) {
        fputc('\n', w->out);
    }
}

void
cli_json_object(cli_json *w)
{
    open_container(w, '{');
}

void
cli_json_end_object(cli_json *w)
{
    close_container(w, '}');
}

void
cli_json_array(cli_json *w)
{
    open_container(w, '[');
}

void
cli_json_end_array(cli_json *w)
{
    close_container(w, ']');
}

/* s quoted as hs_json_quote quotes it; plain ASCII (most names) is
 * written as it is, without the library's allocation. */
static void
quoted(cli_json *w, const char *s, size_t len, hs_quote_flags flags)
{
    char *q;
    size_t i = 0;
    while (i < len && s[i] >= 0x20 && s[i] < 0x7f && s[i] != '"'
           && s[i] != '\\') {
        i++;
    }
    if (i == len) {
        fputc('"', w->out);
        fwrite(s, 1, len, w->out);
        fputc('"', w->out);
        return;
    }
    q = cli_check_alloc(hs_json_quote(s, len, flags));
    fputs(q, w->out);
    hs_free(q);
}

void
cli_json_key(cli_json *w, const char *key)
{
    assert(w->depth > 0 && !w->after_key);
    item(w);
    quoted(w, key, strlen(key), HS_QUOTE_DEFAULT);
    fputs(": ", w->out);
    w->after_key = true;
}

void
cli_json_str(cli_json *w, const char *s, size_t len)
{
    item(w);
    quoted(w, s, len, HS_QUOTE_DEFAULT);
}

void
cli_json_cstr(cli_json *w, const char *s)
{
    if (!s) {
        cli_json_null(w);
        return;
    }
    cli_json_str(w, s, strlen(s));
}

void
cli_json_bytes(cli_json *w, const char *s, size_t len)
{
    item(w);
    quoted(w, s, len, HS_QUOTE_BYTES);
}

void
cli_json_u64(cli_json *w, uint64_t v)
{
    item(w);
    fprintf(w->out, "%llu", (unsigned long long)v);
}

void
cli_json_i64(cli_json *w, int64_t v)
{
    item(w);
    fprintf(w->out, "%lld", (long long)v);
}

void
cli_json_double(cli_json *w, double v, int decimals)
{
    if (!isfinite(v)) {
        cli_json_null(w);
        return;
    }
    item(w);
    if (decimals == CLI_JSON_EXACT) {
        fprintf(w->out, "%.17g", v);
    } else {
        fprintf(w->out, "%.*f", decimals, v);
    }
}

void
cli_json_bool(cli_json *w, bool v)
{
    item(w);
    fputs(v ? "true" : "false", w->out);
}

void
cli_json_null(cli_json *w)
{
    item(w);
    fputs("null", w->out);
}

void
cli_json_number_text(cli_json *w, const char *s, size_t len)
{
    item(w);
    fwrite(s, 1, len, w->out);
}

void
cli_json_key_str(cli_json *w, const char *key, const char *s, size_t len)
{
    cli_json_key(w, key);
    cli_json_str(w, s, len);
}

void
cli_json_key_cstr(cli_json *w, const char *key, const char *s)
{
    cli_json_key(w, key);
    cli_json_cstr(w, s);
}

void
cli_json_key_u64(cli_json *w, const char *key, uint64_t v)
{
    cli_json_key(w, key);
    cli_json_u64(w, v);
}

void
cli_json_key_i64(cli_json *w, const char *key, int64_t v)
{
    cli_json_key(w, key);
    cli_json_i64(w, v);
}

void
cli_json_key_double(cli_json *w, const char *key, double v, int decimals)
{
    cli_json_key(w, key);
    cli_json_double(w, v, decimals);
}

void
cli_json_key_bool(cli_json *w, const char *key, bool v)
{
    cli_json_key(w, key);
    cli_json_bool(w, v);
}

void
cli_json_key_null(cli_json *w, const char *key)
{
    cli_json_key(w, key);
    cli_json_null(w);
}

void
cli_json_end_rows(cli_json *w)
{
    cli_json_break(w, "\n  ");
    cli_json_end_array(w);
    cli_json_break(w, "\n");
    cli_json_end_object(w);
}
