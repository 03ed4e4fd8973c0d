/*
 * hs_paths.c - shortest chains of referrers from a root to an object.
 *
 * "What keeps this alive?" is answered by a path from something that
 * lives by itself (a module, or an object nothing refers to: a running
 * frame, a thread's state) down to the object. We search backwards: a
 * breadth-first search from the target over parents, which touches only
 * the part of the heap that can reach the target and ends as soon as
 * enough roots are found; a forward search from every root would touch
 * the whole heap every time. Breadth-first order makes the first root
 * dequeued the nearest, each later one no nearer (Cormen et al., 22.2).
 *
 * State: next[v] is the node one step closer to the target on v's
 * shortest path (the target points at itself), or HS_NO_NODE while v is
 * unvisited; the queue is an array of n ids. Invariant: every queued node
 * has next set, so a node is queued once. Roots are recorded when
 * dequeued and not expanded, so no path passes through a root, and each
 * root gives one path: the chain of next pointers.
 *
 * Memory: 4 bytes per node for next, 4 for the queue: 62 MB at 7.8 M
 * objects, allocated once per finder. A finder (hs_paths.h) serves many
 * searches, as the report's retainer views make one per object they
 * show: after a search only the nodes it queued are reset, so a search
 * costs what it visits, not a pass over the whole heap.
 */
#include "hs_paths.h"

#include "../graph/hs_graph_internal.h"
#include "hs_refs_dict.h"
#include "hs_roots.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"

#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

/* Type ids the search asks about (UINT32_MAX when the dump has none). */
typedef struct path_types {
    uint32_t module, dict;
} path_types;

/* Paths and the finder are freed before their graph (include/heapscope.h)
 * and are on its allocator, as is the search's scratch. */
struct hs_paths {
    const hs_allocator *a; /* the graph's */
    uint32_t *nodes;     /* all paths back to back */
    size_t *starts;      /* path i is nodes[starts[i]..starts[i + 1]) */
    const char **kinds;  /* root kind per path */
    size_t count;
    uint64_t visited;
    bool stopped;        /* the search hit its cap on visited objects */
};

struct hs_path_finder {
    const hs_graph *g;
    uint8_t *ex;         /* excluded types, a byte per type id */
    hs_roots roots;
    uint32_t *next;      /* HS_NO_NODE between searches */
    uint32_t *queue;
    uint32_t mods;       /* sys.modules, found on first need */
    bool have_mods;
};

/* Type ids of the excluded names, as a byte per type id. */
static uint8_t *
excluded_types(const hs_graph *g, const hs_path_options *o)
{
    uint32_t nt = hs_strtab_count(&g->types);
    uint8_t *ex = hs_calloc(g->a, (size_t)nt + 1, 1);
    if (!ex || !o) {
        return ex;
    }
    for (size_t i = 0; i < o->nexclude_types; i++) {
        const char *name = o->exclude_types[i];
        uint32_t t = hs_strtab_find(&g->types, name, strlen(name));
        if (t != UINT32_MAX) {
            ex[t] = 1;
        }
    }
    return ex;
}

/* Appends the path from root along next[] to the target. */
static int
record(hs_paths *p, const uint32_t *next, uint32_t root, const char *kind,
       size_t *alloc)
{
    size_t len = 1, start = p->starts[p->count];
    uint32_t v = root;
    while (next[v] != v) {
        v = next[v];
        len++;
    }
    if (start + len > *alloc) {
        size_t want = (start + len) * 2;
        uint32_t *nodes = hs_realloc_array(p->a, p->nodes, want,
                                           sizeof(*nodes));
        if (!nodes) {
            return HS_ENOMEM;
        }
        p->nodes = nodes;
        *alloc = want;
    }
    v = root;
    for (size_t k = 0; k < len; k++) {
        p->nodes[start + k] = v;
        v = next[v];
    }
    p->kinds[p->count] = kind;
    p->count++;
    p->starts[p->count] = start + len;
    return HS_OK;
}

/* MARK: which of equally short paths
 *
 * Roots found at the same distance are recorded best first: a module
 * that sys.modules holds under its own name (the name `import` gives
 * it), then fewer dots in its name (logging before
 * charset_normalizer.api: the package a reader would look in first),
 * then a shorter name; then other modules; then the roots that are no
 * modules; ties keep the search's order. sys.modules is read from the
 * dump (module sys, key "modules"); where the dump does not record the
 * keys (meliae's Python 3 dumps) no module counts as imported by name.
 */

typedef struct candidate {
    uint32_t root;
    const char *kind;
    int imported;      /* 1: in sys.modules under its own name */
    size_t dots, len;  /* of a module's name */
    size_t order;      /* when found */
} candidate;

/* Whether the literal is text equal to s[0..n). */
static bool
literal_is(const hs_literal *lit, const char *s, size_t n)
{
    return (lit->kind == HS_LITERAL_TEXT || lit->kind == HS_LITERAL_BYTES)
           && lit->len == n && memcmp(lit->text, s, n) == 0;
}

/* The id of the dict sys.modules, or HS_NO_NODE. */
static uint32_t
sys_modules(const hs_graph *g, const path_types *t)
{
    uint32_t found = HS_NO_NODE;
    for (uint32_t id = 0; id < g->n && found == HS_NO_NODE; id++) {
        size_t len, n = 0;
        const char *name;
        hs_ref_item *items = NULL;
        if (g->type[id] != t->module || !hs_live(g, id)
            || !(name = hs_node_name(g, id, &len)) || len != 3
            || memcmp(name, "sys", 3) != 0) {
            continue;
        }
        if (hs_node_refs_as_dict(g, id, &items, &n, NULL) == HS_OK) {
            for (size_t i = 0; i < n; i++) {
                if (literal_is(&items[i].key, "modules", 7)) {
                    found = items[i].value.id;
                }
            }
        }
        hs_free(items);
    }
    return found;
}

/* Whether the dict mods holds module m under m's name. */
static bool
imported_by_name(const hs_graph *g, uint32_t mods, uint32_t m)
{
    size_t len, n = 0;
    const char *name = hs_node_name(g, m, &len);
    hs_ref_item *items = NULL;
    bool yes = false;
    if (mods == HS_NO_NODE || !name
        || hs_node_refs_as_dict(g, mods, &items, &n, NULL) != HS_OK) {
        return false;
    }
    for (size_t i = 0; i < n && !yes; i++) {
        yes = items[i].value.id == m && literal_is(&items[i].key, name, len);
    }
    hs_free(items);
    return yes;
}

static int
candidate_rank(const candidate *c)
{
    return c->imported ? 0 : c->kind && strcmp(c->kind, "module") == 0 ? 1
                                                                       : 2;
}

static int
compare_candidates(const void *pa, const void *pb)
{
    const candidate *a = pa, *b = pb;
    int ra = candidate_rank(a), rb = candidate_rank(b);
    if (ra != rb) {
        return ra < rb ? -1 : 1;
    }
    if (ra < 2 && a->dots != b->dots) {
        return a->dots < b->dots ? -1 : 1;
    }
    if (ra < 2 && a->len != b->len) {
        return a->len < b->len ? -1 : 1;
    }
    return a->order < b->order ? -1 : a->order > b->order;
}

/* Records the level's candidates, best first, while paths are wanted. */
static int
flush_level(hs_paths *p, hs_path_finder *f, const path_types *t,
            candidate *cand, size_t ncand, size_t max, size_t *alloc)
{
    const hs_graph *g = f->g;
    int rc = HS_OK;
    if (ncand > 1) {
        if (!f->have_mods) {
            f->mods = sys_modules(g, t);
            f->have_mods = true;
        }
        for (size_t i = 0; i < ncand; i++) {
            size_t len = 0;
            const char *name = g->type[cand[i].root] == t->module
                                   ? hs_node_name(g, cand[i].root, &len)
                                   : NULL;
            cand[i].len = len;
            cand[i].dots = 0;
            for (size_t k = 0; name && k < len; k++) {
                cand[i].dots += name[k] == '.';
            }
            cand[i].imported = name && f->mods != HS_NO_NODE
                               && imported_by_name(g, f->mods, cand[i].root);
        }
        qsort(cand, ncand, sizeof(*cand), compare_candidates);
    }
    for (size_t i = 0; i < ncand && p->count < max && rc == HS_OK; i++) {
        rc = record(p, f->next, cand[i].root, cand[i].kind, alloc);
    }
    return rc;
}

/* The breadth-first search from target; stops once max paths are found
 * or, when cap is not 0, cap objects were queued (p->stopped). Leaves
 * f->next all HS_NO_NODE again. */
static int
search(hs_path_finder *f, uint32_t target, size_t max, uint64_t cap,
       hs_paths *p)
{
    const hs_graph *g = f->g;
    uint32_t *next = f->next, *queue = f->queue;
    path_types t = {hs_graph_type_lookup(g, "module"),
                    hs_graph_type_lookup(g, "dict")};
    candidate *cand = NULL;
    size_t head = 0, tail = 0, alloc = 0, level_end = 1, ncand = 0;
    size_t cand_cap = 0, found = 0;
    int rc = HS_OK;
    next[target] = target;
    queue[tail++] = target;
    /* Level by level: queue[head..level_end) are the nodes at the current
     * distance; the roots among them are ranked when it ends. */
    while (head < tail && p->count < max && rc == HS_OK) {
        uint32_t v = queue[head++];
        const char *kind = hs_roots_kind(&f->roots, v);
        uint64_t b, e;
        if (kind) {
            if (ncand == cand_cap) {
                size_t want = cand_cap ? 2 * cand_cap : 8;
                candidate *c = hs_realloc_array(g->a, cand, want,
                                                sizeof(*c));
                if (!c) {
                    rc = HS_ENOMEM;
                    break;
                }
                cand = c;
                cand_cap = want;
            }
            cand[ncand++] = (candidate){.root = v, .kind = kind,
                                        .order = found++};
        } else {
            hs_csr_range(&g->parents, v, &b, &e);
            for (uint64_t k = b; k < e; k++) {
                uint32_t u = g->parents.targets[k];
                if (next[u] == HS_NO_NODE && hs_live(g, u)
                    && !f->ex[g->type[u]] && !hs_roots_own(&f->roots, u)) {
                    next[u] = v;
                    queue[tail++] = u;
                }
            }
        }
        if (head == level_end || head == tail) {
            rc = flush_level(p, f, &t, cand, ncand, max, &alloc);
            ncand = 0;
            level_end = tail;
            /* A level is finished whole before stopping, so the paths
             * found are still the shortest. */
            if (cap && tail >= cap && p->count < max && head < tail) {
                p->stopped = true;
                break;
            }
        }
    }
    if (rc == HS_OK && ncand) {
        rc = flush_level(p, f, &t, cand, ncand, max, &alloc);
    }
    p->visited = tail;
    for (size_t i = 0; i < tail; i++) {
        next[queue[i]] = HS_NO_NODE;
    }
    hs_mfree(g->a, cand);
    return rc;
}

hs_path_finder *
hs_path_finder_new(const hs_graph *g, const hs_path_options *opts,
                   hs_error *err)
{
    hs_path_finder *f;
    size_t bytes;
    if (!g->have_parents) {
        hs_error_set(err, HS_EINVAL, "parents were not computed");
        return NULL;
    }
    f = hs_calloc(g->a, 1, sizeof(*f));
    if (!f || !hs_size_mul((size_t)g->n + 1, sizeof(uint32_t), &bytes)) {
        hs_mfree(g->a, f);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    f->g = g;
    f->ex = excluded_types(g, opts);
    f->next = hs_malloc(g->a, bytes);
    f->queue = hs_malloc(g->a, bytes);
    if (!f->ex || !f->next || !f->queue
        || hs_roots_init(&f->roots, g) != HS_OK) {
        hs_path_finder_free(f);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    memset(f->next, 0xff, bytes);
    return f;
}

void
hs_path_finder_free(hs_path_finder *f)
{
    if (f) {
        hs_roots_release(&f->roots);   /* zeroed ones too */
        hs_mfree(f->g->a, f->ex);
        hs_mfree(f->g->a, f->next);
        hs_mfree(f->g->a, f->queue);
        hs_mfree(f->g->a, f);
    }
}

hs_paths *
hs_path_finder_find(hs_path_finder *f, uint32_t target, size_t max_paths,
                    uint64_t max_visited, hs_error *err)
{
    const hs_graph *g = f->g;
    size_t max = max_paths ? max_paths : 1;
    hs_paths *p;
    if (target >= g->n || !hs_live(g, target)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    p = hs_calloc(g->a, 1, sizeof(*p));
    if (p) {
        p->a = g->a;
        p->starts = hs_calloc(g->a, max + 1, sizeof(*p->starts));
        p->kinds = hs_calloc(g->a, max + 1, sizeof(*p->kinds));
    }
    if (!p || !p->starts || !p->kinds
        || search(f, target, max, max_visited, p) < 0) {
        hs_paths_free(p);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    return p;
}

bool
hs_paths_stopped(const hs_paths *p)
{
    return p->stopped;
}

hs_paths *
hs_paths_find(const hs_graph *g, uint32_t target, const hs_path_options *opts,
              hs_error *err)
{
    hs_path_finder *f;
    hs_paths *p;
    if (target >= g->n || !hs_live(g, target)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    if (!(f = hs_path_finder_new(g, opts, err))) {
        return NULL;
    }
    p = hs_path_finder_find(f, target, opts ? opts->max_paths : 1, 0, err);
    hs_path_finder_free(f);
    return p;
}

void
hs_paths_free(hs_paths *p)
{
    if (p) {
        const hs_allocator *a = p->a;
        hs_mfree(a, p->nodes);
        hs_mfree(a, p->starts);
        hs_mfree(a, p->kinds);
        hs_mfree(a, p);
    }
}

size_t
hs_paths_count(const hs_paths *p)
{
    return p->count;
}

const uint32_t *
hs_paths_at(const hs_paths *p, size_t i, size_t *len)
{
    if (i >= p->count) {
        *len = 0;
        return NULL;
    }
    *len = p->starts[i + 1] - p->starts[i];
    return p->nodes + p->starts[i];
}

const char *
hs_paths_root_kind(const hs_paths *p, size_t i)
{
    return i < p->count ? p->kinds[i] : NULL;
}

uint64_t
hs_paths_visited(const hs_paths *p)
{
    return p->visited;
}

/* MARK: a path as text */

/* Keys in an expression are cut here: it is one line among others (a
 * table cell, a summary line), and a 40-byte key still names the slot. */
#define EXPRESSION_KEY_MAX 40

/* The root as the expression starts: a module's name, else <type@addr>
 * (an object has no name to write, so its address identifies it). */
static void
add_root(hs_buf *b, const hs_graph *g, uint32_t root)
{
    size_t tlen, nlen;
    const char *type = hs_node_type(g, root, &tlen);
    const char *name = hs_node_name(g, root, &nlen);
    if (name && tlen == 6 && memcmp(type, "module", 6) == 0) {
        hs_buf_add(b, name, nlen);
    } else {
        hs_buf_addf(b, "<%.*s@%llu>", (int)tlen, type,
                    (unsigned long long)g->addr[root]);
    }
}

/* Appends the step parent -> child: its edge label, after a dot unless
 * it starts with one or a bracket (refs[3], __class__ and (key) read as
 * attributes). label is scratch space. HS_EINVAL when parent does not
 * refer to child. */
static int
add_step(hs_buf *b, hs_buf *label, const hs_graph *g, uint32_t parent,
         uint32_t child)
{
    uint64_t ref = hs_ref_index(g, parent, child);
    if (ref == UINT64_MAX) {
        return HS_EINVAL;
    }
    hs_buf_clear(label);
    hs_buf_add_edge_label(label, g, parent, ref, EXPRESSION_KEY_MAX);
    if (label->failed) {
        return HS_ENOMEM;
    }
    if (!label->len || (label->data[0] != '.' && label->data[0] != '[')) {
        hs_buf_addc(b, '.');
    }
    hs_buf_add(b, label->data, label->len);
    return HS_OK;
}

char *
hs_path_expression(const hs_graph *g, const uint32_t *nodes, size_t len,
                   hs_error *err)
{
    hs_buf b = HS_BUF_INIT, label = HS_BUF_INIT_ON(g->a); /* b: the result */
    char *out = NULL;
    int rc = HS_OK;
    if (len == 0) {
        hs_error_set(err, HS_EINVAL, "not a path: no object");
        return NULL;
    }
    for (size_t k = 0; k < len; k++) {
        if (nodes[k] >= g->n || !hs_live(g, nodes[k])) {
            hs_error_set(err, HS_EINVAL, "not a path: step %zu is no object",
                         k);
            return NULL;
        }
    }
    add_root(&b, g, nodes[0]);
    for (size_t k = 0; k + 1 < len && rc == HS_OK; k++) {
        rc = add_step(&b, &label, g, nodes[k], nodes[k + 1]);
        if (rc == HS_EINVAL) {
            hs_error_set(err, rc, "not a path: step %zu does not refer to "
                         "step %zu", k, k + 1);
        }
    }
    hs_buf_release(&label);
    if (rc == HS_OK && !(out = hs_buf_detach(&b))) {
        rc = HS_ENOMEM;
    }
    if (rc == HS_ENOMEM) {
        hs_error_set(err, rc, "out of memory");
    }
    hs_buf_release(&b);
    return out;
}
