/*
 * hs_expensive.c - remove_expensive_references (docs/format.md §4.4).
 *
 * Walking "everything reachable" from an object reaches the whole heap
 * through modules, classes and frames. meliae's pass cuts those refs and
 * puts one ref to a null object (`<ex-reference>`, address 0) in their
 * place, so that sizes reachable from an object mean something:
 *  - a function keeps refs[0:1] + refs[3:] and always gains the 0 (by
 *    position: that drops globals and builtins, or globals and module name
 *    on older Pythons);
 *  - an _LRUNode drops refs to other _LRUNode records (no 0);
 *  - anything else that refers to a module, frame or type loses those refs
 *    and gains one 0.
 * heapscope recomputes parents afterwards and makes the call idempotent.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_rebuild.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

typedef struct expensive_ctx {
    bool *noref;     /* type id -> refs to it are cut */
    bool extended;   /* also cut refs to named non-function records */
    uint32_t t_function, t_lru;
    uint32_t null_id;
} expensive_ctx;

static bool
is_noref(const hs_graph *g, const expensive_ctx *cx, uint32_t t)
{
    if (g->flags[t] & HS_ABSENT) {
        return false;
    }
    if (cx->noref[g->type[t]]) {
        return true;
    }
    return cx->extended && (g->flags[t] & HS_NODE_NAME)
           && g->type[t] != cx->t_function;
}

/* Writes the new refs of id to out (when out is not NULL); returns their
 * number. One function serves both rebuild callbacks so that count and
 * fill can never disagree. */
static uint64_t
emit(const expensive_ctx *cx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    const uint32_t *t = g->children.targets;
    uint64_t b, e, n = 0;
    bool cut = false;
    if (g->flags[id] & HS_ABSENT) {
        return 0;
    }
    hs_csr_range(&g->children, id, &b, &e);
    if (g->type[id] == cx->t_function) {
        for (uint64_t k = b; k < e; k++) {
            if (k - b == 1 || k - b == 2) {
                continue;
            }
            if (out) {
                out[n] = t[k];
            }
            n++;
        }
        cut = true;
    } else if (g->type[id] == cx->t_lru) {
        for (uint64_t k = b; k < e; k++) {
            if (!(g->flags[t[k]] & HS_ABSENT) && g->type[t[k]] == cx->t_lru) {
                continue;
            }
            if (out) {
                out[n] = t[k];
            }
            n++;
        }
    } else {
        for (uint64_t k = b; k < e; k++) {
            if (is_noref(g, cx, t[k])) {
                cut = true;
                continue;
            }
            if (out) {
                out[n] = t[k];
            }
            n++;
        }
    }
    if (cut) {
        if (out) {
            out[n] = cx->null_id;
        }
        n++;
    }
    return n;
}

static uint64_t
count_refs(void *ctx, const hs_graph *g, uint32_t id)
{
    return emit(ctx, g, id, NULL);
}

static void
fill_refs(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    emit(ctx, g, id, out);
}

/* The `<ex-reference>` object at address 0: reuses a record or phantom
 * already there, else appends one. */
static int
null_object(hs_graph *g, uint32_t *id)
{
    uint32_t t, i;
    if (!hs_graph_ensure_index(g)) {
        return HS_ENOMEM;
    }
    i = hs_addrindex_find(&g->ix->x, g->addr, 0);
    if (i != UINT32_MAX && !(g->flags[i] & HS_ABSENT)) {
        *id = i;
        return HS_OK;
    }
    HS_TRY(hs_strtab_intern(&g->types, "<ex-reference>", 14, &t));
    if (i == UINT32_MAX) {
        HS_TRY(hs_graph_append_leaf(g, 0, &i));
    }
    g->flags[i] = 0; /* a phantom at 0 becomes the real null object */
    g->type[i] = t;
    g->size[i] = 0;
    g->len[i] = HS_LEN_NONE;
    g->text[i] = 0;
    g->live++;
    *id = i;
    return HS_OK;
}

int
hs_graph_remove_expensive_references(hs_graph *g, hs_expensive_flags flags,
                                     hs_error *err)
{
    expensive_ctx cx;
    hs_rebuild_ops ops = {count_refs, fill_refs, &cx};
    static const char *const noref_types[] = {"module", "frame", "type"};
    int rc;
    if (g->expensive_removed) {
        return HS_OK; /* idempotent: a second call must not cut more */
    }
    memset(&cx, 0, sizeof(cx));
    cx.extended = (flags & HS_EXPENSIVE_EXTENDED) != 0;
    rc = null_object(g, &cx.null_id);
    if (rc < 0) {
        return hs_error_set(err, rc, "cannot add the <ex-reference> object");
    }
    cx.noref = hs_calloc(g->a, (size_t)hs_strtab_count(&g->types) + 1, 1);
    if (!cx.noref) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < 3; k++) {
        uint32_t t = hs_graph_type_lookup(g, noref_types[k]);
        if (t != UINT32_MAX) {
            cx.noref[t] = true;
        }
    }
    cx.t_function = hs_graph_type_lookup(g, "function");
    cx.t_lru = hs_graph_type_lookup(g, "_LRUNode");
    rc = hs_graph_rebuild_children(g, &ops, err);
    hs_mfree(g->a, cx.noref);
    if (rc < 0) {
        return rc;
    }
    g->expensive_removed = true;
    if ((rc = hs_graph_update_stats(g)) < 0) {
        return hs_error_set(err, rc, "out of memory");
    }
    return hs_graph_compute_parents(g, err);
}
