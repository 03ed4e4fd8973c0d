/*
 * fuzz_diff.c - two dumps compared: diff, its new objects, and growth
 * over the pair with its sparklines and SVG chart.
 *
 * The input is OLD, a line "%%", then NEW (no separator: NEW is empty).
 * Both load with bad lines skipped, so most mutations reach the diff.
 */
#include "fuzz_util.h"

static void
diff(const hs_graph *old_graph, const hs_graph *new_graph)
{
    hs_diff *d = hs_diff_new(old_graph, new_graph, NULL);
    uint32_t *ids = NULL;
    size_t n = 0;
    if (!d) {
        return;
    }
    for (size_t i = 0; i < hs_diff_types(d); i++) {
        const hs_diff_type *t = hs_diff_type_at(d, i);
        if (i < 3 && hs_diff_new_objects(d, t->type, t->type_len, &ids, &n,
                                         NULL) == HS_OK) {
            hs_free(ids);
        }
    }
    hs_diff_total(d);
    for (uint32_t id = 0; id < hs_graph_capacity(new_graph); id++) {
        hs_diff_is_new(d, id);
    }
    for (uint32_t id = 0; id < hs_graph_capacity(old_graph); id++) {
        hs_diff_is_gone(d, id);
    }
    if (hs_diff_new_objects(d, NULL, 0, &ids, &n, NULL) == HS_OK) {
        hs_free(ids);
    }
    hs_diff_free(d);
}

static void
growth(const hs_graph *old_graph, const hs_graph *new_graph)
{
    hs_growth *gr = hs_growth_new(NULL);
    if (!gr) {
        return;
    }
    if (hs_growth_add(gr, old_graph, 0, NULL) == HS_OK
        && hs_growth_add(gr, new_graph, 60, NULL) == HS_OK) {
        hs_growth_set_time(gr, 1, 30);
        for (size_t i = 0; i < hs_growth_types(gr) && i < 4; i++) {
            hs_growth_type_at(gr, i);
            hs_free(hs_growth_sparkline(gr, i, NULL));
        }
        hs_free(hs_growth_svg(gr, 5, "seconds <&\">", NULL));
    }
    hs_growth_free(gr);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t old_size, skip;
    hs_graph *old_graph, *new_graph;
    fuzz_split(data, size, &old_size, &skip);
    old_graph = fuzz_load(data, old_size, HS_LOAD_SKIP_BAD_LINES);
    new_graph = fuzz_load(data + skip, size - skip, HS_LOAD_SKIP_BAD_LINES);
    if (old_graph && new_graph) {
        diff(old_graph, new_graph);
        growth(old_graph, new_graph);
    }
    hs_graph_free(old_graph);
    hs_graph_free(new_graph);
    return 0;
}
