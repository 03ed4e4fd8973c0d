/*
 * hs_intern.c - guess_intern_dict (docs/format.md §4.5).
 *
 * Python 2 keeps interned strings in a dict mapping each string to itself.
 * The guess: the first dict (in file order) with refs and no parents whose
 * every pair of refs is one str record twice. meliae raises on odd counts
 * and missing children; here those just reject the candidate. On Python 3
 * the intern table is not a GC object, so nothing matches.
 */
#include "../graph/hs_graph_internal.h"

static bool
is_intern_dict(const hs_graph *g, uint32_t id, uint32_t t_str)
{
    const uint32_t *t = g->children.targets;
    uint64_t b, e;
    hs_csr_range(&g->children, id, &b, &e);
    if (e == b || (e - b) % 2 != 0) {
        return false;
    }
    for (uint64_t k = b; k < e; k += 2) {
        if (t[k] != t[k + 1] || (g->flags[t[k]] & HS_ABSENT)
            || g->type[t[k]] != t_str) {
            return false;
        }
    }
    return true;
}

uint32_t
hs_graph_guess_intern_dict(const hs_graph *g)
{
    uint32_t t_dict = hs_graph_type_lookup(g, "dict");
    uint32_t t_str = hs_graph_type_lookup(g, "str");
    /* Python 3 (docs/format.md §4.5): the answer is none, and a values-only
     * dict holding one str twice would otherwise look like a match. */
    if (g->dialect != HS_DIALECT_PY2 || t_dict == UINT32_MAX
        || t_str == UINT32_MAX) {
        return HS_NO_NODE;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        if (g->type[i] != t_dict || !hs_live(g, i)) {
            continue;
        }
        if (g->have_parents && hs_csr_degree(&g->parents, i) > 0) {
            continue;
        }
        if (is_intern_dict(g, i, t_str)) {
            return i;
        }
    }
    return HS_NO_NODE;
}
