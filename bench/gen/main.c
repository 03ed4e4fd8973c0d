/*
 * main.c: gen_dump's command line (usage in gen.h).
 */
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Command line
 * --------------------------------------------------------------------- */

static void
usage(FILE *f)
{
    fprintf(f, "usage: gen_dump [--objects N] [--seed S] [-o FILE]\n"
               "Write a synthetic meliae dump of a Python 3.11 service "
               "heap (N records,\ndefault %llu) to FILE or stdout.\n",
            (unsigned long long)DEFAULT_OBJECTS);
}

static uint64_t
parse_u64(const char *s, const char *opt)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        fprintf(stderr, "gen_dump: error: bad value for %s: %s\n", opt, s);
        exit(2);
    }
    return (uint64_t)v;
}

int
main(int argc, char **argv)
{
    uint64_t objects = DEFAULT_OBJECTS;
    uint64_t seed = 42;
    const char *path = NULL;
    gen g;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
            objects = parse_u64(argv[++i], "--objects");
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = parse_u64(argv[++i], "--seed");
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (objects < MIN_OBJECTS) {
        fprintf(stderr, "gen_dump: error: --objects must be at least %llu\n",
                (unsigned long long)MIN_OBJECTS);
        return 2;
    }
    memset(&g, 0, sizeof(g));
    g.out = path ? fopen(path, "wb") : stdout;
    if (g.out == NULL) {
        fprintf(stderr, "gen_dump: error: %s: %s\n", path, strerror(errno));
        return 1;
    }
    g.buf = xrealloc(NULL, OUT_BUFSIZE);
    g.rng = seed;
    g.remaining = objects;
    write_dump(&g, objects);
    if (fflush(g.out) != 0 || (path && fclose(g.out) != 0)) {
        die(strerror(errno));
    }
    free(g.buf);
    free(g.stage);
    free(g.line_start);
    return 0;
}

