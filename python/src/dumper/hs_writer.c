/*
 * hs_writer.c - the dump's output: a fixed buffer flushed to a file
 * descriptor, through zlib's gzip framing when asked.
 *
 * The buffer is allocated once (256 KiB); records reserve space in it
 * before formatting, so no field ever needs a temporary. Writing goes to
 * a descriptor, never through a Python file object, because that would
 * run Python code mid-walk; heapscope/__init__.py copies the finished
 * temporary file into a caller's stream afterwards.
 *
 * Errors are sticky: the first one is kept in `err`, later calls do
 * nothing, and the walk checks once per object.
 */
#include "hs_dumper.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define BUF_SIZE (256 * 1024)
#define ZBUF_SIZE (128 * 1024)

static int
write_all(hs_writer *self, const void *data, size_t n)
{
    const char *p = data;

    while (n > 0) {
        ssize_t k = write(self->fd, p, n);
        if (k < 0) {
            if (errno == EINTR) {
                continue;
            }
            self->err = errno;
            return -1;
        }
        p += k;
        n -= (size_t)k;
        self->file_bytes += (uint64_t)k;
    }
    return 0;
}

/* zlib's own state (~270 KiB at these settings) is counted too. */
static voidpf
z_alloc(voidpf opaque, uInt items, uInt size)
{
    size_t n = (size_t)items * size;
    size_t *p = hsd_malloc(n + sizeof(size_t) * 2);

    (void)opaque;
    if (p == NULL) {
        return Z_NULL;
    }
    p[0] = n + sizeof(size_t) * 2;
    return p + 2;
}

static void
z_free(voidpf opaque, voidpf address)
{
    size_t *p = (size_t *)address - 2;

    (void)opaque;
    hsd_free(p, p[0]);
}

int
hs_writer_init(hs_writer *self, int fd, int gzip)
{
    memset(self, 0, sizeof(*self));
    self->fd = fd;
    self->cap = BUF_SIZE;
    self->buf = hsd_malloc(self->cap);
    if (self->buf == NULL) {
        return -1;
    }
    if (gzip) {
        z_stream *zs = hsd_calloc(1, sizeof(z_stream));
        self->zbuf = hsd_malloc(ZBUF_SIZE);
        if (zs == NULL || self->zbuf == NULL) {
            hsd_free(zs, sizeof(z_stream));
            return -1;
        }
        zs->zalloc = z_alloc;
        zs->zfree = z_free;
        /* windowBits 15 + 16 asks zlib for gzip framing. Level 1: the
         * walk holds the GIL, so speed wins (level 6 took 2.2x as long in
         * bench/dump_bench.py for a file 22% smaller). */
        if (deflateInit2(zs, 1, Z_DEFLATED, 15 + 16, 8,
                         Z_DEFAULT_STRATEGY) != Z_OK) {
            hsd_free(zs, sizeof(z_stream));
            return -1;
        }
        self->zs = zs;
    }
    return 0;
}

static int
deflate_buf(hs_writer *self, int flush)
{
    z_stream *zs = self->zs;
    int rc;

    zs->next_in = (Bytef *)self->buf;
    zs->avail_in = (uInt)self->len;
    do {
        zs->next_out = self->zbuf;
        zs->avail_out = ZBUF_SIZE;
        rc = deflate(zs, flush);
        if (rc == Z_STREAM_ERROR) {
            self->err = -1;
            return -1;
        }
        if (write_all(self, self->zbuf, ZBUF_SIZE - zs->avail_out) < 0) {
            return -1;
        }
    } while (zs->avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    return 0;
}

int
hs_writer_flush(hs_writer *self)
{
    int rc;

    if (self->err) {
        return -1;
    }
    self->raw_bytes += self->len;
    rc = self->zs ? deflate_buf(self, Z_NO_FLUSH)
                  : write_all(self, self->buf, self->len);
    self->len = 0;
    return rc;
}

char *
hs_writer_reserve(hs_writer *self, size_t n)
{
    if (self->cap - self->len < n && hs_writer_flush(self) < 0) {
        return NULL;
    }
    if (self->err) {
        return NULL;
    }
    return self->buf + self->len;
}

int
hs_writer_finish(hs_writer *self)
{
    int rc;

    if (self->err) {
        return -1;
    }
    if (!self->zs) {
        return hs_writer_flush(self);
    }
    self->raw_bytes += self->len;
    rc = deflate_buf(self, Z_FINISH);
    self->len = 0;
    return rc;
}

void
hs_writer_release(hs_writer *self)
{
    if (self->zs) {
        deflateEnd(self->zs);
        hsd_free(self->zs, sizeof(z_stream));
    }
    hsd_free(self->zbuf, self->zs || self->zbuf ? ZBUF_SIZE : 0);
    hsd_free(self->buf, self->cap);
    self->zs = NULL;
    self->zbuf = NULL;
    self->buf = NULL;
}
