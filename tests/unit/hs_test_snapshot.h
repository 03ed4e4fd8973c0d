/*
 * hs_test_snapshot.h - a small dump and the bytes of its snapshot, for
 * the tests of the snapshot reader (test_snapshot.c, test_snapshot_lazy.c).
 */
#ifndef HS_TEST_SNAPSHOT_H
#define HS_TEST_SNAPSHOT_H

#include "hs_test.h"

#include <heapscope.h>

/* What the reader checks: refs, texts (a value, names), a size past 32
 * bits, a dangling ref (a phantom node). */
static const char hs_test_small_dump[] =
    "{\"address\": 1, \"type\": \"module\", \"size\": 56, \"name\": \"m\", "
    "\"refs\": [2]}\n"
    "{\"address\": 2, \"type\": \"dict\", \"size\": 232, \"len\": 2, "
    "\"refs\": [3, 4, 5, 6]}\n"
    "{\"address\": 3, \"type\": \"str\", \"size\": 52, \"len\": 3, "
    "\"value\": \"key\", \"refs\": []}\n"
    "{\"address\": 4, \"type\": \"int\", \"size\": 28, \"value\": 7, "
    "\"refs\": []}\n"
    "{\"address\": 5, \"type\": \"Foo\", \"size\": 5000000000, "
    "\"refs\": [7, 8]}\n"
    "{\"address\": 7, \"type\": \"dict\", \"size\": 100, \"len\": 0, "
    "\"refs\": []}\n"
    "{\"address\": 8, \"type\": \"type\", \"size\": 900, \"name\": \"Foo\", "
    "\"refs\": []}\n";

/* Writes hs_test_small_dump as NAME, loads it and writes its snapshot;
 * returns the snapshot's bytes (caller frees), *len of them, and in
 * *fresh (may be NULL) the graph loaded (caller frees) and in *dump_path
 * (may be NULL) the dump's path. NULL after printing why. */
static inline unsigned char *
hs_test_small_snapshot(const char *name, size_t *len, hs_graph **fresh,
                       const char **dump_path)
{
    char sname[64];
    const char *dump = hs_test_text(name, hs_test_small_dump), *spath;
    hs_error err;
    hs_graph *g = hs_graph_load(dump, NULL, &err);
    unsigned char *buf = NULL;
    uint64_t bytes = 0;
    FILE *f;
    snprintf(sname, sizeof(sname), "%s.hsidx", name);
    spath = hs_test_file(sname, "", 0);
    if (!g || hs_snapshot_write(g, dump, NULL, spath, &bytes, &err) != 0) {
        printf("    %s\n", err.message);
        hs_graph_free(g);
        return NULL;
    }
    f = fopen(spath, "rb");
    buf = malloc(bytes ? bytes : 1);
    if (!f || !buf || fread(buf, 1, bytes, f) != bytes) {
        free(buf);
        buf = NULL;
    }
    if (f) {
        fclose(f);
    }
    *len = (size_t)bytes;
    if (dump_path) {
        *dump_path = dump;
    }
    if (fresh) {
        *fresh = g;
    } else {
        hs_graph_free(g);
    }
    return buf;
}

#endif
