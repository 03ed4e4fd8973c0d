/*
 * hs_typerows.h - what a summary counts per type, as a table of words:
 * computed from a graph's node arrays (hs_typerows.c), or stored in a
 * snapshot, where a lazy open reads it instead of the node arrays.
 */
#ifndef HS_TYPEROWS_H
#define HS_TYPEROWS_H

#include "hs_graph_internal.h"

/* The words of one type's row: live objects, their total size, the
 * largest size and the address of the first object of that size (in id
 * order), and the sum of the squared sizes (a double's bits). */
enum {
    HS_ROW_COUNT, HS_ROW_TOTAL, HS_ROW_MAX, HS_ROW_MAX_ADDR, HS_ROW_SQUARES,
    HS_ROW_WORDS
};

/* The rows of every type of g (type t's at *rows + t * HS_ROW_WORDS) over
 * the live objects among ids[0..n), or among ids 0 to n - 1 when ids is
 * NULL; allocated with a, caller frees. HS_EINVAL (an id of g->n or
 * more, err says which), HS_ENOMEM. */
int hs_type_rows(const hs_graph *g, const uint32_t *ids, size_t n,
                 const hs_allocator *a, uint64_t **rows, hs_error *err);

#endif
