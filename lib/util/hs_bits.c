/*
 * hs_bits.c - a bit per node id.
 */
#include "hs_bits.h"

#include "hs_mem.h"

int
hs_bits_init(hs_bits *b, const hs_allocator *a, uint32_t n)
{
    b->a = a;
    b->words = hs_calloc(a, ((size_t)n + 64) / 64, sizeof(uint64_t));
    return b->words ? HS_OK : HS_ENOMEM;
}

void
hs_bits_release(hs_bits *b)
{
    hs_mfree(b->a, b->words);
    b->words = NULL;
}
