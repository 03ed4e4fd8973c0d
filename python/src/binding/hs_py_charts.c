/*
 * hs_py_charts.c - the pictures of the analysis API, as text made by the
 * library: Graph.growth_svg (hs_growth's line chart over this dump and
 * later ones, `heapscope growth --svg`) and Graph.neighbourhood_dot
 * (hs_neighbourhood as Graphviz text, `heapscope dot`).
 * heapscope.GrowthChart and heapscope.ObjectGraph show them in notebooks.
 */
#include "hs_py.h"

#include <string.h>

/* Takes text the library allocated: a str of it, freed either way. */
static PyObject *
take_text(hs_py_graph *graph, char *text, const hs_error *err)
{
    PyObject *s;
    if (!text) {
        return hs_py_raise(hs_py_graph_state(graph), err);
    }
    s = PyUnicode_DecodeUTF8(text, (Py_ssize_t)strlen(text), "replace");
    hs_free(text);
    return s;
}

/* Adds every dump to gr, in run order, their number as run time. */
static int
add_dumps(hs_growth *gr, hs_py_graph **graphs, size_t n, hs_error *err)
{
    int rc = 0;
    for (size_t i = 0; i < n; i++) {
        graphs[i]->readers++;
    }
    Py_BEGIN_ALLOW_THREADS
    for (size_t i = 0; rc == 0 && i < n; i++) {
        rc = hs_growth_add(gr, graphs[i]->g, (double)(i + 1), err);
    }
    Py_END_ALLOW_THREADS
    for (size_t i = 0; i < n; i++) {
        graphs[i]->readers--;
    }
    return rc;
}

const char hs_py_growth_svg_doc[] =
"growth_svg(later, ntypes)\n--\n\n"
"An SVG line chart of the object counts of the ntypes types that grew\n"
"most over this dump and the dumps in later (Graphs of one process, in\n"
"run order), against the dump's number: `heapscope growth --svg`.";

PyObject *
hs_py_graph_growth_svg(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *later, *out = NULL;
    Py_ssize_t ntypes;
    hs_py_dumps d;
    hs_growth *gr = NULL;
    hs_error err;
    if (!PyArg_ParseTuple(args, "On:growth_svg", &later, &ntypes)) {
        return NULL;
    }
    if (hs_py_dumps_collect(self, later, "growth", 1, &d) < 0) {
        goto out;
    }
    hs_py_error_clear(&err);
    if (!(gr = hs_growth_new(&err))
        || add_dumps(gr, d.graphs, d.n, &err) != 0) {
        hs_py_raise(hs_py_graph_state(self), &err);
        goto out;
    }
    out = take_text(self, hs_growth_svg(gr, ntypes > 0 ? (size_t)ntypes : 1,
                                        "dump, in run order", &err),
                    &err);
out:
    hs_growth_free(gr);
    hs_py_dumps_release(&d);
    return out;
}

const char hs_py_neighbourhood_dot_doc[] =
"neighbourhood_dot(obj, parents=True, children=False, depth=3,\n"
"                  max_nodes=50)\n--\n\n"
"The objects within depth steps of obj (a proxy or an address), to its\n"
"referrers (parents) and or to its referents (children), as a Graphviz\n"
"digraph: `heapscope dot` (objgraph's show_backrefs and show_refs).";

PyObject *
hs_py_graph_neighbourhood_dot(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_obj[] = "obj", kw_parents[] = "parents",
                kw_children[] = "children", kw_depth[] = "depth",
                kw_max[] = "max_nodes";
    static char *kwlist[] = {kw_obj, kw_parents, kw_children, kw_depth,
                             kw_max, NULL};
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *obj;
    int parents = 1, children = 0;
    unsigned int depth = 3;
    Py_ssize_t max_nodes = 50;
    hs_near_options opts;
    hs_neighbourhood *nb;
    hs_error err;
    uint32_t id;
    char *dot;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|ppIn:neighbourhood_dot",
                                     kwlist, &obj, &parents, &children,
                                     &depth, &max_nodes)
        || hs_py_graph_id_of(self, obj, &id) < 0) {
        return NULL;
    }
    if (!parents && !children) {
        PyErr_SetString(PyExc_ValueError,
                        "graph: parents, children or both");
        return NULL;
    }
    opts.flags = (parents ? HS_NEAR_PARENTS : 0)
                 | (children ? HS_NEAR_CHILDREN : 0);
    opts.depth = depth > 0 ? depth : 1;
    opts.max_nodes = max_nodes > 0 ? (size_t)max_nodes : 1;
    hs_py_error_clear(&err);
    nb = hs_neighbourhood_new(self->g, id, &opts, &err);
    if (!nb) {
        return hs_py_raise(hs_py_graph_state(self), &err);
    }
    dot = hs_neighbourhood_dot(nb, &err);
    hs_neighbourhood_free(nb);
    return take_text(self, dot, &err);
}
