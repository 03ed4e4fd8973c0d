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

int
hs_textpool_add(hs_textpool *p, const void *s, size_t len, uint64_t *off)
{
    size_t need;
    size_t start = p->len ? p->len : 1; /* offset 0 means "none" */
    size_t v = len;
    if (!hs_size_add(start, len, &need) || !hs_size_add(need, 10, &need)) {
        return HS_ENOMEM;
    }
    HS_TRY(HS_GROW(p->a, p->data, need, p->alloc));
    p->len = start;
    *off = start;
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
