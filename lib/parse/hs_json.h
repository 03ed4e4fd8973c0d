/*
 * hs_json.h - JSON primitives for one dump line.
 *
 * Shared by the fast meliae scanner and the general fallback (hs_line.c):
 * numbers, strings with every escape, and skipping a value of any shape.
 * A cursor is a pointer into the line; each function advances it past what
 * it read, or leaves it at the offending byte and returns false so the
 * caller can report the column.
 */
#ifndef HS_JSON_H
#define HS_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../util/hs_mem.h"

/* A decoded string: either borrowed from the line (no escapes) or built in
 * buf (escapes decoded). */
typedef struct hs_jstr {
    const char *data;
    size_t len;
    char *buf;        /* owned scratch space for decoded strings */
    size_t alloc;
} hs_jstr;

static inline bool
hs_json_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static inline const char *
hs_json_skip_ws(const char *p, const char *end)
{
    while (p < end && hs_json_ws(*p)) {
        p++;
    }
    return p;
}

/* Parses an unsigned decimal integer (no sign, no fraction). false on a
 * non-digit start, overflow past UINT64_MAX (*overflow set), or a number
 * with a fraction or exponent. */
bool hs_json_u64(const char **pp, const char *end, uint64_t *out,
                 bool *overflow);

/* Parses a list of unsigned integers separated by ", " exactly (the body
 * of meliae's refs), starting at a number, into out[0..cap) (cap >= 1).
 * Returns how many were stored and sets *state: 0 when the list ended
 * (*pp after the last number: the byte there does not start ", "), 1 when
 * out is full and the list goes on (*pp after the ", ": call again), -1
 * on a number hs_json_u64 refuses (*pp at it; what was stored before it
 * stays). The same values and refusals as hs_json_u64 called in a loop. */
size_t hs_json_u64_list(const char **pp, const char *end, uint64_t *out,
                        size_t cap, int *state);

/* Scans a JSON number of any form; *text and *len give its text, *is_int
 * whether it is an integer without fraction or exponent. */
bool hs_json_number(const char **pp, const char *end, const char **text,
                    size_t *len, bool *is_int);

/* Decodes the string starting at the opening quote. Escapes are decoded to
 * UTF-8, surrogate pairs joined, a lone surrogate becomes U+FFFD. Raw
 * control characters are rejected. false on malformed input or when out
 * of memory (*oom set). */
bool hs_json_string(const char **pp, const char *end, hs_jstr *s,
                    const hs_allocator *a, bool *oom);

/* Skips any JSON value (nested arrays and objects included) without
 * recursion, checking it against the JSON grammar. false on invalid JSON
 * or nesting deeper than 1000 levels, with *pp at the offending byte and
 * *why (may be NULL) saying what is wrong ("JSON nested deeper than 1000
 * levels", "expected a JSON value", "bad escape in a string", ...). */
bool hs_json_skip_value(const char **pp, const char *end, const char **why);

void hs_jstr_release(hs_jstr *s, const hs_allocator *a);

#endif
