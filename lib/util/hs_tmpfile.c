/*
 * hs_tmpfile.c - unpredictable temporary names, created exclusively.
 */
#include "hs_tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Attempts before giving up: each collides with probability 2^-64 unless
 * someone fills the folder on purpose, and then failing is right. */
#define TRIES 64

static uint64_t
random_bits(void)
{
    uint64_t r;
    struct timespec ts;
    if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r)) {
        return r;
    }
    /* No entropy yet (early boot): the name is guessable, but O_EXCL and
     * O_NOFOLLOW still make a planted name fail instead of being
     * followed. */
    clock_gettime(CLOCK_REALTIME, &ts);
    r = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ull
        ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 32);
    return r;
}

static int
make_name(const char *path, const char *suffix, char *tmp, size_t size)
{
    int n = snprintf(tmp, size, "%s.tmp-%016llx%s", path,
                     (unsigned long long)random_bits(), suffix);
    if (n < 0 || (size_t)n >= size) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return 0;
}

int
hs_tmpfile_create(const char *path, const char *suffix, mode_t mode,
                  char *tmp, size_t size)
{
    for (int i = 0; i < TRIES; i++) {
        int fd;
        if (make_name(path, suffix, tmp, size) < 0) {
            return -1;
        }
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                  mode);
        if (fd >= 0 || errno != EEXIST) {
            return fd;
        }
    }
    errno = EEXIST;
    return -1;
}

int
hs_tmpdir_create(const char *path, char *tmp, size_t size)
{
    for (int i = 0; i < TRIES; i++) {
        /* mkdir never follows a symlink at the last component. */
        if (make_name(path, "", tmp, size) < 0) {
            return -1;
        }
        if (mkdir(tmp, 0700) == 0) {
            return 0;
        }
        if (errno != EEXIST) {
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

bool
hs_write_at(int fd, const void *p, size_t len, uint64_t off)
{
    const char *q = p;
    while (len) {
        ssize_t n = pwrite(fd, q, len, (off_t)off);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = ENOSPC;
            }
            return false;
        }
        q += n;
        len -= (size_t)n;
        off += (uint64_t)n;
    }
    return true;
}
