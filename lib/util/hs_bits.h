/*
 * hs_bits.h - a bit per node id: the "seen" sets of traversals and the
 * marks of the passes.
 *
 * Scratch, so on the graph's allocator, which the set remembers for
 * hs_bits_release. words is open to loops that take whole words at once
 * (a set bit per word at a time, ranges of 64 ids owned by one thread).
 */
#ifndef HS_BITS_H
#define HS_BITS_H

#include <heapscope.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct hs_bits {
    uint64_t *words;
    const hs_allocator *a;
} hs_bits;

/* All clear, n bits (and one more word's worth, so that id n may be
 * tested), through a (NULL: malloc); HS_ENOMEM on failure. Free with
 * hs_bits_release, which a zeroed or released set also takes. */
int hs_bits_init(hs_bits *b, const hs_allocator *a, uint32_t n);
void hs_bits_release(hs_bits *b);

static inline bool
hs_bits_test(const hs_bits *b, uint32_t i)
{
    return (b->words[i >> 6] >> (i & 63)) & 1;
}

static inline void
hs_bits_set(hs_bits *b, uint32_t i)
{
    b->words[i >> 6] |= (uint64_t)1 << (i & 63);
}

static inline void
hs_bits_clear(hs_bits *b, uint32_t i)
{
    b->words[i >> 6] &= ~((uint64_t)1 << (i & 63));
}

#endif
