/*
 * hs_float.c - a float's value as the shortest text that reads back as
 * the same double: "%g" at the least precision that round-trips (what a
 * loop over precisions 1 to 17 would print, notation included), without
 * PyFloat's repr (which would create a str mid-walk).
 *
 * The loop costs up to 17 conversions each way; on a heap of floats it
 * was a third of the dump. Two shorter roads to the same text:
 *
 * 1. A decimal of at most 15 significant digits that round-trips is the
 *    only one (DBL_DIG: such a decimal, read and printed back at 15
 *    digits, is unchanged; two of them reading as one double would both
 *    be that double printed at 15). So when v * 10^j is an integer m
 *    below 10^15 for a small j, and m / 10^j (both exact, one correctly
 *    rounded division) is v, the digits of m are the answer, formatted
 *    here. This takes most floats programs hold: 0.5, 3.25, 19.99.
 * 2. Otherwise %.15g, which is that decimal padded with zeros whenever one
 *    exists (its significant digits give the precision), then %.16g, then
 *    %.17g, which always round-trips.
 *
 * Subnormals have fewer than 53 bits, DBL_DIG does not hold for them:
 * they take the loop. tests/python/test_dump_roundtrip.py checks every
 * road against the loop's rule.
 */
#include "hs_dumper.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define FAST_DIGITS 1e15   /* DBL_DIG's bound, as m's limit */
#define FAST_MAX_J 22      /* 10^j exact in a double up to 10^22 */

/* %g's text of the decimal 0.DIGITS * 10^(exp10 + 1) (digits: k of them,
 * the first and last not zero) at precision k: exponent notation when the
 * exponent is below -4 or at least k, else fixed. */
static void
format_g(char *out, int negative, const char *digits, int k, int exp10)
{
    int i;

    if (negative) {
        *out++ = '-';
    }
    if (exp10 < -4 || exp10 >= k) {
        *out++ = digits[0];
        if (k > 1) {
            *out++ = '.';
            memcpy(out, digits + 1, (size_t)k - 1);
            out += k - 1;
        }
        sprintf(out, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
        return;
    }
    if (exp10 < 0) {
        *out++ = '0';
        *out++ = '.';
        for (i = exp10 + 1; i < 0; i++) {
            *out++ = '0';
        }
        memcpy(out, digits, (size_t)k);
        out[k] = '\0';
        return;
    }
    memcpy(out, digits, (size_t)exp10 + 1);
    out += exp10 + 1;
    if (k > exp10 + 1) {
        *out++ = '.';
        memcpy(out, digits + exp10 + 1, (size_t)(k - exp10 - 1));
        out += k - exp10 - 1;
    }
    *out = '\0';
}

/* Road 1: 1 when v is m / 10^j with m < 10^15 and the text was written. */
static int
short_decimal(char *out, double v)
{
    double a = fabs(v), scale = 1;
    int j;

    for (j = 0; j <= FAST_MAX_J && a * scale < FAST_DIGITS; j++, scale *= 10) {
        /* v * 10^j is within a quarter of m when m < 10^15: no miss.
         * Rounded by a cast, not nearbyint, which would need libm. */
        double m = (double)(uint64_t)(a * scale + 0.5);
        if (m / scale == a) {   /* a > 0: m is not 0 */
            char digits[24];
            int k, n;
            uint64_t u = (uint64_t)m;

            n = sprintf(digits, "%llu", (unsigned long long)u);
            for (k = n; k > 1 && digits[k - 1] == '0'; k--) {
            }
            format_g(out, v < 0, digits, k, n - 1 - j);
            return 1;
        }
    }
    return 0;
}

/* Significant digits of a %g text: its mantissa's digits without the
 * leading and trailing zeros ("1500000" has 2, "0.0125" has 3). */
static int
significant_digits(const char *text)
{
    int n = 0, zeros = 0, started = 0;

    for (; *text != '\0' && *text != 'e'; text++) {
        if (*text < '0' || *text > '9') {
            continue;
        }
        if (*text == '0') {
            zeros += started;
            continue;
        }
        n += started ? zeros + 1 : 1;
        zeros = 0;
        started = 1;
    }
    return n > 0 ? n : 1;
}

/* Whether %g at precision prec would print this text, printed by %g at a
 * higher one with no more than prec significant digits, in exponent
 * notation instead: %g chooses it when the decimal exponent is at least
 * the precision, so a text in fixed notation with more than prec digits
 * before its point ("1500000" at 2: "1.5e+06"). The digits themselves do
 * not change. */
static int
exponent_below(const char *text, int prec)
{
    int before_point = 0;

    if (strchr(text, 'e') != NULL) {
        return 0;
    }
    text += *text == '-';
    while (*text >= '0' && *text <= '9') {
        before_point++;
        text++;
    }
    return before_point > prec;
}

void
hs_float_text(char out[HS_FLOAT_TEXT], double v)
{
    int prec, printed = 15;

    if (!isfinite(v)) {
        strcpy(out, isnan(v) ? "nan" : v > 0 ? "inf" : "-inf");
        return;
    }
    if (v == 0) {
        strcpy(out, signbit(v) ? "-0" : "0");
        return;
    }
    if (fabs(v) < DBL_MIN) {
        for (prec = 1; prec <= 17; prec++) {     /* 17 always does */
            PyOS_snprintf(out, HS_FLOAT_TEXT, "%.*g", prec, v);
            if (strtod(out, NULL) == v) {
                return;
            }
        }
        return;
    }
    if (short_decimal(out, v)) {
        return;
    }
    PyOS_snprintf(out, HS_FLOAT_TEXT, "%.15g", v);
    if (strtod(out, NULL) == v) {
        prec = significant_digits(out);
    }
    else {
        PyOS_snprintf(out, HS_FLOAT_TEXT, "%.16g", v);
        printed = 16;
        prec = strtod(out, NULL) == v ? 16 : 17;
    }
    if (prec > printed || (prec < printed && exponent_below(out, prec))) {
        PyOS_snprintf(out, HS_FLOAT_TEXT, "%.*g", prec, v);
    }
}
