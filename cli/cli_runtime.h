/*
 * cli/cli_runtime.h - the run time of each dump in a series (growth,
 * report), from the first source that every dump has and that increases:
 * the heapscope header times, the last number in the file names, the
 * files' modification times.
 */
#ifndef HS_CLI_RUNTIME_H
#define HS_CLI_RUNTIME_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

/* What is known of one dump for choosing the time source. */
typedef struct cli_runtime {
    int64_t header_time; /* < 0: no header time */
    double name_time;
    int has_name_time;
    double mtime;
} cli_runtime;

/* Reads the candidates of the dump at path, loaded as g. */
void cli_runtime_read(cli_runtime *t, const hs_graph *g, const char *path);

/* Sets each of the n dumps' run time in gr from the best source; returns
 * the axis label, and the source's short name in *source ("header",
 * "file name", "modification time"). Static text. */
const char *cli_runtime_choose(hs_growth *gr, const cli_runtime *t, size_t n,
                               const char **source);

#endif
