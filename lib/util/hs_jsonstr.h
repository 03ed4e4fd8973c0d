/*
 * hs_jsonstr.h - writing strings as JSON, meliae style.
 *
 * ASCII only: `"` and `\` get a backslash (and `/` too with HS_QUOTE_SLASH,
 * as meliae writes "\/"), and
 * every other character below 0x20 or from 0x7f up becomes \uXXXX, with
 * surrogate pairs above U+FFFF. Bytes mode writes each byte as one code
 * point (how bytes values appear in dumps); text mode decodes UTF-8 and
 * keeps a byte of invalid UTF-8 as its own code point.
 */
#ifndef HS_JSONSTR_H
#define HS_JSONSTR_H

#include <stdbool.h>
#include <stddef.h>

#include <heapscope.h>

#include "hs_buf.h"

void hs_buf_add_json_string(hs_buf *b, const char *s, size_t len,
                            hs_quote_flags flags);

#endif
