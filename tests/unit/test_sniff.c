/*
 * test_sniff.c - hs_sniff: what a file that holds no record looks like.
 */
#include "hs_test.h"

#include "io/hs_sniff.h"

static void
describe(const void *head, size_t len, char *out, size_t size)
{
    hs_sniff_describe((const unsigned char *)head, len, out, size);
}

static void
test_magics(void)
{
    char out[256];
    describe("\xfd" "7zXZ\0\0\4", 8, out, sizeof(out));
    CHECK(strstr(out, "xz-compressed") != NULL);
    describe("PK\3\4rest", 8, out, sizeof(out));
    CHECK(strstr(out, "zip archive") != NULL);
    describe("JAVA PROFILE 1.0.2", 18, out, sizeof(out));
    CHECK(strstr(out, "HPROF") != NULL);
    describe("\x80\x04\x95\x10", 4, out, sizeof(out));
    CHECK(strstr(out, "pickle (protocol 4)") != NULL);
    /* 0x80 followed by no protocol number is no pickle */
    describe("\x80\x09zz", 4, out, sizeof(out));
    CHECK(strstr(out, "pickle") == NULL);
    CHECK(strstr(out, "\\x80") != NULL);
}

static void
test_text_kinds(void)
{
    char out[256];
    describe("  [{\"a\": 1}]", 12, out, sizeof(out));
    CHECK(strstr(out, "a JSON array") != NULL);
    describe("{\"a\": 1}\r{\"b\": 2}\r", 18, out, sizeof(out));
    CHECK(strstr(out, "CR alone") != NULL);
    describe("a,b,c\n1,2,3\n", 12, out, sizeof(out));
    CHECK(strstr(out, "text with no meliae record") != NULL);
    CHECK(strstr(out, "\"a,b,c\\x0a1,2,3\\x0a\"") != NULL);
}

static void
test_escaped_and_bounded(void)
{
    char out[40];
    const char esc[] = "\x1b]0;title\x07\x1b[2J\"quoted\"";
    describe(esc, sizeof(esc) - 1, out, sizeof(out));
    for (const char *p = out; *p; p++) {
        CHECK(*p >= 0x20 && *p < 0x7f); /* nothing a terminal obeys */
    }
    CHECK(strlen(out) == sizeof(out) - 1);
    /* NUL bytes are binary, never the end of the text */
    describe("ab\0cd", 5, out, sizeof(out));
    CHECK(strstr(out, "binary data") != NULL);
}

static void
test_blank(void)
{
    CHECK(hs_sniff_blank((const unsigned char *)"", 0));
    CHECK(hs_sniff_blank((const unsigned char *)" \n\r\t", 4));
    CHECK(!hs_sniff_blank((const unsigned char *)"\n\0", 2));
    CHECK(!hs_sniff_blank((const unsigned char *)" x", 2));
}

int
main(void)
{
    RUN(test_magics);
    RUN(test_text_kinds);
    RUN(test_escaped_and_bounded);
    RUN(test_blank);
    return hs_test_end();
}
