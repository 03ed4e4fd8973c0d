/*
 * hs_strtab.c - interned strings.
 *
 * Linear probing in a power-of-two table of ids, kept at most half full;
 * the strings themselves live in one growable pool, so the table is a few
 * allocations however many names a dump holds.
 */
#include "hs_strtab.h"

#include "hs_error.h"
#include "hs_hash.h"
#include "hs_mem.h"

#include <string.h>

void
hs_strtab_init(hs_strtab *t, const hs_allocator *a)
{
    memset(t, 0, sizeof(*t));
    t->a = a;
}

void
hs_strtab_release(hs_strtab *t)
{
    hs_mfree(t->a, t->pool);
    hs_mfree(t->a, t->offs);
    hs_mfree(t->a, t->lens);
    hs_mfree(t->a, t->hashes);
    hs_mfree(t->a, t->slots);
    hs_strtab_init(t, t->a);
}

static size_t
probe(const hs_strtab *t, const char *s, size_t len, uint64_t h)
{
    size_t mask = t->cap - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        uint32_t id = t->slots[i];
        if (id == UINT32_MAX) {
            return i;
        }
        if (t->hashes[id] == h && t->lens[id] == len
            && memcmp(t->pool + t->offs[id], s, len) == 0) {
            return i;
        }
        i = (i + 1) & mask;
    }
}

static int
rehash(hs_strtab *t)
{
    size_t cap = t->cap ? t->cap * 2 : 64;
    uint32_t *slots = hs_malloc(t->a, cap * sizeof(*slots));
    if (!slots) {
        return HS_ENOMEM;
    }
    memset(slots, 0xff, cap * sizeof(*slots));
    hs_mfree(t->a, t->slots);
    t->slots = slots;
    t->cap = cap;
    for (size_t id = 0; id < t->count; id++) {
        size_t i = (size_t)t->hashes[id] & (cap - 1);
        while (slots[i] != UINT32_MAX) {
            i = (i + 1) & (cap - 1);
        }
        slots[i] = (uint32_t)id;
    }
    return HS_OK;
}

uint32_t
hs_strtab_find(const hs_strtab *t, const char *s, size_t len)
{
    if (!t->cap) {
        return UINT32_MAX;
    }
    return t->slots[probe(t, s, len, hs_hash_bytes(s, len))];
}

int
hs_strtab_intern(hs_strtab *t, const char *s, size_t len, uint32_t *id)
{
    uint64_t h = hs_hash_bytes(s, len);
    size_t slot, need;
    if (t->cap) {
        slot = probe(t, s, len, h);
        if (t->slots[slot] != UINT32_MAX) {
            *id = t->slots[slot];
            return HS_OK;
        }
    }
    if (t->count >= UINT32_MAX - 1 || len > UINT32_MAX) {
        return HS_ELIMIT;
    }
    if ((t->count + 1) * 2 > t->cap) {
        HS_TRY(rehash(t));
    }
    slot = probe(t, s, len, h);
    if (!hs_size_add(t->pool_len, len, &need) || !hs_size_add(need, 1, &need)) {
        return HS_ENOMEM;
    }
    HS_TRY(HS_GROW(t->a, t->pool, need, t->pool_alloc));
    HS_TRY(HS_GROW(t->a, t->offs, t->count + 1, t->offs_alloc));
    HS_TRY(HS_GROW(t->a, t->lens, t->count + 1, t->lens_alloc));
    HS_TRY(HS_GROW(t->a, t->hashes, t->count + 1, t->hashes_alloc));
    memcpy(t->pool + t->pool_len, s, len);
    t->pool[t->pool_len + len] = '\0';
    t->offs[t->count] = t->pool_len;
    t->lens[t->count] = (uint32_t)len;
    t->hashes[t->count] = h;
    t->pool_len = need;
    t->slots[slot] = (uint32_t)t->count;
    *id = (uint32_t)t->count++;
    return HS_OK;
}
