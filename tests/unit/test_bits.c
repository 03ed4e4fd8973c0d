/*
 * test_bits.c - a bit per node id (lib/util/hs_bits).
 */
#include "hs_test.h"

#include "util/hs_bits.h"

#include <stdlib.h>

/* Set, test and clear agree with a byte per id, around word edges, and
 * the id just past n can be tested (the words round up with one more). */
static void
test_against_bytes(void)
{
    const uint32_t sizes[] = {0, 1, 63, 64, 65, 127, 128, 1000};
    for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        uint32_t n = sizes[k];
        hs_bits b;
        unsigned char *want = calloc((size_t)n + 1, 1);
        uint64_t wrong = 0;
        if (!CHECK(want && hs_bits_init(&b, NULL, n) == HS_OK)) {
            free(want);
            return;
        }
        for (uint32_t i = 0; i <= n; i++) {
            wrong += hs_bits_test(&b, i); /* all clear at first */
        }
        for (uint32_t i = 0; i < n; i += 3) {
            hs_bits_set(&b, i);
            want[i] = 1;
        }
        for (uint32_t i = 0; i < n; i += 6) {
            hs_bits_clear(&b, i);
            want[i] = 0;
        }
        for (uint32_t i = 0; i <= n; i++) {
            wrong += hs_bits_test(&b, i) != (want[i] != 0);
        }
        CHECK_EQ_U64(wrong, 0);
        hs_bits_release(&b);
        CHECK(b.words == NULL);
        hs_bits_release(&b); /* a released set may be released again */
        free(want);
    }
}

/* An allocator that refuses: HS_ENOMEM, and a set that is safe to
 * release. */
static void *
refuse(void *ctx, size_t size)
{
    (void)ctx;
    (void)size;
    return NULL;
}

static void *
refuse_realloc(void *ctx, void *p, size_t size)
{
    (void)ctx;
    (void)p;
    (void)size;
    return NULL;
}

static void
no_free(void *ctx, void *p)
{
    (void)ctx;
    (void)p;
}

static void
test_out_of_memory(void)
{
    hs_allocator a = {refuse, refuse_realloc, no_free, NULL};
    hs_bits b;
    CHECK_EQ_I64(hs_bits_init(&b, &a, 100), HS_ENOMEM);
    CHECK(b.words == NULL);
    hs_bits_release(&b);
}

int
main(void)
{
    RUN(test_against_bytes);
    RUN(test_out_of_memory);
    return hs_test_end();
}
