/*
 * hs_buf.c - growable text buffer with sticky errors.
 */
#include "hs_buf.h"
#include "hs_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
hs_buf_init(hs_buf *b)
{
    hs_buf_init_on(b, NULL);
}

void
hs_buf_init_on(hs_buf *b, const hs_allocator *a)
{
    memset(b, 0, sizeof(*b));
    b->a = a;
}

void
hs_buf_release(hs_buf *b)
{
    hs_mfree(b->a, b->data);
    hs_buf_init_on(b, b->a);
}

void
hs_buf_clear(hs_buf *b)
{
    b->len = 0;
    b->failed = false;
}

/* Makes room for extra more bytes plus a NUL. */
static bool
reserve(hs_buf *b, size_t extra)
{
    size_t need, n;
    char *p;
    if (b->failed) {
        return false;
    }
    if (__builtin_add_overflow(b->len, extra, &need)
        || __builtin_add_overflow(need, 1, &need)) {
        b->failed = true;
        return false;
    }
    if (need <= b->alloc) {
        return true;
    }
    n = b->alloc ? b->alloc : 64;
    while (n < need) {
        if (__builtin_mul_overflow(n, 2, &n)) {
            b->failed = true;
            return false;
        }
    }
    p = hs_realloc(b->a, b->data, n);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->alloc = n;
    return true;
}

void
hs_buf_add(hs_buf *b, const void *data, size_t len)
{
    if (!reserve(b, len)) {
        return;
    }
    if (len) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
}

void
hs_buf_addc(hs_buf *b, char c)
{
    hs_buf_add(b, &c, 1);
}

void
hs_buf_adds(hs_buf *b, const char *s)
{
    hs_buf_add(b, s, strlen(s));
}

void
hs_buf_addf(hs_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    if (!reserve(b, 64)) {
        return;
    }
    va_start(ap, fmt);
    n = vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        b->failed = true;
        return;
    }
    if ((size_t)n >= b->alloc - b->len) {
        if (!reserve(b, (size_t)n)) {
            return;
        }
        va_start(ap, fmt);
        vsnprintf(b->data + b->len, b->alloc - b->len, fmt, ap);
        va_end(ap);
    }
    b->len += (size_t)n;
}

void
hs_buf_add_u64(hs_buf *b, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);
    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    hs_buf_add(b, tmp + i, sizeof(tmp) - i);
}

void
hs_buf_add_i64(hs_buf *b, int64_t v)
{
    if (v < 0) {
        hs_buf_addc(b, '-');
        hs_buf_add_u64(b, (uint64_t)0 - (uint64_t)v);
    } else {
        hs_buf_add_u64(b, (uint64_t)v);
    }
}

char *
hs_buf_detach(hs_buf *b)
{
    char *p;
    if (b->failed || !reserve(b, 0)) {
        hs_buf_release(b);
        return NULL;
    }
    b->data[b->len] = '\0'; /* a buffer never appended to has no NUL yet */
    p = b->data;
    hs_buf_init_on(b, b->a);
    return p;
}
