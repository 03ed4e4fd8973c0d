/*
 * hs_tmfind.h - tracemalloc's traces, read in place (CPython internals).
 *
 * tracemalloc keeps, per traced memory block, the interned traceback of
 * its allocation. tracemalloc.get_object_traceback() returns it as Python
 * objects; the dumper must create none, so it reads the tables itself:
 * see hs_tmfind.c for how they are found on each version.
 */
#ifndef HS_TMFIND_H
#define HS_TMFIND_H

#include <Python.h>
#include <stdint.h>

typedef struct hs_tm {
    const void *traces;   /* _Py_hashtable_t * of domain 0 */
    void *lock;           /* PyThread_type_lock: tracemalloc's tables_lock */
} hs_tm;

/* Outside the walk. 1: tracing, and *tm is ready; 0: not tracing (*why
 * NULL) or the tables cannot be found safely (*why says why); -1: out of
 * memory. May allocate and free one probe block with PyMem_Malloc. */
int hs_tm_find(hs_tm *tm, const char **why);

/* The interned traceback of the block that starts at ptr, or NULL when
 * tracemalloc has none. Takes and releases tracemalloc's lock. */
const void *hs_tm_traceback(const hs_tm *tm, uintptr_t ptr);

/* Frames of a traceback, most recent first as tracemalloc stores them. */
int hs_tm_nframes(const void *tb);
void hs_tm_frame(const void *tb, int i, PyObject **filename,
                 unsigned int *lineno);

/* Where tracemalloc's block starts for op: before its GC header and, on
 * 3.11+, its pre-header (what _tracemalloc's get_object_traceback uses). */
uintptr_t hs_tm_block_of(PyObject *op);

#endif /* HS_TMFIND_H */
