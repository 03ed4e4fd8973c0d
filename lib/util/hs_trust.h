/*
 * hs_trust.h - whether a file found by name may be trusted: the snapshot
 * and the stored dominator tree are read back only when nobody else
 * could have planted or changed them (see hs_trust.c).
 */
#ifndef HS_TRUST_H
#define HS_TRUST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/* Why a file or folder with status st must not be trusted (written into
 * buf, which is returned), or NULL when it may be: owned by the
 * effective user or root, and writable by neither group nor others. */
const char *hs_distrust(const struct stat *st, char *buf, size_t size);

/* Opens path for reading if it may be trusted: a regular file, opened
 * without following a symbolic link and without blocking on a FIFO,
 * that hs_distrust accepts. Returns the descriptor (close-on-exec) with
 * its status in *st; -1 when there is no such file (ENOENT); -2 with why
 * set otherwise, and *planted when someone else may have put the thing
 * there (not ours to replace). */
int hs_trust_open(const char *path, struct stat *st, bool *planted,
                  char *why, size_t size);

#endif
