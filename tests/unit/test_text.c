/*
 * test_text.c - UTF-8 validity, latin-1 conversion and the mojibake repair.
 */
#include "hs_test.h"

#include "parse/hs_text.h"

#define VALID(lit) hs_utf8_valid((lit), sizeof(lit) - 1)

static void
test_utf8_valid(void)
{
    CHECK(VALID(""));
    CHECK(VALID("ascii \x7f"));
    CHECK(VALID("caf\xc3\xa9"));
    CHECK(VALID("\xc2\x80\xdf\xbf"));                 /* 2-byte bounds */
    CHECK(VALID("\xe0\xa0\x80\xef\xbf\xbf"));         /* 3-byte bounds */
    CHECK(VALID("\xed\x9f\xbf\xee\x80\x80"));         /* around surrogates */
    CHECK(VALID("\xf0\x90\x80\x80\xf4\x8f\xbf\xbf")); /* 4-byte bounds */
    CHECK(VALID("a\0b"));
    /* overlong forms */
    CHECK(!VALID("\xc0\x80"));
    CHECK(!VALID("\xc1\xbf"));
    CHECK(!VALID("\xe0\x9f\xbf"));
    CHECK(!VALID("\xf0\x8f\xbf\xbf"));
    /* UTF-16 surrogates */
    CHECK(!VALID("\xed\xa0\x80"));
    CHECK(!VALID("\xed\xbf\xbf"));
    CHECK(!VALID("\xed\xa0\xbd\xed\xb2\xa9")); /* CESU-8 pair */
    /* past U+10FFFF, and bytes never valid */
    CHECK(!VALID("\xf4\x90\x80\x80"));
    CHECK(!VALID("\xf5\x80\x80\x80"));
    CHECK(!VALID("\xf8\x88\x80\x80\x80"));
    CHECK(!VALID("\xfe"));
    CHECK(!VALID("\xff"));
    /* stray or missing continuation bytes, truncation at the end */
    CHECK(!VALID("\x80"));
    CHECK(!VALID("a\xbf"));
    CHECK(!VALID("\xc3("));
    CHECK(!VALID("\xe2\x82("));
    CHECK(!VALID("\xc3"));
    CHECK(!VALID("ab\xe2\x82"));
    CHECK(!VALID("\xf0\x9d\x93"));
}

static void
test_latin1(void)
{
    char out[64];
    size_t n = 99;
    CHECK(hs_text_to_latin1("abc", 3, out, &n));
    CHECK_MEM(out, n, "abc");
    CHECK(hs_text_to_latin1("", 0, out, &n));
    CHECK_EQ_U64(n, 0);
    /* U+0080..U+00FF become one byte each */
    CHECK(hs_text_to_latin1("\xc2\x80\xc3\xa9\xc3\xbf!", 7, out, &n));
    CHECK_MEM(out, n, "\x80\xe9\xff!");
    /* code points above U+00FF cannot be latin-1 */
    CHECK(!hs_text_to_latin1("\xc4\x80", 2, out, &n));
    CHECK(!hs_text_to_latin1("a\xe2\x82\xac", 4, out, &n));
    CHECK(!hs_text_to_latin1("\xf0\x9d\x93\x8f", 4, out, &n));
    CHECK(!hs_text_to_latin1("\xc3", 1, out, &n));
}

/* The repair of s (a decoded JSON string) gives want, or no repair when
 * want is NULL. */
static void
check_repair(const char *s, const char *want, int line)
{
    char out[128];
    size_t n = 0;
    bool fixed = hs_text_repair_mojibake(s, strlen(s), out, &n);
    if (want) {
        if (!hs_test_report(fixed, __FILE__, line, "repaired")) {
            return;
        }
        hs_test_mem(out, n, want, strlen(want), s, want, __FILE__, line);
    } else {
        hs_test_report(!fixed, __FILE__, line, "left as is");
    }
}

static void
test_mojibake(void)
{
    /* "\u00c3\u009cn\u00c3\u00afcode" as decoded from the dump */
    check_repair("\xc3\x83\xc2\x9cn\xc3\x83\xc2\xaf" "code",
                 "\xc3\x9cn\xc3\xaf" "code", __LINE__); /* "Ünïcode" */
    check_repair("m\xc3\x83\xc2\xb3" "dulo", "m\xc3\xb3" "dulo", __LINE__);
    /* an astral character in a name: 4 mojibake code points */
    check_repair("x\xc3\xb0\xc2\x9d\xc2\x93\xc2\x8f", "x\xf0\x9d\x93\x8f",
                 __LINE__);
    /* genuine latin-1 text is not valid UTF-8 as bytes: kept */
    check_repair("caf\xc3\xa9", NULL, __LINE__);          /* "café" */
    check_repair("\xc3\x9cn\xc3\xaf" "code", NULL, __LINE__); /* "Ünïcode" */
    check_repair("na\xc3\xaf" "ve \xc3\xa0 la", NULL, __LINE__);
    /* nothing above ASCII: nothing to repair */
    check_repair("Request", NULL, __LINE__);
    /* a code point above U+00FF: not mojibake */
    check_repair("\xc3\x83\xc2\x9c\xe2\x82\xac", NULL, __LINE__);
    /* latin-1 bytes that are an overlong or surrogate form stay */
    check_repair("\xc3\x80\xc2\xaf", NULL, __LINE__);        /* C0 AF */
    check_repair("\xc3\xad\xc2\xa0\xc2\x80", NULL, __LINE__); /* ED A0 80 */
    CHECK(hs_text_has_high("ab\x80", 3));
    CHECK(!hs_text_has_high("ab\x7f", 3));
    CHECK(!hs_text_has_high("", 0));
}

int
main(void)
{
    RUN(test_utf8_valid);
    RUN(test_latin1);
    RUN(test_mojibake);
    return hs_test_end();
}
