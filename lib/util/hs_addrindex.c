/*
 * hs_addrindex.c - the address index (policy in hs_addrindex.h).
 */
#include "hs_addrindex.h"

#include "hs_error.h"
#include "hs_mem.h"

#include <string.h>

void
hs_addrindex_init(hs_addrindex *x, const hs_allocator *a)
{
    memset(x, 0, sizeof(*x));
    x->a = a;
}

void
hs_addrindex_release(hs_addrindex *x)
{
    hs_mfree(x->a, x->slots);
    hs_addrindex_init(x, x->a);
}

static void
place(uint32_t *slots, uint64_t cap, uint64_t addr, uint32_t id)
{
    uint64_t i = hs_hash_slot(hs_hash_u64(addr), cap);
    while (slots[i] != UINT32_MAX) {
        if (++i == cap) {
            i = 0;
        }
    }
    slots[i] = id;
}

static int
resize(hs_addrindex *x, const uint64_t *addrs, uint64_t cap)
{
    size_t bytes;
    uint32_t *slots;
    if (!hs_size_mul((size_t)cap, sizeof(*slots), &bytes)) {
        return HS_ENOMEM;
    }
    slots = hs_malloc(x->a, bytes);
    if (!slots) {
        return HS_ENOMEM;
    }
    memset(slots, 0xff, bytes);
    for (uint64_t i = 0; i < x->cap; i++) {
        uint32_t id = x->slots[i];
        if (id != UINT32_MAX) {
            place(slots, cap, addrs[id], id);
        }
    }
    hs_mfree(x->a, x->slots);
    x->slots = slots;
    x->cap = cap;
    return HS_OK;
}

int
hs_addrindex_reserve(hs_addrindex *x, const uint64_t *addrs, uint64_t n)
{
    uint64_t cap = n + n / 4 + 16; /* 80% full at n */
    if (cap <= x->cap) {
        return HS_OK;
    }
    return resize(x, addrs, cap);
}

int
hs_addrindex_reserve_unset(hs_addrindex *x, uint64_t n)
{
    uint64_t cap = n + n / 4 + 16; /* as hs_addrindex_reserve */
    size_t bytes;
    if (x->count != 0 || !hs_size_mul((size_t)cap, sizeof(*x->slots),
                                      &bytes)) {
        return x->count ? HS_EINVAL : HS_ENOMEM;
    }
    hs_mfree(x->a, x->slots);
    x->slots = hs_malloc(x->a, bytes);
    x->cap = x->slots ? cap : 0;
    return x->slots ? HS_OK : HS_ENOMEM;
}

int
hs_addrindex_insert(hs_addrindex *x, const uint64_t *addrs, uint32_t id)
{
    if ((x->count + 1) * 5 > x->cap * 4) {
        HS_TRY(resize(x, addrs, x->cap < 1024 ? 2048 : x->cap * 2));
    }
    place(x->slots, x->cap, addrs[id], id);
    x->count++;
    return HS_OK;
}

void
hs_addrindex_clear(hs_addrindex *x)
{
    if (x->slots) {
        memset(x->slots, 0xff, (size_t)x->cap * sizeof(*x->slots));
    }
    x->count = 0;
}
