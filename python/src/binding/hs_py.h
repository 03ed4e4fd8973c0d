/*
 * hs_py.h - the analyzer binding's shared declarations.
 *
 * The binding is thin (docs/style.md 33): every analysis is a call into
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
 *   Summary  an hs_summary (it owns its type names: no graph needed)
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
    PyTypeObject *summary_type;
    PyObject *error;         /* heapscope.HeapscopeError */
    PyObject *array_ctor;    /* array.array, for address arrays */
} hs_py_state;

typedef struct hs_py_graph {
    PyObject_HEAD
    hs_graph *g;
    PyObject *module;        /* strong: reaches hs_py_state */
    PyTypeObject *proxy_type; /* strong: class of the proxies made */
    uint64_t *total_sizes;   /* compute_total_size results, by node id */
    hs_dominators *dom;      /* made on first use (hs_py_retained.c) */
    PyObject *snapshot_report;  /* what hs_graph_open did (a dict), or None */
    hs_tree_store *tree;     /* where its tree is kept, as the CLI keeps
                                it (hs_py_retained.c), or NULL (none: not
                                opened through a snapshot, or a pass has
                                rewritten the edges since) */
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

/* Runs stmt with the GIL released, graph counting one more reader for
 * the while (hs_py_graph.c, NOTE about threads); call it with the GIL
 * held, after hs_py_graph_check_read. */
#define HS_PY_READ_UNLOCKED(graph, stmt)                                   \
    do {                                                                   \
        (graph)->readers++;                                                \
        Py_BEGIN_ALLOW_THREADS                                             \
        stmt;                                                              \
        Py_END_ALLOW_THREADS                                               \
        (graph)->readers--;                                                \
    } while (0)

/* module */
hs_py_state *hs_py_state_of(PyObject *module);
/* tp_new of every handle type: they come from load() and its results. */
PyObject *hs_py_refuse_new(PyTypeObject *type, PyObject *args, PyObject *kw);
/* A list of n items, item i made by item(ctx, i) (a new reference); NULL
 * with an exception set when one fails. */
typedef PyObject *(*hs_py_item_fn)(const void *ctx, size_t i);
PyObject *hs_py_list(size_t n, hs_py_item_fn item, const void *ctx);
/* Text the library made (caller frees with hs_free) as a str. NULL text
 * raises err through st, or MemoryError when st is NULL (formatting that
 * fails only for want of memory). */
PyObject *hs_py_take_text(hs_py_state *st, char *text, const hs_error *err);
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
int hs_py_graph_id_of(hs_py_graph *graph, PyObject *obj, uint32_t *id);

/* retained sizes and dominators (hs_py_retained.c), leaks (hs_py_leaks.c):
 * Graph methods, with their docstrings */
const hs_dominators *hs_py_graph_dominators(hs_py_graph *graph);
void hs_py_graph_forget_dominators(hs_py_graph *graph);
/* Where g's tree is kept when r names a snapshot used or written (freed
 * with PyMem_RawFree), else NULL; never fails but for memory, which
 * only costs the stored tree. */
hs_tree_store *hs_py_tree_store_new(const hs_snapshot_report *r);
PyObject *hs_py_graph_retained(PyObject *op, PyObject *obj);
PyObject *hs_py_graph_idom(PyObject *op, PyObject *obj);
PyObject *hs_py_graph_top(PyObject *op, PyObject *args);
PyObject *hs_py_graph_leaks(PyObject *op, PyObject *args, PyObject *kw);
PyObject *hs_py_graph_sql(PyObject *op, PyObject *args);
PyObject *hs_py_graph_site_summary(PyObject *op, PyObject *args);
extern const char hs_py_retained_doc[], hs_py_idom_doc[], hs_py_top_doc[],
    hs_py_leaks_doc[], hs_py_sql_doc[], hs_py_site_summary_doc[];
/* The dumps a comparing method works on: self, then the Graphs of its
 * `later` argument, each checked readable (hs_py_graph_check_read). */
typedef struct hs_py_dumps {
    PyObject *seq;          /* later as a fast sequence (a reference) */
    hs_py_graph **graphs;   /* n: self, then later's items (borrowed) */
    const hs_graph **gs;    /* n: their graphs */
    size_t n;
} hs_py_dumps;

/* Fills d from later (a sequence of at least min_later Graphs). 0, or -1
 * with an exception whose message starts with what; release d either
 * way. */
int hs_py_dumps_collect(hs_py_graph *self, PyObject *later, const char *what,
                        Py_ssize_t min_later, hs_py_dumps *d);
void hs_py_dumps_release(hs_py_dumps *d);

/* pictures (hs_py_charts.c): Graph methods, with their docstrings */
PyObject *hs_py_graph_growth_svg(PyObject *op, PyObject *args);
PyObject *hs_py_graph_neighbourhood_dot(PyObject *op, PyObject *args,
                                        PyObject *kw);
extern const char hs_py_growth_svg_doc[], hs_py_neighbourhood_dot_doc[];

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

/* summary: ids[0..n), or every object when all is set */
extern PyType_Spec hs_py_summary_spec;
PyObject *hs_py_summary_new(hs_py_graph *graph, const uint32_t *ids,
                            size_t n, int all);
PyObject *hs_py_type_counts(hs_py_graph *graph, const uint32_t *ids,
                            size_t n, int all);

#endif /* HS_PY_H */
