/*
 * hs_py_retained.c - the Graph's dominator tree: retained sizes, the
 * immediate dominator of an object, the largest retainers.
 *
 * The tree (hs_dominators) is computed once per Graph, on the first
 * question, with the GIL released (or read back from beside the
 * snapshot: NOTE below), and kept until a pass rewrites the edges
 * (begin_write in hs_py_graph.c forgets it). Two threads asking
 * first at once may both compute it; the later result is dropped.
 */
#include "hs_py.h"

#include <stdio.h>
#include <string.h>

hs_tree_store *
hs_py_tree_store_new(const hs_snapshot_report *r)
{
    hs_tree_store *s = PyMem_RawCalloc(1, sizeof(*s));
    if (s) {
        hs_tree_store_init(s, r);
        if (s->key) {
            return s;
        }
    }
    PyMem_RawFree(s);
    return NULL;
}

/* NOTE: about stored trees. As the CLI does, through the same policy
 * (hs_tree_store), a Graph opened through its snapshot reads its tree
 * back from DUMP.hsdom when one is kept there for that snapshot (a tenth
 * of the time to compute it), or computes it and keeps it there for the
 * next session. A kept tree that cannot be used is a warning, and one
 * that is not trusted (another owner, open to others' writes) is left
 * alone. Runs without the GIL on a copy of the store (two threads may
 * ask at once): warnings wait in the job. */
typedef struct tree_job {
    const hs_graph *g;
    hs_tree_store store; /* key 0: none */
    hs_dominators *d;
    hs_error err;
    char warning[sizeof(((hs_error *)0)->message)];
} tree_job;

static void
stored_or_new(tree_job *j)
{
    hs_error other;
    hs_py_error_clear(&other);
    if ((j->d = hs_tree_store_read(&j->store, j->g, &other))) {
        return;
    }
    if (other.code != HS_ENOTFOUND) {
        snprintf(j->warning, sizeof(j->warning), "%s", other.message);
    }
    j->d = hs_dominators_new(j->g, &j->err);
    hs_py_error_clear(&other);
    if (j->d && hs_tree_store_keep(&j->store, j->d, &other) < 0
        && !j->warning[0]) {
        snprintf(j->warning, sizeof(j->warning), "%s", other.message);
    }
}

const hs_dominators *
hs_py_graph_dominators(hs_py_graph *graph)
{
    tree_job j;
    if (hs_py_graph_check_read(graph) < 0) {
        return NULL;
    }
    if (graph->dom) {
        return graph->dom;
    }
    memset(&j, 0, sizeof(j));
    j.g = graph->g;
    if (graph->tree) {
        j.store = *graph->tree;
    }
    hs_py_error_clear(&j.err);
    HS_PY_READ_UNLOCKED(graph, stored_or_new(&j));
    if (!j.d) {
        hs_py_raise(hs_py_graph_state(graph), &j.err);
        return NULL;
    }
    if (graph->dom) {
        hs_dominators_free(j.d); /* another thread was first */
    } else {
        graph->dom = j.d;
    }
    if (j.warning[0]
        && PyErr_WarnFormat(PyExc_RuntimeWarning, 1, "%s", j.warning) < 0) {
        return NULL;
    }
    return graph->dom;
}

void
hs_py_graph_forget_dominators(hs_py_graph *graph)
{
    hs_dominators_free(graph->dom);
    graph->dom = NULL;
}

/* The tree and obj's node id; NULL with an exception set. */
static const hs_dominators *
tree_and_id(PyObject *op, PyObject *obj, uint32_t *id)
{
    hs_py_graph *self = (hs_py_graph *)op;
    if (hs_py_graph_id_of(self, obj, id) < 0) {
        return NULL;
    }
    return hs_py_graph_dominators(self);
}

const char hs_py_retained_doc[] =
"retained(obj)\n--\n\n"
"(bytes, objects) that obj retains: itself and everything it dominates,\n"
"what freeing it would free. The dominator tree is computed on the first\n"
"call (GIL released) and kept until a pass rewrites the graph.";

PyObject *
hs_py_graph_retained(PyObject *op, PyObject *obj)
{
    uint32_t id;
    const hs_dominators *d = tree_and_id(op, obj, &id);
    if (!d) {
        return NULL;
    }
    return Py_BuildValue("(KK)", hs_dominators_retained_size(d, id),
                         hs_dominators_retained_count(d, id));
}

const char hs_py_idom_doc[] =
"idom(obj)\n--\n\n"
"(dominator, root_kind, label): obj's immediate dominator as a proxy, or\n"
"None when only the virtual root dominates it, with root_kind saying why\n"
"('module', 'no parents', 'unreached', 'several roots'; None when it has\n"
"a dominator), and label, how obj hangs under it ('.history[12]'; None\n"
"without a dominator).";

PyObject *
hs_py_graph_idom(PyObject *op, PyObject *obj)
{
    hs_py_graph *self = (hs_py_graph *)op;
    uint32_t id, dom;
    const hs_dominators *d = tree_and_id(op, obj, &id);
    char *label;
    PyObject *proxy, *out;
    if (!d) {
        return NULL;
    }
    dom = hs_dominators_idom(d, id);
    if (dom == HS_NO_NODE) {
        /* A root hangs under no object, so under no label either. */
        return Py_BuildValue("(Ozz)", Py_None,
                             hs_dominators_root_kind(d, id), NULL);
    }
    if (!(label = hs_dominators_label(d, id, 0, NULL))) {
        return PyErr_NoMemory();
    }
    proxy = hs_py_node_new(self, dom);
    out = proxy ? Py_BuildValue("(NOs)", proxy, Py_None, label) : NULL;
    hs_free(label);
    return out;
}

const char hs_py_top_doc[] =
"top_retainers(n=10)\n--\n\n"
"The n objects of largest retained size, largest first (ties in file\n"
"order), as a NodeList.";

PyObject *
hs_py_graph_top(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    Py_ssize_t max = 10;
    const hs_dominators *d;
    uint32_t *ids = NULL;
    size_t n = 0;
    hs_error err;
    if (!PyArg_ParseTuple(args, "|n:top_retainers", &max)) {
        return NULL;
    }
    if (max < 0) {
        PyErr_SetString(PyExc_ValueError, "top_retainers: n must be >= 0");
        return NULL;
    }
    if (!(d = hs_py_graph_dominators(self))) {
        return NULL;
    }
    hs_py_error_clear(&err);
    if (hs_dominators_top(d, (size_t)max, &ids, &n, &err) < 0) {
        return hs_py_raise(hs_py_graph_state(self), &err);
    }
    return hs_py_nodelist_new(self, ids, n, 1);
}
