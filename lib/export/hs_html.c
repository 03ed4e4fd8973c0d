/*
 * hs_html.c - escaping untrusted text for HTML.
 *
 * Everything a dump holds (type names, string values, dict keys, module
 * names) is untrusted: a str value "<script>" must show as text. The rule
 * is the one OWASP gives for HTML text and quoted attribute values: the
 * five characters & < > " ' become entities. Beyond that, the output is
 * always valid UTF-8: a byte that does not start a well-formed UTF-8
 * sequence (a stray continuation byte, an overlong form, a surrogate, a
 * code point past U+10FFFF, a sequence cut short) and NUL each become
 * U+FFFD, so a bytes value cannot confuse the page's decoder either.
 *
 * hs_html_escape is a pure function over a caller's buffer, with
 * snprintf's contract, so that a fuzz target can call it without an
 * allocator and check its output.
 */
#include "hs_html.h"

#include <heapscope.h>
#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD in UTF-8 */

/* Length of the well-formed UTF-8 sequence at s[0..len), or 0 when the
 * bytes there are not one (RFC 3629, Table 3-7 of Unicode 15). */
static size_t
utf8_sequence(const unsigned char *s, size_t len)
{
    unsigned char c = s[0], lo = 0x80, hi = 0xbf;
    size_t n;
    if (c < 0x80) {
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        lo = c == 0xe0 ? 0xa0 : 0x80; /* no overlong forms */
        hi = c == 0xed ? 0x9f : 0xbf; /* no surrogates */
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        lo = c == 0xf0 ? 0x90 : 0x80;
        hi = c == 0xf4 ? 0x8f : 0xbf; /* nothing past U+10FFFF */
    } else {
        return 0;
    }
    if (len < n || s[1] < lo || s[1] > hi) {
        return 0;
    }
    for (size_t i = 2; i < n; i++) {
        if (s[i] < 0x80 || s[i] > 0xbf) {
            return 0;
        }
    }
    return n;
}

/* The entity for c, or NULL when c stands for itself. */
static const char *
entity(char c)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&#39;";
    case '\0': return replacement;
    default: return NULL;
    }
}

/* Appends what stands for the text at s[0..len) to out (within cap) and
 * returns how many input bytes it consumed; *need grows by the output's
 * length. */
static size_t
escape_one(const char *s, size_t len, char *out, size_t cap, size_t *need)
{
    size_t n = utf8_sequence((const unsigned char *)s, len);
    const char *text = n == 1 ? entity(s[0]) : n ? NULL : replacement;
    size_t tlen = text ? strlen(text) : n;
    if (*need < cap) {
        size_t room = cap - *need;
        memcpy(out + *need, text ? text : s, tlen < room ? tlen : room);
    }
    *need += tlen;
    return n ? n : 1;
}

size_t
hs_html_escape(const char *s, size_t len, char *out, size_t cap)
{
    size_t need = 0, i = 0;
    while (i < len) {
        i += escape_one(s + i, len - i, out, cap, &need);
    }
    return need;
}

void
hs_buf_add_html(hs_buf *b, const char *s, size_t len)
{
    char chunk[512];
    size_t i = 0;
    /* Escape up to 64 input bytes at a time into a stack buffer (each byte
     * gives at most 6 bytes of output, so it always fits), cutting only
     * between whole sequences so a run reads as the whole text would. */
    while (i < len) {
        size_t take = 0, n;
        while (i + take < len) {
            n = utf8_sequence((const unsigned char *)s + i + take,
                              len - i - take);
            n = n ? n : 1;
            if (take + n > 64) {
                break;
            }
            take += n;
        }
        n = hs_html_escape(s + i, take, chunk, sizeof(chunk));
        hs_buf_add(b, chunk, n);
        i += take;
    }
}
