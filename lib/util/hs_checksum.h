/*
 * hs_checksum.h - a fast 64-bit checksum for integrity checks.
 *
 * Used where a damaged file must be told from a good one (the snapshot,
 * the dump fingerprint), not against an adversary: it is not a
 * MAC, and readers still validate every structure they trust.
 *
 * A single bit flip anywhere in the input always changes the sums it is
 * computed from (Fletcher-style, hs_checksum.c), and so the result, but
 * for a 2^-64 chance that the final 64-bit mixing maps both to one value;
 * so does a change of length.
 * Speed: vector additions only, so checking a mapped file runs at memory
 * bandwidth.
 */
#ifndef HS_CHECKSUM_H
#define HS_CHECKSUM_H

#include <stddef.h>
#include <stdint.h>

/* Checksum of data[0..len) starting from seed (0 or a previous result to
 * chain pieces; chaining is not the same as hashing the concatenation). */
uint64_t hs_checksum(const void *data, size_t len, uint64_t seed);

#endif
