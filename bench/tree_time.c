/*
 * tree_time.c - the dominator tree alone, timed, on a loaded graph.
 *
 *     tree_time DUMP [ROUNDS]
 *
 * Opens DUMP through its snapshot (hs_graph_open: written on the first
 * run, mapped and checked on later ones), then ROUNDS times (default 5)
 * computes the dominator tree and retained sizes (hs_dominators_new) and
 * frees it, and prints the fastest and the median round: wall seconds
 * and this thread's CPU seconds, and the first round's, whose page
 * faults on fresh arrays the later rounds may not pay. Nothing else is
 * timed, so two builds run alternately give the tree's own ratio while
 * a whole `top` is mostly the load or the snapshot's check. Built beside
 * the unit tests (build/tests/tree_time); bench/scale.sh runs it when it
 * is there.
 */
#include <heapscope.h>

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double
now(clockid_t clock)
{
    struct timespec t;
    clock_gettime(clock, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int
by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int
main(int argc, char **argv)
{
    hs_error err = {0};
    hs_load_options opts;
    hs_graph *g;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    double *wall, *cpu;
    if (argc < 2 || rounds < 1 || rounds > 1000) {
        fprintf(stderr, "usage: tree_time DUMP [ROUNDS]\n");
        return 2;
    }
    hs_load_options_init(&opts);
    g = hs_graph_open(argv[1], &opts, 0, NULL, &err);
    if (!g) {
        fprintf(stderr, "tree_time: %s\n", err.message);
        return 1;
    }
    wall = calloc((size_t)rounds, sizeof(*wall));
    cpu = calloc((size_t)rounds, sizeof(*cpu));
    if (!wall || !cpu) {
        fprintf(stderr, "tree_time: out of memory\n");
        return 1;
    }
    for (int i = 0; i < rounds; i++) {
        double w0 = now(CLOCK_MONOTONIC);
        double c0 = now(CLOCK_THREAD_CPUTIME_ID);
        hs_dominators *d = hs_dominators_new(g, &err);
        if (!d) {
            fprintf(stderr, "tree_time: %s\n", err.message);
            return 1;
        }
        cpu[i] = now(CLOCK_THREAD_CPUTIME_ID) - c0;
        wall[i] = now(CLOCK_MONOTONIC) - w0;
        hs_dominators_free(d);
    }
    printf("first round: wall %.3f s, cpu %.3f s\n", wall[0], cpu[0]);
    qsort(wall, (size_t)rounds, sizeof(*wall), by_value);
    qsort(cpu, (size_t)rounds, sizeof(*cpu), by_value);
    printf("fastest of %d: wall %.3f s, cpu %.3f s\n", rounds, wall[0],
           cpu[0]);
    printf("median of %d: wall %.3f s, cpu %.3f s\n", rounds,
           wall[rounds / 2], cpu[rounds / 2]);
    free(wall);
    free(cpu);
    hs_graph_free(g);
    return 0;
}
