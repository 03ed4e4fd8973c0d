/*
 * hs_textpool.h - an append-only pool of byte strings named by offset.
 *
 * Values and names of objects are stored here: most are unique (every str
 * object is its own string), so interning would cost a hash per record and
 * save little. An entry is a varint length followed by the bytes; offset 0
 * is reserved to mean "none". Entries start at multiples of
 * HS_TEXT_ALIGN, so a graph can name one with a 32-bit number
 * (offset / HS_TEXT_ALIGN) and still address a pool of 16 GiB, at the cost
 * of 1.5 bytes of padding per entry on average.
 */
#ifndef HS_TEXTPOOL_H
#define HS_TEXTPOOL_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

#define HS_TEXT_ALIGN 4

typedef struct hs_textpool {
    const hs_allocator *a;
    unsigned char *data;
    size_t len, alloc;
} hs_textpool;

void hs_textpool_init(hs_textpool *p, const hs_allocator *a);
void hs_textpool_release(hs_textpool *p);

/* Makes room for the pool to reach `bytes` without moving (a load that
 * knows its input's size: see reserve_ahead in hs_scan.c). */
int hs_textpool_reserve(hs_textpool *p, size_t bytes);

/* Appends s[0..len); *off gets the entry's offset (never 0). */
int hs_textpool_add(hs_textpool *p, const void *s, size_t len, uint64_t *off);

/* Appends s[0..len) as an entry right after the last one, unaligned: how
 * a value is stored behind a name (found by skipping the name). */
int hs_textpool_append(hs_textpool *p, const void *s, size_t len);

/* The bytes at off (not NUL-terminated), and the offset just past the
 * entry in *next (may be NULL), so that two entries can be stored back to
 * back. Borrowed. */
const char *hs_textpool_get(const hs_textpool *p, uint64_t off, size_t *len,
                            uint64_t *next);

/* Gives back memory reserved but unused (after a load). */
void hs_textpool_trim(hs_textpool *p);

#endif
