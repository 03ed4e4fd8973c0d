/*
 * test_parallel.c - hs_parallel_for: every part once, part 0 on the
 * caller, the first error in part order, and every part still run when
 * threads cannot be started; hs_parallel_ranges: every item in exactly
 * one range, ranges in part order, never shorter than asked.
 */
/* RTLD_NEXT needs _GNU_SOURCE, which the build defines. */
#include "hs_test.h"

#include "util/hs_error.h"
#include "util/hs_parallel.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

/* NOTE: this program's pthread_create takes the place of libc's (the
 * executable's definition wins), so that a test can make thread creation
 * fail; otherwise it calls libc's. */
static int fail_threads;

int
pthread_create(pthread_t *t, const pthread_attr_t *attr,
               void *(*fn)(void *), void *arg)
{
    int (*real)(pthread_t *, const pthread_attr_t *, void *(*)(void *),
                void *);
    if (fail_threads) {
        return EAGAIN;
    }
    *(void **)&real = dlsym(RTLD_NEXT, "pthread_create");
    return real ? real(t, attr, fn, arg) : EAGAIN;
}

typedef struct job {
    _Atomic int runs[HS_MAX_THREADS];
    pthread_t caller;
    _Atomic int part0_on_caller;
    _Atomic int others_on_caller;
    int fail[HS_MAX_THREADS];   /* what each part returns */
} job;

static int
note_part(void *ctx, unsigned part)
{
    job *j = ctx;
    bool here = pthread_equal(pthread_self(), j->caller) != 0;
    atomic_fetch_add(&j->runs[part], 1);
    if (part == 0) {
        atomic_store(&j->part0_on_caller, here);
    } else if (here) {
        atomic_fetch_add(&j->others_on_caller, 1);
    }
    return j->fail[part];
}

static void
job_init(job *j)
{
    memset(j, 0, sizeof(*j));
    j->caller = pthread_self();
}

static void
test_every_part_once(void)
{
    for (unsigned parts = 0; parts <= HS_MAX_THREADS; parts++) {
        job j;
        job_init(&j);
        CHECK_EQ_I64(hs_parallel_for(parts, note_part, &j), HS_OK);
        for (unsigned i = 0; i < HS_MAX_THREADS; i++) {
            CHECK_EQ_I64(atomic_load(&j.runs[i]), i < parts ? 1 : 0);
        }
        CHECK_EQ_I64(atomic_load(&j.part0_on_caller), parts > 0);
        /* Threads start on this machine, so no part falls back here. */
        CHECK_EQ_I64(atomic_load(&j.others_on_caller), 0);
    }
}

static void
test_first_error_in_part_order(void)
{
    job j;
    job_init(&j);
    j.fail[1] = HS_ECORRUPT;
    j.fail[3] = HS_ENOMEM;
    CHECK_EQ_I64(hs_parallel_for(4, note_part, &j), HS_ECORRUPT);
    for (unsigned i = 0; i < 4; i++) {
        CHECK_EQ_I64(atomic_load(&j.runs[i]), 1); /* all ran to the end */
    }
    job_init(&j);
    j.fail[0] = 1; /* positive is not an error */
    j.fail[2] = HS_ENOMEM;
    CHECK_EQ_I64(hs_parallel_for(3, note_part, &j), HS_ENOMEM);
}

static void
test_no_threads(void)
{
    job j;
    job_init(&j);
    j.fail[2] = HS_ENOMEM;
    fail_threads = 1;
    CHECK_EQ_I64(hs_parallel_for(HS_MAX_THREADS, note_part, &j), HS_ENOMEM);
    fail_threads = 0;
    for (unsigned i = 0; i < HS_MAX_THREADS; i++) {
        CHECK_EQ_I64(atomic_load(&j.runs[i]), 1);
    }
    CHECK_EQ_I64(atomic_load(&j.part0_on_caller), 1);
    CHECK_EQ_I64(atomic_load(&j.others_on_caller), HS_MAX_THREADS - 1);
}

static void
test_too_many_parts(void)
{
    job j;
    job_init(&j);
    CHECK_EQ_I64(hs_parallel_for(HS_MAX_THREADS + 1, note_part, &j),
                 HS_EINVAL);
    CHECK_EQ_I64(atomic_load(&j.runs[0]), 0);
}

/* Each item records the part that had it. */
typedef struct ranges_job {
    unsigned *owner;
    _Atomic int calls;
    uint64_t lo[HS_MAX_THREADS], hi[HS_MAX_THREADS];
} ranges_job;

static int
note_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    ranges_job *j = ctx;
    atomic_fetch_add(&j->calls, 1);
    j->lo[part] = lo;
    j->hi[part] = hi;
    for (uint64_t i = lo; i < hi; i++) {
        j->owner[i] += part + 1; /* a second visit would be caught */
    }
    return part == 1 ? HS_ENOMEM : HS_OK;
}

static void
test_ranges(void)
{
    static const uint64_t sizes[] = {0, 1, 5, 7, 100, 1000, 4099};
    static const uint64_t mins[] = {0, 1, 10, 3000};
    for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
        for (size_t b = 0; b < sizeof(mins) / sizeof(mins[0]); b++) {
            uint64_t n = sizes[a], min = mins[b];
            ranges_job j;
            unsigned used = 99;
            int rc;
            memset(&j, 0, sizeof(j));
            j.owner = calloc(n + 1, sizeof(*j.owner));
            rc = hs_parallel_ranges(4, n, min, note_range, &j, &used);
            CHECK(used >= 1 && used <= 4);
            CHECK_EQ_I64(atomic_load(&j.calls), used);
            CHECK_EQ_I64(rc, used > 1 ? HS_ENOMEM : HS_OK);
            /* ranges in order, end to end, each visited by its part */
            CHECK_EQ_U64(j.lo[0], 0);
            CHECK_EQ_U64(j.hi[used - 1], n);
            for (unsigned p = 0; p < used; p++) {
                CHECK(p == 0 || j.lo[p] == j.hi[p - 1]);
                CHECK(used == 1 || !min || j.hi[p] - j.lo[p] >= min);
                for (uint64_t i = j.lo[p]; i < j.hi[p]; i++) {
                    CHECK_EQ_U64(j.owner[i], p + 1);
                }
            }
            CHECK(!min || n >= min * used || used == 1);
            free(j.owner);
        }
    }
}

/* hs_parallel_fill sets every byte of the block, whatever its length
 * (below one range, not a multiple of a page, several ranges) and the
 * parts, and not one byte past either end. */
static void
test_fill(void)
{
    static const size_t sizes[] = {0, 1, 4097, (size_t)3 << 20, 5000001};
    static const unsigned parts[] = {1, 2, 3, 8};
    for (size_t a = 0; a < sizeof(sizes) / sizeof(sizes[0]); a++) {
        for (size_t b = 0; b < sizeof(parts) / sizeof(parts[0]); b++) {
            size_t n = sizes[a], wrong = 0;
            unsigned char *block = malloc(n + 2);
            if (!CHECK(block != NULL)) {
                return;
            }
            memset(block, 0x5a, n + 2);
            hs_parallel_fill(parts[b], block + 1, n, 0xc3);
            for (size_t i = 1; i <= n; i++) {
                wrong += block[i] != 0xc3;
            }
            CHECK_EQ_U64(wrong, 0);
            CHECK_EQ_U64(block[0], 0x5a);
            CHECK_EQ_U64(block[n + 1], 0x5a);
            free(block);
        }
    }
}

int
main(void)
{
    RUN(test_every_part_once);
    RUN(test_first_error_in_part_order);
    RUN(test_no_threads);
    RUN(test_too_many_parts);
    RUN(test_ranges);
    RUN(test_fill);
    return hs_test_end();
}
