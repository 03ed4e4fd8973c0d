/*
 * test_bigblock.c - blocks of megabytes on huge pages, alone and behind
 * the default allocator.
 */
#include "hs_test.h"

#include "util/hs_bigblock.h"
#include "util/hs_mem.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define MB ((size_t)1 << 20)
#define UNIT (2 * MB)

/* Writes a pattern over [p, p + n) that says where each byte is (one in
 * 4093, and the last). */
static void
fill(unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 4093) {
        p[i] = (unsigned char)(i / 4093 * 31 + seed);
    }
    p[n - 1] = (unsigned char)seed;
}

/* Whether the pattern fill wrote is still there up to n (its last byte
 * is checked where the length is the same). */
static bool
kept(const unsigned char *p, size_t n, unsigned seed)
{
    for (size_t i = 0; i < n; i += 4093) {
        if (p[i] != (unsigned char)(i / 4093 * 31 + seed)) {
            return false;
        }
    }
    return true;
}

/* Whether the mapping holding p asks for huge pages ("hg" among its
 * VmFlags in /proc/self/smaps); -1 when the kernel says nothing. */
static int
asks_huge(const void *p)
{
    FILE *f = fopen("/proc/self/smaps", "r");
    char line[512];
    int in = 0, found = -1;
    if (!f) {
        return -1;
    }
    while (fgets(line, sizeof(line), f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {
            in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        } else if (in && strncmp(line, "VmFlags:", 8) == 0) {
            found = strstr(line, " hg") != NULL;
            break;
        }
    }
    fclose(f);
    return found;
}

static bool
kernel_has_thp(void)
{
    return access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) == 0;
}

static void
test_alloc(void)
{
    const char *setting = getenv("HEAPSCOPE_HUGE_PAGES");
    unsigned char *p = hs_big_alloc(5 * MB + 3);
    if (setting && strcmp(setting, "0") == 0) {
        CHECK(!hs_big_enabled()); /* unit.test_bigblock.off */
    }
    if (!hs_big_enabled()) {
        CHECK(p == NULL);
        return;
    }
    CHECK(p != NULL);
    CHECK(((uintptr_t)p & (UNIT - 1)) == 0);
    CHECK(hs_big_owns(p));
    CHECK(!hs_big_owns(p + 1));
    CHECK(p[0] == 0 && p[5 * MB + 2] == 0);
    fill(p, 5 * MB + 3, 1);
    CHECK(kept(p, 5 * MB + 3, 1) && p[5 * MB + 2] == 1);
    if (kernel_has_thp()) {
        CHECK(asks_huge(p) == 1);
    }
    hs_big_free(p);
    CHECK(!hs_big_owns(p));
}

static void
test_resize(void)
{
    unsigned char *p = hs_big_alloc(6 * MB), *q, *r;
    if (!hs_big_enabled()) {
        return;
    }
    CHECK(p != NULL);
    fill(p, 6 * MB, 2);
    q = hs_big_realloc(p, 40 * MB);
    CHECK(q != NULL && hs_big_owns(q));
    CHECK(((uintptr_t)q & (UNIT - 1)) == 0);
    CHECK(kept(q, 6 * MB, 2) && q[6 * MB - 1] == 2);
    CHECK(q[40 * MB - 1] == 0);
    q[40 * MB - 1] = 9;
    r = hs_big_realloc(q, 3 * MB); /* shrinks in place */
    CHECK(r == q && kept(r, 3 * MB, 2));
    r = hs_big_realloc(r, 0); /* one unit stays */
    CHECK(r == q && r[0] == (unsigned char)2);
    hs_big_free(r);
    CHECK(!hs_big_owns(r));
}

/* A block that cannot grow where it is (a page of the test's own mapped
 * right after it) moves, aligned, its bytes with it. */
static void
test_move(void)
{
    unsigned char *p = hs_big_alloc(4 * MB), *q;
    void *fence;
    if (!hs_big_enabled()) {
        return;
    }
    CHECK(p != NULL);
    fill(p, 4 * MB, 3);
    fence = mmap(p + 4 * MB, 4096, PROT_READ,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    q = hs_big_realloc(p, 12 * MB);
    CHECK(q != NULL && q != p);
    CHECK(((uintptr_t)q & (UNIT - 1)) == 0);
    CHECK(hs_big_owns(q) && !hs_big_owns(p));
    CHECK(kept(q, 4 * MB, 3) && q[4 * MB - 1] == 3);
    if (kernel_has_thp()) {
        CHECK(asks_huge(q) == 1);
    }
    hs_big_free(q);
    if (fence != MAP_FAILED) {
        munmap(fence, 4096);
    }
}

/* Pointers that are no big block: the C library's, NULL, an aligned
 * mapping of someone else's, a freed block's. */
static void
test_owns_only_its_own(void)
{
    void *m = calloc(1, 100), *a = NULL;
    CHECK(!hs_big_owns(m));
    CHECK(!hs_big_owns(NULL));
    CHECK(posix_memalign(&a, UNIT, UNIT) == 0);
    CHECK(!hs_big_owns(a));
    free(a);
    free(m);
}

/* The default allocator: big blocks from HS_BIG_MIN, a C library block
 * growing past it moves to one with its bytes, hs_free takes both. */
static void
test_default_allocator(void)
{
    unsigned char *s = hs_malloc(NULL, 1000), *b, *t;
    CHECK(s != NULL && !hs_big_owns(s));
    fill(s, 1000, 4);
    b = hs_realloc(NULL, s, 9 * MB);
    CHECK(b != NULL && kept(b, 1000, 4));
    CHECK(hs_big_owns(b) == hs_big_enabled());
    t = hs_realloc(NULL, b, 10); /* stays a big block, 10 bytes kept */
    CHECK(t != NULL && t[0] == (unsigned char)4);
    hs_free(t);
    t = hs_malloc(NULL, HS_BIG_MIN);
    CHECK(t != NULL && hs_big_owns(t) == hs_big_enabled());
    hs_mfree(NULL, t);
    t = hs_malloc(NULL, HS_BIG_MIN - 1);
    CHECK(t != NULL && !hs_big_owns(t));
    hs_mfree(&hs_default_allocator, t);
}

/* Another thread's big block, while the main thread asks for small
 * pages. */
static void *
alloc_big(void *arg)
{
    void *p = hs_malloc(NULL, HS_BIG_MIN);
    bool big = hs_big_owns(p);
    (void)arg;
    hs_free(p);
    return big ? p : NULL;
}

/* Small pages asked for: this thread's new blocks are the C library's,
 * until as many calls with false as with true; other threads' are not
 * concerned. */
static void
test_small_pages(void)
{
    unsigned char *p;
    pthread_t t;
    void *other = NULL;
    hs_big_small_pages(true);
    hs_big_small_pages(true);
    CHECK(hs_big_alloc(HS_BIG_MIN) == NULL);
    p = hs_malloc(NULL, 2 * HS_BIG_MIN);
    CHECK(p != NULL && !hs_big_owns(p));
    fill(p, 2 * HS_BIG_MIN, 5);
    CHECK(kept(p, 2 * HS_BIG_MIN, 5));
    hs_free(p);
    CHECK(pthread_create(&t, NULL, alloc_big, NULL) == 0);
    CHECK(pthread_join(t, &other) == 0);
    CHECK((other != NULL) == hs_big_enabled());
    hs_big_small_pages(false);
    p = hs_malloc(NULL, HS_BIG_MIN);
    CHECK(p != NULL && !hs_big_owns(p)); /* asked twice, released once */
    hs_free(p);
    hs_big_small_pages(false);
    p = hs_malloc(NULL, HS_BIG_MIN);
    CHECK(p != NULL && hs_big_owns(p) == hs_big_enabled());
    hs_free(p);
}

/* Two threads allocating, growing and freeing at once: the list of blocks
 * stays right (each thread's blocks are its own and end freed). */
static void *
churn(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    for (unsigned i = 0; i < 100; i++) {
        unsigned char *p = hs_malloc(NULL, HS_BIG_MIN + i * 4096), *q;
        if (!p) {
            return (void *)1; /* allocating */
        }
        fill(p, HS_BIG_MIN, seed + i);
        q = hs_realloc(NULL, p, 2 * HS_BIG_MIN + i * 8192);
        if (!q || !kept(q, HS_BIG_MIN, seed + i)) {
            return (void *)2; /* growing */
        }
        hs_free(q);
        if (hs_big_owns(q)) {
            return (void *)3; /* freeing */
        }
    }
    return NULL;
}

static void
test_threads(void)
{
    pthread_t t[2];
    void *res[2];
    for (uintptr_t i = 0; i < 2; i++) {
        CHECK(pthread_create(&t[i], NULL, churn, (void *)(i * 7)) == 0);
    }
    for (int i = 0; i < 2; i++) {
        CHECK(pthread_join(t[i], &res[i]) == 0);
        CHECK(res[i] == NULL);
    }
}

int
main(void)
{
    RUN(test_alloc);
    RUN(test_resize);
    RUN(test_move);
    RUN(test_owns_only_its_own);
    RUN(test_default_allocator);
    RUN(test_small_pages);
    RUN(test_threads);
    return hs_test_end();
}
