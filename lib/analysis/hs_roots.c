/*
 * hs_roots.c - what lives by itself: modules, objects nothing refers to,
 * and what only the dumper's own objects refer to.
 *
 * "What keeps this alive?" ends at something that lives by itself: a
 * module (sys.modules holds it, but a reader stops there), or an object
 * nothing in the dump refers to (a running frame, a thread's state, an
 * object held from C). Paths start there, and the dominator tree's
 * virtual root points there.
 *
 * A dump is taken from inside the program: heapscope.dump() (or meliae's
 * scanner.dump_all_objects) runs in frames of its own, and the innermost
 * of them, which nothing refers to, refers to the frame that called it
 * (f_back). Left alone, every path to a running frame's local would start
 * at the dumper's frame, with its unnamed locals, and go into a leak's
 * signature. The dumper's frames and modules are therefore never roots or
 * path steps; the frame that called the dumper becomes the root ("called
 * the dumper"), as does anything else only they refer to ("held only by
 * the dumper"). They stay in the dump, and in every count: they are live
 * objects of the process. In the dominator tree they dominate nothing
 * but themselves (their refs are not followed), and `top` never shows
 * the dumper's frame as retaining the program's stack.
 *
 * A frame is the dumper's when its globals are the dict of a heapscope or
 * meliae module (its code's module: code objects have no refs in a dump,
 * so their file is not known). The globals follow the code among a
 * frame's refs: f_code, f_builtins, f_globals up to 3.10 and in Python 2,
 * code, globals, builtins in heapscope's 3.11+ frame records. Collapse
 * replaces the dict by its module; without collapse the dict is the one
 * ref of a module.
 */

#include "hs_roots.h"

#include "hs_repr.h"
#include "../util/hs_mem.h"
#include "../util/hs_sorted.h"

#include <stdlib.h>
#include <string.h>

/* Type ids the rule asks about (UINT32_MAX when the dump has none). */
typedef struct root_types {
    uint32_t module, frame, code, dict;
} root_types;

static bool
own_module_name(const char *name, size_t len)
{
    static const char *const pkgs[] = {"heapscope", "meliae"};
    for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++) {
        size_t n = strlen(pkgs[i]);
        if (len >= n && memcmp(name, pkgs[i], n) == 0
            && (len == n || name[n] == '.')) {
            return true;
        }
    }
    return false;
}

static bool
own_module(const hs_graph *g, uint32_t id, const root_types *t)
{
    size_t len;
    const char *name;
    if (g->type[id] != t->module) {
        return false;
    }
    name = hs_node_name(g, id, &len);
    return name && own_module_name(name, len);
}

/* The module whose globals id is: id itself (collapsed), or the module
 * whose one ref is the dict id; HS_NO_NODE when neither. */
static uint32_t
globals_module(const hs_graph *g, uint32_t id, const root_types *t)
{
    uint64_t np, nr;
    const uint32_t *parents;
    if (!hs_live(g, id) || g->type[id] == t->module) {
        return hs_live(g, id) ? id : HS_NO_NODE;
    }
    if (g->type[id] != t->dict) {
        return HS_NO_NODE;
    }
    parents = hs_node_parents(g, id, &np);
    for (uint64_t k = 0; k < np; k++) {
        if (g->type[parents[k]] == t->module) {
            hs_node_children(g, parents[k], &nr);
            if (nr == 1) {
                return parents[k];
            }
        }
    }
    return HS_NO_NODE;
}

static bool
own_frame(const hs_graph *g, uint32_t id, const root_types *t)
{
    uint64_t n;
    const uint32_t *refs;
    if (g->type[id] != t->frame) {
        return false;
    }
    refs = hs_node_children(g, id, &n);
    /* The code is the first code object among the first five refs
     * (after f_back; or after the caller, frame object, locals and
     * function, each of which may be missing); locals that may hold
     * code come after the globals, which are within two refs of it. */
    for (uint64_t c = 0; c < n && c < 5; c++) {
        if (!hs_live(g, refs[c]) || g->type[refs[c]] != t->code) {
            continue;
        }
        for (uint64_t k = c + 1; k < n && k <= c + 2; k++) {
            uint32_t m = globals_module(g, refs[k], t);
            if (m != HS_NO_NODE && own_module(g, m, t)) {
                return true;
            }
        }
        return false;
    }
    return false;
}

static int
compare_ids(const void *pa, const void *pb)
{
    uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
    return (a > b) - (a < b);
}

/* The lists are on the graph's allocator: they live as long as the path
 * finder or dominator tree that holds them. */
static int
push(const hs_allocator *a, uint32_t **v, size_t *n, size_t *cap, uint32_t id)
{
    if (*n == *cap) {
        size_t want = *cap ? 2 * *cap : 16;
        uint32_t *p = hs_realloc_array(a, *v, want, sizeof(*p));
        if (!p) {
            return HS_ENOMEM;
        }
        *v = p;
        *cap = want;
    }
    (*v)[(*n)++] = id;
    return HS_OK;
}

/* Whether every parent of id is one of the dumper's own objects. */
static bool
only_own_parents(const hs_roots *r, uint32_t id)
{
    uint64_t np;
    const uint32_t *parents = hs_node_parents(r->g, id, &np);
    for (uint64_t k = 0; k < np; k++) {
        if (!hs_roots_own(r, parents[k])) {
            return false;
        }
    }
    return np > 0;
}

int
hs_roots_init(hs_roots *r, const hs_graph *g)
{
    root_types t = {hs_graph_type_lookup(g, "module"),
                    hs_graph_type_lookup(g, "frame"),
                    hs_graph_type_lookup(g, "code"),
                    hs_graph_type_lookup(g, "dict")};
    size_t cap = 0, hcap = 0;
    memset(r, 0, sizeof(*r));
    r->g = g;
    r->module_type = t.module;
    r->frame_type = t.frame;
    /* Frames and modules are few: a pass over the type array finds them,
     * in id order, so own comes out sorted. */
    for (uint32_t id = 0; id < g->n; id++) {
        if (hs_live(g, id)
            && (own_module(g, id, &t) || own_frame(g, id, &t))
            && push(g->a, &r->own, &r->nown, &cap, id) < 0) {
            hs_roots_release(r);
            return HS_ENOMEM;
        }
    }
    for (size_t i = 0; i < r->nown; i++) {
        uint64_t n;
        const uint32_t *refs = hs_node_children(g, r->own[i], &n);
        for (uint64_t k = 0; k < n; k++) {
            uint32_t c = refs[k];
            if (hs_live(g, c) && !hs_roots_own(r, c)
                && g->type[c] != t.module && only_own_parents(r, c)
                && push(g->a, &r->held, &r->nheld, &hcap, c) < 0) {
                hs_roots_release(r);
                return HS_ENOMEM;
            }
        }
    }
    if (r->nheld > 1) {   /* qsort's base must not be NULL, even for 0 */
        qsort(r->held, r->nheld, sizeof(*r->held), compare_ids);
    }
    return HS_OK;
}

void
hs_roots_release(hs_roots *r)
{
    const hs_allocator *a = r->g ? r->g->a : NULL; /* NULL: zeroed */
    hs_mfree(a, r->own);
    hs_mfree(a, r->held);
    r->own = r->held = NULL;
    r->nown = r->nheld = 0;
}

bool
hs_roots_own_slow(const hs_roots *r, uint32_t id)
{
    return hs_sorted_contains(r->own, r->nown, id);
}

const char *
hs_roots_kind(const hs_roots *r, uint32_t id)
{
    const hs_graph *g = r->g;
    if (hs_roots_own(r, id)) {
        return NULL;
    }
    if (g->type[id] == r->module_type) {
        return "module";
    }
    if (hs_csr_degree(&g->parents, id) == 0) {
        return "no parents";
    }
    if (r->nheld && hs_sorted_contains(r->held, r->nheld, id)) {
        return hs_type_is(g, id, "frame") ? "called the dumper"
                                          : "held only by the dumper";
    }
    return NULL;
}

void
hs_roots_mark(const hs_roots *r, hs_bits *bits, uint32_t lo, uint32_t hi)
{
    const hs_graph *g = r->g;
    /* hs_roots_kind's rules in its order; held is ascending, so a cursor
     * replaces its search, started at the range's first. */
    size_t h = hs_sorted_lower_bound(r->held, r->nheld, lo);
    for (uint32_t id = lo; id < hi && id < g->n; id++) {
        if (!hs_live(g, id) || hs_roots_own(r, id)) {
            continue;
        }
        while (h < r->nheld && r->held[h] < id) {
            h++;
        }
        if (g->type[id] == r->module_type
            || hs_csr_degree(&g->parents, id) == 0
            || (h < r->nheld && r->held[h] == id)) {
            hs_bits_set(bits, id);
        }
    }
}
