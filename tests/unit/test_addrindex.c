/*
 * test_addrindex.c - the address -> node id index.
 */
#include "hs_test.h"

#include "util/hs_addrindex.h"

#include <stdlib.h>

/* Inserts addrs[0..n) one by one and checks every lookup. */
static bool
insert_all(hs_addrindex *x, const uint64_t *addrs, uint32_t n)
{
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        ok &= hs_addrindex_find(x, addrs, addrs[i]) == UINT32_MAX;
        ok &= hs_addrindex_insert(x, addrs, i) == HS_OK;
        ok &= hs_addrindex_find(x, addrs, addrs[i]) == i;
    }
    return ok;
}

static bool
find_all(const hs_addrindex *x, const uint64_t *addrs, uint32_t n)
{
    bool ok = true;
    for (uint32_t i = 0; i < n; i++) {
        ok &= hs_addrindex_find(x, addrs, addrs[i]) == i;
    }
    return ok;
}

static void
test_basic(void)
{
    uint64_t addrs[4] = {0, 140549148192192ull, UINT64_MAX, 16};
    hs_addrindex x;
    hs_addrindex_init(&x, NULL);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 16), UINT32_MAX);
    CHECK(insert_all(&x, addrs, 4));
    CHECK_EQ_U64(x.count, 4);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 0), 0);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, UINT64_MAX), 2);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 8), UINT32_MAX);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, UINT64_MAX - 1), UINT32_MAX);
    hs_addrindex_release(&x);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 16), UINT32_MAX);
}

/* Addresses that differ only in a few bits (aligned objects, or the
 * 2^32 strides of Win64-truncated dumps) must still spread and resolve. */
static void
test_patterns(void)
{
    enum { N = 60000 };
    static uint64_t addrs[3 * N];
    hs_addrindex x;
    for (uint32_t i = 0; i < N; i++) {
        addrs[i] = 140549148192192ull + 16ull * i;
        addrs[N + i] = (uint64_t)(i + 1) << 32;
        addrs[2 * N + i] = ((uint64_t)i << 48) | 0x10;
    }
    hs_addrindex_init(&x, NULL);
    CHECK(insert_all(&x, addrs, 3 * N));
    CHECK_EQ_U64(x.count, 3 * N);
    CHECK(x.count * 5 <= x.cap * 4); /* at most 80% full */
    CHECK(find_all(&x, addrs, 3 * N));
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 140549148192192ull + 8),
                 UINT32_MAX);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, (uint64_t)(N + 1) << 32),
                 UINT32_MAX);
    CHECK_EQ_U64(hs_addrindex_find(&x, addrs, 1ull << 31), UINT32_MAX);
    hs_addrindex_release(&x);
}

static void
test_reserve_then_grow(void)
{
    enum { N = 5000 };
    static uint64_t addrs[N];
    hs_addrindex x;
    uint64_t cap;
    for (uint32_t i = 0; i < N; i++) {
        addrs[i] = 0x7f0000000000ull + 48ull * i;
    }
    hs_addrindex_init(&x, NULL);
    CHECK_EQ_I64(hs_addrindex_reserve(&x, addrs, 1000), HS_OK);
    cap = x.cap;
    CHECK(cap * 4 >= 1000 * 5);
    CHECK(insert_all(&x, addrs, 1000));
    CHECK_EQ_U64(x.cap, cap); /* reserved: no growth */
    /* reserving less than present keeps the table */
    CHECK_EQ_I64(hs_addrindex_reserve(&x, addrs, 10), HS_OK);
    CHECK_EQ_U64(x.cap, cap);
    for (uint32_t i = 1000; i < N; i++) {
        CHECK_EQ_I64(hs_addrindex_insert(&x, addrs, i), HS_OK);
    }
    CHECK(x.cap > cap); /* grew, and kept every entry */
    CHECK(find_all(&x, addrs, N));
    hs_addrindex_release(&x);
}

/* A load's index: reserved with its slots unset, set empty by the caller
 * (as the threads of a load do, range by range), then filled. Never on an
 * index that holds entries. */
static void
test_reserve_unset(void)
{
    hs_addrindex x;
    uint64_t addrs[100];
    hs_addrindex_init(&x, NULL);
    CHECK_EQ_I64(hs_addrindex_reserve_unset(&x, 100), HS_OK);
    CHECK(x.cap >= 100);
    memset(x.slots, 0xff, (size_t)x.cap * sizeof(*x.slots));
    for (uint32_t i = 0; i < 100; i++) {
        addrs[i] = 0x1000 + 48 * (uint64_t)i;
        CHECK_EQ_I64(hs_addrindex_insert(&x, addrs, i), HS_OK);
    }
    for (uint32_t i = 0; i < 100; i++) {
        CHECK_EQ_U64(hs_addrindex_find(&x, addrs, addrs[i]), i);
    }
    CHECK_EQ_I64(hs_addrindex_reserve_unset(&x, 200), HS_EINVAL);
    hs_addrindex_release(&x);
}

/* Lookups through tags (the loader's, hs_link.c) find what plain lookups
 * find, present or absent, with every tag set, some unknown (0) or all
 * unknown; and a tag is really consulted: a wrong one hides its slot. */
static void
test_tagged(void)
{
    enum { N = 5000 };
    static uint64_t addrs[N];
    hs_addrindex x;
    uint8_t *tags;
    uint64_t wrong = 0, slot = 0;
    hs_addrindex_init(&x, NULL);
    for (uint32_t i = 0; i < N; i++) {
        addrs[i] = 0x7f0000000000ull + 48 * (uint64_t)i;
    }
    if (!CHECK(insert_all(&x, addrs, N))) {
        hs_addrindex_release(&x);
        return;
    }
    tags = calloc((size_t)x.cap, 1);
    if (!CHECK(tags != NULL)) {
        hs_addrindex_release(&x);
        return;
    }
    for (int round = 0; round < 3; round++) {
        for (uint64_t p = 0; p < x.cap; p++) {
            uint32_t id = x.slots[p];
            bool unknown = round == 2 || (round == 1 && p % 3 == 0);
            tags[p] = id == UINT32_MAX || unknown
                          ? 0
                          : hs_addrindex_tag(hs_hash_u64(addrs[id]));
        }
        for (uint32_t i = 0; i < N; i++) {
            uint64_t absent = addrs[i] + 16;
            wrong += hs_addrindex_find_tagged(&x, tags, addrs, addrs[i]) != i;
            wrong += hs_addrindex_find_tagged(&x, tags, addrs, absent)
                     != UINT32_MAX;
        }
        CHECK_EQ_U64(wrong, 0);
    }
    while (x.slots[slot] != 0) {
        slot++;
    }
    tags[slot] = (uint8_t)(hs_addrindex_tag(hs_hash_u64(addrs[0])) % 255 + 1);
    CHECK_EQ_U64(hs_addrindex_find_tagged(&x, tags, addrs, addrs[0]),
                 UINT32_MAX);
    free(tags);
    hs_addrindex_release(&x);
}

int
main(void)
{
    RUN(test_tagged);
    RUN(test_basic);
    RUN(test_patterns);
    RUN(test_reserve_then_grow);
    RUN(test_reserve_unset);
    return hs_test_end();
}
