/*
 * hs_test_compress.h - compressing test data with the libraries the
 * decoder reads (zlib, libbz2, libzstd), for the input tests.
 *
 * Each function returns a malloc'd buffer (caller frees) and its size in
 * *out_len; a failure aborts, since it is a broken test machine.
 */
#ifndef HS_TEST_COMPRESS_H
#define HS_TEST_COMPRESS_H

#include <bzlib.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

static inline void *
hs_test_gzip(const void *data, size_t len, size_t *out_len)
{
    z_stream z;
    size_t cap = len + len / 100 + 64;
    unsigned char *out = malloc(cap);
    memset(&z, 0, sizeof(z));
    if (!out || deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                             Z_DEFAULT_STRATEGY) != Z_OK) {
        abort();
    }
    z.next_in = (unsigned char *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
        abort();
    }
    *out_len = cap - z.avail_out;
    deflateEnd(&z);
    return out;
}

static inline void *
hs_test_bzip2(const void *data, size_t len, size_t *out_len)
{
    unsigned cap = (unsigned)(len + len / 50 + 1024);
    char *out = malloc(cap);
    if (!out || BZ2_bzBuffToBuffCompress(out, &cap, (char *)(uintptr_t)data,
                                         (unsigned)len, 9, 0, 0) != BZ_OK) {
        abort();
    }
    *out_len = cap;
    return out;
}

/* A zstd frame with a content checksum, so damage is always detected. */
static inline void *
hs_test_zstd(const void *data, size_t len, size_t *out_len)
{
    size_t cap = ZSTD_compressBound(len);
    void *out = malloc(cap);
    ZSTD_CCtx *cx = ZSTD_createCCtx();
    if (!out || !cx
        || ZSTD_isError(ZSTD_CCtx_setParameter(cx, ZSTD_c_checksumFlag, 1))) {
        abort();
    }
    *out_len = ZSTD_compress2(cx, out, cap, data, len);
    if (ZSTD_isError(*out_len)) {
        abort();
    }
    ZSTD_freeCCtx(cx);
    return out;
}

/* a followed by b in one new buffer. */
static inline void *
hs_test_concat(const void *a, size_t alen, const void *b, size_t blen,
               size_t *out_len)
{
    char *out = malloc(alen + blen + 1);
    if (!out) {
        abort();
    }
    memcpy(out, a, alen);
    memcpy(out + alen, b, blen);
    *out_len = alen + blen;
    return out;
}

#endif
