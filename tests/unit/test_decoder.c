/*
 * test_decoder.c - plain, gzip, bzip2 and zstd input behind one read call:
 * detection by content, concatenated streams, truncation and damage.
 */
#include "hs_test.h"
#include "hs_test_compress.h"

#include "io/hs_decoder.h"
#include "util/hs_error.h"

#include <fcntl.h>

/* What decoding a whole file gave. */
typedef struct decoded {
    int rc;              /* HS_OK, or the first error */
    hs_compression kind;
    bool truncated;
    char *data;          /* everything read before the end or the error */
    size_t len;
    uint64_t consumed;
} decoded;

/* Decodes the file at path, reading chunk bytes at a time. */
static decoded
decode_file(const char *path, size_t chunk)
{
    decoded r;
    hs_decoder *d;
    hs_error err;
    size_t cap = 1 << 16;
    int fd = open(path, O_RDONLY);
    memset(&r, 0, sizeof(r));
    r.data = malloc(cap);
    hs_error_clear(&err);
    r.rc = hs_decoder_open(&d, fd, NULL, &err);
    if (r.rc < 0) {
        close(fd);
        return r;
    }
    r.kind = hs_decoder_kind(d);
    for (;;) {
        size_t got;
        if (r.len + chunk > cap) {
            cap = 2 * (r.len + chunk);
            r.data = realloc(r.data, cap);
        }
        r.rc = hs_decoder_read(d, r.data + r.len, chunk, &got, &err);
        if (r.rc < 0 || got == 0) {
            break;
        }
        r.len += got;
    }
    if (r.rc < 0) {
        CHECK_EQ_I64(err.code, r.rc);
        CHECK(err.message[0] != '\0');
    }
    r.truncated = hs_decoder_truncated(d);
    r.consumed = hs_decoder_consumed(d);
    hs_decoder_free(d);
    close(fd);
    return r;
}

/* Some dump-like text of about n bytes: compressible, not trivial. */
static char *
sample(size_t n, size_t *len)
{
    char *s = malloc(n + 200);
    size_t k = 0;
    for (unsigned i = 0; k < n; i++) {
        k += (size_t)sprintf(s + k, "{\"address\": %u, \"type\": \"t%u\", "
                             "\"size\": %u, \"refs\": []}\n",
                             i * 2654435761u, i % 97, i * 7 % 1000);
    }
    *len = k;
    return s;
}

static void
check_decodes_to(const char *path, hs_compression kind, const char *want,
                 size_t want_len, int line)
{
    static const size_t chunks[] = {1 << 20, 4096, 7};
    for (size_t c = 0; c < 3; c++) {
        decoded r = decode_file(path, chunks[c]);
        bool ok = hs_test_report(r.rc == HS_OK, __FILE__, line, "rc == OK");
        ok &= hs_test_report(r.kind == kind, __FILE__, line, "kind");
        ok &= hs_test_report(!r.truncated, __FILE__, line, "not truncated");
        ok &= hs_test_mem(r.data, r.len, want, want_len, "decoded", "want",
                          __FILE__, line);
        if (!ok) {
            printf("    (%s, chunks of %zu)\n", path, chunks[c]);
        }
        free(r.data);
    }
}

typedef void *(*compress_fn)(const void *, size_t, size_t *);

static const struct codec {
    const char *name;
    hs_compression kind;
    compress_fn fn;
} codecs[] = {
    {"gzip", HS_COMPRESSION_GZIP, hs_test_gzip},
    {"bzip2", HS_COMPRESSION_BZIP2, hs_test_bzip2},
    {"zstd", HS_COMPRESSION_ZSTD, hs_test_zstd},
};

static void
test_plain(void)
{
    size_t len;
    char *s = sample(300000, &len);
    decoded r;
    check_decodes_to(hs_test_file("plain", s, len), HS_COMPRESSION_NONE, s,
                     len, __LINE__);
    check_decodes_to(hs_test_file("empty", "", 0), HS_COMPRESSION_NONE, "", 0,
                     __LINE__);
    check_decodes_to(hs_test_text("short", "ab"), HS_COMPRESSION_NONE, "ab", 2,
                     __LINE__);
    /* a magic prefix alone is not enough to be compressed data */
    check_decodes_to(hs_test_text("bz", "BZ"), HS_COMPRESSION_NONE, "BZ", 2,
                     __LINE__);
    /* detection is by content, whatever the data turns out to be */
    r = decode_file(hs_test_text("json-bz", "BZh is text\n"), 4096);
    CHECK_EQ_I64(r.kind, HS_COMPRESSION_BZIP2);
    CHECK_EQ_I64(r.rc, HS_ECORRUPT);
    free(r.data);
    r = decode_file(hs_test_file("plain", s, len), 1000);
    CHECK_EQ_U64(r.consumed, len);
    free(r.data);
    free(s);
}

static void
test_compressed(void)
{
    size_t len;
    char *s = sample(300000, &len);
    for (size_t c = 0; c < 3; c++) {
        size_t zlen;
        void *z = codecs[c].fn(s, len, &zlen);
        decoded r;
        check_decodes_to(hs_test_file(codecs[c].name, z, zlen),
                         codecs[c].kind, s, len, __LINE__);
        r = decode_file(hs_test_file(codecs[c].name, z, zlen), 1 << 16);
        CHECK_EQ_U64(r.consumed, zlen); /* compressed bytes read */
        free(r.data);
        /* an empty stream decodes to nothing */
        free(z);
        z = codecs[c].fn("", 0, &zlen);
        check_decodes_to(hs_test_file("empty-z", z, zlen), codecs[c].kind, "",
                         0, __LINE__);
        free(z);
    }
    free(s);
}

/* Two streams back to back (`cat a.gz b.gz`) read as one. */
static void
test_concatenated(void)
{
    size_t alen, blen;
    char *a = sample(70000, &alen);
    char *b = sample(1000, &blen);
    size_t wlen;
    char *want = hs_test_concat(a, alen, b, blen, &wlen);
    for (size_t c = 0; c < 3; c++) {
        size_t zalen, zblen, zlen, zelen, zzlen;
        void *za = codecs[c].fn(a, alen, &zalen);
        void *zb = codecs[c].fn(b, blen, &zblen);
        void *ze = codecs[c].fn("", 0, &zelen);
        void *z = hs_test_concat(za, zalen, zb, zblen, &zlen);
        void *zz = hs_test_concat(z, zlen, ze, zelen, &zzlen);
        check_decodes_to(hs_test_file("two", z, zlen), codecs[c].kind, want,
                         wlen, __LINE__);
        /* a third, empty stream changes nothing */
        check_decodes_to(hs_test_file("three", zz, zzlen), codecs[c].kind,
                         want, wlen, __LINE__);
        free(za);
        free(zb);
        free(ze);
        free(z);
        free(zz);
    }
    free(a);
    free(b);
    free(want);
}

/* A stream cut short: what was decoded is returned and truncated is set. */
static void
test_truncated(void)
{
    size_t len;
    char *s = sample(300000, &len);
    for (size_t c = 0; c < 3; c++) {
        size_t zlen;
        char *z = codecs[c].fn(s, len, &zlen);
        static const double cuts[] = {0.5, 0.99};
        for (size_t k = 0; k < 2; k++) {
            size_t cut = (size_t)((double)zlen * cuts[k]);
            decoded r = decode_file(hs_test_file("cut", z, cut), 4096);
            bool ok = CHECK_EQ_I64(r.rc, HS_OK);
            ok &= CHECK(r.truncated);
            ok &= CHECK(r.len < len);
            ok &= CHECK(memcmp(r.data, s, r.len) == 0); /* a prefix */
            if (!ok) {
                printf("    (%s cut at %zu of %zu)\n", codecs[c].name, cut,
                       zlen);
            }
            free(r.data);
        }
        /* the same cut after one complete stream */
        {
            size_t tlen, ok_len;
            char *two = hs_test_concat(z, zlen, z, zlen / 2, &tlen);
            decoded r = decode_file(hs_test_file("cut2", two, tlen), 4096);
            ok_len = r.len;
            CHECK_EQ_I64(r.rc, HS_OK);
            CHECK(r.truncated);
            CHECK(ok_len >= len && memcmp(r.data, s, len) == 0);
            free(r.data);
            free(two);
        }
        free(z);
    }
    free(s);
}

/* Damaged data is an error, not a short read. */
static void
test_corrupt(void)
{
    size_t len;
    char *s = sample(300000, &len);
    for (size_t c = 0; c < 3; c++) {
        size_t zlen;
        unsigned char *z = codecs[c].fn(s, len, &zlen);
        decoded r;
        z[zlen / 2] ^= 0x55;
        z[zlen / 2 + 1] ^= 0xaa;
        r = decode_file(hs_test_file("bad", z, zlen), 4096);
        if (!CHECK_EQ_I64(r.rc, HS_ECORRUPT)) {
            printf("    (%s)\n", codecs[c].name);
        }
        free(r.data);
        free(z);
    }
    /* gzip: a wrong CRC in the trailer */
    {
        size_t zlen;
        unsigned char *z = hs_test_gzip(s, len, &zlen);
        decoded r;
        z[zlen - 8] ^= 1;
        r = decode_file(hs_test_file("badcrc", z, zlen), 4096);
        CHECK_EQ_I64(r.rc, HS_ECORRUPT);
        free(r.data);
        free(z);
    }
    /* garbage after a complete gzip member */
    {
        size_t zlen, tlen;
        void *z = hs_test_gzip(s, len, &zlen);
        void *t = hs_test_concat(z, zlen, "garbage!", 8, &tlen);
        decoded r = decode_file(hs_test_file("trailing", t, tlen), 4096);
        CHECK_EQ_I64(r.rc, HS_ECORRUPT);
        free(r.data);
        free(z);
        free(t);
    }
    free(s);
}

int
main(void)
{
    RUN(test_plain);
    RUN(test_compressed);
    RUN(test_concatenated);
    RUN(test_truncated);
    RUN(test_corrupt);
    return hs_test_end();
}
