/*
 * hs_memfacts.c - how much memory the process holds, for the header.
 *
 * A leak in a C extension or in native buffers does not show as objects;
 * it shows as memory the objects do not explain. So the header states
 * the process's resident size, sys.getallocatedblocks() and pymalloc's
 * arenas (docs/format.md §6), and the analyzer sets the sum of the
 * records' sizes against them.
 *
 * Everything is taken before the walk (this may create and free Python
 * objects: the int sys.getallocatedblocks returns) and in the process
 * itself, not in a fork snapshot's clone, whose resident size is its own.
 * pymalloc keeps its arena counts in static variables up to 3.11, so
 * they come from _PyObject_DebugMallocStats, which every version exports
 * and which writes them as text to a FILE: here an in-memory one.
 */
#include "hs_dumper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char hs_walk_header_extra[HS_HEADER_EXTRA_MAX];

static long long
resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "re");
    long long size, resident;
    int n;

    if (f == NULL) {
        return -1;
    }
    n = fscanf(f, "%lld %lld", &size, &resident);
    fclose(f);
    return n == 2 ? resident * sysconf(_SC_PAGESIZE) : -1;
}

static long long
allocated_blocks(void)
{
    PyObject *fn = PySys_GetObject("getallocatedblocks");   /* borrowed */
    PyObject *res;
    long long n;

    if (fn == NULL || (res = PyObject_CallObject(fn, NULL)) == NULL) {
        PyErr_Clear();
        return -1;
    }
    n = PyLong_AsLongLong(res);
    Py_DECREF(res);
    if (n < 0 && PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    return n;
}

/* The number after '=' on the line of text that starts with label. */
static long long
stat_after(const char *text, const char *label)
{
    const char *p = strstr(text, label);
    long long v = 0;
    int digits = 0;

    if (p == NULL || (p = strchr(p, '=')) == NULL) {
        return -1;
    }
    for (p++; *p && *p != '\n'; p++) {
        if (*p >= '0' && *p <= '9') {
            v = v * 10 + (*p - '0');
            digits++;
        }
    }
    return digits ? v : -1;
}

/* "N arenas * S bytes/arena = ...": S. */
static long long
arena_size(const char *text)
{
    const char *p = strstr(text, " bytes/arena");
    const char *q;

    if (p == NULL) {
        return -1;
    }
    for (q = p; q > text && q[-1] >= '0' && q[-1] <= '9'; q--) {
    }
    return q < p ? strtoll(q, NULL, 10) : -1;
}

static void
put(char **p, char *end, const char *key, long long v)
{
    int n;

    if (v < 0 || *p >= end) {
        return;   /* not known here: left out, never a made-up value */
    }
    n = snprintf(*p, (size_t)(end - *p), ", \"%s\": %lld", key, v);
    *p += n > 0 && n < end - *p ? n : 0;
}

void
hs_memfacts_take(void)
{
    char *p = hs_walk_header_extra, *end = p + sizeof(hs_walk_header_extra);
    long long arenas = -1, arena_bytes = -1, block_bytes = -1;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (f != NULL) {
        /* 0 when pymalloc is not the allocator (PYTHONMALLOC=malloc). */
        int pymalloc = _PyObject_DebugMallocStats(f);
        fclose(f);
        if (pymalloc && text != NULL) {
            long long size = arena_size(text);
            arenas = stat_after(text, "# arenas allocated current");
            arena_bytes = arenas >= 0 && size > 0 ? arenas * size : -1;
            block_bytes = stat_after(text, "# bytes in allocated blocks");
        }
        free(text);
    }
    *p = '\0';
    put(&p, end, "rss", resident_bytes());
    put(&p, end, "allocated_blocks", allocated_blocks());
    put(&p, end, "pymalloc_arenas", arenas);
    put(&p, end, "pymalloc_arena_bytes", arena_bytes);
    put(&p, end, "pymalloc_block_bytes", block_bytes);
}
