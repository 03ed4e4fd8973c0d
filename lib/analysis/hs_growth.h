/*
 * hs_growth.h - per-type counts over a series of dumps (see hs_growth.c).
 *
 * The public API is in include/heapscope.h. The SVG chart
 * (lib/export/hs_svg.c) reads the series through it.
 */
#ifndef HS_GROWTH_H
#define HS_GROWTH_H

#include <heapscope.h>

#endif
