/*
 * hs_report_retainers.c - the report's retainers views: for one object,
 * what `heapscope path` and `heapscope dominators` print, as a tree.
 *
 * A reader who finds a suspect in the table, or a wide box in the memory
 * map, asks next "what keeps it alive?". The page cannot run the
 * analysis (it is static and holds no graph), so the answer is computed
 * here for every object the page can point at, the suspects' owners and
 * the map's boxes, and written once each into a hidden store; the page's
 * script (hs_report_assets.c) copies a view into a dialog when the
 * suspect's button or the zoomed box's button is clicked. A view holds:
 *
 *   paths       the HS_ALIVE_PATHS shortest paths from distinct roots, by
 *               hs_paths' search (the rules of `heapscope path`), each as
 *               its one-line expression opening to its steps
 *   dominators  the chain of immediate dominators from the root down to
 *               the object as nested <details>, each with how it hangs
 *               under the one above and what it retains
 *
 * The set is bounded: the suspects (--suspects), and at most
 * HS_MAP_MAX_BOXES boxes, whose views stop at HS_ALIVE_BUDGET bytes,
 * shallowest rows first (the boxes a reader meets first). Each search
 * stops after HS_ALIVE_SEARCH objects, a long path keeps its ends, a long
 * chain of dominators its nearest ones and its root; the view says when
 * any cap cut something, so no label claims more than was found.
 *
 * NOTE: about trust, as in hs_report.c: every string from the dump goes
 * through hs_buf_add_html; attribute values are numbers formatted here.
 */
#include "hs_report_retainers.h"

#include "../analysis/hs_paths.h"
#include "../analysis/hs_refs_dict.h"
#include "../graph/hs_graph_internal.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "hs_html.h"
#include "hs_report.h"

#include <string.h>

#define PREVIEW 80       /* bytes of a value in a repr or a key in a label */
#define STEPS_END 12     /* steps kept at each end of a long path */
#define EXPRESSION_MAX 400 /* bytes of a path's one-line expression */
#define CHAIN_NEAR 16    /* dominators kept nearest the object */

typedef struct views {
    const hs_alive_input *in;
    hs_buf *b;
    hs_path_finder *finder;
    size_t next_k;       /* the next view's number */
} views;

/* An owned library string, escaped and freed; NULL (out of memory)
 * marks the buffer failed, so the writer stops. */
static void
add_owned(hs_buf *b, char *s)
{
    if (!s) {
        b->failed = true;
        return;
    }
    hs_buf_add_html(b, s, strlen(s));
    hs_free(s);
}

/* s escaped, its middle left out past max bytes (cut on UTF-8 character
 * boundaries) with a mark that says so. */
static void
add_cut(hs_buf *b, const char *s, size_t max)
{
    size_t len = strlen(s), head = max / 2, tail;
    if (len <= max) {
        hs_buf_add_html(b, s, len);
        return;
    }
    tail = len - (max - head);
    while (head > 0 && ((unsigned char)s[head] & 0xC0) == 0x80) {
        head--;
    }
    while (tail < len && ((unsigned char)s[tail] & 0xC0) == 0x80) {
        tail++;
    }
    hs_buf_add_html(b, s, head);
    hs_buf_addf(b, "<span class=\"muted\"> &hellip; %zu bytes left out "
                   "&hellip; </span>", tail - head);
    hs_buf_add_html(b, s + tail, len - tail);
}

/* MARK: a path, step by step */

/* "<li><span class="label">LABEL</span> REPR</li>" for the step
 * nodes[k] -> nodes[k + 1]; after a gap, numbered k + 2 (the root is 1)
 * so that the numbers stay true. */
static void
add_step(hs_buf *b, const hs_graph *g, const uint32_t *nodes, size_t k,
         bool after_gap)
{
    uint64_t ref = hs_ref_index(g, nodes[k], nodes[k + 1]);
    if (after_gap) {
        hs_buf_addf(b, "<li value=\"%zu\">", k + 2);
    } else {
        hs_buf_adds(b, "<li>");
    }
    hs_buf_adds(b, "<span class=\"label\">");
    add_owned(b, hs_node_ref_label(g, nodes[k], ref, PREVIEW, NULL));
    hs_buf_adds(b, "</span> ");
    add_owned(b, hs_node_repr(g, nodes[k + 1], 0, PREVIEW, NULL));
    hs_buf_adds(b, "</li>\n");
}

void
hs_report_steps(hs_buf *b, const hs_graph *g, const uint32_t *nodes,
                size_t len)
{
    size_t steps = len - 1;
    bool gap = false;
    hs_buf_adds(b, "<ol class=\"steps\">\n<li>");
    add_owned(b, hs_node_repr(g, nodes[0], 0, PREVIEW, NULL));
    hs_buf_adds(b, "</li>\n");
    for (size_t k = 0; k < steps; k++) {
        if (steps > 2 * STEPS_END && k == STEPS_END) {
            hs_buf_addf(b, "<li class=\"muted gap\">&hellip; %zu steps left "
                           "out &hellip;</li>\n", steps - 2 * STEPS_END);
            k = steps - STEPS_END;
            gap = true;
        }
        add_step(b, g, nodes, k, gap);
        gap = false;
    }
    hs_buf_adds(b, "</ol>\n");
}

/* MARK: one view */

/* "retains 1,234 B (0.5 % of the heap) in 12 objects" */
static void
add_retained(views *v, uint32_t id)
{
    const hs_dominators *d = v->in->d;
    uint64_t size = hs_dominators_retained_size(d, id);
    uint64_t total = hs_dominators_total_size(d);
    uint64_t count = hs_dominators_retained_count(d, id);
    hs_buf_adds(v->b, "<span class=\"muted\">retains ");
    hs_report_add_grouped(v->b, size);
    hs_buf_addf(v->b, " B (%.2f %% of the heap) in ",
                total ? 100.0 * (double)size / (double)total : 0.0);
    hs_report_add_grouped(v->b, count);
    hs_buf_addf(v->b, " object%s</span>", count == 1 ? "" : "s");
}

static void
add_paths(views *v, uint32_t id)
{
    const hs_graph *g = v->in->g;
    hs_paths *p = hs_path_finder_find(v->finder, id, HS_ALIVE_PATHS,
                                      HS_ALIVE_SEARCH, NULL);
    size_t n, len;
    if (!p) {
        v->b->failed = true;
        return;
    }
    n = hs_paths_count(p);
    hs_buf_addf(v->b, "<h3>Paths from a root</h3>\n<p class=\"note\">");
    if (n == 1 && hs_paths_at(p, 0, &len) && len == 1) {
        hs_buf_addf(v->b, "It is a root itself (%s).</p>\n",
                    hs_paths_root_kind(p, 0));
        hs_paths_free(p);
        return;
    }
    if (hs_paths_stopped(p)) {
        hs_buf_addf(v->b, "%zu found; the search stopped after %llu "
                          "objects: other roots may reach it (`heapscope "
                          "path` searches the whole heap).", n,
                    (unsigned long long)hs_paths_visited(p));
    } else if (n == 0) {
        hs_buf_adds(v->b, "No root reaches it: garbage held only by a "
                          "cycle.");
    } else if (n < HS_ALIVE_PATHS) {
        hs_buf_addf(v->b, "%zu found: no other root reaches it without "
                          "passing through %s.", n,
                    n == 1 ? "this one" : "these");
    } else {
        hs_buf_addf(v->b, "The %d shortest (the page keeps no more).",
                    HS_ALIVE_PATHS);
    }
    hs_buf_adds(v->b, "</p>\n");
    hs_buf_adds(v->b, "<ol class=\"alive-paths\">\n");
    for (size_t i = 0; i < n && !v->b->failed; i++) {
        const uint32_t *nodes = hs_paths_at(p, i, &len);
        char *expr = hs_path_expression(g, nodes, len, NULL);
        hs_buf_addf(v->b, "<li><details%s><summary>", i == 0 ? " open" : "");
        if (!expr) {
            v->b->failed = true;
            break;
        }
        add_cut(v->b, expr, EXPRESSION_MAX);
        hs_free(expr);
        hs_buf_addf(v->b, "</summary>\n<p class=\"muted\">from a root of "
                          "kind %s, %zu step%s</p>\n",
                    hs_paths_root_kind(p, i), len - 1, len == 2 ? "" : "s");
        hs_report_steps(v->b, g, nodes, len);
        hs_buf_adds(v->b, "</details></li>\n");
    }
    hs_buf_adds(v->b, "</ol>\n");
    hs_paths_free(p);
}

/* One dominator's line: how it hangs under the one above (or what kind
 * of root it is), its repr and what it retains. */
static void
add_dominator(views *v, uint32_t id)
{
    const char *kind = hs_dominators_root_kind(v->in->d, id);
    if (kind) {
        hs_buf_addf(v->b, "<span class=\"muted\">root (%s)</span> ", kind);
    } else {
        hs_buf_adds(v->b, "<span class=\"label\">");
        add_owned(v->b, hs_dominators_label(v->in->d, id, PREVIEW, NULL));
        hs_buf_adds(v->b, "</span> ");
    }
    add_owned(v->b, hs_node_repr(v->in->g, id, 0, PREVIEW, NULL));
    hs_buf_addc(v->b, ' ');
    add_retained(v, id);
}

/* The chain of immediate dominators, root outermost, as nested
 * <details>: each object retains everything inside it. A chain longer
 * than CHAIN_NEAR + 1 keeps its root and the CHAIN_NEAR nearest the
 * object and says how many are left out between. */
static void
add_chain(views *v, uint32_t id)
{
    uint32_t near[CHAIN_NEAR], top = id;
    size_t nn = 0, total = 0, open = 0;
    for (uint32_t x = id; x != HS_NO_NODE;
         x = hs_dominators_idom(v->in->d, x)) {
        if (nn < CHAIN_NEAR) {
            near[nn++] = x;
        }
        top = x;
        total++;
    }
    hs_buf_addf(v->b, "<h3>Dominators</h3>\n<div class=\"dom-tree\" "
                      "data-n=\"%zu\">\n", total);
    if (total > nn) {
        hs_buf_adds(v->b, "<details open><summary>");
        add_dominator(v, top);
        hs_buf_adds(v->b, "</summary>\n");
        open++;
        if (total > nn + 1) {
            hs_buf_addf(v->b, "<p class=\"muted gap\">&hellip; %zu "
                              "dominators left out &hellip;</p>\n",
                        total - nn - 1);
        }
    }
    for (size_t i = nn; i-- > 0 && !v->b->failed;) {
        if (i == 0) {
            hs_buf_adds(v->b, "<div class=\"dom-leaf\">");
            add_dominator(v, near[i]);
            hs_buf_adds(v->b, "</div>\n");
            break;
        }
        hs_buf_adds(v->b, "<details open><summary>");
        add_dominator(v, near[i]);
        hs_buf_adds(v->b, "</summary>\n");
        open++;
    }
    while (open--) {
        hs_buf_adds(v->b, "</details>");
    }
    hs_buf_adds(v->b, "\n</div>\n");
}

/* The view of object id; box is its map box index, or -1. */
static void
add_view(views *v, uint32_t id, long box)
{
    const hs_graph *g = v->in->g;
    size_t len;
    const char *type = hs_node_type(g, id, &len);
    hs_buf_addf(v->b, "<div class=\"alive\" data-k=\"%zu\"", v->next_k++);
    if (box >= 0) {
        hs_buf_addf(v->b, " data-b=\"%ld\"", box);
    }
    hs_buf_adds(v->b, ">\n<p class=\"alive-what\"><b>");
    hs_buf_add_html(v->b, type, len);
    hs_buf_addf(v->b, " %llu</b> ", (unsigned long long)hs_node_address(g,
                                                                        id));
    add_retained(v, id);
    hs_buf_adds(v->b, "<br>");
    add_owned(v->b, hs_node_repr(g, id, 0, PREVIEW, NULL));
    hs_buf_adds(v->b, "</p>\n");
    add_paths(v, id);
    add_chain(v, id);
    hs_buf_adds(v->b, "</div>\n");
}

/* MARK: the store */

/* The map box of object id, or -1. */
static long
box_of(const hs_alive_input *in, uint32_t id)
{
    for (size_t i = 0; i < in->nboxes; i++) {
        if (in->boxes[i].id == id) {
            return (long)i;
        }
    }
    return -1;
}

static bool
is_suspect(const hs_alive_input *in, uint32_t id)
{
    for (size_t i = 0; i < in->nsuspects; i++) {
        if (in->suspects[i] == id) {
            return true;
        }
    }
    return false;
}

/* The boxes' views, row by row from the top, until the budget is spent;
 * a box whose object is a suspect has its view already. *left gets the
 * boxes left without one. */
static void
add_box_views(views *v, size_t start, size_t *left)
{
    const hs_alive_input *in = v->in;
    size_t budget = in->budget ? in->budget : HS_ALIVE_BUDGET;
    for (uint32_t depth = 0; depth < HS_MAP_MAX_DEPTH; depth++) {
        for (size_t i = 0; i < in->nboxes && !v->b->failed; i++) {
            const hs_map_box *box = &in->boxes[i];
            if (box->depth != depth || box->id == HS_NO_NODE
                || is_suspect(in, box->id)) {
                continue;
            }
            if (v->b->len - start >= budget) {
                (*left)++;
                continue;
            }
            add_view(v, box->id, (long)i);
        }
    }
}

int
hs_report_retainers(hs_buf *b, const hs_alive_input *in, hs_error *err)
{
    views v = {in, b, NULL, 0};
    size_t start, left = 0;
    if (!(v.finder = hs_path_finder_new(in->g, NULL, err))) {
        return err ? err->code : HS_ENOMEM;
    }
    hs_buf_adds(b, "<div id=\"alive-views\" hidden>\n");
    for (size_t i = 0; i < in->nsuspects && !b->failed; i++) {
        add_view(&v, in->suspects[i], box_of(in, in->suspects[i]));
    }
    start = b->len;
    add_box_views(&v, start, &left);
    hs_buf_adds(b, "</div>\n");
    if (left) {
        size_t objects = 0;
        for (size_t i = 0; i < in->nboxes; i++) {
            objects += in->boxes[i].id != HS_NO_NODE;
        }
        hs_buf_addf(b, "<p class=\"note\" id=\"alive-cut\">The page keeps "
                       "what keeps the map's boxes alive up to %zu KiB, rows "
                       "from the top: %zu of the %zu boxes of objects have "
                       "it (`heapscope path` and `heapscope dominators` give "
                       "it for any object).</p>\n",
                    (in->budget ? in->budget : HS_ALIVE_BUDGET) / 1024,
                    objects - left, objects);
    }
    hs_buf_addf(b, "<dialog id=\"alive-dialog\" "
                   "aria-labelledby=\"alive-title\"><div class=\"alive-bar\">"
                   "<h2 id=\"alive-title\">What keeps it alive</h2>"
                   "<button type=\"button\" id=\"alive-close\">close"
                   "</button></div>\n<p class=\"note\">Paths from a root: "
                   "the shortest from distinct roots (modules, objects "
                   "nothing refers to), shortest first, as `heapscope path "
                   "--max %d` finds them; the page keeps at most %d an "
                   "object, the first %d and last %d steps of a longer "
                   "path. Dominators: from the root down to the object, as "
                   "`heapscope dominators` lists them; every path from a "
                   "root passes through each, so each keeps alive "
                   "everything inside it (at most the root and the %d "
                   "nearest the object are kept).</p>\n"
                   "<div id=\"alive-body\"></div></dialog>\n",
                HS_ALIVE_PATHS, HS_ALIVE_PATHS, STEPS_END, STEPS_END,
                CHAIN_NEAR);
    hs_path_finder_free(v.finder);
    if (b->failed) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return HS_OK;
}
