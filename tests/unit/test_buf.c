/*
 * test_buf.c - the growable text buffer and its sticky errors.
 */
#include "hs_test.h"

#include "util/hs_buf.h"

static void
test_append(void)
{
    hs_buf b = HS_BUF_INIT;
    char *s;
    hs_buf_adds(&b, "abc");
    hs_buf_addc(&b, '-');
    hs_buf_add(&b, "xyz", 2);
    hs_buf_add(&b, NULL, 0);
    hs_buf_addf(&b, "[%d|%s]", 42, "q");
    CHECK_EQ_U64(b.len, 12);
    CHECK_MEM(b.data, b.len, "abc-xy[42|q]");
    CHECK_EQ_I64(b.data[b.len], '\0');
    s = hs_buf_detach(&b);
    CHECK_STR(s, "abc-xy[42|q]");
    CHECK(b.data == NULL && b.len == 0 && b.alloc == 0);
    free(s);
}

static void
test_numbers(void)
{
    hs_buf b = HS_BUF_INIT;
    hs_buf_add_u64(&b, 0);
    hs_buf_addc(&b, ' ');
    hs_buf_add_u64(&b, UINT64_MAX);
    hs_buf_addc(&b, ' ');
    hs_buf_add_i64(&b, -1);
    hs_buf_addc(&b, ' ');
    hs_buf_add_i64(&b, INT64_MIN);
    hs_buf_addc(&b, ' ');
    hs_buf_add_i64(&b, INT64_MAX);
    CHECK_MEM(b.data, b.len, "0 18446744073709551615 -1 "
              "-9223372036854775808 9223372036854775807");
    hs_buf_release(&b);
}

static void
test_long_format(void)
{
    /* Longer than the first reservation: vsnprintf runs twice. */
    hs_buf b = HS_BUF_INIT;
    char big[3000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    hs_buf_adds(&b, "<");
    hs_buf_addf(&b, "%s>%d", big, 7);
    CHECK_EQ_U64(b.len, 1 + 2999 + 2);
    CHECK_EQ_I64(b.data[0], '<');
    CHECK_EQ_I64(b.data[2999], 'x');
    CHECK_MEM(b.data + 3000, 2, ">7");
    CHECK_EQ_I64(b.data[b.len], '\0');
    for (int i = 0; i < 10000; i++) {
        hs_buf_addc(&b, (char)('a' + i % 26));
    }
    CHECK_EQ_U64(b.len, 3002 + 10000);
    CHECK_EQ_I64(b.data[3002 + 9999], 'a' + 9999 % 26);
    hs_buf_release(&b);
}

static void
test_sticky_failure(void)
{
    hs_buf b = HS_BUF_INIT;
    hs_buf_adds(&b, "ok");
    /* A length that cannot be reserved fails without touching data. */
    hs_buf_add(&b, "", SIZE_MAX);
    CHECK(b.failed);
    hs_buf_adds(&b, "more");
    CHECK_EQ_U64(b.len, 2);
    CHECK(hs_buf_detach(&b) == NULL);
    CHECK(b.data == NULL && !b.failed);
    /* clear resets the error and the text but keeps the buffer usable */
    hs_buf_adds(&b, "abc");
    hs_buf_clear(&b);
    hs_buf_adds(&b, "d");
    CHECK_MEM(b.data, b.len, "d");
    hs_buf_release(&b);
}

static void
test_empty_detach(void)
{
    hs_buf b;
    char *s;
    hs_buf_init(&b);
    s = hs_buf_detach(&b);
    CHECK_STR(s, "");
    free(s);
}

int
main(void)
{
    RUN(test_append);
    RUN(test_numbers);
    RUN(test_long_format);
    RUN(test_sticky_failure);
    RUN(test_empty_detach);
    return hs_test_end();
}
