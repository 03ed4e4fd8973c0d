/*
 * hs_parallel.c - running the parts of a job on threads.
 */
#include "hs_parallel.h"

#include "hs_error.h"
#include "hs_mem.h"

#include <pthread.h>
#include <stdbool.h>
#include <string.h>

/* hs_parallel_fill's ranges are never shorter: below, one thread fills
 * faster than threads start. */
#define FILL_MIN ((uint64_t)1 << 20)

typedef struct part {
    hs_part_fn fn;
    void *ctx;
    unsigned index;
    int rc;
    bool started;
    pthread_t thread;
} part;

static void *
run_part(void *arg)
{
    part *p = arg;
    p->rc = p->fn(p->ctx, p->index);
    return NULL;
}

int
hs_parallel_for(unsigned parts, hs_part_fn fn, void *ctx)
{
    part p[HS_MAX_THREADS];
    if (parts > HS_MAX_THREADS) {
        return HS_EINVAL;
    }
    for (unsigned i = 0; i < parts; i++) {
        p[i] = (part){.fn = fn, .ctx = ctx, .index = i, .rc = HS_OK};
        p[i].started = i > 0
                       && pthread_create(&p[i].thread, NULL, run_part,
                                         &p[i]) == 0;
    }
    for (unsigned i = 0; i < parts; i++) {
        if (p[i].started) {
            pthread_join(p[i].thread, NULL);
        } else {
            run_part(&p[i]);
        }
    }
    for (unsigned i = 0; i < parts; i++) {
        if (p[i].rc < 0) {
            return p[i].rc;
        }
    }
    return HS_OK;
}

typedef struct ranges {
    hs_range_fn fn;
    void *ctx;
    uint64_t n;
    unsigned parts;
} ranges;

static int
run_range(void *ctx, unsigned i)
{
    const ranges *r = ctx;
    uint64_t lo = r->n / r->parts * i;
    uint64_t hi = i + 1 == r->parts ? r->n : r->n / r->parts * (i + 1);
    return r->fn(r->ctx, i, lo, hi);
}

int
hs_parallel_ranges(unsigned parts, uint64_t n, uint64_t min_items,
                   hs_range_fn fn, void *ctx, unsigned *used)
{
    ranges r = {fn, ctx, n, parts};
    if (min_items && n / min_items < parts) {
        r.parts = (unsigned)(n / min_items);
    }
    if (r.parts < 1) {
        r.parts = 1;
    }
    if (used) {
        *used = r.parts;
    }
    return hs_parallel_for(r.parts, run_range, &r);
}

typedef struct fill_job {
    char *p;
    int c;
} fill_job;

static int
fill_range(void *ctx, unsigned index, uint64_t lo, uint64_t hi)
{
    const fill_job *j = ctx;
    (void)index;
    hs_prefault(j->p + lo, (size_t)(hi - lo));
    memset(j->p + lo, j->c, (size_t)(hi - lo));
    return HS_OK;
}

void
hs_parallel_fill(unsigned parts, void *p, size_t bytes, int c)
{
    fill_job j = {p, c};
    (void)hs_parallel_ranges(parts, bytes, FILL_MIN, fill_range, &j, NULL);
}
