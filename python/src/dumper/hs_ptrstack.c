/*
 * hs_ptrstack.c - the walk's explicit stack of objects still to write.
 *
 * The walk marks an object when it pushes it, so each object is on the
 * stack at most once and the stack never exceeds the number of objects;
 * in practice it stays small because the last referent pushed is written
 * first (a 10 M-long linked list keeps it at a few entries).
 */
#include "hs_dumper.h"

void
hs_ptrstack_init(hs_ptrstack *self)
{
    self->items = NULL;
    self->len = 0;
    self->cap = 0;
    self->peak_bytes = 0;
}

void
hs_ptrstack_release(hs_ptrstack *self)
{
    hsd_free(self->items, self->cap * sizeof(PyObject *));
    hs_ptrstack_init(self);
}

int
hs_ptrstack_push(hs_ptrstack *self, PyObject *op)
{
    if (self->len == self->cap) {
        size_t ncap = self->cap ? self->cap * 2 : 1024;
        PyObject **items = hsd_realloc(self->items,
                                      self->cap * sizeof(PyObject *),
                                      ncap * sizeof(PyObject *));
        if (items == NULL) {
            return -1;
        }
        self->items = items;
        self->cap = ncap;
        if (ncap * sizeof(PyObject *) > self->peak_bytes) {
            self->peak_bytes = ncap * sizeof(PyObject *);
        }
    }
    self->items[self->len++] = op;
    return 0;
}
