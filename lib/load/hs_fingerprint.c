/*
 * hs_fingerprint.c - size, time and both ends of a dump.
 */
#include "hs_fingerprint.h"

#include "../util/hs_checksum.h"
#include "../util/hs_error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Reads exactly len bytes at off (len is small); false on a short read. */
static int
read_at(int fd, unsigned char *buf, size_t len, uint64_t off)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = pread(fd, buf + done, len - done, (off_t)(off + done));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            return 0;
        }
        done += (size_t)n;
    }
    return 1;
}

/* Chains the checksum over bytes [off, off + len) in small pieces. */
static int
sample(int fd, uint64_t off, uint64_t len, uint64_t *h)
{
    unsigned char buf[16384];
    while (len) {
        size_t k = len < sizeof(buf) ? (size_t)len : sizeof(buf);
        if (!read_at(fd, buf, k, off)) {
            return 0;
        }
        *h = hs_checksum(buf, k, *h);
        off += k;
        len -= k;
    }
    return 1;
}

int
hs_fingerprint_file(const char *path, hs_fingerprint *fp, hs_error *err)
{
    struct stat st;
    uint64_t n, h = 0;
    int fd, ok;
    memset(fp, 0, sizeof(*fp));
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return hs_error_set(err, HS_EIO, "cannot open: %s", strerror(errno));
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return hs_error_set(err, HS_EIO, "not a regular file");
    }
    fp->size = (uint64_t)st.st_size;
    fp->mtime_sec = (int64_t)st.st_mtim.tv_sec;
    fp->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
    n = fp->size < HS_FINGERPRINT_SAMPLE ? fp->size : HS_FINGERPRINT_SAMPLE;
    ok = sample(fd, 0, n, &h) && sample(fd, fp->size - n, n, &h);
    close(fd);
    if (!ok) {
        return hs_error_set(err, HS_EIO, "cannot read");
    }
    fp->sample = h;
    return HS_OK;
}

const char *
hs_fingerprint_diff(const hs_fingerprint *a, const hs_fingerprint *b)
{
    if (a->size != b->size) {
        return "size";
    }
    if (a->mtime_sec != b->mtime_sec || a->mtime_nsec != b->mtime_nsec) {
        return "modification time";
    }
    if (a->sample != b->sample) {
        return "content";
    }
    return NULL;
}
