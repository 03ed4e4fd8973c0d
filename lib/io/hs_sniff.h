/*
 * hs_sniff.h - what a file that holds no dump record looks like.
 *
 * A file with no newline (noise, a JSON array, xz, a pickle) would
 * otherwise read as one truncated last line and load as an empty dump.
 * When a load finds no record at all, the error names what the file
 * seems to be, from its first bytes, so that the user sees at once that
 * they passed the wrong file (or one that needs unpacking first).
 */
#ifndef HS_SNIFF_H
#define HS_SNIFF_H

#include <heapscope.h>
#include <stddef.h>

/* Writes a short description of head (the first bytes of the decoded
 * text) into out, e.g. "xz-compressed data (heapscope reads plain, gzip,
 * bzip2 and zstd)" or "text starting with \"a,b,c\"". Never longer than
 * size - 1 bytes, never a control character (it reaches a terminal). */
void hs_sniff_describe(const unsigned char *head, size_t len, char *out,
                       size_t size);

/* True when head holds nothing but whitespace (an empty dump). */
int hs_sniff_blank(const unsigned char *head, size_t len);

#endif
