/*
 * hs_simd.h - finding the bytes the loader stops at, 16 or 32 at a time.
 *
 * Reading a dump is mostly looking for a few bytes: the newline that ends
 * a line (hs_input), and inside a string the quote that closes it, a
 * backslash that starts an escape or a control character that makes the
 * line invalid (hs_json). Each search here has three implementations that
 * give the same answer: portable C (any architecture), SSE2 (the x86-64
 * baseline, 16 bytes a step) and AVX2 (32 bytes a step, used only when
 * the CPU has it: __builtin_cpu_supports). The best one is chosen when the
 * library is loaded; HEAPSCOPE_SIMD=portable|sse2|avx2 asks for another
 * (one the CPU lacks falls back to the best it has), and hs_simd_select
 * switches for tests, which load every test input on every level and
 * compare the graphs byte for byte (tests/unit/test_simd.c).
 *
 * The searches never read outside [p, end): a vector load is taken only
 * while a whole vector fits, the rest is searched byte by byte.
 */
#ifndef HS_SIMD_H
#define HS_SIMD_H

#include <stdbool.h>

typedef enum hs_simd_level {
    HS_SIMD_PORTABLE = 0,
    HS_SIMD_SSE2 = 1,
    HS_SIMD_AVX2 = 2,
} hs_simd_level;

#define HS_SIMD_LEVELS 3

/* The searches of one level. */
typedef struct hs_simd_ops {
    /* The first '\n' in [p, end), or NULL (memchr's contract). */
    const char *(*find_newline)(const char *p, const char *end);
    /* The first byte in [p, end) that is '"', '\\' or below 0x20 (a JSON
     * string's stops), or end when there is none. */
    const char *(*find_string_stop)(const char *p, const char *end);
} hs_simd_ops;

/* The level in use. Borrowed; changed only by hs_simd_select. */
extern const hs_simd_ops *hs_simd;

/* Whether this build and this CPU can run level. */
bool hs_simd_available(hs_simd_level level);

/* Switches every later search to level; false (nothing changed) when it
 * is not available. Not thread-safe: call it with no load running (tests,
 * benchmarks). */
bool hs_simd_select(hs_simd_level level);

/* The level in use, and a level's name ("portable", "sse2", "avx2"). */
hs_simd_level hs_simd_current(void);
const char *hs_simd_name(hs_simd_level level);

static inline const char *
hs_find_newline(const char *p, const char *end)
{
    return hs_simd->find_newline(p, end);
}

static inline const char *
hs_find_string_stop(const char *p, const char *end)
{
    return hs_simd->find_string_stop(p, end);
}

#endif
