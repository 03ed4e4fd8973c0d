/*
 * hs_link.c - from addresses to ids: the address index and the edges.
 *
 * After the scans, every record's address is indexed in one batch and
 * every ref is resolved to a node id in place: the u64 array of addresses
 * is rewritten as u32 from the front (a u32 written at index i never
 * overtakes the u64 read at i) and then shrunk, so the transient peak is 8
 * bytes a ref, not 12. Refs to addresses that have no record get one
 * phantom node per address: they keep their place in refs (as meliae keeps
 * them) but traversals skip them.
 *
 * The index is built when the load holds the most: every node and every
 * ref (still 64-bit addresses) is in memory. So before it, the pages the
 * scans mapped ahead and never used go back, and the refs per node are
 * packed into a byte each until the refs are ids (see pack_counts).
 *
 * The index and the lookups are where a load spends its time: each is a
 * cache miss in a table of tens of megabytes. Batches with two-stage
 * prefetching, and the shortcuts described in resolve_refs, hide most of
 * that latency.
 */
#include "hs_link.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <stdatomic.h>
#include <string.h>

/* Fewer records or refs than this are handled on one thread. */
#define PARALLEL_REFS (1u << 20)

/* MARK: counts, a byte each while linking
 *
 * The refs per node (4 bytes a node in s->counts) are packed into a byte
 * each for the linking, whose address index is the load's peak of
 * memory: a count of BIG or more is BIG in its byte and kept whole in
 * s->big_counts, a side table by id as the graph keeps its wide sizes (a
 * few big containers). That is 3 bytes a node less at the peak, 22 MiB
 * on a 7.5 M-object dump; the counts are unpacked once the refs have
 * shrunk to 32-bit ids (build_children). */
#define BIG UINT8_MAX

/* Packing and unpacking over ranges of nodes, on the link's threads:
 * each part collects its big counts apart, in id order, and the parts'
 * tables are joined in part order, so the ids go on increasing. */
typedef struct pack_job {
    hs_scan *s;
    uint32_t *counts;           /* unpack_counts' result */
    hs_wide big[HS_MAX_THREADS]; /* pack: each part's big counts */
} pack_job;

static int
pack_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    pack_job *j = ctx;
    hs_scan *s = j->s;
    hs_prefault(s->counts8 + lo, hi - lo);
    for (uint64_t i = lo; i < hi; i++) {
        uint32_t k = s->counts[i];
        s->counts8[i] = k < BIG ? (uint8_t)k : BIG;
        if (k >= BIG) {
            HS_TRY(hs_wide_set(&j->big[part], &s->alloc, (uint32_t)i, k));
        }
    }
    return HS_OK;
}

static int
pack_counts(hs_scan *s, unsigned threads)
{
    pack_job j;
    uint32_t n = s->g->n;
    unsigned parts = 0;
    int rc;
    memset(&j, 0, sizeof(j));
    j.s = s;
    s->counts8 = hs_malloc(&s->alloc, (size_t)n + 1);
    if (!s->counts8) {
        return HS_ENOMEM;
    }
    s->counts8_alloc = (size_t)n + 1;
    rc = hs_parallel_ranges(threads, n, PARALLEL_REFS, pack_range, &j,
                            &parts);
    for (unsigned p = 0; p < parts; p++) {
        const hs_wide *b = &j.big[p];
        for (size_t k = 0; rc == 0 && k < b->len; k++) {
            rc = hs_wide_set(&s->big_counts, &s->alloc, b->ids[k],
                             b->vals[k]);
        }
        hs_wide_release(&j.big[p], &s->alloc);
    }
    if (rc < 0) {
        return rc;
    }
    hs_mfree(&s->alloc, s->counts);
    s->counts = NULL;
    s->counts_alloc = 0;
    return HS_OK;
}

static inline uint32_t
count_of(const hs_scan *s, uint32_t u)
{
    uint8_t k = s->counts8[u];
    uint64_t big;
    if (k < BIG) {
        return k;
    }
    big = hs_wide_get(&s->big_counts, u);
    if (big < BIG) { /* 0: absent */
        HS_BUG("a count of 255 or more that was not kept");
    }
    return (uint32_t)big;
}

static int
unpack_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    pack_job *j = ctx;
    (void)part;
    hs_prefault(j->counts + lo, (hi - lo) * sizeof(*j->counts));
    for (uint64_t i = lo; i < hi; i++) {
        j->counts[i] = count_of(j->s, (uint32_t)i);
    }
    return HS_OK;
}

/* Back to 4 bytes a node (n + 1 entries, as hs_csr_from_counts wants),
 * the packed form freed. */
static int
unpack_counts(hs_scan *s, unsigned threads)
{
    pack_job j;
    uint32_t n = s->g->n;
    memset(&j, 0, sizeof(j));
    j.s = s;
    j.counts = hs_malloc(&s->alloc, ((size_t)n + 1) * sizeof(*j.counts));
    if (!j.counts) {
        return HS_ENOMEM;
    }
    hs_parallel_ranges(threads, n, PARALLEL_REFS, unpack_range, &j, NULL);
    j.counts[n] = 0;
    hs_mfree(&s->alloc, s->counts8);
    hs_wide_release(&s->big_counts, &s->alloc);
    s->counts8 = NULL;
    s->counts8_alloc = 0;
    s->counts = j.counts;
    s->counts_alloc = (size_t)n + 1;
    return HS_OK;
}

/* MARK: the index */

/* NOTE: about building the index on several threads. The table is cut
 * into equal ranges of slots, one per thread, and each thread inserts
 * only the records whose probe starts in its range, never writing a slot
 * outside it. A record whose probe would run past the end of its range is
 * deferred to a serial pass. Two records with the same address start at
 * the same slot, so one thread sees both, in id order: the first still
 * wins, as in meliae (and if the first was deferred, the second finds no
 * free slot either and is deferred after it). Which range each record
 * goes to is sorted out first, into one bitmap of records per range (a
 * bit per record: threads fill it for their share of the records, whole
 * words each; the last range has none, its records are those of no
 * other, which saves a bitmap at the load's peak of memory), so each
 * thread then visits its own records in id order:
 * when every thread instead walked all the records and skipped the
 * others', the unpredictable skip cost as much as the inserts saved.
 * Within a range, each record's slot and tag are prefetched some records
 * before it is inserted (index_ring). */
typedef struct index_job {
    hs_graph *g;
    uint64_t lo, hi;          /* slot range */
    hs_u64vec deferred;       /* ids whose probe leaves the range */
    uint64_t dups, inserted;
    const hs_allocator *a;
    int rc;
    /* With several ranges: bit i is set when record i's probe starts in
     * this range (NULL for the last range: see mine_word). */
    uint64_t *mine;
    unsigned ranges;
    uint8_t *tags;            /* the table's tags (hs_addrindex.h) */
} index_job;

/* NOTE: about duplicates and tags. A record whose address is already
 * indexed is a duplicate (the first record wins, as in meliae); an
 * insert finds it among the occupants it passes on its way to a free
 * slot. Comparing each occupant's address cost a random read of the
 * address array per slot passed, most of them not prefetched: at the
 * index's 80 % fill, that was most of the index's time. So each slot
 * gets its tag (hs_addrindex.h) when it is filled, the tags are
 * prefetched with the slots, and only an occupant whose tag is the
 * record's has its address compared: one in 255 of the others. The
 * refs' lookups use the same tags afterwards. */

/* Puts id (its address hashing to home and tag) in the first free slot
 * from home on, within the range, unless its address is there already
 * (a duplicate, flagged gone); else defers it. */
static void
index_one(index_job *job, uint32_t id, uint64_t home, uint8_t tag)
{
    hs_graph *g = job->g;
    uint32_t *slots = g->ix->x.slots;
    for (uint64_t p = home; p < job->hi; p++) {
        uint32_t cur = slots[p];
        if (cur == UINT32_MAX) {
            slots[p] = id;
            job->tags[p] = tag;
            job->inserted++;
            return;
        }
        if (job->tags[p] == tag && g->addr[cur] == g->addr[id]) {
            g->flags[id] |= HS_NODE_GONE; /* a duplicate: the first wins */
            job->dups++;
            return;
        }
    }
    if (job->deferred.len == job->deferred.alloc
        && HS_GROW(job->a, job->deferred.v, job->deferred.len + 1,
                   job->deferred.alloc) < 0) {
        job->rc = HS_ENOMEM;
        return;
    }
    job->deferred.v[job->deferred.len++] = id;
}

/* Records on their way into the table: each one's slot is prefetched
 * when it comes in, and it is inserted RING records later, when the slot
 * has had time to arrive (a rolling window rather than batches, so that
 * no insert waits for a whole batch's misses). */
enum { RING = 32 };

typedef struct index_ring {
    uint32_t ids[RING];
    uint64_t homes[RING];
    uint8_t tags[RING];
    unsigned len, head; /* head: the oldest, when full */
} index_ring;

static void
add_to_ring(index_job *job, index_ring *r, uint32_t id)
{
    uint64_t h = hs_hash_u64(job->g->addr[id]);
    uint64_t home = hs_hash_slot(h, job->g->ix->x.cap);
    uint8_t tag = hs_addrindex_tag(h);
    __builtin_prefetch(&job->g->ix->x.slots[home]);
    __builtin_prefetch(&job->tags[home]);
    if (r->len < RING) {
        r->ids[r->len] = id;
        r->homes[r->len] = home;
        r->tags[r->len++] = tag;
        return;
    }
    index_one(job, r->ids[r->head], r->homes[r->head], r->tags[r->head]);
    r->ids[r->head] = id;
    r->homes[r->head] = home;
    r->tags[r->head] = tag;
    r->head = (r->head + 1) % RING;
}

/* Inserts what is left in the ring, oldest first (ids stay in order). */
static void
drain_ring(index_job *job, index_ring *r)
{
    for (unsigned k = 0; k < r->len; k++) {
        unsigned j = (r->head + k) % RING;
        index_one(job, r->ids[j], r->homes[j], r->tags[j]);
    }
    r->len = r->head = 0;
}

/* The records of bitmap word w whose probes start in range `part`: its
 * bits, or for the last range, the records of no other range. */
static uint64_t
mine_word(const index_job *jobs, unsigned part, uint64_t w, uint32_t n)
{
    uint64_t bits = ~(uint64_t)0;
    if (part + 1 < jobs[part].ranges) {
        return jobs[part].mine[w];
    }
    for (unsigned r = 0; r + 1 < jobs[part].ranges; r++) {
        bits &= ~jobs[r].mine[w];
    }
    if (w == ((uint64_t)n - 1) / 64 && n % 64) {
        bits &= ((uint64_t)1 << (n % 64)) - 1;
    }
    return bits;
}

static int
run_index(void *ctx, unsigned part)
{
    index_job *job = (index_job *)ctx + part;
    const hs_graph *g = job->g;
    uint64_t words = ((uint64_t)g->n + 63) / 64;
    index_ring ring;
    ring.len = ring.head = 0;
    /* Here, each range by its thread (see hs_addrindex_reserve_unset). */
    hs_prefault(g->ix->x.slots + job->lo,
                (size_t)(job->hi - job->lo) * sizeof(uint32_t));
    memset(g->ix->x.slots + job->lo, 0xff,
           (size_t)(job->hi - job->lo) * sizeof(uint32_t));
    hs_prefault(job->tags + job->lo, (size_t)(job->hi - job->lo));
    memset(job->tags + job->lo, 0, (size_t)(job->hi - job->lo));
    bool sorted = job->ranges > 1;
    for (uint32_t i = 0; !sorted && i < g->n && job->rc == 0; i++) {
        add_to_ring(job, &ring, i);
    }
    for (uint64_t w = 0; sorted && w < words && job->rc == 0; w++) {
        uint64_t bits = mine_word(ctx, part, w, g->n);
        for (; bits; bits &= bits - 1) {
            add_to_ring(job, &ring,
                        (uint32_t)(w * 64 + (unsigned)__builtin_ctzll(bits)));
        }
    }
    drain_ring(job, &ring);
    return job->rc;
}

/* Sets, for the records of bitmap words [lo, hi), the bit of the range
 * their probes start in. Without a branch or a division per record: the
 * range is a count of range starts at or below the home slot, and the
 * last range's records (which set no bit, see mine_word) OR a 0 into
 * range 0's word; a hash makes either branch as unpredictable as a
 * coin. */
static int
sort_words(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    index_job *jobs = ctx;
    const hs_graph *g = jobs[0].g;
    unsigned ranges = jobs[0].ranges;
    (void)part;
    for (uint64_t i = lo * 64; i < hi * 64 && i < g->n; i++) {
        uint64_t home = hs_addrindex_home(&g->ix->x, g->addr[i]);
        unsigned r = 0, mine;
        for (unsigned k = 1; k < ranges; k++) {
            r += home >= jobs[k].lo;
        }
        mine = r + 1 < ranges;
        jobs[r * mine].mine[i / 64] |= (uint64_t)mine << (i % 64);
    }
    return HS_OK;
}

/* Indexes every record's address; a record whose address is already
 * indexed is a duplicate, flagged gone and dropped by drop_duplicates.
 * *tags gets the table's tags (0 for the deferred records' slots). */
static int
index_records(hs_scan *s, unsigned threads, uint8_t **tags)
{
    hs_graph *g = s->g;
    index_job jobs[HS_MAX_THREADS];
    uint64_t cap;
    int rc = HS_OK;
    HS_TRY(hs_addrindex_reserve_unset(&g->ix->x, g->n));
    cap = g->ix->x.cap;
    *tags = hs_malloc(&s->alloc, (size_t)cap);
    if (!*tags) {
        return HS_ENOMEM;
    }
    if (g->n < PARALLEL_REFS || threads < 1) {
        threads = 1;
    }
    memset(jobs, 0, sizeof(jobs));
    for (unsigned t = 0; t < threads; t++) {
        jobs[t].g = g;
        jobs[t].a = &s->alloc;
        jobs[t].tags = *tags;
        jobs[t].lo = cap / threads * t;
        jobs[t].hi = t + 1 == threads ? cap : cap / threads * (t + 1);
    }
    for (unsigned t = 0; threads > 1 && t < threads && rc == 0; t++) {
        jobs[t].ranges = threads;
        if (t + 1 == threads) {
            break;
        }
        jobs[t].mine = hs_calloc(&s->alloc, ((size_t)g->n + 63) / 64, 8);
        if (!jobs[t].mine) {
            rc = HS_ENOMEM;
        }
    }
    if (rc == 0 && threads > 1) {
        hs_parallel_ranges(threads, ((uint64_t)g->n + 63) / 64, 0, sort_words,
                           jobs, NULL);
    }
    if (rc == 0) {
        hs_parallel_for(threads, run_index, jobs); /* errors: jobs[t].rc */
    }
    /* The deferred records, serially and in id order per range; ranges
     * are disjoint in addresses, so their order does not matter. */
    for (unsigned t = 0; t < threads; t++) {
        if (rc == 0 && jobs[t].rc < 0) {
            rc = jobs[t].rc;
        }
        g->ix->x.count += jobs[t].inserted;
        g->stats.duplicates += jobs[t].dups;
        for (size_t k = 0; rc == 0 && k < jobs[t].deferred.len; k++) {
            uint32_t id = (uint32_t)jobs[t].deferred.v[k];
            if (hs_addrindex_put(&g->ix->x, g->addr, id) != UINT32_MAX) {
                g->flags[id] |= HS_NODE_GONE;
                g->stats.duplicates++;
            }
        }
        hs_mfree(&s->alloc, jobs[t].deferred.v);
        hs_mfree(&s->alloc, jobs[t].mine);
    }
    return rc;
}

/* Renumbers a side table's ids after nodes were dropped: new_id maps old
 * ids (UINT32_MAX for dropped ones). */
static void
renumber_wide(hs_wide *w, const uint32_t *new_id)
{
    size_t k = 0;
    for (size_t i = 0; i < w->len; i++) {
        if (new_id[w->ids[i]] != UINT32_MAX) {
            w->ids[k] = new_id[w->ids[i]];
            w->vals[k] = w->vals[i];
            k++;
        }
    }
    w->len = k;
}

/* Removes duplicate records (and their refs, still addresses) so that ids
 * stay dense, then re-indexes. Only runs when a dump has duplicates. */
static int
drop_duplicates(hs_scan *r)
{
    hs_graph *g = r->g;
    uint32_t *new_id = hs_malloc(g->a, ((size_t)g->n + 1) * sizeof(*new_id));
    uint64_t *refs = r->refs.v;
    size_t rp = 0, wp = 0;
    uint32_t w = 0;
    if (!new_id) {
        return HS_ENOMEM;
    }
    for (uint32_t i = 0; i < g->n; i++) {
        uint32_t k = count_of(r, i);
        if (g->flags[i] & HS_NODE_GONE) {
            new_id[i] = UINT32_MAX;
            rp += k;
            continue;
        }
        new_id[i] = w;
        g->addr[w] = g->addr[i];
        g->type[w] = g->type[i];
        g->size[w] = g->size[i];
        g->len[w] = g->len[i];
        g->text[w] = g->text[i];
        g->flags[w] = g->flags[i];
        r->counts8[w] = r->counts8[i];
        if (k > 0) { /* refs is NULL in a dump without any ref */
            memmove(refs + wp, refs + rp, (size_t)k * sizeof(*refs));
        }
        rp += k;
        wp += k;
        w++;
    }
    renumber_wide(&r->big_counts, new_id);
    renumber_wide(&g->wide_size, new_id);
    renumber_wide(&g->wide_len, new_id);
    renumber_wide(&g->unset_slots, new_id);
    renumber_wide(&g->site, new_id);
    hs_mfree(g->a, new_id);
    g->n = w;
    r->refs.len = wp;
    hs_addrindex_clear(&g->ix->x);
    for (uint32_t i = 0; i < g->n; i++) {
        hs_addrindex_put(&g->ix->x, g->addr, i);
    }
    return HS_OK;
}

/* NOTE: about the two shortcuts before the hash lookup. Most of the load
 * time used to go to cache misses in the address index, so resolve_refs
 * tries two cheap guesses first:
 *  - nearby: meliae and heapscope write a depth-first walk, so a record's
 *    children often follow it closely (about 40% of refs in real dumps lie
 *    within 8 lines); those addresses sit in one or two cache lines;
 *  - hot: a small direct-mapped cache of recent targets catches the
 *    objects everything refers to (classes, None, small ints, shared
 *    strings).
 * Both only ever return an id whose address equals the ref, so they change
 * speed, never results. */
enum { NEAR = 8, HOT_BITS = 12 };


typedef struct hot_entry {
    uint64_t addr;
    uint32_t id;
} hot_entry;

static inline uint32_t
near_guess(const uint64_t *addrs, uint32_t nrec, uint32_t u, uint64_t addr)
{
    uint32_t lo = u > NEAR ? u - NEAR : 0;
    uint32_t hi = u + NEAR < nrec ? u + NEAR : nrec - 1;
    for (uint32_t j = lo; j <= hi; j++) {
        if (addrs[j] == addr) {
            return j;
        }
    }
    return UINT32_MAX;
}

/* A phantom node for a dangling address (ids from nrec up). */
static int
add_phantom(hs_scan *r, uint64_t addr, uint32_t *id)
{
    hs_graph *g = r->g;
    HS_TRY(hs_graph_add_node(g, addr, id));
    HS_TRY(HS_GROW(&r->alloc, r->counts8, (size_t)*id + 2, r->counts8_alloc));
    r->counts8[*id] = 0;
    g->flags[*id] = HS_NODE_PHANTOM;
    g->type[*id] = UINT32_MAX;
    HS_TRY(hs_addrindex_insert(&g->ix->x, g->addr, *id));
    g->stats.dangling_addresses++;
    return HS_OK;
}

/* NOTE: about sharing the refs between threads. How long a ref takes
 * depends on where its target lies (a near or hot guess, or a miss in
 * the index), and that differs between parts of a dump: cut in two
 * equal halves, one half took 2.5 times as long as the other. So the refs
 * are cut into chunks of whole nodes and threads take the next chunk
 * until none is left. A chunk's ids are written as u32 from byte 8 * r0
 * on, inside its own bytes of the u64 array (so no thread ever touches
 * another chunk's bytes), and moved down to byte 4 * r0 in chunk order
 * once all are done. Refs with no record are left to a serial pass,
 * which creates the phantoms. */
enum { CHUNK_REFS = 1u << 18 };

typedef struct resolve_chunk {
    uint32_t u0, u1;      /* its nodes */
    size_t r0, r1;        /* their refs, counted in its segment */
    unsigned char *buf;   /* its segment of refs, as bytes (NOTE below) */
    size_t base;          /* the segment's first ref in the whole */
} resolve_chunk;

typedef struct resolve_job {
    const hs_scan *s;
    const uint8_t *tags;  /* the index's tags (all 0 after duplicates) */
    resolve_chunk *chunks;
    size_t nchunks;
    atomic_size_t next;   /* the next chunk to take */
    hs_u64vec missing[HS_MAX_THREADS]; /* per thread: ref index, address */
    int rc[HS_MAX_THREADS];
} resolve_job;

/* NOTE: the refs array is read as u64 and written as u32 in place, so it
 * is accessed through memcpy on bytes: the same storage seen as two types
 * would break C's aliasing rules. */
static inline uint64_t
ref_in(const unsigned char *buf, size_t i)
{
    uint64_t v;
    memcpy(&v, buf + 8 * i, sizeof(v));
    return v;
}

static inline void
id_out(unsigned char *buf, size_t byte, uint32_t id)
{
    memcpy(buf + byte, &id, sizeof(id));
}

static int
note_missing(const hs_allocator *a, hs_u64vec *m, size_t i, uint64_t addr)
{
    if (m->len + 2 > m->alloc) {
        HS_TRY(HS_GROW(a, m->v, m->len + 2, m->alloc));
    }
    m->v[m->len++] = i;
    m->v[m->len++] = addr;
    return HS_OK;
}

/* NOTE: about looking up only what the guesses miss. Five refs in six
 * are served by the two guesses above (measured on the benchmark's
 * dumps: 46 % hot, 37 % near), so prefetching every ref's slot, as this
 * loop once did, spent most of the memory system's parallelism on lines
 * nobody read: the loop stalled on the prefetches themselves. So the
 * refs are taken in two steps: the guesses first, ref by ref, queueing
 * the refs they miss with their slots prefetched; then, once the queue
 * is full, the queued lookups, each prefetching the address a later one
 * will compare (its slot has arrived by then). The queue keeps ref
 * order, so missing refs are noted in order (add_phantoms relies on
 * it). A ref queued before an earlier one's lookup filled the hot cache
 * goes to the table instead: the same id, found slower. */
enum { QUEUE = 64, QUEUE_AHEAD = 8 };

typedef struct lookup {
    size_t i;       /* the ref, counted in its segment */
    uint64_t addr;
} lookup;

typedef struct lookups {
    const resolve_job *job;
    const resolve_chunk *c;
    hot_entry *hot;
    hs_u64vec *missing;
    lookup q[QUEUE];
    unsigned len;
} lookups;

static int
drain(lookups *l)
{
    const hs_graph *g = l->job->s->g;
    const hs_addrindex *x = &g->ix->x;
    const uint8_t *tags = l->job->tags;
    const resolve_chunk *c = l->c;
    for (unsigned k = 0; k < l->len; k++) {
        uint64_t addr = l->q[k].addr;
        hot_entry *h = &l->hot[(addr >> 4) & ((1u << HOT_BITS) - 1)];
        uint32_t id;
        if (k + QUEUE_AHEAD < l->len) {
            hs_addrindex_prefetch_tagged_occupant(x, tags, g->addr,
                                                  l->q[k + QUEUE_AHEAD].addr);
        }
        id = hs_addrindex_find_tagged(x, tags, g->addr, addr);
        if (id == UINT32_MAX) {
            HS_TRY(note_missing(&l->job->s->alloc, l->missing,
                                c->base + l->q[k].i, addr));
        }
        h->addr = addr;
        h->id = id;
        id_out(c->buf, 8 * c->r0 + 4 * (l->q[k].i - c->r0), id);
    }
    l->len = 0;
    return HS_OK;
}

static int
resolve_chunk_refs(const resolve_job *job, const resolve_chunk *c,
                   hot_entry *hot, hs_u64vec *missing)
{
    const hs_scan *s = job->s;
    const hs_graph *g = s->g;
    uint32_t nrec = g->n;
    const unsigned char *buf = c->buf;
    size_t i = c->r0, out = 8 * c->r0;
    lookups l;
    l.job = job;
    l.c = c;
    l.hot = hot;
    l.missing = missing;
    l.len = 0;
    for (uint32_t u = c->u0; u < c->u1; u++) {
        size_t end = i + count_of(s, u);
        for (; i < end; i++, out += 4) {
            uint64_t addr = ref_in(buf, i);
            const hot_entry *h = &hot[(addr >> 4) & ((1u << HOT_BITS) - 1)];
            uint32_t id;
            if (h->addr == addr && h->id != UINT32_MAX) {
                id = h->id;
            } else if ((id = near_guess(g->addr, nrec, u, addr))
                       == UINT32_MAX) {
                hs_addrindex_prefetch_tagged(&g->ix->x, job->tags, addr);
                l.q[l.len].i = i;
                l.q[l.len++].addr = addr;
                if (l.len == QUEUE) {
                    HS_TRY(drain(&l));
                }
                continue;
            }
            id_out(c->buf, out, id);
        }
    }
    return drain(&l);
}

static int
run_resolve(void *ctx, unsigned part)
{
    resolve_job *job = ctx;
    const hs_allocator *a = &job->s->alloc;
    hot_entry *hot = hs_malloc(a, sizeof(*hot) << HOT_BITS);
    int rc = HS_OK;
    if (!hot) {
        return job->rc[part] = HS_ENOMEM;
    }
    memset(hot, 0xff, sizeof(*hot) << HOT_BITS); /* id UINT32_MAX: empty */
    for (;;) {
        size_t c = atomic_fetch_add(&job->next, 1);
        if (c >= job->nchunks || rc < 0) {
            break;
        }
        rc = resolve_chunk_refs(job, &job->chunks[c], hot,
                                &job->missing[part]);
    }
    hs_mfree(a, hot);
    return job->rc[part] = rc;
}

/* Segment k of s's refs: 0 is s->refs, k > 0 tail k - 1. */
static hs_u64vec *
segment(hs_scan *s, unsigned k, uint32_t *first_node, size_t *first_ref)
{
    *first_node = k ? s->tail[k - 1].first_node : 0;
    *first_ref = k ? s->tail[k - 1].first_ref : 0;
    return k ? &s->tail[k - 1].refs : &s->refs;
}

/* Cuts the nodes into chunks of about CHUNK_REFS refs, none across two
 * segments; NULL when out of memory. */
static resolve_chunk *
cut_chunks(hs_scan *s, size_t *count)
{
    size_t m = hs_scan_refs(s), k = 0;
    uint32_t nrec = s->g->n;
    resolve_chunk *c = hs_malloc(&s->alloc, (m / CHUNK_REFS + s->ntails + 2)
                                            * sizeof(*c));
    if (!c) {
        return NULL;
    }
    for (unsigned seg = 0; seg <= s->ntails; seg++) {
        uint32_t u, end = nrec, next;
        size_t r = 0, base, next_base;
        hs_u64vec *v = segment(s, seg, &u, &base);
        if (seg < s->ntails) {
            segment(s, seg + 1, &next, &next_base);
            end = next;
        }
        while (u < end) {
            resolve_chunk *cur = &c[k++];
            cur->u0 = u;
            cur->r0 = r;
            cur->buf = (unsigned char *)v->v;
            cur->base = base;
            /* A node's refs stay in one chunk, which may pass CHUNK_REFS;
             * so every chunk but a segment's last has CHUNK_REFS or more. */
            while (u < end && r - cur->r0 < CHUNK_REFS) {
                r += count_of(s, u++);
            }
            cur->u1 = u;
            cur->r1 = r;
        }
    }
    *count = k;
    return c;
}

/* Puts the tails' refs after the first segment's, as `width`-byte items
 * (8: addresses still; 4: resolved ids), growing it if they do not fit,
 * and frees the tails. */
static int
join_tails(hs_scan *s, size_t width)
{
    size_t m = hs_scan_refs(s);
    if (s->ntails == 0) {
        return HS_OK;
    }
    HS_TRY(HS_GROW(&s->alloc, s->refs.v, (m * width + 7) / 8,
                   s->refs.alloc));
    for (unsigned k = 0; k < s->ntails; k++) {
        hs_ref_tail *t = &s->tail[k];
        if (t->refs.len) {
            memcpy((unsigned char *)s->refs.v + width * t->first_ref,
                   t->refs.v, width * t->refs.len);
        }
        hs_mfree(&s->alloc, t->refs.v);
    }
    s->ntails = 0;
    s->refs.len = m;
    return HS_OK;
}

/* After the chunks: each chunk's ids move from byte 8*r0 to 4*r0 of its
 * segment, in order; then the tails' ids join the first segment's, which
 * is grown if their 4 bytes a ref do not fit in its 8, and the tails are
 * freed. */
static int
gather_ids(hs_scan *s, const resolve_job *job)
{
    for (size_t c = 0; c < job->nchunks; c++) {
        const resolve_chunk *ch = &job->chunks[c];
        if (ch->r0 > 0) {
            memmove(ch->buf + 4 * ch->r0, ch->buf + 8 * ch->r0,
                    4 * (ch->r1 - ch->r0));
        }
    }
    return join_tails(s, 4);
}

/* Resolves the refs the threads found no record for, in ref order (each
 * thread's list is in ref order: it takes chunks in order), so phantoms
 * get the same ids however the chunks fell to threads. */
static int
add_phantoms(hs_scan *s, resolve_job *job, unsigned threads)
{
    hs_graph *g = s->g;
    size_t pos[HS_MAX_THREADS] = {0};
    for (;;) {
        hs_u64vec *miss = NULL;
        unsigned from = 0;
        uint32_t id;
        for (unsigned t = 0; t < threads; t++) {
            const hs_u64vec *m = &job->missing[t];
            if (pos[t] < m->len
                && (!miss || m->v[pos[t]] < miss->v[pos[from]])) {
                miss = &job->missing[t];
                from = t;
            }
        }
        if (!miss) {
            return HS_OK;
        }
        id = hs_addrindex_find(&g->ix->x, g->addr, miss->v[pos[from] + 1]);
        if (id == UINT32_MAX) {
            HS_TRY(add_phantom(s, miss->v[pos[from] + 1], &id));
        }
        id_out((unsigned char *)s->refs.v, 4 * (size_t)miss->v[pos[from]],
               id);
        g->stats.dangling_refs++;
        pos[from] += 2;
    }
}

/* Resolves every ref address to a node id (see the top of this file),
 * on up to `threads` threads. Records have ids below nrec, phantoms
 * (added at the end) from nrec up. */
static int
resolve_refs(hs_scan *s, unsigned threads, uint8_t *tags)
{
    resolve_job *job = hs_calloc(&s->alloc, 1, sizeof(*job));
    int rc = HS_OK;
    if (!job || !(job->chunks = cut_chunks(s, &job->nchunks))) {
        hs_mfree(&s->alloc, job);
        hs_mfree(&s->alloc, tags);
        return HS_ENOMEM;
    }
    if (threads > HS_MAX_THREADS) {
        threads = HS_MAX_THREADS;
    }
    if (hs_scan_refs(s) < PARALLEL_REFS || threads < 1) {
        threads = 1;
    }
    job->s = s;
    job->tags = tags;
    atomic_init(&job->next, 0);
    hs_parallel_for(threads, run_resolve, job); /* errors: in job->rc */
    /* Before the phantoms, which may grow the table past its tags. */
    hs_mfree(&s->alloc, tags);
    job->tags = NULL;
    for (unsigned t = 0; t < threads; t++) {
        if (rc == 0 && job->rc[t] < 0) {
            rc = job->rc[t];
        }
    }
    if (rc == 0) {
        rc = gather_ids(s, job);
    }
    if (rc == 0) {
        rc = add_phantoms(s, job, threads);
    }
    for (unsigned t = 0; t < threads; t++) {
        hs_mfree(&s->alloc, job->missing[t].v);
    }
    hs_mfree(&s->alloc, job->chunks);
    hs_mfree(&s->alloc, job);
    return rc;
}

/* Moves the resolved refs and the counts into the children CSR. */
static int
build_children(hs_scan *r, unsigned threads)
{
    hs_graph *g = r->g;
    hs_csr c;
    size_t m = r->refs.len;
    uint32_t *t;
    int rc;
    /* Shrink the refs array to its u32 form, then unpack the counts. */
    t = hs_realloc(g->a, r->refs.v, m * sizeof(uint32_t));
    if (!t) {
        t = (uint32_t *)(void *)r->refs.v;
    }
    r->refs.v = NULL;
    r->refs.len = r->refs.alloc = 0;
    rc = unpack_counts(r, threads);
    if (rc < 0) {
        hs_mfree(g->a, t);
        return rc;
    }
    rc = hs_csr_from_counts(&c, g->a, r->counts, g->n, m, t);
    r->counts = NULL;
    HS_TRY(rc);
    hs_graph_set_children(g, &c);
    return HS_OK;
}

/* Gives back the pages the scans mapped ahead of their refs (see
 * map_ahead in hs_scan.c) and never used: the index comes next, and
 * with it the load's peak of memory. */
static void
drop_unused(const hs_u64vec *v)
{
    if (v->v) { /* NULL when no record had a ref */
        hs_drop_pages(v->v + v->len, (v->alloc - v->len) * sizeof(*v->v));
    }
}

static void
drop_slack(hs_scan *s)
{
    drop_unused(&s->refs);
    for (unsigned k = 0; k < s->ntails; k++) {
        drop_unused(&s->tail[k].refs);
    }
}

int
hs_link_records(hs_scan *s, unsigned threads, hs_error *err)
{
    hs_graph *g = s->g;
    uint8_t *tags = NULL;
    int rc;
    drop_slack(s);
    rc = pack_counts(s, threads);
    if (rc == 0) {
        rc = index_records(s, threads, &tags);
    }
    if (rc == 0 && g->stats.duplicates && (rc = join_tails(s, 8)) == 0) {
        rc = drop_duplicates(s);
        /* The index is rebuilt, its capacity kept, without tags: 0 says
         * "unknown, compare the address" to the lookups. */
        memset(tags, 0, (size_t)g->ix->x.cap);
    }
    if (rc == 0) {
        g->live = g->n;
        rc = resolve_refs(s, threads, tags); /* frees tags */
        tags = NULL;
    }
    hs_mfree(&s->alloc, tags);
    if (rc == 0) {
        rc = build_children(s, threads);
    }
    if (rc < 0) {
        return hs_error_set(err, rc, "%s while linking references",
                            hs_strerror(rc));
    }
    return HS_OK;
}
