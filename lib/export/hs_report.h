/*
 * hs_report.h - the HTML report (see hs_report.c) and its inline assets
 * (hs_report_assets.c). The public entry point, hs_report_write, is
 * declared in include/heapscope.h.
 */
#ifndef HS_REPORT_H
#define HS_REPORT_H

/* The page's style sheet and script, NUL-terminated. */
extern const char hs_report_css[];
extern const char hs_report_script[];
extern const char hs_report_map_script[];
/* base64 SHA-256 of hs_report_script then hs_report_map_script, for the
 * Content-Security-Policy. */
extern const char hs_report_script_sha256[];

#endif
