/*
 * hs_jsonstr.c - JSON string output (see hs_jsonstr.h).
 */
#include "hs_jsonstr.h"

#include "hs_error.h"

#include <heapscope.h>
#include <stdint.h>

/* Decodes one UTF-8 sequence at s (len > 0); returns its length, or 0 when
 * it is not valid UTF-8. Overlong forms, surrogates and code points past
 * U+10FFFF are not valid: decoding them would turn "\xc0\xaf" into "/"
 * and write surrogate escapes that no JSON reader pairs up. */
static size_t
utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n;
    uint32_t c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    n = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3
        : (c & 0xf8) == 0xf0 ? 4 : 0;
    if (n == 0 || n > len) {
        return 0;
    }
    c &= 0x3fu >> (n - 1);
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min[n] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return n;
}

static void
add_u_escape(hs_buf *b, uint32_t cp)
{
    if (cp > 0xffff) {
        cp -= 0x10000;
        hs_buf_addf(b, "\\u%04x\\u%04x", 0xd800 + (cp >> 10),
                    0xdc00 + (cp & 0x3ff));
    } else {
        hs_buf_addf(b, "\\u%04x", cp);
    }
}

void
hs_buf_add_json_string(hs_buf *b, const char *s, size_t len,
                       hs_quote_flags flags)
{
    const unsigned char *p = (const unsigned char *)s;
    hs_buf_addc(b, '"');
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = (flags & HS_QUOTE_BYTES) ? 0 : utf8_next(p + i, len - i, &cp);
        if (n == 0) {
            cp = p[i]; /* a byte, or invalid UTF-8 kept byte by byte */
            n = 1;
        }
        if (cp == '"' || cp == '\\' || (cp == '/' && (flags & HS_QUOTE_SLASH))) {
            hs_buf_addc(b, '\\');
            hs_buf_addc(b, (char)cp);
        } else if (cp < 0x20 || cp >= 0x7f) {
            add_u_escape(b, cp);
        } else {
            hs_buf_addc(b, (char)cp);
        }
        i += n;
    }
    hs_buf_addc(b, '"');
}

char *
hs_json_quote(const char *s, size_t len, hs_quote_flags flags)
{
    hs_buf b = HS_BUF_INIT;
    hs_buf_add_json_string(&b, s, len, flags);
    return hs_buf_detach(&b);
}
