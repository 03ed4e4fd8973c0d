/*
 * hs_py_leaks.c - Graph.leaks(later): the leak report (hs_leaks) over this
 * dump and later dumps of the same process, as plain Python data.
 *
 * Every suspect is converted while the hs_leaks lives (its arrays and
 * signature are borrowed from it), into the fields `heapscope leaks
 * --json` writes; heapscope.LeakReport wraps them with meliae-style
 * proxies and Path objects.
 */
#include "hs_py.h"

#include <string.h>

/* What the list makers below read: the dumps, in run order, and the
 * report with the suspect at hand. */
typedef struct leaks_ctx {
    hs_py_graph *const *graphs;
    size_t ndumps;
    const hs_leaks *l;
    const hs_leak_suspect *s;
} leaks_ctx;

static PyObject *
proxy_or_none(hs_py_graph *graph, uint32_t id)
{
    if (id == HS_NO_NODE) {
        Py_RETURN_NONE;
    }
    return hs_py_node_new(graph, id);
}

/* A suspect in dump i: (proxy or None, retained_size, retained_count). */
static PyObject *
per_dump_at(const void *ctx, size_t i)
{
    const leaks_ctx *c = ctx;
    PyObject *proxy = proxy_or_none(c->graphs[i], c->s->ids[i]);
    return proxy ? Py_BuildValue("(NKK)", proxy, c->s->retained_size[i],
                                 c->s->retained_count[i])
                 : NULL;
}

/* Of what the suspect retained at dump i, the objects alive at i + 1. */
static PyObject *
kept_at(const void *ctx, size_t i)
{
    return PyLong_FromUnsignedLongLong(
        ((const leaks_ctx *)ctx)->s->kept_count[i]);
}

static PyObject *
type_at(const void *ctx, size_t t)
{
    const hs_leak_type *types = ((const leaks_ctx *)ctx)->s->types;
    return Py_BuildValue("(NKK)",
                         PyUnicode_DecodeUTF8(types[t].type,
                                              (Py_ssize_t)types[t].type_len,
                                              "replace"),
                         types[t].count, types[t].size);
}

static PyObject *
site_at(const void *ctx, size_t k)
{
    const hs_leak_site *st = &((const leaks_ctx *)ctx)->s->sites[k];
    return Py_BuildValue("(NIKK)",
                         PyUnicode_DecodeUTF8(st->file,
                                              (Py_ssize_t)st->file_len,
                                              "replace"),
                         (unsigned int)st->line, st->count, st->size);
}

/* The allocating lines, or None when the last dump has no sites. */
static PyObject *
sites_of(const leaks_ctx *c)
{
    if (!c->s->sites) {
        Py_RETURN_NONE;
    }
    return Py_BuildValue("(NK)", hs_py_list(c->s->nsites, site_at, c),
                         c->s->sites_base_size);
}

/* Suspect i as a dict of `heapscope leaks --json`'s fields (proxies in
 * place of addresses, the path as a NodeList of the last dump). */
static PyObject *
suspect_at(const void *ctx, size_t i)
{
    leaks_ctx c = *(const leaks_ctx *)ctx;
    hs_py_graph *last = c.graphs[c.ndumps - 1];
    const hs_leak_suspect *s = hs_leaks_at(c.l, i);
    PyObject *dumps, *owner, *sample, *path, *types, *kept;
    char words[64];
    c.s = s;
    dumps = hs_py_list(c.ndumps, per_dump_at, &c);
    owner = hs_py_node_new(last, s->owner);
    sample = proxy_or_none(last, s->sample);
    path = hs_py_nodelist_copy(last, s->path, s->path_len);
    types = hs_py_list(s->ntypes, type_at, &c);
    kept = hs_py_list(c.ndumps - 1, kept_at, &c);
    if (!dumps || !owner || !sample || !path || !types || !kept) {
        Py_XDECREF(kept);
        Py_XDECREF(dumps);
        Py_XDECREF(owner);
        Py_XDECREF(sample);
        Py_XDECREF(path);
        Py_XDECREF(types);
        return NULL;
    }
    return Py_BuildValue(
        "{sNsOsKsKsLsLsOsNsNsNsNsssssssnsLsOsKsNsNsO}", "owner", owner,
        "owner_is_new", s->owner_is_new ? Py_True : Py_False, "new_objects",
        s->new_count, "new_size", s->new_size, "growth_count",
        (long long)s->growth_count, "growth_size", (long long)s->growth_size,
        "growing", s->growing ? Py_True : Py_False, "per_dump", dumps,
        "types", types, "path", path, "sample", sample, "signature",
        s->signature, "verdict", hs_leak_verdict_key(s->verdict),
        "verdict_text", hs_leak_verdict_text(s, c.ndumps, words,
                                             sizeof(words)),
        "intervals_grown", (Py_ssize_t)s->intervals_grown,
        "min_interval_growth", (long long)s->min_interval_growth,
        "recreated", s->recreated ? Py_True : Py_False, "items", s->items,
        "kept", kept, "sites", sites_of(&c), "grows_in_place",
        s->grows_in_place ? Py_True : Py_False);
}

/* Dump i: (objects, bytes). */
static PyObject *
dump_at(const void *ctx, size_t i)
{
    const leaks_ctx *c = ctx;
    return Py_BuildValue(
        "(KK)", hs_graph_count(c->graphs[i]->g),
        hs_dominators_total_size(hs_leaks_dominators(c->l, i)));
}

static PyObject *
report_dict(hs_py_graph *const *graphs, size_t ndumps, const hs_leaks *l)
{
    leaks_ctx c = {graphs, ndumps, l, NULL};
    uint64_t new_bytes, cand_bytes;
    uint64_t new_count = hs_leaks_new_objects(l, &new_bytes);
    uint64_t cand_count = hs_leaks_candidates(l, &cand_bytes);
    PyObject *dumps = hs_py_list(ndumps, dump_at, &c);
    PyObject *suspects = dumps ? hs_py_list(hs_leaks_count(l), suspect_at, &c)
                               : NULL;
    if (!suspects) {
        Py_XDECREF(dumps);
        return NULL;
    }
    return Py_BuildValue("{sNs(KK)s(KK)sN}", "dumps", dumps, "new",
                         new_count, new_bytes, "candidates", cand_count,
                         cand_bytes, "suspects", suspects);
}

int
hs_py_dumps_collect(hs_py_graph *self, PyObject *later, const char *what,
                    Py_ssize_t min_later, hs_py_dumps *d)
{
    hs_py_state *st = hs_py_graph_state(self);
    Py_ssize_t nl;
    memset(d, 0, sizeof(*d));
    d->seq = PySequence_Fast(later, "later must be a sequence");
    if (!d->seq) {
        PyErr_Format(PyExc_TypeError, "%s: later must be a sequence", what);
        return -1;
    }
    nl = PySequence_Fast_GET_SIZE(d->seq);
    if (nl < min_later) {
        PyErr_Format(PyExc_TypeError, "%s: give at least %zd later dump%s",
                     what, min_later, min_later == 1 ? "" : "s");
        return -1;
    }
    d->graphs = PyMem_Malloc((size_t)(nl + 1) * sizeof(*d->graphs));
    d->gs = PyMem_Malloc((size_t)(nl + 1) * sizeof(*d->gs));
    if (!d->graphs || !d->gs) {
        PyErr_NoMemory();
        return -1;
    }
    d->graphs[0] = self;
    for (Py_ssize_t i = 0; i < nl; i++) {
        PyObject *g = PySequence_Fast_GET_ITEM(d->seq, i);
        if (!PyObject_TypeCheck(g, st->graph_type)) {
            PyErr_Format(PyExc_TypeError,
                         "%s: later dumps must be loaded dumps", what);
            return -1;
        }
        d->graphs[i + 1] = (hs_py_graph *)g;
    }
    for (Py_ssize_t i = 0; i <= nl; i++) {
        if (hs_py_graph_check_read(d->graphs[i]) < 0) {
            return -1;
        }
        d->gs[i] = d->graphs[i]->g;
    }
    d->n = (size_t)nl + 1;
    return 0;
}

void
hs_py_dumps_release(hs_py_dumps *d)
{
    PyMem_Free(d->gs);
    PyMem_Free(d->graphs);
    Py_XDECREF(d->seq);
    memset(d, 0, sizeof(*d));
}

const char hs_py_leaks_doc[] =
"leaks_data(later, max_suspects=10, max_types=8)\n--\n\n"
"The leak report over this dump and the dumps in later (a sequence of\n"
"Graphs of the same process, in run order): a dict with 'dumps'\n"
"[(objects, bytes)], 'new' and 'candidates' (objects, bytes), and\n"
"'suspects', most likely leak first, each a dict of `heapscope leaks\n"
"--json`'s fields. Computes every dump's dominator tree with the GIL\n"
"released.";

PyObject *
hs_py_graph_leaks(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_later[] = "later";
    static char kw_max_suspects[] = "max_suspects";
    static char kw_max_types[] = "max_types";
    static char *kwlist[] = {kw_later, kw_max_suspects, kw_max_types, NULL};
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *later, *out = NULL;
    Py_ssize_t max_suspects = 10, max_types = 8;
    hs_py_dumps d;
    hs_leak_options opts;
    hs_leaks *l = NULL;
    hs_error err;
    size_t n;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "O|nn:leaks_data", kwlist,
                                     &later, &max_suspects, &max_types)) {
        return NULL;
    }
    if (hs_py_dumps_collect(self, later, "leaks", 1, &d) < 0) {
        goto out;
    }
    n = d.n;
    memset(&opts, 0, sizeof(opts));
    opts.max_suspects = max_suspects > 0 ? (size_t)max_suspects : 0;
    opts.max_types = max_types > 0 ? (size_t)max_types : 0;
    hs_py_error_clear(&err);
    for (size_t i = 0; i < n; i++) {
        d.graphs[i]->readers++;
    }
    Py_BEGIN_ALLOW_THREADS
    l = hs_leaks_new(d.gs, n, &opts, &err);
    Py_END_ALLOW_THREADS
    for (size_t i = 0; i < n; i++) {
        d.graphs[i]->readers--;
    }
    if (!l) {
        hs_py_raise(hs_py_graph_state(self), &err);
        goto out;
    }
    out = report_dict(d.graphs, n, l);
out:
    hs_leaks_free(l);
    hs_py_dumps_release(&d);
    return out;
}
