/*
 * hs_buf.h - a growable byte buffer for building text.
 *
 * Used to format output that the library hands to its caller, so by default
 * it allocates with the C allocator (the caller frees with hs_free); a
 * scratch buffer, never detached, is on the graph's allocator instead
 * (HS_BUF_INIT_ON, docs/style.md 21). Errors are
 * sticky: after a failed append every later append is a no-op and
 * hs_buf_detach returns NULL, so formatting code checks once at the end.
 */
#ifndef HS_BUF_H
#define HS_BUF_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_buf {
    char *data;
    size_t len;
    size_t alloc;
    bool failed;
    const hs_allocator *a; /* NULL: malloc */
} hs_buf;

#define HS_BUF_INIT {NULL, 0, 0, false, NULL}
#define HS_BUF_INIT_ON(alc) {NULL, 0, 0, false, (alc)}

void hs_buf_init(hs_buf *b);
/* Empty, on allocator a (NULL: malloc). */
void hs_buf_init_on(hs_buf *b, const hs_allocator *a);
void hs_buf_release(hs_buf *b);
void hs_buf_clear(hs_buf *b);
void hs_buf_add(hs_buf *b, const void *data, size_t len);
void hs_buf_addc(hs_buf *b, char c);
void hs_buf_adds(hs_buf *b, const char *s);
void hs_buf_addf(hs_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hs_buf_add_u64(hs_buf *b, uint64_t v);
void hs_buf_add_i64(hs_buf *b, int64_t v);

/* Returns the NUL-terminated text and resets b (keeping its allocator),
 * or NULL if any append failed. The text is on b's allocator: the caller
 * frees it with hs_free when b is on malloc (HS_BUF_INIT). */
char *hs_buf_detach(hs_buf *b);

#endif
