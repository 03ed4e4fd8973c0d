/*
 * hs_py_module.c - heapscope._analyzer: module state, errors and load().
 *
 * Multi-phase init (PEP 489): the exec slot creates the heap types and
 * the exception and stores them in the module state. load() is the only
 * way to make a Graph, so every Graph knows its module.
 */
#include "hs_py.h"

#include <string.h>

hs_py_state *
hs_py_state_of(PyObject *module)
{
    return (hs_py_state *)PyModule_GetState(module);
}

hs_py_state *
hs_py_graph_state(const hs_py_graph *graph)
{
    return hs_py_state_of(graph->module);
}

void
hs_py_error_clear(hs_error *err)
{
    memset(err, 0, sizeof(*err));
}

PyObject *
hs_py_refuse_new(PyTypeObject *type, PyObject *args, PyObject *kw)
{
    (void)args;
    (void)kw;
    return PyErr_Format(PyExc_TypeError,
                        "%s objects cannot be made directly: they come "
                        "from heapscope.load() and its results",
                        type->tp_name);
}

PyObject *
hs_py_list(size_t n, hs_py_item_fn item, const void *ctx)
{
    PyObject *out = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; out && i < n; i++) {
        PyObject *v = item(ctx, i);
        if (!v) {
            Py_CLEAR(out);
            break;
        }
        PyList_SET_ITEM(out, (Py_ssize_t)i, v);
    }
    return out;
}

PyObject *
hs_py_take_text(hs_py_state *st, char *text, const hs_error *err)
{
    PyObject *out;
    if (!text) {
        return st && err ? hs_py_raise(st, err) : PyErr_NoMemory();
    }
    out = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    hs_free(text);
    return out;
}

/* Sets obj.name = value, taking ownership of value (which may be NULL
 * after a failed constructor: then it fails). */
static int
set_attr(PyObject *obj, const char *name, PyObject *value)
{
    int rc;
    if (!value) {
        return -1;
    }
    rc = PyObject_SetAttrString(obj, name, value);
    Py_DECREF(value);
    return rc;
}

/* Raises the exception an hs_error stands for: MemoryError for
 * HS_ENOMEM, else HeapscopeError(message) with code, path, line, column
 * and offset attributes. Returns NULL for the caller to return. */
PyObject *
hs_py_raise(hs_py_state *st, const hs_error *err)
{
    PyObject *exc, *text, *path = NULL;
    const char *msg = err->message[0] ? err->message : hs_strerror(err->code);
    if (err->code == HS_ENOMEM) {
        return PyErr_NoMemory();
    }
    if (err->path[0]) {
        path = PyUnicode_DecodeFSDefault(err->path);
        if (!path) {
            return NULL;
        }
    }
    if (path && err->line) {
        text = PyUnicode_FromFormat("%U:%llu: %s", path,
                                    (unsigned long long)err->line, msg);
    } else if (path) {
        text = PyUnicode_FromFormat("%U: %s", path, msg);
    } else {
        text = PyUnicode_FromString(msg);
    }
    exc = text ? PyObject_CallFunctionObjArgs(st->error, text, NULL) : NULL;
    Py_XDECREF(text);
    if (!exc) {
        Py_XDECREF(path);
        return NULL;
    }
    if (!path) {
        path = Py_None;
        Py_INCREF(path);
    }
    if (set_attr(exc, "path", path) < 0
        || set_attr(exc, "code", PyLong_FromLong(err->code)) < 0
        || set_attr(exc, "reason", PyUnicode_FromString(hs_strerror(err->code)))
               < 0
        || set_attr(exc, "line", PyLong_FromUnsignedLongLong(err->line)) < 0
        || set_attr(exc, "column", PyLong_FromUnsignedLongLong(err->column))
               < 0
        || set_attr(exc, "offset", PyLong_FromUnsignedLongLong(err->offset))
               < 0) {
        Py_DECREF(exc);
        return NULL;
    }
    PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
    Py_DECREF(exc);
    return NULL;
}

/* MARK: the allocator (docs/style.md 21) */

/* PyMem_Raw* is thread-safe and needs no GIL, so the loader's threads
 * may call it while the GIL is released. */
static void *
raw_malloc(void *ctx, size_t size)
{
    (void)ctx;
    return PyMem_RawMalloc(size);
}

static void *
raw_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return PyMem_RawRealloc(ptr, size);
}

static void
raw_free(void *ctx, void *ptr)
{
    (void)ctx;
    PyMem_RawFree(ptr);
}

static const hs_allocator raw_allocator = {raw_malloc, raw_realloc, raw_free,
                                           NULL};

/* MARK: load */

/* What the load's callbacks share. They run with the GIL released, on
 * the loading thread or a worker, so each takes the GIL for its moment. */
typedef struct load_ctx {
    int progress;
    PyObject *warnings;      /* list of str, warned after the load */
} load_ctx;

static void
on_progress(void *ctx, uint64_t done, uint64_t total, uint64_t records)
{
    PyGILState_STATE gs;
    if (!((load_ctx *)ctx)->progress) {
        return;
    }
    gs = PyGILState_Ensure();
    if (total) {
        PySys_FormatStderr("loading... %llu objects, %.1f / %.1f MiB\r",
                           (unsigned long long)records,
                           (double)done / 1048576.0, (double)total / 1048576.0);
    } else {
        PySys_FormatStderr("loading... %llu objects, %.1f MiB\r",
                           (unsigned long long)records,
                           (double)done / 1048576.0);
    }
    PyGILState_Release(gs);
}

static void
on_warning(void *ctx, const hs_error *w)
{
    load_ctx *lc = ctx;
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *text = PyUnicode_FromFormat("%s:%llu: %s", w->path,
                                          (unsigned long long)w->line,
                                          w->message);
    if (!text || PyList_Append(lc->warnings, text) < 0) {
        PyErr_Clear(); /* a lost warning must not fail the load */
    }
    Py_XDECREF(text);
    PyGILState_Release(gs);
}

static int
issue_warnings(PyObject *warnings)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(warnings); i++) {
        PyObject *w = PyList_GET_ITEM(warnings, i);
        if (PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "%U", w) < 0) {
            return -1;
        }
    }
    return 0;
}

/* What hs_graph_open did, as a dict (Graph.snapshot_report). */
static PyObject *
report_dict(const hs_snapshot_report *r)
{
    return Py_BuildValue("{sOsOsOsOsssKsdsdss}", "used",
                         r->used ? Py_True : Py_False, "written",
                         r->written ? Py_True : Py_False, "rejected",
                         r->rejected ? Py_True : Py_False, "write_failed",
                         r->write_failed ? Py_True : Py_False, "path",
                         r->path, "bytes", r->bytes, "open_seconds",
                         r->open_seconds, "write_seconds", r->write_seconds,
                         "reason", r->reason);
}

PyDoc_STRVAR(load_doc,
"load(cls, path, proxy_type, flags=0, dialect=0, threads=0, progress=False,\n"
"     snapshot=False)\n"
"--\n\n"
"Load the dump at path (str, bytes or os.PathLike; '-' is stdin) into a\n"
"new instance of cls (a subclass of Graph) whose proxies are proxy_type\n"
"(a subclass of Node). flags and dialect are hs_load_flags and\n"
"hs_dialect values. snapshot: go through the snapshot (hs_graph_open:\n"
"map a valid one, else load and write one); the Graph's snapshot_report\n"
"then says what happened. The GIL is released while the library reads,\n"
"so other threads run. Raises HeapscopeError (with path, line, column\n"
"and offset attributes) or MemoryError. heapscope.load() is the friendly\n"
"front end.");

static PyObject *
mod_load(PyObject *module, PyObject *args, PyObject *kw)
{
    static char kw_cls[] = "cls";
    static char kw_path[] = "path";
    static char kw_proxy_type[] = "proxy_type";
    static char kw_flags[] = "flags";
    static char kw_dialect[] = "dialect";
    static char kw_threads[] = "threads";
    static char kw_progress[] = "progress";
    static char kw_snapshot[] = "snapshot";
    static char *kwlist[] = {kw_cls,     kw_path,    kw_proxy_type,
                             kw_flags,   kw_dialect, kw_threads,
                             kw_progress, kw_snapshot, NULL};
    hs_py_state *st = hs_py_state_of(module);
    PyTypeObject *cls, *proxy_type;
    PyObject *path_bytes = NULL, *report = Py_None;
    hs_snapshot_report sr;
    int flags = 0, dialect = 0, progress = 0, snapshot = 0;
    unsigned threads = 0;
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    hs_py_graph *self;
    load_ctx ctx = {0, NULL};

    if (!PyArg_ParseTupleAndKeywords(args, kw, "O!O&O!|iiIpp", kwlist,
                                     &PyType_Type, &cls, PyUnicode_FSConverter,
                                     &path_bytes, &PyType_Type, &proxy_type,
                                     &flags, &dialect, &threads, &progress,
                                     &snapshot)) {
        return NULL;
    }
    if (!PyType_IsSubtype(cls, st->graph_type)
        || !PyType_IsSubtype(proxy_type, st->node_type)) {
        Py_DECREF(path_bytes);
        PyErr_SetString(PyExc_TypeError,
                        "load: cls must subclass Graph, proxy_type Node");
        return NULL;
    }
    ctx.progress = progress;
    ctx.warnings = PyList_New(0);
    if (!ctx.warnings) {
        Py_DECREF(path_bytes);
        return NULL;
    }
    hs_load_options_init(&opts);
    opts.flags = (hs_load_flags)flags;
    opts.dialect = (hs_dialect)dialect;
    opts.allocator = &raw_allocator;
    opts.threads = threads;
    opts.progress = on_progress;
    opts.progress_ctx = &ctx;
    opts.warning = on_warning;
    opts.warning_ctx = &ctx;
    hs_py_error_clear(&err);
    memset(&sr, 0, sizeof(sr));
    Py_BEGIN_ALLOW_THREADS
    if (snapshot) {
        g = hs_graph_open(PyBytes_AS_STRING(path_bytes), &opts,
                          HS_SNAPSHOT_DEFAULT, &sr, &err);
    } else {
        g = hs_graph_load(PyBytes_AS_STRING(path_bytes), &opts, &err);
    }
    Py_END_ALLOW_THREADS
    Py_DECREF(path_bytes);
    if (progress) {
        PySys_WriteStderr("\n");
    }
    if (!g) {
        Py_DECREF(ctx.warnings);
        return hs_py_raise(st, &err);
    }
    if (issue_warnings(ctx.warnings) < 0) {
        Py_DECREF(ctx.warnings);
        hs_graph_free(g);
        return NULL;
    }
    Py_DECREF(ctx.warnings);
    if (snapshot && !(report = report_dict(&sr))) {
        hs_graph_free(g);
        return NULL;
    }
    self = (hs_py_graph *)cls->tp_alloc(cls, 0);
    if (!self) {
        hs_graph_free(g);
        Py_DECREF(report);
        return NULL;
    }
    if (report == Py_None) {
        Py_INCREF(report);
    }
    self->snapshot_report = report;
    self->g = g;
    self->tree = snapshot ? hs_py_tree_store_new(&sr) : NULL;
    self->module = module;
    Py_INCREF(module);
    self->proxy_type = proxy_type;
    Py_INCREF(proxy_type);
    return (PyObject *)self;
}

/* MARK: module */

static PyObject *
make_type(PyObject *module, PyType_Spec *spec, const char *name)
{
    PyObject *t = PyType_FromSpec(spec);
    if (!t) {
        return NULL;
    }
    Py_INCREF(t);
    if (PyModule_AddObject(module, name, t) < 0) {
        Py_DECREF(t);
        Py_DECREF(t);
        return NULL;
    }
    return t;
}

PyDoc_STRVAR(error_doc,
"A dump could not be loaded, or an analysis failed on its data.\n\n"
"Attributes: code (the library's negative hs_status), reason (its name),\n"
"path, line, column (1-based, 0 when they do not apply) and offset (of\n"
"the line's first byte in the decompressed input).");

static int
mod_exec(PyObject *module)
{
    hs_py_state *st = hs_py_state_of(module);
    PyObject *array_mod;
    st->graph_type = (PyTypeObject *)make_type(module, &hs_py_graph_spec,
                                               "Graph");
    st->node_type = (PyTypeObject *)make_type(module, &hs_py_node_spec,
                                              "Node");
    st->nodelist_type = (PyTypeObject *)make_type(module, &hs_py_nodelist_spec,
                                                  "NodeList");
    st->diff_type = (PyTypeObject *)make_type(module, &hs_py_diff_spec,
                                              "Diff");
    st->summary_type = (PyTypeObject *)make_type(module, &hs_py_summary_spec,
                                                 "Summary");
    if (!st->graph_type || !st->node_type || !st->nodelist_type
        || !st->diff_type || !st->summary_type) {
        return -1;
    }
    st->error = PyErr_NewExceptionWithDoc("heapscope.HeapscopeError",
                                          error_doc, NULL, NULL);
    if (!st->error) {
        return -1;
    }
    Py_INCREF(st->error);
    if (PyModule_AddObject(module, "HeapscopeError", st->error) < 0) {
        Py_DECREF(st->error);
        return -1;
    }
    array_mod = PyImport_ImportModule("array");
    if (!array_mod) {
        return -1;
    }
    st->array_ctor = PyObject_GetAttrString(array_mod, "array");
    Py_DECREF(array_mod);
    if (!st->array_ctor) {
        return -1;
    }
    if (PyModule_AddStringConstant(module, "LIBRARY_VERSION", hs_version()) < 0
        || PyModule_AddIntConstant(module, "LOAD_NO_COLLAPSE",
                                   HS_LOAD_NO_COLLAPSE) < 0
        || PyModule_AddIntConstant(module, "LOAD_SKIP_BAD_LINES",
                                   HS_LOAD_SKIP_BAD_LINES) < 0
        || PyModule_AddIntConstant(module, "LOAD_NO_ADDRESS_INDEX",
                                   HS_LOAD_NO_ADDRESS_INDEX) < 0
        /* LOAD_NO_ADDRESS_INDEX's old name, kept for callers of it */
        || PyModule_AddIntConstant(module, "LOAD_NO_INDEX",
                                   HS_LOAD_NO_ADDRESS_INDEX) < 0
        || PyModule_AddIntConstant(module, "DIALECT_AUTO", HS_DIALECT_AUTO) < 0
        || PyModule_AddIntConstant(module, "DIALECT_PY2", HS_DIALECT_PY2) < 0
        || PyModule_AddIntConstant(module, "DIALECT_PY3", HS_DIALECT_PY3) < 0
        || PyModule_AddIntConstant(module, "DIALECT_PY311",
                                   HS_DIALECT_PY311) < 0
        || PyModule_AddIntConstant(module, "DIALECT_HEAPSCOPE",
                                   HS_DIALECT_HEAPSCOPE) < 0) {
        return -1;
    }
    return 0;
}

static int
mod_traverse(PyObject *module, visitproc visit, void *arg)
{
    hs_py_state *st = hs_py_state_of(module);
    Py_VISIT(st->graph_type);
    Py_VISIT(st->node_type);
    Py_VISIT(st->nodelist_type);
    Py_VISIT(st->diff_type);
    Py_VISIT(st->summary_type);
    Py_VISIT(st->error);
    Py_VISIT(st->array_ctor);
    return 0;
}

static int
mod_clear(PyObject *module)
{
    hs_py_state *st = hs_py_state_of(module);
    Py_CLEAR(st->graph_type);
    Py_CLEAR(st->node_type);
    Py_CLEAR(st->nodelist_type);
    Py_CLEAR(st->diff_type);
    Py_CLEAR(st->summary_type);
    Py_CLEAR(st->error);
    Py_CLEAR(st->array_ctor);
    return 0;
}

static void
mod_free(void *module)
{
    mod_clear((PyObject *)module);
}

static PyMethodDef mod_methods[] = {
    {"load", (PyCFunction)(void (*)(void))mod_load,
     METH_VARARGS | METH_KEYWORDS, load_doc},
    {NULL, NULL, 0, NULL}};

static PyModuleDef_Slot mod_slots[] = {{Py_mod_exec, (void *)mod_exec},
                                       {0, NULL}};

PyDoc_STRVAR(mod_doc,
"heapscope's analyzer: the C library (include/heapscope.h) for Python.\n\n"
"Use it through heapscope.load() and heapscope.meliae.loader; this\n"
"module holds the handle types those build on.");

static struct PyModuleDef mod_def = {
    PyModuleDef_HEAD_INIT, "heapscope._analyzer", mod_doc,
    sizeof(hs_py_state),   mod_methods,           mod_slots,
    mod_traverse,          mod_clear,             mod_free};

/* Before 3.9, PyMODINIT_FUNC carries no visibility attribute, and the
 * extension is built with -fvisibility=hidden: export the one symbol. */
#define HS_PY_EXPORT __attribute__((visibility("default")))

HS_PY_EXPORT PyMODINIT_FUNC PyInit__analyzer(void);

HS_PY_EXPORT PyMODINIT_FUNC
PyInit__analyzer(void)
{
    return PyModuleDef_Init(&mod_def);
}
