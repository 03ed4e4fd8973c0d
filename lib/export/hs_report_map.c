/*
 * hs_report_map.c - the report's retained-size map: the dominator tree of
 * the last dump drawn as an icicle.
 *
 * A table of the top retainers says which objects keep the most memory;
 * it does not show where inside them it sits. The map does: the whole
 * heap is the top row, each object a box as wide as what it retains
 * (itself and everything only it keeps alive, hs_retained), under the
 * object that retains it (its immediate dominator), children largest
 * first from the left. A box is wider than its children together by its
 * own size and by what its small children retain.
 *
 * The page must stay light for a dump of millions of objects, so only
 * objects retaining at least HS_MAP_FLOOR_PPM millionths of the heap get
 * a box; the rest of a parent's children become one "N smaller objects"
 * box when together they reach the floor, and nothing deeper than
 * HS_MAP_MAX_DEPTH rows or past HS_MAP_MAX_BOXES boxes is drawn (those
 * children are merged the same way). Boxes are placed here, in millionths
 * of the heap, and written as SVG with their extent in data attributes;
 * the page's script only moves them (zoom) and re-cuts labels it reads
 * back as text.
 *
 * With a first dump, each box is coloured by how its retained size
 * changed since then: new (the object is not in the first dump, by
 * hs_same_object's rule), grew (three shades by the share of its
 * retained size that is growth), shrank, or unchanged; the leak
 * suspects' owners are outlined.
 *
 * NOTE: about trust, as in hs_report.c: every string from the dump goes
 * through hs_buf_add_html, attribute values are numbers formatted here or
 * escaped text, and nothing from the dump reaches the script.
 */
#include "hs_report_map.h"

#include "../analysis/hs_match.h"
#include "../graph/hs_graph_internal.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "hs_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ROW 22          /* px per row in the SVG */
#define WIDTH 1000.0    /* the SVG's width in its own units */
#define CHAR_PX 7.0     /* a label character's width, about */
#define LABEL_KEY 40    /* bytes of a dict key in an edge label */
#define REPR_MAX 120    /* bytes of a value in a hover's repr */

typedef struct map {
    const hs_map_input *in;
    hs_buf *b;
    hs_domtree *t;
    uint64_t total;
    uint64_t floor;
    size_t boxes;
    size_t depth;       /* deepest row drawn */
    hs_buf label;
    int failed;
    hs_map_box *out;    /* what each box is, by index */
    size_t out_alloc;
} map;

/* MARK: colours */

/* What the first dump says of object id: HS_NO_NODE when there is no
 * first dump or id is not in it, else its counterpart there (one
 * look-up per box, shared by its colour and its hover text). */
static uint32_t
in_first(const map *m, uint32_t id)
{
    const hs_map_input *in = m->in;
    return in->first && in->first_d ? hs_match_one(in->first, in->g, id)
                                    : HS_NO_NODE;
}

static const char *
growth_class(const map *m, uint32_t id, uint32_t o)
{
    const hs_map_input *in = m->in;
    uint64_t now = hs_dominators_retained_size(in->d, id), then;
    if (!in->first || !in->first_d) {
        return "plain";
    }
    if (o == HS_NO_NODE) {
        return "gnew";
    }
    then = hs_dominators_retained_size(in->first_d, o);
    if (now > then) {
        uint64_t grew = now - then;
        return grew * 2 >= now ? "gup3" : grew * 10 >= now ? "gup2" : "gup1";
    }
    return now < then ? "gdown" : "gflat";
}

static void
add_growth_line(const map *m, uint32_t id, uint32_t o)
{
    const hs_map_input *in = m->in;
    uint64_t now = hs_dominators_retained_size(in->d, id), then;
    if (!in->first || !in->first_d) {
        return;
    }
    if (o == HS_NO_NODE) {
        hs_buf_adds(m->b, "\nnot in the first dump");
        return;
    }
    then = hs_dominators_retained_size(in->first_d, o);
    hs_buf_addf(m->b, "\nretained in the first dump: %llu bytes (%s%llu)",
                (unsigned long long)then, now >= then ? "+" : "-",
                (unsigned long long)(now >= then ? now - then : then - now));
}

static bool
is_suspect(const map *m, uint32_t id)
{
    for (size_t i = 0; i < m->in->nsuspects; i++) {
        if (m->in->suspects[i] == id) {
            return true;
        }
    }
    return false;
}

/* MARK: boxes */

/* The box's label into m->label: its type, then how it hangs under its
 * dominator (".history[3]") or, for a root, its name (a module's) or
 * what makes it a root. */
static void
make_label(map *m, uint32_t id)
{
    size_t len;
    const char *type = hs_node_type(m->in->g, id, &len);
    char *edge = hs_dominators_label(m->in->d, id, LABEL_KEY, NULL);
    const char *name;
    hs_buf_clear(&m->label);
    hs_buf_add(&m->label, type, len);
    if (!edge) {
        m->failed = 1;
        return;
    }
    name = hs_node_name(m->in->g, id, &len);
    if (edge[0]) {
        hs_buf_addc(&m->label, ' ');
        hs_buf_adds(&m->label, edge);
    } else if (name) {
        hs_buf_addc(&m->label, ' ');
        hs_buf_add(&m->label, name, len);
    } else if (hs_dominators_root_kind(m->in->d, id)) {
        hs_buf_adds(&m->label, " (root: ");
        hs_buf_adds(&m->label, hs_dominators_root_kind(m->in->d, id));
        hs_buf_addc(&m->label, ')');
    }
    hs_free(edge);
}

/* Notes that box index is object id (HS_NO_NODE: merged) in row depth.
 * Boxes are numbered in the order they are drawn. */
static void
note_box(map *m, size_t index, uint32_t id, size_t depth)
{
    if (HS_GROW(m->in->g->a, m->out, index + 1, m->out_alloc) < 0) {
        m->failed = 1;
        return;
    }
    m->out[index] = (hs_map_box){id, (uint32_t)depth};
}

/* <g ...><title>, up to the title's text; the caller writes the text. */
static void
open_box(map *m, const char *cls, size_t index, long parent, size_t depth,
         uint64_t x0, uint64_t x1, uint64_t retained)
{
    hs_buf_addf(m->b,
                "<g class=\"box %s\" tabindex=\"0\" data-i=\"%zu\" "
                "data-p=\"%ld\" data-d=\"%zu\" data-x0=\"%llu\" "
                "data-x1=\"%llu\" data-r=\"%llu\" data-l=\"",
                cls, index, parent, depth, (unsigned long long)x0,
                (unsigned long long)x1, (unsigned long long)retained);
    hs_buf_add_html(m->b, m->label.data ? m->label.data : "",
                    m->label.len);
    hs_buf_adds(m->b, "\"><title>");
}

/* </title>, the rectangle and the label cut to the box's width. */
static void
close_box(map *m, size_t depth, uint64_t x0, uint64_t x1)
{
    double x = WIDTH * (double)x0 / 1e6;
    double w = WIDTH * (double)(x1 - x0) / 1e6;
    size_t fit = w > 6 ? (size_t)((w - 6) / CHAR_PX) : 0;
    hs_buf_addf(m->b, "</title><rect x=\"%.3f\" y=\"%zu\" width=\"%.3f\" "
                      "height=\"%d\"></rect>",
                x, depth * ROW, w > 1 ? w - 1 : w, ROW - 2);
    if (fit >= 3) {
        size_t n = m->label.len < fit ? m->label.len : fit;
        /* Cut on a UTF-8 character boundary. */
        while (n < m->label.len && n > 0
               && ((unsigned char)m->label.data[n] & 0xC0) == 0x80) {
            n--;
        }
        hs_buf_addf(m->b, "<text x=\"%.3f\" y=\"%zu\">", x + 3,
                    depth * ROW + 15);
        hs_buf_add_html(m->b, m->label.data, n);
        hs_buf_adds(m->b, "</text>");
    }
    hs_buf_adds(m->b, "</g>\n");
}

static uint64_t
ppm(const map *m, uint64_t bytes)
{
    long double f = (long double)bytes * 1e6L / (long double)m->total;
    return f > 1e6L ? 1000000 : (uint64_t)(f + 0.5L);
}

static void
add_object_box(map *m, uint32_t id, size_t index, long parent, size_t depth,
               uint64_t x0, uint64_t x1)
{
    const hs_graph *g = m->in->g;
    uint64_t retained = hs_dominators_retained_size(m->in->d, id);
    char cls[32];
    char *repr;
    bool suspect = is_suspect(m, id);
    uint32_t first = in_first(m, id);
    snprintf(cls, sizeof(cls), "%s%s", growth_class(m, id, first),
             suspect ? " suspect" : "");
    note_box(m, index, id, depth);
    make_label(m, id);
    open_box(m, cls, index, parent, depth, x0, x1, retained);
    hs_buf_add_html(m->b, m->label.data ? m->label.data : "", m->label.len);
    hs_buf_addf(m->b, "\nat %llu, %llu bytes itself\nretains %llu bytes "
                      "(%.2f %% of the heap) in %llu objects",
                (unsigned long long)hs_node_address(g, id),
                (unsigned long long)hs_node_size(g, id),
                (unsigned long long)retained,
                100.0 * (double)retained / (double)m->total,
                (unsigned long long)hs_dominators_retained_count(m->in->d,
                                                                 id));
    add_growth_line(m, id, first);
    if (suspect) {
        hs_buf_adds(m->b, "\na leak suspect (see the suspects above)");
    }
    repr = hs_node_repr(g, id, 0, REPR_MAX, NULL);
    if (repr) {
        hs_buf_addc(m->b, '\n');
        hs_buf_add_html(m->b, repr, strlen(repr));
        hs_free(repr);
    } else {
        m->failed = 1;
    }
    close_box(m, depth, x0, x1);
}

static void
add_merged_box(map *m, size_t count, uint64_t bytes, size_t index,
               long parent, size_t depth, uint64_t x0, uint64_t x1)
{
    hs_buf_clear(&m->label);
    hs_buf_addf(&m->label, "%zu smaller object%s", count,
                count == 1 ? "" : "s");
    note_box(m, index, HS_NO_NODE, depth);
    open_box(m, "gmerged", index, parent, depth, x0, x1, bytes);
    hs_buf_addf(m->b, "%s\nretaining %llu bytes together (%.2f %% of the "
                      "heap); each is under the map's floor or below its "
                      "last row",
                m->label.data ? m->label.data : "", (unsigned long long)bytes,
                100.0 * (double)bytes / (double)m->total);
    close_box(m, depth, x0, x1);
}

/* Draws the children of id (HS_NO_NODE: the roots) in row depth, from x0
 * millionths on, and their subtrees; parent is id's box index (-1: the
 * whole heap). */
static void
add_children(map *m, uint32_t id, long parent, size_t depth, uint64_t x0,
             uint64_t limit)
{
    size_t n, merged = 0;
    /* Largest first: hs_domtree's order. */
    const uint32_t *kids = hs_domtree_children(m->t, id, &n);
    uint64_t bytes = 0, at = x0;
    if (n == 0 || m->failed) {
        return;
    }
    for (size_t i = 0; i < n && !m->failed; i++) {
        uint64_t end, retained = hs_dominators_retained_size(m->in->d,
                                                             kids[i]);
        size_t index;
        if (retained < m->floor || depth >= HS_MAP_MAX_DEPTH
            || m->boxes >= HS_MAP_MAX_BOXES) {
            merged++;
            bytes += retained;
            continue;
        }
        end = at + ppm(m, retained);
        end = end > limit ? limit : end;
        index = m->boxes++;
        if (depth > m->depth) {
            m->depth = depth;
        }
        add_object_box(m, kids[i], index, parent, depth, at, end);
        add_children(m, kids[i], (long)index, depth + 1, at, end);
        at = end;
    }
    if (merged && bytes >= m->floor && !m->failed) {
        uint64_t end = at + ppm(m, bytes);
        end = end > limit ? limit : end;
        if (depth > m->depth) {
            m->depth = depth;
        }
        add_merged_box(m, merged, bytes, m->boxes++, parent, depth, at, end);
    }
}

/* MARK: the section */

static void
add_legend(map *m)
{
    hs_buf_adds(m->b, "<p class=\"note\">The dominator tree of the last "
                      "dump: each box is an object, as wide as the memory "
                      "it retains (itself and everything only it keeps "
                      "alive), under the object that retains it. Objects "
                      "retaining less than 0.25 % of the heap are merged "
                      "into one box per parent. Click a box to zoom in, "
                      "the path above the map to go back; hover a box for "
                      "its details. Once a box is zoomed, the button under "
                      "the path shows what keeps it alive: its shortest "
                      "paths from a root and its chain of dominators.</p>\n");
    if (!m->in->first || !m->in->first_d) {
        return;
    }
    hs_buf_adds(m->b,
                "<p class=\"legend\">Retained size since the first dump: "
                "<span class=\"key gnew\"></span> new object "
                "<span class=\"key gup3\"></span> grew, by half of it or "
                "more <span class=\"key gup2\"></span> by a tenth or more "
                "<span class=\"key gup1\"></span> by less "
                "<span class=\"key gflat\"></span> unchanged "
                "<span class=\"key gdown\"></span> shrank "
                "<span class=\"key gmerged\"></span> smaller objects "
                "merged; a leak suspect is outlined.</p>\n");
}

int
hs_report_map(hs_buf *b, const hs_map_input *in, hs_map_box **boxes,
              size_t *nboxes, hs_error *err)
{
    map m = {in, b, NULL, hs_dominators_total_size(in->d), 0, 0, 0,
             HS_BUF_INIT, 0, NULL, 0};
    size_t svg_at;
    m.t = hs_domtree_new(in->d, err);
    if (!m.t) {
        return err ? err->code : HS_ENOMEM;
    }
    m.floor = m.total / 1000000 * HS_MAP_FLOOR_PPM
              + m.total % 1000000 * HS_MAP_FLOOR_PPM / 1000000;
    if (m.floor == 0) {
        m.floor = 1;
    }
    hs_buf_adds(b, "<section id=\"map\">\n<h2>Memory map</h2>\n");
    add_legend(&m);
    hs_buf_adds(b, "<nav id=\"map-crumbs\" class=\"crumbs\" "
                   "aria-label=\"zoom\"></nav>\n"
                   "<p class=\"crumbs\"><button type=\"button\" "
                   "id=\"map-alive\" hidden></button></p>\n");
    svg_at = b->len;
    hs_buf_adds(b, "<svg id=\"map-svg\" xmlns=\"http://www.w3.org/2000/svg\" "
                   "viewBox=\"0 0 1000 @@@@@@\" role=\"img\" "
                   "aria-label=\"retained-size map\">\n");
    if (m.total) {
        add_children(&m, HS_NO_NODE, -1, 0, 0, 1000000);
    }
    hs_buf_adds(b, "</svg>\n");
    /* The height is known once the rows are drawn: patch it in place (the
     * placeholder has room for six digits). */
    if (!b->failed) {
        char h[8];
        char *at = strstr(b->data + svg_at, "@@@@@@");
        snprintf(h, sizeof(h), "%-6zu", (m.depth + 1) * ROW);
        memcpy(at, h, 6);
    }
    hs_buf_release(&m.label);
    hs_domtree_free(m.t);
    if (m.failed || b->failed) {
        hs_mfree(in->g->a, m.out);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    *boxes = m.out;
    *nboxes = m.boxes;
    return HS_OK;
}
