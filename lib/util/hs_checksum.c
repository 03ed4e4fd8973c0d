/*
 * hs_checksum.c - the checksum of hs_checksum.h.
 *
 * A Fletcher-style pair of sums over 64-bit words, in four lanes: for
 * each word w of a lane, a += w, then b += a (both mod 2^64). A single
 * bit flip changes one word by plus or minus 2^k, so it changes that
 * lane's a by the same nonzero amount, whatever the other words; b, which
 * weighs each word by its distance from the end, catches most swaps and
 * moves. The lanes and the length are then folded through a bijective
 * avalanche into 64 bits (two different states collide with chance about
 * 2^-64).
 *
 * NOTE: about speed. Additions only, with no dependency between lanes:
 * GCC's vector extensions make it two 128-bit adds per 16 bytes, which
 * keeps up with memory (the snapshot reader checksums a whole mapped file
 * on every open). A multiplicative hash ran at half the speed.
 */
#include "hs_checksum.h"

#include "hs_hash.h"

#include <string.h>

typedef uint64_t u64x2 __attribute__((vector_size(16)));

uint64_t
hs_checksum(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *p = data;
    u64x2 a0 = {seed, 0}, a1 = {0, 0}, b0 = {0, 0}, b1 = {0, 0};
    unsigned char tail[32];
    size_t i = 0;
    uint64_t h;
    for (; i + 32 <= len; i += 32) {
        u64x2 w0, w1;
        memcpy(&w0, p + i, sizeof(w0));
        memcpy(&w1, p + i + 16, sizeof(w1));
        a0 += w0;
        a1 += w1;
        b0 += a0;
        b1 += a1;
    }
    if (i < len) {
        /* The tail, zero-padded: the length below tells padding apart. */
        u64x2 w0, w1;
        memset(tail, 0, sizeof(tail));
        memcpy(tail, p + i, len - i);
        memcpy(&w0, tail, sizeof(w0));
        memcpy(&w1, tail + 16, sizeof(w1));
        a0 += w0;
        a1 += w1;
        b0 += a0;
        b1 += a1;
    }
    /* The fold: hs_hash_u64 is MurmurHash3's finalizer, a bijection. */
    h = hs_hash_u64(a0[0] ^ 0x9e3779b97f4a7c15ULL);
    h = hs_hash_u64(h ^ a0[1]);
    h = hs_hash_u64(h ^ a1[0]);
    h = hs_hash_u64(h ^ a1[1]);
    h = hs_hash_u64(h ^ b0[0]);
    h = hs_hash_u64(h ^ b0[1]);
    h = hs_hash_u64(h ^ b1[0]);
    h = hs_hash_u64(h ^ b1[1]);
    return hs_hash_u64(h ^ (uint64_t)len);
}
