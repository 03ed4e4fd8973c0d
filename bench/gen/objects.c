/*
 * objects.c: one record per object, each new_* writing one line to the
 * stage and returning the object's address.
 */
#include "gen.h"

#include <string.h>

/* ------------------------------------------------------------------------
 * Objects.  Each new_* writes one record to the stage and returns its
 * address; sizes follow meliae on CPython 3.11 (docs/format.md §3).
 * --------------------------------------------------------------------- */

uint64_t
small_int(int64_t v)
{
    return ADDR_SMALL_INT0 + (uint64_t)(v * 32);
}

uint64_t
new_leaf(gen *g, const char *type, uint64_t size)
{
    uint64_t a = alloc_addr(g, size);

    rec_begin(g, a, type, size);
    rec_end(g, NULL, 0);
    return a;
}

uint64_t
new_container(gen *g, const char *type, uint64_t size, const uint64_t *refs,
              size_t n, int with_len)
{
    uint64_t a = alloc_addr(g, size);

    rec_begin(g, a, type, size);
    if (with_len) {
        rec_len(g, n);
    }
    rec_end(g, refs, n);
    return a;
}

/* An exact int: small ones are shared, others get one record. */
uint64_t
new_int(gen *g, int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t digits = 0;
    uint64_t a;

    if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) {
        return small_int(v);
    }
    for (; mag != 0; mag >>= 30) {
        digits++;
    }
    a = alloc_addr(g, 24 + 4 * digits);
    rec_begin(g, a, "int", 24 + 4 * digits);
    PUT_LIT(g, ", \"value\": ");
    put_i64(g, v);
    rec_end(g, NULL, 0);
    return a;
}

/* An int too big for int64: meliae writes no value. */
uint64_t
new_bigint(gen *g)
{
    return new_leaf(g, "int", 36 + 4 * rnd(g, 2));
}

uint64_t
new_str(gen *g, const char *utf8)
{
    const unsigned char *p = (const unsigned char *)utf8;
    uint64_t len = 0;
    unsigned maxcp = 0;
    uint64_t size;
    uint64_t a;

    while (*p != '\0') {
        unsigned cp = utf8_next(&p);
        maxcp = cp > maxcp ? cp : maxcp;
        len++;
    }
    if (maxcp < 0x80) {
        size = 48 + len + 1;
    } else {
        size = 72 + (len + 1) * (maxcp < 0x100 ? 1 : maxcp < 0x10000 ? 2 : 4);
    }
    a = alloc_addr(g, size);
    rec_begin(g, a, "str", size);
    rec_len(g, len);
    PUT_LIT(g, ", \"value\": ");
    put_text(g, utf8);
    rec_end(g, NULL, 0);
    return a;
}

uint64_t
new_bytes(gen *g, const unsigned char *data, size_t n)
{
    uint64_t a = alloc_addr(g, 33 + n);

    rec_begin(g, a, "bytes", 33 + n);
    rec_len(g, n);
    PUT_LIT(g, ", \"value\": ");
    put_cstring(g, data, n);
    rec_end(g, NULL, 0);
    return a;
}

uint64_t
new_tuple(gen *g, const uint64_t *refs, size_t n)
{
    return new_container(g, "tuple", 40 + 8 * n, refs, n, 1);
}

uint64_t
new_list(gen *g, const uint64_t *refs, size_t n)
{
    /* Over-allocation as list.append leaves it, roughly. */
    size_t alloc = n == 0 ? 0 : (n + (n >> 3) + 6) & ~(size_t)3;

    return new_container(g, "list", 56 + 8 * alloc, refs, n, 1);
}

uint64_t
set_size(size_t n)
{
    uint64_t slots = 8;

    while (n * 5 >= slots * 3) {
        slots *= 2;
    }
    return slots == 8 ? 216 : 216 + 16 * slots;
}

/*
 * A 3.11 dict: 64 bytes plus a keys object of a 32-byte header, the
 * index table and usable = 2/3 of the slots entries (16 bytes each for
 * str keys, 24 otherwise).
 */
uint64_t
dict_size(size_t n, int str_keys)
{
    uint64_t slots = 8;
    uint64_t index_bytes;
    uint64_t entry;

    if (n == 0) {
        return 64;
    }
    while (slots * 2 / 3 < n) {
        slots *= 2;
    }
    index_bytes = slots <= 128 ? 1 : slots <= 32768 ? 2 : 4;
    entry = str_keys ? 16 : 24;
    return 64 + 32 + slots * index_bytes + slots * 2 / 3 * entry;
}

/* str-keyed dict: meliae's Python 3 scanner lists only the values. */
uint64_t
new_dict_values(gen *g, const uint64_t *values, size_t n)
{
    return new_container(g, "dict", dict_size(n, 1), values, n, 1);
}

/* Any other dict: value, key for each item. */
uint64_t
new_dict_vk(gen *g, const uint64_t *pairs, size_t nitems)
{
    uint64_t a = alloc_addr(g, dict_size(nitems, 0));

    rec_begin(g, a, "dict", dict_size(nitems, 0));
    rec_len(g, nitems);
    rec_end(g, pairs, 2 * nitems);
    return a;
}

/* An instance; with 3.11 inline values refs are [v1..vn, type]. */
uint64_t
new_instance(gen *g, const char *type, uint64_t size, const uint64_t *refs,
             size_t n)
{
    return new_container(g, type, size, refs, n, 0);
}

uint64_t
new_float(gen *g)
{
    return new_leaf(g, "float", 24);
}

