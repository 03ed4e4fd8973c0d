/*
 * test_json.c - the JSON primitives of the line parser.
 */
#include "hs_test.h"

#include "parse/hs_json.h"

/* hs_json_u64 on s: returns ok; *value, *overflow and the cursor's final
 * offset are reported. */
static bool
u64(const char *s, uint64_t *value, bool *overflow, size_t *stop)
{
    const char *p = s;
    bool ok;
    *value = 12345;
    ok = hs_json_u64(&p, s + strlen(s), value, overflow);
    *stop = (size_t)(p - s);
    return ok;
}

static void
test_u64(void)
{
    uint64_t v;
    bool ovf;
    size_t stop;
    CHECK(u64("0", &v, &ovf, &stop));
    CHECK_EQ_U64(v, 0);
    CHECK(u64("140549148192192, 1", &v, &ovf, &stop));
    CHECK_EQ_U64(v, 140549148192192ull);
    CHECK_EQ_U64(stop, 15);
    CHECK(u64("18446744073709551615]", &v, &ovf, &stop));
    CHECK_EQ_U64(v, UINT64_MAX);
    CHECK(!ovf);
    CHECK_EQ_U64(stop, 20);
    /* 2^64 and beyond overflow, with the flag set */
    CHECK(!u64("18446744073709551616", &v, &ovf, &stop));
    CHECK(ovf);
    CHECK(!u64("18446744073709551620", &v, &ovf, &stop));
    CHECK(ovf);
    CHECK(!u64("99999999999999999999999", &v, &ovf, &stop));
    CHECK(ovf);
    CHECK_EQ_U64(v, 12345); /* untouched on failure */
    /* leading zeros, signs, fractions and exponents are refused */
    CHECK(!u64("007", &v, &ovf, &stop));
    CHECK(!ovf);
    CHECK_EQ_U64(stop, 0);
    CHECK(!u64("01", &v, &ovf, &stop));
    CHECK(!u64("-1", &v, &ovf, &stop));
    CHECK(!u64("+1", &v, &ovf, &stop));
    CHECK(!u64("", &v, &ovf, &stop));
    CHECK(!u64("x", &v, &ovf, &stop));
    CHECK(!u64("1.5", &v, &ovf, &stop));
    CHECK_EQ_U64(stop, 1); /* at the offending '.' */
    CHECK(!u64("10e3", &v, &ovf, &stop));
    CHECK_EQ_U64(stop, 2);
    CHECK(!u64("1E3", &v, &ovf, &stop));
    CHECK(!u64("0.0", &v, &ovf, &stop));
    CHECK_EQ_U64(v, 12345);
}

/* hs_json_number on s: the number's text is s[0..*len) if ok. */
static bool
number(const char *s, size_t *len, bool *is_int)
{
    const char *p = s, *text = NULL;
    bool ok = hs_json_number(&p, s + strlen(s), &text, len, is_int);
    if (ok && (text != s || (size_t)(p - s) != *len)) {
        return false;
    }
    return ok;
}

/* The reference: hs_json_u64 and a ", " test in a loop, as the fast line
 * scanner did before hs_json_u64_list. */
static size_t
list_by_one(const char **pp, const char *end, uint64_t *out, int *state)
{
    const char *p = *pp;
    size_t n = 0;
    bool ovf;
    for (;;) {
        if (!hs_json_u64(&p, end, &out[n], &ovf)) {
            *state = -1;
            break;
        }
        n++;
        if (end - p < 2 || p[0] != ',' || p[1] != ' ') {
            *state = 0;
            break;
        }
        p += 2;
    }
    *pp = p;
    return n;
}

/* hs_json_u64_list on text, in calls of at most cap numbers: the same
 * numbers, end state and final cursor as list_by_one. */
static bool
list_same(const char *text, size_t cap)
{
    uint64_t want[64], got[64];
    const char *end = text + strlen(text), *p = text, *q = text;
    int want_state, state = 1;
    size_t nwant = list_by_one(&q, end, want, &want_state), n = 0;
    while (state == 1) {
        size_t room = sizeof(got) / sizeof(got[0]) - n;
        n += hs_json_u64_list(&p, end, got + n, room < cap ? room : cap,
                              &state);
    }
    return state == want_state && p == q && n == nwant
           && memcmp(got, want, n * sizeof(got[0])) == 0;
}

static void
test_u64_list(void)
{
    static const char *const lists[] = {
        "0]", "7", "140549148192192, 10861192, 421541792]}",
        "1, 22, 333, 4444, 55555, 666666, 7777777, 88888888, 999999999]",
        "123456789012345, 1234567890123456, 12345678901234567890]",
        "18446744073709551615, 1]", "18446744073709551616]", "01, 2]",
        "1, 02]", "1, 2.5]", "1, 2e3, 4]", "1,2]", "1, ]", "1, , 2]",
        "12345678, 123456789012345, 9]", "1, 2", "1, 2, ", "1 , 2]",
        "99999999999999, 999999999999999, 0, 0]", "3]   , 4",
        "100000000000000, 10000000, 1000000000000000]"};
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        /* As is (near the end: hs_json_u64), and with room after it (the
         * inline path, which wants 16 bytes to spare). */
        char padded[128];
        snprintf(padded, sizeof(padded), "%s%24s", lists[i], "");
        for (size_t cap = 1; cap <= 4; cap++) {
            if (!CHECK(list_same(lists[i], cap))
                || !CHECK(list_same(padded, cap))) {
                printf("    list %s, cap %zu\n", lists[i], cap);
            }
        }
    }
    /* Random numbers of every length, with room after them or not. */
    {
        char text[1200];
        unsigned seed = 7;
        for (int round = 0; round < 300; round++) {
            size_t len = 0;
            int count = 1 + round % 40;
            for (int k = 0; k < count && len < sizeof(text) - 40; k++) {
                uint64_t v;
                seed = seed * 1103515245u + 12345u;
                v = ((uint64_t)seed << 20) ^ seed;
                v %= (uint64_t)1 << (seed % 63 + 1);
                len += (size_t)snprintf(text + len, sizeof(text) - len,
                                        "%s%llu", k ? ", " : "",
                                        (unsigned long long)v);
            }
            if (round % 3) {
                len += (size_t)snprintf(text + len, sizeof(text) - len, "]}");
            }
            if (!CHECK(list_same(text, 1 + (size_t)round % 7))) {
                printf("    list %s\n", text);
            }
        }
    }
}

static void
test_number(void)
{
    size_t len;
    bool is_int;
    CHECK(number("0", &len, &is_int) && len == 1 && is_int);
    CHECK(number("-0", &len, &is_int) && len == 2 && is_int);
    CHECK(number("-9223372036854775808,", &len, &is_int) && len == 20
          && is_int);
    CHECK(number("123456789012345678901234567890]", &len, &is_int)
          && len == 30 && is_int);
    CHECK(number("1.5", &len, &is_int) && len == 3 && !is_int);
    CHECK(number("-0.25e+10}", &len, &is_int) && len == 9 && !is_int);
    CHECK(number("6E-3", &len, &is_int) && len == 4 && !is_int);
    CHECK(number("2e9 ", &len, &is_int) && len == 3 && !is_int);
    CHECK(!number("01", &len, &is_int));
    CHECK(!number("-", &len, &is_int));
    CHECK(!number("-a", &len, &is_int));
    CHECK(!number("1.", &len, &is_int));
    CHECK(!number(".5", &len, &is_int));
    CHECK(!number("1e", &len, &is_int));
    CHECK(!number("1e+", &len, &is_int));
    CHECK(!number("+1", &len, &is_int));
}

/* Decodes the JSON string at the start of s into got (NUL-terminated). */
static bool
string(const char *s, size_t slen, char *got, size_t *got_len, size_t *stop)
{
    hs_jstr js;
    const char *p = s;
    bool oom = true, ok;
    memset(&js, 0, sizeof(js));
    ok = hs_json_string(&p, s + slen, &js, NULL, &oom);
    *stop = (size_t)(p - s);
    if (ok) {
        memcpy(got, js.data, js.len);
        got[js.len] = '\0';
        *got_len = js.len;
    }
    hs_jstr_release(&js, NULL);
    return ok && !oom;
}

#define STRING_OK(lit, want) \
    do { \
        char got_[256]; \
        size_t len_ = 0, stop_ = 0; \
        if (CHECK(string((lit), sizeof(lit) - 1, got_, &len_, &stop_))) { \
            hs_test_mem(got_, len_, (want), sizeof(want) - 1, #lit, #want, \
                        __FILE__, __LINE__); \
        } \
    } while (0)

#define STRING_BAD(lit, at) \
    do { \
        char got_[256]; \
        size_t len_ = 0, stop_ = 0; \
        CHECK(!string((lit), sizeof(lit) - 1, got_, &len_, &stop_)); \
        CHECK_EQ_U64(stop_, (at)); \
    } while (0)

static void
test_string(void)
{
    char got[64];
    size_t len, stop;
    STRING_OK("\"\"", "");
    STRING_OK("\"plain\"", "plain");
    /* every escape */
    STRING_OK("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", "\"\\/\b\f\n\r\t");
    STRING_OK("\"caf\\u00e9\"", "caf\xc3\xa9");
    STRING_OK("\"\\u0041\\u00DF\\u20AC\"", "A\xc3\x9f\xe2\x82\xac");
    STRING_OK("\"a\\u0000b\"", "a\0b");
    STRING_OK("\"\\u007f\\u0080\\u07ff\\u0800\\uffff\"",
              "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf");
    /* raw UTF-8 is copied as is */
    STRING_OK("\"caf\xc3\xa9\"", "caf\xc3\xa9");
    /* surrogate pairs are joined */
    STRING_OK("\"\\ud835\\udccf\"", "\xf0\x9d\x93\x8f");
    STRING_OK("\"\\uD800\\uDC00\\udbff\\udfff\"",
              "\xf0\x90\x80\x80\xf4\x8f\xbf\xbf");
    /* lone surrogates become U+FFFD, never an error */
    STRING_OK("\"\\ud800\"", "\xef\xbf\xbd");
    STRING_OK("\"\\udc00x\"", "\xef\xbf\xbdx");
    STRING_OK("\"\\ud800\\u0041\"", "\xef\xbf\xbd" "A");
    STRING_OK("\"\\ud800\\ud800\\udc00\"", "\xef\xbf\xbd\xf0\x90\x80\x80");
    STRING_OK("\"\\udc00\\ud800\"", "\xef\xbf\xbd\xef\xbf\xbd");
    STRING_OK("\"\\ud835\\n\"", "\xef\xbf\xbd\n");
    /* the cursor ends after the closing quote */
    CHECK(string("\"ab\", 1", 7, got, &len, &stop));
    CHECK_EQ_U64(stop, 4);
    /* errors, with the cursor at the offending byte */
    STRING_BAD("x\"", 0);
    STRING_BAD("\"abc", 4);
    STRING_BAD("\"ab\x01\"", 3);
    STRING_BAD("\"a\nb\"", 2);
    STRING_BAD("\"a\tb\"", 2);
    STRING_BAD("\"a\\x\"", 3);
    STRING_BAD("\"\\u12g4\"", 2);
    STRING_BAD("\"\\u12\"", 2);
    STRING_BAD("\"a\\\"", 4);
    STRING_BAD("\"a\\", 3); /* never past the end */
}

static const char *skip_why; /* the reason of the last failed skip */

static bool
skip(const char *s, size_t *stop)
{
    const char *p = s;
    bool ok;
    skip_why = NULL;
    ok = hs_json_skip_value(&p, s + strlen(s), &skip_why);
    *stop = (size_t)(p - s);
    CHECK(ok || skip_why != NULL); /* a failure always says why */
    return ok;
}

/* s is not JSON: the skip fails at column stop, saying why. */
static bool
skip_fails(const char *s, size_t want_stop, const char *why)
{
    size_t stop;
    if (!skip(s, &stop) && stop == want_stop
        && strstr(skip_why, why) != NULL) {
        return true;
    }
    printf("    %s: stopped at %zu (%s), want %zu (%s)\n", s, stop,
           skip_why ? skip_why : "accepted", want_stop, why);
    return false;
}

static void
test_skip_value(void)
{
    size_t stop;
    CHECK(skip("1, 2", &stop) && stop == 1);
    CHECK(skip("  -1.5e3}", &stop) && stop == 8);
    CHECK(skip("\"a\\\"]}\", x", &stop) && stop == 7);
    CHECK(skip("true,", &stop) && stop == 4);
    CHECK(skip("false}", &stop) && stop == 5);
    CHECK(skip("null", &stop) && stop == 4);
    CHECK(skip("[]x", &stop) && stop == 2);
    CHECK(skip("{}x", &stop) && stop == 2);
    CHECK(skip("[1, [2, {\"a\": [\"]\", {\"b\": null}]}], true], 9", &stop)
          && stop == 41);
    CHECK(skip("{\"k\": {\"k\": {\"k\": []}}} , 5", &stop) && stop == 23);
    CHECK(!skip("", &stop));
    CHECK(!skip("]", &stop));
    CHECK(!skip(",", &stop));
    CHECK(!skip("[1, 2", &stop));
    CHECK(!skip("{\"a\": \"x", &stop));
    CHECK(!skip("tru", &stop));
    CHECK(!skip("nul", &stop));
    CHECK(!skip("[01]", &stop));
    CHECK(!skip("@", &stop));
}

/* Strict: what heapscope skips must still be JSON (docs/format.md). */
static void
test_skip_strict(void)
{
    static const struct {
        const char *text;
        size_t stop;     /* where the skip stops */
        const char *why; /* part of the reason */
    } bad[] = {
        {"[1 2]", 3, "',' or ']'"},
        {"[1,]", 3, "JSON value"},
        {"[,1]", 1, "JSON value"},
        {"{\"a\" 1}", 5, "':'"},
        {"{\"a\": 1,}", 8, "string key"},
        {"{1: 2}", 1, "string key"},
        {"{\"a\": }", 6, "JSON value"},
        {"{\"a\": 1]", 7, "',' or '}'"},
        {"[1}", 2, "',' or ']'"},
        {"\"a\\qb\"", 2, "bad escape"},
        {"\"\\u12x4\"", 1, "bad escape"},
        {"\"a\tb\"", 2, "control character"},
        {"[\"abc", 5, "unterminated"},
        {"{\"a\\qb\": 1}", 3, "bad escape"}, /* keys too */
        {"truth", 0, "JSON value"},
    };
    size_t stop = 0;
    CHECK(skip("[\"\\u00e9\\n\\/\", {\"a\": [1, -0.5e-3, {}], \"b\": []}]",
               &stop) && stop == 48);
    CHECK(skip("\"\xff\xfe raw bytes\"", &stop)); /* as hs_json_string */
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(skip_fails(bad[i].text, bad[i].stop, bad[i].why));
    }
    CHECK(skip("truex", &stop) && stop == 4); /* the caller checks the rest */
}

static void
test_skip_depth_limit(void)
{
    enum { DEEP = 1000 };
    static char s[2 * (DEEP + 1) + 1];
    size_t stop;
    memset(s, '[', DEEP);
    memset(s + DEEP, ']', DEEP);
    s[2 * DEEP] = '\0';
    CHECK(skip(s, &stop) && stop == 2 * DEEP); /* the limit itself is fine */
    memset(s, '[', DEEP + 1);
    memset(s + DEEP + 1, ']', DEEP + 1);
    s[2 * DEEP + 2] = '\0';
    CHECK(!skip(s, &stop));
    CHECK_EQ_U64(stop, DEEP); /* at the bracket past the limit */
    CHECK(strcmp(skip_why, "JSON nested deeper than 1000 levels") == 0);
    memset(s, '{', sizeof(s) - 1); /* hostile: never closed, never deep */
    s[sizeof(s) - 1] = '\0';
    CHECK(!skip(s, &stop));
}

int
main(void)
{
    RUN(test_u64);
    RUN(test_u64_list);
    RUN(test_number);
    RUN(test_string);
    RUN(test_skip_value);
    RUN(test_skip_strict);
    RUN(test_skip_depth_limit);
    return hs_test_end();
}
