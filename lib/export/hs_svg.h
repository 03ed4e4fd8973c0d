/*
 * hs_svg.h - SVG charts (see hs_svg.c). The public entry point,
 * hs_growth_svg, is declared in include/heapscope.h.
 */
#ifndef HS_SVG_H
#define HS_SVG_H

#include <stddef.h>

#include "../util/hs_buf.h"

/* s[0..len) escaped for XML text and attributes: & < > " ' as entities,
 * NUL, other C0 controls but tab, LF and CR, and bytes that are not
 * UTF-8 as U+FFFD, so the result is always well-formed UTF-8 XML. */
void hs_buf_add_xml(hs_buf *b, const char *s, size_t len);

#endif
