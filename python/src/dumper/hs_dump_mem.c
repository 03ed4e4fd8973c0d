/*
 * hs_dump_mem.c - counted allocation for the dumper.
 *
 * The budget is stated per object ("at most 16 bytes of extra
 * memory per object"), so the walk must know what it allocates. Callers
 * pass the size back to hs_free/hs_realloc (they always know it), which
 * keeps the counter exact without a header per block.
 */
#include "hs_dumper.h"

#include <stdlib.h>

static size_t mem_current;
static size_t mem_peak;

static void
account(size_t add, size_t sub)
{
    mem_current = mem_current + add - sub;
    if (mem_current > mem_peak) {
        mem_peak = mem_current;
    }
}

void *
hs_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (p != NULL) {
        account(n, 0);
    }
    return p;
}

void *
hs_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p != NULL) {
        account(n * size, 0);
    }
    return p;
}

void *
hs_realloc(void *p, size_t old_n, size_t new_n)
{
    void *q = realloc(p, new_n ? new_n : 1);
    if (q != NULL) {
        /* realloc may copy: for a moment both blocks exist. */
        account(new_n, 0);
        account(0, old_n);
    }
    return q;
}

void
hs_free(void *p, size_t n)
{
    if (p != NULL) {
        free(p);
        account(0, n);
    }
}

void
hs_mem_reset_peak(void)
{
    mem_peak = mem_current;
}

size_t
hs_mem_current(void)
{
    return mem_current;
}

size_t
hs_mem_peak(void)
{
    return mem_peak;
}
