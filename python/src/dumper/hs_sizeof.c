/*
 * hs_sizeof.c - sys.getsizeof() computed in C.
 *
 * sys.getsizeof(o) looks up type(o).__sizeof__, calls it and adds the
 * memory in front of the object (GC header, 3.11+ pre-header). Calling it
 * from the walk would run Python code for classes that define __sizeof__
 * and create an int per object, so the dumper finds which C function
 * implements __sizeof__ for the type and evaluates the same formula here:
 *
 *   object.__sizeof__   basicsize + itemsize * ob_size   (most objects)
 *   int, str, list, set, frozenset, dict, type   their own formulas below
 *
 * NOTE: about the one exception. For other C implementations defined by
 * CPython itself (code, frame, generator, deque, the _io buffers,
 * _struct.Struct, ctypes types, OrderedDict, array, Decimal, Element, ...:
 * any whose code lies in the interpreter's binary or in a shared object of
 * the standard library, hs_stdlib.c) the C function is
 * called directly: it is pure C arithmetic on the object and cannot run
 * Python code, but it returns a new int, which is released at once (ints
 * below 257 are cached and allocate nothing). hs_sizeof_ccalls counts
 * these calls. A __sizeof__ written in Python, or implemented in C by a
 * third-party extension, is never called: such objects get the next
 * __sizeof__ up their MRO that is evaluated here (their builtin base's,
 * object's at the latest), which is what the C structure occupies.
 * Finding __sizeof__ runs no code either: see is_sizeof_name.
 *
 * The formulas follow each version's Objects/ *object.c; dict and type
 * sizes read the dict keys layout, which is internal (and which 3.8-3.10
 * do not even install in a header: see struct keys_310).
 */
#define Py_BUILD_CORE 1
#include "hs_dumper.h"

#include <string.h>

#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_gc.h"     /* PyGC_Head left the public headers */
#endif
#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"
#endif
#if PY_VERSION_HEX >= 0x030C0000
#include "internal/pycore_typeobject.h"  /* _PyType_GetDict */
#endif
#if PY_VERSION_HEX >= 0x030D0000
#include "internal/pycore_sysmodule.h"   /* _PySys_GetSizeOf */
#endif
#if PY_VERSION_HEX < 0x030B0000
#include <longintrepr.h>
#endif

size_t hs_sizeof_ccalls;

typedef enum size_kind {
    SK_OBJECT = 0,   /* object.__sizeof__ or not callable from here */
    SK_INT,
    SK_STR,
    SK_LIST,
    SK_SET,
    SK_DICT,
    SK_TYPE,
    SK_CCALL         /* a vetted CPython C implementation, called */
} size_kind;

static PyObject *sizeof_name;       /* interned "__sizeof__" */
#if PY_VERSION_HEX >= 0x030C0000
static Py_ssize_t static_type_presize;
#endif
static PyCFunction known_meth[SK_CCALL];

/* The calling conventions a vetted __sizeof__ may use. */
#define CONV_NOARGS 1
#define CONV_METHOD 2   /* METH_METHOD | METH_FASTCALL | METH_KEYWORDS */

/* type -> (kind, C function), for the dump's duration: a dump asks for
 * the same types millions of times, and classifying one scans the dicts
 * of its MRO. An open-addressing table kept at most half full, grown as
 * types appear (a direct-mapped cache thrashed on heaps with thousands
 * of classes); without memory for it every lookup classifies afresh. */
typedef struct size_entry {
    PyTypeObject *type;     /* NULL: empty slot */
    size_kind kind;
    int conv;
    PyCFunction meth;
    PyTypeObject *owner;    /* defining class, for CONV_METHOD */
} size_entry;

#define TABLE_INITIAL 1024
static size_entry *table;
static size_t table_mask;   /* slots - 1 (a power of two) */
static size_t table_used;

static PyCFunction
meth_of(PyObject *descr)
{
    if (descr == NULL || !Py_IS_TYPE(descr, &PyMethodDescr_Type)) {
        return NULL;
    }
    return ((PyMethodDescrObject *)descr)->d_method->ml_meth;
}

/* MARK: finding type(op).__sizeof__ without running code
 *
 * _PyType_Lookup finds it as sys.getsizeof does, but on a method cache
 * miss it looks the name up in each class dict by hash, and a key of
 * equal hash (a class namespace may hold any key) makes that lookup call
 * the key's __eq__. So the MRO is walked here and each class dict
 * scanned with PyDict_Next, keys compared as strings in C. */

/* A key the dict lookup would take for "__sizeof__": the interned name,
 * or a str with str's own == and hash (exact, or a subclass that does
 * not override them) holding those ten characters. A key overriding
 * __eq__ or __hash__ would decide by running code: it never matches. */
static int
is_sizeof_name(PyObject *key)
{
    if (key == sizeof_name) {
        return 1;
    }
    if (!PyUnicode_Check(key)
        || Py_TYPE(key)->tp_richcompare != PyUnicode_Type.tp_richcompare
        || Py_TYPE(key)->tp_hash != PyUnicode_Type.tp_hash) {
        return 0;
    }
#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(key)) {
        return 0;   /* readying it would allocate */
    }
#endif
    return PyUnicode_GET_LENGTH(key) == 10
           && PyUnicode_KIND(key) == PyUnicode_1BYTE_KIND
           && memcmp(PyUnicode_DATA(key), "__sizeof__", 10) == 0;
}

/* The __sizeof__ defined by tp itself (borrowed), or NULL. */
static PyObject *
own_sizeof(PyTypeObject *tp)
{
#if PY_VERSION_HEX >= 0x030C0000
    /* 3.12 keeps static builtin types' dicts in the interpreter. */
    PyObject *dict = _PyType_GetDict(tp);
#else
    PyObject *dict = tp->tp_dict;
#endif
    PyObject *key, *value;
    Py_ssize_t pos = 0;

    if (dict == NULL || !PyDict_Check(dict)) {
        return NULL;
    }
    while (PyDict_Next(dict, &pos, &key, &value)) {
        if (is_sizeof_name(key)) {
            return value;
        }
    }
    return NULL;
}

static PyCFunction
type_meth(PyTypeObject *tp)
{
    return meth_of(own_sizeof(tp));
}

int
hs_sizeof_init(void)
{
    if (sizeof_name == NULL) {
        sizeof_name = PyUnicode_InternFromString("__sizeof__");
        if (sizeof_name == NULL) {
            return -1;
        }
        known_meth[SK_OBJECT] = type_meth(&PyBaseObject_Type);
        known_meth[SK_INT] = type_meth(&PyLong_Type);
        known_meth[SK_STR] = type_meth(&PyUnicode_Type);
        known_meth[SK_LIST] = type_meth(&PyList_Type);
        known_meth[SK_SET] = type_meth(&PySet_Type);
        known_meth[SK_DICT] = type_meth(&PyDict_Type);
        known_meth[SK_TYPE] = type_meth(&PyType_Type);
        if (hs_stdlib_init() < 0) {
            return -1;
        }
#if PY_VERSION_HEX >= 0x030C0000
        /* Whether getsizeof counts a GC header for static types changed
         * within 3.12's patch releases (3.12.1 does, later ones do not),
         * so ask the running interpreter once, outside any walk. */
        static_type_presize = (Py_ssize_t)_PySys_GetSizeOf(
                                  (PyObject *)&PyLong_Type)
                              - (Py_ssize_t)sizeof(PyTypeObject);
        if (PyErr_Occurred()) {
            return -1;
        }
#endif
    }
    hs_sizeof_release();
    hs_stdlib_refresh();   /* modules may have been loaded since */
    table = hsd_calloc(TABLE_INITIAL, sizeof(size_entry));
    table_mask = table != NULL ? TABLE_INITIAL - 1 : 0;
    hs_sizeof_ccalls = 0;
    return 0;
}

void
hs_sizeof_release(void)
{
    if (table != NULL) {
        hsd_free(table, (table_mask + 1) * sizeof(size_entry));
    }
    table = NULL;
    table_mask = 0;
    table_used = 0;
}

static size_t
slot_of(const size_entry *t, size_t mask, const PyTypeObject *tp)
{
    /* Fibonacci hashing: types sit about a kilobyte apart. */
    size_t i = (size_t)(((uint64_t)(uintptr_t)tp * 0x9E3779B97F4A7C15ull)
                        >> 32) & mask;

    while (t[i].type != NULL && t[i].type != tp) {
        i = (i + 1) & mask;
    }
    return i;
}

/* Doubles the table; keeps the old one if memory runs out. */
static void
grow(void)
{
    size_t n = (table_mask + 1) * 2, i;
    size_entry *t = hsd_calloc(n, sizeof(size_entry));

    if (t == NULL) {
        return;
    }
    for (i = 0; i <= table_mask; i++) {
        if (table[i].type != NULL) {
            t[slot_of(t, n - 1, table[i].type)] = table[i];
        }
    }
    hsd_free(table, (table_mask + 1) * sizeof(size_entry));
    table = t;
    table_mask = n - 1;
}

static int
convention(const PyMethodDef *ml)
{
    int flags = ml->ml_flags & ~(METH_CLASS | METH_STATIC | METH_COEXIST);

    if (flags == METH_NOARGS) {
        return CONV_NOARGS;
    }
#ifdef METH_METHOD
    if (flags == (METH_METHOD | METH_FASTCALL | METH_KEYWORDS)) {
        return CONV_METHOD;   /* Argument Clinic's defining_class form */
    }
#endif
    return 0;
}

/* 1 when descr, a __sizeof__ found in tp's MRO, is a C implementation
 * this module evaluates for tp's objects; fills *kind and the call. */
static int
usable(PyTypeObject *tp, PyObject *descr, size_kind *kind, PyCFunction *meth,
       PyTypeObject **owner, int *conv)
{
    PyCFunction m = meth_of(descr);
    PyTypeObject *d_type;
    int k;

    if (m == NULL) {
        return 0;   /* absent, or written in Python: never called */
    }
    /* A builtin's __sizeof__ copied into a class without its layout
     * (`__sizeof__ = list.__sizeof__`): sys.getsizeof raises TypeError,
     * and the formula would read memory the object does not have. */
    d_type = ((PyDescrObject *)descr)->d_type;
    if (!PyType_IsSubtype(tp, d_type)) {
        return 0;
    }
    for (k = SK_OBJECT; k < SK_CCALL; k++) {
        if (m == known_meth[k]) {
            *kind = (size_kind)k;
            return 1;
        }
    }
    *owner = d_type;
    *conv = convention(((PyMethodDescrObject *)descr)->d_method);
    if (hs_stdlib_owns((const void *)m) && *conv != 0) {
        *kind = SK_CCALL;
        *meth = m;
        return 1;
    }
    return 0;   /* a third-party C implementation: never called */
}

/* The first usable C __sizeof__ in tp's MRO decides. Where a class
 * overrides __sizeof__ in Python (or with an unvetted or foreign C
 * function), that is the one its nearest builtin base implements: the
 * size of the C structure, which is all the dumper can know without
 * running the override. */
static void
classify(PyTypeObject *tp, size_kind *kind, PyCFunction *meth,
         PyTypeObject **owner, int *conv)
{
    PyObject *mro = tp->tp_mro;
    Py_ssize_t i;

    *kind = SK_OBJECT;
    *meth = NULL;
    /* Some static types never go through PyType_Ready (3.8's
     * functools._lru_list_elem and unicodedata.UCD have instances all the
     * same); their dicts do not exist yet. */
    if (!(tp->tp_flags & Py_TPFLAGS_READY) || mro == NULL
        || !PyTuple_Check(mro)) {
        return;
    }
    for (i = 0; i < PyTuple_GET_SIZE(mro); i++) {
        PyObject *base = PyTuple_GET_ITEM(mro, i);
        if (PyType_Check(base)
            && usable(tp, own_sizeof((PyTypeObject *)base), kind, meth,
                      owner, conv)) {
            return;
        }
    }
}

/* MARK: formulas */

static Py_ssize_t
object_size(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    Py_ssize_t res = tp->tp_basicsize;

    if (tp->tp_itemsize > 0) {
        res += Py_SIZE(op) * tp->tp_itemsize;
    }
    return res;
}

static Py_ssize_t
int_size(PyObject *op)
{
#if PY_VERSION_HEX >= 0x030C0000
    Py_ssize_t n = (Py_ssize_t)(((PyLongObject *)op)->long_value.lv_tag >> 3);
    return (Py_ssize_t)offsetof(PyLongObject, long_value.ob_digit)
           + (Py_ssize_t)sizeof(digit) * (n > 1 ? n : 1);
#else
    Py_ssize_t n = Py_SIZE(op) < 0 ? -Py_SIZE(op) : Py_SIZE(op);
#if PY_VERSION_HEX >= 0x030B0000
    /* 3.11 always allocates one digit, even for zero. */
    n = n > 1 ? n : 1;
#endif
    return (Py_ssize_t)offsetof(PyLongObject, ob_digit)
           + (Py_ssize_t)sizeof(digit) * n;
#endif
}

static Py_ssize_t
str_size(PyObject *op)
{
    Py_ssize_t size;

#if PY_VERSION_HEX < 0x030C0000
    if (!PyUnicode_IS_READY(op)) {
        return (Py_ssize_t)sizeof(PyUnicodeObject);
    }
#endif
    if (PyUnicode_IS_COMPACT_ASCII(op)) {
        size = (Py_ssize_t)sizeof(PyASCIIObject) + PyUnicode_GET_LENGTH(op) + 1;
    }
    else if (PyUnicode_IS_COMPACT(op)) {
        size = (Py_ssize_t)sizeof(PyCompactUnicodeObject)
               + (PyUnicode_GET_LENGTH(op) + 1) * PyUnicode_KIND(op);
    }
    else {
        size = (Py_ssize_t)sizeof(PyUnicodeObject);
        if (((PyUnicodeObject *)op)->data.any != NULL) {
            size += (PyUnicode_GET_LENGTH(op) + 1) * PyUnicode_KIND(op);
        }
    }
#if PY_VERSION_HEX < 0x030C0000
    /* The wchar_t cache, unless it is the canonical data itself. */
    if (((PyASCIIObject *)op)->wstr != NULL
        && (void *)((PyASCIIObject *)op)->wstr != PyUnicode_DATA(op)) {
        size += (Py_ssize_t)((((PyCompactUnicodeObject *)op)->wstr_length + 1)
                             * sizeof(wchar_t));
    }
#endif
    /* The UTF-8 cache, unless the string is ASCII (then it is the data). */
    if (!PyUnicode_IS_COMPACT_ASCII(op)
        && ((PyCompactUnicodeObject *)op)->utf8 != NULL
        && (void *)((PyCompactUnicodeObject *)op)->utf8 != PyUnicode_DATA(op)) {
        size += ((PyCompactUnicodeObject *)op)->utf8_length + 1;
    }
    return size;
}

static Py_ssize_t
list_size(PyObject *op)
{
    return Py_TYPE(op)->tp_basicsize
           + ((PyListObject *)op)->allocated * (Py_ssize_t)sizeof(void *);
}

static Py_ssize_t
set_size(PyObject *op)
{
    PySetObject *so = (PySetObject *)op;
    Py_ssize_t res = Py_TYPE(op)->tp_basicsize;

    if (so->table != so->smalltable) {
        res += (so->mask + 1) * (Py_ssize_t)sizeof(setentry);
    }
    return res;
}

#define USABLE_FRACTION(n) (((n) << 1) / 3)

#if PY_VERSION_HEX < 0x030B0000

/* Objects/dict-common.h of 3.8-3.10, which is not installed. */
struct keys_310 {
    Py_ssize_t dk_refcnt;
    Py_ssize_t dk_size;
    void *dk_lookup;
    Py_ssize_t dk_usable;
    Py_ssize_t dk_nentries;
};

static Py_ssize_t
keys_size(PyDictKeysObject *keys)
{
    const struct keys_310 *k = (const struct keys_310 *)keys;
    Py_ssize_t n = k->dk_size;
    Py_ssize_t ix = n <= 0xff ? 1 : n <= 0xffff ? 2 : n <= 0xffffffffLL ? 4 : 8;

    /* entries: hash, key, value */
    return (Py_ssize_t)sizeof(struct keys_310) + ix * n
           + USABLE_FRACTION(n) * 3 * (Py_ssize_t)sizeof(void *);
}

static Py_ssize_t
dict_size(PyObject *op)
{
    PyDictObject *mp = (PyDictObject *)op;
    const struct keys_310 *k = (const struct keys_310 *)mp->ma_keys;
    Py_ssize_t res = Py_TYPE(op)->tp_basicsize;

    if (mp->ma_values != NULL) {
        res += USABLE_FRACTION(k->dk_size) * (Py_ssize_t)sizeof(PyObject *);
    }
    /* A split dict's keys are accounted for in its class. */
    if (k->dk_refcnt == 1) {
        res += keys_size(mp->ma_keys);
    }
    return res;
}

#else

static Py_ssize_t
keys_size(PyDictKeysObject *keys)
{
    size_t es = keys->dk_kind == DICT_KEYS_GENERAL ? sizeof(PyDictKeyEntry)
                                                   : sizeof(PyDictUnicodeEntry);

    return (Py_ssize_t)(sizeof(PyDictKeysObject)
                        + ((size_t)1 << keys->dk_log2_index_bytes)
                        + USABLE_FRACTION((size_t)1 << keys->dk_log2_size) * es);
}

static Py_ssize_t
dict_size(PyObject *op)
{
    PyDictObject *mp = (PyDictObject *)op;
    Py_ssize_t res = Py_TYPE(op)->tp_basicsize;

    /* Split values count even when 3.13 embeds them in the owner. */
    if (mp->ma_values != NULL) {
        res += (Py_ssize_t)((mp->ma_keys->dk_nentries + mp->ma_keys->dk_usable)
                            * sizeof(PyObject *));
    }
    if (mp->ma_keys->dk_refcnt == 1) {
        res += keys_size(mp->ma_keys);
    }
    return res;
}

#endif

static Py_ssize_t
type_size(PyObject *op)
{
    PyTypeObject *tp = (PyTypeObject *)op;
    Py_ssize_t res;

    if (!(tp->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        return (Py_ssize_t)sizeof(PyTypeObject);
    }
    res = (Py_ssize_t)sizeof(PyHeapTypeObject);
    if (((PyHeapTypeObject *)tp)->ht_cached_keys != NULL) {
        res += keys_size(((PyHeapTypeObject *)tp)->ht_cached_keys);
    }
    return res;
}

static Py_ssize_t
ccall_size(PyObject *op, PyCFunction meth, PyTypeObject *owner, int conv)
{
    PyObject *res;
    Py_ssize_t n;

#ifdef METH_METHOD
    if (conv == CONV_METHOD) {
        res = ((PyCMethod)(void (*)(void))meth)(op, owner, NULL, 0, NULL);
    }
    else
#endif
    {
        (void)owner;
        (void)conv;
        res = meth(op, NULL);
    }

    hs_sizeof_ccalls++;
    if (res == NULL) {
        PyErr_Clear();
        return object_size(op);
    }
    n = PyLong_AsSsize_t(res);
    Py_DECREF(res);
    if (n < 0) {
        PyErr_Clear();
        return object_size(op);
    }
    return n;
}

/* What _PySys_GetSizeOf adds in front of the object. */
static Py_ssize_t
presize(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);

#if PY_VERSION_HEX >= 0x030B0000
    Py_ssize_t n = 0;
#if PY_VERSION_HEX >= 0x030C0000
    /* 3.12+: static types are not allocated; see hs_sizeof_init. */
    if (tp == &PyType_Type
        && !(((PyTypeObject *)op)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
        return static_type_presize;
    }
    if (tp->tp_flags & (Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_MANAGED_WEAKREF)) {
        n += 2 * (Py_ssize_t)sizeof(PyObject *);
    }
#else
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        n += 2 * (Py_ssize_t)sizeof(PyObject *);
    }
#endif
    /* The type's GC flag, not tp_is_gc: static types count a header. */
    if (tp->tp_flags & Py_TPFLAGS_HAVE_GC) {
        n += (Py_ssize_t)sizeof(PyGC_Head);
    }
    return n;
#else
    if (PyType_IS_GC(tp) && (tp->tp_is_gc == NULL || tp->tp_is_gc(op))) {
        return (Py_ssize_t)sizeof(PyGC_Head);
    }
    return 0;
#endif
}

Py_ssize_t
hs_sizeof(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    size_entry fresh = {NULL, SK_OBJECT, 0, NULL, NULL}, *e = &fresh;
    Py_ssize_t size;

    if (table != NULL) {
        e = &table[slot_of(table, table_mask, tp)];
    }
    if (e->type != tp) {
        classify(tp, &e->kind, &e->meth, &e->owner, &e->conv);
        if (e != &fresh) {
            e->type = tp;
            if (++table_used * 2 > table_mask + 1) {
                fresh = *e;   /* e moves when the table grows */
                e = &fresh;
                grow();
            }
        }
    }
    switch (e->kind) {
    case SK_INT:
        size = int_size(op);
        break;
    case SK_STR:
        size = str_size(op);
        break;
    case SK_LIST:
        size = list_size(op);
        break;
    case SK_SET:
        size = set_size(op);
        break;
    case SK_DICT:
        size = dict_size(op);
        break;
    case SK_TYPE:
        size = type_size(op);
        break;
    case SK_CCALL:
        size = ccall_size(op, e->meth, e->owner, e->conv);
        break;
    default:
        size = object_size(op);
        break;
    }
    return size + presize(op);
}
