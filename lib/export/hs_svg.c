/*
 * hs_svg.c - the growth chart as a standalone SVG file.
 *
 * A plain line chart, written by hand so that no plotting library is
 * needed: the x axis is run time, the y axis object count, one polyline
 * with point markers per type, and a legend at the right. Ticks fall on
 * "nice" numbers (1, 2 or 5 times a power of ten) so the axis reads at a
 * glance. Colours are the Tableau 10 palette, distinct in print and for
 * the common forms of colour blindness. Coordinates are written with one
 * decimal, numbers with %g, in the C locale of the library.
 */
#include "hs_svg.h"

#include <heapscope.h>
#include <math.h>
#include <string.h>

#include "../util/hs_error.h"
#include "hs_html.h"

#define W 880.0
#define H 440.0
#define LEFT 80.0
#define RIGHT 660.0   /* the legend lives right of this */
#define TOP 40.0
#define BOTTOM 380.0

static const char *const colours[] = {"#4e79a7", "#f28e2b", "#e15759",
                                      "#76b7b2", "#59a14f", "#edc948",
                                      "#b07aa1", "#ff9da7", "#9c755f",
                                      "#bab0ac"};

/* HTML's escaping (the five entities; NUL and bytes that are not UTF-8
 * as U+FFFD) is also XML's, and keeps the chart valid UTF-8 when the
 * report inlines it. XML 1.0 also forbids the C0 controls other than
 * tab, line feed and carriage return: they become U+FFFD too, or no XML
 * reader (rsvg-convert, a browser opening the .svg) accepts the file. */
void
hs_buf_add_xml(hs_buf *b, const char *s, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c && c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            hs_buf_add_html(b, s + start, i - start);
            hs_buf_adds(b, "\xef\xbf\xbd");
            start = i + 1;
        }
    }
    hs_buf_add_html(b, s + start, len - start);
}

/* A tick step of 1, 2 or 5 x 10^k giving about `ticks` intervals. */
static double
nice_step(double range, int ticks)
{
    double raw = range / ticks, mag, f;
    if (raw <= 0) {
        return 1;
    }
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

typedef struct frame {
    double t0, t1, ymax;
} frame;

static double
px(const frame *f, double t)
{
    return f->t1 > f->t0 ? LEFT + (t - f->t0) / (f->t1 - f->t0) * (RIGHT - LEFT)
                         : (LEFT + RIGHT) / 2;
}

static double
py(const frame *f, double v)
{
    return BOTTOM - v / f->ymax * (BOTTOM - TOP);
}

static void
add_axes(hs_buf *b, const frame *f, const char *x_label)
{
    double ystep = nice_step(f->ymax, 5), xstep;
    hs_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"#333\"/>\n", LEFT, BOTTOM, RIGHT, BOTTOM);
    hs_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                   "stroke=\"#333\"/>\n", LEFT, TOP, LEFT, BOTTOM);
    for (double v = 0; v <= f->ymax + ystep / 1e6; v += ystep) {
        hs_buf_addf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                       "stroke=\"#ddd\"/>\n<text x=\"%.1f\" y=\"%.1f\" "
                       "text-anchor=\"end\">%g</text>\n",
                    LEFT, py(f, v), RIGHT, py(f, v), LEFT - 6, py(f, v) + 4,
                    v);
    }
    if (f->t1 > f->t0) {
        xstep = nice_step(f->t1 - f->t0, 6);
        for (double t = ceil(f->t0 / xstep) * xstep; t <= f->t1 + xstep / 1e6;
             t += xstep) {
            hs_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                           "%g</text>\n", px(f, t), BOTTOM + 18, t);
        }
    } else {
        hs_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">"
                       "%g</text>\n", px(f, f->t0), BOTTOM + 18, f->t0);
    }
    hs_buf_addf(b, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                (LEFT + RIGHT) / 2, BOTTOM + 44);
    hs_buf_add_xml(b, x_label, strlen(x_label));
    hs_buf_addf(b, "</text>\n<text transform=\"translate(20 %.1f) "
                   "rotate(-90)\" text-anchor=\"middle\">objects</text>\n",
                (TOP + BOTTOM) / 2);
}

static void
add_series(hs_buf *b, const hs_growth *gr, const frame *f, size_t i)
{
    const hs_growth_type *t = hs_growth_type_at(gr, i);
    const char *colour = colours[i % (sizeof(colours) / sizeof(colours[0]))];
    size_t n = hs_growth_dumps(gr);
    hs_buf_addf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                   "points=\"", colour);
    for (size_t k = 0; k < n; k++) {
        hs_buf_addf(b, "%s%.1f,%.1f", k ? " " : "",
                    px(f, hs_growth_time(gr, k)), py(f, (double)t->counts[k]));
    }
    hs_buf_adds(b, "\"/>\n");
    for (size_t k = 0; k < n; k++) {
        hs_buf_addf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>\n",
                    px(f, hs_growth_time(gr, k)), py(f, (double)t->counts[k]),
                    colour);
    }
    hs_buf_addf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"4\" "
                   "fill=\"%s\"/>\n<text x=\"%.1f\" y=\"%.1f\">",
                RIGHT + 20, TOP + 10 + 20.0 * (double)i, colour, RIGHT + 40,
                TOP + 15 + 20.0 * (double)i);
    hs_buf_add_xml(b, t->type, t->type_len);
    hs_buf_addf(b, " (%+lld)</text>\n", (long long)t->count_delta);
}

char *
hs_growth_svg(const hs_growth *gr, size_t ntypes, const char *x_label,
              hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    size_t n = hs_growth_dumps(gr);
    frame f = {0, 0, 1};
    char *out;
    if (ntypes > hs_growth_types(gr)) {
        ntypes = hs_growth_types(gr);
    }
    if (n) {
        f.t0 = hs_growth_time(gr, 0);
        f.t1 = hs_growth_time(gr, n - 1);
    }
    for (size_t i = 0; i < ntypes; i++) {
        const hs_growth_type *t = hs_growth_type_at(gr, i);
        for (size_t k = 0; k < n; k++) {
            f.ymax = (double)t->counts[k] > f.ymax ? (double)t->counts[k]
                                                   : f.ymax;
        }
    }
    f.ymax = ceil(f.ymax / nice_step(f.ymax, 5)) * nice_step(f.ymax, 5);
    hs_buf_addf(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%g\" "
                    "height=\"%g\" viewBox=\"0 0 %g %g\" font-family=\"sans-serif\" "
                    "font-size=\"12\">\n<rect width=\"100%%\" height=\"100%%\" "
                    "fill=\"white\"/>\n<text x=\"%.1f\" y=\"24\" "
                    "font-size=\"15\">Objects per type, top growing types"
                    "</text>\n", W, H, W, H, LEFT);
    add_axes(&b, &f, x_label ? x_label : "run time");
    for (size_t i = 0; i < ntypes; i++) {
        add_series(&b, gr, &f, i);
    }
    hs_buf_adds(&b, "</svg>\n");
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
