/*
 * cli/cli_runtime.c - the run time of each dump in a series.
 */
#include "cli_runtime.h"

#include <stdbool.h>
#include <sys/stat.h>

void
cli_runtime_read(cli_runtime *t, const hs_graph *g, const char *path)
{
    struct stat st;
    t->header_time = hs_graph_stats(g)->dump_time;
    t->has_name_time = hs_time_from_name(path, &t->name_time);
    t->mtime = stat(path, &st) == 0 ? (double)st.st_mtim.tv_sec
                                          + (double)st.st_mtim.tv_nsec / 1e9
                                    : 0.0;
}

/* Whether source 0 (header) or 1 (file name) is known for every dump and
 * increases. */
static bool
increasing(const cli_runtime *d, size_t n, int source)
{
    for (size_t i = 0; i < n; i++) {
        double t = source == 0 ? (double)d[i].header_time : d[i].name_time;
        double prev = source == 0 ? (double)d[i ? i - 1 : 0].header_time
                                  : d[i ? i - 1 : 0].name_time;
        if ((source == 0 && d[i].header_time < 0)
            || (source == 1 && !d[i].has_name_time) || (i && t <= prev)) {
            return false;
        }
    }
    return true;
}

const char *
cli_runtime_choose(hs_growth *gr, const cli_runtime *d, size_t n,
                   const char **source)
{
    for (size_t i = 0; i < n; i++) {
        double t;
        if (increasing(d, n, 0)) {
            t = (double)(d[i].header_time - d[0].header_time);
        } else if (increasing(d, n, 1)) {
            t = d[i].name_time;
        } else {
            t = d[i].mtime - d[0].mtime;
        }
        hs_growth_set_time(gr, i, t);
    }
    if (increasing(d, n, 0)) {
        *source = "header";
        return "run time (s since the first dump, from the dump headers)";
    }
    if (increasing(d, n, 1)) {
        *source = "file name";
        return "run time (from the numbers in the file names)";
    }
    *source = "modification time";
    return "run time (s since the first dump, from file modification times)";
}
