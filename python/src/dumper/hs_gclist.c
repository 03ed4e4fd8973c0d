/*
 * hs_gclist.c - every object the cyclic garbage collector tracks.
 *
 * gc.get_objects() would build a list of every object, which is exactly
 * the disturbance a heap dump must not cause, so the dumper reads the
 * collector's generation lists itself. Each tracked object is preceded by
 * a PyGC_Head whose _gc_next links the objects of one generation in a
 * circular list whose head lives in the collector's state. That state is
 * internal: in _PyRuntime.gc on 3.8, in the interpreter state from 3.9 on,
 * hence Py_BUILD_CORE and the version guards here. 3.12 added the public
 * PyUnstable_GC_VisitObjects, but it skips the permanent generation
 * (gc.freeze()), so the lists are read directly on every version.
 *
 * The lists are only stable when no collection runs; the walk allocates
 * no GC objects, so none can start while it holds the GIL, and the caller
 * refuses to start while one is running (a dump from a finalizer).
 */
#define Py_BUILD_CORE 1
#include "hs_dumper.h"

#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_interp.h"
#include "internal/pycore_gc.h"
#else
#include "internal/pycore_pystate.h"
#endif

static struct _gc_runtime_state *
gc_state(void)
{
#if PY_VERSION_HEX >= 0x03090000
    return &PyInterpreterState_Get()->gc;
#else
    return &_PyRuntime.gc;
#endif
}

int
hs_gclist_collecting(void)
{
    return gc_state()->collecting != 0;
}

static int
foreach_in(PyGC_Head *head, hs_gc_visit fn, void *arg)
{
    PyGC_Head *gc;

    /* _gc_next is a plain pointer outside a collection (its low bit is
     * only used while one runs). */
    for (gc = (PyGC_Head *)head->_gc_next; gc != head;
         gc = (PyGC_Head *)gc->_gc_next) {
        int rc = fn((PyObject *)(gc + 1), arg);
        if (rc) {
            return rc;
        }
    }
    return 0;
}

int
hs_gclist_foreach(hs_gc_visit fn, void *arg)
{
    struct _gc_runtime_state *st = gc_state();
    int i, rc;

    /* Oldest first: module dicts and classes live there, so the depth
     * first walk meets long-lived structure before young temporaries. */
    rc = foreach_in(&st->permanent_generation.head, fn, arg);
    for (i = NUM_GENERATIONS - 1; rc == 0 && i >= 0; i--) {
        rc = foreach_in(&st->generations[i].head, fn, arg);
    }
    return rc;
}
