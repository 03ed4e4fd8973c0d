/*
 * hs_text.c - UTF-8 checks and the mojibake repair.
 */
#include "hs_text.h"

#include <stdint.h>

bool
hs_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end = p + len;
    while (p < end) {
        unsigned c = *p;
        size_t n;
        uint32_t cp, min;
        if (c < 0x80) {
            p++;
            continue;
        }
        if ((c & 0xe0) == 0xc0) {
            n = 1; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            n = 2; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            n = 3; cp = c & 0x07; min = 0x10000;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n) {
            return false;
        }
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return false;
        }
        p += n + 1;
    }
    return true;
}

bool
hs_text_has_high(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            return true;
        }
    }
    return false;
}

bool
hs_text_to_latin1(const char *s, size_t len, char *out, size_t *out_len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned c = p[i];
        if (c < 0x80) {
            out[o++] = (char)c;
        } else if ((c == 0xc2 || c == 0xc3) && i + 1 < len
                   && (p[i + 1] & 0xc0) == 0x80) {
            /* U+0080..U+00FF are exactly the two-byte forms C2 xx, C3 xx */
            out[o++] = (char)(((c & 0x03) << 6) | (p[i + 1] & 0x3f));
            i++;
        } else {
            return false;
        }
    }
    *out_len = o;
    return true;
}

bool
hs_text_repair_mojibake(const char *s, size_t len, char *out, size_t *out_len)
{
    if (!hs_text_has_high(s, len) || !hs_text_to_latin1(s, len, out, out_len)
        || !hs_text_has_high(out, *out_len)) {
        return false;
    }
    return hs_utf8_valid(out, *out_len);
}
