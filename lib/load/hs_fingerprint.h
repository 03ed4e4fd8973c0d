/*
 * hs_fingerprint.h - what identifies one version of a dump file.
 *
 * A snapshot is reused only while its dump is unchanged. Checking
 * the whole dump would cost what the snapshot saves, so a version is the
 * file's size, its modification time to the nanosecond, and a checksum of
 * its first and last 64 KiB: a dumper rewriting the file, an editor
 * touching it, or a copy with the same size and time but other content at
 * either end all change the fingerprint. (A change confined to the middle
 * of a file that keeps its size and time is not detected; no tool
 * produces one.)
 */
#ifndef HS_FINGERPRINT_H
#define HS_FINGERPRINT_H

#include <heapscope.h>
#include <stdint.h>

#define HS_FINGERPRINT_SAMPLE (64u << 10)

typedef struct hs_fingerprint {
    uint64_t size;
    int64_t mtime_sec;
    int64_t mtime_nsec;
    uint64_t sample;      /* checksum of the first and last 64 KiB */
} hs_fingerprint;

/* Fingerprints the regular file at path. HS_EIO (err says why) for a
 * missing file, a directory, a pipe or a read error. */
int hs_fingerprint_file(const char *path, hs_fingerprint *fp, hs_error *err);

/* Which part differs ("size", "modification time", "content"), or NULL
 * when a and b are the same version. */
const char *hs_fingerprint_diff(const hs_fingerprint *a,
                                const hs_fingerprint *b);

#endif
