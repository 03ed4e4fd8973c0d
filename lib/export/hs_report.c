/*
 * hs_report.c - the findings of one or more dumps as a self-contained
 * HTML page.
 *
 * The page is built from the public analysis APIs, section by section,
 * each written through the caller's callback as soon as it is complete,
 * so a report on a large dump never holds more than one section of text:
 *
 *   header      the dumps, in run order, and links to the sections
 *   suspects    (two dumps or more) hs_leaks' suspects: each owner with
 *               its growth per dump, what the growth is made of, the
 *               path from a root step by step, the leak signature and
 *               one sample new object with its keys and values
 *   retainers   hs_dominators on the last dump: the objects that retain
 *               the most, each with how it hangs under its dominator
 *   map         the same tree as a zoomable icicle, coloured by growth
 *               since the first dump (hs_report_map.c), then what keeps
 *               each suspect and each box alive: paths from a root and
 *               dominators, shown by the script in a dialog
 *               (hs_report_retainers.c)
 *   growth      (two dumps or more) the chart of hs_growth_svg, inline,
 *               and each type's counts across the dumps
 *   diff        (two dumps or more) per-type changes from first to last
 *   summary     meliae's summary of the last dump
 *
 * NOTE: about trust. Every string taken from a dump (type names, values,
 * keys, module names, reprs, file names) goes through hs_buf_add_html;
 * nothing from a dump is ever written into the script or the style, and
 * attribute values written here are numbers we formatted. The chart comes
 * from hs_growth_svg, which escapes its text for XML; that escaping is
 * also safe inside HTML's inline SVG. The Content-Security-Policy in the
 * head allows only the page's own script (by hash) as a second wall.
 */
#include "hs_report.h"

#include <heapscope.h>
#include <stdlib.h>
#include <string.h>

#include "../analysis/hs_dominators.h"
#include "../analysis/hs_refs_dict.h"
#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "hs_html.h"
#include "hs_report_map.h"
#include "hs_report_retainers.h"

#define DEFAULT_TOP 30
#define DEFAULT_SUSPECTS 5
#define TYPES 6         /* rows of what a suspect's growth is made of */
#define PREVIEW 80      /* bytes of a value in a one-line repr */
#define MAX_DUMP_COLUMNS 8

typedef struct report {
    const hs_report_options *o;
    hs_write_fn write;
    void *ctx;
    hs_error *err;
    hs_buf b;
    hs_diff *diff;
    hs_leaks *leaks;   /* with two dumps or more; owns their trees */
    hs_dominators *own_tree; /* the last dump's, without leaks */
} report;

/* MARK: output helpers */

/* Hands the buffer to the callback and empties it. */
static int
flush(report *r)
{
    if (r->b.failed) {
        return hs_error_set(r->err, HS_ENOMEM, "out of memory");
    }
    if (r->b.len && r->write(r->ctx, r->b.data, r->b.len) < 0) {
        return hs_error_set(r->err, HS_EIO, "cannot write the report");
    }
    hs_buf_clear(&r->b);
    return HS_OK;
}

static void
html(report *r, const char *s, size_t len)
{
    hs_buf_add_html(&r->b, s, len);
}

static void
html_s(report *r, const char *s)
{
    hs_buf_add_html(&r->b, s, strlen(s));
}

/* An owned library string, escaped, then freed; "?" when it is NULL
 * (out of memory: the buffer is marked failed so the writer stops). */
static void
html_owned(report *r, char *s)
{
    if (!s) {
        r->b.failed = true;
        return;
    }
    html_s(r, s);
    hs_free(s);
}

/* v with thousands separators: 1,048,576. */
void
hs_report_add_grouped(hs_buf *b, uint64_t v)
{
    char digits[24];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n--) {
        hs_buf_addc(b, digits[n]);
        if (n && n % 3 == 0) {
            hs_buf_addc(b, ',');
        }
    }
}

/* A numeric cell: the exact value in data-v for sorting, grouped digits
 * to read. */
static void
cell_u64(report *r, uint64_t v)
{
    hs_buf_addf(&r->b, "<td class=\"n\" data-v=\"%llu\">",
                (unsigned long long)v);
    hs_report_add_grouped(&r->b, v);
    hs_buf_adds(&r->b, "</td>");
}

static void
cell_i64(report *r, int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    hs_buf_addf(&r->b, "<td class=\"n%s\" data-v=\"%lld\">%s",
                v > 0 ? " pos" : "", (long long)v,
                v > 0 ? "+" : v < 0 ? "&minus;" : "");
    hs_report_add_grouped(&r->b, mag);
    hs_buf_adds(&r->b, "</td>");
}

/* A percentage of whole, one decimal. */
static void
cell_pct(report *r, uint64_t part, uint64_t whole)
{
    double p = whole ? 100.0 * (double)part / (double)whole : 0.0;
    hs_buf_addf(&r->b, "<td class=\"n\" data-v=\"%.4f\">%.1f</td>", p, p);
}

static void
cell_text(report *r, const char *cls, const char *s, size_t len)
{
    hs_buf_addf(&r->b, "<td class=\"%s\">", cls);
    html(r, s, len);
    hs_buf_adds(&r->b, "</td>");
}

/* <thead> from a |-separated list of headers; a leading '#' marks a
 * numeric column. */
static void
table_head(report *r, const char *id, const char *const *cols, size_t n)
{
    hs_buf_addf(&r->b, "<table class=\"sortable\" id=\"%s\"><thead><tr>",
                id);
    for (size_t i = 0; i < n; i++) {
        bool num = cols[i][0] == '#';
        hs_buf_addf(&r->b, "<th%s>", num ? " class=\"n\"" : "");
        html_s(r, cols[i] + num);
        hs_buf_adds(&r->b, "</th>");
    }
    hs_buf_adds(&r->b, "</tr></thead>\n<tbody>\n");
}

/* <section id=ID><h2>TITLE</h2> and a note (our own text: not escaped). */
static void
section_head(report *r, const char *id, const char *title, const char *note)
{
    hs_buf_addf(&r->b, "<section id=\"%s\">\n<h2>%s</h2>\n"
                       "<p class=\"note\">%s</p>\n", id, title, note);
}

static const char *
base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* MARK: header and footer */

static void
add_head(report *r)
{
    const char *title = r->o->title ? r->o->title : "heapscope report";
    hs_buf_adds(&r->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\">\n"
                       "<meta http-equiv=\"Content-Security-Policy\" "
                       "content=\"default-src 'none'; style-src "
                       "'unsafe-inline'; img-src data:; base-uri 'none'; "
                       "form-action 'none'; script-src 'sha256-");
    hs_buf_adds(&r->b, hs_report_script_sha256);
    hs_buf_adds(&r->b, "'\">\n<title>");
    html_s(r, title);
    hs_buf_adds(&r->b, "</title>\n<style>\n");
    hs_buf_adds(&r->b, hs_report_css);
    hs_buf_adds(&r->b, hs_report_alive_css);
    hs_buf_adds(&r->b, "</style>\n</head>\n<body>\n<header>\n<h1>");
    html_s(r, title);
    hs_buf_adds(&r->b, "</h1>\n");
}

/* bytes grouped, with a sign when asked: "+1,024" */
static void
add_bytes(report *r, int64_t v, bool sign)
{
    if (v < 0) {
        hs_buf_addc(&r->b, '-');
    } else if (sign) {
        hs_buf_addc(&r->b, '+');
    }
    hs_report_add_grouped(&r->b,
                          v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v);
    hs_buf_adds(&r->b, " bytes");
}

/* What share of the process's resident memory the objects are, and
 * where it grew (hs_memory_compare); nothing when the headers lack it. */
static void
add_memory(report *r)
{
    const hs_report_options *o = r->o;
    int64_t rss = hs_graph_stats(o->last)->rss_bytes;
    uint64_t objects;
    hs_memory_growth m;
    if (rss < 0) {
        return;
    }
    objects = hs_graph_object_bytes(o->last);
    hs_buf_adds(&r->b, "<p class=\"note memory\">Memory of the last dump: "
                       "resident set ");
    add_bytes(r, rss, false);
    hs_buf_adds(&r->b, ", Python objects ");
    add_bytes(r, objects > INT64_MAX ? INT64_MAX : (int64_t)objects, false);
    hs_buf_addf(&r->b, " (%.1f %% of it).",
                rss ? 100.0 * (double)objects / (double)rss : 0.0);
    if (o->first && hs_memory_compare(o->first, o->last, &m)
                        != HS_MEMORY_UNKNOWN) {
        hs_buf_adds(&r->b, " From the first dump to the last: resident set ");
        add_bytes(r, m.rss_growth, true);
        hs_buf_adds(&r->b, ", Python objects ");
        add_bytes(r, m.object_growth, true);
        hs_buf_adds(&r->b,
                    m.verdict == HS_MEMORY_NO_GROWTH
                        ? ": the resident set did not grow."
                    : m.verdict == HS_MEMORY_IN_OBJECTS
                        ? ": the growth is in Python objects."
                    : m.verdict == HS_MEMORY_TOO_SMALL
                        ? ": too little growth to say where (under 8 MiB, "
                          "allocator and interpreter noise)."
                        : ": the growth is outside Python objects; look at "
                          "C extensions and native buffers.");
    }
    hs_buf_adds(&r->b, "</p>\n");
}

static void
add_dump_list(report *r)
{
    const hs_report_options *o = r->o;
    hs_buf_addf(&r->b, "<p class=\"note\">%zu dump%s, in run order:</p>\n"
                       "<ol class=\"dumps mono\">\n",
                o->ndumps, o->ndumps == 1 ? "" : "s");
    for (size_t i = 0; i < o->ndumps; i++) {
        hs_buf_adds(&r->b, "<li>");
        html_s(r, o->paths[i]);
        if (o->growth && i < hs_growth_dumps(o->growth)) {
            hs_buf_addf(&r->b, " <span class=\"muted\">(t = %g)</span>",
                        hs_growth_time(o->growth, i));
        }
        hs_buf_adds(&r->b, "</li>\n");
    }
    hs_buf_adds(&r->b, "</ol>\n");
    add_memory(r);
    hs_buf_adds(&r->b, "<nav>");
    if (o->first) {
        hs_buf_adds(&r->b, "<a href=\"#suspects\">Leak suspects</a>");
    }
    hs_buf_adds(&r->b, "<a href=\"#retainers\">Top retainers</a>"
                       "<a href=\"#map\">Memory map</a>");
    if (o->growth && hs_growth_dumps(o->growth) >= 2) {
        hs_buf_adds(&r->b, "<a href=\"#growth\">Growth</a>");
    }
    if (o->first) {
        hs_buf_adds(&r->b, "<a href=\"#diff\">Changes per type</a>");
    }
    hs_buf_adds(&r->b, "<a href=\"#summary\">Summary</a></nav>\n"
                       "</header>\n");
}

static void
add_footer(report *r)
{
    hs_buf_addf(&r->b, "<footer>Written by heapscope %s. Click a column "
                       "header to sort; click a path to open it.</footer>\n"
                       "<script>",
                hs_version());
    hs_buf_adds(&r->b, hs_report_script);
    hs_buf_adds(&r->b, hs_report_map_script);
    hs_buf_adds(&r->b, hs_report_alive_script);
    hs_buf_adds(&r->b, "</script>\n</body>\n</html>\n");
}

/* MARK: summary of the last dump */

static int
add_summary(report *r, size_t top)
{
    static const char *const cols[] = {"type", "#objects", "#% objects",
                                       "#bytes", "#% bytes", "#largest",
                                       "#average"};
    hs_summary *s = hs_summary_new(r->o->last, r->err);
    uint64_t count, size;
    size_t n;
    if (!s) {
        return r->err->code;
    }
    count = hs_summary_total_count(s);
    size = hs_summary_total_size(s);
    n = hs_summary_types(s) < top ? hs_summary_types(s) : top;
    hs_buf_adds(&r->b, "<section id=\"summary\">\n<h2>Summary of ");
    html_s(r, base_name(r->o->paths[r->o->ndumps - 1]));
    hs_buf_adds(&r->b, "</h2>\n<p class=\"note\">");
    hs_report_add_grouped(&r->b, count);
    hs_buf_addf(&r->b, " objects of %zu types, ", hs_summary_types(s));
    hs_report_add_grouped(&r->b, size);
    hs_buf_addf(&r->b, " bytes; the %zu largest types by total size.</p>\n",
                n);
    table_head(r, "summary-table", cols, 7);
    for (size_t i = 0; i < n; i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        hs_buf_adds(&r->b, "<tr>");
        cell_text(r, "type", t->type, t->type_len);
        cell_u64(r, t->count);
        cell_pct(r, t->count, count);
        cell_u64(r, t->total_size);
        cell_pct(r, t->total_size, size);
        cell_u64(r, t->max_size);
        cell_u64(r, t->count ? t->total_size / t->count : 0);
        hs_buf_adds(&r->b, "</tr>\n");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    hs_summary_free(s);
    return flush(r);
}

/* MARK: diff, first to last */

static int
add_diff(report *r, size_t top)
{
    static const char *const cols[] = {
        "type", "#bytes +", "#objects +", "#first", "#last",
        "#new objects", "#new bytes", "#gone objects"};
    const hs_diff_type *total = hs_diff_total(r->diff);
    size_t n = hs_diff_types(r->diff) < top ? hs_diff_types(r->diff) : top;
    hs_buf_adds(&r->b, "<section id=\"diff\">\n<h2>Changes per type</h2>\n"
                       "<p class=\"note\">From the first dump to the last: ");
    hs_report_add_grouped(&r->b, total->added_count);
    hs_buf_adds(&r->b, " new objects (");
    hs_report_add_grouped(&r->b, total->added_size);
    hs_buf_adds(&r->b, " bytes), ");
    hs_report_add_grouped(&r->b, total->gone_count);
    hs_buf_adds(&r->b, " gone, ");
    hs_report_add_grouped(&r->b, total->kept_count);
    hs_buf_adds(&r->b, " survived. An object is the same in both when its "
                       "address, type and value are.</p>\n");
    table_head(r, "diff-table", cols, 8);
    for (size_t i = 0; i < n; i++) {
        const hs_diff_type *t = hs_diff_type_at(r->diff, i);
        hs_buf_adds(&r->b, "<tr>");
        cell_text(r, "type", t->type, t->type_len);
        cell_i64(r, (int64_t)(t->new_size - t->old_size));
        cell_i64(r, (int64_t)(t->new_count - t->old_count));
        cell_u64(r, t->old_count);
        cell_u64(r, t->new_count);
        cell_u64(r, t->added_count);
        cell_u64(r, t->added_size);
        cell_u64(r, t->gone_count);
        hs_buf_adds(&r->b, "</tr>\n");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    return flush(r);
}

/* MARK: growth */

static void
add_chart(report *r)
{
    char *svg = hs_growth_svg(r->o->growth, 5, r->o->time_label, NULL);
    const char *start;
    if (!svg) {
        r->b.failed = true;
        return;
    }
    /* Inline SVG takes no XML declaration. */
    start = strstr(svg, "<svg");
    hs_buf_adds(&r->b, "<div class=\"chart\" id=\"growth-chart\">\n");
    hs_buf_adds(&r->b, start ? start : svg);
    hs_buf_adds(&r->b, "</div>\n");
    hs_free(svg);
}

static void
growth_head(report *r, size_t ndumps)
{
    hs_buf_adds(&r->b, "<table class=\"sortable\" id=\"growth-table\">"
                       "<thead><tr><th>type</th>");
    for (size_t k = 0; k < ndumps; k++) {
        if (ndumps <= MAX_DUMP_COLUMNS || k == 0 || k == ndumps - 1) {
            hs_buf_addf(&r->b, "<th class=\"n\">t = %g</th>",
                        hs_growth_time(r->o->growth, k));
        }
    }
    hs_buf_adds(&r->b, "<th class=\"n\">objects +</th><th class=\"n\">"
                       "bytes +</th><th>steady</th></tr></thead>\n"
                       "<tbody>\n");
}

static int
add_growth(report *r, size_t top)
{
    const hs_growth *gr = r->o->growth;
    size_t ndumps = hs_growth_dumps(gr);
    size_t n = hs_growth_types(gr) < top ? hs_growth_types(gr) : top;
    section_head(r, "growth", "Growth",
                 "Each type's object count at each dump. Steady growers "
                 "(the count never falls and rises overall) come first.");
    add_chart(r);
    growth_head(r, ndumps);
    for (size_t i = 0; i < n; i++) {
        const hs_growth_type *t = hs_growth_type_at(gr, i);
        hs_buf_adds(&r->b, "<tr>");
        cell_text(r, "type", t->type, t->type_len);
        for (size_t k = 0; k < ndumps; k++) {
            if (ndumps <= MAX_DUMP_COLUMNS || k == 0 || k == ndumps - 1) {
                cell_u64(r, t->counts[k]);
            }
        }
        cell_i64(r, t->count_delta);
        cell_i64(r, t->size_delta);
        hs_buf_addf(&r->b, "<td>%s</td></tr>\n", t->steady ? "yes" : "no");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    return flush(r);
}

/* MARK: paths and objects */

/* The sample cell: one new object, and its refs on one bounded line:
 * as a dict when they are key, value pairs, else labelled children. */
#define SAMPLE_ITEMS 8

static void
add_sample(report *r, uint32_t id)
{
    const hs_graph *g = r->o->last;
    uint64_t nrefs;
    char *line = NULL;
    hs_buf_adds(&r->b, "<td class=\"repr\">");
    if (id == HS_NO_NODE) {
        hs_buf_adds(&r->b, "</td>");
        return;
    }
    hs_node_children(g, id, &nrefs);
    if (nrefs) {
        line = hs_node_refs_line(g, id, SAMPLE_ITEMS, 40, NULL);
    }
    html_owned(r, hs_node_repr(g, id, 0, PREVIEW, NULL));
    if (line) {
        hs_buf_adds(&r->b, "<br>");
        html_owned(r, line);
    }
    hs_buf_adds(&r->b, "</td>");
}

/* "TYPE ADDR": suspect i's owner named for the reader, type escaped,
 * and the button that opens its retainers view (hs_report_retainers.c:
 * suspect i's view is number i). */
static void
cell_owner(report *r, const hs_graph *g, uint32_t id, size_t i)
{
    size_t len;
    const char *type = hs_node_type(g, id, &len);
    hs_buf_adds(&r->b, "<td class=\"type owner\">");
    html(r, type, len);
    hs_buf_addf(&r->b, "<br><span class=\"muted addr\">%llu</span>"
                       "<br><button type=\"button\" class=\"alive-open\" "
                       "data-k=\"%zu\">what keeps it alive</button></td>",
                (unsigned long long)hs_node_address(g, id), i);
}

/* MARK: leak suspects */

/* The leak finder over every dump (or first and last). */
static hs_leaks *
find_leaks(report *r)
{
    const hs_report_options *o = r->o;
    const hs_graph *pair[2] = {o->first, o->last};
    hs_leak_options lo = {o->suspects ? o->suspects : DEFAULT_SUSPECTS,
                          TYPES, NULL};
    if (o->leak_dumps && o->nleak >= 2) {
        return hs_leaks_new(o->leak_dumps, o->nleak, &lo, r->err);
    }
    return hs_leaks_new(pair, 2, &lo, r->err);
}

/* The place among all the dumps of the leak finder's dump i, from 1. */
static size_t
dump_number(const report *r, size_t i)
{
    const hs_report_options *o = r->o;
    if (o->leak_dumps && o->nleak >= 2) {
        return o->leak_index ? o->leak_index[i] + 1 : i + 1;
    }
    return i == 0 ? 1 : o->ndumps;
}

/* Each compared dump's retained bytes and objects under the owner, one a
 * line numbered by the dump's place in the run. */
static void
add_series(report *r, const hs_leak_suspect *s, size_t ndumps)
{
    hs_buf_adds(&r->b, "<td><ol class=\"per-dump\">");
    for (size_t i = 0; i < ndumps; i++) {
        hs_buf_addf(&r->b, "<li value=\"%zu\">", dump_number(r, i));
        if (s->ids[i] == HS_NO_NODE) {
            hs_buf_adds(&r->b, "<span class=\"muted\">not alive</span>");
        } else {
            hs_report_add_grouped(&r->b, s->retained_size[i]);
            hs_buf_adds(&r->b, " B, ");
            hs_report_add_grouped(&r->b, s->retained_count[i]);
            hs_buf_addf(&r->b, " object%s",
                        s->retained_count[i] == 1 ? "" : "s");
        }
        hs_buf_adds(&r->b, "</li>");
    }
    hs_buf_adds(&r->b, "</ol></td>");
}

/* Where they were allocated (dumps with sites, docs/format.md §7):
 * "leak.py:18: 300 objects (55,200 B), 86 %" a line each, the share
 * being of the bytes of all the suspect's new objects. */
static void
add_sites(report *r, const hs_leak_suspect *s)
{
    if (s->nsites == 0) {
        return;
    }
    hs_buf_adds(&r->b, "<div class=\"sites\">allocated at:");
    for (size_t k = 0; k < s->nsites && k < TYPES; k++) {
        const hs_leak_site *st = &s->sites[k];
        hs_buf_adds(&r->b, "<br><span class=\"site\">");
        html(r, st->file, st->file_len);
        hs_buf_addf(&r->b, ":%u</span>: ", st->line);
        hs_report_add_grouped(&r->b, st->count);
        hs_buf_adds(&r->b, st->count == 1 ? " object" : " objects");
        hs_buf_adds(&r->b, " <span class=\"muted\">(");
        hs_report_add_grouped(&r->b, st->size);
        hs_buf_addf(&r->b, " B), %llu %%</span>",
                    (unsigned long long)(s->sites_base_size
                                             ? st->size * 100
                                                   / s->sites_base_size
                                             : 0));
    }
    hs_buf_adds(&r->b, "</div>");
}

/* What the new objects are made of: "500 dict (92,000 B)", a line each. */
static void
add_made_of(report *r, const hs_leak_suspect *s)
{
    hs_buf_adds(&r->b, "<td class=\"made\">");
    if (s->grows_in_place) {
        hs_buf_adds(&r->b, s->recreated
                               ? "itself: no new object, a larger one took "
                                 "its place at every interval"
                               : "itself: no new object, it grows in place");
    }
    for (size_t t = 0; t < s->ntypes; t++) {
        hs_buf_adds(&r->b, t ? "<br>" : "");
        hs_report_add_grouped(&r->b, s->types[t].count);
        hs_buf_addc(&r->b, ' ');
        html(r, s->types[t].type, s->types[t].type_len);
        hs_buf_adds(&r->b, " <span class=\"muted\">(");
        hs_report_add_grouped(&r->b, s->types[t].size);
        hs_buf_adds(&r->b, " B)</span>");
    }
    add_sites(r, s);
    hs_buf_adds(&r->b, "</td>");
}

/* The path cell: the path's expression, opening to its steps and the
 * signature that names this leak in every run. */
static void
add_held_by(report *r, const hs_leak_suspect *s)
{
    hs_buf_adds(&r->b, "<td class=\"path\">");
    if (!s->path_len) {
        hs_buf_adds(&r->b, "<span class=\"muted\">no path from a root (held "
                           "only by cycles)</span>");
    } else {
        hs_buf_adds(&r->b, "<details><summary>");
        html_owned(r, hs_path_expression(r->o->last, s->path, s->path_len,
                                      NULL));
        hs_buf_adds(&r->b, "</summary>\n");
        hs_report_steps(&r->b, r->o->last, s->path, s->path_len);
        hs_buf_adds(&r->b, "</details>");
    }
    hs_buf_adds(&r->b, "<p class=\"sig\">signature: <code>");
    html_s(r, s->signature);
    hs_buf_adds(&r->b, "</code></p></td>");
}

/* The verdict on the whole series, then each interval's objects and
 * bytes gained, numbered by the dumps' places in the run. */
static void
add_verdict(report *r, const hs_leak_suspect *s, size_t ndumps)
{
    char words[64];
    hs_buf_addf(&r->b, "<td class=\"verdict %s\"><b>",
                hs_leak_verdict_key(s->verdict));
    html_s(r, hs_leak_verdict_text(s, ndumps, words, sizeof(words)));
    hs_buf_adds(&r->b, "</b>");
    for (size_t i = 0; i + 1 < ndumps; i++) {
        hs_buf_addf(&r->b, "<br>%zu&rarr;%zu: %+lld objects, %+lld B",
                    dump_number(r, i), dump_number(r, i + 1),
                    (long long)s->retained_count[i + 1]
                        - (long long)s->retained_count[i],
                    (long long)s->retained_size[i + 1]
                        - (long long)s->retained_size[i]);
    }
    if (ndumps == 2) {
        hs_buf_adds(&r->b, "<br><span class=\"muted\">a third dump would "
                           "separate growth from turnover</span>");
    }
    hs_buf_adds(&r->b, "</td>");
}

static void
add_suspect(report *r, const hs_leaks *l, size_t i)
{
    const hs_leak_suspect *s = hs_leaks_at(l, i);
    hs_buf_adds(&r->b, "<tr>");
    cell_u64(r, i + 1);
    cell_owner(r, r->o->last, s->owner, i);
    cell_u64(r, s->new_count);
    cell_u64(r, s->new_size);
    cell_i64(r, s->growth_size);
    add_series(r, s, hs_leaks_dumps(l));
    add_made_of(r, s);
    add_held_by(r, s);
    add_sample(r, s->sample);
    add_verdict(r, s, hs_leaks_dumps(l));
    hs_buf_adds(&r->b, "</tr>\n");
}

static int
add_suspects(report *r)
{
    static const char *const cols[] = {
        "#rank", "owner", "#new objects", "#new bytes", "#growth",
        "retained per dump", "made of", "held by (path from a root)",
        "a new object", "verdict (gained per interval)"};
    hs_leaks *l = r->leaks = find_leaks(r);
    size_t n;
    if (!l) {
        return r->err->code;
    }
    n = hs_leaks_count(l);
    section_head(r, "suspects", "Leak suspects",
                 "The objects that keep new objects alive (new since the "
                 "first dump and still there in the last), or that grow "
                 "themselves (a buffer never drained), ranked by "
                 "their verdict on the whole series of dumps (grows at "
                 "every dump: the object count rose in every interval, or "
                 "for a buffer that grows in place, its bytes; grew: in "
                 "some; bounded: flat or falling after the second dump, "
                 "turnover rather than growth), then by "
                 "growth (bytes retained from the first dump to the "
                 "last). The signature is the path as types and labels, "
                 "the same in every run. Click a path for its steps.");
    table_head(r, "suspects-table", cols, 10);
    for (size_t i = 0; i < n; i++) {
        add_suspect(r, l, i);
        HS_TRY(flush(r));
    }
    if (n == 0) {
        hs_buf_adds(&r->b, "<tr><td colspan=\"10\" class=\"muted\">No "
                           "suspect: no object holds 1 % or more of the new "
                           "objects that stay.</td></tr>\n");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    return flush(r);
}

/* MARK: top retainers */

/* "root (module)" or "under TYPE ADDR as LABEL". */
static void
add_dominator(report *r, const hs_dominators *d, uint32_t id)
{
    const hs_graph *g = r->o->last;
    const char *kind = hs_dominators_root_kind(d, id);
    uint32_t dom = hs_dominators_idom(d, id);
    size_t len;
    const char *type;
    hs_buf_adds(&r->b, "<td class=\"repr\">");
    if (kind || dom == HS_NO_NODE) {
        hs_buf_addf(&r->b, "root (%s)", kind ? kind : "?");
    } else {
        type = hs_node_type(g, dom, &len);
        hs_buf_adds(&r->b, "under ");
        html(r, type, len);
        hs_buf_addf(&r->b, " %llu as <span class=\"label\">",
                    (unsigned long long)hs_node_address(g, dom));
        html_owned(r, hs_dominators_label(d, id, PREVIEW, NULL));
        hs_buf_adds(&r->b, "</span>");
    }
    hs_buf_adds(&r->b, "</td>");
}

/* The last dump's dominator tree: the leak finder's when it ran, else
 * the caller's, else one made here (and freed with the report). NULL
 * when out of memory. */
static const hs_dominators *
last_tree(report *r)
{
    if (r->leaks) {
        return hs_leaks_dominators(r->leaks, hs_leaks_dumps(r->leaks) - 1);
    }
    if (r->o->last_tree) {
        return r->o->last_tree;
    }
    if (!r->own_tree) {
        r->own_tree = hs_dominators_new(r->o->last, r->err);
    }
    return r->own_tree;
}

/* The first dump's tree, for the map's colours: the leak finder's. */
static const hs_dominators *
first_tree(const report *r)
{
    return r->leaks ? hs_leaks_dominators(r->leaks, 0) : NULL;
}

/* The map, then the retainers views of the suspects and the map's
 * boxes, inside the map's section. */
static int
add_map(report *r)
{
    const hs_dominators *d = last_tree(r);
    const hs_dominators *fd = first_tree(r);
    hs_map_input in = {r->o->last, d, NULL, NULL, NULL, 0};
    hs_alive_input alive = {r->o->last, d, NULL, 0, NULL, 0, 0};
    hs_map_box *boxes = NULL;
    uint32_t *owners = NULL;
    int rc;
    if (!d) {
        return r->err->code;
    }
    if (fd && r->leaks) {
        size_t n = hs_leaks_count(r->leaks);
        /* The leak finder's dump 0 (find_leaks). */
        in.first = r->o->leak_dumps && r->o->nleak >= 2 ? r->o->leak_dumps[0]
                                                        : r->o->first;
        in.first_d = fd;
        owners = hs_calloc(r->o->last->a, n + 1, sizeof(*owners));
        if (!owners) {
            return hs_error_set(r->err, HS_ENOMEM, "out of memory");
        }
        for (size_t i = 0; i < n; i++) {
            owners[i] = hs_leaks_at(r->leaks, i)->owner;
        }
        in.suspects = alive.suspects = owners;
        in.nsuspects = alive.nsuspects = n;
    }
    rc = hs_report_map(&r->b, &in, &boxes, &alive.nboxes, r->err);
    if (rc == HS_OK) {
        alive.boxes = boxes;
        rc = hs_report_retainers(&r->b, &alive, r->err);
        hs_buf_adds(&r->b, "</section>\n");
    }
    hs_mfree(r->o->last->a, boxes);
    hs_mfree(r->o->last->a, owners);
    return rc < 0 ? rc : flush(r);
}

static int
add_retainers(report *r, size_t top)
{
    static const char *const cols[] = {
        "type", "#address", "#shallow bytes", "#retained bytes",
        "#% of heap", "#retained objects", "object", "held as"};
    const hs_graph *g = r->o->last;
    const hs_dominators *d = last_tree(r);
    uint32_t *ids;
    size_t n;
    if (!d) {
        return r->err->code;
    }
    if (hs_dominators_top(d, top, &ids, &n, r->err) < 0) {
        return r->err->code;
    }
    section_head(r, "retainers", "Top retainers",
                 "The objects of the last dump that keep the most memory "
                 "alive: an object retains itself and every object that "
                 "only it keeps alive (its subtree in the dominator tree). "
                 "Each is shown with how it hangs under the object that "
                 "retains it.");
    table_head(r, "retainers-table", cols, 8);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *type = hs_node_type(g, ids[i], &len);
        hs_buf_adds(&r->b, "<tr>");
        cell_text(r, "type", type, len);
        hs_buf_addf(&r->b, "<td class=\"n addr\" data-v=\"%llu\">%llu</td>",
                    (unsigned long long)hs_node_address(g, ids[i]),
                    (unsigned long long)hs_node_address(g, ids[i]));
        cell_u64(r, hs_node_size(g, ids[i]));
        cell_u64(r, hs_dominators_retained_size(d, ids[i]));
        cell_pct(r, hs_dominators_retained_size(d, ids[i]),
                 hs_dominators_total_size(d));
        cell_u64(r, hs_dominators_retained_count(d, ids[i]));
        hs_buf_adds(&r->b, "<td class=\"repr\">");
        html_owned(r, hs_node_repr(g, ids[i], 0, PREVIEW, NULL));
        hs_buf_adds(&r->b, "</td>");
        add_dominator(r, d, ids[i]);
        hs_buf_adds(&r->b, "</tr>\n");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    hs_free(ids);
    return flush(r);
}

/* MARK: public */

static int
write_sections(report *r)
{
    const hs_report_options *o = r->o;
    size_t top = o->top ? o->top : DEFAULT_TOP;
    add_head(r);
    add_dump_list(r);
    HS_TRY(flush(r));
    if (o->first) {
        r->diff = hs_diff_new(o->first, o->last, r->err);
        if (!r->diff) {
            return r->err->code;
        }
        HS_TRY(add_suspects(r));
    }
    HS_TRY(add_retainers(r, top));
    HS_TRY(add_map(r));
    if (o->growth && hs_growth_dumps(o->growth) >= 2) {
        HS_TRY(add_growth(r, top));
    }
    if (o->first) {
        HS_TRY(add_diff(r, top));
    }
    HS_TRY(add_summary(r, top));
    add_footer(r);
    return flush(r);
}

int
hs_report_write(const hs_report_options *opts, hs_write_fn write, void *ctx,
                hs_error *err)
{
    hs_error local;
    report r = {opts, write, ctx, err ? err : &local, HS_BUF_INIT, NULL,
                NULL, NULL};
    int rc;
    hs_error_clear(r.err);
    HS_RETURN_IF(!opts || !opts->last || !write || !opts->paths
                     || opts->ndumps == 0,
                 HS_EINVAL, err, "a report needs a last dump, its name "
                                 "and a writer");
    HS_RETURN_IF(opts->last_tree && opts->last_tree->g != opts->last,
                 HS_EINVAL, err, "the tree given is not the last dump's");
    hs_buf_init_on(&r.b, opts->last->a); /* the page is scratch: written */
    rc = write_sections(&r);
    hs_leaks_free(r.leaks);
    hs_dominators_free(r.own_tree);
    hs_diff_free(r.diff);
    hs_buf_release(&r.b);
    return rc;
}
