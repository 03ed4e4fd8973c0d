/*
 * cli/progress.c - the load progress bar.
 */
#include "progress.h"

#include <stdio.h>
#include <time.h>
#include <unistd.h>

static bool shown;

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void
progress_start(progress_state *p, const char *label, bool wanted)
{
    p->label = label;
    p->start = now();
    p->enabled = wanted && isatty(2);
}

void
progress_update(void *ctx, uint64_t done, uint64_t total, uint64_t records)
{
    progress_state *p = ctx;
    double elapsed = now() - p->start;
    double rate;
    enum { WIDTH = 30 };
    char bar[WIDTH + 1];
    if (!p->enabled || elapsed < 1.0) {
        return;
    }
    rate = (double)done / elapsed;
    if (total > 0 && done <= total) {
        int fill = (int)((double)done * WIDTH / (double)total);
        double eta = rate > 0 ? (double)(total - done) / rate : 0;
        for (int i = 0; i < WIDTH; i++) {
            bar[i] = i < fill ? '#' : '.';
        }
        bar[WIDTH] = '\0';
        fprintf(stderr, "\r\033[Kloading [%s] %3d%% %6.1f MB/s  %llu objects"
                "  ETA %.0fs", bar, (int)((double)done * 100 / (double)total),
                rate / 1e6, (unsigned long long)records, eta);
    } else {
        fprintf(stderr, "\r\033[Kloading %.1f MB  %6.1f MB/s  %llu objects",
                (double)done / 1e6, rate / 1e6, (unsigned long long)records);
    }
    fflush(stderr);
    shown = true;
}

void
progress_clear(void)
{
    if (shown) {
        fputs("\r\033[K", stderr);
        fflush(stderr);
        shown = false;
    }
}
