/*
 * test_textpool.c - the append-only pool of names and values.
 */
#include "hs_test.h"

#include "util/hs_textpool.h"

/* Adds a string of len bytes (a pattern) and checks its varint size. */
static void
check_length(size_t len, size_t varint_bytes)
{
    hs_textpool p;
    char *s = malloc(len + 1);
    uint64_t off, next;
    size_t got;
    const char *q;
    for (size_t i = 0; i < len; i++) {
        s[i] = (char)('a' + i % 23);
    }
    hs_textpool_init(&p, NULL);
    CHECK_EQ_I64(hs_textpool_add(&p, s, len, &off), HS_OK);
    CHECK_EQ_U64(off, HS_TEXT_ALIGN); /* offset 0 means "none" */
    q = hs_textpool_get(&p, off, &got, &next);
    CHECK_EQ_U64(got, len);
    CHECK(memcmp(q, s, len) == 0);
    CHECK_EQ_U64((uint64_t)(q - (const char *)p.data), off + varint_bytes);
    CHECK_EQ_U64(next, off + varint_bytes + len);
    CHECK_EQ_U64(p.len, next);
    hs_textpool_release(&p);
    free(s);
}

static void
test_varint_lengths(void)
{
    check_length(0, 1);
    check_length(1, 1);
    check_length(127, 1);
    check_length(128, 2);
    check_length(16383, 2);
    check_length(16384, 3);
    check_length(2097151, 3);
    check_length(2097152, 4);
}

static uint64_t
round_up(uint64_t v)
{
    return (v + HS_TEXT_ALIGN - 1) / HS_TEXT_ALIGN * HS_TEXT_ALIGN;
}

static void
test_aligned_entries(void)
{
    static const size_t lens[] = {5, 0, 127, 128, 16383, 16384, 3, 1};
    enum { K = sizeof(lens) / sizeof(lens[0]) };
    hs_textpool p;
    uint64_t offs[K], next = 0;
    char *s[K];
    hs_textpool_init(&p, NULL);
    for (size_t k = 0; k < K; k++) {
        s[k] = malloc(lens[k] + 1);
        memset(s[k], (int)('A' + k), lens[k]);
        CHECK_EQ_I64(hs_textpool_add(&p, s[k], lens[k], &offs[k]), HS_OK);
        CHECK(offs[k] != 0 && offs[k] % HS_TEXT_ALIGN == 0);
        if (k > 0) {
            CHECK_EQ_U64(offs[k], round_up(next)); /* no more padding */
        }
        next = p.len;
    }
    for (size_t k = 0; k < K; k++) {
        size_t len;
        const char *q = hs_textpool_get(&p, offs[k], &len, &next);
        CHECK_EQ_U64(len, lens[k]);
        CHECK(memcmp(q, s[k], lens[k]) == 0);
        CHECK(k + 1 == K ? next == p.len : round_up(next) == offs[k + 1]);
    }
    hs_textpool_trim(&p);
    CHECK_EQ_U64(p.alloc, p.len);
    {
        size_t len;
        const char *q = hs_textpool_get(&p, offs[6], &len, NULL);
        CHECK_MEM(q, len, "GGG");
    }
    hs_textpool_release(&p);
    for (size_t k = 0; k < K; k++) {
        free(s[k]);
    }
}

/* A value stored behind a name is appended unaligned and found by
 * skipping the name with next. */
static void
test_back_to_back(void)
{
    static const size_t lens[] = {5, 0, 127, 128, 16383, 16384, 3};
    enum { K = sizeof(lens) / sizeof(lens[0]) };
    hs_textpool p;
    uint64_t first, off;
    char *s[K];
    hs_textpool_init(&p, NULL);
    CHECK_EQ_I64(hs_textpool_add(&p, "x", 1, &off), HS_OK);
    for (size_t k = 0; k < K; k++) {
        s[k] = malloc(lens[k] + 1);
        memset(s[k], (int)('a' + k), lens[k]);
        if (k == 0) {
            CHECK_EQ_I64(hs_textpool_add(&p, s[k], lens[k], &first), HS_OK);
        } else {
            CHECK_EQ_I64(hs_textpool_append(&p, s[k], lens[k]), HS_OK);
        }
    }
    off = first;
    for (size_t k = 0; k < K; k++) {
        size_t len;
        const char *q = hs_textpool_get(&p, off, &len, &off);
        CHECK_EQ_U64(len, lens[k]);
        CHECK(memcmp(q, s[k], lens[k]) == 0);
    }
    CHECK_EQ_U64(off, p.len); /* the last entry ends the pool */
    hs_textpool_release(&p);
    for (size_t k = 0; k < K; k++) {
        free(s[k]);
    }
}

int
main(void)
{
    RUN(test_varint_lengths);
    RUN(test_aligned_entries);
    RUN(test_back_to_back);
    return hs_test_end();
}
