/*
 * hs_leaks_internal.h - what the leak finder's files share (hs_leaks.c
 * and the parts it calls: hs_leak_place.c, hs_leak_series.c,
 * hs_leak_census.c). The design essay is atop hs_leaks.c; each MARK it
 * names is in the file that holds it.
 */
#ifndef HS_LEAKS_INTERNAL_H
#define HS_LEAKS_INTERNAL_H

#include "hs_leaks.h"
#include "hs_leak_sites.h"
#include "hs_walk.h"
#include "../util/hs_mem.h"

#include <stdbool.h>

/* The report and everything it holds (suspects' arrays, the matches, the
 * dominators it made) are on the last dump's allocator, l->a, but for
 * the suspects' signatures, text made by hs_buf (malloc). */
/* An owner holds at least 1/HS_LEAK_MIN_SHARE of the candidate bytes
 * (hs_leaks.c, "NOTE: about the thresholds"); so must what grows in
 * place (hs_leak_inplace.c). */
#define HS_LEAK_MIN_SHARE 100

struct hs_leaks {
    const hs_allocator *a;
    const hs_graph **dumps;
    size_t ndumps;
    hs_dominators **doms;
    bool *lent;         /* per dump: doms[i] is the caller's */
    uint32_t **same;    /* per earlier dump: hs_match_all from the last */
    uint64_t ncand, cand_bytes, nnew, new_bytes;
    hs_leak_suspect *sus;
    size_t nsus;
};

/* What a declared owner is while the backward pass runs. */
enum { OWNER, ITEM_PENDING, ITEM_GROUPED, BELOW_GROUPED };

/* One declared owner while ranking. */
typedef struct owner {
    uint32_t id;
    uint32_t parent;     /* index of the nearest owner above, or UINT32_MAX */
    uint32_t item_of;    /* the container an item waits for (ITEM_PENDING) */
    int state;
    uint64_t items;      /* items grouped under it */
    uint64_t new_count, new_size;
    uint32_t *ids;       /* per dump */
    uint64_t *ret, *cnt; /* per dump */
    uint64_t *kept;      /* per interval: of cnt[j], objects alive at j+1 */
    int64_t growth_size, growth_count, min_step;
    int64_t sustained;   /* the fewest bytes gained in one interval */
    size_t grown;
    hs_leak_verdict verdict;
    int recreated;
    int in_place;        /* grows in place (hs_leaks.c): judged on bytes */
} owner;

typedef struct owners {
    owner *v;
    size_t n, alloc;
} owners;

/* The id in dump j of the last dump's object id, or HS_NO_NODE. */
static inline uint32_t
match(const hs_leaks *l, size_t j, uint32_t id)
{
    return j + 1 == l->ndumps ? id : l->same[j][id];
}

/* The index in o (sorted by id) of the owner id, or UINT32_MAX. */
uint32_t hs_leak_owner_index(const owners *o, uint32_t id);

/* MARK: growth in place (hs_leak_inplace.c) */

/* The objects of the last dump that grow in place, ascending, in *ids
 * (caller frees with hs_mfree(l->a, ...)), *n of them. cb: the candidate bytes under each object;
 * decl: the owners declared so far (passed over). HS_ENOMEM. */
int hs_leak_find_in_place(const hs_leaks *l, const uint64_t *cb,
                          const hs_bits *decl, uint32_t **ids, size_t *n);

/* MARK: finding an owner again (hs_leak_place.c) */

/* Whether a (of g) and w (of last) have a referrer at the same address:
 * what tells an object kept from a new one at a reused address. True
 * when w has no referrer to compare (a root). */
bool hs_leak_shares_referrer(const hs_graph *g, uint32_t a,
                             const hs_graph *last, uint32_t w);
/* Owner w of the last dump in dump j; *moved is set when that is not the
 * object at w's address. bufs: three scratch buffers. */
uint32_t hs_leak_match_owner(const hs_leaks *l, size_t j, uint32_t w,
                             hs_buf *bufs, int *moved);

/* MARK: growth series and verdicts (hs_leak_series.c) */

/* Each owner's id, retained size and count in every dump. HS_ENOMEM. */
int hs_leak_series(const hs_leaks *l, owners *o, const uint32_t *near);
/* Each owner's kept counts: of what it retained at dump j, how much is
 * alive at dump j + 1. HS_ENOMEM. */
int hs_leak_kept_series(const hs_leaks *l, owners *o);
/* The verdict on w's series over k dumps. */
void hs_leak_judge(owner *w, size_t k);
/* qsort order of owners: verdict, then sustained growth, then size. */
int hs_leak_by_rank(const void *pa, const void *pb);

/* MARK: what the growth is made of, signatures (hs_leak_census.c) */

typedef struct census {
    uint64_t *count, *size; /* per suspect and type: [s * nt + t] */
    uint64_t *direct;       /* what candidates right under the owner
                               retain, by type */
    uint32_t nt;
    hs_site_acc sites;      /* allocating lines, when the dump has sites */
} census;

/* Counts the candidates under each kept owner by type (and site). */
int hs_leak_take_census(const hs_leaks *l, const hs_bits *cand,
                        const hs_bits *decl, const uint32_t *near,
                        const owners *kept, census *c);
/* Suspect s's composition rows, largest first, at most max. */
int hs_leak_composition(const hs_graph *g, const census *c, size_t s,
                        size_t max, hs_leak_suspect *out);
/* The growth's type, or UINT32_MAX. */
uint32_t hs_leak_growth_type(const census *c, size_t s,
                             const hs_leak_suspect *out, const hs_graph *g);
/* A sample candidate of type t held by owner_id, or HS_NO_NODE. */
uint32_t hs_leak_pick_sample(const hs_leaks *l, const hs_bits *cand,
                             const hs_bits *decl, const uint32_t *near,
                             uint32_t owner_id, uint32_t t);
/* The signature of an owner reached by path (NULL when out of memory). */
char *hs_leak_signature(const hs_graph *g, const hs_dominators *d,
                        const uint32_t *path, size_t path_len, uint32_t owner,
                        uint32_t gtype);

#endif
