/*
 * test_jsonstr.c - writing strings as meliae-style JSON.
 */
#include "hs_test.h"

#include "util/hs_jsonstr.h"

/* hs_json_quote of s[0..len) equals want. */
static void
check_quote(const char *s, size_t len, hs_quote_flags flags, const char *want,
            int line)
{
    char *got = hs_json_quote(s, len, flags);
    if (!hs_test_mem(got, got ? strlen(got) : 0, want, strlen(want), "quoted",
                     "want", __FILE__, line)) {
        printf("    (input \"%.*s\", flags %d)\n", (int)len, s, (int)flags);
    }
    hs_free(got);
}

#define QUOTE(s, flags, want) \
    check_quote((s), sizeof(s) - 1, (flags), (want), __LINE__)

static void
test_specials(void)
{
    QUOTE("", HS_QUOTE_DEFAULT, "\"\"");
    QUOTE("plain text", HS_QUOTE_DEFAULT, "\"plain text\"");
    QUOTE("a\"b\\c", HS_QUOTE_DEFAULT, "\"a\\\"b\\\\c\"");
    QUOTE("/caf/", HS_QUOTE_DEFAULT, "\"/caf/\"");
    QUOTE("/caf/", HS_QUOTE_SLASH, "\"\\/caf\\/\"");
    QUOTE("~\x7f", HS_QUOTE_DEFAULT, "\"~\\u007f\"");
}

static void
test_control_chars(void)
{
    /* no short escapes: meliae writes \u000a, never \n */
    QUOTE("\n\t\r\b\f", HS_QUOTE_DEFAULT,
          "\"\\u000a\\u0009\\u000d\\u0008\\u000c\"");
    QUOTE("a\0b\x1f", HS_QUOTE_DEFAULT, "\"a\\u0000b\\u001f\"");
}

static void
test_text_mode(void)
{
    QUOTE("caf\xc3\xa9", HS_QUOTE_DEFAULT, "\"caf\\u00e9\"");
    QUOTE("\xc2\x80\xdf\xbf", HS_QUOTE_DEFAULT, "\"\\u0080\\u07ff\"");
    QUOTE("\xe2\x82\xac", HS_QUOTE_DEFAULT, "\"\\u20ac\"");
    QUOTE("\xef\xbf\xbf", HS_QUOTE_DEFAULT, "\"\\uffff\"");
    /* astral characters become surrogate pairs (lowercase hex) */
    QUOTE("\xf0\x9d\x93\x8f", HS_QUOTE_DEFAULT, "\"\\ud835\\udccf\"");
    QUOTE("\xf0\x90\x80\x80", HS_QUOTE_DEFAULT, "\"\\ud800\\udc00\"");
    QUOTE("\xf4\x8f\xbf\xbf", HS_QUOTE_DEFAULT, "\"\\udbff\\udfff\"");
}

static void
test_invalid_utf8(void)
{
    /* Invalid UTF-8 is kept byte by byte, each byte one code point. */
    QUOTE("a\xffz", HS_QUOTE_DEFAULT, "\"a\\u00ffz\"");
    QUOTE("\xc3(", HS_QUOTE_DEFAULT, "\"\\u00c3(\"");
    QUOTE("\xe2\x82", HS_QUOTE_DEFAULT, "\"\\u00e2\\u0082\"");
    QUOTE("\x80", HS_QUOTE_DEFAULT, "\"\\u0080\"");
    /* overlong forms, UTF-16 surrogates and code points past U+10FFFF
     * are invalid UTF-8 too: never decoded into a code point */
    QUOTE("\xc0\xaf", HS_QUOTE_DEFAULT, "\"\\u00c0\\u00af\"");
    QUOTE("\xe0\x80\xaf", HS_QUOTE_DEFAULT, "\"\\u00e0\\u0080\\u00af\"");
    QUOTE("\xed\xa0\x80", HS_QUOTE_DEFAULT, "\"\\u00ed\\u00a0\\u0080\"");
    QUOTE("\xf4\x90\x80\x80", HS_QUOTE_DEFAULT,
          "\"\\u00f4\\u0090\\u0080\\u0080\"");
    QUOTE("\xf7\xbf\xbf\xbf", HS_QUOTE_DEFAULT,
          "\"\\u00f7\\u00bf\\u00bf\\u00bf\"");
}

static void
test_bytes_mode(void)
{
    /* each byte is one code point, even when it looks like UTF-8 */
    QUOTE("caf\xc3\xa9", HS_QUOTE_BYTES, "\"caf\\u00c3\\u00a9\"");
    QUOTE("\xff\0ab", HS_QUOTE_BYTES, "\"\\u00ff\\u0000ab\"");
    QUOTE("\"/\\", HS_QUOTE_BYTES | HS_QUOTE_SLASH, "\"\\\"\\/\\\\\"");
    QUOTE("\xf0\x9d\x93\x8f", HS_QUOTE_BYTES,
          "\"\\u00f0\\u009d\\u0093\\u008f\"");
}

static void
test_buf_append(void)
{
    hs_buf b = HS_BUF_INIT;
    hs_buf_adds(&b, "[");
    hs_buf_add_json_string(&b, "x", 1, HS_QUOTE_DEFAULT);
    hs_buf_adds(&b, ",");
    hs_buf_add_json_string(&b, "/", 1, HS_QUOTE_SLASH);
    hs_buf_adds(&b, "]");
    CHECK_MEM(b.data, b.len, "[\"x\",\"\\/\"]");
    hs_buf_release(&b);
}

int
main(void)
{
    RUN(test_specials);
    RUN(test_control_chars);
    RUN(test_text_mode);
    RUN(test_invalid_utf8);
    RUN(test_bytes_mode);
    RUN(test_buf_append);
    return hs_test_end();
}
