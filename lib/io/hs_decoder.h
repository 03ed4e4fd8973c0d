/*
 * hs_decoder.h - decompressed bytes from a file descriptor.
 *
 * One interface over plain, gzip (zlib), bzip2 (libbz2) and zstd (libzstd)
 * input. Concatenated streams (several gzip members, bzip2 streams or zstd
 * frames) are read as one, as the command-line tools do.
 */
#ifndef HS_DECODER_H
#define HS_DECODER_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_decoder hs_decoder;

/* Reads the first bytes of fd to detect the compression. fd stays owned by
 * the caller. */
int hs_decoder_open(hs_decoder **out, int fd, const hs_allocator *a,
                    hs_error *err);
/* A decoder over bytes [start, end) of a plain file, read with pread(2)
 * so that several decoders can share one file. No sniffing: the caller
 * knows the file is plain. */
int hs_decoder_open_range(hs_decoder **out, int fd, uint64_t start,
                          uint64_t end, const hs_allocator *a, hs_error *err);

void hs_decoder_free(hs_decoder *d);

/* Fills dst with up to cap decompressed bytes; *got = 0 means the end.
 * Errors: HS_EIO, HS_ECORRUPT, HS_ENOMEM. */
int hs_decoder_read(hs_decoder *d, void *dst, size_t cap, size_t *got,
                    hs_error *err);

hs_compression hs_decoder_kind(const hs_decoder *d);
uint64_t hs_decoder_consumed(const hs_decoder *d);
/* True once the input ended in the middle of a compressed stream. */
bool hs_decoder_truncated(const hs_decoder *d);

#endif
