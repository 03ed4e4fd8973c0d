/*
 * hs_py_diff.c - Diff, the handle of an hs_diff between two dumps.
 *
 * The diff keeps pointers to both graphs, so the handle holds both Graph
 * objects and is freed before them.
 */
#include "hs_py.h"

typedef struct hs_py_diff {
    PyObject_HEAD
    hs_diff *d;
    hs_py_graph *old_graph;
    hs_py_graph *new_graph;
} hs_py_diff;

#define SELF ((hs_py_diff *)op)

PyObject *
hs_py_diff_new(hs_py_graph *old_graph, hs_py_graph *new_graph)
{
    PyTypeObject *tp = hs_py_graph_state(old_graph)->diff_type;
    hs_py_diff *self;
    hs_diff *d;
    hs_error err;
    if (hs_py_graph_check_read(old_graph) < 0
        || hs_py_graph_check_read(new_graph) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    new_graph->readers++;
    HS_PY_READ_UNLOCKED(old_graph,
                        d = hs_diff_new(old_graph->g, new_graph->g, &err));
    new_graph->readers--;
    if (!d) {
        return hs_py_raise(hs_py_graph_state(old_graph), &err);
    }
    self = (hs_py_diff *)tp->tp_alloc(tp, 0);
    if (!self) {
        hs_diff_free(d);
        return NULL;
    }
    self->d = d;
    self->old_graph = old_graph;
    self->new_graph = new_graph;
    Py_INCREF(old_graph);
    Py_INCREF(new_graph);
    return (PyObject *)self;
}

static void
diff_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    hs_diff_free(SELF->d);
    Py_XDECREF(SELF->old_graph);
    Py_XDECREF(SELF->new_graph);
    tp->tp_free(op);
    Py_DECREF(tp);
}

static PyObject *
row_tuple(const hs_diff_type *t)
{
    return Py_BuildValue("(NKKKKKKKKKK)",
                         PyUnicode_DecodeUTF8(t->type, (Py_ssize_t)t->type_len,
                                              "replace"),
                         t->old_count, t->old_size, t->new_count, t->new_size,
                         t->added_count, t->added_size, t->gone_count,
                         t->gone_size, t->kept_count, t->kept_size);
}

PyDoc_STRVAR(rows_doc,
"rows()\n--\n\n"
"One tuple per type: (type, old_count, old_size, new_count, new_size,\n"
"added_count, added_size, gone_count, gone_size, kept_count,\n"
"kept_size), the largest size growth first.");

static PyObject *
row_at(const void *d, size_t i)
{
    return row_tuple(hs_diff_type_at(d, i));
}

static PyObject *
diff_rows(PyObject *op, PyObject *unused)
{
    (void)unused;
    return hs_py_list(hs_diff_types(SELF->d), row_at, SELF->d);
}

PyDoc_STRVAR(total_doc,
"total()\n--\n\n"
"The row of sums over every type (its type is '(total)').");

static PyObject *
diff_total(PyObject *op, PyObject *unused)
{
    (void)unused;
    return row_tuple(hs_diff_total(SELF->d));
}

PyDoc_STRVAR(new_objects_doc,
"new_objects(type_str=None)\n--\n\n"
"The objects of NEW that OLD did not have (of type_str, or of every\n"
"type), largest first, as a NodeList of NEW.");

static PyObject *
diff_new_objects(PyObject *op, PyObject *args)
{
    const char *type = NULL;
    Py_ssize_t tlen = 0;
    uint32_t *ids = NULL;
    size_t n = 0;
    hs_error err;
    int rc;
    if (!PyArg_ParseTuple(args, "|z#:new_objects", &type, &tlen)
        || hs_py_graph_check_read(SELF->new_graph) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(SELF->new_graph,
                        rc = hs_diff_new_objects(SELF->d, type, (size_t)tlen,
                                                 &ids, &n, &err));
    if (rc < 0) {
        return hs_py_raise(hs_py_graph_state(SELF->new_graph), &err);
    }
    return hs_py_nodelist_new(SELF->new_graph, ids, n, 1);
}

PyDoc_STRVAR(is_new_doc,
"is_new(obj)\n--\n\n"
"True if obj (a proxy or address in NEW) was not in OLD.");

static PyObject *
diff_is_new(PyObject *op, PyObject *obj)
{
    uint32_t id;
    if (hs_py_graph_id_of(SELF->new_graph, obj, &id) < 0) {
        return NULL;
    }
    return PyBool_FromLong(hs_diff_is_new(SELF->d, id));
}

PyDoc_STRVAR(is_gone_doc,
"is_gone(obj)\n--\n\n"
"True if obj (a proxy or address in OLD) is no longer in NEW.");

static PyObject *
diff_is_gone(PyObject *op, PyObject *obj)
{
    uint32_t id;
    if (hs_py_graph_id_of(SELF->old_graph, obj, &id) < 0) {
        return NULL;
    }
    return PyBool_FromLong(hs_diff_is_gone(SELF->d, id));
}

static PyObject *
get_old(PyObject *op, void *c)
{
    (void)c;
    Py_INCREF(SELF->old_graph);
    return (PyObject *)SELF->old_graph;
}

static PyObject *
get_new(PyObject *op, void *c)
{
    (void)c;
    Py_INCREF(SELF->new_graph);
    return (PyObject *)SELF->new_graph;
}

static PyGetSetDef diff_getset[] = {
    {"old", get_old, NULL, "The earlier dump.", NULL},
    {"new", get_new, NULL, "The later dump.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef diff_methods[] = {
    {"rows", diff_rows, METH_NOARGS, rows_doc},
    {"total", diff_total, METH_NOARGS, total_doc},
    {"new_objects", diff_new_objects, METH_VARARGS, new_objects_doc},
    {"is_new", diff_is_new, METH_O, is_new_doc},
    {"is_gone", diff_is_gone, METH_O, is_gone_doc},
    {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(diff_doc,
"The difference between two dumps of one process (hs_diff): per-type\n"
"counts and sizes before and after, and which objects are new or gone.");

static PyType_Slot diff_slots[] = {
    {Py_tp_new, (void *)hs_py_refuse_new},
    {Py_tp_dealloc, (void *)diff_dealloc},
    {Py_tp_doc, (void *)diff_doc},
    {Py_tp_methods, diff_methods},
    {Py_tp_getset, diff_getset},
    {0, NULL}};

PyType_Spec hs_py_diff_spec = {"heapscope._analyzer.Diff", sizeof(hs_py_diff),
                               0, Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                               diff_slots};
