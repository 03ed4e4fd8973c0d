/*
 * hs_addrindex.h - address -> node id.
 *
 * Policy (docs/style.md 26): an open-addressing table of u32 node ids with linear
 * probing, kept at most 80% full and doubled beyond that; any capacity (not
 * only powers of two), mapped by multiply-shift. The addresses themselves
 * are not stored: a probe compares against the graph's address array,
 * which halves the table's size (4 bytes a slot) at the price of one more
 * memory access per probe.
 *
 * Duplicates: the loader looks an address up before inserting it, and a
 * record whose address is already present is skipped (the first record
 * wins, as in meliae). Dangling references get a phantom node, inserted
 * like any other, so that each distinct missing address has one id.
 * Nodes are never removed; callers check whether a node found still exists.
 */
#ifndef HS_ADDRINDEX_H
#define HS_ADDRINDEX_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

#include "hs_hash.h"

typedef struct hs_addrindex {
    const hs_allocator *a;
    uint32_t *slots;  /* node ids; UINT32_MAX = empty */
    uint64_t cap;
    uint64_t count;
} hs_addrindex;

void hs_addrindex_init(hs_addrindex *x, const hs_allocator *a);
void hs_addrindex_release(hs_addrindex *x);

/* Makes room for at least n entries without further growth. */
int hs_addrindex_reserve(hs_addrindex *x, const uint64_t *addrs, uint64_t n);

/* The same for an empty index, leaving the slots unset: the caller sets
 * them all to UINT32_MAX (empty) before any other use, on as many
 * threads as it likes, so that the pages are faulted in side by side. */
int hs_addrindex_reserve_unset(hs_addrindex *x, uint64_t n);

/* The slot where a probe for addr starts. */
static inline uint64_t
hs_addrindex_home(const hs_addrindex *x, uint64_t addr)
{
    return hs_hash_slot(hs_hash_u64(addr), x->cap);
}

/* Node id at address, or UINT32_MAX. addrs is the graph's address array. */
static inline uint32_t
hs_addrindex_find(const hs_addrindex *x, const uint64_t *addrs, uint64_t addr)
{
    uint64_t i;
    if (!x->cap) {
        return UINT32_MAX;
    }
    i = hs_hash_slot(hs_hash_u64(addr), x->cap);
    for (;;) {
        uint32_t id = x->slots[i];
        if (id == UINT32_MAX || addrs[id] == addr) {
            return id;
        }
        if (++i == x->cap) {
            i = 0;
        }
    }
}

/* Inserts id for addrs[id], which must not be present. May grow. */
int hs_addrindex_insert(hs_addrindex *x, const uint64_t *addrs, uint32_t id);

/* Inserts id for addrs[id] unless that address is present: returns the id
 * already there, or UINT32_MAX after inserting. The table must have room
 * (hs_addrindex_reserve): this never grows it. */
static inline uint32_t
hs_addrindex_put(hs_addrindex *x, const uint64_t *addrs, uint32_t id)
{
    uint64_t addr = addrs[id];
    uint64_t i = hs_hash_slot(hs_hash_u64(addr), x->cap);
    for (;;) {
        uint32_t cur = x->slots[i];
        if (cur == UINT32_MAX) {
            x->slots[i] = id;
            x->count++;
            return UINT32_MAX;
        }
        if (addrs[cur] == addr) {
            return cur;
        }
        if (++i == x->cap) {
            i = 0;
        }
    }
}

/* NOTE: about tags. A probe compares the address of each slot's
 * occupant, one random read of the address array per slot passed; at
 * 80 % full a successful search passes two others on average, and only
 * the first can be prefetched. A table may have beside it a byte per
 * slot, the tag: bits of the occupant's address hash that the home slot
 * does not use, or 0 when unknown. A probe then reads the address only
 * where the tag is the one it looks for, or 0: one slot in 255 of the
 * others. The loader keeps tags while it resolves refs (hs_link.c). */
static inline uint8_t
hs_addrindex_tag(uint64_t hash)
{
    uint8_t t = (uint8_t)hash; /* home takes the high bits */
    return t ? t : 1;
}

/* hs_addrindex_find, with tags (cap bytes; see the NOTE above). */
static inline uint32_t
hs_addrindex_find_tagged(const hs_addrindex *x, const uint8_t *tags,
                         const uint64_t *addrs, uint64_t addr)
{
    uint64_t h = hs_hash_u64(addr), i;
    uint8_t want = hs_addrindex_tag(h);
    if (!x->cap) {
        return UINT32_MAX;
    }
    i = hs_hash_slot(h, x->cap);
    for (;;) {
        uint32_t id = x->slots[i];
        uint8_t t = tags[i];
        if (id == UINT32_MAX || ((t == want || t == 0) && addrs[id] == addr)) {
            return id;
        }
        if (++i == x->cap) {
            i = 0;
        }
    }
}

/* The two stages of prefetching for hs_addrindex_find_tagged: the slot
 * and its tag, then, once those are in cache, the address of the first
 * occupant (of the home's next few) whose tag may match. */
static inline void
hs_addrindex_prefetch_tagged(const hs_addrindex *x, const uint8_t *tags,
                             uint64_t addr)
{
    if (x->cap) {
        uint64_t i = hs_hash_slot(hs_hash_u64(addr), x->cap);
        __builtin_prefetch(&x->slots[i]);
        __builtin_prefetch(&tags[i]);
    }
}

static inline void
hs_addrindex_prefetch_tagged_occupant(const hs_addrindex *x,
                                      const uint8_t *tags,
                                      const uint64_t *addrs, uint64_t addr)
{
    enum { LOOK = 4 };
    uint64_t h = hs_hash_u64(addr), i;
    uint8_t want = hs_addrindex_tag(h);
    if (!x->cap) {
        return;
    }
    i = hs_hash_slot(h, x->cap);
    for (unsigned k = 0; k < LOOK && i + k < x->cap; k++) {
        uint32_t id = x->slots[i + k];
        if (id == UINT32_MAX) {
            return;
        }
        if (tags[i + k] == want || tags[i + k] == 0) {
            __builtin_prefetch(&addrs[id]);
            return;
        }
    }
}

/* Empties the table, keeping its capacity. */
void hs_addrindex_clear(hs_addrindex *x);

#endif
