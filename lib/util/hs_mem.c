/*
 * hs_mem.c - allocation through an injectable allocator.
 */
#include "hs_mem.h"

#include <stdlib.h>
#include <string.h>

static void *
std_malloc(void *ctx, size_t size)
{
    (void)ctx;
    return malloc(size);
}

static void *
std_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    return realloc(ptr, size);
}

static void
std_free(void *ctx, void *ptr)
{
    (void)ctx;
    free(ptr);
}

const hs_allocator hs_default_allocator = {std_malloc, std_realloc, std_free,
                                           NULL};

void *
hs_malloc(const hs_allocator *a, size_t size)
{
    if (!a) {
        a = &hs_default_allocator;
    }
    return a->malloc(a->ctx, size ? size : 1);
}

void *
hs_calloc(const hs_allocator *a, size_t count, size_t size)
{
    size_t bytes;
    void *p;
    if (!hs_size_mul(count, size, &bytes)) {
        return NULL;
    }
    p = hs_malloc(a, bytes);
    if (p) {
        memset(p, 0, bytes);
    }
    return p;
}

void *
hs_realloc(const hs_allocator *a, void *ptr, size_t size)
{
    if (!a) {
        a = &hs_default_allocator;
    }
    return a->realloc(a->ctx, ptr, size ? size : 1);
}

void
hs_mfree(const hs_allocator *a, void *ptr)
{
    if (!ptr) {
        return;
    }
    if (!a) {
        a = &hs_default_allocator;
    }
    a->free(a->ctx, ptr);
}

char *
hs_strndup(const hs_allocator *a, const char *s, size_t len)
{
    char *p;
    size_t bytes;
    if (!hs_size_add(len, 1, &bytes)) {
        return NULL;
    }
    p = hs_malloc(a, bytes);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

int
hs_grow(const hs_allocator *a, void **arr, size_t elem, size_t need,
        size_t *alloc)
{
    size_t n, bytes;
    void *p;
    if (need <= *alloc) {
        return HS_OK;
    }
    n = *alloc < 16 ? 16 : *alloc;
    while (n < need) {
        if (!hs_size_mul(n, 2, &n)) {
            return HS_ENOMEM;
        }
    }
    if (!hs_size_mul(n, elem, &bytes)) {
        return HS_ENOMEM;
    }
    p = hs_realloc(a, *arr, bytes);
    if (!p) {
        return HS_ENOMEM;
    }
    *arr = p;
    *alloc = n;
    return HS_OK;
}

/* Memory the library hands to callers is always from the C allocator, so
 * that hs_free needs no allocator argument. */
void
hs_free(void *ptr)
{
    free(ptr);
}
