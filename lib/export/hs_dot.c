/*
 * hs_dot.c - a neighbourhood as a Graphviz digraph.
 *
 * The picture objgraph draws: one box per object (type, size and a short
 * value preview), an arrow from referrer to referent labelled with the
 * key, attribute or index it goes through. The object asked about is
 * filled; roots (modules, objects without parents) are drawn as double
 * octagons so the eye finds where a chain starts. Labels are built with
 * the same code as `show` and `path` so the three agree.
 *
 * DOT strings are double-quoted; inside them only " and \ need escaping,
 * and we use "\n" (DOT's own escape) for line breaks.
 */
#include "hs_dot.h"

#include "../analysis/hs_neighbourhood.h"
#include "../analysis/hs_roots.h"
#include "../analysis/hs_refs_dict.h"
#include "../analysis/hs_repr.h"
#include "../util/hs_error.h"

#define PREVIEW 30

void
hs_buf_add_dot_text(hs_buf *b, const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\') {
            hs_buf_addc(b, '\\');
        }
        hs_buf_addc(b, s[i] == '\n' ? ' ' : s[i]);
    }
}

/* One node: type, size and value preview; the center filled, roots
 * drawn as double octagons. */
static void
add_node(hs_buf *b, const hs_neighbourhood *nb, size_t i,
         const hs_roots *roots)
{
    const hs_graph *g = nb->g;
    uint32_t id = nb->nodes[i];
    hs_buf tmp = HS_BUF_INIT_ON(g->a); /* scratch */
    size_t len;
    const char *type = hs_strtab_get(&g->types, g->type[id], &len);
    bool root = hs_roots_kind(roots, id) != NULL;
    hs_buf_addf(b, "  n%llu [label=\"", (unsigned long long)g->addr[id]);
    hs_buf_add_dot_text(b, type, len);
    hs_buf_addf(b, "\\n%llu B", (unsigned long long)hs_size_of(g, id));
    if (hs_buf_add_value(&tmp, g, id, PREVIEW) && !tmp.failed) {
        hs_buf_adds(b, "\\n");
        hs_buf_add_dot_text(b, tmp.data, tmp.len);
    }
    hs_buf_release(&tmp);
    hs_buf_addf(b, "\", tooltip=\"%llu\"%s%s];\n",
                (unsigned long long)g->addr[id],
                i == 0 ? ", style=filled, fillcolor=\"#f9d976\"" : "",
                root ? ", shape=doubleoctagon" : "");
}

static void
add_edge(hs_buf *b, const hs_neighbourhood *nb, const hs_near_edge *e)
{
    const hs_graph *g = nb->g;
    hs_buf tmp = HS_BUF_INIT_ON(g->a); /* scratch */
    hs_buf_addf(b, "  n%llu -> n%llu", (unsigned long long)g->addr[e->from],
                (unsigned long long)g->addr[e->to]);
    hs_buf_add_edge_label(&tmp, g, e->from, e->ref, PREVIEW);
    if (tmp.len && !tmp.failed) {
        hs_buf_adds(b, " [label=\"");
        hs_buf_add_dot_text(b, tmp.data, tmp.len);
        hs_buf_adds(b, "\"]");
    }
    hs_buf_release(&tmp);
    hs_buf_adds(b, ";\n");
}

char *
hs_neighbourhood_dot(const hs_neighbourhood *nb, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    hs_roots roots;
    char *out;
    if (hs_roots_init(&roots, nb->g) < 0) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    hs_buf_adds(&b, "digraph heapscope {\n"
                    "  node [shape=box, fontname=\"sans-serif\", "
                    "fontsize=10];\n"
                    "  edge [fontname=\"sans-serif\", fontsize=9];\n");
    for (size_t i = 0; i < nb->nnodes; i++) {
        add_node(&b, nb, i, &roots);
    }
    hs_roots_release(&roots);
    for (size_t i = 0; i < nb->nedges; i++) {
        add_edge(&b, nb, &nb->edges[i]);
    }
    if (nb->truncated) {
        hs_buf_adds(&b, "  truncated [shape=plaintext, label=\"(more objects "
                        "not shown: --max-nodes)\"];\n");
    }
    hs_buf_adds(&b, "}\n");
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
