/*
 * hs_collapse.c - collapse_instance_dicts (docs/format.md §4.2).
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
 * second rewrites the refs in place (hs_rewrite), redirects applied.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_rewrite.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

typedef struct collapse_ctx {
    hs_graph *g;
    bool *skip;          /* type id -> never an owner */
    /* One array serves both directions, since a merged dict is never an
     * owner (dicts are skipped) and an owner is never a dict: for a merged
     * dict, its owner; for an owner, its dict; else HS_NO_NODE. */
    uint32_t *link;
    uint32_t t_dict, t_type, t_module, t_instance, t_classobj;
} collapse_ctx;

/* The Python 2 names meliae skips; bytes, set and weakref.ReferenceType
 * are deliberately not among them (docs/format.md §4.2). */
static const char *const skipped_types[] = {
    "str", "dict", "tuple", "list", "type", "function",
    "wrapper_descriptor", "code", "classobj", "int", "weakref"};

#define NSKIP (sizeof(skipped_types) / sizeof(skipped_types[0]))

static bool
is_merged_dict(const hs_graph *g, const collapse_ctx *cx, uint32_t id)
{
    return g->type[id] == cx->t_dict && cx->link[id] != HS_NO_NODE;
}

static bool
is_owner(const hs_graph *g, const collapse_ctx *cx, uint32_t id)
{
    return g->type[id] != cx->t_dict && cx->link[id] != HS_NO_NODE;
}

/* A dict that could be merged, links aside (checked in file order by
 * pair_up). */
static bool
is_dict(const hs_graph *g, const collapse_ctx *cx, uint32_t id)
{
    return !(g->flags[id] & HS_ABSENT) && g->type[id] == cx->t_dict;
}

static bool
has_type(const hs_graph *g, uint32_t id, uint32_t type)
{
    return !(g->flags[id] & HS_ABSENT) && g->type[id] == type;
}

/* Decides whether r would own a dict to merge, if that dict is not
 * merged into an earlier owner already. */
static bool
match(const hs_graph *g, const collapse_ctx *cx, uint32_t r, uint32_t *dict)
{
    uint64_t b, e;
    const uint32_t *t = g->children.targets;
    hs_csr_range(&g->children, r, &b, &e);
    if (g->type[r] == cx->t_module && e - b == 1) {
        *dict = t[b];
        return *dict != r && is_dict(g, cx, *dict);
    }
    if (e - b != 2) {
        return false;
    }
    if (is_dict(g, cx, t[b]) && has_type(g, t[b + 1], cx->t_type)) {
        *dict = t[b];
        return *dict != r;
    }
    if (g->type[r] == cx->t_instance && has_type(g, t[b], cx->t_classobj)
        && is_dict(g, cx, t[b + 1])) {
        *dict = t[b + 1];
        return *dict != r;
    }
    return false;
}

/* The class ref an owner keeps: the child that is not its dict (none for
 * a module, whose only child was the dict). */
static uint32_t
kept_class(const hs_graph *g, uint32_t owner, uint32_t dict)
{
    uint64_t b, e;
    const uint32_t *t = g->children.targets;
    hs_csr_range(&g->children, owner, &b, &e);
    if (e - b != 2) {
        return HS_NO_NODE;
    }
    return t[b] == dict ? t[b + 1] : t[b];
}

static uint32_t
redirect(const hs_graph *g, const collapse_ctx *cx, uint32_t t)
{
    return is_merged_dict(g, cx, t) ? cx->link[t] : t;
}

/* Merged dicts, and absent nodes that have any, lose their refs;
 * owners take their dict's refs and their class (hs_rewrite.h); every
 * other node keeps its own, each redirected. */
static bool
replaced_refs(void *ctx, const hs_graph *g, uint32_t id, uint64_t *count)
{
    collapse_ctx *cx = ctx;
    if (is_merged_dict(g, cx, id) || (g->flags[id] & HS_ABSENT)) {
        *count = 0; /* replaced only if it has refs to lose */
        return hs_csr_degree(&g->children, id) > 0;
    }
    if (!is_owner(g, cx, id)) {
        return false;
    }
    *count = hs_csr_degree(&g->children, cx->link[id])
             + (kept_class(g, id, cx->link[id]) != HS_NO_NODE);
    return true;
}

static uint32_t
redirect_ref(void *ctx, const hs_graph *g, uint32_t t)
{
    return redirect(g, ctx, t);
}

static void
fill_refs(void *ctx, const hs_graph *g, uint32_t id, uint32_t *out)
{
    collapse_ctx *cx = ctx;
    uint32_t src, cls;
    uint64_t b, e;
    if (is_merged_dict(g, cx, id) || (g->flags[id] & HS_ABSENT)) {
        return; /* no refs */
    }
    src = cx->link[id]; /* an owner's */
    cls = kept_class(g, id, src);
    hs_csr_range(&g->children, src, &b, &e);
    for (uint64_t k = b; k < e; k++) {
        *out++ = redirect(g, cx, g->children.targets[k]);
    }
    if (cls != HS_NO_NODE) {
        *out = redirect(g, cx, cls);
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

/* Fewer nodes than this are handled on one thread. */
#define PARALLEL_NODES (1u << 20)

/* Owner candidates of one range of nodes: pairs owner, dict, in order. */
typedef struct candidates {
    uint32_t *v;
    size_t len, alloc;
} candidates;

/* NOTE: about pairing on several threads. Owners are found over ranges
 * of nodes, each range's candidates (owner, dict) in file order. A dict
 * goes to the first owner in file order that wants it, the smallest id:
 * every candidate stores its id into the dict's link with an atomic
 * minimum, and once all have, the winners pair up. What touches shared
 * tables (a size too big for 32 bits goes to the wide table, an
 * old-style instance's new type is interned) is left to a serial pass in
 * file order, so ids and tables come out as on one thread. */
typedef struct pair_job {
    hs_graph *g;
    collapse_ctx *cx;
    unsigned parts;
    candidates found[HS_MAX_THREADS];
    candidates later[HS_MAX_THREADS]; /* winners for the serial pass */
    uint64_t paired[HS_MAX_THREADS];
    int rc[HS_MAX_THREADS];
} pair_job;

static int
push(const hs_graph *g, candidates *c, uint32_t r, uint32_t dict)
{
    if (c->len + 2 > c->alloc) {
        HS_TRY(HS_GROW(g->a, c->v, c->len + 2, c->alloc));
    }
    c->v[c->len++] = r;
    c->v[c->len++] = dict;
    return HS_OK;
}

static int
find_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    pair_job *j = ctx;
    const hs_graph *g = j->g;
    /* links are not read here: this part's share is set up on its way */
    memset(j->cx->link + lo, 0xff, (size_t)(hi - lo) * sizeof(uint32_t));
    for (uint64_t i = lo; i < hi; i++) {
        uint32_t r = (uint32_t)i, dict;
        if ((g->flags[r] & HS_ABSENT) || j->cx->skip[g->type[r]]
            || !match(g, j->cx, r, &dict)) {
            continue;
        }
        HS_TRY(push(g, &j->found[part], r, dict));
    }
    return HS_OK;
}

static int
claim_dicts(void *ctx, unsigned part)
{
    pair_job *j = ctx;
    const candidates *c = &j->found[part];
    for (size_t k = 0; k < c->len; k += 2) {
        uint32_t *link = &j->cx->link[c->v[k + 1]];
        uint32_t cur = __atomic_load_n(link, __ATOMIC_RELAXED);
        while (c->v[k] < cur
               && !__atomic_compare_exchange_n(link, &cur, c->v[k], true,
                                               __ATOMIC_RELAXED,
                                               __ATOMIC_RELAXED)) {
        }
    }
    return HS_OK;
}

/* Whether owner r, pairing with dict, needs the serial pass. */
static bool
needs_tables(const hs_graph *g, const collapse_ctx *cx, uint32_t r,
             uint32_t dict)
{
    uint32_t cls;
    if (g->size[r] == HS_SIZE_WIDE || g->size[dict] == HS_SIZE_WIDE
        || (uint64_t)g->size[r] + g->size[dict] >= HS_SIZE_WIDE) {
        return true;
    }
    cls = kept_class(g, r, dict);
    return g->type[r] == cx->t_instance && cls != HS_NO_NODE
           && g->type[cls] == cx->t_classobj;
}

static int
pair_winners(void *ctx, unsigned part)
{
    pair_job *j = ctx;
    hs_graph *g = j->g;
    collapse_ctx *cx = j->cx;
    const candidates *c = &j->found[part];
    for (size_t k = 0; k < c->len && j->rc[part] == 0; k += 2) {
        uint32_t r = c->v[k], dict = c->v[k + 1];
        if (cx->link[dict] != r) {
            continue; /* an earlier owner took it */
        }
        cx->link[r] = dict;
        j->paired[part]++;
        if (needs_tables(g, cx, r, dict)) {
            j->rc[part] = push(g, &j->later[part], r, dict);
            continue;
        }
        g->size[r] += g->size[dict];
        hs_set_layout(g, r, hs_layout_of(g, dict));
    }
    return j->rc[part];
}

/* The serial pass of one winner (see the NOTE above). */
static int
pair_with_tables(hs_graph *g, collapse_ctx *cx, uint32_t r, uint32_t dict)
{
    uint32_t cls = kept_class(g, r, dict);
    HS_TRY(hs_graph_set_size(g, r, hs_size_of(g, r) + hs_size_of(g, dict)));
    if (g->type[r] == cx->t_instance && cls != HS_NO_NODE
        && g->type[cls] == cx->t_classobj) {
        HS_TRY(retype_old_style(g, r, cls));
    }
    hs_set_layout(g, r, hs_layout_of(g, dict));
    return HS_OK;
}

/* The first pass: owners and their dicts paired as in file order (a dict
 * merged into an earlier owner is not merged again), sizes and types
 * updated. */
static int
pair_up(hs_graph *g, collapse_ctx *cx, uint64_t *collapsed)
{
    pair_job j;
    int rc;
    memset(&j, 0, sizeof(j));
    j.g = g;
    j.cx = cx;
    rc = hs_parallel_ranges(hs_graph_threads(g), g->n, PARALLEL_NODES,
                            find_range, &j, &j.parts);
    if (rc == 0) {
        hs_parallel_for(j.parts, claim_dicts, &j);
        rc = hs_parallel_for(j.parts, pair_winners, &j);
    }
    for (unsigned p = 0; p < j.parts; p++) {
        const candidates *c = &j.later[p];
        for (size_t k = 0; rc == 0 && k < c->len; k += 2) {
            rc = pair_with_tables(g, cx, c->v[k], c->v[k + 1]);
        }
        *collapsed += j.paired[p];
        hs_mfree(g->a, j.found[p].v);
        hs_mfree(g->a, j.later[p].v);
    }
    return rc;
}

static int
drop_dicts(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    const collapse_ctx *cx = ctx;
    hs_graph *g = cx->g;
    (void)part;
    for (uint64_t i = lo; i < hi; i++) {
        if (is_merged_dict(g, cx, (uint32_t)i)) {
            g->flags[i] |= HS_NODE_GONE;
        }
    }
    return HS_OK;
}

int
hs_graph_collapse_instance_dicts(hs_graph *g, uint64_t *collapsed,
                                 hs_error *err)
{
    collapse_ctx cx;
    hs_rewrite_ops ops = {replaced_refs, redirect_ref, fill_refs, &cx};
    uint64_t n = 0;
    int rc = HS_OK;
    bool had_parents = g->have_parents;
    size_t bytes = ((size_t)g->n + 1) * sizeof(uint32_t);
    memset(&cx, 0, sizeof(cx));
    cx.g = g;
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
    cx.link = hs_malloc(g->a, bytes);
    if (!cx.skip || !cx.link) {
        rc = hs_error_set(err, HS_ENOMEM, "out of memory in collapse");
        goto out;
    }
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
    if (n == 0 || (rc = hs_graph_rewrite_children(g, &ops, err)) < 0) {
        goto out;
    }
    hs_parallel_ranges(hs_graph_threads(g), g->n, PARALLEL_NODES, drop_dicts,
                       &cx, NULL);
    g->stats.collapsed += n;
    if ((rc = hs_graph_update_stats(g)) < 0) {
        hs_error_set(err, rc, "out of memory in collapse");
    }
out:
    hs_mfree(g->a, cx.skip);
    hs_mfree(g->a, cx.link);
    if (collapsed) {
        *collapsed = n;
    }
    /* Parents that were current before must be current after. */
    if (rc == 0 && had_parents && n > 0) {
        rc = hs_graph_compute_parents(g, err);
    }
    return rc;
}
