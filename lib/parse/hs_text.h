/*
 * hs_text.h - repairs of decoded dump text (docs/format.md §1.3).
 *
 * meliae's C-string escaper writes each byte of a UTF-8 name as its own
 * \u00xx escape, so `Ünïcode` arrives as mojibake; and bytes values arrive
 * as one code point per byte. Both are undone here, on UTF-8 input.
 */
#ifndef HS_TEXT_H
#define HS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True when s is valid UTF-8. */
bool hs_utf8_valid(const char *s, size_t len);

/* If every code point of the UTF-8 text s is <= 0xFF, writes those code
 * points as bytes to out (room for len bytes) and returns true. */
bool hs_text_to_latin1(const char *s, size_t len, char *out, size_t *out_len);

/* The mojibake repair: when every code point is <= 0xFF, at least one is
 * >= 0x80, and the code points taken as bytes form valid UTF-8, writes
 * those bytes to out (room for len bytes) and returns true. */
bool hs_text_repair_mojibake(const char *s, size_t len, char *out,
                             size_t *out_len);

/* True when s has a byte >= 0x80 (the only text that can need repair). */
bool hs_text_has_high(const char *s, size_t len);

#endif
