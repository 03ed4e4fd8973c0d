/*
 * test_input.c - a dump's bytes as lines: line ends, the last line, long
 * lines and the line limit, over every compression.
 */
#include "hs_test.h"
#include "hs_test_compress.h"

#include "io/hs_input.h"
#include "util/hs_error.h"

#define MIB (1u << 20)
#define NO_LIMIT (1ull << 30) /* the loader's default */

/* One line as hs_input_line returned it. */
typedef struct got_line {
    int rc;
    const char *text;
    size_t len;
    bool complete;
} got_line;

static got_line
next_line(hs_input *in, hs_error *err)
{
    got_line l;
    memset(&l, 0, sizeof(l));
    l.rc = hs_input_line(in, &l.text, &l.len, &l.complete, err);
    return l;
}

static hs_input *
open_input(const char *path, uint64_t max_line)
{
    hs_input *in = NULL;
    hs_error err;
    hs_error_clear(&err);
    if (!CHECK_EQ_I64(hs_input_open(&in, path, NULL, max_line, &err), HS_OK)) {
        printf("    %s: %s\n", path, err.message);
    }
    return in;
}

/* The lines of path must be want[0..n), each complete unless it is the
 * last and last_complete is false. */
static void
check_lines(const char *path, const char *const *want, size_t n,
            bool last_complete, hs_compression kind, int line)
{
    hs_error err;
    hs_input *in = open_input(path, NO_LIMIT);
    uint64_t offset = 0;
    if (!in) {
        return;
    }
    hs_error_clear(&err);
    hs_test_report(hs_input_compression(in) == kind, __FILE__, line,
                   "compression");
    for (size_t i = 0; i < n; i++) {
        got_line l = next_line(in, &err);
        bool ok = hs_test_report(l.rc == 1, __FILE__, line, "a line");
        ok = ok && hs_test_mem(l.text, l.len, want[i], strlen(want[i]),
                               "line", "want", __FILE__, line);
        ok = ok && hs_test_report(l.complete == (i + 1 < n || last_complete),
                                  __FILE__, line, "complete");
        ok = ok && hs_test_report(hs_input_lineno(in) == i + 1, __FILE__,
                                  line, "lineno");
        ok = ok && hs_test_report(hs_input_line_offset(in) == offset,
                                  __FILE__, line, "offset");
        if (!ok) {
            printf("    (%s line %zu)\n", path, i + 1);
            break;
        }
        offset = hs_input_text_bytes(in);
    }
    hs_test_report(next_line(in, &err).rc == 0, __FILE__, line, "the end");
    hs_test_report(next_line(in, &err).rc == 0, __FILE__, line, "stays ended");
    hs_input_free(in);
}

static const char *const three[] = {"{\"a\": 1}", "", "  last line  "};

static void
test_line_ends(void)
{
    static const char *const crlf[] = {"one", "two", "", "three"};
    static const char *const cr_inside[] = {"a\rb", "c\r"};
    check_lines(hs_test_text("lf", "{\"a\": 1}\n\n  last line  \n"), three, 3,
                true, HS_COMPRESSION_NONE, __LINE__);
    /* no newline at the end: the last line is not complete */
    check_lines(hs_test_text("nonl", "{\"a\": 1}\n\n  last line  "), three, 3,
                false, HS_COMPRESSION_NONE, __LINE__);
    /* CRLF: the \r goes too, also on an unterminated last line */
    check_lines(hs_test_text("crlf", "one\r\ntwo\r\n\r\nthree\r\n"), crlf, 4,
                true, HS_COMPRESSION_NONE, __LINE__);
    check_lines(hs_test_text("crlf2", "one\r\ntwo\r\n\r\nthree\r"), crlf, 4,
                false, HS_COMPRESSION_NONE, __LINE__);
    /* only one \r before the \n is a line end */
    check_lines(hs_test_text("cr", "a\rb\nc\r\r\n"), cr_inside, 2, true,
                HS_COMPRESSION_NONE, __LINE__);
    check_lines(hs_test_file("empty", "", 0), NULL, 0, true,
                HS_COMPRESSION_NONE, __LINE__);
}

static void
test_compressed_lines(void)
{
    static const char text[] = "{\"a\": 1}\n\n  last line  \n";
    static const char text_nonl[] = "{\"a\": 1}\n\n  last line  ";
    static const struct {
        const char *name;
        hs_compression kind;
        void *(*fn)(const void *, size_t, size_t *);
    } codecs[] = {
        {"gz", HS_COMPRESSION_GZIP, hs_test_gzip},
        {"bz2", HS_COMPRESSION_BZIP2, hs_test_bzip2},
        {"zst", HS_COMPRESSION_ZSTD, hs_test_zstd},
    };
    for (size_t c = 0; c < 3; c++) {
        size_t zlen;
        void *z = codecs[c].fn(text, sizeof(text) - 1, &zlen);
        check_lines(hs_test_file(codecs[c].name, z, zlen), three, 3, true,
                    codecs[c].kind, __LINE__);
        free(z);
        z = codecs[c].fn(text_nonl, sizeof(text_nonl) - 1, &zlen);
        check_lines(hs_test_file(codecs[c].name, z, zlen), three, 3, false,
                    codecs[c].kind, __LINE__);
        free(z);
    }
}

/* A gzip stream cut short: its lines come out, the cut one incomplete,
 * and the input says it was truncated. */
static void
test_truncated_stream(void)
{
    enum { N = 20000 };
    char *text = malloc(N * 40);
    size_t len = 0, zlen, lines = 0;
    void *z;
    hs_input *in;
    hs_error err;
    got_line l;
    bool ok = true;
    for (int i = 0; i < N; i++) {
        len += (size_t)sprintf(text + len, "{\"address\": %d, \"n\": %d}\n",
                               i * 16, i * 7919 % 10007);
    }
    z = hs_test_gzip(text, len, &zlen);
    in = open_input(hs_test_file("cut.gz", z, zlen / 2), NO_LIMIT);
    hs_error_clear(&err);
    while ((l = next_line(in, &err)).rc == 1 && l.complete) {
        ok &= l.len < 40 && memcmp(l.text, "{\"address\": ", 12) == 0;
        lines++;
    }
    CHECK(ok);
    CHECK(lines > 100 && lines < N);
    CHECK_EQ_I64(l.rc, 1);      /* the cut line, incomplete */
    CHECK(!l.complete);
    CHECK(memcmp(l.text, text + hs_input_line_offset(in), l.len) == 0);
    CHECK_EQ_I64(next_line(in, &err).rc, 0);
    CHECK(hs_input_truncated(in));
    hs_input_free(in);
    free(z);
    free(text);
}

static void
test_corrupt_stream(void)
{
    static char text[200000];
    size_t zlen;
    unsigned char *z;
    hs_input *in;
    hs_error err;
    got_line l;
    for (size_t i = 0; i < sizeof(text); i++) {
        text[i] = (i % 61 == 60) ? '\n' : (char)('a' + i * 7 % 26);
    }
    z = hs_test_bzip2(text, sizeof(text), &zlen);
    z[zlen / 2] ^= 0xff;
    in = open_input(hs_test_file("bad.bz2", z, zlen), NO_LIMIT);
    hs_error_clear(&err);
    while ((l = next_line(in, &err)).rc == 1) {
    }
    CHECK_EQ_I64(l.rc, HS_ECORRUPT);
    CHECK_EQ_I64(err.code, HS_ECORRUPT);
    hs_input_free(in);
    free(z);
}

/* Lines longer than the 4 MiB window, plain and compressed. */
static void
test_long_line(void)
{
    size_t big = 9 * MIB + 123, len = 0, zlen;
    char *text = malloc(big + 100);
    void *z;
    const char *paths[2];
    memcpy(text, "first\n", 6);
    len = 6;
    for (size_t i = 0; i < big; i++) {
        text[len++] = (char)('0' + i % 10);
    }
    memcpy(text + len, "\nlast\n", 6);
    len += 6;
    z = hs_test_zstd(text, len, &zlen);
    paths[0] = hs_test_file("long", text, len);
    paths[1] = hs_test_file("long.zst", z, zlen);
    for (int k = 0; k < 2; k++) {
        hs_error err;
        hs_input *in = open_input(paths[k], NO_LIMIT);
        got_line l;
        hs_error_clear(&err);
        l = next_line(in, &err);
        CHECK(l.rc == 1 && l.len == 5);
        l = next_line(in, &err);
        CHECK_EQ_I64(l.rc, 1);
        CHECK_EQ_U64(l.len, big);
        CHECK(l.complete && memcmp(l.text, text + 6, big) == 0);
        CHECK_EQ_U64(hs_input_line_offset(in), 6);
        l = next_line(in, &err);
        CHECK(l.rc == 1 && l.len == 4 && memcmp(l.text, "last", 4) == 0);
        CHECK_EQ_U64(hs_input_line_offset(in), 6 + big + 1);
        CHECK_EQ_U64(hs_input_lineno(in), 3);
        CHECK_EQ_I64(next_line(in, &err).rc, 0);
        CHECK_EQ_U64(hs_input_text_bytes(in), len);
        hs_input_free(in);
    }
    free(z);
    free(text);
}

/* Reads path with max_line; returns the status of the first line that is
 * not exactly 'ok' (0 at the end) and its line number in err.line. */
static int
read_limited(const char *path, uint64_t max_line, hs_error *err,
             size_t *lines)
{
    hs_input *in = open_input(path, max_line);
    got_line l;
    *lines = 0;
    hs_error_clear(err);
    while ((l = next_line(in, err)).rc == 1) {
        (*lines)++;
    }
    hs_input_free(in);
    return l.rc;
}

static void
test_max_line(void)
{
    hs_error err;
    size_t lines;
    char *text = malloc(7 * MIB + 100);
    /* a short limit: a line of exactly the limit passes, one more fails */
    memset(text, 'x', 2000);
    memcpy(text, "ok\n", 3);
    text[1003] = '\n';
    CHECK_EQ_I64(read_limited(hs_test_file("lim", text, 1004), 1000, &err,
                              &lines), 0);
    CHECK_EQ_U64(lines, 2);
    text[1003] = 'x';
    text[1004] = '\n';
    CHECK_EQ_I64(read_limited(hs_test_file("lim", text, 1005), 1000, &err,
                              &lines), HS_ELIMIT);
    CHECK_EQ_I64(err.code, HS_ELIMIT);
    CHECK_EQ_U64(lines, 1);
    CHECK_EQ_U64(err.line, 2);
    CHECK_EQ_U64(err.offset, 3);
    /* the same for a cut last line */
    CHECK_EQ_I64(read_limited(hs_test_file("lim", text, 1004), 1000, &err,
                              &lines), HS_ELIMIT);
    /* a limit above the window: a 7 MiB line is over a 5 MiB limit */
    memset(text, 'y', 7 * MIB);
    text[7 * MIB] = '\n';
    CHECK_EQ_I64(read_limited(hs_test_file("lim", text, 7 * MIB + 1), 5 * MIB,
                              &err, &lines), HS_ELIMIT);
    CHECK_EQ_U64(lines, 0);
    CHECK_EQ_U64(err.line, 1);
    CHECK_EQ_I64(read_limited(hs_test_file("lim", text, 7 * MIB + 1), 7 * MIB,
                              &err, &lines), 0);
    CHECK_EQ_U64(lines, 1);
    free(text);
}

static void
test_open_errors(void)
{
    hs_input *in = NULL;
    hs_error err;
    hs_error_clear(&err);
    CHECK_EQ_I64(hs_input_open(&in, "/nonexistent/dump.json", NULL, 0, &err),
                 HS_EIO);
    CHECK_EQ_I64(err.code, HS_EIO);
    CHECK(strstr(err.message, "cannot open") != NULL);
    hs_error_clear(&err);
    CHECK_EQ_I64(hs_input_open(&in, "/tmp", NULL, 0, &err), HS_EIO);
    CHECK(strstr(err.message, "directory") != NULL);
}

int
main(void)
{
    RUN(test_line_ends);
    RUN(test_compressed_lines);
    RUN(test_truncated_stream);
    RUN(test_corrupt_stream);
    RUN(test_long_line);
    RUN(test_max_line);
    RUN(test_open_errors);
    return hs_test_end();
}
