/*
 * hs_trust.c - trusting files by their owner and mode.
 *
 * heapscope often runs as root beside folders other users can write, and
 * it reads back files it wrote there earlier (snapshots, dominator trees).
 * Checksums catch damage, not malice: what a crafted file with good
 * checksums can do is give wrong answers silently. So such a file is
 * read only when nobody but us (or root) could have written it. Why not
 * follow links: a link planted under the name would make us read a file
 * of someone else's choosing; why O_NONBLOCK: a FIFO planted under the
 * name would block the open forever.
 */
#include "hs_trust.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

const char *
hs_distrust(const struct stat *st, char *buf, size_t size)
{
    if (st->st_uid != geteuid() && st->st_uid != 0) {
        snprintf(buf, size, "owned by another user (uid %lu)",
                 (unsigned long)st->st_uid);
        return buf;
    }
    if (st->st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(buf, size, "writable by %s",
                 st->st_mode & S_IWOTH ? "others" : "its group");
        return buf;
    }
    return NULL;
}

int
hs_trust_open(const char *path, struct stat *st, bool *planted, char *why,
              size_t size)
{
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
    *planted = false;
    if (fd < 0) {
        if (errno == ENOENT) {
            return -1;
        }
        *planted = errno == ELOOP;
        snprintf(why, size, "%s", *planted ? "a symbolic link"
                                           : strerror(errno));
        return -2;
    }
    if (fstat(fd, st) != 0) {
        snprintf(why, size, "cannot stat: %s", strerror(errno));
    } else if (!S_ISREG(st->st_mode)) {
        *planted = true;
        snprintf(why, size, "not a regular file");
    } else if (hs_distrust(st, why, size)) {
        *planted = true;
    } else {
        return fd;
    }
    close(fd);
    return -2;
}
