/*
 * hs_dominators.c - who keeps whom alive: the dominator tree of a dump.
 *
 * An object d dominates an object v when every path from the roots to v
 * passes through d: free d and v becomes garbage. The immediate dominator
 * idom(v) is the dominator nearest to v; the idom links form a tree
 * whose root is a virtual node connected to every real root, and the
 * retained size of d (what freeing d would free) is the total size of
 * its subtree (hs_retained.c). Heap analysers built on this since Eclipse
 * MAT; no Python tool computes it for offline dumps.
 *
 * MARK: the roots
 *
 * The virtual root points at the roots `heapscope path` starts from
 * (hs_roots.c, one definition for both): modules and objects without
 * parents (running frames, objects held only from C), and what only the
 * dumper's own frames and modules refer to. Those own objects are never
 * followed: their refs are not edges here, so they dominate nothing but
 * themselves (each is an extra root of its own, below).
 * Objects that no root reaches (garbage held by cycles, or cycles held
 * from C) would otherwise have no dominator at all; so, after everything
 * reachable from the roots is numbered, the first unnumbered live id in
 * file order becomes an extra root, everything it reaches is numbered,
 * and so on until every live object has a place. Each extra root is the
 * "entry" of its group, by file order: a rule, not a truth, but a stable
 * one, and `unreached` says how many objects it concerns.
 *
 * MARK: the algorithm
 *
 * Semi-NCA (Georgiadis, "Linear-Time Algorithms for Dominators and
 * Related Problems", 2005; "Finding Dominators in Practice", Georgiadis,
 * Tarjan and Werneck, JGAA 10(1), 2006), the variant LLVM uses:
 *
 *  1. Number the objects in depth-first preorder from the virtual root
 *     (number 0), remembering each one's depth-first-tree parent.
 *  2. For w in decreasing number, its semidominator: the smallest number
 *     sdom(w) such that a path from sdom(w) to w passes only through
 *     numbers greater than w (Lengauer and Tarjan, TOPLAS 1979). It is
 *     the minimum, over the predecessors v of w, of v itself when v < w,
 *     else of the smallest semidominator on v's tree path above the
 *     processed part, found by eval() over a forest of processed nodes
 *     with path compression.
 *  3. For w in increasing number, idom(w) is the nearest common ancestor
 *     of parent(w) and sdom(w) in the dominator tree built so far: start
 *     at parent(w) and climb idom links while the number exceeds
 *     sdom(w).
 *
 * It runs in O(m log n) (path compression without balancing) and in
 * practice beats the almost-linear Lengauer-Tarjan: fewer passes, fewer
 * arrays. Predecessors are the graph's parents (CSR); a root's
 * semidominator is the virtual root itself.
 *
 * Every step is a loop: the depth-first search keeps an explicit stack
 * of numbers and a cursor per number (how many children it has handed
 * out), eval() collects the path to compress on an explicit stack, and
 * step 3 climbs in place. A chain of ten million objects is fine.
 *
 * MARK: memory
 *
 * Arrays of 32-bit numbers indexed by preorder number (0 = the virtual
 * root): vertex (number -> id), parent, semi, eval's forest (two numbers
 * each) and its path stack, and pre (id -> number): 28 bytes per object
 * during the computation, four bits (roots, own objects, seen, one
 * parent), and step 2's list of the numbers it must work out (4 bytes
 * each, a few percent of the objects). Retained sizes (12 bytes) are
 * summed with the forest and semi as scratch once pre, the path and the
 * list are given back, and idom (4) comes after the scratch goes: 32
 * bytes per object at the peak; vertex stays (as `order`) with idom,
 * retained size and count: 20 bytes per object in the result. The
 * search's stack lives in the forest, semi and the path until step 2
 * needs them.
 *
 * MARK: cache misses
 *
 * On millions of objects every step is a string of cache misses, so the
 * layout follows the accesses. eval() keeps, per forest node, its
 * compressed ancestor and the smallest semidominator on its path side by
 * side (one miss where the textbook's ancestor, label and semi[label]
 * arrays cost three; the label itself is never needed, only its semi).
 * A predecessor numbered before w needs no eval at all (its semi is still
 * itself), which is the case of most objects' only parent. Whether an
 * object is a root, and whether it is one of the dumper's own, are a bit
 * per id (hs_bits), set in one pass in id order, instead of a type and a
 * parent count read at random per object; roots get their semidominator
 * before step 2, in a loop whose reads overlap. The search asks whether
 * a child is numbered (or a phantom) of a bit per id, which stays in the
 * cache where pre[] would not, and keeps on its stack where each object's
 * next child is, so that coming back up to an object reads nothing of
 * the graph again. What no layout avoids is skipped or prefetched: an
 * object with one parent (most of a heap) has that parent as its
 * semidominator, known before step 2 from a bit per id, so step 2 works
 * only through the others; an object millions refer to (None) stops at
 * the first predecessor that gives the virtual root. The search asks
 * for all of an object's children's offsets when it first enters the
 * object, so its siblings are in cache when it comes back up; step 2
 * knows which numbers come next and starts, a few numbers ahead, the
 * misses of their offsets, predecessor lists, predecessors' numbers and
 * forest nodes, one stage per level. The loops with no
 * chain between numbers (mapping the scratch arrays, step 2's start,
 * moving the result to id space, the retained sizes' reads and writes by
 * id) run on every core.
 */
#include "hs_dominators.h"

#include "hs_roots.h"
#include "hs_refs_dict.h"
#include "hs_retained.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define UNSEEN UINT32_MAX
#define DEAD (UINT32_MAX - 1) /* pre[] of a phantom: never numbered */
/* Prefetching: how many numbers ahead each stage of step 2 works, and
 * how many of an object's edges are asked for at most (a big list's
 * later edges are read in order, which the hardware prefetches). */
#define AHEAD 32
#define PREFETCH_CHILDREN 16

/* A node of eval's forest: its compressed ancestor, and the smallest
 * semidominator on its path (the semi of the textbook's label). */
typedef struct dom_link {
    uint32_t anc;
    uint32_t best;
} dom_link;

/* The scratch arrays of one computation (sizes n + 1). */
typedef struct dom_work {
    const hs_graph *g;
    const hs_roots *r;
    uint32_t *pre;      /* id -> number, UNSEEN or DEAD */
    uint32_t *vertex;   /* number -> id (vertex[0] unused: virtual) */
    uint32_t *parent;   /* number -> depth-first parent; then idom */
    dom_link *forest;   /* search stack, then eval's forest */
    uint32_t *semi;     /* search cursors, then semidominators */
    hs_bits is_root;    /* per id: hs_roots_kind is not NULL */
    hs_bits is_own;     /* per id: hs_roots_own */
    hs_bits seen;       /* per id: numbered or a phantom (pre < UNSEEN) */
    hs_bits one_parent; /* per id: exactly one parent */
    uint32_t *todo;     /* step 2's numbers whose semi is not known */
    uint64_t ntodo, todo_parts[HS_MAX_THREADS];
    uint32_t *path;     /* eval's compression stack */
    uint32_t count;     /* numbers handed out, the virtual root included */
    uint32_t roots, extra_roots;
    uint32_t *extra;    /* the extra roots, ascending (the result's) */
    const hs_stop *stop; /* the caller's, asked every 64 K steps */
    bool stopped;
} dom_work;

/* Whether the caller asked to stop, at step i (see hs_stop.h): inline,
 * since it is asked at every object numbered. */
static inline bool
halt(dom_work *w, uint64_t i)
{
    if (!w->stopped && hs_stop_at(w->stop, i)) {
        w->stopped = true;
    }
    return w->stopped;
}

/* MARK: step 1, the depth-first numbering */

static inline bool
is_root(const dom_work *w, uint32_t id)
{
    return hs_bits_test(&w->is_root, id);
}

/* The dumper's own objects: numbered, never searched (their refs are no
 * edges), never a predecessor. */
static inline bool
is_own(const dom_work *w, uint32_t id)
{
    return hs_bits_test(&w->is_own, id);
}

static void
number(dom_work *w, uint32_t id, uint32_t parent)
{
    uint32_t k = w->count++;
    w->pre[id] = k;
    hs_bits_set(&w->seen, id);
    w->vertex[k] = id;
    w->parent[k] = parent;
}

/* The search's stack, one entry per object being searched, deepest last,
 * in three arrays the search does not otherwise use (forest, semi and
 * path: step 2 fills them afterwards): where the object's next child is
 * in the children's targets, how many are left, and its number. An
 * object's offsets are read once, when it is pushed, and never again:
 * coming back up reads only the stack's top. */
typedef struct dom_stack {
    uint64_t *next;
    uint32_t *left;
    uint32_t *k;
    uint32_t top;
} dom_stack;

/* Pushes number k (object id) unless it has no children (nothing to
 * search) or is one of the dumper's own (its refs are no edges); asks
 * for its children's offsets and their seen bits at once, so that the
 * misses of the siblings overlap while the search goes down the first
 * one. */
static inline void
push(dom_work *w, dom_stack *st, uint32_t id, uint32_t k)
{
    const hs_csr *ch = &w->g->children;
    uint64_t b, e;
    if (is_own(w, id)) {
        return;
    }
    hs_csr_range(ch, id, &b, &e);
    if (b == e) {
        return;
    }
    for (uint64_t c = b; c < e && c < b + PREFETCH_CHILDREN; c++) {
        hs_csr_prefetch(ch, ch->targets[c]);
    }
    st->next[st->top] = b;
    st->left[st->top] = (uint32_t)(e - b);
    st->k[st->top] = k;
    st->top++;
}

/* Numbers everything reachable from root, which becomes a child of the
 * virtual root. Pre: root is live and unnumbered. Post: every live id
 * reachable from root through unnumbered ids is numbered. */
static void
search_from(dom_work *w, uint32_t root)
{
    const uint32_t *targets = w->g->children.targets;
    dom_stack st = {(uint64_t *)w->forest, w->semi, w->path, 0};
    number(w, root, 0);
    push(w, &st, root, w->count - 1);
    w->roots++;
    while (st.top) {
        uint32_t t = st.top - 1, left = st.left[t], id;
        uint64_t c = st.next[t];
        /* A bit per id (a megabyte for eight million objects) stays in
         * the cache where pre[] (32 times that) would miss. */
        while (left && hs_bits_test(&w->seen, targets[c])) {
            c++;
            left--;
        }
        if (!left) {
            st.top--;
            continue;
        }
        id = targets[c];
        st.next[t] = c + 1;
        st.left[t] = left - 1;
        number(w, id, st.k[t]);
        push(w, &st, id, w->count - 1);
        if (halt(w, w->count)) {
            return;
        }
    }
}

static void
search(dom_work *w, uint64_t *unreached)
{
    const hs_graph *g = w->g;
    uint32_t reached;
    hs_roots_mark(w->r, &w->is_root);
    for (size_t i = 0; i < w->r->nown; i++) {
        hs_bits_set(&w->is_own, w->r->own[i]);
    }
    for (uint32_t id = 0; id < g->n && !halt(w, id); id++) {
        if (is_root(w, id) && !hs_bits_test(&w->seen, id)) {
            search_from(w, id);
        }
    }
    reached = w->count;
    for (uint32_t id = 0; id < g->n && !halt(w, id); id++) {
        if (!hs_bits_test(&w->seen, id)) {
            search_from(w, id);
            w->extra[w->extra_roots++] = id;
        }
    }
    *unreached = w->count - reached;
}

/* MARK: step 2, semidominators */

/* The smallest semidominator on v's path in the forest of linked numbers
 * (those >= last), v included, its tree root excluded; compresses the
 * path. Pre: the path stack has room for any path. */
static uint32_t
eval(dom_work *w, uint32_t v, uint32_t last)
{
    dom_link *f = w->forest;
    uint32_t top = 0, p, pbest;
    if (f[v].anc < last) {
        return f[v].best;
    }
    do {
        w->path[top++] = v;
        v = f[v].anc;
    } while (f[v].anc >= last);
    p = v;
    pbest = f[p].best;
    do {
        uint32_t u = w->path[--top];
        f[u].anc = f[p].anc;
        if (pbest < f[u].best) {
            f[u].best = pbest;
        } else {
            pbest = f[u].best;
        }
        p = u;
    } while (top);
    return f[p].best;
}

/* Starts the cache misses of the predecessors of the number at todo[i]
 * ahead of step 2, in stages, each a fixed distance ahead of the next
 * (the loop goes down the list): the parent offsets of its object, then
 * its list of predecessors, then their numbers, then their forest
 * nodes. Each stage reads what the one before brought in. Always
 * inlined: GCC takes a function that only prefetches for one without
 * effects and drops the call. */
static inline __attribute__((always_inline)) void
prefetch_preds(const dom_work *w, uint64_t i)
{
    const hs_csr *p = &w->g->parents;
    const uint32_t *todo = w->todo;
    uint32_t k;
    uint64_t b, e;
    if (i >= 3 * AHEAD) {
        hs_csr_prefetch(p, w->vertex[todo[i - 3 * AHEAD]]);
    }
    if (i >= 2 * AHEAD) {
        hs_csr_range(p, w->vertex[todo[i - 2 * AHEAD]], &b, &e);
        __builtin_prefetch(&p->targets[b]);
    }
    if (i >= AHEAD) {
        hs_csr_range(p, w->vertex[todo[i - AHEAD]], &b, &e);
        for (uint64_t c = b; c < e && c < b + PREFETCH_CHILDREN; c++) {
            __builtin_prefetch(&w->pre[p->targets[c]]);
        }
    }
    if (i >= AHEAD / 2) {
        k = todo[i - AHEAD / 2];
        hs_csr_range(p, w->vertex[k], &b, &e);
        for (uint64_t c = b; c < e && c < b + PREFETCH_CHILDREN; c++) {
            uint32_t j = w->pre[p->targets[c]];
            if (j < DEAD && j > k) {
                __builtin_prefetch(&w->forest[j]);
            }
        }
    }
}

/* The semidominator of number k when step 2 need not look: the virtual
 * root's (0) for a root, k itself when step 2 must. An object with one
 * parent (most of a heap: 86 % to 96 % of the bench dumps) was reached
 * from it, so that parent is its depth-first parent, numbered before
 * it: a predecessor below k is its own semi's candidate, and there is
 * no other. */
static inline uint32_t
known_semi(const dom_work *w, uint64_t k)
{
    uint32_t p = w->parent[k], id;
    if (p == 0) {
        return 0; /* a search's root, or the virtual root itself */
    }
    id = w->vertex[k];
    if (is_root(w, id)) {
        return 0;
    }
    return hs_bits_test(&w->one_parent, id) ? p : (uint32_t)k;
}

/* Step 2's starting point for the numbers [lo, hi): each its own forest
 * tree, its semidominator when known (see known_semi: decided here,
 * where the bit reads are independent and overlap, rather than in step
 * 2's loop, behind its chains of misses), and the count of those left
 * for step 2. */
static int
semi_init(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    dom_work *w = ctx;
    uint64_t todo = 0;
    for (uint64_t k = lo; k < hi; k++) {
        uint32_t s = known_semi(w, k); /* 0 for the virtual root */
        w->forest[k].anc = w->parent[k];
        w->forest[k].best = w->semi[k] = s;
        todo += k && s == k;
    }
    w->todo_parts[part] = todo;
    return HS_OK;
}

/* Lists step 2's numbers, ascending: those semi_init left as their own
 * semidominator. Their list has its own prefetch distances, which the
 * numbers step 2 skips would otherwise eat. */
static int
list_todo(dom_work *w, unsigned parts)
{
    uint64_t n = 0;
    for (unsigned p = 0; p < parts; p++) {
        n += w->todo_parts[p];
    }
    /* One more: the loop writes each number before it knows whether to
     * keep it. */
    w->todo = hs_malloc_array(w->g->a, n + 1, sizeof(*w->todo));
    if (!w->todo) {
        return HS_ENOMEM;
    }
    for (uint32_t k = 1; k < w->count; k++) {
        w->todo[w->ntodo] = k;
        w->ntodo += w->semi[k] == k;
    }
    return HS_OK;
}

static int
semidominators(dom_work *w)
{
    const hs_graph *g = w->g;
    const uint32_t *preds = g->parents.targets;
    unsigned parts = 1;
    int rc;
    (void)hs_parallel_ranges(hs_graph_threads(g), w->count,
                             HS_DOM_PARALLEL_NUMBERS, semi_init, w, &parts);
    rc = list_todo(w, parts);
    if (rc < 0) {
        return rc;
    }
    for (uint64_t i = w->ntodo; i-- > 0 && !halt(w, w->ntodo - i);) {
        uint32_t k = w->todo[i], s = w->parent[k];
        uint64_t b, e;
        prefetch_preds(w, i);
        hs_csr_range(&g->parents, w->vertex[k], &b, &e);
        for (uint64_t c = b; c < e; c++) {
            uint32_t j, sj;
            if (c + PREFETCH_CHILDREN < e) {
                /* A long list (a string a thousand objects hold): the
                 * edges past those prefetch_preds asked for. */
                uint32_t far = w->pre[preds[c + PREFETCH_CHILDREN / 2]];
                __builtin_prefetch(&w->pre[preds[c + PREFETCH_CHILDREN]]);
                if (far < DEAD && far > k) {
                    __builtin_prefetch(&w->forest[far]);
                }
            }
            j = w->pre[preds[c]];
            if (j >= DEAD) {
                continue;
            }
            /* A predecessor numbered before w (its depth-first parent, and
             * the only one most objects have) is not linked yet: its semi
             * is still itself. The dumper's own objects are no
             * predecessors; asked only when it matters (eval's compression
             * changes no answer). */
            sj = j <= k ? j : eval(w, j, k + 1);
            if (sj < s && !is_own(w, preds[c])) {
                s = sj;
                if (s == 0) {
                    /* The virtual root: no candidate is smaller. An
                     * object half the heap refers to (None, a small
                     * int, an interned string) meets one soon and
                     * skips millions of predecessors. */
                    break;
                }
            }
        }
        w->semi[k] = w->forest[k].best = s;
    }
    return HS_OK;
}

/* MARK: step 3, immediate dominators */

/* Turns parent[] into idom[] in place, in number space. Post: every
 * idom precedes its object in preorder, so d->order lists each object
 * after its immediate dominator, which hs_retained.c's one backward pass
 * relies on. */
static void
immediate_dominators(dom_work *w)
{
    uint32_t *idom = w->parent;
    for (uint32_t k = 1; k < w->count && !halt(w, k); k++) {
        uint32_t d = idom[k];
        while (d > w->semi[k]) {
            d = idom[d];
        }
        if (d >= k) {
            HS_BUG("an immediate dominator after its object in preorder");
        }
        idom[k] = d;
    }
}

/* MARK: the handle */

static void
work_release(dom_work *w)
{
    const hs_allocator *a = w->g->a;
    hs_mfree(a, w->pre);
    hs_mfree(a, w->parent);
    hs_mfree(a, w->forest);
    hs_mfree(a, w->semi);
    hs_bits_release(&w->is_root);
    hs_bits_release(&w->is_own);
    hs_bits_release(&w->seen);
    hs_bits_release(&w->one_parent);
    hs_mfree(a, w->path);
    hs_mfree(a, w->todo);
}

/* Frees one scratch array early (work_release frees the rest), its pages
 * given back first: an array freed in the middle of the heap stays
 * resident otherwise, and the retained sizes allocated next would add to
 * the peak instead of taking its place. */
#define DROP(w, field, bytes)                                              \
    (hs_drop_pages((w)->field, (bytes)), hs_mfree((w)->g->a, (w)->field), \
     (w)->field = NULL)

/* work_init's part for the ids and numbers of the 64-id words [lo, hi):
 * every array but eval's path stack is written for each object reached,
 * which is nearly all, so their pages are mapped in one call each (see
 * hs_prefault); phantoms are marked once, in id order, so that the
 * search reads one bit per edge. A range owns its words of bits. */
static int
init_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    dom_work *w = ctx;
    uint64_t ids = (uint64_t)w->g->n + 1, a = lo * 64;
    uint64_t b = hi * 64 < ids ? hi * 64 : ids;
    size_t bytes = (size_t)(b - a) * sizeof(uint32_t);
    (void)part;
    hs_prefault(w->pre + a, bytes);
    hs_prefault(w->vertex + a, bytes);
    hs_prefault(w->parent + a, bytes);
    hs_prefault(w->forest + a, 2 * bytes);
    hs_prefault(w->semi + a, bytes);
    memset(w->pre + a, 0xff, bytes);
    for (uint64_t id = a; id < b && id < w->g->n; id++) {
        if (!hs_live(w->g, (uint32_t)id)) {
            w->pre[id] = DEAD;
            hs_bits_set(&w->seen, (uint32_t)id);
        } else if (hs_csr_degree(&w->g->parents, (uint32_t)id) == 1) {
            hs_bits_set(&w->one_parent, (uint32_t)id);
        }
    }
    return HS_OK;
}

/* Whether an object has more children than the search's 32-bit count of
 * those left can hold: possible only past 4 G refs in all. */
static bool
too_many_children(const hs_graph *g)
{
    if (g->children.nedges <= UINT32_MAX) {
        return false;
    }
    for (uint32_t id = 0; id < g->n; id++) {
        if (hs_csr_degree(&g->children, id) > UINT32_MAX) {
            return true;
        }
    }
    return false;
}

static int
work_init(dom_work *w, const hs_graph *g, uint32_t **vertex)
{
    const hs_allocator *a = g->a;
    size_t bytes;
    memset(w, 0, sizeof(*w));
    w->g = g;
    if (!hs_size_mul((size_t)g->n + 1, sizeof(uint32_t), &bytes)
        || g->n >= DEAD /* numbers go up to n: below DEAD and UNSEEN */
        || too_many_children(g)) {
        return HS_ELIMIT;
    }
    w->pre = hs_malloc(a, bytes);
    w->vertex = *vertex = hs_malloc(a, bytes);
    w->parent = hs_malloc(a, bytes);
    w->forest = hs_malloc_array(a, (size_t)g->n + 1, sizeof(*w->forest));
    w->semi = hs_malloc(a, bytes);
    w->path = hs_malloc(a, bytes);
    if (!w->pre || !w->vertex || !w->parent || !w->forest || !w->semi
        || !w->path || hs_bits_init(&w->is_root, a, g->n) < 0
        || hs_bits_init(&w->is_own, a, g->n) < 0
        || hs_bits_init(&w->seen, a, g->n) < 0
        || hs_bits_init(&w->one_parent, a, g->n) < 0) {
        return HS_ENOMEM;
    }
    (void)hs_parallel_ranges(hs_graph_threads(g),
                             ((uint64_t)g->n + 1 + 63) / 64,
                             HS_DOM_PARALLEL_NUMBERS / 64, init_range, w,
                             NULL);
    w->count = 1; /* number 0 is the virtual root */
    w->parent[0] = 0;
    return HS_OK;
}

/* publish's parts: the computation, and the result's idom by id. */
typedef struct publish_job {
    const dom_work *w;
    uint32_t *idom;
} publish_job;

/* idom in id space for the numbers [lo, hi) (a part of publish). */
static int
publish_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    const publish_job *j = ctx;
    const dom_work *w = j->w;
    uint32_t *idom = j->idom;
    (void)part;
    for (uint64_t k = lo < 1 ? 1 : lo; k < hi; k++) {
        uint32_t p = w->parent[k];
        idom[w->vertex[k]] = p ? w->vertex[p] : HS_DOM_ROOT;
    }
    return HS_OK;
}

/* Moves the result from number space to id space. */
static void
publish(hs_dominators *d, const dom_work *w)
{
    publish_job j = {w, d->idom};
    hs_parallel_fill(hs_graph_threads(w->g), d->idom,
                     (size_t)d->n * sizeof(*d->idom), 0xff);
    (void)hs_parallel_ranges(hs_graph_threads(w->g), w->count,
                             HS_DOM_PARALLEL_NUMBERS, publish_range, &j,
                             NULL);
    /* order is vertex without the virtual root's slot. */
    memmove(d->order, d->order + 1,
            (size_t)(w->count - 1) * sizeof(*d->order));
    d->reached = w->count - 1;
    d->roots = w->roots;
    d->extra_roots = w->extra_roots;
}

/* Gives back the unused tail of the extra roots' array. */
static void
trim_extra(hs_dominators *d)
{
    uint32_t *e = hs_realloc_array(d->g->a, d->extra,
                                   (size_t)d->extra_roots + 1, sizeof(*e));
    if (e) {
        d->extra = e;
    }
}

static int
compute(hs_dominators *d, const hs_graph *g, const hs_stop *stop,
        bool *stopped)
{
    dom_work w;
    int rc = work_init(&w, g, &d->order);
    w.r = &d->rooted;
    w.stop = stop;
    d->extra = hs_malloc_array(g->a, (size_t)g->n + 1, sizeof(*d->extra));
    w.extra = d->extra;
    if (rc == HS_OK && !d->extra) {
        rc = HS_ENOMEM;
    }
    if (rc == HS_OK) {
        search(&w, &d->unreached);
        if (!w.stopped) {
            rc = semidominators(&w);
        }
        if (rc == HS_OK && !w.stopped) {
            immediate_dominators(&w);
        }
        *stopped = w.stopped;
        if (rc == HS_OK && w.stopped) {
            rc = HS_ELIMIT;
        }
    }
    if (rc == HS_OK) {
        /* In number space, before publish, with the forest and semi as
         * scratch; what is no longer needed goes first, and the scratch
         * before idom comes, so the peak stays that of the search. */
        size_t ids = (size_t)g->n + 1;
        DROP(&w, pre, ids * sizeof(*w.pre));
        DROP(&w, path, ids * sizeof(*w.path));
        hs_mfree(g->a, w.todo);
        w.todo = NULL;
        rc = hs_retained_compute(d, w.vertex, w.parent, w.count,
                                 (uint64_t *)w.forest, w.semi);
        DROP(&w, forest, ids * sizeof(*w.forest));
        DROP(&w, semi, ids * sizeof(*w.semi));
    }
    if (rc == HS_OK) {
        d->idom = hs_malloc_array(g->a, (size_t)g->n + 1, sizeof(*d->idom));
        if (!d->idom) {
            rc = HS_ENOMEM;
        } else {
            publish(d, &w);
            trim_extra(d);
        }
    }
    work_release(&w);
    return rc;
}

hs_dominators *
hs_dominators_alloc(const hs_graph *g, hs_error *err)
{
    hs_dominators *d;
    if (!g->have_parents) {
        hs_error_set(err, HS_EINVAL, "parents were not computed");
        return NULL;
    }
    d = hs_calloc(g->a, 1, sizeof(*d));
    if (!d) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    d->g = g;
    d->n = g->n;
    return d;
}

hs_dominators *
hs_dominators_new(const hs_graph *g, hs_error *err)
{
    return hs_dominators_new_stop(g, NULL, err);
}

hs_dominators *
hs_dominators_new_stop(const hs_graph *g, const hs_stop *stop, hs_error *err)
{
    hs_dominators *d = hs_dominators_alloc(g, err);
    bool stopped = false;
    int rc;
    if (!d) {
        return NULL;
    }
    rc = hs_roots_init(&d->rooted, g);
    if (rc == HS_OK) {
        rc = compute(d, g, stop, &stopped);
    }
    if (rc == HS_OK && (stopped = hs_stop_now(stop))) {
        rc = HS_ELIMIT;
    }
    if (rc < 0) {
        hs_dominators_free(d);
        hs_error_set(err, rc, stopped ? "stopped"
                              : rc == HS_ELIMIT ? "too many objects, or "
                                                  "refs in one object"
                                                : "out of memory");
        return NULL;
    }
    return d;
}

void
hs_dominators_free(hs_dominators *d)
{
    if (d) {
        const hs_allocator *a = d->g->a;
        if (d->map) {
            munmap(d->map, d->map_bytes);
        } else {
            hs_mfree(a, d->idom);
            hs_mfree(a, d->order);
            hs_mfree(a, d->extra);
            hs_mfree(a, d->retained);
            hs_mfree(a, d->retained_count);
        }
        hs_roots_release(&d->rooted);
        hs_mfree(a, d);
    }
}

uint32_t
hs_dominators_idom(const hs_dominators *d, uint32_t id)
{
    if (id >= d->n || d->idom[id] == HS_DOM_ROOT) {
        return HS_NO_NODE;
    }
    return d->idom[id];
}

int
hs_dominators_is_root(const hs_dominators *d, uint32_t id)
{
    return id < d->n && d->idom[id] == HS_DOM_ROOT;
}

const char *
hs_dominators_root_kind(const hs_dominators *d, uint32_t id)
{
    size_t lo = 0, hi;
    const char *kind;
    if (!hs_dominators_is_root(d, id)) {
        return NULL;
    }
    kind = hs_roots_kind(&d->rooted, id);
    if (kind) {
        return kind;
    }
    if (hs_roots_own(&d->rooted, id)) {
        return "the dumper's own";
    }
    hi = d->extra_roots;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (d->extra[mid] < id) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < d->extra_roots && d->extra[lo] == id ? "unreached"
                                                     : "several roots";
}

uint64_t
hs_dominators_unreached(const hs_dominators *d)
{
    return d->unreached;
}

uint64_t
hs_dominators_roots(const hs_dominators *d)
{
    return d->roots;
}

/* MARK: the label of an object under its dominator */

/* A small open-addressing map id -> next id on the way back to id,
 * for searches that stay near one object. */
typedef struct near_map {
    uint32_t *keys, *vals;
    size_t cap, n;
} near_map;

static size_t
near_slot(const near_map *m, uint32_t key)
{
    size_t i = ((size_t)key * 2654435761u) & (m->cap - 1);
    while (m->keys[i] != HS_NO_NODE && m->keys[i] != key) {
        i = (i + 1) & (m->cap - 1);
    }
    return i;
}

/* Adds key -> val unless key is there; false when out of room. */
static bool
near_add(near_map *m, uint32_t key, uint32_t val)
{
    size_t i;
    if (m->n * 2 >= m->cap) {
        return false;
    }
    i = near_slot(m, key);
    if (m->keys[i] == HS_NO_NODE) {
        m->keys[i] = key;
        m->vals[i] = val;
        m->n++;
    }
    return true;
}

#define NEAR_MAX (1u << 16) /* objects a label search may visit */

/* Breadth-first backwards from id over parents until dom is met: every
 * parent of an object dominated by dom is dom or dominated by dom, so
 * the search never leaves dom's subtree. Returns the chain as ids, dom
 * first, id last, in *chain (*len ids), or HS_ELIMIT past NEAR_MAX. */
static int
chain_from(const hs_graph *g, uint32_t dom, uint32_t id, uint32_t **chain,
           size_t *len)
{
    /* The search queues each object once, so a graph of fewer objects
     * than NEAR_MAX needs no more room than it has objects (a map four
     * times that, as for NEAR_MAX, so it never fills either): a label
     * on a small graph need not clear a megabyte. */
    size_t budget = (size_t)g->n + 1 < NEAR_MAX ? (size_t)g->n + 1 : NEAR_MAX;
    near_map m = {NULL, NULL, 16, 0};
    uint32_t *queue = hs_malloc(g->a, budget * sizeof(*queue)), v;
    size_t head = 0, tail = 0;
    int rc = HS_ELIMIT;
    while (m.cap < budget * 4) {
        m.cap *= 2;
    }
    m.keys = hs_malloc(g->a, m.cap * sizeof(*m.keys));
    m.vals = hs_malloc(g->a, m.cap * sizeof(*m.vals));
    if (!queue || !m.keys || !m.vals) {
        rc = HS_ENOMEM;
        goto out;
    }
    memset(m.keys, 0xff, m.cap * sizeof(*m.keys));
    near_add(&m, id, id);
    queue[tail++] = id;
    while (head < tail) {
        uint64_t b, e;
        v = queue[head++];
        hs_csr_range(&g->parents, v, &b, &e);
        for (uint64_t c = b; c < e; c++) {
            uint32_t u = g->parents.targets[c];
            size_t before = m.n;
            if (!near_add(&m, u, v) || tail == NEAR_MAX) {
                goto out;
            }
            if (m.n == before) {
                continue;
            }
            if (u == dom) {
                size_t n = 1;
                for (v = dom; v != id; v = m.vals[near_slot(&m, v)]) {
                    n++;
                }
                *chain = hs_malloc_array(g->a, n, sizeof(**chain));
                if (!*chain) {
                    rc = HS_ENOMEM;
                    goto out;
                }
                *len = n;
                n = 0;
                for (v = dom; v != id; v = m.vals[near_slot(&m, v)]) {
                    (*chain)[n++] = v;
                }
                (*chain)[n] = id;
                rc = HS_OK;
                goto out;
            }
            queue[tail++] = u;
        }
    }
out:
    hs_mfree(g->a, queue);
    hs_mfree(g->a, m.keys);
    hs_mfree(g->a, m.vals);
    return rc;
}

char *
hs_dominators_label(const hs_dominators *d, uint32_t id, size_t max_key,
                    hs_error *err)
{
    const hs_graph *g = d->g;
    hs_buf b = HS_BUF_INIT;
    uint32_t *chain = NULL;
    size_t len = 0;
    char *out;
    int rc = HS_OK;
    hs_buf_adds(&b, "");
    if (id < d->n && d->idom[id] != HS_NO_NODE && d->idom[id] != HS_DOM_ROOT) {
        rc = chain_from(g, d->idom[id], id, &chain, &len);
    }
    if (rc == HS_ELIMIT) {
        hs_buf_adds(&b, "...");
    }
    for (size_t k = 0; k + 1 < len; k++) {
        size_t at = b.len;
        hs_buf_add_edge_label(&b, g, chain[k],
                              hs_ref_index(g, chain[k], chain[k + 1]),
                              max_key);
        if (b.len > at && b.data[at] != '.' && b.data[at] != '[') {
            hs_buf_addc(&b, '.'); /* "refs[2]" reads ".refs[2]" */
            memmove(b.data + at + 1, b.data + at, b.len - at - 1);
            b.data[at] = '.';
        }
    }
    hs_mfree(g->a, chain);
    out = rc == HS_ENOMEM ? NULL : hs_buf_detach(&b);
    if (!out) {
        hs_buf_release(&b);
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
