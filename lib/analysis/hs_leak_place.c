/*
 * hs_leak_place.c - an owner of the last dump found again in an earlier
 * one: at its place (the same label under the counterpart of one of its
 * referrers), or at its address when a referrer is shared (the essay atop
 * hs_leaks.c, "MARK: finding an owner again").
 */
#include "hs_leaks_internal.h"

#include "hs_dominators.h"
#include "hs_match.h"
#include "hs_refs_dict.h"
#include "../util/hs_error.h"

#include <stdlib.h>
#include <string.h>


#define PLACE_PARENTS 16     /* referrers of an owner tried for its place */
#define PLACE_SCAN 4096      /* refs of a referrer searched for a label */

static bool
same_type(const hs_graph *a, uint32_t x, const hs_graph *b, uint32_t y)
{
    size_t la, lb;
    const char *ta = hs_strtab_get(&a->types, a->type[x], &la);
    const char *tb = hs_strtab_get(&b->types, b->type[y], &lb);
    return la == lb && memcmp(ta, tb, la) == 0;
}

/* Parent's ref k as a signature keeps it, into b (NUL-terminated); false
 * when that label changes from run to run (an index, a key of this run:
 * "[*]"), which then names no place. */
static bool
place_label(hs_buf *b, hs_buf *raw, const hs_graph *g, uint32_t parent,
            uint64_t k)
{
    hs_buf_clear(b);
    hs_buf_clear(raw);
    hs_buf_add_edge_label(raw, g, parent, k, 0);
    hs_buf_addc(raw, '\0');
    if (raw->failed || raw->len < 2) {
        return false;
    }
    hs_leak_signature_label(b, raw->data);
    hs_buf_addc(b, '\0');
    /* A set's items, and keys nobody can name, are no places either. */
    return !b->failed && strstr(b->data, "[*]") == NULL
           && strstr(b->data, "[?]") == NULL && strstr(b->data, "(") == NULL;
}

/* The object of dump j at the place w has in the last dump: the ref with
 * w's label and type under the counterpart of one of w's referrers;
 * HS_NO_NODE if no referrer names such a place. */
static uint32_t
find_by_place(const hs_leaks *l, size_t j, uint32_t w, hs_buf *want,
              hs_buf *have, hs_buf *raw)
{
    const hs_graph *g = l->dumps[j], *last = l->dumps[l->ndumps - 1];
    uint64_t b, e;
    hs_csr_range(&last->parents, w, &b, &e);
    for (uint64_t i = b; i < e && i < b + PLACE_PARENTS; i++) {
        uint32_t p = last->parents.targets[i], pj, at = HS_NO_NODE;
        uint64_t k = hs_ref_index(last, p, w), n;
        const uint32_t *refs;
        if (k == UINT64_MAX || (pj = match(l, j, p)) == HS_NO_NODE
            || !place_label(want, raw, last, p, k)) {
            continue;
        }
        refs = hs_node_children(g, pj, &n);
        /* The same position first: most places keep theirs. */
        for (uint64_t t = 0; t <= n && t <= PLACE_SCAN; t++) {
            uint64_t r = t == 0 ? k : t - 1;
            if (r >= n || (t > 0 && r == k) || refs[r] == HS_NO_NODE
                || !hs_live(g, refs[r]) || !same_type(g, refs[r], last, w)
                || !place_label(have, raw, g, pj, r)
                || strcmp(have->data, want->data) != 0) {
                continue;
            }
            at = refs[r];
            break;
        }
        if (at != HS_NO_NODE) {
            return at;
        }
    }
    return HS_NO_NODE;
}

/* Whether a (of g) and w (of last) have a referrer at the same address:
 * what tells an object kept from a new one at a reused address. True
 * when w has no referrer to compare (a root). */
bool
hs_leak_shares_referrer(const hs_graph *g, uint32_t a, const hs_graph *last,
                uint32_t w)
{
    uint64_t b, e, gb, ge;
    hs_csr_range(&last->parents, w, &b, &e);
    hs_csr_range(&g->parents, a, &gb, &ge);
    if (b == e) {
        return true;
    }
    for (uint64_t i = b; i < e && i < b + PLACE_PARENTS; i++) {
        uint64_t pa = last->addr[last->parents.targets[i]];
        for (uint64_t j = gb; j < ge && j < gb + PLACE_PARENTS; j++) {
            if (g->addr[g->parents.targets[j]] == pa) {
                return true;
            }
        }
    }
    return false;
}

/* Owner w of the last dump in dump j (see the essay, "MARK: finding an
 * owner again"); *moved is set when that is not the object at w's
 * address. */
uint32_t
hs_leak_match_owner(const hs_leaks *l, size_t j, uint32_t w, hs_buf *bufs,
            int *moved)
{
    const hs_graph *g = l->dumps[j], *last = l->dumps[l->ndumps - 1];
    uint32_t at = match(l, j, w), place;
    if (g == last) {
        return w;
    }
    place = find_by_place(l, j, w, &bufs[0], &bufs[1], &bufs[2]);
    if (place != HS_NO_NODE) {
        *moved |= place != at;
        return place;
    }
    return at != HS_NO_NODE && hs_leak_shares_referrer(g, at, last, w) ? at
                                                               : HS_NO_NODE;
}

