/*
 * test_html.c - hs_html_escape: the five characters, UTF-8 kept whole,
 * malformed bytes and NUL replaced, and snprintf's contract on a short
 * buffer.
 */
#include "hs_test.h"

#include <heapscope.h>

static void
check(const char *in, size_t len, const char *want)
{
    char out[256];
    size_t n = hs_html_escape(in, len, out, sizeof(out));
    CHECK_EQ_U64(n, strlen(want));
    CHECK(n <= sizeof(out) && memcmp(out, want, n) == 0);
}

static void
test_escapes(void)
{
    check("<script>alert(1)</script>", 25,
          "&lt;script&gt;alert(1)&lt;/script&gt;");
    check("\"><img src=x onerror=alert(2)>", 30,
          "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;");
    check("a&b 'c'", 7, "a&amp;b &#39;c&#39;");
    check("", 0, "");
}

static void
test_utf8(void)
{
    check("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d", 14,
          "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\x8d");
    check("a\0b", 3, "a\xef\xbf\xbd" "b");
    check("\xff", 1, "\xef\xbf\xbd");
    check("\xc0\xaf", 2, "\xef\xbf\xbd\xef\xbf\xbd");      /* overlong */
    check("\xed\xa0\x80", 3,
          "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");           /* surrogate */
    check("\xe2\x82", 2, "\xef\xbf\xbd\xef\xbf\xbd");      /* cut short */
}

static void
test_short_buffer(void)
{
    char out[4];
    CHECK_EQ_U64(hs_html_escape("<<", 2, out, sizeof(out)), 8);
    CHECK(memcmp(out, "&lt;", 4) == 0);
    CHECK_EQ_U64(hs_html_escape("<", 1, NULL, 0), 4);
}

int
main(void)
{
    RUN(test_escapes);
    RUN(test_utf8);
    RUN(test_short_buffer);
    return hs_test_end();
}
