/*
 * hs_dialect.h - which Python wrote a dump, and what its dicts hold.
 *
 * FORMAT.md §2.2: the dialect decides how dict refs pair up (key, value;
 * value, key; or values only) and which records are bytes-like.
 */
#ifndef HS_DIALECT_H
#define HS_DIALECT_H

#include "hs_graph_internal.h"

/* Detects the dialect of a graph read without a heapscope header into
 * *out. Returns HS_OK, or HS_ENOMEM with err: detection needs a count per
 * type, and guessing without it would silently misread every dict. */
int hs_dialect_detect(const hs_graph *g, hs_dialect *out, hs_error *err);

/* Tags every exact dict record with its layout and counts the tags in
 * g->stats. */
void hs_dialect_tag_dicts(hs_graph *g);

/* Turns the values of bytes-like records (bytes; Python 2 str) from
 * decoded text into raw bytes, one per code point <= 0xFF. Returns HS_OK,
 * or HS_ENOMEM with err (a value longer than 256 bytes needs a scratch
 * buffer; some records may then be converted and others not). */
int hs_dialect_fix_bytes(hs_graph *g, hs_error *err);

#endif
