/*
 * replay.c - runs a fuzz target over its corpus without libFuzzer, so the
 * normal build (gcc, ctest, the sanitizer job) replays every seed and
 * every crash ever found (docs/style.md 38).
 *
 *     fuzz_replay_<target> DIR_OR_FILE...
 *
 * Each file (a directory's files in name order) is read whole and passed
 * to LLVMFuzzerTestOneInput once. A crash or a sanitizer report fails the
 * test; the name of the input being run is printed first, so the log
 * says which. Exits 1 when an argument cannot be read or holds no input.
 */
#include "fuzz_util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int
run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *data = NULL;
    size_t size = 0, cap = 0, n;
    if (!f) {
        fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
        return -1;
    }
    do {
        if (cap - size < 65536) {
            cap = 2 * cap + 65536;
            data = realloc(data, cap);
            if (!data) {
                fprintf(stderr, "replay: %s: out of memory\n", path);
                fclose(f);
                return -1;
            }
        }
        n = fread(data + size, 1, cap - size, f);
        size += n;
    } while (n > 0);
    fclose(f);
    fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
    /* A private copy of exactly size bytes, so ASan catches overreads. */
    uint8_t *exact = malloc(size ? size : 1);
    if (!exact) {
        free(data);
        return -1;
    }
    memcpy(exact, data, size);
    free(data);
    LLVMFuzzerTestOneInput(exact, size);
    free(exact);
    return 1;
}

static int
by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of dir; returns how many, or -1. */
static int
run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char **names = NULL;
    size_t n = 0, cap = 0;
    int ran = 0;
    if (!d) {
        fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') {
            continue;
        }
        if (n == cap) {
            cap = 2 * cap + 64;
            names = realloc(names, cap * sizeof(*names));
        }
        size_t len = strlen(dir) + strlen(e->d_name) + 2;
        names[n] = malloc(len);
        snprintf(names[n++], len, "%s/%s", dir, e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (ran >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            ran = run_file(names[i]) < 0 ? -1 : ran + 1;
        }
        free(names[i]);
    }
    free(names);
    return ran;
}

int
main(int argc, char **argv)
{
    int total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        int ran;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        ran = S_ISDIR(st.st_mode) ? run_dir(argv[i]) : run_file(argv[i]);
        if (ran < 0) {
            return 1;
        }
        total += ran;
    }
    if (total == 0) {
        fprintf(stderr, "replay: no input\n");
        return 1;
    }
    fprintf(stderr, "replay: %d inputs, no crash\n", total);
    return 0;
}
