/*
 * hs_parallel.c - running the parts of a job on threads.
 */
#include "hs_parallel.h"

#include "hs_error.h"

#include <pthread.h>
#include <stdbool.h>

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
