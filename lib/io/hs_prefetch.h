/*
 * hs_prefetch.h - decompressing on a thread of its own.
 *
 * Inflating gzip runs at about 400 MB/s on one core, parsing at about
 * 800 MB/s: done one after the other, a compressed dump loads at the
 * speed of both added up. A prefetcher runs the decoder on a second
 * thread, a few chunks ahead of the parser, so the two overlap.
 */
#ifndef HS_PREFETCH_H
#define HS_PREFETCH_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hs_decoder.h"

typedef struct hs_prefetch hs_prefetch;

/* Starts a thread reading d (which the prefetcher takes over: it is freed
 * by hs_prefetch_free). HS_ENOMEM, or HS_EIO when no thread can start (the
 * caller then reads d itself; d is not taken over). */
int hs_prefetch_start(hs_prefetch **out, hs_decoder *d, const hs_allocator *a,
                      hs_error *err);

/* Stops the thread and frees everything, the decoder included. */
void hs_prefetch_free(hs_prefetch *p);

/* As hs_decoder_read: up to cap bytes, *got = 0 at the end; a decoder
 * error is returned here, in order. */
int hs_prefetch_read(hs_prefetch *p, void *dst, size_t cap, size_t *got,
                     hs_error *err);

/* File bytes the decoder has read so far (safe from the reading thread). */
uint64_t hs_prefetch_consumed(hs_prefetch *p);

/* The decoder's truncation flag, once hs_prefetch_read reported the end. */
bool hs_prefetch_truncated(hs_prefetch *p);

#endif
