/*
 * hs_dominators.h - the dominator tree of a dump (see hs_dominators.c,
 * hs_semi_nca.c).
 *
 * The public API (hs_dominators_new and friends) is in
 * include/heapscope.h. The layout below is shared with hs_retained.c,
 * which fills the retained sizes, and hs_leaks.c, which walks the tree.
 */
#ifndef HS_DOMINATORS_H
#define HS_DOMINATORS_H

#include <stdbool.h>
#include <stdint.h>

#include "../graph/hs_graph_internal.h"
#include "../util/hs_stop.h"
#include "hs_roots.h"

/* idom[] of an object whose only dominator is the virtual root: a root,
 * or an object that two roots reach on separate paths. */
#define HS_DOM_ROOT (UINT32_MAX - 1)

/* The tree's loops over preorder numbers with no chain between numbers
 * run on the graph's threads when they cover this many numbers or more
 * (hs_semi_nca.c, hs_retained.c). */
#define HS_DOM_PARALLEL_NUMBERS (1u << 16)

struct hs_dominators {
    const hs_graph *g;
    uint32_t n;             /* g's node ids when computed */
    /* Immediate dominator of each id: a node id, HS_DOM_ROOT, or
     * HS_NO_NODE for ids that are not live objects. */
    uint32_t *idom;
    /* The live ids in depth-first preorder from the virtual root: every
     * id comes after its immediate dominator (a dominator is an ancestor
     * in any depth-first tree), so a backward pass over order is a
     * bottom-up pass over the dominator tree. */
    uint32_t *order;
    uint32_t reached;       /* entries of order (= live objects) */
    uint32_t roots;         /* objects the virtual root points at */
    uint32_t extra_roots;   /* of which: chosen for unreached groups */
    uint32_t *extra;        /* those, ascending */
    uint64_t unreached;     /* objects no module or parentless object reaches */
    /* Filled by hs_retained_compute (hs_retained.c). */
    uint64_t *retained;     /* bytes: the object and all it dominates */
    uint32_t *retained_count;
    uint64_t total_size;    /* of every live object */
    hs_roots rooted;        /* what the virtual root points at */
    /* A tree read back from a file (hs_domstore.c): idom, order, extra,
     * retained and retained_count point into this read-only mapping. */
    void *map;
    size_t map_bytes;
};

/* An empty result for g (only g and n set), or NULL: HS_EINVAL when g's
 * parents were not computed, HS_ENOMEM. */
hs_dominators *hs_dominators_alloc(const hs_graph *g, hs_error *err);

/* Computes d's tree (hs_semi_nca.c): d from hs_dominators_alloc, its
 * roots initialised. HS_OK, HS_ENOMEM, or HS_ELIMIT (too many objects or
 * refs in one object, or *stopped: stop said so); what it made is freed
 * with d either way. */
int hs_dominators_compute(hs_dominators *d, const hs_stop *stop,
                          bool *stopped);

/* hs_dominators_new, asking stop every 64 K steps: NULL with HS_ELIMIT
 * and "stopped" when it says so (everything made is freed). */
hs_dominators *hs_dominators_new_stop(const hs_graph *g, const hs_stop *stop,
                                      hs_error *err);

/* Recomputes the checksums of a stored tree in buf (hs_domstore.c), so
 * that tests and fuzzers can craft files that get past them. */
void hs_domstore_reseal(unsigned char *buf, size_t len);

#endif
