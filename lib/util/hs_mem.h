/*
 * hs_mem.h - the injectable allocator and overflow-checked sizes.
 *
 * Every allocation in lib/ goes through an hs_allocator (docs/style.md 21), so
 * Python can pass PyMem_Raw* and tests can count or fail allocations.
 * Out of memory is an error (HS_ENOMEM), never an abort (docs/style.md 17).
 * Size arithmetic on counts from a dump goes through hs_size_mul/add
 * (docs/style.md 22): a hostile count must fail, not wrap.
 *
 * Which allocator (docs/style.md 21): scratch memory and objects with a
 * _free of their own use the graph's, g->a (several dumps: the last
 * one's; an object that outlives its graph keeps a copy of
 * hs_graph_allocator(g)); what the caller frees with hs_free (text, id
 * arrays, rows) is allocated with hs_malloc(NULL, ...), the default
 * allocator (the C library's, blocks of megabytes on huge pages: see
 * hs_bigblock.h), because hs_free takes no allocator.
 */
#ifndef HS_MEM_H
#define HS_MEM_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>

/* The allocator of the C library. */
extern const hs_allocator hs_default_allocator;

/* a may be NULL for the default. Return NULL when out of memory. */
void *hs_malloc(const hs_allocator *a, size_t size);
void *hs_calloc(const hs_allocator *a, size_t count, size_t size);
/* count * size bytes, not cleared; NULL when the product overflows. */
void *hs_malloc_array(const hs_allocator *a, size_t count, size_t size);
void *hs_realloc_array(const hs_allocator *a, void *ptr, size_t count,
                       size_t size);
void *hs_realloc(const hs_allocator *a, void *ptr, size_t size);
void hs_mfree(const hs_allocator *a, void *ptr);
char *hs_strndup(const hs_allocator *a, const char *s, size_t len);

/* Says that [p, p + bytes) is about to be written whole: its pages are
 * mapped in one call rather than one fault each (see hs_mem.c). */
void hs_prefault(void *p, size_t bytes);

/* The same for [p, p + bytes) about to be read, where it is mapped from
 * a file: its cached pages are mapped in one call, nothing copied. */
void hs_prefault_read(const void *p, size_t bytes);

/* Says that [p, p + bytes), part of a block about to be freed, will not be
 * read again: the whole pages inside it go back to the system at once
 * (they would read as zeros), so that copying a block into another one
 * never holds both whole (see hs_mem.c). */
void hs_drop_pages(void *p, size_t bytes);

/* Gives back to the system the free memory the C library keeps (glibc
 * holds blocks of a few megabytes freed inside its heap: a reader's
 * buffers, once its thread is done), when a is the standard allocator
 * (NULL counts as it) and the C library is glibc; else nothing. A load
 * calls it after reading, before linking, where its memory peaks. */
void hs_mem_trim(const hs_allocator *a);

/* *out = x * y or x + y; false on overflow. */
static inline bool
hs_size_mul(size_t x, size_t y, size_t *out)
{
    return !__builtin_mul_overflow(x, y, out);
}

static inline bool
hs_size_add(size_t x, size_t y, size_t *out)
{
    return !__builtin_add_overflow(x, y, out);
}

/* Grows the array *arr of *alloc elements of elem bytes so that it holds
 * at least need elements (amortized doubling). Returns HS_OK or
 * HS_ENOMEM (the array is then unchanged). */
int hs_grow(const hs_allocator *a, void **arr, size_t elem, size_t need,
            size_t *alloc);

/* HS_GROW(a, arr, need, alloc): hs_grow for a typed array pointer. */
#define HS_GROW(a, arr, need, alloc) \
    hs_grow((a), (void **)&(arr), sizeof(*(arr)), (need), &(alloc))

#endif
