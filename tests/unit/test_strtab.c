/*
 * test_strtab.c - interned strings with dense ids.
 */
#include "hs_test.h"

#include "util/hs_strtab.h"

static void
test_intern_and_find(void)
{
    hs_strtab t;
    uint32_t a, b, c, again;
    size_t len;
    hs_strtab_init(&t, NULL);
    CHECK_EQ_U64(hs_strtab_find(&t, "dict", 4), UINT32_MAX); /* empty */
    CHECK_EQ_I64(hs_strtab_intern(&t, "dict", 4, &a), HS_OK);
    CHECK_EQ_I64(hs_strtab_intern(&t, "str", 3, &b), HS_OK);
    CHECK_EQ_I64(hs_strtab_intern(&t, "dict", 4, &again), HS_OK);
    CHECK_EQ_U64(a, 0);
    CHECK_EQ_U64(b, 1);
    CHECK_EQ_U64(again, a);
    CHECK_EQ_U64(hs_strtab_count(&t), 2);
    /* prefixes, the empty string and embedded NULs are distinct keys */
    CHECK_EQ_I64(hs_strtab_intern(&t, "dictionary", 4, &again), HS_OK);
    CHECK_EQ_U64(again, a);
    CHECK_EQ_I64(hs_strtab_intern(&t, "", 0, &c), HS_OK);
    CHECK_EQ_U64(c, 2);
    CHECK_EQ_I64(hs_strtab_intern(&t, "di\0ct", 5, &c), HS_OK);
    CHECK_EQ_U64(c, 3);
    CHECK_EQ_U64(hs_strtab_find(&t, "di", 2), UINT32_MAX);
    CHECK_EQ_U64(hs_strtab_find(&t, "di\0ct", 5), 3);
    CHECK_EQ_U64(hs_strtab_find(&t, "", 0), 2);
    CHECK_EQ_U64(hs_strtab_find(&t, "str", 3), 1);
    CHECK_EQ_U64(hs_strtab_find(&t, "st", 2), UINT32_MAX);
    CHECK_STR(hs_strtab_get(&t, 0, &len), "dict");
    CHECK_EQ_U64(len, 4);
    CHECK_EQ_I64(memcmp(hs_strtab_get(&t, 3, &len), "di\0ct", 6), 0);
    CHECK_EQ_U64(len, 5);
    CHECK_STR(hs_strtab_get(&t, 2, NULL), "");
    hs_strtab_release(&t);
    CHECK_EQ_U64(hs_strtab_count(&t), 0);
    CHECK_EQ_U64(hs_strtab_find(&t, "dict", 4), UINT32_MAX);
}

static void
test_thousands(void)
{
    enum { N = 20000 };
    hs_strtab t;
    char name[32];
    bool ok = true;
    hs_strtab_init(&t, NULL);
    for (uint32_t i = 0; i < N; i++) {
        uint32_t id;
        int n = snprintf(name, sizeof(name), "type_%u", i * 7919u);
        ok &= hs_strtab_intern(&t, name, (size_t)n, &id) == HS_OK;
        ok &= id == i; /* dense, in insertion order */
    }
    CHECK(ok);
    CHECK_EQ_U64(hs_strtab_count(&t), N);
    CHECK(t.cap >= 2 * N); /* at most half full */
    for (uint32_t i = 0; i < N && ok; i++) {
        size_t len;
        uint32_t id;
        int n = snprintf(name, sizeof(name), "type_%u", i * 7919u);
        ok &= hs_strtab_find(&t, name, (size_t)n) == i;
        ok &= hs_strtab_intern(&t, name, (size_t)n, &id) == HS_OK && id == i;
        ok &= strcmp(hs_strtab_get(&t, i, &len), name) == 0
              && len == (size_t)n;
    }
    CHECK(ok);
    CHECK_EQ_U64(hs_strtab_count(&t), N); /* re-interning added nothing */
    CHECK_EQ_U64(hs_strtab_find(&t, "type_1", 6), UINT32_MAX);
    hs_strtab_release(&t);
}

int
main(void)
{
    RUN(test_intern_and_find);
    RUN(test_thousands);
    return hs_test_end();
}
