/*
 * hs_threads.c - thread counts.
 */
#include "hs_threads.h"

#include <unistd.h>

unsigned
hs_threads(unsigned requested)
{
    long cpus;
    if (requested) {
        return requested < HS_MAX_THREADS ? requested : HS_MAX_THREADS;
    }
    cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 1) {
        return 1;
    }
    return cpus < HS_MAX_THREADS ? (unsigned)cpus : HS_MAX_THREADS;
}
