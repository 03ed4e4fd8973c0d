/*
 * hs_tmpfile.h - temporary files and folders beside an output, under
 * names nobody can predict or plant.
 *
 * Every writer of the project (the CLI's outputs, the snapshot) writes
 * under a temporary name beside its final one and renames it into
 * place. The two entry points, hs_tmpfile_create and hs_tmpdir_create,
 * are public (include/heapscope.h, "output files"), since the CLI needs
 * them and sees nothing of lib/ but that header; why the names are
 * random and the files created exclusively is said there.
 */
#ifndef HS_TMPFILE_H
#define HS_TMPFILE_H

#include <heapscope.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes p[0..len) at offset off of fd, however many calls it takes:
 * true, or false with errno set (ENOSPC when a call writes nothing). */
bool hs_write_at(int fd, const void *p, size_t len, uint64_t off);

#endif
