/*
 * hs_json.c - JSON primitives for one dump line.
 */
#include "hs_json.h"

#include "../util/hs_simd.h"

#include <string.h>

#define MAX_SKIP_DEPTH 1000

/* NOTE: about parsing integers eight digits at a time. Addresses are 8 to
 * 15 digits and every line holds several, so the digit loop is a tenth of
 * the parse. Eight bytes are loaded at once: subtracting '0' from each byte
 * and adding 0x76 sets a byte's top bit exactly when it is not a digit
 * (a borrow or carry only disturbs the bytes after the first non-digit,
 * which are not used), and the digits are combined by the multiply-and-
 * shift reduction of Lemire's "fast number parsing" write-ups. */
static inline unsigned
leading_digits(uint64_t t)
{
    uint64_t nd = (t | (t + 0x7676767676767676ULL)) & 0x8080808080808080ULL;
    return nd ? (unsigned)__builtin_ctzll(nd) >> 3 : 8;
}

/* The value of 8 digit bytes (minus '0', first digit in the low byte). */
static inline uint64_t
eight_digits(uint64_t t)
{
    t = t * 10 + (t >> 8);
    return (((t & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32)))
            + (((t >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32))))
           >> 32;
}

static const uint64_t pow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000,
                                  10000000, 100000000};

/* Digits at p while 8 bytes can be loaded: *v and the count; stops at the
 * first non-digit or at the last full load. */
static const char *
fast_digits(const char *p, const char *end, uint64_t *v, unsigned *count)
{
    while (end - p >= 8 && *count <= 19) {
        uint64_t w, t;
        unsigned n;
        memcpy(&w, p, sizeof(w));
        t = w - 0x3030303030303030ULL;
        n = leading_digits(t);
        if (n == 0) {
            break;
        }
        if (n < 8) {
            t <<= 8 * (8 - n); /* leading zero digits in the low bytes */
        }
        *v = *v * pow10[n] + eight_digits(t);
        *count += n;
        p += n;
        if (n < 8) {
            break;
        }
    }
    return p;
}

/* NOTE: about lists of refs. Most of a line is its refs, 8 to 15 digits
 * and ", " each, and parsing them one hs_json_u64 call and one separator
 * test at a time was half of the line scan (bench/README.md). Here the
 * usual number, 1 to 15 digits with 16 bytes to spare, is two 8-byte
 * loads and no loop, inline; anything else (16 or more digits, the end of
 * the line near) goes through u64_careful. hs_json_u64 takes the same
 * two steps (a line's address, size and len are numbers too), so the
 * values and the numbers refused are the same either way. */
static inline bool
u64_short(const char **pp, const char *end, uint64_t *out)
{
    const char *p = *pp;
    uint64_t w, t, t2;
    unsigned n, n2;
    if (end - p < 16) {
        return false;
    }
    memcpy(&w, p, sizeof(w));
    t = w - 0x3030303030303030ULL;
    n = leading_digits(t);
    if (n == 0 || (n > 1 && *p == '0')) {
        return false; /* not a number, or a leading zero: u64_careful says */
    }
    if (n < 8) {
        *out = eight_digits(t << (8 * (8 - n)));
    } else {
        memcpy(&w, p + 8, sizeof(w));
        t2 = w - 0x3030303030303030ULL;
        n2 = leading_digits(t2);
        if (n2 == 8) {
            return false; /* 16 digits or more */
        }
        *out = eight_digits(t) * pow10[n2]
               + (n2 ? eight_digits(t2 << (8 * (8 - n2))) : 0);
        n += n2;
    }
    p += n; /* at most 15 digits: p < end */
    if (*p == '.' || *p == 'e' || *p == 'E') {
        return false;
    }
    *pp = p;
    return true;
}

/* hs_json_u64 past u64_short: any length, overflow and the end of the
 * line checked. */
static bool
u64_careful(const char **pp, const char *end, uint64_t *out, bool *overflow)
{
    const char *p = *pp, *start = p;
    uint64_t v = 0;
    unsigned count = 0;
    if (p >= end || (unsigned)(*p - '0') > 9) {
        return false;
    }
    if (*p == '0' && p + 1 < end && (unsigned)(p[1] - '0') <= 9) {
        return false; /* JSON forbids leading zeros */
    }
    p = fast_digits(p, end, &v, &count);
    if (count > 19) {
        p = start; /* might not fit: the careful loop below decides */
        v = 0;
    }
    /* 19 digits always fit in 64 bits: no overflow test in this loop. */
    while (p < end && p - start < 19 && (unsigned)(*p - '0') <= 9) {
        v = v * 10 + (uint64_t)(*p - '0');
        p++;
    }
    if (p < end && (unsigned)(*p - '0') <= 9) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10 || (p + 1 < end
                                           && (unsigned)(p[1] - '0') <= 9)) {
            *overflow = true;
            *pp = p;
            return false;
        }
        v = v * 10 + d;
        p++;
    }
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) {
        *pp = p;
        return false;
    }
    *out = v;
    *pp = p;
    return true;
}

bool
hs_json_u64(const char **pp, const char *end, uint64_t *out, bool *overflow)
{
    *overflow = false;
    return u64_short(pp, end, out) || u64_careful(pp, end, out, overflow);
}

size_t
hs_json_u64_list(const char **pp, const char *end, uint64_t *out, size_t cap,
                 int *state)
{
    const char *p = *pp;
    size_t n = 0;
    bool ovf;
    for (;;) {
        ovf = false;
        if (!u64_short(&p, end, &out[n])
            && !u64_careful(&p, end, &out[n], &ovf)) {
            *state = -1;
            break;
        }
        n++;
        if (end - p < 2 || p[0] != ',' || p[1] != ' ') {
            *state = 0;
            break;
        }
        p += 2;
        if (n == cap) {
            *state = 1;
            break;
        }
    }
    *pp = p;
    return n;
}

static const char *
digits(const char *p, const char *end)
{
    while (p < end && *p >= '0' && *p <= '9') {
        p++;
    }
    return p;
}

bool
hs_json_number(const char **pp, const char *end, const char **text,
               size_t *len, bool *is_int)
{
    const char *p = *pp, *q;
    *is_int = true;
    if (p < end && *p == '-') {
        p++;
    }
    if (p >= end || *p < '0' || *p > '9') {
        *pp = p;
        return false;
    }
    q = digits(p, end);
    if (*p == '0' && q - p > 1) {
        *pp = p + 1;
        return false;
    }
    p = q;
    if (p < end && *p == '.') {
        *is_int = false;
        q = digits(p + 1, end);
        if (q == p + 1) {
            *pp = q;
            return false;
        }
        p = q;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        *is_int = false;
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            p++;
        }
        q = digits(p, end);
        if (q == p) {
            *pp = q;
            return false;
        }
        p = q;
    }
    *text = *pp;
    *len = (size_t)(p - *pp);
    *pp = p;
    return true;
}

static int
hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Reads the 4 hex digits after "\u" at p. -1 if malformed. */
static long
hex4(const char *p, const char *end)
{
    long v = 0;
    if (end - p < 4) {
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        int h = hexval(p[i]);
        if (h < 0) {
            return -1;
        }
        v = v * 16 + h;
    }
    return v;
}

static size_t
put_utf8(char *o, unsigned long cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xc0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Decodes escapes of the string body [p, close) into s->buf. The decoded
 * text is never longer than the escaped text (a 6-byte \uXXXX gives at
 * most 3 bytes; a 12-byte pair gives 4). */
static bool
decode_escapes(const char *p, const char *close, hs_jstr *s,
               const hs_allocator *a, bool *oom, const char **bad)
{
    size_t cap = (size_t)(close - p) + 1;
    char *o;
    if (cap > s->alloc) {
        char *nb = hs_realloc(a, s->buf, cap);
        if (!nb) {
            *oom = true;
            return false;
        }
        s->buf = nb;
        s->alloc = cap;
    }
    o = s->buf;
    while (p < close) {
        long cp;
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        p++;
        switch (*p) {
        case '"': case '\\': case '/': *o++ = *p++; continue;
        case 'b': *o++ = '\b'; p++; continue;
        case 'f': *o++ = '\f'; p++; continue;
        case 'n': *o++ = '\n'; p++; continue;
        case 'r': *o++ = '\r'; p++; continue;
        case 't': *o++ = '\t'; p++; continue;
        case 'u': break;
        default: *bad = p; return false;
        }
        cp = hex4(p + 1, close);
        if (cp < 0) {
            *bad = p;
            return false;
        }
        p += 5;
        if (cp >= 0xd800 && cp <= 0xdbff) {
            long lo = (close - p >= 6 && p[0] == '\\' && p[1] == 'u')
                          ? hex4(p + 2, close) : -1;
            if (lo >= 0xdc00 && lo <= 0xdfff) {
                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                p += 6;
            } else {
                cp = 0xfffd; /* lone high surrogate */
            }
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            cp = 0xfffd; /* lone low surrogate */
        }
        o += put_utf8(o, (unsigned long)cp);
    }
    s->data = s->buf;
    s->len = (size_t)(o - s->buf);
    return true;
}

bool
hs_json_string(const char **pp, const char *end, hs_jstr *s,
               const hs_allocator *a, bool *oom)
{
    const char *p = *pp, *start, *bad = NULL;
    bool escaped = false;
    *oom = false;
    if (p >= end || *p != '"') {
        return false;
    }
    start = ++p;
    for (;;) {
        p = hs_find_string_stop(p, end); /* '"', '\\' or a control byte */
        if (p >= end) {
            *pp = end;
            return false;
        }
        unsigned char c = (unsigned char)*p;
        if (c == '"') {
            break;
        }
        if (c < 0x20) {
            *pp = p;
            return false;
        }
        escaped = true; /* a backslash: decode_escapes checks it */
        if (end - p < 2) {
            *pp = end;
            return false;
        }
        p += 2;
    }
    if (!escaped) {
        s->data = start;
        s->len = (size_t)(p - start);
    } else if (!decode_escapes(start, p, s, a, oom, &bad)) {
        *pp = bad ? bad : start;
        return false;
    }
    *pp = p + 1;
    return true;
}

/* MARK: skipping a value */

/* NOTE: about strictness. A value heapscope does not read (a key meliae
 * never writes) is skipped, but still checked against the JSON grammar
 * (RFC 8259): strings closed, without raw control characters, with only
 * JSON's escapes; literals spelled out; commas, colons and string keys
 * where the grammar puts them; brackets matched and nested at most
 * MAX_SKIP_DEPTH deep. So a line is either JSON or a parse error naming
 * the column, wherever the fault is. This costs nothing on the fast path
 * (hs_line.c), which reads meliae's own keys and never skips a value;
 * only lines with other keys get here. The skip never recurses: the kind
 * of each open container is one bit of a fixed stack. */

#define STRINGIFY(x) #x
#define DEPTH_TEXT(x) STRINGIFY(x)

static bool
stop(const char **pp, const char *at, const char **why, const char *msg)
{
    *pp = at;
    if (why) {
        *why = msg;
    }
    return false;
}

/* The string at *pp (on its opening quote), checked without decoding. */
static bool
check_string(const char **pp, const char *end, const char **why)
{
    const char *p = *pp + 1;
    for (;;) {
        unsigned char c;
        p = hs_find_string_stop(p, end); /* '"', '\\' or a control byte */
        if (p >= end) {
            return stop(pp, end, why, "unterminated string");
        }
        c = (unsigned char)*p;
        if (c == '"') {
            *pp = p + 1;
            return true;
        }
        if (c < 0x20) {
            return stop(pp, p, why, "control character in a string");
        }
        if (end - p >= 2 && p[1] && strchr("\"\\/bfnrt", p[1])) {
            p += 2;
        } else if (end - p >= 2 && p[1] == 'u' && hex4(p + 2, end) >= 0) {
            p += 6;
        } else {
            return stop(pp, p, why, "bad escape in a string");
        }
    }
}

/* A string, number, true, false or null at *pp. */
static bool
check_scalar(const char **pp, const char *end, const char **why)
{
    static const char *const literals[] = {"true", "false", "null"};
    const char *p = *pp, *text;
    size_t len;
    bool is_int;
    if (p < end && *p == '"') {
        return check_string(pp, end, why);
    }
    for (size_t i = 0; i < 3; i++) {
        len = strlen(literals[i]);
        if (p < end && *p == literals[i][0]) {
            if ((size_t)(end - p) < len || memcmp(p, literals[i], len) != 0) {
                return stop(pp, p, why, "expected a JSON value");
            }
            *pp = p + len;
            return true;
        }
    }
    if (!hs_json_number(pp, end, &text, &len, &is_int)) {
        return stop(pp, *pp, why, "expected a JSON value");
    }
    return true;
}

bool
hs_json_skip_value(const char **pp, const char *end, const char **why)
{
    uint64_t is_object[(MAX_SKIP_DEPTH + 63) / 64] = {0};
    unsigned depth = 0;
    bool object = false;
    enum { VALUE, KEY, AFTER } want = VALUE;
    const char *p = *pp;
    for (;;) {
        p = hs_json_skip_ws(p, end);
        if (want == KEY) {
            if (p >= end || *p != '"') {
                return stop(pp, p, why, "expected a string key");
            }
            if (!check_string(&p, end, why)) {
                *pp = p;
                return false;
            }
            p = hs_json_skip_ws(p, end);
            if (p >= end || *p != ':') {
                return stop(pp, p, why, "expected ':' after a key");
            }
            p++;
            want = VALUE;
            continue;
        }
        if (want == AFTER) {
            if (p < end && *p == ',') {
                p++;
                want = object ? KEY : VALUE;
                continue;
            }
            if (p >= end || *p != (object ? '}' : ']')) {
                return stop(pp, p, why, object ? "expected ',' or '}'"
                                               : "expected ',' or ']'");
            }
            p++;
        } else if (p < end && (*p == '[' || *p == '{')) {
            if (depth == MAX_SKIP_DEPTH) {
                return stop(pp, p, why, "JSON nested deeper than "
                                        DEPTH_TEXT(MAX_SKIP_DEPTH) " levels");
            }
            object = *p == '{';
            is_object[depth / 64] &= ~(1ull << depth % 64);
            is_object[depth / 64] |= (uint64_t)object << depth % 64;
            depth++;
            p = hs_json_skip_ws(p + 1, end);
            if (p >= end || *p != (object ? '}' : ']')) {
                want = object ? KEY : VALUE;
                continue;
            }
            p++; /* empty */
        } else if (!check_scalar(&p, end, why)) {
            *pp = p;
            return false;
        } else {
            want = AFTER;
            if (depth > 0) {
                continue;
            }
            break;
        }
        /* a container closed */
        if (--depth == 0) {
            break;
        }
        object = (is_object[(depth - 1) / 64] >> (depth - 1) % 64) & 1;
        want = AFTER;
    }
    *pp = p;
    return true;
}

void
hs_jstr_release(hs_jstr *s, const hs_allocator *a)
{
    hs_mfree(a, s->buf);
    memset(s, 0, sizeof(*s));
}
