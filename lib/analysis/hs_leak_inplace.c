/*
 * hs_leak_inplace.c - owners that grow in place (the essay atop
 * hs_leaks.c names this part "growth in place").
 *
 * Some leaks add no object: a receive buffer never drained (a bytearray),
 * samples appended to an array.array, a list or set that keeps
 * references to objects that live anyway. The object itself grows, so
 * no candidate piles up under it. An object is declared an owner that
 * grows in place when it is the same object in every dump (found by
 * address, type and value, sharing a referrer with the last dump's, as
 * in "finding an owner again"), of a type whose objects can change size
 * (not str, bytes, tuple, int, float, complex, frozenset), holds no
 * candidate, and its own size rose at every interval by IN_PLACE_FLOOR
 * bytes or more in all, and by at least 1 % of the candidate bytes (the
 * owners' floor). Its series and verdict read bytes, not objects: its
 * object count does not move. It ranks after the owners of its verdict
 * that hold new objects: one object's size can rise at three sampled
 * dumps by chance (a per-request buffer reused at varying sizes), while
 * objects kept and added at every interval cannot.
 *
 * NOTE: about IN_PLACE_FLOOR (4 KiB). Below it, containers that breathe
 * (a list whose spare capacity moved by a few slots, a dict resized once)
 * rise at three sampled points by chance; tests/scenarios hold such
 * churn, and none of it gains 4 KiB in place. A real leak passes it as
 * soon as it matters: a buffer of a line per request gains that in a few
 * dozen requests.
 */
#include "hs_leaks_internal.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

#define MIN_SHARE 100       /* hs_leaks.c's owners' floor: 1 % */
#define IN_PLACE_FLOOR 4096 /* see the NOTE above */

/* Per type id of g: whether its objects never change size. */
static bool *
fixed_size_types(const hs_graph *g)
{
    static const char *const fixed[] = {"str", "bytes", "tuple", "int",
                                        "float", "complex", "frozenset",
                                        "bool", "NoneType", "code"};
    uint32_t nt = hs_strtab_count(&g->types);
    bool *out = calloc((size_t)nt + 1, sizeof(*out));
    for (uint32_t t = 0; out && t < nt; t++) {
        size_t len;
        const char *name = hs_strtab_get(&g->types, t, &len);
        for (size_t i = 0; i < sizeof(fixed) / sizeof(*fixed); i++) {
            out[t] |= strlen(fixed[i]) == len
                      && memcmp(fixed[i], name, len) == 0;
        }
    }
    return out;
}

/* v's own size rose at every interval, by *growth in all; false when v
 * is not the same object in every dump. */
static bool
grew_in_place(const hs_leaks *l, uint32_t v, uint64_t *growth)
{
    uint64_t first = 0, prev = 0;
    for (size_t j = 0; j < l->ndumps; j++) {
        uint32_t o = match(l, j, v);
        uint64_t s;
        if (o == HS_NO_NODE) {
            return false;
        }
        s = hs_size_of(l->dumps[j], o);
        if (j > 0 && s <= prev) {
            return false;
        }
        first = j == 0 ? s : first;
        prev = s;
    }
    *growth = prev - first;
    return true;
}

int
hs_leak_find_in_place(const hs_leaks *l, const uint64_t *cb,
                      const hs_bits *decl, uint32_t **ids, size_t *n)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    uint64_t floor = l->cand_bytes / MIN_SHARE;
    bool *fixed = fixed_size_types(last);
    size_t alloc = 0;
    *ids = NULL;
    *n = 0;
    if (!fixed) {
        return HS_ENOMEM;
    }
    floor = floor > IN_PLACE_FLOOR ? floor : IN_PLACE_FLOOR;
    for (uint32_t v = 0; v < last->n; v++) {
        uint64_t growth;
        if (!hs_live(last, v) || cb[v] || hs_bits_test(decl, v)
            || fixed[last->type[v]] || !grew_in_place(l, v, &growth)
            || growth < floor
            || !hs_leak_shares_referrer(l->dumps[0], match(l, 0, v), last,
                                        v)) {
            continue;
        }
        if (HS_GROW(NULL, *ids, *n + 1, alloc) != HS_OK) {
            free(fixed);
            free(*ids);
            *ids = NULL;
            *n = 0;
            return HS_ENOMEM;
        }
        (*ids)[(*n)++] = v;
    }
    free(fixed);
    return HS_OK;
}
