/*
 * hs_mem.c - allocation through an injectable allocator.
 */
#include "hs_mem.h"

#include "hs_bigblock.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

/* The C library's allocator, but for blocks of megabytes, which are
 * mappings of their own on huge pages (hs_bigblock.h); the C library's
 * when those are off or refused. */
static void *
std_malloc(void *ctx, size_t size)
{
    void *p = NULL;
    (void)ctx;
    if (size >= HS_BIG_MIN) {
        p = hs_big_alloc(size);
    }
    return p ? p : malloc(size);
}

/* A C library block that grows past HS_BIG_MIN moves to a big block (its
 * bytes copied, once); a big block stays one, grown or shrunk in place or
 * moved without a copy. */
static void *
std_realloc(void *ctx, void *ptr, size_t size)
{
    (void)ctx;
    if (hs_big_owns(ptr)) {
        return hs_big_realloc(ptr, size);
    }
#ifdef __GLIBC__
    if (size >= HS_BIG_MIN) {
        size_t old = ptr ? malloc_usable_size(ptr) : 0;
        void *p = hs_big_alloc(size);
        if (p) {
            if (old) {
                memcpy(p, ptr, old < size ? old : size);
            }
            free(ptr);
            return p;
        }
    }
#endif
    return realloc(ptr, size);
}

static void
std_free(void *ctx, void *ptr)
{
    (void)ctx;
    hs_free(ptr);
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

/* madvise(advice) on the whole pages inside [p, p + bytes), when there
 * are at least min bytes (below, a few faults cost less than the call).
 * Only whole pages: the first and last may hold a neighbour's bytes. */
static void
advise_inside(const void *p, size_t bytes, size_t min, int advice)
{
    uintptr_t page = 4096, lo, hi;
    if (bytes < min) {
        return;
    }
    lo = ((uintptr_t)p + page - 1) & ~(page - 1);
    hi = ((uintptr_t)p + bytes) & ~(page - 1);
    if (hi > lo) {
        (void)madvise((void *)lo, hi - lo, advice);
    }
}

/* A load writes about a gigabyte of fresh memory for a 7.8 M-object dump,
 * and each first write to a page is a fault: a trap, a zeroed page, a
 * return. MADV_POPULATE_WRITE (Linux 5.14) maps a range of pages in one
 * call; on the benchmark it halved the load's faults and cut its CPU
 * time by a tenth (more under virtual machines, where each trap is
 * dearer). Only whole pages inside the range are touched, so a page
 * shared with a neighbouring allocation is left alone, and no byte
 * changes. Where the kernel lacks it, the call fails and the pages
 * fault one by one as before. */
void
hs_prefault(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    advise_inside(p, bytes, (size_t)16 << 10, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* The same for pages about to be read (a mapped file's: they are mapped
 * as they are in the page cache, nothing copied). */
void
hs_prefault_read(const void *p, size_t bytes)
{
#ifdef MADV_POPULATE_READ
    advise_inside(p, bytes, (size_t)16 << 10, MADV_POPULATE_READ);
#else
    (void)p;
    (void)bytes;
#endif
}

/* Only the pages wholly inside the range: the block's first and last
 * pages may hold the allocator's own data, and those of its neighbours.
 * The pages inside are the caller's alone, whichever allocator made the
 * block, and an allocator that writes to them after the free finds zero
 * pages, which it may write like any other. */
void
hs_drop_pages(void *p, size_t bytes)
{
    advise_inside(p, bytes, (size_t)64 << 10, MADV_DONTNEED);
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
        hs_prefault(p, bytes);
        memset(p, 0, bytes);
    }
    return p;
}

void *
hs_malloc_array(const hs_allocator *a, size_t count, size_t size)
{
    size_t bytes;
    return hs_size_mul(count, size, &bytes) ? hs_malloc(a, bytes) : NULL;
}

void *
hs_realloc_array(const hs_allocator *a, void *ptr, size_t count, size_t size)
{
    size_t bytes;
    return hs_size_mul(count, size, &bytes) ? hs_realloc(a, ptr, bytes)
                                            : NULL;
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
    if (hs_big_owns(ptr)) {
        hs_big_free(ptr);
    } else {
        free(ptr);
    }
}

void
hs_mem_trim(const hs_allocator *a)
{
#ifdef __GLIBC__
    if (!a || a->malloc == std_malloc) {
        malloc_trim(0);
    }
#else
    (void)a;
#endif
}
