/*
 * scan_levels.c - the line scan alone, on every hs_simd level, in one run.
 *
 *     scan_levels DUMP [ROUNDS]
 *
 * Reads DUMP (plain text) into memory, then ROUNDS times (default 5)
 * and for each level this CPU runs (portable, sse2, avx2; hs_simd.h),
 * splits it into lines with hs_find_newline and parses each with
 * hs_line_parse, the loader's own parser, keeping nothing (the refs
 * array is emptied after each line): no graph, no allocation after the
 * first lines, no page faults, so what differs between levels is the
 * scanning hs_simd does. The levels alternate within each round; the
 * fastest round of each (thread CPU time) goes into a markdown table,
 * with its ratio to the portable level. Built beside the unit tests
 * (build/tests/scan_levels); bench/load.sh runs it when it is there.
 * The portable level is the scan as it was before hs_simd: memchr for
 * line ends, a byte loop for strings.
 */
#include "parse/hs_line.h"
#include "util/hs_error.h"
#include "util/hs_simd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double
cpu_now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static char *
slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t alloc = 0, n;
    *len = 0;
    if (!f) {
        return NULL;
    }
    for (;;) {
        if (*len == alloc) {
            char *p;
            alloc = alloc ? alloc * 2 : (size_t)1 << 20;
            p = realloc(buf, alloc);
            if (!p) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = p;
        }
        n = fread(buf + *len, 1, alloc - *len, f);
        if (n == 0) {
            break;
        }
        *len += n;
    }
    fclose(f);
    return buf;
}

/* One pass over the text: seconds of CPU; *records counts the lines read. */
static double
scan(const char *text, size_t len, hs_line_parser *lp, hs_u64vec *refs,
     size_t *records)
{
    const char *p = text, *end = text + len;
    double start = cpu_now();
    hs_record rec;
    hs_header hdr;
    hs_error err;
    *records = 0;
    while (p < end) {
        const char *nl = hs_find_newline(p, end);
        const char *stop = nl ? nl : end;
        if (hs_line_parse(lp, p, (size_t)(stop - p), &rec, &hdr, refs, &err)
            == HS_LINE_RECORD) {
            (*records)++;
        }
        refs->len = 0;
        p = stop + 1;
    }
    return cpu_now() - start;
}

int
main(int argc, char **argv)
{
    size_t len, records = 0;
    int rounds = argc > 2 ? atoi(argv[2]) : 5;
    double best[HS_SIMD_LEVELS];
    hs_line_parser lp;
    hs_u64vec refs = {NULL, 0, 0};
    char *text;
    if (argc < 2 || rounds < 1) {
        fprintf(stderr, "usage: scan_levels DUMP [ROUNDS]\n");
        return 2;
    }
    text = slurp(argv[1], &len);
    if (!text) {
        fprintf(stderr, "scan_levels: cannot read %s\n", argv[1]);
        return 1;
    }
    hs_line_parser_init(&lp, NULL);
    for (int l = 0; l < HS_SIMD_LEVELS; l++) {
        best[l] = -1;
    }
    scan(text, len, &lp, &refs, &records); /* warm: caches, the refs array */
    for (int r = 0; r < rounds; r++) {
        for (int l = 0; l < HS_SIMD_LEVELS; l++) {
            double t;
            if (!hs_simd_select((hs_simd_level)l)) {
                continue;
            }
            t = scan(text, len, &lp, &refs, &records);
            if (best[l] < 0 || t < best[l]) {
                best[l] = t;
            }
        }
    }
    printf("| level | CPU s | ns / line | MB/s | vs portable |\n");
    printf("|---|---:|---:|---:|---:|\n");
    for (int l = 0; l < HS_SIMD_LEVELS; l++) {
        if (best[l] >= 0) {
            printf("| %s | %.3f | %.1f | %.0f | %.2fx |\n",
                   hs_simd_name((hs_simd_level)l), best[l],
                   best[l] * 1e9 / (double)(records ? records : 1),
                   (double)len / best[l] / 1e6, best[l] / best[0]);
        }
    }
    hs_line_parser_release(&lp);
    free(refs.v);
    free(text);
    return 0;
}
