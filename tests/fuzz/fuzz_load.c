/*
 * fuzz_load.c - a whole dump: read, graph build, meliae's passes, and
 * what the commands then ask of the graph.
 *
 * The load skips bad lines (else one mutated byte ends most runs at the
 * first line); odd-sized inputs also load without collapse, so both
 * shapes of graph are explored, and sizes divisible by 3 drop the
 * address index, which the lookups below then rebuild. Every live
 * object's address must find the object again. Then remove_expensive_references, the
 * summary and its table, and per object (the first few hundred) its
 * JSON record, repr, refs as a dict and as a list, and ref labels; from
 * the first few objects a walk, a total size, a path search and a
 * neighbourhood drawn as DOT. The work stays linear in the input, so
 * libFuzzer's timeouts mean a real hang.
 */
#include "fuzz_util.h"

#include <stdlib.h>

#define MAX_NODES 256 /* objects examined one by one */
#define MAX_WALKS 8   /* objects walked from */

static void
node_views(const hs_graph *g, uint32_t id)
{
    hs_ref_item *items = NULL;
    hs_literal *lits = NULL;
    size_t n = 0;
    uint64_t nchildren = 0;
    hs_free(hs_node_to_json(g, id, NULL));
    hs_free(hs_node_repr(g, id, 1000, 12, NULL));
    if (hs_node_refs_as_dict(g, id, &items, &n, NULL) == HS_OK) {
        for (size_t i = 0; i < n && i < 4; i++) {
            hs_free(hs_literal_format(g, &items[i].key, 8, NULL));
            hs_free(hs_literal_format(g, &items[i].value, 0, NULL));
        }
        hs_free(items);
    }
    hs_free(hs_node_refs_dict_format(g, id, 8, NULL));
    if (hs_node_refs_as_list(g, id, &lits, &n, NULL) == HS_OK) {
        hs_free(lits);
    }
    hs_node_children(g, id, &nchildren);
    for (uint64_t k = 0; k < nchildren && k < 4; k++) {
        hs_free(hs_node_ref_label(g, id, k, 6, NULL));
    }
}

static void
walks(const hs_graph *g, uint32_t id)
{
    static const char *const excluded[] = {"frame"};
    hs_path_options po = {3, excluded, 1};
    hs_near_options no = {HS_NEAR_PARENTS | HS_NEAR_CHILDREN, 2, 20};
    uint32_t *ids = NULL;
    size_t n = 0;
    uint64_t total, objects;
    hs_paths *p;
    hs_neighbourhood *nb;
    size_t type_len;
    const char *type = hs_node_type(g, id, &type_len);
    if (hs_node_walk(g, id, NULL, 0, &ids, &n, NULL) == HS_OK) {
        hs_free(ids);
    }
    hs_node_total_size(g, id, NULL, 0, &total, &objects, NULL);
    if (hs_node_all(g, id, type, type_len, NULL, 0, &ids, &n, NULL) == 0) {
        hs_free(ids);
    }
    p = hs_paths_find(g, id, &po, NULL);
    for (size_t i = 0; p && i < hs_paths_count(p); i++) {
        hs_paths_at(p, i, &n);
        hs_paths_root_kind(p, i);
    }
    hs_paths_free(p);
    nb = hs_neighbourhood_new(g, id, &no, NULL);
    if (nb) {
        hs_free(hs_neighbourhood_dot(nb, NULL));
    }
    hs_neighbourhood_free(nb);
}

static void
summary(const hs_graph *g)
{
    hs_summary *s = hs_summary_new(g, NULL);
    if (!s) {
        return;
    }
    hs_free(hs_summary_format(s, 20, NULL));
    if (hs_summary_types(s) > 0) {
        hs_free(hs_type_stat_format(hs_summary_at(s, 0), NULL));
    }
    hs_summary_sort(s, HS_ORDER_BY_COUNT);
    hs_summary_free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_load_flags flags = HS_LOAD_SKIP_BAD_LINES;
    hs_graph *g;
    uint32_t seen = 0, walked = 0;
    if (size & 1) {
        flags |= HS_LOAD_NO_COLLAPSE;
    }
    if (size % 3 == 0) {
        flags |= HS_LOAD_NO_INDEX; /* hs_graph_find rebuilds it */
    }
    g = fuzz_load(data, size, flags);
    if (!g) {
        return 0;
    }
    hs_graph_guess_intern_dict(g);
    hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT, NULL);
    summary(g);
    for (uint32_t id = 0; id < hs_graph_capacity(g) && seen < MAX_NODES;
         id++) {
        if (!hs_node_exists(g, id)) {
            continue;
        }
        seen++;
        if (hs_graph_find(g, hs_node_address(g, id)) != id) {
            abort(); /* a live object's address must lead back to it */
        }
        node_views(g, id);
        if (walked < MAX_WALKS) {
            walked++;
            walks(g, id);
        }
    }
    hs_graph_free(g);
    return 0;
}
