/*
 * hs_report.c - the findings of one or more dumps as a self-contained
 * HTML page.
 *
 * The page is built from the public analysis APIs, section by section,
 * each written through the caller's callback as soon as it is complete,
 * so a report on a large dump never holds more than one section of text:
 *
 *   header      the dumps, in run order, and links to the sections
 *   suspects    (two dumps or more) the types that grew steadily, each
 *               with its new objects, the signature of the paths that
 *               hold a sample of them, one path step by step and one
 *               sample object
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
 *
 * NOTE: about signatures. A leak is many objects held the same way: the
 * 600 dicts of a log history are history[0] ... history[599] of one
 * deque. So the signature of a path is its expression with every index
 * written [*]; samples spread evenly over a type's new objects vote, and
 * the most common signature is shown with its share.
 */
#include "hs_report.h"

#include <heapscope.h>
#include <stdlib.h>
#include <string.h>

#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "hs_html.h"

#define DEFAULT_TOP 30
#define DEFAULT_SUSPECTS 5
#define SAMPLES 8       /* new objects whose paths vote on a signature */
#define PREVIEW 80      /* bytes of a value in a one-line repr */
#define MAX_DUMP_COLUMNS 8

typedef struct report {
    const hs_report_options *o;
    hs_write_fn write;
    void *ctx;
    hs_error *err;
    hs_buf b;
    hs_diff *diff;
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
static void
add_grouped(hs_buf *b, uint64_t v)
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
    add_grouped(&r->b, v);
    hs_buf_adds(&r->b, "</td>");
}

static void
cell_i64(report *r, int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    hs_buf_addf(&r->b, "<td class=\"n%s\" data-v=\"%lld\">%s",
                v > 0 ? " pos" : "", (long long)v,
                v > 0 ? "+" : v < 0 ? "&minus;" : "");
    add_grouped(&r->b, mag);
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
    hs_buf_adds(&r->b, "</style>\n</head>\n<body>\n<header>\n<h1>");
    html_s(r, title);
    hs_buf_adds(&r->b, "</h1>\n");
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
    hs_buf_adds(&r->b, "</ol>\n<nav>");
    if (o->first) {
        hs_buf_adds(&r->b, "<a href=\"#suspects\">Leak suspects</a>");
    }
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
    add_grouped(&r->b, count);
    hs_buf_addf(&r->b, " objects of %zu types, ", hs_summary_types(s));
    add_grouped(&r->b, size);
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
    add_grouped(&r->b, total->added_count);
    hs_buf_adds(&r->b, " new objects (");
    add_grouped(&r->b, total->added_size);
    hs_buf_adds(&r->b, " bytes), ");
    add_grouped(&r->b, total->gone_count);
    hs_buf_adds(&r->b, " gone, ");
    add_grouped(&r->b, total->kept_count);
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
    hs_buf_adds(&r->b, "<section id=\"growth\">\n<h2>Growth</h2>\n"
                       "<p class=\"note\">Each type's object count at "
                       "each dump. Steady growers (the count never falls "
                       "and rises overall) come first: they are the leak "
                       "suspects.</p>\n");
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

/* MARK: leak suspects */

/* One signature and its votes. */
typedef struct vote {
    char *signature;
    size_t votes;
    hs_paths *paths;  /* the first sample's paths with this signature */
} vote;

/* The expression of a path (root first): __main__.observer.history[599],
 * with indices as [*] when general. Caller frees. */
static char *
path_expression(const hs_graph *g, const uint32_t *nodes, size_t len,
                bool general)
{
    hs_buf b = HS_BUF_INIT;
    size_t tlen, nlen;
    const char *type = hs_node_type(g, nodes[0], &tlen);
    const char *name = hs_node_name(g, nodes[0], &nlen);
    if (name && tlen == 6 && memcmp(type, "module", 6) == 0) {
        hs_buf_add(&b, name, nlen);
    } else {
        hs_buf_addf(&b, "<%.*s>", (int)tlen, type);
    }
    for (size_t k = 0; k + 1 < len; k++) {
        uint64_t n, ref = 0;
        const uint32_t *kids = hs_node_children(g, nodes[k], &n);
        char *label;
        while (ref < n && kids[ref] != nodes[k + 1]) {
            ref++;
        }
        label = hs_node_ref_label(g, nodes[k], ref, 40, NULL);
        if (!label) {
            hs_buf_release(&b);
            return NULL;
        }
        if (label[0] != '.' && label[0] != '[') {
            hs_buf_addc(&b, '.');
        }
        if (general && label[0] == '[' && label[1] >= '0'
            && label[1] <= '9') {
            hs_buf_adds(&b, "[*]");
        } else {
            hs_buf_adds(&b, label);
        }
        hs_free(label);
    }
    return hs_buf_detach(&b);
}

/* Finds the path to id and counts its signature in votes[*nvotes]. */
static int
vote_for(const hs_graph *g, uint32_t id, vote *votes, size_t *nvotes)
{
    hs_path_options po = {1, NULL, 0};
    hs_paths *p = hs_paths_find(g, id, &po, NULL);
    const uint32_t *nodes;
    size_t len;
    char *sig;
    if (!p) {
        return HS_OK; /* no parents computed, or out of memory: no vote */
    }
    if (hs_paths_count(p) == 0) {
        hs_paths_free(p);
        return HS_OK;
    }
    nodes = hs_paths_at(p, 0, &len);
    sig = path_expression(g, nodes, len, true);
    if (!sig) {
        hs_paths_free(p);
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < *nvotes; i++) {
        if (strcmp(votes[i].signature, sig) == 0) {
            votes[i].votes++;
            hs_paths_free(p);
            hs_free(sig);
            return HS_OK;
        }
    }
    votes[*nvotes].signature = sig;
    votes[*nvotes].votes = 1;
    votes[(*nvotes)++].paths = p;
    return HS_OK;
}

/* One path, step by step: each edge's label, then the object's repr. */
static void
add_steps(report *r, const hs_paths *p)
{
    const hs_graph *g = r->o->last;
    size_t len;
    const uint32_t *nodes = hs_paths_at(p, 0, &len);
    char *expr = path_expression(g, nodes, len, false);
    hs_buf_adds(&r->b, "<ol class=\"steps\">\n<li>");
    html_owned(r, hs_node_repr(g, nodes[0], 0, PREVIEW, NULL));
    hs_buf_addf(&r->b, " <span class=\"muted\">(root: %s)</span></li>\n",
                hs_paths_root_kind(p, 0));
    for (size_t k = 0; k + 1 < len; k++) {
        uint64_t n, ref = 0;
        const uint32_t *kids = hs_node_children(g, nodes[k], &n);
        while (ref < n && kids[ref] != nodes[k + 1]) {
            ref++;
        }
        hs_buf_adds(&r->b, "<li><span class=\"label\">");
        html_owned(r, hs_node_ref_label(g, nodes[k], ref, PREVIEW, NULL));
        hs_buf_adds(&r->b, "</span> ");
        html_owned(r, hs_node_repr(g, nodes[k + 1], 0, PREVIEW, NULL));
        hs_buf_adds(&r->b, "</li>\n");
    }
    hs_buf_adds(&r->b, "</ol>\n<p class=\"sample\">this one: ");
    html_owned(r, expr);
    hs_buf_adds(&r->b, "</p>\n");
}

/* The signature cell: the winning signature with its share, opening to
 * the path of one sample. */
static void
add_signature(report *r, const vote *votes, size_t nvotes, size_t sampled)
{
    size_t best = 0;
    for (size_t i = 1; i < nvotes; i++) {
        best = votes[i].votes > votes[best].votes ? i : best;
    }
    hs_buf_adds(&r->b, "<td class=\"path\">");
    if (!nvotes) {
        hs_buf_adds(&r->b, "<span class=\"muted\">no path from a root (held "
                           "only by cycles, or parents not computed)"
                           "</span></td>");
        return;
    }
    hs_buf_adds(&r->b, "<details><summary>");
    html_s(r, votes[best].signature);
    hs_buf_addf(&r->b, " <span class=\"muted\">(%zu of %zu samples)</span>"
                       "</summary>\n",
                votes[best].votes, sampled);
    add_steps(r, votes[best].paths);
    hs_buf_adds(&r->b, "</details></td>");
}

/* The sample cell: one new object, and its refs as a dict when they
 * read as one. */
static void
add_sample(report *r, uint32_t id)
{
    const hs_graph *g = r->o->last;
    uint64_t nrefs;
    char *dict = NULL;
    hs_node_children(g, id, &nrefs);
    if (nrefs) {
        dict = hs_node_refs_dict_format(g, id, 40, NULL);
    }
    hs_buf_adds(&r->b, "<td class=\"repr\">");
    html_owned(r, hs_node_repr(g, id, 0, PREVIEW, NULL));
    if (dict) {
        hs_buf_adds(&r->b, "<br>");
        html_owned(r, dict);
    }
    hs_buf_adds(&r->b, "</td>");
}

/* The new object the winning signature's path leads to, else the
 * largest. */
static uint32_t
sample_of(const vote *votes, size_t nvotes, uint32_t largest)
{
    size_t best = 0, len;
    const uint32_t *nodes;
    if (!nvotes) {
        return largest;
    }
    for (size_t i = 1; i < nvotes; i++) {
        best = votes[i].votes > votes[best].votes ? i : best;
    }
    nodes = hs_paths_at(votes[best].paths, 0, &len);
    return nodes[len - 1];
}

static int
add_suspect(report *r, const char *type, size_t type_len, int64_t delta)
{
    const hs_graph *g = r->o->last;
    vote votes[SAMPLES];
    size_t nvotes = 0, count, sampled = 0;
    uint32_t *ids;
    uint64_t bytes = 0;
    int rc = hs_diff_new_objects(r->diff, type, type_len, &ids, &count,
                                 r->err);
    if (rc < 0 || count == 0) {
        return rc < 0 ? rc : HS_OK;
    }
    for (size_t i = 0; i < count; i++) {
        bytes += hs_node_size(g, ids[i]);
    }
    for (size_t s = 0; s < SAMPLES && s < count && rc == HS_OK; s++) {
        rc = vote_for(g, ids[s * count / (count < SAMPLES ? count : SAMPLES)],
                      votes, &nvotes);
        sampled++;
    }
    hs_buf_adds(&r->b, "<tr>");
    cell_text(r, "type", type, type_len);
    cell_u64(r, count);
    cell_u64(r, bytes);
    cell_i64(r, delta);
    add_signature(r, votes, nvotes, sampled);
    add_sample(r, sample_of(votes, nvotes, ids[0]));
    hs_buf_adds(&r->b, "</tr>\n");
    for (size_t i = 0; i < nvotes; i++) {
        hs_free(votes[i].signature);
        hs_paths_free(votes[i].paths);
    }
    hs_free(ids);
    return rc < 0 ? hs_error_set(r->err, rc, "out of memory") : flush(r);
}

static int
add_suspects(report *r)
{
    static const char *const cols[] = {"type", "#new objects", "#new bytes",
                                       "#objects +", "held by (signature)",
                                       "a new object"};
    const hs_growth *gr = r->o->growth;
    size_t want = r->o->suspects ? r->o->suspects : DEFAULT_SUSPECTS, shown;
    size_t i;
    int rc = HS_OK;
    hs_buf_adds(&r->b, "<section id=\"suspects\">\n<h2>Leak suspects</h2>\n"
                       "<p class=\"note\">Types that grew at every dump, "
                       "with their objects that are new in the last dump "
                       "and what holds a sample of them: the signature is "
                       "the path from a root with indices as [*]. Click a "
                       "path for its steps.</p>\n");
    table_head(r, "suspects-table", cols, 6);
    for (i = 0, shown = 0; rc == HS_OK && shown < want; i++) {
        if (gr && hs_growth_dumps(gr) >= 2) {
            const hs_growth_type *t;
            if (i >= hs_growth_types(gr)) {
                break;
            }
            t = hs_growth_type_at(gr, i);
            if (!t->steady || t->count_delta <= 0) {
                continue;
            }
            rc = add_suspect(r, t->type, t->type_len, t->count_delta);
        } else {
            const hs_diff_type *t;
            if (i >= hs_diff_types(r->diff)) {
                break;
            }
            t = hs_diff_type_at(r->diff, i);
            if (t->new_count <= t->old_count) {
                continue;
            }
            rc = add_suspect(r, t->type, t->type_len,
                             (int64_t)(t->new_count - t->old_count));
        }
        shown++;
    }
    if (rc == HS_OK && shown == 0) {
        hs_buf_adds(&r->b, "<tr><td colspan=\"6\" class=\"muted\">No type "
                           "grew steadily.</td></tr>\n");
    }
    hs_buf_adds(&r->b, "</tbody></table>\n</section>\n");
    return rc < 0 ? rc : flush(r);
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
    report r = {opts, write, ctx, err ? err : &local, HS_BUF_INIT, NULL};
    int rc;
    hs_error_clear(r.err);
    HS_RETURN_IF(!opts || !opts->last || !write || !opts->paths
                     || opts->ndumps == 0,
                 HS_EINVAL, err, "a report needs a last dump, its name "
                                 "and a writer");
    rc = write_sections(&r);
    hs_diff_free(r.diff);
    hs_buf_release(&r.b);
    return rc;
}
