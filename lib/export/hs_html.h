/*
 * hs_html.h - HTML escaping (see hs_html.c). The public entry point,
 * hs_html_escape, is declared in include/heapscope.h; the report writer
 * appends escaped text to its buffers through hs_buf_add_html.
 */
#ifndef HS_HTML_H
#define HS_HTML_H

#include <stddef.h>

#include "../util/hs_buf.h"

/* s[0..len) escaped as hs_html_escape escapes it, appended to b. */
void hs_buf_add_html(hs_buf *b, const char *s, size_t len);

#endif
