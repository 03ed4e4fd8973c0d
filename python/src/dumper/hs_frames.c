/*
 * hs_frames.c - the roots that are not objects: what threads hold.
 *
 * Every thread state keeps references the collector never traverses: its
 * running frames, its per-thread dict, the exception being handled and a
 * pending async exception. Up to 3.10 running frames are frame objects
 * (tracked by the collector, so the gc lists already reach them); they are
 * pushed here too so the walk starts from them.
 *
 * From 3.11 on a running frame is a _PyInterpreterFrame on the thread's
 * data stack, and a frame *object* exists only if someone asked for one.
 * Asking (PyThreadState_GetFrame, sys._current_frames) would create it,
 * so the dumper reads the frame chain itself and writes each frame the
 * thread owns as a synthetic record at the interpreter frame's address:
 *
 *   {"address": <_PyInterpreterFrame *>, "type": "frame",
 *    "size": co_framesize words, "value": <code qualname>,
 *    "refs": [caller frame, frame object, locals dict, function, code,
 *             globals, builtins, fast locals and cells...]}
 *
 * Only the fast locals and cells (co_nlocalsplus slots) are read, never
 * the value stack above them: another thread's cached stack pointer may
 * be stale at the moment it released the GIL, and reading it could touch
 * freed objects. Frames owned by a generator are written through the
 * generator object; C-stack shim frames (3.12+) carry no Python state.
 */
#define Py_BUILD_CORE 1
#include "hs_dumper.h"

#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_frame.h"
#endif
#if PY_VERSION_HEX >= 0x030D0000
#include "internal/pycore_tstate.h"
#endif

static int
reach(hs_walk *wk, PyObject *op)
{
    return op != NULL ? hs_walk_reach(wk, op) : 0;
}

static int
exception_roots(hs_walk *wk, PyThreadState *ts)
{
    int rc = 0;

    rc |= reach(wk, ts->dict);
    rc |= reach(wk, ts->async_exc);
#if PY_VERSION_HEX >= 0x030B0000
    if (ts->exc_info != NULL) {
        rc |= reach(wk, ts->exc_info->exc_value);
    }
#else
    if (ts->exc_info != NULL) {
        rc |= reach(wk, ts->exc_info->exc_type);
        rc |= reach(wk, ts->exc_info->exc_value);
        rc |= reach(wk, ts->exc_info->exc_traceback);
    }
#endif
#if PY_VERSION_HEX >= 0x030C0000
    rc |= reach(wk, ts->current_exception);
#else
    rc |= reach(wk, ts->curexc_type);
    rc |= reach(wk, ts->curexc_value);
    rc |= reach(wk, ts->curexc_traceback);
#endif
    return rc;
}

#if PY_VERSION_HEX >= 0x030B0000

static _PyInterpreterFrame *
top_frame(PyThreadState *ts)
{
#if PY_VERSION_HEX >= 0x030D0000
    return ts->current_frame;
#else
    return ts->cframe != NULL ? ts->cframe->current_frame : NULL;
#endif
}

static PyCodeObject *
frame_code(_PyInterpreterFrame *f)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *ex = f->f_executable;
    return ex != NULL && PyCode_Check(ex) ? (PyCodeObject *)ex : NULL;
#else
    return f->f_code;
#endif
}

static PyObject *
frame_func(_PyInterpreterFrame *f)
{
#if PY_VERSION_HEX >= 0x030C0000
    return f->f_funcobj;
#else
    return (PyObject *)f->f_func;
#endif
}

/* The next frame down the chain that this module writes, or NULL. */
static _PyInterpreterFrame *
next_owned(_PyInterpreterFrame *f)
{
    while (f != NULL
           && (f->owner != FRAME_OWNED_BY_THREAD || frame_code(f) == NULL)) {
        f = f->previous;
    }
    return f;
}

static void
ref_reach(hs_walk *wk, hs_record *r, PyObject *op)
{
    if (op != NULL) {
        hs_record_ref(r, (uintptr_t)op);
        if (hs_walk_reach(wk, op) < 0) {
            wk->failed = 1;
        }
    }
}

/* The frame's words on the data stack (3.11 has no co_framesize yet). */
static Py_ssize_t
frame_words(PyCodeObject *co)
{
#if PY_VERSION_HEX >= 0x030C0000
    return co->co_framesize;
#else
    return co->co_nlocalsplus + co->co_stacksize + FRAME_SPECIALS_SIZE;
#endif
}

static void
write_frame(hs_walk *wk, _PyInterpreterFrame *f)
{
    PyCodeObject *co = frame_code(f);
    _PyInterpreterFrame *caller = next_owned(f->previous);
    hs_record r;
    int i;

    hs_record_begin_named(&r, wk->w, (uintptr_t)f, "frame",
                          frame_words(co) * (Py_ssize_t)sizeof(PyObject *));
    hs_record_key(&r, "value");
    hs_record_str(&r, co->co_qualname);
    hs_record_refs_begin(&r);
    if (caller != NULL) {
        hs_record_ref(&r, (uintptr_t)caller);
    }
    ref_reach(wk, &r, (PyObject *)f->frame_obj);
    ref_reach(wk, &r, f->f_locals);
    ref_reach(wk, &r, frame_func(f));
    ref_reach(wk, &r, (PyObject *)co);
    ref_reach(wk, &r, f->f_globals);
    ref_reach(wk, &r, f->f_builtins);
    for (i = 0; i < co->co_nlocalsplus; i++) {
        ref_reach(wk, &r, f->localsplus[i]);
    }
    hs_record_end(&r);
    wk->stats.objects++;
    wk->stats.frames++;
}

static int
frame_roots(hs_walk *wk, PyThreadState *ts)
{
    _PyInterpreterFrame *f;

    for (f = next_owned(top_frame(ts)); f != NULL; f = next_owned(f->previous)) {
        if (hs_walk_mark(wk, f) == 1) {
            write_frame(wk, f);
        }
        if (wk->failed) {
            return -1;
        }
    }
    return 0;
}

#else /* <= 3.10: frames are objects */

static int
frame_roots(hs_walk *wk, PyThreadState *ts)
{
    return reach(wk, (PyObject *)ts->frame);
}

#endif

int
hs_frames_roots(hs_walk *wk)
{
    PyInterpreterState *interp = PyThreadState_Get()->interp;
    PyThreadState *ts;

    for (ts = PyInterpreterState_ThreadHead(interp); ts != NULL;
         ts = PyThreadState_Next(ts)) {
        if (frame_roots(wk, ts) < 0 || exception_roots(wk, ts) < 0) {
            return -1;
        }
    }
    return 0;
}
