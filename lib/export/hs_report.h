/*
 * hs_report.h - the HTML report (see hs_report.c) and its inline assets
 * (hs_report_assets.c). The public entry point, hs_report_write, is
 * declared in include/heapscope.h.
 */
#ifndef HS_REPORT_H
#define HS_REPORT_H

#include <stdint.h>

#include "../util/hs_buf.h"

/* The page's style sheet and script, NUL-terminated. */
extern const char hs_report_css[];
extern const char hs_report_alive_css[];
extern const char hs_report_script[];
extern const char hs_report_map_script[];
extern const char hs_report_alive_script[];
/* base64 SHA-256 of hs_report_script, hs_report_map_script and
 * hs_report_alive_script, one after the other, for the
 * Content-Security-Policy. */
extern const char hs_report_script_sha256[];

/* v with thousands separators (1,048,576), for every part of the page. */
void hs_report_add_grouped(hs_buf *b, uint64_t v);

#endif
