/*
 * hs_snapshot.h - writing a loaded graph as a snapshot index.
 *
 * The format is in lib/graph/hs_snapfmt.h; the reader that maps it back
 * is lib/graph/hs_snapshot_read.h. The public entry points (where an
 * index lives, when it is used and written) are in hs_snapcache.c.
 */
#ifndef HS_SNAPSHOT_H
#define HS_SNAPSHOT_H

#include <heapscope.h>
#include <stdint.h>

#include "../io/hs_fingerprint.h"

/* Writes g to path atomically: a temporary file beside it, renamed over
 * path once complete, so a reader never sees half an index. g must have
 * parents computed (HS_EINVAL otherwise); its address index is rebuilt
 * first if it was dropped. fp is the dump's fingerprint, variant the
 * HS_SNAP_VARIANT_* bits of the pipeline that made g. *bytes (may be
 * NULL) gets the file's size. Sections are checksummed and written on
 * `threads` threads (0: one per CPU).
 * Errors: HS_EIO (err says which call failed), HS_ENOMEM, HS_EINVAL. */
int hs_snapshot_write_file(const hs_graph *g, const char *path,
                           const hs_fingerprint *fp, uint32_t variant,
                           unsigned threads, uint64_t *bytes, hs_error *err);

#endif
