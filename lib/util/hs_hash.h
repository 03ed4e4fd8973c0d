/*
 * hs_hash.h - the hash functions of the string table and address index.
 */
#ifndef HS_HASH_H
#define HS_HASH_H

#include <stddef.h>
#include <stdint.h>

/* FNV-1a over bytes: good enough for the short names we intern, where
 * most of the time goes to the table probe, not the hash. */
static inline uint64_t
hs_hash_bytes(const void *data, size_t len)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* Mixes a 64-bit key (an object address: its low bits are alignment) so
 * that the high bits, which hs_hash_slot uses, depend on every key bit. */
static inline uint64_t
hs_hash_u64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* Maps a hash to 0..cap-1 without division (Lemire's multiply-shift), so
 * tables need not have power-of-two capacity. */
static inline uint64_t
hs_hash_slot(uint64_t h, uint64_t cap)
{
    __extension__ typedef unsigned __int128 u128;
    return (uint64_t)(((u128)h * cap) >> 64);
}

#endif
