/*
 * hs_rewrite.c - rewriting the children CSR in place.
 *
 * Four steps, none of which needs a second edge array:
 *
 *  1. Mark the replaced nodes (a bit each) and add up their new and old
 *     refs, per range of nodes (every core).
 *  2. Write the replaced nodes' new lists and their lengths aside, in id
 *     order (4 bytes per new ref and per replaced node), while the
 *     old edges they are made of are still in place; map every kept list
 *     where it is (every core: a range writes only its own kept lists and
 *     its part of the aside array, and reads only replaced nodes' edges).
 *  3. Slide the kept lists to their new places in the same array (one
 *     thread, one memmove per stretch between replaced nodes).
 *  4. Copy the new lists into their places and turn the offsets into the
 *     new ones, in place (every core: each range knows from step 1 how
 *     far its first node moves).
 *
 * MARK: why the slide overwrites nothing it still needs
 *
 * Between two replaced nodes the kept lists form one block, which moves
 * by D: the sum of the count changes (new minus old) of the replaced
 * nodes before it. The blocks with D <= 0 move first, in increasing
 * order, then those with D > 0, in decreasing order. A block moving left
 * lands after the new place of every earlier block, hence after the old
 * place of every earlier block still to move right (that one's new place
 * is past its old one), and ends at or before its own old end, so it
 * covers only old data already moved or of replaced nodes (already
 * aside). A block moving right starts past its own old start, hence past
 * the old data of every earlier block, and ends at the new start of the
 * next replaced node, before the new places of every later block, which
 * are already where they belong. The new lists go last: their places
 * are what no block's new place covers.
 */
#include "hs_rewrite.h"

#include "../util/hs_bits.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

/* Ranges are cut on 64-node words (a range owns its words of marks);
 * fewer words than this go on one thread. */
#define PARALLEL_WORDS (1u << 14)

typedef struct rewrite_job {
    hs_graph *g;
    const hs_rewrite_ops *ops;
    hs_bits marks;    /* a bit per node: replaced */
    uint32_t *aside;  /* the new lists, in id order */
    uint32_t *counts; /* their lengths, in id order (replaced is asked
                         once: the offsets it may read are moving) */
    uint64_t words;
    unsigned parts;
    /* Per part, from step 1: refs of its new lists and of the old lists
     * they replace, its replaced nodes, and the old offset of the node
     * after its range (the next range's first, rewritten meanwhile in
     * step 4); then, summed over the parts before, where its new lists
     * and their lengths start and how far its first node moves. */
    uint64_t new_refs[HS_MAX_THREADS], old_refs[HS_MAX_THREADS];
    uint64_t nreplaced[HS_MAX_THREADS], end_old[HS_MAX_THREADS];
    uint64_t aside_at[HS_MAX_THREADS], counts_at[HS_MAX_THREADS];
    int64_t moved[HS_MAX_THREADS];
    bool too_long[HS_MAX_THREADS]; /* a new list of 4 G refs or more */
} rewrite_job;

/* The nodes of the words [lo, hi). */
static void
node_range(const rewrite_job *j, uint64_t lo, uint64_t hi, uint32_t *a,
           uint32_t *b)
{
    *a = (uint32_t)(lo * 64);
    *b = hi * 64 < j->g->n ? (uint32_t)(hi * 64) : j->g->n;
}

static bool
marked(const rewrite_job *j, uint32_t id)
{
    return hs_bits_test(&j->marks, id);
}

/* Step 1 over one range. */
static int
mark_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    rewrite_job *j = ctx;
    uint64_t added = 0, gone = 0, nreplaced = 0;
    uint32_t a, b;
    node_range(j, lo, hi, &a, &b);
    for (uint32_t id = a; id < b; id++) {
        uint64_t count = 0;
        if (j->ops->replaced(j->ops->ctx, j->g, id, &count)) {
            if (count > UINT32_MAX - 1) {
                j->too_long[part] = true;
                count = 0;
            }
            hs_bits_set(&j->marks, id);
            added += count;
            gone += hs_csr_degree(&j->g->children, id);
            nreplaced++;
        }
    }
    j->new_refs[part] = added;
    j->old_refs[part] = gone;
    j->nreplaced[part] = nreplaced;
    j->end_old[part] = hs_csr_begin(&j->g->children, b);
    return HS_OK;
}

/* Step 2 over one range. */
static int
aside_and_map(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    rewrite_job *j = ctx;
    hs_csr *c = &j->g->children;
    uint32_t *out = j->aside + j->aside_at[part];
    uint32_t *counts = j->counts + j->counts_at[part];
    uint32_t a, b;
    node_range(j, lo, hi, &a, &b);
    for (uint32_t id = a; id < b; id++) {
        uint64_t s, e, count = 0;
        if (marked(j, id)) {
            j->ops->replaced(j->ops->ctx, j->g, id, &count);
            j->ops->fill(j->ops->ctx, j->g, id, out);
            *counts++ = (uint32_t)count;
            out += count;
            continue;
        }
        hs_csr_range(c, id, &s, &e);
        for (uint64_t k = s; k < e; k++) {
            c->targets[k] = j->ops->map(j->ops->ctx, j->g, c->targets[k]);
        }
    }
    return HS_OK;
}

/* Step 3: the kept blocks slide, left movers first (see above). */
static void
slide(const rewrite_job *j)
{
    const hs_csr *c = &j->g->children;
    uint32_t *t = c->targets;
    uint64_t from = 0, to = c->nedges, s, e, r = 0;
    int64_t d = 0;
    for (uint64_t w = 0; w < j->words; w++) {
        for (uint64_t bits = j->marks.words[w]; bits; bits &= bits - 1) {
            uint32_t id = (uint32_t)(w * 64 + (uint64_t)__builtin_ctzll(bits));
            hs_csr_range(c, id, &s, &e);
            if (d <= 0 && s > from) {
                memmove(t + (int64_t)from + d, t + from, (s - from) * 4);
            }
            d += (int64_t)j->counts[r++] - (int64_t)(e - s);
            from = e;
        }
    }
    if (d <= 0 && to > from) {
        memmove(t + (int64_t)from + d, t + from, (to - from) * 4);
    }
    for (uint64_t w = j->words; w-- > 0;) {
        for (uint64_t bits = j->marks.words[w]; bits;) {
            unsigned top = 63 - (unsigned)__builtin_clzll(bits);
            uint32_t id = (uint32_t)(w * 64 + top);
            bits &= ~((uint64_t)1 << top);
            hs_csr_range(c, id, &s, &e);
            if (d > 0 && to > e) {
                memmove(t + (int64_t)e + d, t + e, (to - e) * 4);
            }
            d -= (int64_t)j->counts[--r] - (int64_t)(e - s);
            to = s;
        }
    }
}

/* Step 4 over one range: its nodes' new offsets, and its new lists
 * copied in. Reads each old end before the next node's offset changes. */
static int
place_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    rewrite_job *j = ctx;
    hs_csr *c = &j->g->children;
    const uint32_t *in = j->aside + j->aside_at[part];
    const uint32_t *counts = j->counts + j->counts_at[part];
    int64_t d = j->moved[part];
    uint32_t a, b;
    node_range(j, lo, hi, &a, &b);
    for (uint32_t id = a; id < b; id++) {
        uint64_t s = hs_csr_begin(c, id);
        uint64_t e = id + 1 < b ? hs_csr_begin(c, id + 1) : j->end_old[part];
        hs_csr_set_begin(c, id, (uint64_t)((int64_t)s + d));
        if (marked(j, id)) {
            uint64_t count = *counts++;
            memcpy(c->targets + (int64_t)s + d, in, count * 4);
            in += count;
            d += (int64_t)count - (int64_t)(e - s);
        }
    }
    return HS_OK;
}

int
hs_graph_rewrite_children(hs_graph *g, const hs_rewrite_ops *ops,
                          hs_error *err)
{
    rewrite_job j;
    hs_csr *c = &g->children;
    uint64_t added = 0, gone = 0, nreplaced = 0, nedges;
    unsigned threads = hs_graph_threads(g);
    uint32_t *t;
    memset(&j, 0, sizeof(j));
    j.g = g;
    j.ops = ops;
    j.words = ((uint64_t)g->n + 63) / 64;
    if (!c->off32 && !c->off64) {
        return HS_OK; /* no nodes, no edges */
    }
    if (hs_bits_init(&j.marks, g->a, g->n) < 0) {
        return hs_error_set(err, HS_ENOMEM, "out of memory rewriting refs");
    }
    hs_parallel_ranges(threads, j.words, PARALLEL_WORDS, mark_range, &j,
                       &j.parts);
    for (unsigned p = 0; p < j.parts; p++) {
        if (j.too_long[p]) {
            hs_bits_release(&j.marks);
            return hs_error_set(err, HS_ELIMIT, "more than 4 G refs in one "
                                "object");
        }
        j.aside_at[p] = added;
        j.counts_at[p] = nreplaced;
        j.moved[p] = (int64_t)added - (int64_t)gone;
        added += j.new_refs[p];
        gone += j.old_refs[p];
        nreplaced += j.nreplaced[p];
    }
    if (added > gone) {
        hs_bits_release(&j.marks);
        return hs_error_set(err, HS_ELIMIT, "the new refs outnumber the "
                            "old: cannot rewrite them in place");
    }
    j.aside = hs_malloc_array(g->a, added + 1, sizeof(*j.aside));
    j.counts = hs_malloc_array(g->a, nreplaced + 1, sizeof(*j.counts));
    if (!j.aside || !j.counts) {
        hs_mfree(g->a, j.aside);
        hs_mfree(g->a, j.counts);
        hs_bits_release(&j.marks);
        return hs_error_set(err, HS_ENOMEM, "out of memory rewriting refs");
    }
    /* The same ranges as step 1: hs_parallel_ranges cuts alike for the
     * same arguments, so part p's aside_at and moved fit its range. */
    hs_parallel_ranges(threads, j.words, PARALLEL_WORDS, aside_and_map, &j,
                       NULL);
    slide(&j);
    nedges = c->nedges - (gone - added);
    hs_parallel_ranges(threads, j.words, PARALLEL_WORDS, place_range, &j,
                       NULL);
    hs_csr_set_begin(c, g->n, nedges);
    hs_mfree(g->a, j.aside);
    hs_mfree(g->a, j.counts);
    hs_bits_release(&j.marks);
    c->nedges = nedges;
    t = hs_realloc_array(g->a, c->targets, nedges + 1, sizeof(*t));
    if (t) { /* else the bigger array stays: not an error */
        c->targets = t;
    }
    hs_csr_release(&g->parents, g->a);
    g->have_parents = false;
    return HS_OK;
}
