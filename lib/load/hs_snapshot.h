/*
 * hs_snapshot.h - writing a loaded graph as a snapshot.
 *
 * The format is in lib/load/hs_snapfmt.h; the reader that maps it back
 * is lib/load/hs_snapshot_read.h. The public entry points (where an
 * snapshot lives, when it is used and written) are in hs_snapcache.c.
 */
#ifndef HS_SNAPSHOT_H
#define HS_SNAPSHOT_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

#include "hs_fingerprint.h"

/* What a finished write made: the file's size, and its id (the header's
 * table checksum, which covers the checksums of every chunk and so names
 * the content: the key under which hs_dominators_save stores a tree). */
typedef struct hs_snapshot_written {
    uint64_t bytes;
    uint64_t id;
} hs_snapshot_written;

/* Writes g to path atomically: a temporary file beside it (a random name,
 * created exclusively: hs_tmpfile_create), renamed over path once
 * complete, so a reader never sees half a snapshot. The file gets the
 * permission bits mode (masked by the umask): the snapshot holds every
 * string of the dump, so the caller passes the dump's own (never
 * wider). g must have
 * parents computed (HS_EINVAL otherwise); its address index is rebuilt
 * first if it was dropped. fp is the dump's fingerprint, variant the
 * HS_SNAP_VARIANT_* bits of the pipeline that made g. *out (may be
 * NULL) gets the file's size and id. Sections are checksummed and written on
 * `threads` threads (0: one per CPU).
 * Errors: HS_EIO (err says which call failed), HS_ENOMEM, HS_EINVAL. */
int hs_snapshot_write_file(const hs_graph *g, const char *path,
                           unsigned mode, const hs_fingerprint *fp,
                           uint32_t variant, unsigned threads,
                           hs_snapshot_written *out, hs_error *err);

/* The same in steps, for a load with threads to spare (see the NOTE in
 * hs_snapshot.c). hs_snapshot_begin, as soon as g is read and before its
 * passes, creates the temporary file and, when `early`, starts a thread
 * writing the sections the passes never change (addresses, lens, texts,
 * the address index: the caller must not change them until the end).
 * hs_snapshot_settled (optional), once collapse ran, does the same for
 * the sections collapse settles (types, sizes, flags, children: not to
 * be changed either). hs_snapshot_finish, once the passes are done,
 * writes the rest, renames the file into place and frees w;
 * hs_snapshot_abort drops the file and frees w. A failing
 * hs_snapshot_settled has aborted w. */
typedef struct hs_snapshot_writer hs_snapshot_writer;

int hs_snapshot_begin(hs_snapshot_writer **w, const hs_graph *g,
                      const char *path, unsigned mode, bool early,
                      hs_error *err);
int hs_snapshot_settled(hs_snapshot_writer *w, const hs_graph *g,
                        hs_error *err);
int hs_snapshot_finish(hs_snapshot_writer *w, const hs_graph *g,
                       const char *path, const hs_fingerprint *fp,
                       uint32_t variant, unsigned threads,
                       hs_snapshot_written *out, hs_error *err);
void hs_snapshot_abort(hs_snapshot_writer *w);

#endif
