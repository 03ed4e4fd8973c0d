/*
 * test_sorted.c - searching an ascending array of ids (lib/util/hs_sorted).
 */
#include "hs_test.h"

#include "util/hs_sorted.h"

/* lower_bound agrees with a linear scan for every key around every value
 * of arrays with runs of equal ids, empty and one-long arrays included;
 * contains agrees with it. */
static void
test_against_scan(void)
{
    static const uint32_t v[] = {2, 3, 3, 3, 7, 10, 10, 4000000000u};
    uint64_t wrong = 0;
    for (size_t n = 0; n <= sizeof(v) / sizeof(v[0]); n++) {
        for (uint32_t key = 0; key < 12; key++) {
            size_t want = 0;
            bool in = false;
            while (want < n && v[want] < key) {
                want++;
            }
            for (size_t i = 0; i < n; i++) {
                in |= v[i] == key;
            }
            wrong += hs_sorted_lower_bound(v, n, key) != want;
            wrong += hs_sorted_contains(v, n, key) != in;
        }
    }
    CHECK_EQ_U64(wrong, 0);
    CHECK_EQ_U64(hs_sorted_lower_bound(v, 8, 4000000000u), 7);
    CHECK_EQ_U64(hs_sorted_lower_bound(v, 8, UINT32_MAX), 8);
    CHECK(hs_sorted_contains(v, 8, 4000000000u));
    CHECK(!hs_sorted_contains(NULL, 0, 0));
}

int
main(void)
{
    RUN(test_against_scan);
    return hs_test_end();
}
