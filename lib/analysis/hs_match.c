/*
 * hs_match.c - one object in two dumps of a process.
 *
 * CPython never moves an object: its address is its identity for as long
 * as it lives. Once freed, the address may be handed to a new object, so
 * a later dump's object is an earlier one's only when the address, the
 * type string and, for records that carry a value (str, bytes, int,
 * frames' code names), the value agree. Objects that mutate in place (a
 * list that grew) stay the same object.
 *
 * diff and leaks ask this of every object of the later dump: millions of
 * look-ups in a hash table far larger than the caches, each several cache
 * misses (the slot, the address of its occupant, its flags, type and
 * value). But a dumper walks the heap in much the same order each time,
 * so survivors keep their order: in the demo's series of three dumps
 * (`make demo`, a real program under heapscope's dumper), 97 % of the
 * objects of the last dump found in an earlier one come right after the
 * previous one's counterpart. hs_match_all tries that place first,
 * which reads OLD's arrays front to back, and asks the index only when
 * it misses; ranges of NEW run on the threads NEW was loaded with, and
 * type strings are compared once per type, as ids, before any value is.
 */
#include "hs_match.h"

#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <stdlib.h>
#include <string.h>

#define MIN_RANGE 65536 /* fewer objects than this: one thread */

bool
hs_same_object(const hs_graph *old_g, uint32_t o, const hs_graph *new_g,
               uint32_t n)
{
    size_t ol, nl, vol, vnl;
    hs_value_kind ok, nk;
    const char *ot = hs_strtab_get(&old_g->types, old_g->type[o], &ol);
    const char *nt = hs_strtab_get(&new_g->types, new_g->type[n], &nl);
    const char *ov, *nv;
    if (ol != nl || memcmp(ot, nt, ol) != 0) {
        return false;
    }
    ov = hs_node_value(old_g, o, &vol, &ok);
    nv = hs_node_value(new_g, n, &vnl, &nk);
    if (ok != nk) {
        return false;
    }
    /* Objects with a value (str, bytes, numbers) never change, but a
     * dumper may keep only the start of a long one: a longer str at a
     * freed str's address, with the same start (a log kept as one str,
     * `log += line`), is another object. So the sizes must agree too. */
    return !ov
           || (vol == vnl && memcmp(ov, nv, vol) == 0
               && hs_size_of(old_g, o) == hs_size_of(new_g, n));
}

uint32_t
hs_match_one(const hs_graph *old_g, const hs_graph *new_g, uint32_t n)
{
    uint32_t o = hs_graph_find(old_g, new_g->addr[n]);
    return o != HS_NO_NODE && hs_same_object(old_g, o, new_g, n) ? o
                                                               : HS_NO_NODE;
}

typedef struct match_job {
    const hs_graph *old_g, *new_g;
    const uint32_t *types; /* new type id -> old type id, or UINT32_MAX */
    uint32_t *map;
} match_job;

static int
match_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    const match_job *j = ctx;
    const hs_graph *og = j->old_g, *ng = j->new_g;
    uint64_t guess = UINT64_MAX; /* where the next object likely is in OLD */
    (void)part;
    for (uint64_t v = lo; v < hi; v++) {
        uint64_t a = ng->addr[v];
        uint32_t o;
        j->map[v] = HS_NO_NODE;
        if (!hs_live(ng, (uint32_t)v)) {
            continue;
        }
        /* Addresses are unique among a graph's nodes, so a hit here is
         * what the index would answer. */
        o = guess < og->n && og->addr[guess] == a
                ? (uint32_t)guess
                : hs_addrindex_find(&og->ix->x, og->addr, a);
        if (o == UINT32_MAX) {
            continue;
        }
        guess = (uint64_t)o + 1;
        if (hs_live(og, o) && j->types[ng->type[v]] == og->type[o]
            && hs_same_object(og, o, ng, (uint32_t)v)) {
            j->map[v] = o;
        }
    }
    return HS_OK;
}

uint32_t *
hs_match_all(const hs_graph *old_g, const hs_graph *new_g)
{
    uint32_t nt = hs_strtab_count(&new_g->types);
    uint32_t *types = hs_malloc_array(new_g->a, (size_t)nt + 1,
                                      sizeof(*types));
    uint32_t *map = hs_malloc_array(new_g->a, (size_t)new_g->n + 1,
                                    sizeof(*map));
    match_job j = {old_g, new_g, types, map};
    /* The index is built on first use: here, before the threads share
     * it. */
    if (!types || !map || !hs_graph_ensure_index(old_g)) {
        hs_mfree(new_g->a, types);
        hs_mfree(new_g->a, map);
        return NULL;
    }
    for (uint32_t t = 0; t < nt; t++) {
        size_t len;
        const char *s = hs_strtab_get(&new_g->types, t, &len);
        types[t] = hs_strtab_find(&old_g->types, s, len);
    }
    hs_parallel_ranges(hs_graph_threads(new_g), new_g->n, MIN_RANGE,
                       match_range, &j, NULL);
    hs_mfree(new_g->a, types);
    return map;
}
