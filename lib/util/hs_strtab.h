/*
 * hs_strtab.h - interned strings with dense u32 ids.
 *
 * A dump repeats a few hundred type names millions of times (docs/style.md 24):
 * each distinct string is stored once, NUL-terminated, and named by a u32
 * id in order of first insertion. Lookups are an open-addressing probe.
 */
#ifndef HS_STRTAB_H
#define HS_STRTAB_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_strtab {
    const hs_allocator *a;
    char *pool;         /* the strings, each followed by a NUL */
    size_t pool_len, pool_alloc;
    size_t *offs;       /* id -> offset in pool */
    uint32_t *lens;     /* id -> length */
    uint64_t *hashes;   /* id -> hash */
    size_t count, offs_alloc, lens_alloc, hashes_alloc;
    uint32_t *slots;    /* ids, UINT32_MAX = empty */
    size_t cap;         /* power of two */
} hs_strtab;

void hs_strtab_init(hs_strtab *t, const hs_allocator *a);
void hs_strtab_release(hs_strtab *t);

/* Interns s[0..len); *id gets its id. HS_OK, HS_ENOMEM or HS_ELIMIT. */
int hs_strtab_intern(hs_strtab *t, const char *s, size_t len, uint32_t *id);

/* Id of s, or UINT32_MAX when it was never interned. */
uint32_t hs_strtab_find(const hs_strtab *t, const char *s, size_t len);

/* The string of id (NUL-terminated); *len may be NULL. Borrowed. */
static inline const char *
hs_strtab_get(const hs_strtab *t, uint32_t id, size_t *len)
{
    if (len) {
        *len = t->lens[id];
    }
    return t->pool + t->offs[id];
}

static inline uint32_t
hs_strtab_count(const hs_strtab *t)
{
    return (uint32_t)t->count;
}

#endif
