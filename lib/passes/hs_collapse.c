/*
 * hs_collapse.c - collapse_instance_dicts (FORMAT.md §4.2).
 *
 * meliae's rule: an instance whose refs are exactly [its __dict__, its
 * class] (old-style: [classobj, __dict__]), or a module whose one ref is
 * its dict, absorbs the dict: the owner's refs become the dict's refs plus
 * the class, its size grows by the dict's, and the dict record goes away.
 * This makes per-type sizes mean "instance plus its attributes".
 *
 * NOTE: about the redirect, where heapscope departs from meliae. meliae
 * deletes the dicts but leaves every other ref to them (functions'
 * globals, mostly) dangling, so walks stop short. Here every ref to a
 * merged dict, in any record, is rewritten to the dict's owner; and a dict
 * already merged into an earlier owner is not merged again.
 *
 * Two passes: the first decides owner <-> dict pairs in file order, the
 * second writes every node's new refs (hs_rebuild) with redirects applied.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_rebuild.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

typedef struct collapse_ctx {
    bool *skip;          /* type id -> never an owner */
    uint32_t *owner_of;  /* merged dict -> its owner, else HS_NO_NODE */
    uint32_t *dict_of;   /* owner -> its merged dict, else HS_NO_NODE */
    uint32_t *extra;     /* owner -> the class ref kept, or HS_NO_NODE */
    uint32_t t_dict, t_type, t_module, t_instance, t_classobj;
} collapse_ctx;

/* The Python 2 names meliae skips; bytes, set and weakref.ReferenceType
 * are deliberately not among them (FORMAT.md §4.2). */
static const char *const skipped_types[] = {
    "str", "dict", "tuple", "list", "type", "function",
    "wrapper_descriptor", "code", "classobj", "int", "weakref"};

#define NSKIP (sizeof(skipped_types) / sizeof(skipped_types[0]))

static bool
usable(const hs_graph *g, const collapse_ctx *cx, uint32_t id, uint32_t type)
{
    return !(g->flags[id] & HS_ABSENT) && g->type[id] == type
           && cx->owner_of[id] == HS_NO_NODE;
}

/* Decides whether r owns a dict to merge; sets *dict and *extra. */
static bool
match(const hs_graph *g, const collapse_ctx *cx, uint32_t r, uint32_t *dict,
      uint32_t *extra)
{
    uint64_t b, e;
    const uint32_t *t = g->children.targets;
    hs_csr_range(&g->children, r, &b, &e);
    *extra = HS_NO_NODE;
    if (g->type[r] == cx->t_module && e - b == 1) {
        *dict = t[b];
        return *dict != r && usable(g, cx, *dict, cx->t_dict);
    }
    if (e - b != 2) {
        return false;
    }
    if (usable(g, cx, t[b], cx->t_dict) && !(g->flags[t[b + 1]] & HS_ABSENT)
        && g->type[t[b + 1]] == cx->t_type) {
        *dict = t[b];
        *extra = t[b + 1];
        return *dict != r;
    }
    if (g->type[r] == cx->t_instance && !(g->flags[t[b]] & HS_ABSENT)
        && g->type[t[b]] == cx->t_classobj
        && usable(g, cx, t[b + 1], cx->t_dict)) {
        *dict = t[b + 1];
        *extra = t[b];
        return *dict != r;
    }
    return false;
}

static uint32_t
redirect(const collapse_ctx *cx, uint32_t t)
{
    return cx->owner_of[t] != HS_NO_NODE ? cx->owner_of[t] : t;
}

static uint64_t
count_refs(void *ctx, const hs_graph *g, uint32_t id)
{
    collapse_ctx *cx = ctx;
    if (g->flags[id] & HS_ABSENT) {
        return 0;
    }
    if (cx->dict_of[id] != HS_NO_NODE) {
        return hs_csr_degree(&g->children, cx->dict_of[id])
               + (cx->extra[id] != HS_NO_NODE);
    }
    return hs_csr_degree(&g->children, id);
}

static void
fill_refs(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    collapse_ctx *cx = ctx;
    uint32_t src = id;
    uint64_t b, e;
    if (g->flags[id] & HS_ABSENT) {
        return;
    }
    if (cx->dict_of[id] != HS_NO_NODE) {
        src = cx->dict_of[id];
    }
    hs_csr_range(&g->children, src, &b, &e);
    for (uint64_t k = b; k < e; k++) {
        *out++ = redirect(cx, g->children.targets[k]);
    }
    if (src != id && cx->extra[id] != HS_NO_NODE) {
        *out = redirect(cx, cx->extra[id]);
    }
}

/* Old-style instances take their class's name as type (meliae shows
 * `Connection`, not `instance`). */
static int
retype_old_style(hs_graph *g, uint32_t r, uint32_t classobj)
{
    size_t len;
    const char *name = hs_node_name(g, classobj, &len);
    uint32_t t;
    if (!name) {
        return HS_OK;
    }
    HS_TRY(hs_strtab_intern(&g->types, name, len, &t));
    g->type[r] = t;
    return HS_OK;
}

/* The first pass: pairs decided in file order, sizes and types updated. */
static int
pair_up(hs_graph *g, collapse_ctx *cx, uint64_t *collapsed)
{
    for (uint32_t r = 0; r < g->n; r++) {
        uint32_t dict, extra;
        if ((g->flags[r] & HS_ABSENT) || cx->skip[g->type[r]]
            || !match(g, cx, r, &dict, &extra)) {
            continue;
        }
        cx->owner_of[dict] = r;
        cx->dict_of[r] = dict;
        cx->extra[r] = extra;
        HS_TRY(hs_graph_set_size(g, r, hs_size_of(g, r) + hs_size_of(g, dict)));
        if (g->type[r] == cx->t_instance && extra != HS_NO_NODE
            && g->type[extra] == cx->t_classobj) {
            HS_TRY(retype_old_style(g, r, extra));
        }
        hs_set_layout(g, r, hs_layout_of(g, dict));
        (*collapsed)++;
    }
    return HS_OK;
}

int
hs_graph_collapse_instance_dicts(hs_graph *g, uint64_t *collapsed,
                                 hs_error *err)
{
    collapse_ctx cx;
    hs_rebuild_ops ops = {count_refs, fill_refs, &cx};
    uint64_t n = 0;
    int rc = HS_OK;
    bool had_parents = g->have_parents;
    size_t bytes = ((size_t)g->n + 1) * sizeof(uint32_t);
    memset(&cx, 0, sizeof(cx));
    cx.t_dict = hs_graph_type_lookup(g, "dict");
    cx.t_type = hs_graph_type_lookup(g, "type");
    cx.t_module = hs_graph_type_lookup(g, "module");
    cx.t_instance = hs_graph_type_lookup(g, "instance");
    cx.t_classobj = hs_graph_type_lookup(g, "classobj");
    if (collapsed) {
        *collapsed = 0;
    }
    if (cx.t_dict == UINT32_MAX) {
        return HS_OK; /* no dicts, nothing to merge */
    }
    cx.skip = hs_calloc(g->a, (size_t)hs_strtab_count(&g->types) + 1, 1);
    cx.owner_of = hs_malloc(g->a, bytes);
    cx.dict_of = hs_malloc(g->a, bytes);
    cx.extra = hs_malloc(g->a, bytes);
    if (!cx.skip || !cx.owner_of || !cx.dict_of || !cx.extra) {
        rc = hs_error_set(err, HS_ENOMEM, "out of memory in collapse");
        goto out;
    }
    memset(cx.owner_of, 0xff, bytes);
    memset(cx.dict_of, 0xff, bytes);
    memset(cx.extra, 0xff, bytes);
    for (size_t k = 0; k < NSKIP; k++) {
        uint32_t t = hs_graph_type_lookup(g, skipped_types[k]);
        if (t != UINT32_MAX) {
            cx.skip[t] = true;
        }
    }
    if ((rc = pair_up(g, &cx, &n)) < 0) {
        hs_error_set(err, rc, "out of memory in collapse");
        goto out;
    }
    if (n == 0) {
        goto out;
    }
    if ((rc = hs_graph_rebuild_children(g, &ops, err)) < 0) {
        goto out;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        if (cx.owner_of[i] != HS_NO_NODE) {
            g->flags[i] |= HS_NODE_GONE;
        }
    }
    g->live -= n;
    g->stats.collapsed += n;
    hs_graph_update_stats(g);
    if (had_parents || n > 0) {
        rc = hs_graph_compute_parents(g, err);
    }
out:
    hs_mfree(g->a, cx.skip);
    hs_mfree(g->a, cx.owner_of);
    hs_mfree(g->a, cx.dict_of);
    hs_mfree(g->a, cx.extra);
    if (collapsed) {
        *collapsed = n;
    }
    return rc;
}
