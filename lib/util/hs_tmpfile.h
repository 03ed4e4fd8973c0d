/*
 * hs_tmpfile.h - temporary files and folders beside an output, under
 * names nobody can predict or plant.
 *
 * Every writer of the project (the CLI's outputs, the snapshot index)
 * writes under a temporary name beside its final one and renames it into
 * place. A name made from the pid is predictable: another user of a
 * shared folder can plant a symlink under it and make the writer (often
 * root) overwrite any file. These names carry 64 random bits, and the
 * file is created with O_CREAT|O_EXCL|O_NOFOLLOW, so it is always a new
 * file of our own, never a symlink or an existing file.
 */
#ifndef HS_TMPFILE_H
#define HS_TMPFILE_H

#include <stddef.h>
#include <sys/types.h>

/* Creates "<path>.tmp-<16 random hex digits><suffix>" for writing (mode
 * as open(2) takes it, masked by the umask), close-on-exec, and writes
 * its name to tmp. Returns the descriptor, or -1 with errno set
 * (ENAMETOOLONG when tmp is too small). */
int hs_tmpfile_create(const char *path, const char *suffix, mode_t mode,
                      char *tmp, size_t size);

/* The same for a folder only its owner can enter (mode 0700), for files
 * that other programs create by name (converters): inside it no one else
 * can plant anything. Returns 0, or -1 with errno set. */
int hs_tmpdir_create(const char *path, char *tmp, size_t size);

#endif
