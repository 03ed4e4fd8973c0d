/*
 * hs_threads.h - how many threads a load or a pass uses.
 */
#ifndef HS_THREADS_H
#define HS_THREADS_H

/* The most threads heapscope uses for one job. */
#define HS_MAX_THREADS 8

/* requested threads (0 = one per online CPU), between 1 and
 * HS_MAX_THREADS. */
unsigned hs_threads(unsigned requested);

#endif
