/*
 * hs_simd.c - the byte searches of hs_simd.h, portable, SSE2 and AVX2.
 *
 * NOTE: about the string stops. A JSON string ends at '"', turns to an
 * escape at '\\' and is invalid at any byte below 0x20. SSE2 and AVX2 only
 * compare bytes as signed numbers, so "below 0x20" is computed unsigned
 * as min(x, 0x1f) == x. The three tests are or'ed into one mask per
 * vector, whose lowest set bit is the answer. The vector loops stop when
 * less than a vector is left and finish byte by byte, so no search reads
 * past end: the input window (hs_input) has no padding to lean on.
 */
#include "hs_simd.h"

#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#define HS_SIMD_X86 1
#include <immintrin.h>
#else
#define HS_SIMD_X86 0
#endif

/* MARK: portable */

static const char *
newline_portable(const char *p, const char *end)
{
    return p < end ? memchr(p, '\n', (size_t)(end - p)) : NULL;
}

static inline bool
string_stop(unsigned char c)
{
    return c == '"' || c == '\\' || c < 0x20;
}

static const char *
string_stop_portable(const char *p, const char *end)
{
    while (p < end && !string_stop((unsigned char)*p)) {
        p++;
    }
    return p;
}

static const hs_simd_ops ops_portable = {newline_portable,
                                         string_stop_portable};

#if HS_SIMD_X86

/* MARK: SSE2 (always there on x86-64) */

static const char *
newline_sse2(const char *p, const char *end)
{
    const __m128i nl = _mm_set1_epi8('\n');
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl));
        if (m) {
            return p + __builtin_ctz(m);
        }
    }
    return newline_portable(p, end);
}

static const char *
string_stop_sse2(const char *p, const char *end)
{
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i bslash = _mm_set1_epi8('\\');
    const __m128i ctl = _mm_set1_epi8(0x1f);
    for (; end - p >= 16; p += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
            _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m) {
            return p + __builtin_ctz(m);
        }
    }
    return string_stop_portable(p, end);
}

static const hs_simd_ops ops_sse2 = {newline_sse2, string_stop_sse2};

/* MARK: AVX2 (when the CPU has it) */

__attribute__((target("avx2"))) static const char *
newline_avx2(const char *p, const char *end)
{
    const __m256i nl = _mm256_set1_epi8('\n');
    for (; end - p >= 32; p += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
        unsigned m = (unsigned)_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, nl));
        if (m) {
            return p + __builtin_ctz(m);
        }
    }
    return newline_sse2(p, end);
}

__attribute__((target("avx2"))) static const char *
string_stop_avx2(const char *p, const char *end)
{
    const __m256i quote = _mm256_set1_epi8('"');
    const __m256i bslash = _mm256_set1_epi8('\\');
    const __m256i ctl = _mm256_set1_epi8(0x1f);
    for (; end - p >= 32; p += 32) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
        __m256i hit = _mm256_or_si256(
            _mm256_or_si256(_mm256_cmpeq_epi8(v, quote),
                            _mm256_cmpeq_epi8(v, bslash)),
            _mm256_cmpeq_epi8(_mm256_min_epu8(v, ctl), v));
        unsigned m = (unsigned)_mm256_movemask_epi8(hit);
        if (m) {
            return p + __builtin_ctz(m);
        }
    }
    return string_stop_sse2(p, end);
}

static const hs_simd_ops ops_avx2 = {newline_avx2, string_stop_avx2};

#endif /* HS_SIMD_X86 */

/* MARK: choosing */

/* Portable until the constructor below runs (or if it never does): every
 * level gives the same answers, so a search is never wrong, only slower. */
const hs_simd_ops *hs_simd = &ops_portable;
static hs_simd_level current = HS_SIMD_PORTABLE;

static const hs_simd_ops *
ops_of(hs_simd_level level)
{
#if HS_SIMD_X86
    switch (level) {
    case HS_SIMD_SSE2:
        return &ops_sse2;
    case HS_SIMD_AVX2:
        return &ops_avx2;
    case HS_SIMD_PORTABLE:
        break;
    }
#endif
    (void)level;
    return &ops_portable;
}

bool
hs_simd_available(hs_simd_level level)
{
    switch (level) {
    case HS_SIMD_PORTABLE:
        return true;
    case HS_SIMD_SSE2:
        return HS_SIMD_X86;
    case HS_SIMD_AVX2:
#if HS_SIMD_X86
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2");
#else
        return false;
#endif
    }
    return false;
}

bool
hs_simd_select(hs_simd_level level)
{
    if (!hs_simd_available(level)) {
        return false;
    }
    hs_simd = ops_of(level);
    current = level;
    return true;
}

hs_simd_level
hs_simd_current(void)
{
    return current;
}

const char *
hs_simd_name(hs_simd_level level)
{
    static const char *const names[HS_SIMD_LEVELS] = {"portable", "sse2",
                                                      "avx2"};
    return (unsigned)level < HS_SIMD_LEVELS ? names[level] : "?";
}

/* At load time, single-threaded: the best level, or HEAPSCOPE_SIMD's
 * when it names one this CPU runs (another value is ignored: the choice
 * changes speed, never results). */
__attribute__((constructor)) static void
choose(void)
{
    const char *want = getenv("HEAPSCOPE_SIMD");
    int level = HS_SIMD_LEVELS;
    while (level-- > 0) {
        if (want && strcmp(want, hs_simd_name((hs_simd_level)level)) == 0
            && hs_simd_select((hs_simd_level)level)) {
            return;
        }
    }
    for (level = HS_SIMD_LEVELS - 1; level > 0; level--) {
        if (hs_simd_select((hs_simd_level)level)) {
            return;
        }
    }
}
