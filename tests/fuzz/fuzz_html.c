/*
 * fuzz_html.c - HTML escaping (hs_html_escape, hs_buf_add_html) against
 * its contract, and the report page over fuzzed dumps.
 *
 * The contract checked on every input, any bytes:
 *  - snprintf's: the result is the same whatever the capacity; a short
 *    buffer gets a prefix of the whole text and nothing past its end
 *    (each buffer is allocated to its exact size, so ASan sees a byte
 *    written past it);
 *  - the text is valid UTF-8, holds no NUL and no raw < > " ', and every
 *    & starts one of the five entities;
 *  - for input that is valid UTF-8 without NUL, decoding the entities
 *    gives the input back (nothing lost, nothing added);
 *  - hs_buf_add_html, which escapes in chunks, writes the same text.
 * UTF-8 is judged by hs_utf8_valid (hs_text.c, the parser's check), which
 * decodes code points where hs_html.c matches byte ranges: two
 * implementations, so one is the other's oracle.
 *
 * Inputs of up to 8 KB that start with '{' are also dumps (OLD, a line "%%", NEW, as
 * fuzz_diff reads them): the report over one or both must be valid
 * UTF-8 whatever the dumps hold, and so must the growth chart as an SVG
 * file, without the control characters XML forbids (type names with
 * bytes that are not UTF-8 reached both through the chart's XML escaping:
 * crash-svg-invalid-utf8).
 */
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

#include "export/hs_html.h"
#include "parse/hs_text.h"
#include "util/hs_buf.h"

/* Inputs longer than this are not rendered as a report (see below). */
#define REPORT_MAX_INPUT 8192

static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;",
                                       "&#39;"};
static const char entity_chars[] = "&<>\"'";

/* Index in entities of the entity at out[j..n), or -1. */
static int
entity_at(const char *out, size_t j, size_t n)
{
    for (int e = 0; e < 5; e++) {
        size_t len = strlen(entities[e]);
        if (n - j >= len && memcmp(out + j, entities[e], len) == 0) {
            return e;
        }
    }
    return -1;
}

/* Aborts unless out[0..n) is safe escaped text; when in[0..len) is
 * valid UTF-8 without NUL, also unless it decodes back to in. */
static void
check_escaped(const char *in, size_t len, const char *out, size_t n)
{
    int exact = hs_utf8_valid(in, len)
                && !memchr(in, '\0', len);
    size_t i = 0;
    if (!hs_utf8_valid(out, n) || memchr(out, '\0', n)) {
        abort();
    }
    for (size_t j = 0; j < n; i++) {
        char c = out[j];
        if (c == '&') {
            int e = entity_at(out, j, n);
            if (e < 0) {
                abort(); /* a raw & */
            }
            c = entity_chars[e];
            j += strlen(entities[e]);
        } else if (strchr(entity_chars, c)) {
            abort(); /* a raw < > " ' */
        } else {
            j++;
        }
        if (exact && (i >= len || in[i] != c)) {
            abort(); /* the text changed */
        }
    }
    if (exact && i != len) {
        abort();
    }
}

/* Escapes into a buffer of exactly cap bytes: the result must be the
 * whole length, and the bytes written a prefix of the whole text. */
static void
check_capacity(const char *in, size_t len, const char *whole, size_t n,
               size_t cap)
{
    char *out = malloc(cap ? cap : 1);
    if (!out) {
        return;
    }
    if (hs_html_escape(in, len, out, cap) != n
        || memcmp(out, whole, cap < n ? cap : n) != 0) {
        abort();
    }
    free(out);
}

static void
escape(const char *in, size_t len, uint8_t pick)
{
    size_t n = hs_html_escape(in, len, NULL, 0);
    char *whole;
    hs_buf b;
    if (n > 6 * len) {
        abort(); /* the documented bound */
    }
    whole = malloc(n ? n : 1);
    if (!whole) {
        return;
    }
    if (hs_html_escape(in, len, whole, n) != n) {
        abort();
    }
    check_escaped(in, len, whole, n);
    if (n > 0) {
        check_capacity(in, len, whole, n, n - 1);
    }
    check_capacity(in, len, whole, n, pick % (n + 1));
    hs_buf_init(&b);
    hs_buf_add_html(&b, in, len);
    if (!b.failed && (b.len != n || (n && memcmp(b.data, whole, n) != 0))) {
        abort(); /* chunked escaping must write the same text */
    }
    hs_buf_release(&b);
    free(whole);
}

static int
collect(void *ctx, const char *data, size_t len)
{
    hs_buf_add((hs_buf *)ctx, data, len);
    return 0;
}

/* The growth chart alone, a standalone SVG file: valid UTF-8 without the
 * control characters XML 1.0 forbids, whatever the type names hold. */
static void
chart(const hs_growth *gr)
{
    char *svg = hs_growth_svg(gr, 5, "time <&\x01\xff>", NULL);
    size_t n = svg ? strlen(svg) : 0;
    if (svg && !hs_utf8_valid(svg, n)) {
        abort();
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)svg[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            abort();
        }
    }
    hs_free(svg);
}

/* The report over the dumps in data (one, or OLD %% NEW), if they load. */
static void
report(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"old <&>.json", "new \"'.json"};
    hs_report_options o;
    hs_growth *gr = hs_growth_new(NULL);
    hs_graph *first, *last;
    size_t old_size, skip;
    hs_buf page;
    fuzz_split(data, size, &old_size, &skip);
    first = fuzz_load(data, old_size, HS_LOAD_SKIP_BAD_LINES);
    last = skip < size ? fuzz_load(data + skip, size - skip,
                                   HS_LOAD_SKIP_BAD_LINES)
                       : NULL;
    memset(&o, 0, sizeof(o));
    o.title = "<fuzz>";
    o.first = last ? first : NULL;
    o.last = last ? last : first;
    o.paths = last ? paths : paths + 1;
    o.ndumps = last ? 2 : 1;
    o.top = 10;
    if (gr && o.first && hs_growth_add(gr, o.first, 0, NULL) == HS_OK
        && hs_growth_add(gr, o.last, 60, NULL) == HS_OK) {
        o.growth = gr;
    }
    if (o.growth) {
        chart(gr);
    }
    hs_buf_init(&page);
    if (o.last && hs_report_write(&o, collect, &page, NULL) == HS_OK
        && !page.failed
        && !hs_utf8_valid(page.data, page.len)) {
        abort(); /* something from a dump reached the page unescaped */
    }
    hs_buf_release(&page);
    hs_growth_free(gr);
    hs_graph_free(first);
    hs_graph_free(last);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) {
        return 0;
    }
    escape((const char *)data + 1, size - 1, data[0]);
    /* Small dumps reach every part of the page; rendering one for each
     * 60 KB input (two loads, leaks, dominators) held the first campaign
     * to 25 executions a second and starved the escaping checks. */
    if (data[0] == '{' && size <= REPORT_MAX_INPUT) {
        report(data, size);
    }
    return 0;
}
