/*
 * hs_bigint.c - the value of an int of any size, written without calling
 * PyLong's formatting (which would create a str object mid-walk).
 *
 * Ints that fit in int64 are written as JSON numbers, as meliae does.
 * Larger ones cannot be JSON numbers for readers that parse int64, so
 * they are written as JSON strings of their decimal digits; past
 * HS_BIGINT_MAX_DIGITS decimal digits (CPython's own default limit for
 * int -> str, sys.int_info.default_max_str_digits) the string is the
 * marker "<int: N bits>" instead, because exact conversion is quadratic.
 *
 * The digits are read from the int's internal array of 30-bit digits:
 * CPython 3.12 replaced ob_size by a tagged lv_tag, hence the version
 * guard below.
 */
#include "hs_dumper.h"

#if PY_VERSION_HEX < 0x030B0000
#include <longintrepr.h>
#endif

#include <string.h>

/* 4300 decimal digits need at most 4300 / log10(2^30) + 1 = 477 digits. */
#define MAX_WORDS 480
#define CHUNK 1000000000u   /* 10^9: nine decimal digits per chunk */

static const digit *
long_digits(PyObject *op, Py_ssize_t *ndigits, int *negative)
{
    PyLongObject *v = (PyLongObject *)op;
#if PY_VERSION_HEX >= 0x030C0000
    /* lv_tag: digit count << 3 | sign (0 positive, 1 zero, 2 negative). */
    uintptr_t tag = v->long_value.lv_tag;
    *ndigits = (Py_ssize_t)(tag >> 3);
    *negative = (tag & 3) == 2;
    return v->long_value.ob_digit;
#else
    Py_ssize_t size = Py_SIZE(v);
    *ndigits = size < 0 ? -size : size;
    *negative = size < 0;
    return v->ob_digit;
#endif
}

static int
bit_length(uint32_t x)
{
    int n = 0;

    while (x) {
        n++;
        x >>= 1;
    }
    return n;
}

/* Divides the little-endian base-2^30 number in w[0..n) by 10^9 in place;
 * returns the remainder. */
static uint32_t
divide_chunk(uint32_t *w, Py_ssize_t n)
{
    uint64_t rem = 0;
    Py_ssize_t i;

    for (i = n - 1; i >= 0; i--) {
        uint64_t cur = (rem << PyLong_SHIFT) | w[i];
        w[i] = (uint32_t)(cur / CHUNK);
        rem = cur % CHUNK;
    }
    return (uint32_t)rem;
}

static void
write_marker(hs_record *r, Py_ssize_t ndigits, const digit *d, int negative)
{
    char text[64];
    long long bits = (long long)(ndigits - 1) * PyLong_SHIFT
                     + bit_length(d[ndigits - 1]);

    PyOS_snprintf(text, sizeof(text), "<int: %s%lld bits>",
                  negative ? "-" : "", bits);
    hs_record_ascii(r, text);
}

static void
write_decimal(hs_record *r, const digit *d, Py_ssize_t n, int negative)
{
    uint32_t w[MAX_WORDS];
    uint32_t chunks[MAX_WORDS * 2];
    Py_ssize_t nchunks = 0, i;
    char *p, *start;

    for (i = 0; i < n; i++) {
        w[i] = d[i];
    }
    while (n > 0) {
        chunks[nchunks++] = divide_chunk(w, n);
        while (n > 0 && w[n - 1] == 0) {
            n--;
        }
    }
    p = start = hs_writer_reserve(r->w, 16);
    if (p == NULL) {
        return;
    }
    *p++ = '"';
    if (negative) {
        *p++ = '-';
    }
    p += PyOS_snprintf(p, 12, "%u", chunks[nchunks - 1]);
    hs_writer_commit(r->w, (size_t)(p - start));
    for (i = nchunks - 2; i >= 0; i--) {
        p = start = hs_writer_reserve(r->w, 16);
        if (p == NULL) {
            return;
        }
        p += PyOS_snprintf(p, 12, "%09u", chunks[i]);
        hs_writer_commit(r->w, (size_t)(p - start));
    }
    hs_record_raw(r->w, "\"", 1);
}

void
hs_bigint_write_value(hs_record *r, PyObject *op)
{
    int overflow = 0, negative;
    long long v = PyLong_AsLongLongAndOverflow(op, &overflow);
    Py_ssize_t ndigits;
    const digit *d;

    if (!overflow) {
        hs_record_int(r, v);
        return;
    }
    d = long_digits(op, &ndigits, &negative);
    /* log10(2^30) = 9.03 decimal digits per 30-bit digit. */
    if (ndigits == 0 || ndigits >= MAX_WORDS
        || (double)ndigits * 9.0309 > HS_BIGINT_MAX_DIGITS + 9) {
        write_marker(r, ndigits ? ndigits : 1, d, negative);
    }
    else {
        write_decimal(r, d, ndigits, negative);
    }
}
