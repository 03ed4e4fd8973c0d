/*
 * hs_refs.c - what one object's record says: name, len, value and refs.
 *
 * Refs are what the type's tp_traverse visits, in order (docs/format.md 2),
 * with two rewrites that keep attribute and key names in the dump (6):
 *
 *   dicts (and subclasses): the dict part of the traversal is replaced by
 *     key, value pairs from PyDict_Next, in iteration order. A subclass's
 *     own traversal (its __dict__, type, default_factory, ...) comes first:
 *     every dict subclass's traverse ends by calling dict's, so the number
 *     of refs dict's traverse would add is counted and left off the end.
 *   instances with 3.11+ inline values: the run of attribute values that
 *     subtype_traverse visits after the __slots__ values is replaced by one
 *     ref to a synthetic dict record (see hs_inline.c). The run is checked
 *     against the values array first; if it does not match, the instance
 *     is written exactly as traversed.
 *
 * Only objects the collector would traverse are traversed (PyObject_IS_GC
 * semantics: a static type is not, so its refs are [] as in meliae).
 */
#include "hs_dumper.h"
#include "hs_sites.h"

#if PY_VERSION_HEX < 0x030B0000
#include <frameobject.h>
#endif

#include <stdio.h>
#include <stdlib.h>

static traverseproc subtype_traverse;

int
hs_refs_init(void)
{
    PyObject *probe;

    if (subtype_traverse != NULL) {
        return 0;
    }
    /* subtype_traverse is static in typeobject.c; every class made by a
     * class statement uses it, so make one and read its slot. The probe
     * is released here and collected as ordinary garbage. */
    probe = PyObject_CallFunction((PyObject *)&PyType_Type, "s(){}",
                                  "_heapscope_probe");
    if (probe == NULL) {
        return -1;
    }
    subtype_traverse = ((PyTypeObject *)probe)->tp_traverse;
    Py_DECREF(probe);
    return hs_sizeof_init();
}

/* MARK: traversal visitors */

typedef struct emit_state {
    hs_walk *wk;
    hs_record *r;
    Py_ssize_t index;       /* non-NULL visits so far */
    Py_ssize_t limit;       /* stop before this index; -1: no limit */
    int subst;              /* replace [from, from + count) by one ref */
    int subst_done;
    Py_ssize_t from;
    Py_ssize_t count;
    uintptr_t subst_addr;
    PyObject *subst_obj;    /* pushed when not NULL */
} emit_state;

static void
emit(emit_state *es, uintptr_t addr, PyObject *op)
{
    hs_record_ref(es->r, addr);
    if (op != NULL && hs_walk_reach(es->wk, op) < 0) {
        es->wk->failed = 1;
    }
}

static void
emit_subst(emit_state *es)
{
    es->subst_done = 1;
    emit(es, es->subst_addr, es->subst_obj);
}

static int
visit_emit(PyObject *op, void *arg)
{
    emit_state *es = arg;
    Py_ssize_t i;

    if (op == NULL) {
        return 0;
    }
    i = es->index++;
    if (es->limit >= 0 && i >= es->limit) {
        return 1;
    }
    if (es->subst && !es->subst_done && i >= es->from) {
        emit_subst(es);
    }
    if (es->subst && i >= es->from && i < es->from + es->count) {
        return 0;
    }
    emit(es, (uintptr_t)op, op);
    return 0;
}

static int
visit_count(PyObject *op, void *arg)
{
    if (op != NULL) {
        ++*(Py_ssize_t *)arg;
    }
    return 0;
}

typedef struct check_state {
    Py_ssize_t index;
    Py_ssize_t from;
    const hs_inline *iv;
    Py_ssize_t slot;        /* next values slot to match */
    int ok;
} check_state;

static int
visit_check(PyObject *op, void *arg)
{
    check_state *cs = arg;
    Py_ssize_t i;

    if (op == NULL) {
        return 0;
    }
    i = cs->index++;
    if (i >= cs->from && i < cs->from + cs->iv->nvalues) {
        while (cs->slot < cs->iv->nslots && cs->iv->slots[cs->slot] == NULL) {
            cs->slot++;
        }
        if (cs->slot >= cs->iv->nslots || cs->iv->slots[cs->slot] != op) {
            cs->ok = 0;
            return 1;
        }
        cs->slot++;
    }
    return 0;
}

static int
is_traversable(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);

    return PyType_IS_GC(tp) && tp->tp_traverse != NULL
           && (tp->tp_is_gc == NULL || tp->tp_is_gc(op));
}

static void
emit_traverse(emit_state *es, PyObject *op)
{
    Py_TYPE(op)->tp_traverse(op, visit_emit, es);
    if (es->subst && !es->subst_done) {
        emit_subst(es);
    }
}

/* MARK: dicts */

static void
emit_items(hs_walk *wk, hs_record *r, PyObject *dict)
{
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    emit_state es = {wk, r, 0, -1, 0, 0, 0, 0, 0, NULL};

    while (PyDict_Next(dict, &pos, &key, &value)) {
        emit(&es, (uintptr_t)key, key);
        emit(&es, (uintptr_t)value, value);
    }
}

static void
dict_refs(hs_walk *wk, hs_record *r, PyObject *op)
{
    if (!PyDict_CheckExact(op)) {
        Py_ssize_t total = 0, tail = 0;
        emit_state es = {wk, r, 0, 0, 0, 0, 0, 0, 0, NULL};

        Py_TYPE(op)->tp_traverse(op, visit_count, &total);
        PyDict_Type.tp_traverse(op, visit_count, &tail);
        es.limit = total - tail > 0 ? total - tail : 0;
        if (es.limit > 0) {
            Py_TYPE(op)->tp_traverse(op, visit_emit, &es);
        }
    }
    emit_items(wk, r, op);
}

/* MARK: instances with inline values */

static void
write_inline_dict(hs_walk *wk, PyObject *owner, const hs_inline *iv)
{
    hs_record r;
    Py_ssize_t i;
    emit_state es = {wk, &r, 0, -1, 0, 0, 0, 0, 0, NULL};

    hs_record_begin_named(&r, wk->w, (uintptr_t)iv->addr, "dict", iv->size);
    hs_record_key(&r, "len");
    hs_record_int(&r, iv->nvalues);
    hs_record_refs_begin(&r);
    for (i = 0; i < iv->nvalues; i++) {
        PyObject *key, *value;
        if (hs_inline_item(owner, iv, i, &key, &value)) {
            emit(&es, (uintptr_t)key, key);
            emit(&es, (uintptr_t)value, value);
        }
    }
    hs_record_end(&r);
    wk->stats.objects++;
    wk->stats.inline_dicts++;
}

/* Returns 1 when op was written with a dict substituted (and, for a
 * synthetic dict, sets *iv_out so the caller writes that record next). */
static int
inline_refs(hs_walk *wk, hs_record *r, PyObject *op, hs_inline *iv)
{
    check_state cs;
    emit_state es = {wk, r, 0, -1, 1, 0, 0, 0, 0, NULL};

    if (!hs_inline_get(op, iv)) {
        return 0;
    }
    cs.index = 0;
    cs.from = hs_slots_scan(op, subtype_traverse, NULL);
    cs.iv = iv;
    cs.slot = 0;
    cs.ok = 1;
    Py_TYPE(op)->tp_traverse(op, visit_check, &cs);
    if (!cs.ok || cs.index < cs.from + iv->nvalues) {
        return 0;
    }
    es.from = cs.from;
    es.count = iv->nvalues;
    if (iv->dict != NULL) {
        es.subst_addr = (uintptr_t)iv->dict;
        es.subst_obj = iv->dict;
    }
    else {
        es.subst_addr = (uintptr_t)iv->addr;
    }
    emit_traverse(&es, op);
    return 1;
}

/* MARK: name, len and value */

static PyObject *
module_name(PyObject *op)
{
    PyObject *dict = PyModule_GetDict(op);
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    /* A scan, not a lookup: a lookup may call a key's __eq__. */
    while (dict != NULL && PyDict_Next(dict, &pos, &key, &value)) {
        if (PyUnicode_CheckExact(key)
            && PyUnicode_CompareWithASCIIString(key, "__name__") == 0) {
            return PyUnicode_Check(value) ? value : NULL;
        }
    }
    return NULL;
}

static void
write_float(hs_record *r, double v)
{
    char text[HS_FLOAT_TEXT];

    hs_float_text(text, v);
    hs_record_ascii(r, text);
}

static PyObject *
code_name(PyCodeObject *co)
{
#if PY_VERSION_HEX >= 0x030B0000
    return co->co_qualname;
#else
    return co->co_name;
#endif
}

static void
write_name(hs_record *r, PyObject *op)
{
    PyObject *name = NULL;

    if (PyType_Check(op)) {
        PyTypeObject *tp = (PyTypeObject *)op;
        if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            hs_record_key(r, "name");
            hs_record_utf8(r, tp->tp_name);
            return;
        }
        name = ((PyHeapTypeObject *)tp)->ht_qualname;
    }
    else if (PyModule_Check(op)) {
        name = module_name(op);
    }
    else if (PyFunction_Check(op)) {
        name = ((PyFunctionObject *)op)->func_qualname;
    }
    else if (PyCode_Check(op)) {
        name = code_name((PyCodeObject *)op);
    }
    if (name != NULL && PyUnicode_Check(name)) {
        hs_record_key(r, "name");
        hs_record_str(r, name);
    }
}

static void
write_frame_value(hs_record *r, PyObject *op)
{
#if PY_VERSION_HEX >= 0x030B0000
    PyCodeObject *co = PyFrame_GetCode((PyFrameObject *)op);   /* strong */
    hs_record_key(r, "value");
    hs_record_str(r, code_name(co));
    Py_DECREF(co);
#else
    hs_record_key(r, "value");
    hs_record_str(r, code_name(((PyFrameObject *)op)->f_code));
#endif
}

/* The number of items the builtin's C structure holds, for subclasses as
 * for the builtin itself: what the builtin's own len() says and what the
 * record's refs list. Never len(op), which would call a subclass's
 * __len__ (platform.uname_result's runs `uname -p`). */
static Py_ssize_t
builtin_len(PyObject *op)
{
    if (PyTuple_Check(op) || PyList_Check(op)) {
        return Py_SIZE(op);
    }
    if (PyAnySet_Check(op)) {
        return ((PySetObject *)op)->used;
    }
    return ((PyDictObject *)op)->ma_used;
}

static void
write_len_value(hs_record *r, PyObject *op)
{
    if (PyBytes_Check(op)) {
        hs_record_key(r, "len");
        hs_record_int(r, PyBytes_GET_SIZE(op));
        hs_record_key(r, "value");
        hs_record_bytes(r, PyBytes_AS_STRING(op), PyBytes_GET_SIZE(op));
    }
    else if (PyUnicode_Check(op)) {
#if PY_VERSION_HEX < 0x030C0000
        if (!PyUnicode_IS_READY(op)) {
            return;
        }
#endif
        hs_record_key(r, "len");
        hs_record_int(r, PyUnicode_GET_LENGTH(op));
        hs_record_key(r, "value");
        hs_record_str(r, op);
    }
    else if (PyBool_Check(op)) {
        hs_record_key(r, "value");
        hs_record_ascii(r, op == Py_True ? "True" : "False");
    }
    else if (PyLong_Check(op)) {
        hs_record_key(r, "value");
        hs_bigint_write_value(r, op);
    }
    else if (PyFloat_Check(op)) {
        hs_record_key(r, "value");
        write_float(r, PyFloat_AS_DOUBLE(op));
    }
    else if (PyTuple_Check(op) || PyList_Check(op) || PyAnySet_Check(op)
             || PyDict_Check(op)) {
        hs_record_key(r, "len");
        hs_record_int(r, builtin_len(op));
    }
    else if (PyFrame_Check(op)) {
        write_frame_value(r, op);
    }
}

/* MARK: the record */

int
hs_refs_write(hs_walk *wk, PyObject *op)
{
    hs_record r;
    hs_inline iv;
    int synthetic = 0;
    uint32_t tb = hs_sites_of(wk, op);

    hs_record_begin(&r, wk->w, (uintptr_t)op, Py_TYPE(op), hs_sizeof(op));
    write_name(&r, op);
    write_len_value(&r, op);
    hs_record_refs_begin(&r);
    if (PyDict_Check(op)) {
        dict_refs(wk, &r, op);
    }
    else if (is_traversable(op)) {
        if (inline_refs(wk, &r, op, &iv)) {
            synthetic = iv.dict == NULL;
        }
        else {
            emit_state es = {wk, &r, 0, -1, 0, 0, 0, 0, 0, NULL};
            emit_traverse(&es, op);
        }
        if (!wk->meliae_keys) {
            hs_slots_scan(op, subtype_traverse, &r);
        }
    }
    hs_sites_end_record(&r, tb);
    wk->stats.objects++;
    if (synthetic) {
        write_inline_dict(wk, op, &iv);
    }
    return wk->failed || wk->w->err ? -1 : 0;
}
