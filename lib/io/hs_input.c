/*
 * hs_input.c - line splitting over a decoder.
 *
 * The window buf[0..alloc) holds decoded bytes; [pos, end) is not yet
 * handed out. A line is found with hs_find_newline (hs_simd); when the
 * window holds no newline, the unread tail moves to the front and more is
 * read, growing the window only for a line longer than it (bounded by
 * max_line).
 */
#include "hs_input.h"

#include "hs_decoder.h"
#include "hs_prefetch.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_simd.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW (4u << 20)

struct hs_input {
    const hs_allocator *a;
    int fd;
    bool own_fd;
    hs_decoder *dec;
    hs_prefetch *pf;        /* when set, it owns dec and reads it */
    char *buf;
    size_t alloc, pos, end;
    bool eof;
    uint64_t max_line;
    uint64_t lineno;
    uint64_t line_offset;   /* offset of the line last returned */
    uint64_t next_offset;   /* offset of buf[pos] */
    uint64_t file_size;
    unsigned char head[HS_INPUT_HEAD]; /* the stream's first bytes, to say
                                          what a file that is no dump is */
    size_t head_len;
};

/* Opens the file (or stdin) and sets up everything but the decoder. */
static int
open_common(hs_input **out, const char *path, const hs_allocator *a,
            uint64_t max_line, hs_error *err)
{
    hs_input *in;
    struct stat st;
    int rc;
    *out = NULL;
    in = hs_calloc(a, 1, sizeof(*in));
    if (!in) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    in->a = a;
    in->max_line = max_line;
    if (strcmp(path, "-") == 0) {
        in->fd = 0;
    } else {
        in->fd = open(path, O_RDONLY | O_CLOEXEC);
        if (in->fd < 0) {
            rc = hs_error_set(err, HS_EIO, "cannot open: %s",
                              strerror(errno));
            hs_mfree(a, in);
            return rc;
        }
        in->own_fd = true;
    }
    if (fstat(in->fd, &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            hs_input_free(in);
            return hs_error_set(err, HS_EIO, "is a directory");
        }
        if (S_ISREG(st.st_mode)) {
            in->file_size = (uint64_t)st.st_size;
            posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        }
    }
    in->alloc = WINDOW;
    in->buf = hs_malloc(a, in->alloc);
    if (!in->buf) {
        hs_input_free(in);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    *out = in;
    return HS_OK;
}

int
hs_input_open(hs_input **out, const char *path, const hs_allocator *a,
              uint64_t max_line, hs_error *err)
{
    hs_input *in;
    int rc = open_common(&in, path, a, max_line, err);
    if (rc < 0) {
        return rc;
    }
    rc = hs_decoder_open(&in->dec, in->fd, a, err);
    if (rc < 0) {
        hs_input_free(in);
        return rc;
    }
    *out = in;
    return HS_OK;
}

int
hs_input_open_range(hs_input **out, const char *path, uint64_t start,
                    uint64_t end, const hs_allocator *a, uint64_t max_line,
                    hs_error *err)
{
    hs_input *in;
    int rc = open_common(&in, path, a, max_line, err);
    if (rc < 0) {
        return rc;
    }
    rc = hs_decoder_open_range(&in->dec, in->fd, start, end, a, err);
    if (rc < 0) {
        hs_input_free(in);
        return rc;
    }
    *out = in;
    return HS_OK;
}

void
hs_input_free(hs_input *in)
{
    if (!in) {
        return;
    }
    if (in->pf) {
        hs_prefetch_free(in->pf); /* stops its thread before the fd closes */
    } else {
        hs_decoder_free(in->dec);
    }
    if (in->own_fd) {
        close(in->fd);
    }
    hs_mfree(in->a, in->buf);
    hs_mfree(in->a, in);
}

/* Fails for the line that starts at buf[pos]: longer than max_line. */
static int
too_long(const hs_input *in, hs_error *err)
{
    hs_error_at(err, in->lineno + 1, 0, in->next_offset);
    return hs_error_set(err, HS_ELIMIT, "line longer than %llu bytes (the "
                        "longest record line accepted; --max-line raises "
                        "it)", (unsigned long long)in->max_line);
}

/* Moves the unread tail to the front, grows the window if it is full of
 * one line, and reads more. Sets eof when the decoder has nothing left. */
static int
refill(hs_input *in, hs_error *err)
{
    size_t got;
    if (in->pos > 0) {
        memmove(in->buf, in->buf + in->pos, in->end - in->pos);
        in->end -= in->pos;
        in->pos = 0;
    }
    if (in->end == in->alloc) {
        size_t n = in->alloc * 2;
        char *p;
        if ((uint64_t)in->alloc > in->max_line) {
            return too_long(in, err);
        }
        /* Grow to the limit, never past it: memory must follow the limit,
         * not the next power of two (a 1.1 GB line would otherwise take a
         * 2 GiB window before it is refused). */
        if ((uint64_t)n > in->max_line + 1) {
            n = (size_t)in->max_line + 1;
        }
        p = hs_realloc(in->a, in->buf, n);
        if (!p) {
            return hs_error_set(err, HS_ENOMEM, "out of memory for a line "
                                "of %zu bytes", in->alloc);
        }
        in->buf = p;
        in->alloc = n;
    }
    if (in->pf) {
        HS_TRY(hs_prefetch_read(in->pf, in->buf + in->end,
                                in->alloc - in->end, &got, err));
    } else {
        HS_TRY(hs_decoder_read(in->dec, in->buf + in->end,
                               in->alloc - in->end, &got, err));
    }
    in->end += got;
    if (in->next_offset == 0 && in->head_len < HS_INPUT_HEAD) {
        size_t k = in->end < HS_INPUT_HEAD ? in->end : HS_INPUT_HEAD;
        memcpy(in->head, in->buf, k);
        in->head_len = k;
    }
    if (got == 0) {
        in->eof = true;
    }
    return HS_OK;
}

int
hs_input_line(hs_input *in, const char **line, size_t *len, bool *complete,
              hs_error *err)
{
    size_t scanned = 0; /* bytes of the line already searched */
    for (;;) {
        char *start = in->buf + in->pos;
        const char *nl = hs_find_newline(start + scanned, in->buf + in->end);
        size_t n = nl ? (size_t)(nl - start) : in->end - in->pos;
        /* n is the line's length, or a lower bound while no newline is
         * in the window: either way the limit holds to the byte. */
        if ((uint64_t)n > in->max_line) {
            return too_long(in, err);
        }
        if (nl || (in->eof && in->end > in->pos)) {
            in->lineno++;
            in->line_offset = in->next_offset;
            in->pos += n + (nl ? 1 : 0);
            in->next_offset += n + (nl ? 1 : 0);
            if (n > 0 && start[n - 1] == '\r') {
                n--;
            }
            *line = start;
            *len = n;
            *complete = nl != NULL;
            return 1;
        }
        if (in->eof) {
            return 0;
        }
        scanned = in->end - in->pos;
        HS_TRY(refill(in, err));
    }
}

const unsigned char *
hs_input_head(const hs_input *in, size_t *len)
{
    *len = in->head_len;
    return in->head;
}

uint64_t
hs_input_lineno(const hs_input *in)
{
    return in->lineno;
}

uint64_t
hs_input_line_offset(const hs_input *in)
{
    return in->line_offset;
}

uint64_t
hs_input_text_bytes(const hs_input *in)
{
    return in->next_offset;
}

uint64_t
hs_input_consumed(const hs_input *in)
{
    return in->pf ? hs_prefetch_consumed(in->pf) : hs_decoder_consumed(in->dec);
}

uint64_t
hs_input_file_size(const hs_input *in)
{
    return in->file_size;
}

hs_compression
hs_input_compression(const hs_input *in)
{
    return hs_decoder_kind(in->dec);
}

bool
hs_input_truncated(const hs_input *in)
{
    return in->pf ? hs_prefetch_truncated(in->pf)
                  : hs_decoder_truncated(in->dec);
}

int
hs_input_background(hs_input *in, hs_error *err)
{
    if (in->pf || in->pos != in->end || in->lineno != 0) {
        return HS_OK; /* already, or too late: lines were handed out */
    }
    /* If no thread can start, reading on this one is still correct. */
    return hs_prefetch_start(&in->pf, in->dec, in->a, err) == HS_ENOMEM
               ? HS_ENOMEM : HS_OK;
}
