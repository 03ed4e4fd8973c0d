/*
 * hs_parallel.h - one job cut into parts, each part on its own thread.
 *
 * Loads and passes split their work into at most HS_MAX_THREADS parts
 * that never write the same bytes (ranges of nodes, of slots, of file
 * bytes), run them at once and wait for all. This is that loop, once.
 */
#ifndef HS_PARALLEL_H
#define HS_PARALLEL_H

#include "hs_threads.h"

/* One part of a job: 0 or a negative HS_E* code. */
typedef int (*hs_part_fn)(void *ctx, unsigned part);

/* Runs fn(ctx, part) for every part in [0, parts) and returns when all
 * have returned. Part 0 runs on the calling thread (so a callback it
 * makes, such as progress, runs there too), the others on new threads;
 * a part whose thread cannot be started runs on the calling thread
 * after part 0, so a job never fails for want of threads, it only runs
 * slower. parts = 0 or 1 starts no thread.
 *
 * Returns HS_OK, or the first negative code in part order (every part
 * runs to its end either way). parts is at most HS_MAX_THREADS; more is
 * a bug (HS_EINVAL). */
int hs_parallel_for(unsigned parts, hs_part_fn fn, void *ctx);

#endif
