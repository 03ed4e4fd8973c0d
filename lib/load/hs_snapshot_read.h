/*
 * hs_snapshot_read.h - a graph over a mapped snapshot.
 *
 * The reader trusts nothing in the file (hs_snapfmt.h): it checks the
 * header, the section table, every chunk's checksum and every structural
 * fact the graph's accessors rely on, then points the graph's arrays into
 * the mapping. It never reads outside the buffer, whatever the bytes.
 */
#ifndef HS_SNAPSHOT_READ_H
#define HS_SNAPSHOT_READ_H

#include <heapscope.h>
#include <stdint.h>

#include "hs_fingerprint.h"
#include "../util/hs_mapping.h"

/* What the caller wants of the snapshot. */
typedef struct hs_snap_expect {
    const hs_fingerprint *dump; /* NULL: do not check staleness */
    int check_variant;          /* compare the variant below */
    uint32_t variant;           /* HS_SNAP_VARIANT_* */
    unsigned threads;           /* 0: one per CPU */
    int lazy;                   /* check and map the node arrays only
                                   (hs_graph_complete does the rest) */
} hs_snap_expect;

/* Builds a graph over m, taking ownership of m whatever the outcome (the
 * graph unmaps it in hs_graph_free). want may be NULL: no staleness or
 * variant check. Returns the graph (caller frees with hs_graph_free) or
 * NULL with err: HS_ECORRUPT (truncated, damaged or inconsistent; the
 * message says what), HS_EUNSUPPORTED (another format version, byte order
 * or pointer size), HS_EINVAL (stale: the dump changed, or another
 * variant), HS_ENOMEM.
 * Time O(file size) on want->threads threads, at memory bandwidth; with
 * want->lazy, O(the node arrays' size), the rest left to
 * hs_graph_complete (heapscope.h). */
hs_graph *hs_snapshot_read(hs_mapping *m, const hs_snap_expect *want,
                           hs_error *err);

/* For tests and fuzzers: recomputes every checksum of the snapshot in
 * buf[0..len) in place, so that a mutated snapshot reaches the structural
 * checks instead of failing at the first checksum. Returns HS_OK, or
 * HS_ECORRUPT when the header or tables themselves do not hold together
 * (nothing is changed then). */
int hs_snapshot_reseal(unsigned char *buf, size_t len);

#endif
