/*
 * hs_py.h - the analyzer binding's shared declarations.
 *
 * The binding is thin (STYLE.md 33): every analysis is a call into
 * include/heapscope.h; this folder only converts arguments and results,
 * releases the GIL around long calls and maps hs_error to an exception.
 *
 * Handles, one heap type each:
 *   Graph    an hs_graph (a loaded dump); heapscope.ObjManager subclasses it
 *   Node     a proxy: a strong ref to its Graph and a 32-bit node id;
 *            heapscope.MemObject subclasses it (with __slots__ = ()) so a
 *            proxy costs one small object, whatever its conveniences
 *   NodeList an owned array of node ids: get_all, walks, .c, .p, diffs
 *            return these, so a million results are 4 MB, not a million
 *            Python objects, until someone indexes them
 *   Diff     an hs_diff, holding both graphs
 *
 * Module state is not reachable from a heap type's methods on 3.8
 * (PyType_GetModule is 3.9+), so each Graph keeps a strong reference to
 * the module, and everything else reaches the state through its Graph.
 */
#ifndef HS_PY_H
#define HS_PY_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "heapscope.h"

typedef struct hs_py_state {
    PyTypeObject *graph_type;
    PyTypeObject *node_type;
    PyTypeObject *nodelist_type;
    PyTypeObject *diff_type;
    PyObject *error;         /* heapscope.HeapscopeError */
    PyObject *array_ctor;    /* array.array, for address arrays */
} hs_py_state;

typedef struct hs_py_graph {
    PyObject_HEAD
    hs_graph *g;
    PyObject *module;        /* strong: reaches hs_py_state */
    PyTypeObject *proxy_type; /* strong: class of the proxies made */
    uint64_t *total_sizes;   /* compute_total_size results, by node id */
    uint32_t total_cap;
    int readers;             /* calls running with the GIL released */
    int writers;             /* passes running with the GIL released */
} hs_py_graph;

typedef struct hs_py_node {
    PyObject_HEAD
    hs_py_graph *graph;
    uint32_t id;
} hs_py_node;

typedef struct hs_py_nodelist {
    PyObject_HEAD
    hs_py_graph *graph;
    uint32_t *ids;
    size_t n;
    int lib_owned;           /* ids from the library: hs_free, else PyMem */
} hs_py_nodelist;

/* module */
hs_py_state *hs_py_state_of(PyObject *module);
hs_py_state *hs_py_graph_state(const hs_py_graph *graph);
PyObject *hs_py_raise(hs_py_state *st, const hs_error *err);
void hs_py_error_clear(hs_error *err);

/* graph */
extern PyType_Spec hs_py_graph_spec;
int hs_py_graph_check_read(hs_py_graph *graph);
int hs_py_graph_live(hs_py_graph *graph, uint32_t id);
uint64_t hs_py_graph_total(const hs_py_graph *graph, uint32_t id);
int hs_py_graph_set_total(hs_py_graph *graph, uint32_t id, uint64_t total);
uint32_t *hs_py_addresses_to_ids(hs_py_graph *graph, PyObject *excluding,
                                 size_t *n);

/* node */
extern PyType_Spec hs_py_node_spec;
PyObject *hs_py_node_new(hs_py_graph *graph, uint32_t id);
int hs_py_node_address(PyObject *obj, uint64_t *address);

/* nodelist */
extern PyType_Spec hs_py_nodelist_spec;
PyObject *hs_py_nodelist_new(hs_py_graph *graph, uint32_t *ids, size_t n,
                             int lib_owned);
PyObject *hs_py_nodelist_copy(hs_py_graph *graph, const uint32_t *ids,
                              size_t n);

/* diff */
extern PyType_Spec hs_py_diff_spec;
PyObject *hs_py_diff_new(hs_py_graph *old_graph, hs_py_graph *new_graph);

#endif /* HS_PY_H */
