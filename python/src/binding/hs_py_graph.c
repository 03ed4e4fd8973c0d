/*
 * hs_py_graph.c - the Graph handle: one loaded dump (an hs_graph).
 *
 * heapscope.ObjManager subclasses this type and adds meliae's
 * conveniences in Python; everything that touches more than a handful of
 * objects is a method here, so it runs in C.
 *
 * NOTE: about threads. Long calls release the GIL. Reads (walks, get_all,
 * diffs) may overlap one another, since the library's readers are
 * thread-safe; a pass that rewrites the graph (collapse, parents,
 * remove_expensive_references) may not overlap anything. The counters
 * below are only touched with the GIL held, and a call that would overlap
 * a pass raises RuntimeError instead of racing.
 */
#include "hs_py.h"

#include <string.h>

/* MARK: shared helpers */

int
hs_py_graph_check_read(hs_py_graph *graph)
{
    if (graph->writers) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the graph is being rewritten by another thread");
        return -1;
    }
    return 0;
}

static int
begin_write(hs_py_graph *self)
{
    if (self->writers || self->readers) {
        PyErr_SetString(PyExc_RuntimeError,
                        "the graph is in use by another thread");
        return -1;
    }
    self->writers++;
    hs_py_graph_forget_dominators(self); /* the edges are about to change */
    return 0;
}

int
hs_py_graph_live(hs_py_graph *graph, uint32_t id)
{
    return hs_node_exists(graph->g, id);
}

uint64_t
hs_py_graph_total(const hs_py_graph *graph, uint32_t id)
{
    return graph->total_sizes && id < graph->total_cap
               ? graph->total_sizes[id] : 0;
}

/* Stores obj.total_size in a side array by node id (proxies come and
 * go; the value must stay with the object, as in meliae). */
int
hs_py_graph_set_total(hs_py_graph *graph, uint32_t id, uint64_t total)
{
    uint32_t cap = hs_graph_capacity(graph->g);
    if (id >= graph->total_cap) {
        uint64_t *t = PyMem_RawRealloc(graph->total_sizes,
                                       (size_t)cap * sizeof(*t));
        if (!t) {
            PyErr_NoMemory();
            return -1;
        }
        memset(t + graph->total_cap, 0,
               (size_t)(cap - graph->total_cap) * sizeof(*t));
        graph->total_sizes = t;
        graph->total_cap = cap;
    }
    graph->total_sizes[id] = total;
    return 0;
}

/* Node ids of the addresses in `excluding` (an iterable of ints or
 * proxies, or None). Addresses with no record are left out: a walk
 * never enters them anyway. Caller frees with PyMem_RawFree; NULL with
 * an exception set on failure (an empty result is a 1-byte block). */
uint32_t *
hs_py_addresses_to_ids(hs_py_graph *graph, PyObject *excluding, size_t *n)
{
    PyObject *seq, *item;
    uint32_t *ids;
    Py_ssize_t len;
    *n = 0;
    if (!excluding || excluding == Py_None) {
        return PyMem_RawMalloc(1);
    }
    seq = PySequence_Fast(excluding, "excluding must be iterable");
    if (!seq) {
        return NULL;
    }
    len = PySequence_Fast_GET_SIZE(seq);
    ids = PyMem_RawMalloc(len ? (size_t)len * sizeof(*ids) : 1);
    if (!ids) {
        Py_DECREF(seq);
        PyErr_NoMemory();
        return NULL;
    }
    for (Py_ssize_t i = 0; i < len; i++) {
        uint64_t address;
        uint32_t id;
        item = PySequence_Fast_GET_ITEM(seq, i);
        if (hs_py_node_address(item, &address) < 0) {
            PyMem_RawFree(ids);
            Py_DECREF(seq);
            return NULL;
        }
        id = hs_graph_find(graph->g, address);
        if (id != HS_NO_NODE) {
            ids[(*n)++] = id;
        }
    }
    Py_DECREF(seq);
    return ids;
}

/* The node id of obj (an address or a proxy from any dump); KeyError
 * when this dump has no live object there. */
int
hs_py_graph_id_of(hs_py_graph *graph, PyObject *obj, uint32_t *id)
{
    uint64_t address;
    if (hs_py_node_address(obj, &address) < 0
        || hs_py_graph_check_read(graph) < 0) {
        return -1;
    }
    *id = hs_graph_find(graph->g, address);
    if (*id == HS_NO_NODE) {
        PyErr_Format(PyExc_KeyError, "no object at address %llu",
                     (unsigned long long)address);
        return -1;
    }
    return 0;
}

/* MARK: lifecycle */

static void
graph_dealloc(PyObject *op)
{
    hs_py_graph *self = (hs_py_graph *)op;
    PyTypeObject *tp = Py_TYPE(op);
    hs_py_graph_forget_dominators(self); /* before its graph */
    hs_graph_free(self->g);
    PyMem_RawFree(self->total_sizes);
    PyMem_RawFree(self->tree);
    Py_XDECREF(self->module);
    Py_XDECREF(self->proxy_type);
    Py_XDECREF(self->snapshot_report);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* MARK: size and lookup */

static Py_ssize_t
graph_len(PyObject *op)
{
    return (Py_ssize_t)hs_graph_count(((hs_py_graph *)op)->g);
}

static int
graph_contains(PyObject *op, PyObject *key)
{
    hs_py_graph *self = (hs_py_graph *)op;
    uint64_t address;
    if (hs_py_node_address(key, &address) < 0) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    return hs_graph_find(self->g, address) != HS_NO_NODE;
}

PyDoc_STRVAR(find_doc,
"find(address, default=None)\n--\n\n"
"The proxy of the object at address (an int, or a proxy from any dump),\n"
"or default when this dump has no record there. O(1).");

static PyObject *
graph_find(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *key, *dflt = Py_None;
    uint64_t address;
    uint32_t id;
    if (!PyArg_ParseTuple(args, "O|O:find", &key, &dflt)
        || hs_py_node_address(key, &address) < 0
        || hs_py_graph_check_read(self) < 0) {
        return NULL;
    }
    id = hs_graph_find(self->g, address);
    if (id == HS_NO_NODE) {
        Py_INCREF(dflt);
        return dflt;
    }
    return hs_py_node_new(self, id);
}

/* MARK: bulk results */

static uint32_t *
live_ids(hs_py_graph *self, size_t *n)
{
    uint32_t cap = hs_graph_capacity(self->g);
    uint32_t *ids = PyMem_RawMalloc(cap ? (size_t)cap * sizeof(*ids) : 1);
    *n = 0;
    if (!ids) {
        PyErr_NoMemory();
        return NULL;
    }
    for (uint32_t i = 0; i < cap; i++) {
        if (hs_node_exists(self->g, i)) {
            ids[(*n)++] = i;
        }
    }
    return ids;
}

PyDoc_STRVAR(nodes_doc,
"nodes()\n--\n\n"
"Every live object, in file order, as a NodeList (4 bytes an object;\n"
"proxies are made only for the items you index).");

static PyObject *
graph_nodes(PyObject *op, PyObject *unused)
{
    hs_py_graph *self = (hs_py_graph *)op;
    size_t n;
    uint32_t *ids;
    (void)unused;
    if (hs_py_graph_check_read(self) < 0 || !(ids = live_ids(self, &n))) {
        return NULL;
    }
    return hs_py_nodelist_new(self, ids, n, 0);
}

PyDoc_STRVAR(addresses_doc,
"addresses()\n--\n\n"
"The address of every live object, in file order, as array('Q').");

static PyObject *
graph_addresses(PyObject *op, PyObject *unused)
{
    PyObject *nodes = graph_nodes(op, unused), *out;
    if (!nodes) {
        return NULL;
    }
    out = PyObject_CallMethod(nodes, "addresses", NULL);
    Py_DECREF(nodes);
    return out;
}

PyDoc_STRVAR(summary_doc,
"summary(nodes=None)\n--\n\n"
"Objects and bytes per type over a NodeList of this graph, or over every\n"
"object: a Summary handle (rows, sort, text). Releases the GIL.");

static PyObject *
graph_summary(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *nodes = Py_None;
    hs_py_state *st = hs_py_graph_state(self);
    hs_py_nodelist *nl;
    if (!PyArg_ParseTuple(args, "|O:summary", &nodes)) {
        return NULL;
    }
    if (nodes == Py_None) {
        return hs_py_summary_new(self, NULL, 0, 1);
    }
    nl = (hs_py_nodelist *)nodes;
    if (!PyObject_TypeCheck(nodes, st->nodelist_type) || nl->graph != self) {
        PyErr_SetString(PyExc_TypeError,
                        "summary: nodes must be a NodeList of this graph");
        return NULL;
    }
    return hs_py_summary_new(self, nl->ids, nl->n, 0);
}

PyDoc_STRVAR(type_counts_doc,
"type_counts()\n--\n\n"
"{type_str: number of live objects}, computed in one pass in C.");

static PyObject *
graph_type_counts(PyObject *op, PyObject *unused)
{
    (void)unused;
    return hs_py_type_counts((hs_py_graph *)op, NULL, 0, 1);
}

/* MARK: passes (docs/format.md §4.2-§4.5) */

typedef enum { PASS_COLLAPSE, PASS_PARENTS, PASS_EXPENSIVE } pass_kind;

/* Runs one pass with the GIL released and nothing else using the graph.
 * Returns 0, or -1 with an exception set. */
static int
run_pass(hs_py_graph *self, pass_kind pass, hs_expensive_flags flags,
         uint64_t *collapsed)
{
    hs_error err;
    int rc;
    if (begin_write(self) < 0) {
        return -1;
    }
    if (pass != PASS_PARENTS) { /* a tree now is not the snapshot's */
        PyMem_RawFree(self->tree);
        self->tree = NULL;
    }
    hs_py_error_clear(&err);
    Py_BEGIN_ALLOW_THREADS
    switch (pass) {
    case PASS_COLLAPSE:
        rc = hs_graph_collapse_instance_dicts(self->g, collapsed, &err);
        break;
    case PASS_PARENTS:
        rc = hs_graph_compute_parents(self->g, &err);
        break;
    case PASS_EXPENSIVE:
    default:
        rc = hs_graph_remove_expensive_references(self->g, flags, &err);
        break;
    }
    Py_END_ALLOW_THREADS
    self->writers--;
    if (rc < 0) {
        hs_py_raise(hs_py_graph_state(self), &err);
        return -1;
    }
    return 0;
}

PyDoc_STRVAR(collapse_doc,
"collapse_instance_dicts()\n--\n\n"
"Merge each instance's __dict__ (and each module's dict) into its owner\n"
"and send every other ref to a merged dict to the owner; returns how\n"
"many were merged. Stored total sizes are reset. Releases the GIL.");

static PyObject *
graph_collapse(PyObject *op, PyObject *unused)
{
    hs_py_graph *self = (hs_py_graph *)op;
    uint64_t collapsed = 0;
    (void)unused;
    if (run_pass(self, PASS_COLLAPSE, HS_EXPENSIVE_DEFAULT, &collapsed) < 0) {
        return NULL;
    }
    if (collapsed) {
        PyMem_RawFree(self->total_sizes);
        self->total_sizes = NULL;
        self->total_cap = 0;
    }
    return PyLong_FromUnsignedLongLong(collapsed);
}

PyDoc_STRVAR(compute_parents_doc,
"compute_parents()\n--\n\n"
"Compute every object's parents (referrers) for the current refs: no\n"
"cap, in order of first reference. A no-op when they are current.");

static PyObject *
graph_compute_parents(PyObject *op, PyObject *unused)
{
    (void)unused;
    if (run_pass((hs_py_graph *)op, PASS_PARENTS, HS_EXPENSIVE_DEFAULT,
                 NULL) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(expensive_doc,
"remove_expensive_references(extended=False)\n--\n\n"
"meliae's pass: refs to modules, frames and types become one ref to the\n"
"'<ex-reference>' object at address 0, and functions drop their globals.\n"
"extended also prunes refs to every named non-function object\n"
"(metaclass instances, module subclasses). Idempotent; parents are\n"
"recomputed.");

static PyObject *
graph_expensive(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_extended[] = "extended";
    static char *kwlist[] = {kw_extended, NULL};
    int extended = 0;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|p:remove_expensive_references",
                                     kwlist, &extended)
        || run_pass((hs_py_graph *)op, PASS_EXPENSIVE,
                    extended ? HS_EXPENSIVE_EXTENDED : HS_EXPENSIVE_DEFAULT,
                    NULL) < 0) {
        return NULL;
    }
    Py_RETURN_NONE;
}

PyDoc_STRVAR(intern_doc,
"guess_intern_dict()\n--\n\n"
"The first parentless dict mapping each str to itself (Python 2's\n"
"interned-string dict), or None. Never raises.");

static PyObject *
graph_intern(PyObject *op, PyObject *unused)
{
    hs_py_graph *self = (hs_py_graph *)op;
    uint32_t id;
    (void)unused;
    if (hs_py_graph_check_read(self) < 0) {
        return NULL;
    }
    id = hs_graph_guess_intern_dict(self->g);
    if (id == HS_NO_NODE) {
        Py_RETURN_NONE;
    }
    return hs_py_node_new(self, id);
}

/* MARK: queries */

PyDoc_STRVAR(get_all_doc,
"get_all(type_str)\n--\n\n"
"Every object whose type string is exactly type_str, largest first (by\n"
"size, then number of refs, then parents; ties in file order), as a\n"
"NodeList. An unknown type gives an empty one. Releases the GIL.");

static PyObject *
graph_get_all(PyObject *op, PyObject *arg)
{
    hs_py_graph *self = (hs_py_graph *)op;
    Py_ssize_t tlen;
    const char *type = PyUnicode_AsUTF8AndSize(arg, &tlen);
    uint32_t *ids = NULL;
    size_t n = 0;
    hs_error err;
    int rc;
    if (!type || hs_py_graph_check_read(self) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(self, rc = hs_graph_get_all(self->g, type,
                                                    (size_t)tlen, &ids, &n,
                                                    &err));
    if (rc < 0) {
        return hs_py_raise(hs_py_graph_state(self), &err);
    }
    return hs_py_nodelist_new(self, ids, n, 1);
}

PyDoc_STRVAR(diff_doc,
"diff(other)\n--\n\n"
"Compare this dump (OLD) with other, a later dump of the same process\n"
"(NEW): a Diff with per-type rows and the new and gone objects. An\n"
"object is the same in both when address, type and value agree.\n"
"Releases the GIL.");

static PyObject *
graph_diff(PyObject *op, PyObject *other)
{
    hs_py_graph *self = (hs_py_graph *)op;
    hs_py_state *st = hs_py_graph_state(self);
    if (!PyObject_TypeCheck(other, st->graph_type)) {
        PyErr_SetString(PyExc_TypeError, "diff: other must be a loaded dump");
        return NULL;
    }
    return hs_py_diff_new(self, (hs_py_graph *)other);
}

PyDoc_STRVAR(paths_doc,
"paths(obj, max_paths=1, exclude_types=())\n--\n\n"
"Shortest chains of referrers from a root (a module, or an object\n"
"nothing refers to) to obj: a list of (root_kind, NodeList) pairs, each\n"
"list root first and obj last, shortest first, from distinct roots. An\n"
"empty list means no root reaches obj (garbage in a cycle). Paths never\n"
"pass through exclude_types (e.g. 'frame'). Releases the GIL.");

static PyObject *
paths_result(hs_py_graph *self, hs_paths *p)
{
    PyObject *out = PyList_New(0);
    for (size_t i = 0; out && i < hs_paths_count(p); i++) {
        size_t len;
        const uint32_t *ids = hs_paths_at(p, i, &len);
        PyObject *nodes = hs_py_nodelist_copy(self, ids, len);
        PyObject *item = nodes ? Py_BuildValue("(sN)",
                                               hs_paths_root_kind(p, i), nodes)
                               : NULL;
        if (!item || PyList_Append(out, item) < 0) {
            Py_CLEAR(out);
        }
        Py_XDECREF(item);
    }
    return out;
}

static PyObject *
graph_paths(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_obj[] = "obj";
    static char kw_max_paths[] = "max_paths";
    static char kw_exclude_types[] = "exclude_types";
    static char *kwlist[] = {kw_obj, kw_max_paths, kw_exclude_types, NULL};
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *obj, *excl = NULL, *seq = NULL, *out = NULL;
    Py_ssize_t max_paths = 1, nex = 0;
    const char **names = NULL;
    hs_path_options opts;
    hs_paths *p;
    hs_error err;
    uint32_t id;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|nO:paths", kwlist, &obj,
                                     &max_paths, &excl)
        || hs_py_graph_id_of(self, obj, &id) < 0) {
        return NULL;
    }
    if (excl) {
        if (!(seq = PySequence_Fast(excl, "exclude_types must be iterable"))) {
            return NULL;
        }
        nex = PySequence_Fast_GET_SIZE(seq);
        names = PyMem_Malloc((size_t)(nex ? nex : 1) * sizeof(*names));
        for (Py_ssize_t i = 0; names && i < nex; i++) {
            names[i] = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
            if (!names[i]) {
                goto out;
            }
        }
        if (!names) {
            PyErr_NoMemory();
            goto out;
        }
    }
    memset(&opts, 0, sizeof(opts));
    opts.max_paths = max_paths > 0 ? (size_t)max_paths : 1;
    opts.exclude_types = names;
    opts.nexclude_types = (size_t)nex;
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(self, p = hs_paths_find(self->g, id, &opts, &err));
    if (!p) {
        hs_py_raise(hs_py_graph_state(self), &err);
        goto out;
    }
    out = paths_result(self, p);
    hs_paths_free(p);
out:
    PyMem_Free(names);
    Py_XDECREF(seq);
    return out;
}

/* MARK: properties */

static PyObject *
graph_get_dialect(PyObject *op, void *closure)
{
    (void)closure;
    return PyUnicode_FromString(
        hs_dialect_name(hs_graph_stats(((hs_py_graph *)op)->g)->dialect));
}

static PyObject *
graph_get_has_parents(PyObject *op, void *closure)
{
    (void)closure;
    return PyBool_FromLong(hs_graph_has_parents(((hs_py_graph *)op)->g));
}

static PyObject *
graph_get_snapshot_report(PyObject *op, void *closure)
{
    PyObject *r = ((hs_py_graph *)op)->snapshot_report;
    (void)closure;
    r = r ? r : Py_None;
    Py_INCREF(r);
    return r;
}

static int
put(PyObject *d, const char *key, PyObject *value)
{
    int rc;
    if (!value) {
        return -1;
    }
    rc = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return rc;
}

#define PUT_U64(d, s, f) put(d, #f, PyLong_FromUnsignedLongLong((s)->f))

static PyObject *
graph_get_stats(PyObject *op, void *closure)
{
    const hs_load_stats *s = hs_graph_stats(((hs_py_graph *)op)->g);
    PyObject *d = PyDict_New();
    (void)closure;
    if (!d) {
        return NULL;
    }
    if (PUT_U64(d, s, lines) < 0 || PUT_U64(d, s, records) < 0
        || PUT_U64(d, s, objects) < 0 || PUT_U64(d, s, references) < 0
        || PUT_U64(d, s, duplicates) < 0 || PUT_U64(d, s, dangling_refs) < 0
        || PUT_U64(d, s, dangling_addresses) < 0
        || PUT_U64(d, s, bad_lines) < 0 || PUT_U64(d, s, truncated_line) < 0
        || PUT_U64(d, s, collapsed) < 0 || PUT_U64(d, s, input_bytes) < 0
        || PUT_U64(d, s, file_bytes) < 0 || PUT_U64(d, s, types) < 0
        || put(d, "dialect", PyUnicode_FromString(hs_dialect_name(s->dialect)))
               < 0
        || put(d, "compression",
               PyUnicode_FromString(hs_compression_name(s->compression))) < 0
        || put(d, "has_header", PyBool_FromLong(s->has_header)) < 0
        || put(d, "python_version", PyUnicode_FromString(s->python_version))
               < 0
        || put(d, "dump_time", PyLong_FromLongLong(s->dump_time)) < 0
        || put(d, "pid", PyLong_FromLongLong(s->pid)) < 0
        || put(d, "load_seconds", PyFloat_FromDouble(s->load_seconds)) < 0) {
        Py_DECREF(d);
        return NULL;
    }
    return d;
}

static PyGetSetDef graph_getset[] = {
    {"dialect", graph_get_dialect, NULL,
     "The dump's dialect: 'py2', 'py3', 'py311' or 'heapscope'.", NULL},
    {"has_parents", graph_get_has_parents, NULL,
     "True once parents are computed for the current refs.", NULL},
    {"snapshot_report", graph_get_snapshot_report, NULL,
     "What the load did about the snapshot, as a dict (used, written, "
     "rejected, write_failed, path, bytes, open_seconds, write_seconds, "
     "reason), or None for a load without it.", NULL},
    {"index_report", graph_get_snapshot_report, NULL,
     "The old name of snapshot_report.", NULL},
    {"load_stats", graph_get_stats, NULL,
     "Facts about the load (lines, records, duplicates, dangling refs, "
     "dialect, compression, the heapscope header's fields, ...) as a dict.",
     NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef graph_methods[] = {
    {"find", graph_find, METH_VARARGS, find_doc},
    {"nodes", graph_nodes, METH_NOARGS, nodes_doc},
    {"addresses", graph_addresses, METH_NOARGS, addresses_doc},
    {"summary", graph_summary, METH_VARARGS, summary_doc},
    {"type_counts", graph_type_counts, METH_NOARGS, type_counts_doc},
    {"collapse_instance_dicts", graph_collapse, METH_NOARGS, collapse_doc},
    {"compute_parents", graph_compute_parents, METH_NOARGS,
     compute_parents_doc},
    {"remove_expensive_references", (PyCFunction)(void (*)(void))graph_expensive,
     METH_VARARGS | METH_KEYWORDS, expensive_doc},
    {"guess_intern_dict", graph_intern, METH_NOARGS, intern_doc},
    {"get_all", graph_get_all, METH_O, get_all_doc},
    {"diff", graph_diff, METH_O, diff_doc},
    {"paths", (PyCFunction)(void (*)(void))graph_paths,
     METH_VARARGS | METH_KEYWORDS, paths_doc},
    {"retained", hs_py_graph_retained, METH_O, hs_py_retained_doc},
    {"idom", hs_py_graph_idom, METH_O, hs_py_idom_doc},
    {"top_retainers", hs_py_graph_top, METH_VARARGS, hs_py_top_doc},
    {"sql_rows", hs_py_graph_sql, METH_VARARGS, hs_py_sql_doc},
    {"site_summary", hs_py_graph_site_summary, METH_VARARGS,
     hs_py_site_summary_doc},
    {"leaks_data", (PyCFunction)(void (*)(void))hs_py_graph_leaks,
     METH_VARARGS | METH_KEYWORDS, hs_py_leaks_doc},
    {"growth_svg", hs_py_graph_growth_svg, METH_VARARGS,
     hs_py_growth_svg_doc},
    {"neighbourhood_dot",
     (PyCFunction)(void (*)(void))hs_py_graph_neighbourhood_dot,
     METH_VARARGS | METH_KEYWORDS, hs_py_neighbourhood_dot_doc},
    {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(graph_doc,
"A loaded dump (the library's hs_graph). Made by load(); heapscope's\n"
"ObjManager subclasses it with meliae's method names.");

static PyType_Slot graph_slots[] = {
    {Py_tp_new, (void *)hs_py_refuse_new},
    {Py_tp_dealloc, (void *)graph_dealloc},
    {Py_tp_doc, (void *)graph_doc},
    {Py_tp_methods, graph_methods},
    {Py_tp_getset, graph_getset},
    {Py_sq_length, (void *)graph_len},
    {Py_sq_contains, (void *)graph_contains},
    {0, NULL}};

PyType_Spec hs_py_graph_spec = {"heapscope._analyzer.Graph",
                                sizeof(hs_py_graph), 0,
                                Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                                graph_slots};
