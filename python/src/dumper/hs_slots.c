/*
 * hs_slots.c - an instance's __slots__ members, as subtype_traverse sees
 * them.
 *
 * subtype_traverse visits each set __slots__ member of the instance's
 * class, then of its tp_base, down the chain of classes that share
 * subtype_traverse, skipping NULL ones (traverse_slots: members of type
 * T_OBJECT_EX). Two users: the inline-values rewrite needs how many slot
 * refs come before the attribute values (hs_refs.c), and the record
 * lists the positions of the NULL ones ("unset_slots", docs/format.md 6)
 * so that the reader can name each slot ref. Reads the member tables and
 * the instance's slot words only: no object is touched or created.
 */
#include "hs_dumper.h"

#if PY_VERSION_HEX < 0x030C0000
#include <structmember.h>   /* PyMemberDef; in Python.h from 3.12 */
#endif

/* Py_T_OBJECT_EX (structmember.h's T_OBJECT_EX): the member type that
 * subtype_traverse visits for __slots__. */
#define HS_T_OBJECT_EX 16

Py_ssize_t
hs_slots_scan(PyObject *op, traverseproc subtype_trav, hs_record *unset)
{
    PyTypeObject *base;
    Py_ssize_t set = 0;
    unsigned long long pos = 0;

    for (base = Py_TYPE(op); base != NULL && base->tp_traverse == subtype_trav;
         base = base->tp_base) {
        Py_ssize_t i, nmembers = Py_SIZE(base);
        PyMemberDef *mp;

        if (!(base->tp_flags & Py_TPFLAGS_HEAPTYPE) || nmembers <= 0) {
            continue;
        }
        /* A heap type's slot members follow its PyHeapTypeObject
         * (PyHeapType_GET_MEMBERS, not public API on 3.11+). */
        mp = (PyMemberDef *)((char *)base + Py_TYPE(base)->tp_basicsize);
        for (i = 0; i < nmembers; i++, mp++) {
            if (mp->type != HS_T_OBJECT_EX) {
                continue;
            }
            if (*(PyObject **)((char *)op + mp->offset) != NULL) {
                set++;
            }
            else if (unset != NULL) {
                hs_record_unset_slot(unset, pos);
            }
            pos++;
        }
    }
    return set;
}
