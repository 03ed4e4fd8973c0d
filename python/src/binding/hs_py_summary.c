/*
 * hs_py_summary.c - Summary, the handle of an hs_summary (meliae's
 * summarize, docs/format.md §4.6), and the per-type counts built on it.
 *
 * The table's text comes from hs_summary_format, the one formatter the
 * CLI uses too, so Python and `heapscope summary` cannot drift apart. A
 * summary owns copies of its type names: it needs no Graph once made.
 */
#include "hs_py.h"

#include <string.h>

typedef struct hs_py_summary {
    PyObject_HEAD
    hs_summary *s;
} hs_py_summary;

/* The hs_summary of ids[0..n), or of every object when all is set; the
 * GIL is released while the library counts. NULL with an exception. */
static hs_summary *
summarize(hs_py_graph *graph, const uint32_t *ids, size_t n, int all)
{
    hs_summary *s;
    hs_error err;
    if (hs_py_graph_check_read(graph) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(graph, s = all ? hs_summary_new(graph->g, &err)
                                       : hs_summary_new_ids(graph->g, ids, n,
                                                            &err));
    if (!s) {
        hs_py_raise(hs_py_graph_state(graph), &err);
    }
    return s;
}

PyObject *
hs_py_summary_new(hs_py_graph *graph, const uint32_t *ids, size_t n, int all)
{
    PyTypeObject *tp = hs_py_graph_state(graph)->summary_type;
    hs_summary *s = summarize(graph, ids, n, all);
    hs_py_summary *self;
    if (!s) {
        return NULL;
    }
    self = (hs_py_summary *)tp->tp_alloc(tp, 0);
    if (!self) {
        hs_summary_free(s);
        return NULL;
    }
    self->s = s;
    return (PyObject *)self;
}

PyObject *
hs_py_type_counts(hs_py_graph *graph, const uint32_t *ids, size_t n, int all)
{
    hs_summary *s = summarize(graph, ids, n, all);
    PyObject *out;
    if (!s) {
        return NULL;
    }
    out = PyDict_New();
    for (size_t i = 0; out && i < hs_summary_types(s); i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        PyObject *k = PyUnicode_DecodeUTF8(t->type, (Py_ssize_t)t->type_len,
                                           "replace");
        PyObject *v = PyLong_FromUnsignedLongLong(t->count);
        if (!k || !v || PyDict_SetItem(out, k, v) < 0) {
            Py_CLEAR(out);
        }
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    hs_summary_free(s);
    return out;
}

#define SELF ((hs_py_summary *)op)

static void
summary_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    hs_summary_free(SELF->s);
    tp->tp_free(op);
    Py_DECREF(tp);
}

PyDoc_STRVAR(rows_doc,
"rows()\n--\n\n"
"One tuple per type in the current order: (type, count, total_size,\n"
"sum_squares, max_size, max_address, line), line being meliae's\n"
"per-type text.");

static PyObject *
row_at(const void *s, size_t i)
{
    const hs_type_stat *t = hs_summary_at(s, i);
    PyObject *line = hs_py_take_text(NULL, hs_type_stat_format(t, NULL),
                                     NULL);
    if (!line) {
        return NULL;
    }
    return Py_BuildValue("(NKKdKKN)",
                         PyUnicode_DecodeUTF8(t->type, (Py_ssize_t)t->type_len,
                                              "replace"),
                         t->count, t->total_size, t->sum_squares,
                         t->max_size, t->max_address, line);
}

static PyObject *
summary_rows(PyObject *op, PyObject *unused)
{
    (void)unused;
    return hs_py_list(hs_summary_types(SELF->s), row_at, SELF->s);
}

PyDoc_STRVAR(sort_doc,
"sort(by_count=False)\n--\n\n"
"Order the rows by (total size, count) descending, or by (count, total\n"
"size) descending; ties by type name.");

static PyObject *
summary_sort(PyObject *op, PyObject *args)
{
    int by_count = 0;
    if (!PyArg_ParseTuple(args, "|p:sort", &by_count)) {
        return NULL;
    }
    hs_summary_sort(SELF->s, by_count ? HS_ORDER_BY_COUNT : HS_ORDER_BY_SIZE);
    Py_RETURN_NONE;
}

PyDoc_STRVAR(text_doc,
"text(max_rows=20)\n--\n\n"
"meliae's summary table in the current order, at most max_rows rows\n"
"(None: all), without a final newline.");

static PyObject *
summary_text(PyObject *op, PyObject *args)
{
    PyObject *rows = Py_None;
    size_t max_rows = 20;
    if (!PyArg_ParseTuple(args, "|O:text", &rows)) {
        return NULL;
    }
    if (rows == Py_None) {
        max_rows = SIZE_MAX;
    } else {
        Py_ssize_t v = PyLong_AsSsize_t(rows);
        if (v == -1 && PyErr_Occurred()) {
            return NULL;
        }
        max_rows = v > 0 ? (size_t)v : 0;
    }
    return hs_py_take_text(NULL, hs_summary_format(SELF->s, max_rows, NULL),
                           NULL);
}

static PyObject *
get_total_count(PyObject *op, void *c)
{
    (void)c;
    return PyLong_FromUnsignedLongLong(hs_summary_total_count(SELF->s));
}

static PyObject *
get_total_size(PyObject *op, void *c)
{
    (void)c;
    return PyLong_FromUnsignedLongLong(hs_summary_total_size(SELF->s));
}

static PyGetSetDef summary_getset[] = {
    {"total_count", get_total_count, NULL, "Objects summarized.", NULL},
    {"total_size", get_total_size, NULL, "Their bytes.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef summary_methods[] = {
    {"rows", summary_rows, METH_NOARGS, rows_doc},
    {"sort", summary_sort, METH_VARARGS, sort_doc},
    {"text", summary_text, METH_VARARGS, text_doc},
    {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(summary_doc,
"Objects and bytes per type (the library's hs_summary); heapscope's\n"
"Summary wraps it with meliae's names.");

static PyType_Slot summary_slots[] = {
    {Py_tp_new, (void *)hs_py_refuse_new},
    {Py_tp_dealloc, (void *)summary_dealloc},
    {Py_tp_doc, (void *)summary_doc},
    {Py_tp_methods, summary_methods},
    {Py_tp_getset, summary_getset},
    {0, NULL}};

PyType_Spec hs_py_summary_spec = {"heapscope._analyzer.Summary",
                                  sizeof(hs_py_summary), 0,
                                  Py_TPFLAGS_DEFAULT, summary_slots};
