/*
 * hs_textpool.c - append-only byte strings.
 */
#include "hs_textpool.h"

#include "hs_error.h"
#include "hs_mem.h"

#include <string.h>

void
hs_textpool_init(hs_textpool *p, const hs_allocator *a)
{
    memset(p, 0, sizeof(*p));
    p->a = a;
}

void
hs_textpool_release(hs_textpool *p)
{
    hs_mfree(p->a, p->data);
    hs_textpool_init(p, p->a);
}

/* Writes a varint length and the bytes at position start. */
static int
put_entry(hs_textpool *p, size_t start, const void *s, size_t len)
{
    size_t need, v = len;
    if (!hs_size_add(start, len, &need) || !hs_size_add(need, 10, &need)) {
        return HS_ENOMEM;
    }
    HS_TRY(HS_GROW(p->a, p->data, need, p->alloc));
    if (start > p->len) {
        memset(p->data + p->len, 0, start - p->len); /* padding */
    }
    p->len = start;
    do {
        unsigned char byte = (unsigned char)(v & 0x7f);
        v >>= 7;
        p->data[p->len++] = (unsigned char)(byte | (v ? 0x80 : 0));
    } while (v);
    if (len) {
        memcpy(p->data + p->len, s, len);
    }
    p->len += len;
    return HS_OK;
}

int
hs_textpool_reserve(hs_textpool *p, size_t bytes)
{
    return HS_GROW(p->a, p->data, bytes, p->alloc);
}

int
hs_textpool_append(hs_textpool *p, const void *s, size_t len)
{
    return put_entry(p, p->len, s, len);
}

int
hs_textpool_add(hs_textpool *p, const void *s, size_t len, uint64_t *off)
{
    /* offset 0 means "none"; entries are aligned (see the header) */
    size_t start = (p->len + HS_TEXT_ALIGN - 1) & ~(size_t)(HS_TEXT_ALIGN - 1);
    if (start == 0) {
        start = HS_TEXT_ALIGN;
    }
    HS_TRY(put_entry(p, start, s, len));
    *off = start;
    return HS_OK;
}

const char *
hs_textpool_get(const hs_textpool *p, uint64_t off, size_t *len,
                uint64_t *next)
{
    const unsigned char *q = p->data + off;
    size_t v = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned char byte = *q++;
        v |= (size_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            break;
        }
        shift += 7;
    }
    *len = v;
    if (next) {
        *next = (uint64_t)(q - p->data) + v;
    }
    return (const char *)q;
}

void
hs_textpool_trim(hs_textpool *p)
{
    void *q;
    if (!p->data || p->len == p->alloc) {
        return;
    }
    q = hs_realloc(p->a, p->data, p->len);
    if (q) {
        p->data = q;
        p->alloc = p->len;
    }
}
