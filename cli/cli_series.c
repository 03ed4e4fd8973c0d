/*
 * cli_series.c - dumps that do not belong together.
 *
 * Comparing dumps of two processes matches objects by address across
 * unrelated heaps, and every number that comes out is false; so when the
 * headers (heapscope's dumper writes the pid and the time) say the dumps
 * come from different processes, the comparing commands stop unless
 * told otherwise. Dumps given out of run order would make growth look
 * like shrinking; their header times put them back in order. meliae's
 * dumps have no header: then nothing is checked or moved.
 */
#include "cli_series.h"

#include "cli.h"

bool
cli_series_same_pid(char *const *paths, const int64_t *pids, size_t n,
                    bool allow_mixed)
{
    size_t first = n;
    for (size_t i = 0; i < n && !allow_mixed; i++) {
        if (pids[i] < 0) {
            continue;
        }
        if (first == n) {
            first = i;
        } else if (pids[i] != pids[first]) {
            cli_error("%s is from process %lld but %s is from process %lld: "
                      "these dumps are not one series (--allow-mixed "
                      "compares them all the same)",
                      paths[i], (long long)pids[i], paths[first],
                      (long long)pids[first]);
            return false;
        }
    }
    return true;
}

bool
cli_series_same_process(char *const *paths, const hs_graph *const *g,
                        size_t n, bool allow_mixed)
{
    int64_t pids[64];
    for (size_t i = 0; i < n && i < 64; i++) {
        pids[i] = hs_graph_stats(g[i])->pid;
    }
    return cli_series_same_pid(paths, pids, n < 64 ? n : 64, allow_mixed);
}

bool
cli_series_run_order(char **paths, const hs_graph **g, size_t n)
{
    bool moved = false;
    for (size_t i = 0; i < n; i++) {
        if (hs_graph_stats(g[i])->dump_time < 0) {
            return false;
        }
    }
    /* Insertion sort: a handful of dumps, and stable. */
    for (size_t i = 1; i < n; i++) {
        for (size_t j = i; j > 0
                           && hs_graph_stats(g[j - 1])->dump_time
                                  > hs_graph_stats(g[j])->dump_time;
             j--) {
            const hs_graph *tg = g[j];
            char *tp = paths[j];
            g[j] = g[j - 1];
            paths[j] = paths[j - 1];
            g[j - 1] = tg;
            paths[j - 1] = tp;
            moved = true;
        }
    }
    return moved;
}
