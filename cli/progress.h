/*
 * cli/progress.h - a progress bar on stderr while a dump loads.
 *
 * Shown only when stderr is a terminal and the load has run for more than
 * a second, so scripts and quick loads see nothing (docs/style.md 18).
 */
#ifndef HS_CLI_PROGRESS_H
#define HS_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

typedef struct progress_state {
    const char *label;
    double start;
    bool enabled;
} progress_state;

void progress_start(progress_state *p, const char *label, bool wanted);

/* An hs_progress_fn; ctx is a progress_state. */
void progress_update(void *ctx, uint64_t done, uint64_t total,
                     uint64_t records);

/* Erases the bar if one is shown (before any other stderr output). */
void progress_clear(void);

#endif
