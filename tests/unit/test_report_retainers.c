/*
 * test_report_retainers.c - the report's retainers views
 * (lib/export/hs_report_retainers.c) and the path finder they search
 * with (lib/analysis/hs_paths.h).
 *
 * The finder must give hs_paths_find's answer for every object, one
 * search after another on the same state (a node left marked by an
 * earlier search would hide a path); its cap must stop a search and say
 * so. The views: one per suspect and per object box, the boxes' after
 * the suspects and row by row, none for merged boxes, dump text escaped,
 * the dominators nested root outermost, the byte budget cutting boxes
 * (never suspects) with a note that says how many, and a long path cut in
 * its middle with true step numbers after the gap.
 */
#include "hs_test_graph.h"

#include <heapscope.h>

#include "analysis/hs_paths.h"
#include "export/hs_report_retainers.h"
#include "util/hs_buf.h"

/* Two modules, a cycle, a node reached from both, a garbage cycle. */
static const char web[] =
    "{\"address\": 1, \"type\": \"module\", \"size\": 1, \"name\": \"a\", "
    "\"refs\": [3, 4]}\n"
    "{\"address\": 2, \"type\": \"module\", \"size\": 1, \"name\": \"b\", "
    "\"refs\": [5]}\n"
    "{\"address\": 3, \"type\": \"list\", \"size\": 10, \"refs\": [4, 6]}\n"
    "{\"address\": 4, \"type\": \"list\", \"size\": 10, \"refs\": [3, 7]}\n"
    "{\"address\": 5, \"type\": \"list\", \"size\": 10, \"refs\": [7]}\n"
    "{\"address\": 6, \"type\": \"list\", \"size\": 10, \"refs\": [7]}\n"
    "{\"address\": 7, \"type\": \"list\", \"size\": 10, \"refs\": [8]}\n"
    "{\"address\": 8, \"type\": \"dict\", \"size\": 10, \"refs\": []}\n"
    "{\"address\": 9, \"type\": \"list\", \"size\": 10, \"refs\": [10]}\n"
    "{\"address\": 10, \"type\": \"list\", \"size\": 10, \"refs\": [9]}\n"
    "{\"address\": 11, \"type\": \"str\", \"size\": 10, \"refs\": [8]}\n";

static bool
same_paths(const hs_paths *a, const hs_paths *b)
{
    if (hs_paths_count(a) != hs_paths_count(b)) {
        return false;
    }
    for (size_t i = 0; i < hs_paths_count(a); i++) {
        size_t la, lb;
        const uint32_t *pa = hs_paths_at(a, i, &la);
        const uint32_t *pb = hs_paths_at(b, i, &lb);
        if (la != lb || memcmp(pa, pb, la * sizeof(*pa)) != 0
            || strcmp(hs_paths_root_kind(a, i), hs_paths_root_kind(b, i))) {
            return false;
        }
    }
    return true;
}

static void
test_finder_agrees(void)
{
    hs_graph *g = hs_test_load_graph("web.json", web);
    hs_path_options po = {3, NULL, 0};
    hs_path_finder *f = g ? hs_path_finder_new(g, NULL, NULL) : NULL;
    if (!CHECK(f != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* Twice over, so that every search follows others. */
    for (int round = 0; round < 2; round++) {
        for (uint64_t addr = 1; addr <= 11; addr++) {
            uint32_t id = hs_graph_find(g, addr);
            hs_paths *one = hs_paths_find(g, id, &po, NULL);
            hs_paths *many = hs_path_finder_find(f, id, 3, 0, NULL);
            CHECK(one && many && same_paths(one, many));
            CHECK(many && !hs_paths_stopped(many));
            hs_paths_free(one);
            hs_paths_free(many);
        }
    }
    /* 7 is reached from both modules, 8 from them and from the str that
     * nothing refers to; 9 from none (a garbage cycle). */
    {
        hs_paths *p = hs_path_finder_find(f, hs_graph_find(g, 7), 3, 0, NULL);
        CHECK(p && hs_paths_count(p) == 2);
        hs_paths_free(p);
        p = hs_path_finder_find(f, hs_graph_find(g, 8), 3, 0, NULL);
        CHECK(p && hs_paths_count(p) == 3);
        hs_paths_free(p);
        p = hs_path_finder_find(f, hs_graph_find(g, 9), 3, 0, NULL);
        CHECK(p && hs_paths_count(p) == 0);
        hs_paths_free(p);
    }
    hs_path_finder_free(f);
    hs_graph_free(g);
}

/* A module m, a chain c1 -> ... -> c40 under it; a second module n
 * refers to c40 directly. */
static hs_graph *
chain_graph(void)
{
    hs_buf b = HS_BUF_INIT;
    hs_graph *g;
    hs_buf_adds(&b, "{\"address\": 1, \"type\": \"module\", \"size\": 1, "
                    "\"name\": \"m\", \"refs\": [100]}\n"
                    "{\"address\": 2, \"type\": \"module\", \"size\": 1, "
                    "\"name\": \"n\", \"refs\": [139]}\n");
    for (int i = 100; i < 140; i++) {
        if (i < 139) {
            hs_buf_addf(&b, "{\"address\": %d, \"type\": \"list\", "
                            "\"size\": 8, \"len\": 1, \"refs\": [%d]}\n",
                        i, i + 1);
        } else {
            hs_buf_addf(&b, "{\"address\": %d, \"type\": \"list\", "
                            "\"size\": 8, \"refs\": []}\n", i);
        }
    }
    hs_buf_addc(&b, '\0');
    g = hs_test_load_graph("chain.json", b.data);
    hs_buf_release(&b);
    return g;
}

static void
test_finder_cap(void)
{
    hs_graph *g = chain_graph();
    hs_path_finder *f = g ? hs_path_finder_new(g, NULL, NULL) : NULL;
    hs_paths *p;
    if (!CHECK(f != NULL)) {
        hs_graph_free(g);
        return;
    }
    /* Uncapped: n at one step, m at forty. */
    p = hs_path_finder_find(f, hs_graph_find(g, 139), 3, 0, NULL);
    CHECK(p && hs_paths_count(p) == 2 && !hs_paths_stopped(p));
    hs_paths_free(p);
    /* Capped at 5 objects: n only, and the search says it stopped. */
    p = hs_path_finder_find(f, hs_graph_find(g, 139), 3, 5, NULL);
    CHECK(p && hs_paths_count(p) == 1 && hs_paths_stopped(p));
    CHECK(p && hs_paths_visited(p) < 10);
    hs_paths_free(p);
    /* And the next search is whole again. */
    p = hs_path_finder_find(f, hs_graph_find(g, 139), 3, 0, NULL);
    CHECK(p && hs_paths_count(p) == 2);
    hs_paths_free(p);
    hs_path_finder_free(f);
    hs_graph_free(g);
}

static void
test_long_path_steps(void)
{
    hs_graph *g = chain_graph();
    hs_path_options po = {1, NULL, 0};
    hs_paths *p = g ? hs_paths_find(g, hs_graph_find(g, 138), &po, NULL)
                    : NULL;
    hs_buf b = HS_BUF_INIT;
    size_t len;
    const uint32_t *nodes;
    if (!CHECK(p != NULL && hs_paths_count(p) == 1)) {
        hs_paths_free(p);
        hs_graph_free(g);
        return;
    }
    nodes = hs_paths_at(p, 0, &len);
    CHECK_EQ_U64(len, 40);            /* m, c100 ... c138: 39 steps */
    hs_report_steps(&b, g, nodes, len);
    hs_buf_addc(&b, '\0');
    CHECK(strstr(b.data, "&hellip; 15 steps left out &hellip;") != NULL);
    /* 1 root + 12 steps + the gap; the next step is step 28 of 39,
     * item 29. */
    CHECK(strstr(b.data, "<li value=\"29\">") != NULL);
    CHECK(strstr(b.data, "list(138 ") != NULL);
    CHECK(strstr(b.data, "list(112 ") == NULL);   /* in the gap */
    hs_buf_release(&b);
    hs_paths_free(p);
    hs_graph_free(g);
}

/* __main__ -> Holder (a hostile type name) -> list -> two str; the
 * list is the suspect. */
static const char held[] =
    "{\"address\": 1, \"type\": \"module\", \"size\": 1, "
    "\"name\": \"__main__\", \"refs\": [2]}\n"
    "{\"address\": 2, \"type\": \"<b>Holder</b>\", \"size\": 100, "
    "\"refs\": [3]}\n"
    "{\"address\": 3, \"type\": \"list\", \"size\": 50, \"len\": 2, "
    "\"refs\": [4, 5]}\n"
    "{\"address\": 4, \"type\": \"str\", \"size\": 10, \"len\": 17, "
    "\"value\": \"<script>x</script>\", \"refs\": []}\n"
    "{\"address\": 5, \"type\": \"str\", \"size\": 10, \"len\": 1, "
    "\"value\": \"y\", \"refs\": []}\n";

static size_t
count(const char *s, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(s, what); p; p = strstr(p + 1, what)) {
        n++;
    }
    return n;
}

static void
test_views(void)
{
    hs_graph *g = hs_test_load_graph("held.json", held);
    hs_dominators *d = g ? hs_dominators_new(g, NULL) : NULL;
    hs_buf b = HS_BUF_INIT;
    uint32_t suspects[2];
    hs_map_box boxes[4];
    hs_alive_input in;
    if (!CHECK(d != NULL)) {
        hs_graph_free(g);
        return;
    }
    suspects[0] = hs_graph_find(g, 3);
    suspects[1] = hs_graph_find(g, 4);   /* a hostile value */
    boxes[0] = (hs_map_box){hs_graph_find(g, 1), 0};
    boxes[1] = (hs_map_box){hs_graph_find(g, 2), 1};
    boxes[2] = (hs_map_box){suspects[0], 2};
    boxes[3] = (hs_map_box){HS_NO_NODE, 3};
    in = (hs_alive_input){g, d, suspects, 2, boxes, 4, 0};
    CHECK_EQ_I64(hs_report_retainers(&b, &in, NULL), HS_OK);
    hs_buf_addc(&b, '\0');
    /* The suspects first, the first with its box; then the boxes row by
     * row. */
    CHECK(strstr(b.data, "<div class=\"alive\" data-k=\"0\" data-b=\"2\">"));
    CHECK(strstr(b.data, "<div class=\"alive\" data-k=\"1\">"));
    CHECK(strstr(b.data, "<div class=\"alive\" data-k=\"2\" data-b=\"0\">"));
    CHECK(strstr(b.data, "<div class=\"alive\" data-k=\"3\" data-b=\"1\">"));
    CHECK_EQ_U64(count(b.data, "<div class=\"alive\""), 4);
    CHECK(strstr(b.data, "data-b=\"3\"") == NULL);
    CHECK(strstr(b.data, "id=\"alive-cut\"") == NULL);
    /* Escaped, never raw. */
    CHECK(strstr(b.data, "&lt;b&gt;Holder&lt;/b&gt;") != NULL);
    CHECK(strstr(b.data, "<b>Holder") == NULL);
    CHECK(strstr(b.data, "&lt;script&gt;x&lt;/script&gt;") != NULL);
    CHECK(strstr(b.data, "<script") == NULL);
    /* The path, and the root's own view. */
    CHECK(strstr(b.data, "<summary>__main__.") != NULL);
    CHECK(strstr(b.data, "It is a root itself (module).") != NULL);
    /* The suspect's dominators: __main__ > Holder > the list. */
    CHECK(strstr(b.data, "<div class=\"dom-tree\" data-n=\"3\">\n"
                         "<details open><summary><span class=\"muted\">"
                         "root (module)</span> module(1 ") != NULL);
    CHECK_EQ_U64(count(b.data, "<details"), count(b.data, "</details>"));
    CHECK_EQ_U64(count(b.data, "<div"), count(b.data, "</div>"));
    /* A budget of one byte: the suspects' views, the first box's, and a
     * note naming what is left out. */
    hs_buf_clear(&b);
    in.budget = 1;
    CHECK_EQ_I64(hs_report_retainers(&b, &in, NULL), HS_OK);
    hs_buf_addc(&b, '\0');
    CHECK_EQ_U64(count(b.data, "<div class=\"alive\""), 3);
    CHECK(strstr(b.data, "data-k=\"2\" data-b=\"0\"") != NULL);
    CHECK(strstr(b.data, ": 2 of the 3 boxes of objects have it") != NULL);
    hs_buf_release(&b);
    hs_dominators_free(d);
    hs_graph_free(g);
}

/* An object no root reaches: its view says it is garbage, and claims
 * no path. */
static void
test_view_of_garbage(void)
{
    hs_graph *g = hs_test_load_graph("web.json", web);
    hs_dominators *d = g ? hs_dominators_new(g, NULL) : NULL;
    hs_buf b = HS_BUF_INIT;
    hs_map_box box;
    hs_alive_input in;
    if (!CHECK(d != NULL)) {
        hs_graph_free(g);
        return;
    }
    box = (hs_map_box){hs_graph_find(g, 10), 0};
    in = (hs_alive_input){g, d, NULL, 0, &box, 1, 0};
    CHECK_EQ_I64(hs_report_retainers(&b, &in, NULL), HS_OK);
    hs_buf_addc(&b, '\0');
    CHECK(strstr(b.data, "No root reaches it: garbage held only by a "
                         "cycle.") != NULL);
    CHECK(strstr(b.data, "found") == NULL);
    CHECK(strstr(b.data, "<ol class=\"alive-paths\">\n</ol>") != NULL);
    CHECK(strstr(b.data, "root (unreached)") != NULL);
    hs_buf_release(&b);
    hs_dominators_free(d);
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_finder_agrees);
    RUN(test_finder_cap);
    RUN(test_long_path_steps);
    RUN(test_views);
    RUN(test_view_of_garbage);
    return hs_test_end();
}
