/*
 * hs_py_nodelist.c - NodeList: a C-backed sequence of objects.
 *
 * get_all, walks, .c, .p and diffs return one of these: the node ids in
 * one array (4 bytes an object) and the Graph. A proxy is made only for
 * an item that is indexed or iterated, and the bulk questions (addresses,
 * total size, counts by type, set difference) are answered in C, so a
 * script over millions of objects makes millions of Python objects only
 * when it asks for them.
 */
#include "hs_py.h"

#include <stdlib.h>
#include <string.h>

PyObject *
hs_py_nodelist_new(hs_py_graph *graph, uint32_t *ids, size_t n, int lib_owned)
{
    PyTypeObject *tp = hs_py_graph_state(graph)->nodelist_type;
    hs_py_nodelist *self = (hs_py_nodelist *)tp->tp_alloc(tp, 0);
    if (!self) {
        if (lib_owned) {
            hs_free(ids);
        } else {
            PyMem_RawFree(ids);
        }
        return NULL;
    }
    self->graph = graph;
    Py_INCREF(graph);
    self->ids = ids;
    self->n = n;
    self->lib_owned = lib_owned;
    return (PyObject *)self;
}

PyObject *
hs_py_nodelist_copy(hs_py_graph *graph, const uint32_t *ids, size_t n)
{
    uint32_t *copy = PyMem_RawMalloc(n ? n * sizeof(*copy) : 1);
    if (!copy) {
        return PyErr_NoMemory();
    }
    if (n) {
        memcpy(copy, ids, n * sizeof(*copy));
    }
    return hs_py_nodelist_new(graph, copy, n, 0);
}

static void
nodelist_dealloc(PyObject *op)
{
    hs_py_nodelist *self = (hs_py_nodelist *)op;
    PyTypeObject *tp = Py_TYPE(op);
    if (self->lib_owned) {
        hs_free(self->ids);
    } else {
        PyMem_RawFree(self->ids);
    }
    Py_XDECREF(self->graph);
    tp->tp_free(op);
    Py_DECREF(tp);
}

#define SELF ((hs_py_nodelist *)op)

static Py_ssize_t
nodelist_len(PyObject *op)
{
    return (Py_ssize_t)SELF->n;
}

static PyObject *
nodelist_item(PyObject *op, Py_ssize_t i)
{
    if (i < 0 || (size_t)i >= SELF->n) {
        PyErr_SetString(PyExc_IndexError, "NodeList index out of range");
        return NULL;
    }
    if (hs_py_graph_check_read(SELF->graph) < 0) {
        return NULL;
    }
    return hs_py_node_new(SELF->graph, SELF->ids[i]);
}

static PyObject *
nodelist_subscript(PyObject *op, PyObject *key)
{
    Py_ssize_t start, stop, step, len;
    uint32_t *ids;
    if (!PySlice_Check(key)) {
        Py_ssize_t i = PyNumber_AsSsize_t(key, PyExc_IndexError);
        if (i == -1 && PyErr_Occurred()) {
            return NULL;
        }
        return nodelist_item(op, i < 0 ? i + (Py_ssize_t)SELF->n : i);
    }
    if (PySlice_Unpack(key, &start, &stop, &step) < 0) {
        return NULL;
    }
    len = PySlice_AdjustIndices((Py_ssize_t)SELF->n, &start, &stop, step);
    ids = PyMem_RawMalloc(len ? (size_t)len * sizeof(*ids) : 1);
    if (!ids) {
        return PyErr_NoMemory();
    }
    for (Py_ssize_t k = 0; k < len; k++) {
        ids[k] = SELF->ids[start + k * step];
    }
    return hs_py_nodelist_new(SELF->graph, ids, (size_t)len, 0);
}

static int
nodelist_contains(PyObject *op, PyObject *key)
{
    uint64_t address;
    hs_graph *g = SELF->graph->g;
    if (hs_py_node_address(key, &address) < 0) {
        if (PyErr_ExceptionMatches(PyExc_TypeError)) {
            PyErr_Clear();
            return 0;
        }
        return -1;
    }
    for (size_t i = 0; i < SELF->n; i++) {
        if (hs_node_address(g, SELF->ids[i]) == address) {
            return 1;
        }
    }
    return 0;
}

static PyObject *
nodelist_repr(PyObject *op)
{
    PyObject *list = PySequence_List(op), *out;
    if (!list) {
        return NULL;
    }
    out = PyObject_Repr(list);
    Py_DECREF(list);
    return out;
}

/* MARK: bulk methods */

/* array(typecode, bytes): the items without an int object each. Steals
 * bytes; NULL (an exception set) if bytes is NULL. */
static PyObject *
array_of_bytes(PyObject *op, const char *typecode, PyObject *bytes)
{
    hs_py_state *st = hs_py_graph_state(SELF->graph);
    PyObject *out;
    if (!bytes) {
        return NULL;
    }
    out = PyObject_CallFunction(st->array_ctor, "sO", typecode, bytes);
    Py_DECREF(bytes);
    return out;
}

PyDoc_STRVAR(addresses_doc,
"addresses()\n--\n\n"
"The addresses, in order, as array('Q') (8 bytes each, no int objects\n"
"until read). set(nl.addresses()) is meliae's address set.");

static PyObject *
nodelist_addresses(PyObject *op, PyObject *unused)
{
    PyObject *bytes;
    uint64_t *a;
    (void)unused;
    bytes = PyBytes_FromStringAndSize(NULL,
                                      (Py_ssize_t)(SELF->n * sizeof(uint64_t)));
    if (!bytes) {
        return NULL;
    }
    a = (uint64_t *)PyBytes_AS_STRING(bytes);
    for (size_t i = 0; i < SELF->n; i++) {
        a[i] = hs_node_address(SELF->graph->g, SELF->ids[i]);
    }
    return array_of_bytes(op, "Q", bytes);
}

PyDoc_STRVAR(ids_doc,
"ids()\n--\n\n"
"The library's node ids, in order, as array('I').");

static PyObject *
nodelist_ids(PyObject *op, PyObject *unused)
{
    (void)unused;
    return array_of_bytes(
        op, "I",
        PyBytes_FromStringAndSize((const char *)SELF->ids,
                                  (Py_ssize_t)(SELF->n * sizeof(uint32_t))));
}

PyDoc_STRVAR(total_size_doc,
"total_size()\n--\n\n"
"The sum of the objects' sizes (each counted as often as listed).");

static PyObject *
nodelist_total_size(PyObject *op, PyObject *unused)
{
    uint64_t total = 0;
    (void)unused;
    if (hs_py_graph_check_read(SELF->graph) < 0) {
        return NULL;
    }
    for (size_t i = 0; i < SELF->n; i++) {
        total += hs_node_size(SELF->graph->g, SELF->ids[i]);
    }
    return PyLong_FromUnsignedLongLong(total);
}

PyDoc_STRVAR(type_counts_doc,
"type_counts()\n--\n\n"
"{type_str: count} over the list, computed in C.");

static PyObject *
nodelist_type_counts(PyObject *op, PyObject *unused)
{
    (void)unused;
    return hs_py_type_counts(SELF->graph, SELF->ids, SELF->n, 0);
}

static int
cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* other's addresses, sorted: a NodeList (of any graph), or any iterable
 * of addresses or proxies. Caller frees with PyMem_RawFree. */
static uint64_t *
sorted_addresses(PyObject *other, hs_py_state *st, size_t *n)
{
    uint64_t *a;
    if (PyObject_TypeCheck(other, st->nodelist_type)) {
        hs_py_nodelist *nl = (hs_py_nodelist *)other;
        a = PyMem_RawMalloc(nl->n ? nl->n * sizeof(*a) : 1);
        if (!a) {
            PyErr_NoMemory();
            return NULL;
        }
        for (size_t i = 0; i < nl->n; i++) {
            a[i] = hs_node_address(nl->graph->g, nl->ids[i]);
        }
        *n = nl->n;
    } else {
        PyObject *seq = PySequence_Fast(other, "an iterable is needed");
        Py_ssize_t len;
        if (!seq) {
            return NULL;
        }
        len = PySequence_Fast_GET_SIZE(seq);
        a = PyMem_RawMalloc(len ? (size_t)len * sizeof(*a) : 1);
        if (!a) {
            Py_DECREF(seq);
            PyErr_NoMemory();
            return NULL;
        }
        for (Py_ssize_t i = 0; i < len; i++) {
            if (hs_py_node_address(PySequence_Fast_GET_ITEM(seq, i), &a[i])
                < 0) {
                PyMem_RawFree(a);
                Py_DECREF(seq);
                return NULL;
            }
        }
        Py_DECREF(seq);
        *n = (size_t)len;
    }
    qsort(a, *n, sizeof(*a), cmp_u64);
    return a;
}

PyDoc_STRVAR(difference_doc,
"difference(other)\n--\n\n"
"The items whose address is not in other (a NodeList, from this dump or\n"
"another, or an iterable of addresses or proxies), order kept: the\n"
"address-set difference of the classic meliae session, in C.\n"
"O((n + m) log m).");

static PyObject *
nodelist_difference(PyObject *op, PyObject *other)
{
    hs_py_state *st = hs_py_graph_state(SELF->graph);
    size_t m, k = 0;
    uint64_t *sorted = sorted_addresses(other, st, &m);
    uint32_t *ids;
    if (!sorted) {
        return NULL;
    }
    ids = PyMem_RawMalloc(SELF->n ? SELF->n * sizeof(*ids) : 1);
    if (!ids) {
        PyMem_RawFree(sorted);
        return PyErr_NoMemory();
    }
    for (size_t i = 0; i < SELF->n; i++) {
        uint64_t a = hs_node_address(SELF->graph->g, SELF->ids[i]);
        if (!bsearch(&a, sorted, m, sizeof(*sorted), cmp_u64)) {
            ids[k++] = SELF->ids[i];
        }
    }
    PyMem_RawFree(sorted);
    return hs_py_nodelist_new(SELF->graph, ids, k, 0);
}

PyDoc_STRVAR(of_type_doc,
"of_type(type_str)\n--\n\n"
"The items whose type string is exactly type_str, order kept.");

static PyObject *
nodelist_of_type(PyObject *op, PyObject *arg)
{
    Py_ssize_t tlen;
    const char *type = PyUnicode_AsUTF8AndSize(arg, &tlen);
    hs_graph *g = SELF->graph->g;
    uint32_t *ids;
    size_t k = 0;
    if (!type || hs_py_graph_check_read(SELF->graph) < 0) {
        return NULL;
    }
    ids = PyMem_RawMalloc(SELF->n ? SELF->n * sizeof(*ids) : 1);
    if (!ids) {
        return PyErr_NoMemory();
    }
    for (size_t i = 0; i < SELF->n; i++) {
        size_t len;
        const char *t;
        if (!hs_node_exists(g, SELF->ids[i])) {
            continue;
        }
        t = hs_node_type(g, SELF->ids[i], &len);
        if (len == (size_t)tlen && memcmp(t, type, len) == 0) {
            ids[k++] = SELF->ids[i];
        }
    }
    return hs_py_nodelist_new(SELF->graph, ids, k, 0);
}

PyDoc_STRVAR(path_expression_doc,
"path_expression()\n--\n\n"
"The items, root first, each referring to the next, as one line:\n"
"`__main__.observer.history[599]`, the way `heapscope path` and `leaks`\n"
"write a path (hs_path_expression). HeapscopeError when they are no path.");

static PyObject *
nodelist_path_expression(PyObject *op, PyObject *unused)
{
    hs_error err;
    (void)unused;
    if (hs_py_graph_check_read(SELF->graph) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    return hs_py_take_text(hs_py_graph_state(SELF->graph),
                           hs_path_expression(SELF->graph->g, SELF->ids,
                                              SELF->n, &err),
                           &err);
}

static PyObject *
nodelist_get_manager(PyObject *op, void *c)
{
    (void)c;
    Py_INCREF(SELF->graph);
    return (PyObject *)SELF->graph;
}

static PyGetSetDef nodelist_getset[] = {
    {"manager", nodelist_get_manager, NULL,
     "The ObjManager the objects belong to.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef nodelist_methods[] = {
    {"addresses", nodelist_addresses, METH_NOARGS, addresses_doc},
    {"ids", nodelist_ids, METH_NOARGS, ids_doc},
    {"total_size", nodelist_total_size, METH_NOARGS, total_size_doc},
    {"type_counts", nodelist_type_counts, METH_NOARGS, type_counts_doc},
    {"difference", nodelist_difference, METH_O, difference_doc},
    {"of_type", nodelist_of_type, METH_O, of_type_doc},
    {"path_expression", nodelist_path_expression, METH_NOARGS,
     path_expression_doc},
    {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(nodelist_doc,
"A sequence of objects of one dump, backed by an array of node ids.\n\n"
"Indexing (negative too) and iteration give proxies; slicing gives a\n"
"NodeList; `x in nl` takes a proxy or an address. repr() is that of the\n"
"list of proxies, as meliae printed lists.");

static PyType_Slot nodelist_slots[] = {
    {Py_tp_new, (void *)hs_py_refuse_new},
    {Py_tp_dealloc, (void *)nodelist_dealloc},
    {Py_tp_doc, (void *)nodelist_doc},
    {Py_tp_repr, (void *)nodelist_repr},
    {Py_tp_methods, nodelist_methods},
    {Py_tp_getset, nodelist_getset},
    {Py_sq_length, (void *)nodelist_len},
    {Py_sq_item, (void *)nodelist_item},
    {Py_sq_contains, (void *)nodelist_contains},
    {Py_mp_length, (void *)nodelist_len},
    {Py_mp_subscript, (void *)nodelist_subscript},
    {0, NULL}};

PyType_Spec hs_py_nodelist_spec = {"heapscope._analyzer.NodeList",
                                   sizeof(hs_py_nodelist), 0,
                                   Py_TPFLAGS_DEFAULT, nodelist_slots};
