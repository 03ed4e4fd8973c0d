/*
 * hs_inline.c - instance attributes that live outside any dict (3.11+).
 *
 * Since 3.11 a plain instance keeps its attribute values in a "values"
 * array shared-keyed by its class (ht_cached_keys) and only builds a real
 * __dict__ when someone asks for it. Its tp_traverse then visits the bare
 * values, so a dump following tp_traverse loses every attribute name
 * (meliae's 3.11 dumps do). Touching obj.__dict__ would materialise the
 * dict, changing the heap being measured. Instead the dumper reads the
 * layout and writes the instance in the <= 3.10 shape (docs/format.md 6):
 * `[dict, type]`, where the dict is a synthetic record at the address of
 * the values storage whose refs are key, value pairs.
 *
 * The layout is internal and changed in every version:
 *   3.11  PyDictValues * four words before the object (NULL once a dict
 *         exists); order bytes and count just before the values array.
 *   3.12  a tagged pointer three words before the object: low bit set
 *         means values (pointer - 1), clear means a dict (or NULL).
 *   3.13  values inline after the object header (Py_TPFLAGS_INLINE_VALUES)
 *         with capacity/size/valid fields; a materialised dict may share
 *         them, and then tp_traverse still visits the values, not the
 *         dict, so the dict itself is substituted.
 * Each version's subtype_traverse visits __slots__ values first, then
 * values[0..n) with NULLs skipped, then the class; hs_refs.c replaces that
 * run of values with the one dict reference.
 */
#define Py_BUILD_CORE 1
#include "hs_dumper.h"

#if PY_VERSION_HEX >= 0x030B0000
#include "internal/pycore_dict.h"
#include "internal/pycore_object.h"
#endif

#if PY_VERSION_HEX >= 0x030B0000

static PyDictKeysObject *
cached_keys(PyObject *op)
{
    return ((PyHeapTypeObject *)Py_TYPE(op))->ht_cached_keys;
}

static Py_ssize_t
count_values(PyObject *const *values, Py_ssize_t n)
{
    Py_ssize_t i, k = 0;

    for (i = 0; i < n; i++) {
        k += values[i] != NULL;
    }
    return k;
}

#endif

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000

static PyDictValues *
values_of(PyObject *op)
{
#if PY_VERSION_HEX >= 0x030C0000
    PyDictOrValues dorv = *_PyObject_DictOrValuesPointer(op);
    return _PyDictOrValues_IsValues(dorv) ? _PyDictOrValues_GetValues(dorv)
                                          : NULL;
#else
    return *_PyObject_ValuesPointer(op);
#endif
}

int
hs_inline_get(PyObject *op, hs_inline *iv)
{
    PyDictValues *values;
    PyDictKeysObject *keys;
    size_t prefix;

    if (!(Py_TYPE(op)->tp_flags & Py_TPFLAGS_MANAGED_DICT)) {
        return 0;
    }
    values = values_of(op);
    keys = cached_keys(op);
    if (values == NULL || keys == NULL) {
        return 0;
    }
    /* values[-1] holds the prefix size (order bytes + 2, rounded up);
     * the block holds prefix + usable pointers (new_values() in
     * dictobject.c). */
    prefix = ((uint8_t *)values)[-1];
    iv->addr = values;
    iv->size = (Py_ssize_t)(prefix + (size_t)(keys->dk_nentries
                                              + keys->dk_usable)
                                         * sizeof(PyObject *));
    iv->dict = NULL;
    iv->slots = values->values;
    iv->nslots = keys->dk_nentries;
    iv->nvalues = count_values(iv->slots, iv->nslots);
    return 1;
}

int
hs_inline_item(PyObject *op, const hs_inline *iv, Py_ssize_t i,
               PyObject **key, PyObject **value)
{
    const uint8_t *v = (const uint8_t *)iv->addr;
    PyDictKeysObject *keys = cached_keys(op);
    Py_ssize_t used = v[-2], j, seen = 0;

    /* Order bytes run backwards from values[-3]; deleted attributes leave
     * a NULL value, so skip them while counting. */
    for (j = 0; j < used; j++) {
        uint8_t ix = v[-3 - j];
        if (ix >= keys->dk_nentries || iv->slots[ix] == NULL) {
            continue;
        }
        if (seen++ == i) {
            *key = DK_UNICODE_ENTRIES(keys)[ix].me_key;
            *value = iv->slots[ix];
            return 1;
        }
    }
    return 0;
}

#elif PY_VERSION_HEX >= 0x030D0000

int
hs_inline_get(PyObject *op, hs_inline *iv)
{
    PyTypeObject *tp = Py_TYPE(op);
    PyDictValues *values;

    if (!(tp->tp_flags & Py_TPFLAGS_INLINE_VALUES)
        || !(tp->tp_flags & Py_TPFLAGS_MANAGED_DICT)
        || cached_keys(op) == NULL) {
        return 0;
    }
    values = _PyObject_InlineValues(op);
    if (!values->valid) {
        return 0;   /* the managed dict owns the attributes */
    }
    iv->addr = values;
    iv->size = (Py_ssize_t)_PyInlineValuesSize(tp);
    iv->dict = (PyObject *)_PyObject_GetManagedDict(op);
    iv->slots = values->values;
    iv->nslots = values->capacity;
    iv->nvalues = count_values(iv->slots, iv->nslots);
    return 1;
}

int
hs_inline_item(PyObject *op, const hs_inline *iv, Py_ssize_t i,
               PyObject **key, PyObject **value)
{
    PyDictValues *values = (PyDictValues *)iv->addr;
    PyDictKeysObject *keys = cached_keys(op);
    const uint8_t *order = get_insertion_order_array(values);
    Py_ssize_t j, seen = 0;

    for (j = 0; j < values->size; j++) {
        uint8_t ix = order[j];
        if (ix >= keys->dk_nentries || ix >= values->capacity
            || values->values[ix] == NULL) {
            continue;
        }
        if (seen++ == i) {
            *key = DK_UNICODE_ENTRIES(keys)[ix].me_key;
            *value = values->values[ix];
            return 1;
        }
    }
    return 0;
}

#else /* 3.8 - 3.10: every instance dict is a real dict */

int
hs_inline_get(PyObject *op, hs_inline *iv)
{
    (void)op;
    (void)iv;
    return 0;
}

int
hs_inline_item(PyObject *op, const hs_inline *iv, Py_ssize_t i,
               PyObject **key, PyObject **value)
{
    (void)op;
    (void)iv;
    (void)i;
    (void)key;
    (void)value;
    return 0;
}

#endif
