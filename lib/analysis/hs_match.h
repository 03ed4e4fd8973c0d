/*
 * hs_match.h - one object in two dumps of a process (see hs_match.c).
 *
 * diff and leaks both ask, for objects of a later dump, which object of
 * an earlier dump is the same one: the rule is here, once.
 */
#ifndef HS_MATCH_H
#define HS_MATCH_H

#include <stdbool.h>

#include "../graph/hs_graph_internal.h"

/* True when OLD's node o and NEW's node n are one object: same address
 * (the caller looked o up by n's), same type string, same value, and
 * for an object with a value, same size. */
bool hs_same_object(const hs_graph *old_g, uint32_t o, const hs_graph *new_g,
                    uint32_t n);

/* The id in old_g of new_g's object n, or HS_NO_NODE: one look-up, for
 * the few objects asked about outside hs_match_all. */
uint32_t hs_match_one(const hs_graph *old_g, const hs_graph *new_g,
                      uint32_t n);

/* For every id v of new_g (an array of new_g->n entries): the id of the
 * same object in old_g (hs_same_object), or HS_NO_NODE when v is not
 * live or is new. Allocated through new_g's allocator: free with
 * hs_mfree(new_g->a, map). NULL when out of memory. */
uint32_t *hs_match_all(const hs_graph *old_g, const hs_graph *new_g);

#endif
