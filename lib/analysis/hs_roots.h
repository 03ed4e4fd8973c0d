/*
 * hs_roots.h - what lives by itself: the roots of paths and dominators.
 *
 * One definition for `path`, `dominators`, `top`, `leaks` and `dot`, so
 * that they agree on where a chain of referrers starts (hs_roots.c).
 */
#ifndef HS_ROOTS_H
#define HS_ROOTS_H

#include <stdbool.h>
#include <stddef.h>

#include "hs_walk.h"
#include "../graph/hs_graph_internal.h"

typedef struct hs_roots {
    const hs_graph *g;
    uint32_t module_type, frame_type;
    uint32_t *own;      /* the dumper's frames and modules, ascending */
    size_t nown;
    uint32_t *held;     /* live others whose parents are all own, ascending */
    size_t nheld;
} hs_roots;

/* Finds the dumper's objects of g, whose parents must be computed.
 * HS_ENOMEM. */
int hs_roots_init(hs_roots *r, const hs_graph *g);
void hs_roots_release(hs_roots *r);

/* Whether id is one of the dumper's own frames or modules: never a root,
 * never a step of a path, never a dominator of anything else. */
bool hs_roots_own_slow(const hs_roots *r, uint32_t id);

static inline bool
hs_roots_own(const hs_roots *r, uint32_t id)
{
    /* Called per edge by dominators: the type test rules out nearly
     * every object before the search of the (short) own list. */
    uint32_t t = r->g->type[id];
    return r->nown && (t == r->frame_type || t == r->module_type)
           && hs_roots_own_slow(r, id);
}

/* The root kind of live id, or NULL when it is not a root: "module", "no
 * parents", "called the dumper" (a frame only the dumper's frames refer
 * to), "held only by the dumper". */
const char *hs_roots_kind(const hs_roots *r, uint32_t id);

/* Sets the bit of every live id in [lo, hi) whose hs_roots_kind is not
 * NULL (bits over g's ids, clear): one pass in id order, for callers that
 * ask about every object (dominators, a range per thread: ranges of
 * whole 64-id words write no word in common). */
void hs_roots_mark(const hs_roots *r, hs_bits *bits, uint32_t lo,
                   uint32_t hi);

#endif
