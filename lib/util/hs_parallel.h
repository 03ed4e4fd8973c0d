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

#include <stddef.h>
#include <stdint.h>

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

/* One range of a job over n items: items [lo, hi) as part `part`. */
typedef int (*hs_range_fn)(void *ctx, unsigned part, uint64_t lo,
                           uint64_t hi);

/* Cuts [0, n) into `parts` equal ranges (fewer when n is small: a range
 * is never shorter than min_items, and one part gets all when n is below
 * it) and runs fn on each as hs_parallel_for does. Returns the number
 * of parts used in *used (for the caller's per-part results; may be
 * NULL) and the first error in part order. */
int hs_parallel_ranges(unsigned parts, uint64_t n, uint64_t min_items,
                       hs_range_fn fn, void *ctx, unsigned *used);

/* Sets the bytes [p, p + bytes) to c, mapping their pages first (see
 * hs_prefault), in `parts` ranges at once: an array of millions that one
 * thread would fault in and fill page by page, alone. */
void hs_parallel_fill(unsigned parts, void *p, size_t bytes, int c);

#endif
