/*
 * cli_series.h - whether dumps belong to one series (one process), and
 * their run order, for the commands that compare dumps (diff, growth,
 * leaks).
 */
#ifndef CLI_SERIES_H
#define CLI_SERIES_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>

/* The long option every comparing command takes. */
#define CLI_SERIES_HELP \
    "  --allow-mixed      compare dumps whose headers name different\n" \
    "                     processes (pids) all the same\n"

/* Fails (message naming the two files; returns false) when two of the
 * headers carry different pids, unless allow_mixed. A dump without a
 * header (meliae's) has no pid and agrees with any. */
bool cli_series_same_process(char *const *paths, const hs_graph *const *g,
                             size_t n, bool allow_mixed);
/* The same over the header pids (-1: none) of dumps already freed. */
bool cli_series_same_pid(char *const *paths, const int64_t *pids, size_t n,
                         bool allow_mixed);

/* Puts g[] and paths[] in run order by their header times when every
 * dump has one (a stable sort: equal times keep the given order).
 * Returns true when the order changed. */
bool cli_series_run_order(char **paths, const hs_graph **g, size_t n);

#endif
