/*
 * hs_module.c - the extension module heapscope._dumper.
 *
 * A thin binding: heapscope/__init__.py opens files, picks temporary
 * names, renames and copies into caller streams (all before or after the
 * walk, where creating Python objects is harmless); this module only runs
 * the walk on a file descriptor it is given.
 */
#include "hs_dumper.h"

#include <errno.h>
#include <string.h>

static hs_stats last_stats;

void
hs_module_set_last_stats(const hs_stats *stats)
{
    last_stats = *stats;
}

PyDoc_STRVAR(dump_fd_doc,
"dump_fd(fd, gzip=False, header=True, roots=None, /) -> (objects, bytes)\n"
"\n"
"Write every reachable object to the open file descriptor fd, one JSON\n"
"line each, and return the number of records and of bytes written to\n"
"fd. roots, a sequence, limits the dump to its items and what they\n"
"reach (not the sequence itself, unless they reach it). Holds the GIL throughout and creates no Python objects while it\n"
"walks. Raises OSError for write errors, MemoryError when its own\n"
"buffers cannot be allocated, RuntimeError during a garbage collection.");

static PyObject *
dump_fd(PyObject *module, PyObject *args)
{
    int fd, gzip = 0, header = 1, err, rc;
    PyObject *roots = Py_None, *seq = NULL;
    hs_stats stats;

    (void)module;
    if (!PyArg_ParseTuple(args, "i|ppO:dump_fd", &fd, &gzip, &header,
                          &roots)) {
        return NULL;
    }
    if (hs_refs_init() < 0) {
        return NULL;
    }
    /* Made before the walk, which must create no objects; held until
     * it ends, so that no root goes away meanwhile. */
    if (roots != Py_None
        && !(seq = PySequence_Fast(roots, "dump_fd: roots must be a "
                                          "sequence"))) {
        return NULL;
    }
    if (header) {
        hs_memfacts_take();
    }
    rc = hs_walk_dump(fd, gzip, header,
                      seq ? PySequence_Fast_ITEMS(seq) : NULL,
                      seq ? PySequence_Fast_GET_SIZE(seq) : 0, &stats, &err);
    Py_XDECREF(seq);
    if (rc < 0) {
        /* The walk is over: exceptions may be created now. */
        if (err == EBUSY) {
            PyErr_SetString(PyExc_RuntimeError,
                            "heapscope: cannot dump while the garbage "
                            "collector is running");
        }
        else if (err == ENOMEM) {
            PyErr_NoMemory();
        }
        else {
            errno = err;
            PyErr_SetFromErrno(PyExc_OSError);
        }
        return NULL;
    }
    last_stats = stats;
    return Py_BuildValue("(KK)", (unsigned long long)stats.objects,
                         (unsigned long long)stats.file_bytes);
}

PyDoc_STRVAR(last_stats_doc,
"last_stats() -> dict\n"
"\n"
"Figures of the last successful dump: objects, raw_bytes (JSON),\n"
"file_bytes, peak_mem (peak bytes the walk allocated: visited set, stack,\n"
"buffers), visited_bytes, stack_peak_bytes, sizeof_ccalls (C __sizeof__\n"
"implementations called, see hs_sizeof.c), inline_dicts, frames;\n"
"traced (objects written with an allocation traceback), tracebacks and\n"
"site_frames (table lines written), sites_unavailable (None, or why a\n"
"process tracing with tracemalloc got no sites).");

static PyObject *
last_stats_fn(PyObject *module, PyObject *unused)
{
    (void)module;
    (void)unused;
    return Py_BuildValue(
        "{sKsKsKsnsnsnsnsnsnsKsnsnsz}",
        "objects", (unsigned long long)last_stats.objects,
        "raw_bytes", (unsigned long long)last_stats.raw_bytes,
        "file_bytes", (unsigned long long)last_stats.file_bytes,
        "peak_mem", (Py_ssize_t)last_stats.peak_mem,
        "visited_bytes", (Py_ssize_t)last_stats.visited_bytes,
        "stack_peak_bytes", (Py_ssize_t)last_stats.stack_peak_bytes,
        "sizeof_ccalls", (Py_ssize_t)last_stats.sizeof_ccalls,
        "inline_dicts", (Py_ssize_t)last_stats.inline_dicts,
        "frames", (Py_ssize_t)last_stats.frames,
        "traced", (unsigned long long)last_stats.traced,
        "tracebacks", (Py_ssize_t)last_stats.tracebacks,
        "site_frames", (Py_ssize_t)last_stats.frames_written,
        "sites_unavailable", last_stats.sites_why);
}

PyDoc_STRVAR(sizeof_doc,
"sizeof(obj) -> int\n"
"\n"
"The size the dumper records for obj (sys.getsizeof computed in C).");

static PyObject *
sizeof_fn(PyObject *module, PyObject *obj)
{
    (void)module;
    Py_ssize_t size;

    if (hs_refs_init() < 0 || hs_sizeof_init() < 0) {
        return NULL;
    }
    size = hs_sizeof(obj);
    hs_sizeof_release();
    return PyLong_FromSsize_t(size);
}

static PyMethodDef dumper_methods[] = {
    {"dump_fd", dump_fd, METH_VARARGS, dump_fd_doc},
    {"last_stats", last_stats_fn, METH_NOARGS, last_stats_doc},
    {"sizeof", sizeof_fn, METH_O, sizeof_doc},
    {NULL, NULL, 0, NULL}
};

static int
dumper_exec(PyObject *module)
{
    if (PyModule_AddIntConstant(module, "FORMAT_VERSION", 1) < 0
        || PyModule_AddFunctions(module, hs_fork_methods) < 0) {
        return -1;
    }
    return hs_refs_init();
}

static PyModuleDef_Slot dumper_slots[] = {
    {Py_mod_exec, (void *)dumper_exec},
    {0, NULL}
};

PyDoc_STRVAR(module_doc,
"heapscope's heap dumper (C). Use heapscope.dump() rather than this.");

static struct PyModuleDef dumper_module = {
    PyModuleDef_HEAD_INIT,
    "heapscope._dumper",
    module_doc,
    0,
    dumper_methods,
    dumper_slots,
    NULL,
    NULL,
    NULL
};

/* 3.8's PyMODINIT_FUNC does not mark the symbol visible, and the module
 * is built with -fvisibility=hidden. */
#define HS_EXPORT __attribute__((visibility("default")))

HS_EXPORT PyMODINIT_FUNC PyInit__dumper(void);

HS_EXPORT PyMODINIT_FUNC
PyInit__dumper(void)
{
    return PyModuleDef_Init(&dumper_module);
}
