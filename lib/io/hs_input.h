/*
 * hs_input.h - a dump's bytes as lines, whatever the compression.
 *
 * Opens a file (or stdin for "-"), detects gzip, bzip2 and zstd by their
 * magic bytes (never by name), and hands out one line at a time from an
 * internal buffer: no fixed line limit below max_line, no copy of lines
 * that fit the buffer. Input is read with read(2) into a moving window
 * rather than mapped, so a multi-gigabyte dump costs a few megabytes of
 * resident memory however far the load has got.
 */
#ifndef HS_INPUT_H
#define HS_INPUT_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_input hs_input;

/* Opens path ("-" = stdin). max_line: longest line accepted (bytes).
 * *out gets the input (caller frees with hs_input_free). Errors: HS_EIO
 * (err names the path and the system error), HS_ENOMEM. */
int hs_input_open(hs_input **out, const char *path, const hs_allocator *a,
                  uint64_t max_line, hs_error *err);

/* Opens bytes [start, end) of a plain file as its own input (one slice of
 * a parallel load). start must be a line start; line numbers and offsets
 * are counted from it. */
int hs_input_open_range(hs_input **out, const char *path, uint64_t start,
                        uint64_t end, const hs_allocator *a,
                        uint64_t max_line, hs_error *err);

void hs_input_free(hs_input *in);

/* Moves decompression (or reading a pipe) to a thread of its own, so that
 * it overlaps the parse. Call before the first line. HS_OK also when no
 * thread could start (the input is then read on the caller's thread). */
int hs_input_background(hs_input *in, hs_error *err);

/* Reads the next line into *line and *len, without its "\n". *complete is
 * false for a last line that ended without a newline (a dump cut short).
 * Returns 1 for a line, 0 at the end, or a negative status: HS_EIO,
 * HS_ECORRUPT (damaged compressed data), HS_ELIMIT (line too long).
 * The line is borrowed until the next call. */
int hs_input_line(hs_input *in, const char **line, size_t *len,
                  bool *complete, hs_error *err);

/* The first HS_INPUT_HEAD bytes of decoded text (fewer for a shorter
 * input), kept from the first read so that a file with no record can be
 * described (hs_sniff). */
#define HS_INPUT_HEAD 64
const unsigned char *hs_input_head(const hs_input *in, size_t *len);

/* 1-based number and byte offset of the line last returned. */
uint64_t hs_input_lineno(const hs_input *in);
uint64_t hs_input_line_offset(const hs_input *in);

/* Bytes of decoded text handed out so far (newlines included). */
uint64_t hs_input_text_bytes(const hs_input *in);

/* Bytes read from the file so far, and its size (0 when not a regular
 * file), for progress reports. */
uint64_t hs_input_consumed(const hs_input *in);
uint64_t hs_input_file_size(const hs_input *in);

hs_compression hs_input_compression(const hs_input *in);

/* True when the compressed stream ended before its end marker (a dump
 * whose writer was killed); the lines before that point were returned. */
bool hs_input_truncated(const hs_input *in);

#endif
