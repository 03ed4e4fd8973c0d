/*
 * hs_buf.h - a growable byte buffer for building text.
 *
 * Used to format output that the library hands to its caller, so it always
 * allocates with the C allocator (the caller frees with hs_free). Errors are
 * sticky: after a failed append every later append is a no-op and
 * hs_buf_detach returns NULL, so formatting code checks once at the end.
 */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_buf {
    char *data;
    size_t len;
    size_t alloc;
    bool failed;
} hs_buf;

#define HS_BUF_INIT {NULL, 0, 0, false}

void hs_buf_init(hs_buf *b);
void hs_buf_release(hs_buf *b);
void hs_buf_clear(hs_buf *b);
void hs_buf_add(hs_buf *b, const void *data, size_t len);
void hs_buf_addc(hs_buf *b, char c);
void hs_buf_adds(hs_buf *b, const char *s);
void hs_buf_addf(hs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hs_buf_add_u64(hs_buf *b, uint64_t v);
void hs_buf_add_i64(hs_buf *b, int64_t v);

/* Returns the NUL-terminated text (caller frees with hs_free) and resets b,
 * or NULL if any append failed. */
char *hs_buf_detach(hs_buf *b);

#endif
