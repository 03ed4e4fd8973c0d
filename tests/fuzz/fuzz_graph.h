/*
 * fuzz_graph.h - what the graph targets (fuzz_load, fuzz_index) ask of a
 * graph once they have one: the questions the commands ask, so that a
 * graph that is not what the accessors assume (a crafted index, an odd
 * dump) is caught by the sanitizers here rather than in a user's report.
 *
 * fuzz_explore runs meliae's remove_expensive_references, the summary
 * and its table, then per live object (the first few hundred) checks
 * what its address finds and asks for its JSON record, repr,
 * refs as a dict and as a list and ref labels; from the first few
 * objects a walk, a total size, a path search and a neighbourhood drawn
 * as DOT. The work stays linear in the input, so libFuzzer's timeouts
 * mean a real hang.
 */
#ifndef HS_FUZZ_GRAPH_H
#define HS_FUZZ_GRAPH_H

#include <heapscope.h>
#include <stdint.h>
#include <stdlib.h>

#define FUZZ_MAX_NODES 256 /* objects examined one by one */
#define FUZZ_MAX_WALKS 8   /* objects walked from */

static inline void
fuzz_node_views(const hs_graph *g, uint32_t id)
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

static inline void
fuzz_walks(const hs_graph *g, uint32_t id)
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

static inline void
fuzz_summary(const hs_graph *g)
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

/* strict: every live object's address must find it again (a loaded
 * graph). Otherwise (a crafted index, whose address index the reader does
 * not cross-check against the address array) a lookup may miss, but what
 * it finds must be a live object at that address. */
static inline void
fuzz_explore(hs_graph *g, int strict)
{
    uint32_t seen = 0, walked = 0, found;
    hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT, NULL);
    fuzz_summary(g);
    for (uint32_t id = 0; id < hs_graph_capacity(g) && seen < FUZZ_MAX_NODES;
         id++) {
        if (!hs_node_exists(g, id)) {
            continue;
        }
        seen++;
        found = hs_graph_find(g, hs_node_address(g, id));
        if (strict ? found != id
                   : found != HS_NO_NODE
                         && (!hs_node_exists(g, found)
                             || hs_node_address(g, found)
                                    != hs_node_address(g, id))) {
            abort(); /* an address must lead back to its object */
        }
        fuzz_node_views(g, id);
        if (walked < FUZZ_MAX_WALKS) {
            walked++;
            fuzz_walks(g, id);
        }
    }
}

#endif
