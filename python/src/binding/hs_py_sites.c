/*
 * hs_py_sites.c - Graph.site_summary(depth): live objects by allocation
 * site (hs_site_summary_new), for om.summarize(by="site").
 */
#include "hs_py.h"

typedef struct site_ctx {
    const hs_graph *g;
    const hs_site_summary *s;
    const hs_site_stat *row;
} site_ctx;

static PyObject *
frame_at(const void *ctx, size_t k)
{
    const site_ctx *c = ctx;
    size_t len;
    uint32_t line;
    const char *file = hs_frame_file(c->g, c->row->frames[k], &len, &line);
    return Py_BuildValue("(NI)",
                         PyUnicode_DecodeUTF8(file, (Py_ssize_t)len,
                                              "replace"),
                         (unsigned int)line);
}

/* (frames oldest first, count, size) */
static PyObject *
row_at(const void *ctx, size_t i)
{
    site_ctx c = *(const site_ctx *)ctx;
    c.row = hs_site_summary_at(c.s, i);
    return Py_BuildValue("(NKK)", hs_py_list(c.row->nframes, frame_at, &c),
                         c.row->count, c.row->size);
}

const char hs_py_site_summary_doc[] =
    "site_summary(depth=1)\n--\n\n"
    "Live objects by allocation site, the last depth frames of their\n"
    "tracemalloc traceback: ([(frames, count, size), ...] by size,\n"
    "(objects, size, untraced objects, untraced size)).";

PyObject *
hs_py_graph_site_summary(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    Py_ssize_t depth = 1;
    hs_site_summary *s;
    hs_error err;
    uint64_t count, size, ucount, usize;
    site_ctx c;
    PyObject *rows;
    if (!PyArg_ParseTuple(args, "|n:site_summary", &depth)) {
        return NULL;
    }
    if (depth < 1) {
        PyErr_SetString(PyExc_ValueError, "site_summary: depth must be >= 1");
        return NULL;
    }
    if (hs_py_graph_check_read(self) < 0) {
        return NULL;
    }
    hs_py_error_clear(&err);
    if (!(s = hs_site_summary_new(self->g, (size_t)depth, &err))) {
        return hs_py_raise(hs_py_graph_state(self), &err);
    }
    c = (site_ctx){self->g, s, NULL};
    rows = hs_py_list(hs_site_summary_rows(s), row_at, &c);
    hs_site_summary_totals(s, &count, &size, &ucount, &usize);
    hs_site_summary_free(s);
    if (!rows) {
        return NULL;
    }
    return Py_BuildValue("(N(KKKK))", rows, count, size, ucount, usize);
}
