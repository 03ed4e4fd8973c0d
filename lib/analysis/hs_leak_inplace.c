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
 * owners' floor). A str or bytes cannot grow, but a buffer kept as one
 * is replaced by a larger copy at every append (`self.log += line`):
 * such an object is found at its place in every earlier dump (as in
 * "finding an owner again": the same label under its referrer's
 * counterpart) and judged the same way, on the sizes of the objects at
 * that place. Its series and verdict read bytes, not objects: its
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

#include <string.h>

#define IN_PLACE_FLOOR 4096 /* see the NOTE above */

/* How objects of a type can grow. */
enum { GROWS_ITSELF, NEVER, BY_REPLACEMENT };

static bool
named(const char *name, size_t len, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strlen(names[i]) == len && memcmp(names[i], name, len) == 0) {
            return true;
        }
    }
    return false;
}

/* Per type id of g: GROWS_ITSELF, NEVER (a fixed size: a larger one at
 * the same address is another object) or BY_REPLACEMENT (a fixed size,
 * but what buffers are kept as). */
static unsigned char *
growth_kinds(const hs_allocator *a, const hs_graph *g)
{
    static const char *const fixed[] = {"tuple", "int", "float", "complex",
                                        "frozenset", "bool", "NoneType",
                                        "code"};
    static const char *const buffers[] = {"str", "bytes"};
    uint32_t nt = hs_strtab_count(&g->types);
    unsigned char *out = hs_calloc(a, (size_t)nt + 1, 1);
    for (uint32_t t = 0; out && t < nt; t++) {
        size_t len;
        const char *name = hs_strtab_get(&g->types, t, &len);
        out[t] = named(name, len, buffers, 2) ? BY_REPLACEMENT
                 : named(name, len, fixed, sizeof(fixed) / sizeof(*fixed))
                     ? NEVER
                     : GROWS_ITSELF;
    }
    return out;
}

/* The size of v and of its counterpart in every earlier dump rose at
 * every interval, by *growth in all; false where v has none. The
 * counterpart is the same object (by address, type and value), or with
 * by_place the object at v's place (its label under its referrer's
 * counterpart: a str replaced by a longer one). */
static bool
grew(const hs_leaks *l, uint32_t v, bool by_place, hs_buf *bufs,
     uint64_t *growth)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    uint64_t prev = hs_size_of(last, v);
    for (size_t j = l->ndumps - 1; j-- > 0;) {
        int moved = 0;
        uint32_t o = by_place ? hs_leak_match_owner(l, j, v, bufs, &moved)
                              : match(l, j, v);
        uint64_t s;
        if (o == HS_NO_NODE) {
            return false;
        }
        s = hs_size_of(l->dumps[j], o);
        if (s >= prev) {
            return false;
        }
        prev = s;
    }
    *growth = hs_size_of(last, v) - prev;
    return true;
}

int
hs_leak_find_in_place(const hs_leaks *l, const uint64_t *cb,
                      const hs_bits *decl, uint32_t **ids, size_t *n)
{
    const hs_graph *last = l->dumps[l->ndumps - 1];
    uint64_t floor = l->cand_bytes / HS_LEAK_MIN_SHARE;
    unsigned char *kind = growth_kinds(l->a, last);
    hs_buf bufs[3] = {HS_BUF_INIT_ON(l->a), HS_BUF_INIT_ON(l->a),
                      HS_BUF_INIT_ON(l->a)};
    size_t alloc = 0;
    int rc = HS_OK;
    *ids = NULL;
    *n = 0;
    if (!kind) {
        return HS_ENOMEM;
    }
    floor = floor > IN_PLACE_FLOOR ? floor : IN_PLACE_FLOOR;
    for (uint32_t v = 0; v < last->n && rc == HS_OK; v++) {
        uint64_t growth = 0;
        unsigned char k;
        /* A phantom (a dangling ref) has no type: its id indexes nothing. */
        if (!hs_live(last, v)) {
            continue;
        }
        k = kind[last->type[v]];
        /* Cheap tests first: a buffer's growth is at most its size, and
         * a str alive since the first dump never changed. */
        if (cb[v] || hs_bits_test(decl, v)
            || k == NEVER || hs_size_of(last, v) < floor
            || (k == BY_REPLACEMENT && match(l, 0, v) != HS_NO_NODE)) {
            continue;
        }
        if (!grew(l, v, k == BY_REPLACEMENT, bufs, &growth)
            || (k == GROWS_ITSELF
                && !hs_leak_shares_referrer(l->dumps[0], match(l, 0, v),
                                            last, v))) {
            continue;
        }
        if (growth >= floor) {
            rc = HS_GROW(l->a, *ids, *n + 1, alloc);
            if (rc == HS_OK) {
                (*ids)[(*n)++] = v;
            }
        }
    }
    for (int b = 0; b < 3; b++) {
        hs_buf_release(&bufs[b]);
    }
    hs_mfree(l->a, kind);
    if (rc != HS_OK) {
        hs_mfree(l->a, *ids);
        *ids = NULL;
        *n = 0;
    }
    return rc;
}
