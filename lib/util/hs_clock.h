/*
 * hs_clock.h - the one clock the library times its phases with.
 *
 * Monotonic, so that load_seconds and the phase timings in hs_load_stats
 * never go backwards when the wall clock is set.
 */
#ifndef HS_CLOCK_H
#define HS_CLOCK_H

#include <time.h>

/* Seconds since an arbitrary fixed point; only differences mean anything. */
static inline double
hs_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
