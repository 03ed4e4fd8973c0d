/*
 * hs_decoder.c - plain, gzip, bzip2 and zstd input behind one read call.
 *
 * The raw file is read in 1 MiB blocks. Plain input skips the raw buffer
 * (read(2) straight into the caller's buffer), since most large dumps are
 * plain text and the copy would cost a tenth of the load.
 *
 * NOTE: about truncated streams. A dump written through gzip by a process
 * that was killed ends without the gzip trailer. Rather than refuse the
 * whole file, the decoder returns every byte it could decode, then reports
 * the end and sets `truncated`; the loader warns and drops the cut line.
 * Damaged data (a bad CRC or an invalid block) is an error.
 */
#include "hs_decoder.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <bzlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#define RAW_BLOCK (1u << 20)

struct hs_decoder {
    const hs_allocator *a;
    int fd;
    hs_compression kind;
    unsigned char *raw;
    size_t raw_pos, raw_len;
    bool raw_eof;
    bool truncated;
    bool in_stream;  /* inside a compressed stream, its end not yet seen */
    bool done;
    uint64_t consumed;
    z_stream gz;
    bz_stream bz;
    ZSTD_DStream *zs;
    bool gz_init, bz_init;
    bool ranged;            /* pread over [range_pos, range_end) */
    uint64_t range_pos, range_end;
};

static int
read_fd(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    ssize_t n;
    do {
        n = read(d->fd, dst, cap);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return hs_error_set(err, HS_EIO, "read failed: %s", strerror(errno));
    }
    *got = (size_t)n;
    d->consumed += (uint64_t)n;
    return HS_OK;
}

/* Refills the raw buffer when it is empty. */
static int
fill_raw(hs_decoder *d, hs_error *err)
{
    size_t got = 0; /* set by read_fd on success; gcc -O3 cannot see it */
    if (d->raw_pos < d->raw_len || d->raw_eof) {
        return HS_OK;
    }
    HS_TRY(read_fd(d, d->raw, RAW_BLOCK, &got, err));
    d->raw_pos = 0;
    d->raw_len = got;
    if (got == 0) {
        d->raw_eof = true;
    }
    return HS_OK;
}

static hs_compression
sniff(const unsigned char *p, size_t n)
{
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        return HS_COMPRESSION_GZIP;
    }
    if (n >= 3 && p[0] == 'B' && p[1] == 'Z' && p[2] == 'h') {
        return HS_COMPRESSION_BZIP2;
    }
    if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f
        && p[3] == 0xfd) {
        return HS_COMPRESSION_ZSTD;
    }
    return HS_COMPRESSION_NONE;
}

static int
init_codec(hs_decoder *d, hs_error *err)
{
    switch (d->kind) {
    case HS_COMPRESSION_GZIP:
        /* 15 + 32: a zlib or gzip header, detected. */
        if (inflateInit2(&d->gz, 15 + 32) != Z_OK) {
            return hs_error_set(err, HS_ENOMEM, "cannot start gzip decoder");
        }
        d->gz_init = true;
        break;
    case HS_COMPRESSION_BZIP2:
        if (BZ2_bzDecompressInit(&d->bz, 0, 0) != BZ_OK) {
            return hs_error_set(err, HS_ENOMEM, "cannot start bzip2 decoder");
        }
        d->bz_init = true;
        break;
    case HS_COMPRESSION_ZSTD:
        d->zs = ZSTD_createDStream();
        if (!d->zs) {
            return hs_error_set(err, HS_ENOMEM, "cannot start zstd decoder");
        }
        ZSTD_initDStream(d->zs);
        break;
    case HS_COMPRESSION_NONE:
        break;
    }
    return HS_OK;
}

int
hs_decoder_open(hs_decoder **out, int fd, const hs_allocator *a,
                hs_error *err)
{
    hs_decoder *d = hs_calloc(a, 1, sizeof(*d));
    size_t got = 0; /* set by read_fd on success; gcc -O3 cannot see it */
    int rc;
    *out = NULL;
    if (!d) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    d->a = a;
    d->fd = fd;
    d->raw = hs_malloc(a, RAW_BLOCK);
    if (!d->raw) {
        hs_decoder_free(d);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    /* Read until 4 bytes are there (a pipe may deliver fewer) or EOF. */
    while (d->raw_len < 4) {
        rc = read_fd(d, d->raw + d->raw_len, RAW_BLOCK - d->raw_len, &got,
                     err);
        if (rc < 0) {
            hs_decoder_free(d);
            return rc;
        }
        if (got == 0) {
            d->raw_eof = true;
            break;
        }
        d->raw_len += got;
    }
    d->kind = sniff(d->raw, d->raw_len);
    rc = init_codec(d, err);
    if (rc < 0) {
        hs_decoder_free(d);
        return rc;
    }
    *out = d;
    return HS_OK;
}

int
hs_decoder_open_range(hs_decoder **out, int fd, uint64_t start, uint64_t end,
                      const hs_allocator *a, hs_error *err)
{
    hs_decoder *d = hs_calloc(a, 1, sizeof(*d));
    *out = NULL;
    if (!d) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    d->a = a;
    d->fd = fd;
    d->kind = HS_COMPRESSION_NONE;
    d->ranged = true;
    d->range_pos = start;
    d->range_end = end;
    *out = d;
    return HS_OK;
}

void
hs_decoder_free(hs_decoder *d)
{
    if (!d) {
        return;
    }
    if (d->gz_init) {
        inflateEnd(&d->gz);
    }
    if (d->bz_init) {
        BZ2_bzDecompressEnd(&d->bz);
    }
    ZSTD_freeDStream(d->zs);
    hs_mfree(d->a, d->raw);
    hs_mfree(d->a, d);
}

static int
read_range(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    uint64_t left = d->range_end - d->range_pos;
    ssize_t n;
    if (cap > left) {
        cap = (size_t)left;
    }
    if (cap == 0) {
        *got = 0;
        return HS_OK;
    }
    do {
        n = pread(d->fd, dst, cap, (off_t)d->range_pos);
    } while (n < 0 && errno == EINTR);
    if (n < 0) {
        return hs_error_set(err, HS_EIO, "read failed: %s", strerror(errno));
    }
    d->range_pos += (uint64_t)n;
    d->consumed += (uint64_t)n;
    *got = (size_t)n;
    return HS_OK;
}

static int
read_plain(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    if (d->ranged) {
        return read_range(d, dst, cap, got, err);
    }
    if (d->raw_pos < d->raw_len) {
        size_t n = d->raw_len - d->raw_pos;
        if (n > cap) {
            n = cap;
        }
        memcpy(dst, d->raw + d->raw_pos, n);
        d->raw_pos += n;
        *got = n;
        return HS_OK;
    }
    if (d->raw_eof) {
        *got = 0;
        return HS_OK;
    }
    return read_fd(d, dst, cap, got, err);
}

/* Input is exhausted: either cleanly between streams or mid-stream. */
static void
finish(hs_decoder *d)
{
    d->done = true;
    d->truncated = d->in_stream;
}

static int
read_gzip(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    uInt avail = cap > UINT32_MAX ? UINT32_MAX : (uInt)cap;
    d->gz.next_out = dst;
    d->gz.avail_out = avail;
    while (d->gz.avail_out == avail && !d->done) {
        int zr;
        HS_TRY(fill_raw(d, err));
        if (d->raw_pos == d->raw_len) {
            finish(d);
            break;
        }
        d->in_stream = true;
        d->gz.next_in = d->raw + d->raw_pos;
        d->gz.avail_in = (uInt)(d->raw_len - d->raw_pos);
        zr = inflate(&d->gz, Z_NO_FLUSH);
        d->raw_pos = d->raw_len - d->gz.avail_in;
        if (zr == Z_STREAM_END) {
            /* Another gzip member may follow (as `cat a.gz b.gz`). */
            d->in_stream = false;
            inflateReset(&d->gz);
        } else if (zr == Z_MEM_ERROR) {
            return hs_error_set(err, HS_ENOMEM, "out of memory in gzip");
        } else if (zr != Z_OK && zr != Z_BUF_ERROR) {
            return hs_error_set(err, HS_ECORRUPT, "corrupt gzip data: %s",
                                d->gz.msg ? d->gz.msg : "invalid stream");
        }
    }
    *got = (size_t)((unsigned char *)d->gz.next_out - (unsigned char *)dst);
    return HS_OK;
}

static int
read_bzip2(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    unsigned avail = cap > UINT32_MAX ? UINT32_MAX : (unsigned)cap;
    d->bz.next_out = dst;
    d->bz.avail_out = avail;
    while (d->bz.avail_out == avail && !d->done) {
        int br;
        HS_TRY(fill_raw(d, err));
        if (d->raw_pos == d->raw_len) {
            finish(d);
            break;
        }
        if (!d->in_stream) {
            /* A new stream (the first, or a concatenated one). */
            if (!d->bz_init) {
                char *next_out = d->bz.next_out;
                unsigned avail_out = d->bz.avail_out;
                if (BZ2_bzDecompressInit(&d->bz, 0, 0) != BZ_OK) {
                    return hs_error_set(err, HS_ENOMEM, "out of memory");
                }
                d->bz_init = true;
                d->bz.next_out = next_out;
                d->bz.avail_out = avail_out;
            }
            d->in_stream = true;
        }
        d->bz.next_in = (char *)d->raw + d->raw_pos;
        d->bz.avail_in = (unsigned)(d->raw_len - d->raw_pos);
        br = BZ2_bzDecompress(&d->bz);
        d->raw_pos = d->raw_len - d->bz.avail_in;
        if (br == BZ_STREAM_END) {
            unsigned left = d->bz.avail_out;
            BZ2_bzDecompressEnd(&d->bz);
            d->bz_init = false;
            d->in_stream = false;
            d->bz.avail_out = left;
            if (left != avail) {
                break;
            }
        } else if (br == BZ_MEM_ERROR) {
            return hs_error_set(err, HS_ENOMEM, "out of memory in bzip2");
        } else if (br != BZ_OK) {
            return hs_error_set(err, HS_ECORRUPT,
                                "corrupt bzip2 data (code %d)", br);
        }
    }
    *got = avail - d->bz.avail_out;
    return HS_OK;
}

static int
read_zstd(hs_decoder *d, void *dst, size_t cap, size_t *got, hs_error *err)
{
    ZSTD_outBuffer ob = {dst, cap, 0};
    while (ob.pos == 0 && !d->done) {
        ZSTD_inBuffer ib;
        size_t zr;
        HS_TRY(fill_raw(d, err));
        if (d->raw_pos == d->raw_len) {
            finish(d);
            break;
        }
        d->in_stream = true;
        ib.src = d->raw;
        ib.size = d->raw_len;
        ib.pos = d->raw_pos;
        zr = ZSTD_decompressStream(d->zs, &ob, &ib);
        d->raw_pos = ib.pos;
        if (ZSTD_isError(zr)) {
            return hs_error_set(err, HS_ECORRUPT, "corrupt zstd data: %s",
                                ZSTD_getErrorName(zr));
        }
        if (zr == 0) {
            d->in_stream = false; /* a frame ended; another may follow */
        }
    }
    *got = ob.pos;
    return HS_OK;
}

int
hs_decoder_read(hs_decoder *d, void *dst, size_t cap, size_t *got,
                hs_error *err)
{
    *got = 0;
    switch (d->kind) {
    case HS_COMPRESSION_NONE: return read_plain(d, dst, cap, got, err);
    case HS_COMPRESSION_GZIP: return read_gzip(d, dst, cap, got, err);
    case HS_COMPRESSION_BZIP2: return read_bzip2(d, dst, cap, got, err);
    case HS_COMPRESSION_ZSTD: return read_zstd(d, dst, cap, got, err);
    }
    return HS_BUG("unknown compression"), HS_EINVAL;
}

hs_compression
hs_decoder_kind(const hs_decoder *d)
{
    return d->kind;
}

uint64_t
hs_decoder_consumed(const hs_decoder *d)
{
    return d->consumed;
}

bool
hs_decoder_truncated(const hs_decoder *d)
{
    return d->truncated;
}
