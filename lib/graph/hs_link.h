/*
 * hs_link.h - turning the refs a scan read (addresses) into edges (ids).
 */
#ifndef HS_LINK_H
#define HS_LINK_H

#include "hs_scan.h"

/* Indexes every record's address (duplicates after the first are dropped
 * and counted), resolves every ref to a node id (a phantom node per
 * dangling address) and moves the refs into the graph's children CSR.
 * The scan's refs and counts are consumed. Lookups run on up to
 * `threads` threads (1 for none). */
int hs_link_records(hs_scan *s, unsigned threads, hs_error *err);

#endif
