/*
 * hs_bigblock.h - blocks of megabytes on huge pages, for the default
 * allocator.
 *
 * A graph's big arrays (offsets, targets, the address table, the tree's
 * arrays by id) are hundreds of megabytes read and written at random.
 * With 4 KB pages nearly every such access misses the TLB too, and each
 * first write is a fault. A big block here is a mapping of its own,
 * aligned on 2 MB and asking for transparent huge pages (one TLB entry
 * and one fault for 512 pages), grown and shrunk with mremap (its pages
 * move, nothing is copied). C library blocks cannot be asked so: glibc
 * maps a big block 16 bytes into a mapping of its own size, so that its
 * first and last 2 MB stay small pages, and a block it serves from its
 * heap may start anywhere.
 *
 * Only hs_mem.c's default allocator uses them, for blocks of
 * HS_BIG_MIN bytes or more (hs_free too: what the library hands out may
 * be one). Off under the sanitizers, whose checks need the C library's
 * blocks, and when the environment sets HEAPSCOPE_HUGE_PAGES=0. Where
 * the kernel has no transparent huge pages, or they are "never", the
 * blocks are plain mappings.
 */
#ifndef HS_BIGBLOCK_H
#define HS_BIGBLOCK_H

#include <stdbool.h>
#include <stddef.h>

/* Below this, a block's few pages cost less than a mapping of its own. */
#define HS_BIG_MIN ((size_t)4 << 20)

/* Whether big blocks are used at all: in this build, and by the
 * environment. */
bool hs_big_enabled(void);

/* While the calling thread has asked for small pages (calls with true
 * and false nest), its new blocks are the C library's: hs_big_alloc
 * returns NULL. For a job that writes fresh arrays once, reads them a few
 * times and frees them: where a fresh huge page is slow to clear (a
 * virtual machine whose host maps the guest's memory page by page on
 * first touch), that costs more than the TLB misses it saves. */
void hs_big_small_pages(bool ask);

/* A block of size bytes (HS_BIG_MIN or more), not cleared (it reads as
 * zeros); NULL when the system refuses the mapping, or its bookkeeping,
 * or big blocks are off (for this thread: hs_big_small_pages). */
void *hs_big_alloc(size_t size);

/* Whether p is a block hs_big_alloc or hs_big_realloc returned and that is
 * not freed. Cheap for any other pointer (one test of its alignment in
 * nearly every case). */
bool hs_big_owns(const void *p);

/* Resizes the big block p to size bytes (any size), keeping its bytes up
 * to the smaller size; returns the block, moved or not, or NULL (p is then
 * unchanged). */
void *hs_big_realloc(void *p, size_t size);

/* Unmaps the big block p. */
void hs_big_free(void *p);

#endif
