/*
 * hs_leaks.h - the leak finder across dumps of one process (see
 * hs_leaks.c).
 *
 * The public API (hs_leaks_new and friends) is in include/heapscope.h;
 * hs_leak_signature_label is exposed for the unit tests.
 */
#ifndef HS_LEAKS_H
#define HS_LEAKS_H

#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"

/* Appends an edge label as a leak signature keeps it: attribute names,
 * short identifier-like str keys and structural refs as they are, every
 * index and any other key as "[*]" (they change from run to run). */
void hs_leak_signature_label(hs_buf *b, const char *label);

#endif
