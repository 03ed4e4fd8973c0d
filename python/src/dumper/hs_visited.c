/*
 * hs_visited.c - the set of addresses the walk has already reached.
 *
 * Objects are dense: pymalloc packs them into 16 KiB pools, so most 4 KiB
 * pages of a heap hold dozens of objects. The set therefore keeps one
 * 512-bit bitmap per 4 KiB page (one bit per 8-byte-aligned address) and
 * finds a page's bitmap through an open-addressing hash of page numbers.
 * A dense page costs 72 bytes for ~50 objects, about 1.5 bytes per object
 * plus the hash slots (4 bytes per page); the worst case, one object per
 * page, costs ~80 bytes for that object, and only large objects are spread
 * that thin. A plain pointer hash would cost 12-24 bytes per object.
 *
 * Pages live in fixed chunks that never move, so growing never copies
 * them; only the slot array (4 bytes per page) is rebuilt, at load 1/2.
 *
 * Addresses that are not 8-byte aligned cannot be objects; they are
 * rounded down, which is harmless because no two objects share 8 bytes.
 */
#include "hs_dumper.h"

#include <string.h>

#define PAGE_SHIFT 12
#define WORDS_PER_PAGE ((1u << PAGE_SHIFT) / 8 / 64)
#define HS_PAGES_PER_CHUNK 1024

struct hs_page {
    uintptr_t page;
    uint64_t bits[WORDS_PER_PAGE];
};

int
hs_visited_init(hs_visited *self)
{
    memset(self, 0, sizeof(*self));
    self->mask = 4096 - 1;
    self->slots = hsd_calloc(self->mask + 1, sizeof(uint32_t));
    self->last_page = UINTPTR_MAX;
    return self->slots ? 0 : -1;
}

void
hs_visited_release(hs_visited *self)
{
    size_t i;

    for (i = 0; i < self->nchunks; i++) {
        hsd_free(self->chunks[i], HS_PAGES_PER_CHUNK * sizeof(struct hs_page));
    }
    hsd_free(self->chunks, self->cap_chunks * sizeof(struct hs_page *));
    hsd_free(self->slots, (self->mask + 1) * sizeof(uint32_t));
    memset(self, 0, sizeof(*self));
}

size_t
hs_visited_bytes(const hs_visited *self)
{
    return (self->mask + 1) * sizeof(uint32_t)
           + self->nchunks * HS_PAGES_PER_CHUNK * sizeof(struct hs_page)
           + self->cap_chunks * sizeof(struct hs_page *);
}

static inline size_t
page_hash(uintptr_t page)
{
    /* Fibonacci hashing: page numbers are sequential, so multiply to
     * spread them over the slot array. */
    return (size_t)(((uint64_t)page * 0x9E3779B97F4A7C15ull) >> 24);
}

static inline struct hs_page *
page_at(const hs_visited *self, uint32_t index)
{
    return &self->chunks[index / HS_PAGES_PER_CHUNK]
                        [index % HS_PAGES_PER_CHUNK];
}

static int
grow_slots(hs_visited *self)
{
    size_t nslots = (self->mask + 1) * 2;
    uint32_t *slots = hsd_calloc(nslots, sizeof(uint32_t));
    size_t i;

    if (slots == NULL) {
        return -1;
    }
    for (i = 0; i < self->npages; i++) {
        size_t j = page_hash(page_at(self, (uint32_t)i)->page) & (nslots - 1);
        while (slots[j] != 0) {
            j = (j + 1) & (nslots - 1);
        }
        slots[j] = (uint32_t)i + 1;
    }
    hsd_free(self->slots, (self->mask + 1) * sizeof(uint32_t));
    self->slots = slots;
    self->mask = nslots - 1;
    return 0;
}

static struct hs_page *
new_page(hs_visited *self, uintptr_t page, size_t slot)
{
    size_t index = self->npages;
    struct hs_page *pg;

    if (index % HS_PAGES_PER_CHUNK == 0) {
        if (self->nchunks == self->cap_chunks) {
            size_t ncap = self->cap_chunks ? self->cap_chunks * 2 : 64;
            struct hs_page **chunks = hsd_realloc(
                self->chunks, self->cap_chunks * sizeof(*chunks),
                ncap * sizeof(*chunks));
            if (chunks == NULL) {
                return NULL;
            }
            self->chunks = chunks;
            self->cap_chunks = ncap;
        }
        self->chunks[self->nchunks] =
            hsd_malloc(HS_PAGES_PER_CHUNK * sizeof(struct hs_page));
        if (self->chunks[self->nchunks] == NULL) {
            return NULL;
        }
        self->nchunks++;
    }
    pg = page_at(self, (uint32_t)index);
    pg->page = page;
    memset(pg->bits, 0, sizeof(pg->bits));
    self->slots[slot] = (uint32_t)index + 1;
    self->npages++;
    return pg;
}

static struct hs_page *
find_page(hs_visited *self, uintptr_t page)
{
    size_t j = page_hash(page) & self->mask;

    for (;;) {
        uint32_t s = self->slots[j];
        if (s == 0) {
            break;
        }
        if (page_at(self, s - 1)->page == page) {
            return page_at(self, s - 1);
        }
        j = (j + 1) & self->mask;
    }
    if (self->npages + 1 > (self->mask + 1) / 2 || self->npages >= UINT32_MAX - 1) {
        if (self->npages >= UINT32_MAX - 1 || grow_slots(self) < 0) {
            return NULL;
        }
        j = page_hash(page) & self->mask;
        while (self->slots[j] != 0) {
            j = (j + 1) & self->mask;
        }
    }
    return new_page(self, page, j);
}

int
hs_visited_add(hs_visited *self, const void *p)
{
    uintptr_t a = (uintptr_t)p;
    uintptr_t page = a >> PAGE_SHIFT;
    unsigned bit = (unsigned)((a >> 3) & ((1u << (PAGE_SHIFT - 3)) - 1));
    struct hs_page *pg;
    uint64_t m;

    if (page == self->last_page) {
        pg = self->last;
    }
    else {
        pg = find_page(self, page);
        if (pg == NULL) {
            return -1;
        }
        self->last_page = page;
        self->last = pg;
    }
    m = (uint64_t)1 << (bit % 64);
    if (pg->bits[bit / 64] & m) {
        return 0;
    }
    pg->bits[bit / 64] |= m;
    return 1;
}
