/*
 * hs_test_alloc.h - what the failing-allocator matrices share
 * (docs/style.md 38): test_alloc_fail.c (the load and the passes),
 * test_nav_alloc_fail.c (navigation and output) and
 * test_analysis_alloc_fail.c (analysis and export).
 *
 * Two ways to fail an allocation:
 *  - hs_failing, an hs_allocator that fails its Nth call (or every call
 *    from the Nth on) and counts live blocks: graphs loaded with it pass
 *    it to everything that allocates through g->a;
 *  - with HS_TEST_WRAP_MALLOC defined before this header, in a test
 *    linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,
 *    --wrap=free (tests/CMakeLists.txt), every call of the C library's
 *    allocator in the test and the library comes to hs_wrap first: what
 *    is freed with hs_free (and, under hs_failing, the blocks hs_failing
 *    itself asks malloc for).
 * hs_alloc_matrix runs an operation failing the Nth call of either, for
 * every N along a clean run.
 */
#ifndef HS_TEST_ALLOC_H
#define HS_TEST_ALLOC_H

#include "hs_test.h"

#include <heapscope.h>

typedef struct hs_failing {
    long calls;     /* malloc and realloc calls so far */
    long fail_at;   /* the call that fails (1-based); 0 = never */
    bool sticky;    /* every call from fail_at on fails too */
    long live;      /* blocks allocated and not yet freed */
    long failed;    /* calls that failed */
} hs_failing;

HS_TEST_UNUSED static bool
hs_failing_now(hs_failing *f)
{
    f->calls++;
    if (f->fail_at && (f->calls == f->fail_at
                       || (f->sticky && f->calls > f->fail_at))) {
        f->failed++;
        return true;
    }
    return false;
}

HS_TEST_UNUSED static void *
hs_failing_malloc(void *ctx, size_t size)
{
    hs_failing *f = ctx;
    void *p;
    if (hs_failing_now(f)) {
        return NULL;
    }
    p = malloc(size);
    f->live += p != NULL;
    return p;
}

HS_TEST_UNUSED static void *
hs_failing_realloc(void *ctx, void *ptr, size_t size)
{
    hs_failing *f = ctx;
    void *p;
    if (hs_failing_now(f)) {
        return NULL;
    }
    p = realloc(ptr, size);
    f->live += p != NULL && ptr == NULL;
    return p;
}

HS_TEST_UNUSED static void
hs_failing_free(void *ctx, void *ptr)
{
    hs_failing *f = ctx;
    f->live -= ptr != NULL;
    free(ptr);
}

/* The allocator over f (f must outlive what is allocated with it). */
HS_TEST_UNUSED static inline hs_allocator
hs_failing_allocator(hs_failing *f)
{
    hs_allocator a = {hs_failing_malloc, hs_failing_realloc, hs_failing_free,
                      f};
    return a;
}

/* The dump text written to the test file name, loaded through f on one
 * thread (f's counts are not atomic); NULL on failure. */
HS_TEST_UNUSED static hs_graph *
hs_failing_load(const char *name, const char *text, hs_failing *f)
{
    hs_allocator a = hs_failing_allocator(f);
    hs_load_options opts;
    hs_load_options_init(&opts);
    opts.allocator = &a; /* copied into the graph */
    opts.threads = 1;
    return hs_graph_load(hs_test_text(name, text), &opts, NULL);
}

#ifdef HS_TEST_WRAP_MALLOC

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void __wrap_free(void *p);

/* While armed, the C library's allocator counts its calls and live
 * blocks, and fails call fail_at (0: none). */
static struct {
    bool armed;
    long calls, fail_at, live;
} hs_wrap;

static bool
hs_wrap_fail_now(void)
{
    return hs_wrap.armed && ++hs_wrap.calls == hs_wrap.fail_at;
}

void *
__wrap_malloc(size_t size)
{
    void *p = hs_wrap_fail_now() ? NULL : __real_malloc(size);
    hs_wrap.live += hs_wrap.armed && p;
    return p;
}

void *
__wrap_calloc(size_t n, size_t size)
{
    void *p = hs_wrap_fail_now() ? NULL : __real_calloc(n, size);
    hs_wrap.live += hs_wrap.armed && p;
    return p;
}

void *
__wrap_realloc(void *old, size_t size)
{
    void *p = hs_wrap_fail_now() ? NULL : __real_realloc(old, size);
    hs_wrap.live += hs_wrap.armed && p && !old;
    return p;
}

void
__wrap_free(void *p)
{
    hs_wrap.live -= hs_wrap.armed && p;
    __real_free(p);
}

/* One operation over the test's fixture: returns HS_OK or the error,
 * having freed all it made. */
typedef int (*hs_alloc_op)(const void *fx, hs_error *err);

/* One run of op with call n failing (0: none) of f (NULL: of malloc,
 * graph allocators included, since hs_failing calls it). Counts both
 * either way, so a block left on either is seen. */
static int
hs_alloc_run(hs_alloc_op op, const void *fx, hs_failing *f, long n,
             hs_error *err, long *calls, long *live)
{
    long f_live = f ? f->live : 0;
    int rc;
    memset(&hs_wrap, 0, sizeof(hs_wrap));
    hs_wrap.fail_at = f ? 0 : n;
    if (f) {
        f->calls = f->failed = 0;
        f->fail_at = n;
        f->sticky = false;
    }
    memset(err, 0, sizeof(*err));
    hs_wrap.armed = true;
    rc = op(fx, err);
    hs_wrap.armed = false;
    *calls = f ? f->calls : hs_wrap.calls;
    *live = hs_wrap.live + (f ? f->live - f_live : 0);
    if (f) {
        f->fail_at = 0;
    }
    return rc;
}

/* Runs op failing the Nth call, for every N of a clean run, through f or
 * (f NULL) malloc: each run must succeed or fail with HS_ENOMEM, never
 * crash, and leave no block behind. Returns the calls of a clean run
 * (through malloc at least one is required; through f there may be
 * none), and at least one run must fail when there are any. */
HS_TEST_UNUSED static long
hs_alloc_matrix(const char *name, hs_alloc_op op, const void *fx,
                hs_failing *f)
{
    const char *via = f ? "graph allocator" : "malloc";
    hs_error err;
    long clean, live, calls, bad = 0, failed = 0;
    int rc = hs_alloc_run(op, fx, f, 0, &err, &clean, &live);
    if (rc != HS_OK || live != 0) {
        printf("    %s via %s: clean run: rc %d (%s), %ld blocks live\n",
               name, via, rc, err.message, live);
        hs_test_fails++;
        return clean;
    }
    for (long n = 1; n <= clean && bad < 5; n++) {
        rc = hs_alloc_run(op, fx, f, n, &err, &calls, &live);
        failed += rc != HS_OK;
        /* what reports no error (hs_json_quote) leaves err.code 0 */
        if ((rc != HS_OK
             && (rc != HS_ENOMEM || (err.code && err.code != HS_ENOMEM)))
            || live != 0) {
            printf("    %s via %s: fail at call %ld of %ld: rc %d (%s), "
                   "%ld blocks live\n", name, via, n, clean, rc, err.message,
                   live);
            bad++;
        }
    }
    CHECK_EQ_I64(bad, 0);
    /* Some operations allocate only what they hand back (malloc): none
     * through the graph's allocator. */
    if (!CHECK((!f || clean == 0 || failed > 0) && (f || clean > 0))) {
        printf("    %s via %s: %ld calls, %ld failed\n", name, via, clean,
               failed);
    }
    if (getenv("HS_TEST_VERBOSE")) {
        printf("    %s via %s: %ld failure points\n", name, via, clean);
        fflush(stdout);
    }
    return clean;
}

/* A named operation of a matrix. */
typedef struct hs_alloc_case {
    const char *name;
    hs_alloc_op op;
} hs_alloc_case;

/* Each of the n cases through malloc, then through f (the graphs'). */
HS_TEST_UNUSED static void
hs_alloc_cases(const hs_alloc_case *cases, size_t n, const void *fx,
               hs_failing *f)
{
    for (size_t i = 0; i < n; i++) {
        hs_alloc_matrix(cases[i].name, cases[i].op, fx, NULL);
        hs_alloc_matrix(cases[i].name, cases[i].op, fx, f);
    }
}

#endif /* HS_TEST_WRAP_MALLOC */

#endif
