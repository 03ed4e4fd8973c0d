/*
 * hs_dot.h - Graphviz DOT output (see hs_dot.c). The public entry point,
 * hs_neighbourhood_dot, is declared in include/heapscope.h.
 */
#ifndef HS_DOT_H
#define HS_DOT_H

#include <stddef.h>

#include "../util/hs_buf.h"

/* s[0..len) inside a DOT double-quoted string: " and \ escaped. */
void hs_buf_add_dot_text(hs_buf *b, const char *s, size_t len);

#endif
