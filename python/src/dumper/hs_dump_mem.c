/*
 * hs_dump_mem.c - counted allocation for the dumper.
 *
 * The budget is stated per object ("at most 16 bytes of extra
 * memory per object"), so the walk must know what it allocates. Callers
 * pass the size back to hsd_free/hsd_realloc (they always know it), which
 * keeps the counter exact without a header per block.
 */
#include "hs_dumper.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t mem_current;
static size_t mem_peak;

/* In a fork snapshot's child (hs_fork.c) malloc may be unusable: the
 * child is made by a bare clone, so a malloc lock another thread held at
 * that instant stays locked forever. There every block is mapped on its
 * own; the walk allocates few, large blocks (bitmap chunks, buffers), so
 * a page of rounding each costs little. */
static int use_mmap;

void
hsd_mem_use_mmap(void)
{
    use_mmap = 1;
}

static size_t
pages(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);

    return (n ? n + page - 1 : page) / page * page;
}

static void *
map_block(size_t n)
{
    void *p = mmap(NULL, pages(n), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

    return p == MAP_FAILED ? NULL : p;
}

static void
account(size_t add, size_t sub)
{
    mem_current = mem_current + add - sub;
    if (mem_current > mem_peak) {
        mem_peak = mem_current;
    }
}

void *
hsd_malloc(size_t n)
{
    void *p = use_mmap ? map_block(n) : malloc(n ? n : 1);
    if (p != NULL) {
        account(n, 0);
    }
    return p;
}

void *
hsd_calloc(size_t n, size_t size)
{
    void *p;

    if (use_mmap) {
        /* Anonymous mappings are zeroed. */
        p = size && n > SIZE_MAX / size ? NULL : map_block(n * size);
    }
    else {
        p = calloc(n ? n : 1, size ? size : 1);
    }
    if (p != NULL) {
        account(n * size, 0);
    }
    return p;
}

void *
hsd_realloc(void *p, size_t old_n, size_t new_n)
{
    void *q;

    if (use_mmap) {
        q = p == NULL ? map_block(new_n)
                      : mremap(p, pages(old_n), pages(new_n), MREMAP_MAYMOVE);
        q = q == MAP_FAILED ? NULL : q;
    }
    else {
        q = realloc(p, new_n ? new_n : 1);
    }
    if (q != NULL) {
        /* realloc may copy: for a moment both blocks exist. */
        account(new_n, 0);
        account(0, old_n);
    }
    return q;
}

void
hsd_free(void *p, size_t n)
{
    if (p != NULL) {
        if (use_mmap) {
            munmap(p, pages(n));
        }
        else {
            free(p);
        }
        account(0, n);
    }
}

void
hsd_mem_reset_peak(void)
{
    mem_peak = mem_current;
}

size_t
hsd_mem_current(void)
{
    return mem_current;
}

size_t
hsd_mem_peak(void)
{
    return mem_peak;
}
