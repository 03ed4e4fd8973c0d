/*
 * hs_py_sql.c - Graph.sql_rows(query, later): one SQL statement over this
 * dump and later ones (hs_query, docs/query.md), as Python data.
 *
 * Each call is a session of its own, so nothing outlives it: the
 * dominator tree or diff a statement needs is made for that statement.
 * Steps run with the GIL released (the graphs count a reader, so no pass
 * rewrites them meanwhile); each row is converted with the GIL held.
 */
#include "hs_py.h"

#include <string.h>

static PyObject *
value_object(const hs_query_value *v)
{
    switch (v->type) {
    case HS_QUERY_INT: return PyLong_FromLongLong(v->i);
    case HS_QUERY_REAL: return PyFloat_FromDouble(v->r);
    case HS_QUERY_TEXT:
        return PyUnicode_DecodeUTF8(v->s, (Py_ssize_t)v->len, "replace");
    case HS_QUERY_BLOB:
        return PyBytes_FromStringAndSize(v->s, (Py_ssize_t)v->len);
    default: Py_RETURN_NONE;
    }
}

static PyObject *
row_tuple(hs_query_stmt *st)
{
    size_t n = hs_query_column_count(st);
    PyObject *row = PyTuple_New((Py_ssize_t)n);
    hs_query_value v;
    for (size_t i = 0; row && i < n; i++) {
        PyObject *item;
        hs_query_column(st, i, &v);
        if (!(item = value_object(&v))) {
            Py_CLEAR(row);
            break;
        }
        PyTuple_SET_ITEM(row, (Py_ssize_t)i, item);
    }
    return row;
}

static PyObject *
column_names(hs_query_stmt *st)
{
    size_t n = hs_query_column_count(st);
    PyObject *names = PyTuple_New((Py_ssize_t)n);
    for (size_t i = 0; names && i < n; i++) {
        PyObject *s = PyUnicode_FromString(hs_query_column_name(st, i));
        if (!s) {
            Py_CLEAR(names);
            break;
        }
        PyTuple_SET_ITEM(names, (Py_ssize_t)i, s);
    }
    return names;
}

/* (columns, rows) of st, stepped to its end. */
static PyObject *
run(hs_py_graph *self, hs_query_stmt *st, hs_error *err)
{
    PyObject *rows = PyList_New(0), *names = column_names(st), *row;
    int rc = 1;
    while (rows && names) {
        HS_PY_READ_UNLOCKED(self, rc = hs_query_step(st, err));
        if (rc != 1) {
            break;
        }
        row = row_tuple(st);
        if (!row || PyList_Append(rows, row) < 0) {
            Py_XDECREF(row);
            Py_CLEAR(rows);
            break;
        }
        Py_DECREF(row);
    }
    if (rc < 0) {
        hs_py_raise(hs_py_graph_state(self), err);
        Py_CLEAR(rows);
    }
    if (!rows || !names) {
        Py_XDECREF(rows);
        Py_XDECREF(names);
        return NULL;
    }
    return Py_BuildValue("(NN)", names, rows);
}

/* Compiles the one statement of sql and runs it. */
static PyObject *
query(hs_py_graph *self, hs_query *q, const char *sql, Py_ssize_t len)
{
    hs_query_stmt *st = NULL, *extra = NULL;
    size_t used, rest;
    hs_error err;
    PyObject *out;
    hs_py_error_clear(&err);
    if (hs_query_prepare(q, sql, (size_t)len, &used, &st, &err) < 0
        || (st && hs_query_prepare(q, sql + used, (size_t)len - used, &rest,
                                   &extra, &err) < 0)) {
        hs_query_stmt_free(st);
        return hs_py_raise(hs_py_graph_state(self), &err);
    }
    if (!st || extra) {
        hs_query_stmt_free(st);
        hs_query_stmt_free(extra);
        PyErr_SetString(PyExc_ValueError, "sql: give one statement");
        return NULL;
    }
    out = run(self, st, &err);
    hs_query_stmt_free(st);
    return out;
}

const char hs_py_sql_doc[] =
"sql_rows(query, later)\n--\n\n"
"Runs one SQL statement (SQLite's) over this dump (dump 1) and the Graphs\n"
"in later (dumps 2, 3, ..., in run order) through the tables of\n"
"`heapscope query` (docs/query.md): a pair (column names, list of row\n"
"tuples). Read-only: writes, ATTACH, pragmas and extensions raise\n"
"HeapscopeError.";

PyObject *
hs_py_graph_sql(PyObject *op, PyObject *args)
{
    hs_py_graph *self = (hs_py_graph *)op;
    PyObject *later, *out = NULL;
    const char *sql;
    Py_ssize_t len;
    hs_py_dumps d;
    hs_query *q = NULL;
    hs_error err;
    if (!PyArg_ParseTuple(args, "s#O:sql_rows", &sql, &len, &later)) {
        return NULL;
    }
    if (hs_py_dumps_collect(self, later, "sql", 0, &d) < 0) {
        goto out;
    }
    hs_py_error_clear(&err);
    if (!(q = hs_query_new(d.gs, NULL, d.n, &err))) {
        hs_py_raise(hs_py_graph_state(self), &err);
    } else {
        out = query(self, q, sql, len);
    }
out:
    hs_query_free(q);
    hs_py_dumps_release(&d);
    return out;
}
