/*
 * hs_semi_nca.c - computing the dominator tree of a dump (what an object
 * dominates and retains: see hs_dominators.c).
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
 * reachable from the roots is placed, the first unplaced live id in file
 * order becomes an extra root, everything it reaches is placed, and so
 * on until every live object has a place. Each extra root is the
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
 * Most of a heap needs none of it (63 % of the objects of either bench
 * dump): a leaf, an object without refs whose one parent hands it out
 * (see mark_leaves), is dominated by that parent and is no one's
 * predecessor. So the search gives every object a place (its
 * position in the preorder of all objects: `order`, which the retained
 * sizes and every later reader use) and only the others a number, and
 * steps 2 and 3 run over the numbers; then each number's idom becomes a
 * place, beside the places the leaves got from their parents. An
 * object with one parent that is not a leaf gets that parent as its
 * semidominator before step 2, which works through a list of the rest.
 *
 * Every step is a loop: the depth-first search keeps an explicit stack,
 * eval() collects the path to compress on an explicit stack, and step 3
 * climbs in place. A chain of ten million objects is fine.
 *
 * MARK: memory
 *
 * Arrays of 32-bit entries, indexed by id: pre (id -> number); by
 * place: order (place -> id) and up (the place of its immediate
 * dominator); by number: vertex (number -> id), place, parent, semi,
 * eval's forest (two entries each) and its path stack. 12 bytes per
 * object and 28 per numbered object during the computation (on the
 * bench dumps, 37 % of the objects are numbered: 22 bytes per object in
 * all), five bits (roots, own objects, seen, one
 * parent, leaf), and step 2's list of the numbers it must work out (4
 * bytes each, a few percent of the objects). The arrays by number are
 * allocated for every object but mapped only as far as the numbers go.
 * Retained sizes (12 bytes) are summed by place with the forest and pre
 * as scratch, mapped whole from the start, once the arrays by number are
 * given back, and idom (4) comes after the scratch goes: 32 bytes per
 * object at the peak; order stays with idom, retained size and count: 20
 * bytes per object in the result. The search's stack lives in the
 * forest, semi and the path until step 2 needs them.
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
 * object is a root, one of the dumper's own, of one parent or a leaf,
 * are bits per id (hs_bits), set in passes in id order, instead of a
 * type and parent counts read at random per object. The search asks
 * whether a child is placed (or a phantom) of a bit per id, which stays
 * in the cache where pre[] would not, and keeps on its stack where each
 * object's next child is, so that coming back up to an object reads
 * nothing of the graph again. An object millions refer to (None) stops
 * step 2 at the first predecessor that gives the virtual root. What no
 * layout avoids is prefetched: the search asks for all of an object's
 * children's offsets when it first enters the object, so its siblings
 * are in cache when it comes back up; step 2 knows which numbers come
 * next and starts, a few numbers ahead, the misses of their offsets,
 * predecessor lists, predecessors' numbers and forest nodes, one stage
 * per level. The loops with no chain between entries (mapping the
 * arrays, marking the bits, step 2's start, idoms to places, moving the
 * result to id space, the retained sizes' reads and writes by id) run on
 * every core.
 */
#include "hs_dominators.h"

#include "hs_roots.h"
#include "hs_retained.h"
#include "../util/hs_bigblock.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

#define UNSEEN UINT32_MAX
#define DEAD (UINT32_MAX - 1) /* pre[] of a phantom: never numbered */
/* Prefetching: how many numbers ahead each stage of step 2 works, and
 * how many of an object's edges are asked for at most (a big list's
 * later edges are read in order, which the hardware prefetches). */
#define AHEAD 32
#define PREFETCH_CHILDREN 16
/* How far ahead step 2 asks for the numbers of a long predecessor list
 * (a string a thousand objects hold), and half that for their forest
 * nodes: twice PREFETCH_CHILDREN took 8 % to 10 % off step 2 on the
 * bench dumps, four times no more. */
#define LONG_AHEAD 32

/* A node of eval's forest: its compressed ancestor, and the smallest
 * semidominator on its path (the semi of the textbook's label). */
typedef struct dom_link {
    uint32_t anc;
    uint32_t best;
} dom_link;

/* The scratch arrays of one computation (sizes n + 1, of which those by
 * number are mapped only as far as the numbers go; place 0 and number 0
 * are the virtual root). */
typedef struct dom_work {
    const hs_graph *g;
    const hs_roots *r;
    uint32_t *order;    /* place -> id: the preorder of every object */
    uint32_t *up;       /* place -> its immediate dominator's place */
    uint32_t *pre;      /* id -> number, DEAD, or UNSEEN (leaves too) */
    uint32_t *vertex;   /* number -> id */
    uint32_t *place;    /* number -> place */
    uint32_t *parent;   /* number -> depth-first parent; then idom */
    dom_link *forest;   /* search stack, then eval's forest */
    uint32_t *semi;     /* search stack, then semidominators */
    hs_bits is_root;    /* per id: hs_roots_kind is not NULL */
    hs_bits is_own;     /* per id: hs_roots_own */
    hs_bits seen;       /* per id: placed, or a phantom */
    hs_bits one_parent; /* per id: exactly one parent */
    hs_bits leaf;       /* per id: placed under its parent, not numbered */
    uint32_t *todo;     /* step 2's numbers whose semi is not known */
    uint64_t ntodo;
    uint64_t parts[HS_MAX_THREADS]; /* per part: leaves, then todo */
    uint32_t *path;     /* search stack, then eval's compression stack */
    uint32_t count;     /* numbers handed out, the virtual root included */
    uint32_t places;    /* places handed out, the virtual root included */
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

/* MARK: step 1, the depth-first places and numbers */

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

/* Places id next in the preorder, under the place of its depth-first
 * parent (for a leaf, its immediate dominator). */
static inline uint32_t
put(dom_work *w, uint32_t id, uint32_t up)
{
    uint32_t at = w->places++;
    hs_bits_set(&w->seen, id);
    w->order[at] = id;
    w->up[at] = up;
    return at;
}

/* Places and numbers id, a depth-first child of number parent. */
static void
number(dom_work *w, uint32_t id, uint32_t parent)
{
    uint32_t k = w->count++;
    w->pre[id] = k;
    w->vertex[k] = id;
    w->parent[k] = parent;
    w->place[k] = put(w, id, w->place[parent]);
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
 * for its children's offsets at once, so that the misses of the
 * siblings overlap while the search goes down the first one. */
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

/* Places everything reachable from root, which becomes a child of the
 * virtual root, and numbers all of it but the leaves. Pre: root is live
 * and unplaced. Post: every live id reachable from root through unplaced
 * ids is placed. */
static void
search_from(dom_work *w, uint32_t root)
{
    const uint32_t *targets = w->g->children.targets;
    dom_stack st = {(uint64_t *)w->forest, w->semi, w->path, 0};
    number(w, root, 0);
    push(w, &st, root, w->count - 1);
    w->roots++;
    while (st.top) {
        uint32_t t = st.top - 1, left = st.left[t], k = st.k[t], id = 0;
        uint64_t c = st.next[t];
        /* A bit per id (a megabyte for eight million objects) stays in
         * the cache where pre[] (32 times that) would miss. A leaf is
         * placed where it stands among its siblings, and the search goes
         * on along them. */
        for (; left; c++, left--) {
            id = targets[c];
            if (hs_bits_test(&w->seen, id)) {
                continue;
            }
            if (!hs_bits_test(&w->leaf, id)) {
                break;
            }
            put(w, id, w->place[k]);
        }
        if (!left) {
            st.top--;
            continue;
        }
        st.next[t] = c + 1;
        st.left[t] = left - 1;
        number(w, id, k);
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
    for (uint32_t id = 0; id < g->n && !halt(w, id); id++) {
        if (is_root(w, id) && !hs_bits_test(&w->seen, id)) {
            search_from(w, id);
        }
    }
    reached = w->places;
    /* A leaf met here (its parent not placed yet, and after it in file
     * order) is an extra root like any other object. */
    for (uint32_t id = 0; id < g->n && !halt(w, id); id++) {
        if (!hs_bits_test(&w->seen, id)) {
            search_from(w, id);
            w->extra[w->extra_roots++] = id;
        }
    }
    *unreached = w->places - reached;
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
        __builtin_prefetch(&p->targets[e > b ? e - 1 : b]);
    }
    if (i >= AHEAD) {
        hs_csr_range(p, w->vertex[todo[i - AHEAD]], &b, &e);
        for (uint64_t c = e; c-- > b && c + PREFETCH_CHILDREN >= e;) {
            __builtin_prefetch(&w->pre[p->targets[c]]);
        }
    }
    if (i >= AHEAD / 2) {
        k = todo[i - AHEAD / 2];
        hs_csr_range(p, w->vertex[k], &b, &e);
        for (uint64_t c = e; c-- > b && c + PREFETCH_CHILDREN >= e;) {
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
    w->parts[part] = todo;
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
        n += w->parts[p];
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
        /* Backwards: parents come in file order, and one in a later
         * search tree, which gives the virtual root at once, comes late
         * (the last parent of 22 of the real bench dump's 33 objects with
         * 4096 parents or more). */
        for (uint64_t c = e; c-- > b;) {
            uint32_t j, sj;
            if (c >= b + LONG_AHEAD) {
                /* A long list: the edges past those prefetch_preds asked
                 * for. */
                uint32_t far = w->pre[preds[c - LONG_AHEAD / 2]];
                __builtin_prefetch(&w->pre[preds[c - LONG_AHEAD]]);
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
                    /* The virtual root: no candidate is smaller. Of the
                     * 7.1 M predecessors of the objects with 4096 or
                     * more on either bench dump (None, small ints,
                     * interned strings, classes), 4.9 M (real) and 1.9 M
                     * (generated) are skipped so. */
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

/* up[] for the places of the numbers [lo, hi): their immediate
 * dominators' places (a leaf's was set when it was placed). */
static int
up_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    dom_work *w = ctx;
    (void)part;
    for (uint64_t k = lo < 1 ? 1 : lo; k < hi; k++) {
        w->up[w->place[k]] = w->place[w->parent[k]];
    }
    return HS_OK;
}

/* MARK: the scratch */

static void
work_release(dom_work *w)
{
    const hs_allocator *a = w->g->a;
    hs_mfree(a, w->up);
    hs_mfree(a, w->pre);
    hs_mfree(a, w->vertex);
    hs_mfree(a, w->place);
    hs_mfree(a, w->parent);
    hs_mfree(a, w->forest);
    hs_mfree(a, w->semi);
    hs_bits_release(&w->is_root);
    hs_bits_release(&w->is_own);
    hs_bits_release(&w->seen);
    hs_bits_release(&w->one_parent);
    hs_bits_release(&w->leaf);
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

/* work_init's pass over the ids of the 64-id words [lo, hi): the arrays
 * by id and by place, and the forest (the retained sizes' scratch by
 * place later), are written for nearly every object, so their pages are
 * mapped in one call each (see hs_prefault); phantoms are marked
 * once, in id order, so that the search reads one bit per edge, and so
 * are the roots, the objects of one parent and the leaves, which it
 * counts. A range owns its words of bits. */
static int
ids_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    dom_work *w = ctx;
    const hs_graph *g = w->g;
    uint64_t ids = (uint64_t)g->n + 1, a = lo * 64, leaves = 0;
    uint64_t b = hi * 64 < ids ? hi * 64 : ids;
    size_t bytes = (size_t)(b - a) * sizeof(uint32_t);
    hs_prefault(w->pre + a, bytes);
    hs_prefault(w->order + a, bytes);
    hs_prefault(w->up + a, bytes);
    hs_prefault(w->forest + a, 2 * bytes); /* then the retained sizes' */
    memset(w->pre + a, 0xff, bytes);
    hs_roots_mark(w->r, &w->is_root, (uint32_t)a, (uint32_t)b);
    for (uint64_t id = a; id < b && id < g->n; id++) {
        uint32_t i = (uint32_t)id;
        if (!hs_live(g, i)) {
            w->pre[id] = DEAD;
            hs_bits_set(&w->seen, i);
        } else if (hs_csr_degree(&g->parents, i) == 1) {
            hs_bits_set(&w->one_parent, i);
            if (hs_csr_degree(&g->children, i) == 0 && !is_root(w, i)) {
                hs_bits_set(&w->leaf, i);
                leaves++;
            }
        }
    }
    w->parts[part] = leaves;
    return HS_OK;
}

/* work_init's part for the numbers [lo, hi): maps the arrays by number
 * as far as the numbers are expected to go. */
static int
numbers_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    dom_work *w = ctx;
    size_t bytes = (size_t)(hi - lo) * sizeof(uint32_t);
    (void)part;
    hs_prefault(w->vertex + lo, bytes);
    hs_prefault(w->place + lo, bytes);
    hs_prefault(w->parent + lo, bytes);
    hs_prefault(w->semi + lo, bytes);
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

/* A leaf is an object with no refs and one parent, and no root: the
 * search places it when that parent hands it out, and the parent, its
 * depth-first parent and only predecessor, is its immediate dominator.
 * It is no one's predecessor, so steps 2 and 3 need no number for it
 * (most of a heap: 63 % of either bench dump). A parent that is never
 * searched (the dumper's own, whose refs are no edges) hands out
 * nothing: its leaf is then met in file order, unplaced, like any object
 * no root reaches, and numbered as an extra root. Returns how many there
 * are. */
static uint64_t
mark_leaves(dom_work *w, unsigned threads)
{
    const hs_graph *g = w->g;
    unsigned used = 1;
    uint64_t leaves = 0;
    (void)hs_parallel_ranges(threads, ((uint64_t)g->n + 1 + 63) / 64,
                             HS_DOM_PARALLEL_NUMBERS / 64, ids_range, w,
                             &used);
    for (unsigned p = 0; p < used; p++) {
        leaves += w->parts[p];
    }
    return leaves;
}

static int
work_init(dom_work *w, const hs_graph *g, const hs_roots *r)
{
    const hs_allocator *a = g->a;
    unsigned threads = hs_graph_threads(g);
    size_t bytes;
    uint64_t numbers;
    memset(w, 0, sizeof(*w));
    w->g = g;
    w->r = r;
    if (!hs_size_mul((size_t)g->n + 1, sizeof(uint32_t), &bytes)
        || g->n >= DEAD /* numbers go up to n: below DEAD and UNSEEN */
        || too_many_children(g)) {
        return HS_ELIMIT;
    }
    w->order = hs_malloc(a, bytes);
    w->up = hs_malloc(a, bytes);
    w->pre = hs_malloc(a, bytes);
    w->vertex = hs_malloc(a, bytes);
    w->place = hs_malloc(a, bytes);
    w->parent = hs_malloc(a, bytes);
    w->forest = hs_malloc_array(a, (size_t)g->n + 1, sizeof(*w->forest));
    w->semi = hs_malloc(a, bytes);
    w->path = hs_malloc(a, bytes);
    if (!w->order || !w->up || !w->pre || !w->vertex || !w->place
        || !w->parent || !w->forest || !w->semi || !w->path
        || hs_bits_init(&w->is_root, a, g->n) < 0
        || hs_bits_init(&w->is_own, a, g->n) < 0
        || hs_bits_init(&w->seen, a, g->n) < 0
        || hs_bits_init(&w->one_parent, a, g->n) < 0
        || hs_bits_init(&w->leaf, a, g->n) < 0) {
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < r->nown; i++) {
        hs_bits_set(&w->is_own, r->own[i]);
    }
    /* Numbers for all but the leaves, and the phantoms (counted among the
     * non-leaves: an over-estimate, and a leaf that becomes an extra root
     * gets a number past it, on a page mapped when written). */
    numbers = (uint64_t)g->n + 1 - mark_leaves(w, threads);
    (void)hs_parallel_ranges(threads, numbers, HS_DOM_PARALLEL_NUMBERS,
                             numbers_range, w, NULL);
    w->count = w->places = 1; /* number and place 0: the virtual root */
    w->order[0] = w->vertex[0] = 0;
    w->up[0] = w->place[0] = w->parent[0] = 0;
    return HS_OK;
}

/* publish's parts: the computation, and the result's idom by id. */
typedef struct publish_job {
    const dom_work *w;
    uint32_t *idom;
} publish_job;

/* idom in id space for the places [lo, hi) (a part of publish). */
static int
publish_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    const publish_job *j = ctx;
    const dom_work *w = j->w;
    uint32_t *idom = j->idom;
    (void)part;
    for (uint64_t i = lo < 1 ? 1 : lo; i < hi; i++) {
        uint32_t p = w->up[i];
        idom[w->order[i]] = p ? w->order[p] : HS_DOM_ROOT;
    }
    return HS_OK;
}

/* Moves the result from place space to id space. */
static void
publish(hs_dominators *d, const dom_work *w)
{
    publish_job j = {w, d->idom};
    hs_parallel_fill(hs_graph_threads(w->g), d->idom,
                     (size_t)d->n * sizeof(*d->idom), 0xff);
    (void)hs_parallel_ranges(hs_graph_threads(w->g), w->places,
                             HS_DOM_PARALLEL_NUMBERS, publish_range, &j,
                             NULL);
    /* order is the places without the virtual root's. */
    memmove(d->order, d->order + 1,
            (size_t)(w->places - 1) * sizeof(*d->order));
    d->reached = w->places - 1;
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

int
hs_dominators_compute(hs_dominators *d, const hs_stop *stop, bool *stopped)
{
    const hs_graph *g = d->g;
    dom_work w;
    int rc;
    /* Fresh arrays, written once and soon freed (or kept and read a few
     * times): on small pages, which cost less to clear on a virtual
     * machine (hs_bigblock.h). In a cold `top` of the real bench dump
     * the tree took 0.52 s this way against 0.72 s on huge pages. */
    hs_big_small_pages(true);
    rc = work_init(&w, g, &d->rooted);
    d->order = w.order; /* the result's, freed with it */
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
            (void)hs_parallel_ranges(hs_graph_threads(g), w.count,
                                     HS_DOM_PARALLEL_NUMBERS, up_range, &w,
                                     NULL);
        }
        *stopped = w.stopped;
        if (rc == HS_OK && w.stopped) {
            rc = HS_ELIMIT;
        }
    }
    if (rc == HS_OK) {
        /* In place space, before publish, with the forest and pre (both
         * mapped whole) as scratch; what is no longer needed goes first,
         * and the scratch before idom comes, so the peak stays that of
         * the search. */
        size_t ids = (size_t)g->n + 1;
        DROP(&w, path, ids * sizeof(*w.path));
        DROP(&w, vertex, ids * sizeof(*w.vertex));
        DROP(&w, place, ids * sizeof(*w.place));
        DROP(&w, parent, ids * sizeof(*w.parent));
        DROP(&w, semi, ids * sizeof(*w.semi));
        hs_mfree(g->a, w.todo);
        w.todo = NULL;
        rc = hs_retained_compute(d, w.order, w.up, w.places,
                                 (uint64_t *)w.forest, w.pre);
        DROP(&w, forest, ids * sizeof(*w.forest));
        DROP(&w, pre, ids * sizeof(*w.pre));
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
    hs_big_small_pages(false);
    return rc;
}
