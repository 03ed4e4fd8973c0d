/*
 * hs_stop.h - a caller's way to stop a long computation.
 *
 * Building a dominator tree or a diff of a big dump takes seconds; a
 * front end that lets the user press Ctrl-C, or that has a time limit
 * (query's --timeout), hands one of these down. The computation asks it
 * every 64 K steps or so and, when told to stop, frees what it made and
 * fails (HS_ELIMIT, "stopped"); the caller says why. NULL never stops.
 */
#ifndef HS_STOP_H
#define HS_STOP_H

#include <stdbool.h>
#include <stdint.h>

typedef struct hs_stop {
    bool (*fn)(void *ctx); /* true: stop now */
    void *ctx;
} hs_stop;

/* Whether to stop, asked at step i: every 64 K steps, so that the
 * question costs nothing next to the work. */
static inline bool
hs_stop_at(const hs_stop *s, uint64_t i)
{
    return (i & 0xffffu) == 0 && s && s->fn(s->ctx);
}

static inline bool
hs_stop_now(const hs_stop *s)
{
    return s && s->fn(s->ctx);
}

#endif
