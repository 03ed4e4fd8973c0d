/*
 * hs_snapshot_read.c - validating a snapshot and mapping a graph.
 *
 * A snapshot is untrusted input, like a dump. The checks come in the order
 * of their cost, so that a stale or foreign file is turned away before a
 * byte of its data is touched:
 *
 *  1. the header: magic, version, byte order, pointer size, the file's
 *     length (truncation), then the dump's fingerprint (staleness) and the
 *     variant;
 *  2. the section and chunk tables, under their own checksum: each section
 *     known, unique, aligned, inside the file, after the tables, not
 *     overlapping the next; counts consistent with the node count;
 *  3. every chunk, in parallel: its checksum, then the facts about its
 *     elements (ids below n, type ids below the type count, offsets never
 *     decreasing, slots empty or below n), while the chunk is in cache;
 *  4. every node's text entries inside the pool, and a type for every
 *     node but phantoms (parallel node ranges);
 *  5. the type names, interned afresh (ids must come out the same).
 *
 * NOTE: about the cost. Steps 3 and 4 read the whole file once. On a
 * 7.8 M-object dump (a 446 MB snapshot) that is a fifth of a second of
 * CPU, against seconds for a parse; skipping them would make a crafted
 * file a crash, which the house rules forbid.
 *
 * MARK: lazy opens
 *
 * A summary needs, per type, the count, total and largest size of its
 * objects: the writer keeps that table (the type rows, a few KB) beside
 * the arrays it is computed from. A lazy open (want->lazy) checks steps
 * 3 and 4 for the meta, type names and type rows only, and leaves every
 * array (node arrays, edges, texts, the address index, sites) unset in
 * the graph, so no code can read an unchecked byte: hs_graph_complete
 * checks the rest and sets them, the first time a caller needs more. The
 * untouched sections are never paged in either, so a summary through a
 * snapshot of millions of objects reads kilobytes.
 */
#include "hs_snapshot_read.h"

#include "hs_snapfmt.h"
#include "hs_snapsites.h"
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_scan.h"
#include "../graph/hs_typerows.h"
#include "../util/hs_checksum.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

/* Below this many chunks, one thread verifies them all. */
#define PARALLEL_CHUNKS 16

#define BIT(id) (1u << (id))
/* What a lazy open checks and maps at once: all that hs_summary_new and
 * hs_graph_object_bytes read (the type rows, not the node arrays), and the
 * tables of every open. */
#define SUMMARY_SECTIONS \
    (BIT(HS_SNAP_META) | BIT(HS_SNAP_TYPE_LENS) | BIT(HS_SNAP_TYPE_POOL) \
     | BIT(HS_SNAP_TYPE_ROWS))
#define ALL_SECTIONS (BIT(HS_SNAP_ID_END) - 2) /* ids 1 .. END - 1 */
_Static_assert(HS_SNAP_ID_END < 32, "section ids fit the masks");

static const char *const section_names[HS_SNAP_ID_END] = {
    "?", "meta", "addresses", "types", "sizes", "lens", "texts", "flags",
    "wide sizes", "wide size values", "wide lens", "wide len values",
    "child offsets", "children", "parent offsets", "parents",
    "type name lengths", "type names", "text pool", "address index",
    "unset slots", "unset slot masks", "traced objects",
    "their tracebacks", "sites", "type rows"};

/* The sections as found, and the facts checked against them. */
typedef struct snap {
    hs_mapping *m;
    const unsigned char *d;
    size_t len;
    const hs_snap_header *h;
    const hs_snap_section *table;
    const uint64_t *chunks;
    const hs_snap_section *sec[HS_SNAP_ID_END];
    const uint64_t *meta;
    uint64_t n, ntypes;
    uint32_t mask;   /* the sections steps 3 and 4 check (BIT(id)) */
    /* step 3, shared by the workers */
    atomic_uint_fast64_t next_chunk;
    atomic_uint_fast64_t empty_slots;
    atomic_bool failed;
    pthread_mutex_t lock;
    char why[256];
} snap;

static const char *
sname(uint32_t id)
{
    return id < HS_SNAP_ID_END ? section_names[id] : "?";
}

static const void *
sdata(const snap *s, hs_snap_id id)
{
    const hs_snap_section *x = s->sec[id];
    return x && x->count ? s->d + x->offset : NULL;
}

static uint64_t
scount(const snap *s, hs_snap_id id)
{
    return s->sec[id] ? s->sec[id]->count : 0;
}

/* Records the first failure of a worker (printf-style message). */
static void
flag(snap *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
flag(snap *s, const char *fmt, ...)
{
    va_list ap;
    pthread_mutex_lock(&s->lock);
    if (!atomic_load(&s->failed)) {
        va_start(ap, fmt);
        vsnprintf(s->why, sizeof(s->why), fmt, ap);
        va_end(ap);
        atomic_store(&s->failed, true);
    }
    pthread_mutex_unlock(&s->lock);
}

/* MARK: step 1, the header */

static int
check_header(snap *s, hs_error *err)
{
    const hs_snap_header *h = (const hs_snap_header *)s->d;
    HS_RETURN_IF(s->len < sizeof(*h), HS_ECORRUPT, err,
                 "truncated: %zu bytes, shorter than the header", s->len);
    HS_RETURN_IF(memcmp(h->magic, HS_SNAP_MAGIC, 8) != 0, HS_ECORRUPT, err,
                 "not a heapscope snapshot (bad magic)");
    HS_RETURN_IF(h->endian != HS_SNAP_ENDIAN, HS_EUNSUPPORTED, err,
                 "written on a machine of the other byte order");
    HS_RETURN_IF(h->version != HS_SNAP_VERSION, HS_EUNSUPPORTED, err,
                 "format version %u, this heapscope reads version %u",
                 h->version, HS_SNAP_VERSION);
    HS_RETURN_IF(h->pointer_bytes != sizeof(void *), HS_EUNSUPPORTED, err,
                 "written for %u-byte pointers", h->pointer_bytes);
    HS_RETURN_IF(h->header_bytes != sizeof(*h), HS_ECORRUPT, err,
                 "bad header size %u", h->header_bytes);
    HS_RETURN_IF(h->file_bytes != s->len, HS_ECORRUPT, err,
                 "truncated or extended: %zu bytes, the header says %llu",
                 s->len, (unsigned long long)h->file_bytes);
    s->h = h;
    return HS_OK;
}

/* Staleness and variant, once the header is known to be intact. */
static int
check_wanted(const snap *s, const hs_snap_expect *want, hs_error *err)
{
    const hs_snap_header *h = s->h;
    if (want && want->dump) {
        hs_fingerprint fp = {h->dump_size, h->dump_mtime_sec,
                             h->dump_mtime_nsec, h->dump_sample};
        const char *what = hs_fingerprint_diff(&fp, want->dump);
        HS_RETURN_IF(what, HS_EINVAL, err, "stale: the dump's %s changed",
                     what);
    }
    HS_RETURN_IF(want && want->check_variant && h->variant != want->variant,
                 HS_EINVAL, err, "built for another pipeline (variant %u)",
                 h->variant);
    return HS_OK;
}

/* MARK: step 2, the tables */

static bool
zeros(const unsigned char *p, uint64_t len)
{
    unsigned char any = 0;
    for (uint64_t i = 0; i < len; i++) {
        any |= p[i];
    }
    return any == 0;
}

static int
check_tables(snap *s, hs_error *err)
{
    const hs_snap_header *h = s->h;
    uint64_t tbytes, cbytes, end, pos, chunk = 0;
    uint64_t saved;
    hs_snap_header copy;
    HS_RETURN_IF(h->nsections > HS_SNAP_MAX_SECTIONS, HS_ECORRUPT, err,
                 "damaged: %u sections", h->nsections);
    tbytes = (uint64_t)h->nsections * sizeof(hs_snap_section);
    HS_RETURN_IF(h->nchunks > s->len / 8, HS_ECORRUPT, err,
                 "damaged: %llu chunks", (unsigned long long)h->nchunks);
    cbytes = h->nchunks * 8;
    end = sizeof(*h) + tbytes + cbytes;
    HS_RETURN_IF(end > s->len, HS_ECORRUPT, err,
                 "truncated: the tables end past the file");
    s->table = (const hs_snap_section *)(s->d + sizeof(*h));
    s->chunks = (const uint64_t *)(s->d + sizeof(*h) + tbytes);
    memcpy(&copy, h, sizeof(copy));
    saved = copy.table_checksum;
    copy.table_checksum = 0;
    HS_RETURN_IF(hs_checksum(s->d + sizeof(*h), (size_t)(tbytes + cbytes),
                             hs_checksum(&copy, sizeof(copy), 0)) != saved,
                 HS_ECORRUPT, err, "damaged: header checksum mismatch");
    pos = end;
    for (uint32_t i = 0; i < h->nsections; i++) {
        const hs_snap_section *x = &s->table[i];
        uint64_t bytes;
        HS_RETURN_IF(x->id == 0 || x->id >= HS_SNAP_ID_END || s->sec[x->id],
                     HS_ECORRUPT, err, "damaged: section %u bad or repeated",
                     x->id);
        HS_RETURN_IF(x->elem_bytes != 1 && x->elem_bytes != 4
                     && x->elem_bytes != 8, HS_ECORRUPT, err,
                     "damaged: %s: element size %u", sname(x->id),
                     x->elem_bytes);
        HS_RETURN_IF(__builtin_mul_overflow(x->count, x->elem_bytes, &bytes)
                     || x->offset % HS_SNAP_ALIGN || x->offset < pos
                     || x->offset > s->len || bytes > s->len - x->offset,
                     HS_ECORRUPT, err, "damaged: %s lies outside the file",
                     sname(x->id));
        HS_RETURN_IF(x->first_chunk != chunk, HS_ECORRUPT, err,
                     "damaged: %s: chunk table", sname(x->id));
        chunk += hs_snap_chunks(bytes);
        HS_RETURN_IF(chunk > h->nchunks, HS_ECORRUPT, err,
                     "damaged: %s: chunk table", sname(x->id));
        HS_RETURN_IF(!zeros(s->d + pos, x->offset - pos), HS_ECORRUPT, err,
                     "damaged: padding before %s", sname(x->id));
        pos = x->offset + bytes;
        s->sec[x->id] = x;
    }
    HS_RETURN_IF(chunk != h->nchunks, HS_ECORRUPT, err,
                 "damaged: chunk count");
    /* No checksum covers the padding, so it must be zero. */
    HS_RETURN_IF(!zeros(s->d + pos, s->len - pos), HS_ECORRUPT, err,
                 "damaged: padding at the end");
    return HS_OK;
}

/* Checks that section id holds count elements of one of the sizes. */
static int
want_shape(const snap *s, hs_snap_id id, uint64_t count, uint32_t elem,
           uint32_t elem2, hs_error *err)
{
    const hs_snap_section *x = s->sec[id];
    HS_RETURN_IF(!x, HS_ECORRUPT, err, "damaged: no %s section", sname(id));
    HS_RETURN_IF(x->elem_bytes != elem && x->elem_bytes != elem2,
                 HS_ECORRUPT, err, "damaged: %s: element size", sname(id));
    HS_RETURN_IF(count != UINT64_MAX && x->count != count, HS_ECORRUPT, err,
                 "damaged: %s: %llu elements, expected %llu", sname(id),
                 (unsigned long long)x->count, (unsigned long long)count);
    return HS_OK;
}

/* The site sections come with a dump that has sites, and only then
 * (the writer always adds them; a snapshot without them is one of a
 * dump without sites). */
static int
check_site_shapes(snap *s, hs_error *err)
{
    bool have = (s->meta[HS_META_GRAPH_FLAGS] & HS_SNAP_HAVE_SITES) != 0;
    if (!have) {
        HS_RETURN_IF(scount(s, HS_SNAP_SITE_IDS) || scount(s, HS_SNAP_SITES),
                     HS_ECORRUPT, err, "damaged: sites in a dump without "
                     "them");
        return HS_OK;
    }
    HS_TRY(want_shape(s, HS_SNAP_SITE_IDS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_SITE_VALS, scount(s, HS_SNAP_SITE_IDS), 8,
                      8, err));
    return want_shape(s, HS_SNAP_SITES, UINT64_MAX, 4, 4, err);
}

static int
check_shapes(snap *s, hs_error *err)
{
    static const hs_snap_id per_node32[] = {HS_SNAP_TYPE, HS_SNAP_SIZE,
                                            HS_SNAP_LEN, HS_SNAP_TEXT};
    HS_TRY(want_shape(s, HS_SNAP_META, HS_META_COUNT, 8, 8, err));
    s->meta = sdata(s, HS_SNAP_META);
    s->n = s->meta[HS_META_N];
    HS_RETURN_IF(s->n > UINT32_MAX - 1, HS_ECORRUPT, err,
                 "damaged: %llu nodes", (unsigned long long)s->n);
    HS_TRY(want_shape(s, HS_SNAP_ADDR, s->n, 8, 8, err));
    for (size_t i = 0; i < sizeof(per_node32) / sizeof(*per_node32); i++) {
        HS_TRY(want_shape(s, per_node32[i], s->n, 4, 4, err));
    }
    HS_TRY(want_shape(s, HS_SNAP_FLAGS, s->n, 1, 1, err));
    HS_TRY(want_shape(s, HS_SNAP_WSIZE_IDS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_WSIZE_VALS, scount(s, HS_SNAP_WSIZE_IDS),
                      8, 8, err));
    HS_TRY(want_shape(s, HS_SNAP_WLEN_IDS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_WLEN_VALS, scount(s, HS_SNAP_WLEN_IDS), 8,
                      8, err));
    HS_TRY(want_shape(s, HS_SNAP_UNSET_IDS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_UNSET_VALS, scount(s, HS_SNAP_UNSET_IDS),
                      8, 8, err));
    HS_TRY(check_site_shapes(s, err));
    HS_TRY(want_shape(s, HS_SNAP_CH_OFF, s->n + 1, 4, 8, err));
    HS_TRY(want_shape(s, HS_SNAP_CH_TARGETS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_PA_OFF, s->n + 1, 4, 8, err));
    HS_TRY(want_shape(s, HS_SNAP_PA_TARGETS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_TYPE_LENS, UINT64_MAX, 4, 4, err));
    HS_TRY(want_shape(s, HS_SNAP_TYPE_POOL, UINT64_MAX, 1, 1, err));
    HS_TRY(want_shape(s, HS_SNAP_TEXTPOOL, UINT64_MAX, 1, 1, err));
    HS_TRY(want_shape(s, HS_SNAP_SLOTS, UINT64_MAX, 4, 4, err));
    s->ntypes = scount(s, HS_SNAP_TYPE_LENS);
    HS_RETURN_IF(s->ntypes > UINT32_MAX - 2, HS_ECORRUPT, err,
                 "damaged: type count");
    HS_TRY(want_shape(s, HS_SNAP_TYPE_ROWS, s->ntypes * HS_ROW_WORDS, 8, 8,
                      err));
    HS_RETURN_IF(s->sec[HS_SNAP_CH_OFF]->elem_bytes == 4
                 && scount(s, HS_SNAP_CH_TARGETS) > UINT32_MAX, HS_ECORRUPT,
                 err, "damaged: children need 64-bit offsets");
    HS_RETURN_IF(s->sec[HS_SNAP_PA_OFF]->elem_bytes == 4
                 && scount(s, HS_SNAP_PA_TARGETS) > UINT32_MAX, HS_ECORRUPT,
                 err, "damaged: parents need 64-bit offsets");
    HS_RETURN_IF(s->meta[HS_META_INDEX_COUNT] >= scount(s, HS_SNAP_SLOTS)
                 && scount(s, HS_SNAP_SLOTS), HS_ECORRUPT, err,
                 "damaged: address index full");
    HS_RETURN_IF(s->meta[HS_META_DIALECT] > HS_DIALECT_HEAPSCOPE
                 || s->meta[HS_META_ST_DIALECT] > HS_DIALECT_HEAPSCOPE
                 || s->meta[HS_META_COMPRESSION] > HS_COMPRESSION_ZSTD,
                 HS_ECORRUPT, err, "damaged: meta");
    return HS_OK;
}

/* MARK: step 3, the chunks */

/* MARK: vector checks
 *
 * The checks below run over every element of the file, so they are
 * written with GCC's vector extensions (16 bytes a step, any x86-64 or
 * ARM64): a branch per element would cost more than the checksum. */

typedef uint32_t u32x4 __attribute__((vector_size(16)));
typedef uint8_t u8x16 __attribute__((vector_size(16)));

/* True if some v[k] + add >= limit (32-bit wrapping add). */
static bool
any_at_least32(const uint32_t *v, uint64_t n, uint32_t add, uint32_t limit)
{
    u32x4 acc = {0, 0, 0, 0}, vadd = {add, add, add, add};
    u32x4 vlim = {limit, limit, limit, limit};
    uint64_t k = 0;
    uint32_t any = 0;
    for (; k + 4 <= n; k += 4) {
        u32x4 x;
        memcpy(&x, v + k, sizeof(x));
        acc |= (u32x4)(x + vadd >= vlim);
    }
    for (; k < n; k++) {
        any |= v[k] + add >= limit;
    }
    return any || (acc[0] | acc[1] | acc[2] | acc[3]);
}

static uint64_t
count_equal32(const uint32_t *v, uint64_t n, uint32_t value)
{
    u32x4 acc = {0, 0, 0, 0}, want = {value, value, value, value};
    uint64_t k = 0, count = 0;
    for (; k + 4 <= n; k += 4) {
        u32x4 x;
        memcpy(&x, v + k, sizeof(x));
        acc -= (u32x4)(x == want); /* a match is -1 */
    }
    for (; k < n; k++) {
        count += v[k] == value;
    }
    return count + (uint64_t)acc[0] + acc[1] + acc[2] + acc[3];
}

static bool
any_at_least8(const uint8_t *v, uint64_t n, uint8_t limit)
{
    u8x16 acc = {0}, vlim;
    uint64_t k = 0;
    uint8_t any = 0;
    memset(&vlim, limit, sizeof(vlim));
    for (; k + 16 <= n; k += 16) {
        u8x16 x;
        memcpy(&x, v + k, sizeof(x));
        acc |= (u8x16)(x >= vlim);
    }
    for (; k < n; k++) {
        any |= v[k] >= limit;
    }
    for (unsigned i = 0; i < 16; i++) {
        any |= acc[i];
    }
    return any != 0;
}

/* True if v[k] < v[k - 1] for some k in [1, n). */
static bool
decreases32(const uint32_t *v, uint64_t n)
{
    u32x4 acc = {0, 0, 0, 0};
    uint64_t k = 1;
    uint32_t any = 0;
    for (; k + 4 <= n; k += 4) {
        u32x4 x, prev;
        memcpy(&x, v + k, sizeof(x));
        memcpy(&prev, v + k - 1, sizeof(prev));
        acc |= (u32x4)(x < prev);
    }
    for (; k < n; k++) {
        any |= v[k] < v[k - 1];
    }
    return any || (acc[0] | acc[1] | acc[2] | acc[3]);
}

static bool
decreases64(const uint64_t *v, uint64_t n)
{
    bool any = false;
    for (uint64_t k = 1; k < n; k++) {
        any |= v[k] < v[k - 1];
    }
    return any;
}

/* The facts about elements [b, e) of section x (hs_snapfmt.h). A chunk
 * boundary falls inside an element array, so order checks start one
 * element early. */
static void
check_elements(snap *s, const hs_snap_section *x, uint64_t b, uint64_t e)
{
    const unsigned char *base = s->d + x->offset;
    const uint32_t *v32 = (const uint32_t *)base;
    uint64_t from = b ? b - 1 : 0;
    bool bad = false;
    switch (x->id) {
    case HS_SNAP_TYPE:
        /* a type id, or UINT32_MAX (+ 1 wraps to 0) for a phantom: the
         * text pass checks that only phantoms have it */
        bad = any_at_least32(v32 + b, e - b, 1, (uint32_t)s->ntypes + 1);
        break;
    case HS_SNAP_CH_TARGETS:
    case HS_SNAP_PA_TARGETS:
        bad = any_at_least32(v32 + b, e - b, 0, (uint32_t)s->n);
        break;
    case HS_SNAP_WSIZE_IDS:
    case HS_SNAP_WLEN_IDS:
    case HS_SNAP_UNSET_IDS:
    case HS_SNAP_SITE_IDS:
        /* strictly increasing (binary search), below n */
        bad = any_at_least32(v32 + b, e - b, 0, (uint32_t)s->n);
        for (uint64_t k = from + 1; k < e; k++) {
            bad |= v32[k] <= v32[k - 1];
        }
        break;
    case HS_SNAP_SLOTS:
        /* empty (UINT32_MAX, which + 1 wraps to 0) or below n */
        bad = any_at_least32(v32 + b, e - b, 1, (uint32_t)s->n + 1);
        atomic_fetch_add(&s->empty_slots,
                         count_equal32(v32 + b, e - b, UINT32_MAX));
        break;
    case HS_SNAP_FLAGS:
        /* layout bits at most HS_LAYOUT_UNKNOWN */
        bad = any_at_least8(base + b, e - b,
                            (uint8_t)((HS_LAYOUT_UNKNOWN + 1)
                                      << HS_NODE_LAYOUT_SHIFT));
        break;
    case HS_SNAP_CH_OFF:
    case HS_SNAP_PA_OFF:
        bad = x->elem_bytes == 4
                  ? decreases32(v32 + from, e - from)
                  : decreases64((const uint64_t *)base + from, e - from);
        break;
    default:
        break;
    }
    if (bad) {
        flag(s, "damaged: %s: a value out of range near element %llu",
             sname(x->id), (unsigned long long)b);
    }
}

static const hs_snap_section *
section_of_chunk(const snap *s, uint64_t c)
{
    const hs_snap_section *found = NULL;
    for (uint32_t i = 0; i < s->h->nsections; i++) {
        if (s->table[i].first_chunk <= c) {
            uint64_t bytes = s->table[i].count * s->table[i].elem_bytes;
            if (c < s->table[i].first_chunk + hs_snap_chunks(bytes)) {
                found = &s->table[i];
            }
        }
    }
    return found;
}

static int
verify_chunks(void *ctx, unsigned part)
{
    snap *s = ctx;
    (void)part; /* every part takes chunks from one queue */
    for (;;) {
        uint64_t c = atomic_fetch_add(&s->next_chunk, 1);
        const hs_snap_section *x;
        uint64_t bytes, from, to;
        const unsigned char *p;
        if (c >= s->h->nchunks || atomic_load(&s->failed)) {
            return HS_OK;
        }
        x = section_of_chunk(s, c);
        if (!(s->mask & BIT(x->id))) {
            continue;
        }
        bytes = x->count * x->elem_bytes;
        from = (c - x->first_chunk) * HS_SNAP_CHUNK;
        to = from + HS_SNAP_CHUNK < bytes ? from + HS_SNAP_CHUNK : bytes;
        p = s->d + x->offset + from;
        hs_prefault_read(p, (size_t)(to - from));
        if (hs_checksum(p, (size_t)(to - from), x->id) != s->chunks[c]) {
            flag(s, "damaged: checksum mismatch in %s at byte %llu",
                 sname(x->id), (unsigned long long)(x->offset + from));
            return HS_OK;
        }
        check_elements(s, x, from / x->elem_bytes, to / x->elem_bytes);
    }
}

/* MARK: step 4, the texts */

typedef struct text_job {
    snap *s;
    uint32_t lo, hi;
} text_job;

/* Parses the entry at off: false unless it lies inside the pool. */
static bool
entry_ok(const unsigned char *pool, uint64_t len, uint64_t off,
         uint64_t *next)
{
    uint64_t v = 0;
    unsigned shift = 0;
    for (;;) {
        unsigned char byte;
        if (off >= len || shift > 56) {
            return false;
        }
        byte = pool[off++];
        v |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            break;
        }
        shift += 7;
    }
    if (v > len - off) {
        return false;
    }
    *next = off + v;
    return true;
}

/* Nodes [lo, hi): a type unless phantom, text entries inside the pool. */
static bool
texts_ok(const snap *s, uint32_t lo, uint32_t hi)
{
    const uint32_t *text = sdata(s, HS_SNAP_TEXT);
    const uint32_t *type = sdata(s, HS_SNAP_TYPE);
    const uint8_t *flags = sdata(s, HS_SNAP_FLAGS);
    const unsigned char *pool = sdata(s, HS_SNAP_TEXTPOOL);
    uint64_t plen = scount(s, HS_SNAP_TEXTPOOL);
    /* Phantoms are rare: look at types one by one only in a block that
     * holds a UINT32_MAX (in the pass that checks the types: a whole open
     * or hs_graph_complete). */
    if ((s->mask & BIT(HS_SNAP_TYPE))
        && count_equal32(type + lo, hi - lo, UINT32_MAX) != 0) {
        for (uint32_t i = lo; i < hi; i++) {
            if (type[i] == UINT32_MAX && !(flags[i] & HS_NODE_PHANTOM)) {
                return false;
            }
        }
    }
    if (!(s->mask & BIT(HS_SNAP_TEXTPOOL))) {
        return true; /* a lazy open: the texts wait */
    }
    for (uint32_t i = lo; i < hi; i++) {
        uint8_t f = flags[i];
        uint64_t off = (uint64_t)text[i] * HS_TEXT_ALIGN, next;
        if (!(f & (HS_NODE_NAME | HS_NODE_KIND_MASK))) {
            continue;
        }
        /* The common entry: a one-byte length, far from the pool's end. */
        if (off + 256 <= plen && pool[off] < 0x80) {
            next = off + 1 + pool[off];
        } else if (!entry_ok(pool, plen, off, &next)) {
            return false;
        }
        if ((f & HS_NODE_NAME) && (f & HS_NODE_KIND_MASK)
            && !entry_ok(pool, plen, next, &next)) {
            return false;
        }
    }
    return true;
}

static int
verify_texts(void *ctx, unsigned part)
{
    text_job *j = (text_job *)ctx + part;
    for (uint32_t lo = j->lo; lo < j->hi; lo += 4096) {
        uint32_t hi = j->hi - lo > 4096 ? lo + 4096 : j->hi;
        if (atomic_load(&j->s->failed)) {
            return HS_OK;
        }
        if (!texts_ok(j->s, lo, hi)) {
            flag(j->s, "damaged: a node of %u..%u has no type or its text "
                 "lies outside the pool", lo, hi - 1);
            return HS_OK;
        }
    }
    return HS_OK;
}

static int
verify_data(snap *s, unsigned threads, hs_error *err)
{
    text_job jobs[HS_MAX_THREADS];
    unsigned nt = threads;
    if (s->h->nchunks < PARALLEL_CHUNKS) {
        nt = 1;
    }
    hs_parallel_for(nt, verify_chunks, s);
    if (!atomic_load(&s->failed) && (s->mask & BIT(HS_SNAP_SLOTS))
        && scount(s, HS_SNAP_SLOTS)
        && atomic_load(&s->empty_slots)
               != scount(s, HS_SNAP_SLOTS) - s->meta[HS_META_INDEX_COUNT]) {
        flag(s, "damaged: address index count");
    }
    if (!atomic_load(&s->failed)) {
        for (unsigned i = 0; i < nt; i++) {
            jobs[i] = (text_job){s, (uint32_t)(s->n * i / nt),
                                 (uint32_t)(s->n * (i + 1) / nt)};
        }
        hs_parallel_for(nt, verify_texts, jobs);
    }
    HS_RETURN_IF(atomic_load(&s->failed), HS_ECORRUPT, err, "%s", s->why);
    return HS_OK;
}

/* The ends of a CSR, and of the wide tables, checked after the chunks. */
static int
check_ends(const snap *s, hs_snap_id off, hs_snap_id targets, hs_error *err)
{
    const hs_snap_section *x = s->sec[off];
    const void *p = sdata(s, off);
    uint64_t first, last;
    if (x->elem_bytes == 4) {
        first = ((const uint32_t *)p)[0];
        last = ((const uint32_t *)p)[s->n];
    } else {
        first = ((const uint64_t *)p)[0];
        last = ((const uint64_t *)p)[s->n];
    }
    HS_RETURN_IF(first != 0 || last != scount(s, targets), HS_ECORRUPT, err,
                 "damaged: %s do not span the edges", sname(off));
    return HS_OK;
}

/* MARK: step 5, the graph */

static int
borrow(hs_mapping *m, void *dst_ptr, const snap *s, hs_snap_id id)
{
    const hs_snap_section *x = s->sec[id];
    void *p = (void *)(uintptr_t)sdata(s, id);
    memcpy(dst_ptr, &p, sizeof(p));
    if (!p) {
        return HS_OK;
    }
    return hs_mapping_borrow(m, p, (size_t)(x->count * x->elem_bytes));
}

static int
load_types(hs_graph *g, const snap *s, hs_error *err)
{
    const uint32_t *lens = sdata(s, HS_SNAP_TYPE_LENS);
    const char *pool = sdata(s, HS_SNAP_TYPE_POOL);
    uint64_t plen = scount(s, HS_SNAP_TYPE_POOL), off = 0;
    for (uint64_t i = 0; i < s->ntypes; i++) {
        uint32_t id;
        int rc;
        HS_RETURN_IF(lens[i] >= plen - off || off >= plen
                     || pool[off + lens[i]] != '\0', HS_ECORRUPT, err,
                     "damaged: type names");
        rc = hs_strtab_intern(&g->types, pool + off, lens[i], &id);
        HS_RETURN_IF(rc < 0, rc, err, "out of memory");
        HS_RETURN_IF(id != i, HS_ECORRUPT, err, "damaged: type names repeat");
        off += (uint64_t)lens[i] + 1;
    }
    HS_RETURN_IF(off != plen, HS_ECORRUPT, err, "damaged: type names");
    return HS_OK;
}

static int
load_stats(hs_graph *g, const uint64_t *mt, hs_error *err)
{
    hs_load_stats *st = &g->stats;
    /* How the original load went (load_seconds included); the caller
     * times the reopen. */
    hs_snap_stats_get(st, mt);
    st->parse_seconds = 0;
    st->resolve_seconds = 0;
    st->passes_seconds = 0;
    /* Checksums catch damage, not malice: text from the file is held to
     * what the dump reader accepts in a header. */
    HS_RETURN_IF(!memchr(st->python_version, '\0',
                         sizeof(st->python_version))
                     || !hs_plausible_python(st->python_version),
                 HS_ECORRUPT, err, "damaged: the python version");
    return HS_OK;
}

static int
borrow_csr(hs_mapping *m, hs_csr *c, const snap *s, hs_snap_id off,
           hs_snap_id targets)
{
    if (s->sec[off]->elem_bytes == 4) {
        HS_TRY(borrow(m, &c->off32, s, off));
    } else {
        HS_TRY(borrow(m, &c->off64, s, off));
    }
    HS_TRY(borrow(m, &c->targets, s, targets));
    c->n = (uint32_t)s->n;
    c->nedges = scount(s, targets);
    return HS_OK;
}

/* The site tables rebuilt from their words (checked there), and every
 * traced object's traceback defined: the accessors index by it. */
static int
load_sites(hs_graph *g, const snap *s, hs_error *err)
{
    HS_TRY(hs_snapsites_decode(sdata(s, HS_SNAP_SITES),
                               (size_t)scount(s, HS_SNAP_SITES), g->a,
                               &g->sites, err));
    for (size_t i = 0; i < g->site.len; i++) {
        uint64_t tb = g->site.vals[i];
        HS_RETURN_IF(tb > UINT32_MAX
                     || !hs_sitetab_has_traceback(g->sites, (uint32_t)tb),
                     HS_ECORRUPT, err, "damaged: traced object %u names "
                     "traceback %llu, which is not defined", g->site.ids[i],
                     (unsigned long long)tb);
    }
    return HS_OK;
}

/* The load's facts and the type names (and, for a lazy open, the type
 * rows): all a lazy open maps. */
static int
build_head(hs_graph *g, snap *s, bool lazy, hs_error *err)
{
    const uint64_t *mt = s->meta;
    g->n = (uint32_t)s->n;
    g->cap = s->n;
    g->have_parents = (mt[HS_META_GRAPH_FLAGS] & HS_SNAP_HAVE_PARENTS) != 0;
    g->expensive_removed
        = (mt[HS_META_GRAPH_FLAGS] & HS_SNAP_EXPENSIVE_REMOVED) != 0;
    g->live = mt[HS_META_LIVE];
    g->dialect = (hs_dialect)mt[HS_META_DIALECT];
    /* Until build_rest maps the address index, a lookup rebuilds one from
     * the checked addresses rather than search an empty table. */
    atomic_store(&g->ix->ready, false);
    if (lazy && borrow(s->m, &g->type_rows, s, HS_SNAP_TYPE_ROWS) < 0) {
        return hs_error_set(err, HS_ELIMIT, "too many arrays to map");
    }
    HS_TRY(load_stats(g, mt, err));
    return load_types(g, s, err);
}

/* The node arrays. */
static int
build_nodes(hs_graph *g, snap *s, hs_error *err)
{
    hs_mapping *m = s->m;
    if (borrow(m, &g->addr, s, HS_SNAP_ADDR) < 0
        || borrow(m, &g->type, s, HS_SNAP_TYPE) < 0
        || borrow(m, &g->size, s, HS_SNAP_SIZE) < 0
        || borrow(m, &g->flags, s, HS_SNAP_FLAGS) < 0
        || borrow(m, &g->wide_size.ids, s, HS_SNAP_WSIZE_IDS) < 0
        || borrow(m, &g->wide_size.vals, s, HS_SNAP_WSIZE_VALS) < 0) {
        return hs_error_set(err, HS_ELIMIT, "too many arrays to map");
    }
    g->wide_size.len = g->wide_size.ids_alloc = g->wide_size.vals_alloc
        = (size_t)scount(s, HS_SNAP_WSIZE_IDS);
    return HS_OK;
}

/* Everything else: edges, lens, texts, the address index, sites. */
static int
build_rest(hs_graph *g, snap *s, hs_error *err)
{
    hs_mapping *m = s->m;
    if (borrow(m, &g->len, s, HS_SNAP_LEN) < 0
        || borrow(m, &g->text, s, HS_SNAP_TEXT) < 0
        || borrow(m, &g->wide_len.ids, s, HS_SNAP_WLEN_IDS) < 0
        || borrow(m, &g->wide_len.vals, s, HS_SNAP_WLEN_VALS) < 0
        || borrow(m, &g->unset_slots.ids, s, HS_SNAP_UNSET_IDS) < 0
        || borrow(m, &g->unset_slots.vals, s, HS_SNAP_UNSET_VALS) < 0
        || borrow(m, &g->site.ids, s, HS_SNAP_SITE_IDS) < 0
        || borrow(m, &g->site.vals, s, HS_SNAP_SITE_VALS) < 0
        || borrow_csr(m, &g->children, s, HS_SNAP_CH_OFF,
                      HS_SNAP_CH_TARGETS) < 0
        || borrow_csr(m, &g->parents, s, HS_SNAP_PA_OFF,
                      HS_SNAP_PA_TARGETS) < 0
        || borrow(m, &g->texts.data, s, HS_SNAP_TEXTPOOL) < 0
        || borrow(m, &g->ix->x.slots, s, HS_SNAP_SLOTS) < 0) {
        return hs_error_set(err, HS_ELIMIT, "too many arrays to map");
    }
    g->wide_len.len = g->wide_len.ids_alloc = g->wide_len.vals_alloc
        = (size_t)scount(s, HS_SNAP_WLEN_IDS);
    g->unset_slots.len = g->unset_slots.ids_alloc = g->unset_slots.vals_alloc
        = (size_t)scount(s, HS_SNAP_UNSET_IDS);
    g->site.len = g->site.ids_alloc = g->site.vals_alloc
        = (size_t)scount(s, HS_SNAP_SITE_IDS);
    g->texts.len = g->texts.alloc = (size_t)scount(s, HS_SNAP_TEXTPOOL);
    g->ix->x.cap = scount(s, HS_SNAP_SLOTS);
    g->ix->x.count = g->ix->x.cap ? s->meta[HS_META_INDEX_COUNT] : 0;
    /* An absent address index (a graph of no nodes) is rebuilt on first
     * use. */
    atomic_store(&g->ix->ready, g->ix->x.cap != 0);
    if (s->meta[HS_META_GRAPH_FLAGS] & HS_SNAP_HAVE_SITES) {
        return load_sites(g, s, err);
    }
    return HS_OK;
}

/* Steps 3 and 4 over the sections of mask, then the ends of the CSRs
 * when they are among them. */
static int
verify(snap *s, uint32_t mask, unsigned threads, hs_error *err)
{
    int rc;
    s->mask = mask;
    atomic_store(&s->next_chunk, 0);
    atomic_store(&s->empty_slots, 0);
    atomic_store(&s->failed, false);
    pthread_mutex_init(&s->lock, NULL);
    rc = verify_data(s, threads, err);
    pthread_mutex_destroy(&s->lock);
    if (rc == 0 && (mask & BIT(HS_SNAP_CH_TARGETS))) {
        rc = check_ends(s, HS_SNAP_CH_OFF, HS_SNAP_CH_TARGETS, err);
    }
    if (rc == 0 && (mask & BIT(HS_SNAP_PA_TARGETS))) {
        rc = check_ends(s, HS_SNAP_PA_OFF, HS_SNAP_PA_TARGETS, err);
    }
    return rc;
}

hs_graph *
hs_snapshot_read(hs_mapping *m, const hs_snap_expect *want, hs_error *err)
{
    snap s;
    hs_graph *g;
    bool lazy = want && want->lazy;
    int rc;
    memset(&s, 0, sizeof(s));
    s.m = m;
    s.d = hs_mapping_data(m);
    s.len = hs_mapping_size(m);
    rc = check_header(&s, err);
    if (rc == 0) {
        rc = check_tables(&s, err);
    }
    if (rc == 0) {
        rc = check_wanted(&s, want, err);
    }
    if (rc == 0) {
        rc = check_shapes(&s, err);
    }
    if (rc == 0) {
        rc = verify(&s, lazy ? SUMMARY_SECTIONS : ALL_SECTIONS,
                    hs_threads(want ? want->threads : 0), err);
    }
    if (rc < 0) {
        hs_mapping_close(m);
        return NULL;
    }
    g = hs_graph_new(hs_mapping_inner(m));
    if (!g) {
        hs_mapping_close(m);
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    hs_graph_adopt_mapping(g, m);
    g->threads = want ? want->threads : 0;
    rc = build_head(g, &s, lazy, err);
    if (rc == 0 && !lazy) {
        rc = build_nodes(g, &s, err);
    }
    if (rc == 0 && !lazy) {
        rc = build_rest(g, &s, err);
    }
    if (rc == 0 && lazy) {
        /* What hs_graph_complete needs: the tables, all inside the
         * mapping the graph keeps. */
        g->pending = hs_malloc(g->a, sizeof(s));
        rc = g->pending ? HS_OK
                        : hs_error_set(err, HS_ENOMEM, "out of memory");
        if (rc == 0) {
            memcpy(g->pending, &s, sizeof(s));
        }
    }
    if (rc < 0) {
        hs_graph_free(g);
        return NULL;
    }
    return g;
}

int
hs_graph_complete(hs_graph *g, hs_error *err)
{
    snap *s = g ? g->pending : NULL;
    if (!s) {
        return HS_OK;
    }
    HS_TRY(verify(s, ALL_SECTIONS & ~SUMMARY_SECTIONS, hs_graph_threads(g),
                  err));
    HS_TRY(build_nodes(g, s, err));
    HS_TRY(build_rest(g, s, err));
    hs_mfree(g->a, s);
    g->pending = NULL;
    /* From now on the node arrays answer, whatever a pass changes. */
    g->type_rows = NULL;
    return HS_OK;
}

/* MARK: resealing (tests and fuzzers) */

int
hs_snapshot_reseal(unsigned char *buf, size_t len)
{
    snap s;
    hs_snap_header h;
    uint64_t *chunks;
    size_t tbytes;
    int rc;
    memset(&s, 0, sizeof(s));
    s.d = buf;
    s.len = len;
    if (len < sizeof(h)) {
        return HS_ECORRUPT;
    }
    /* check_tables verifies the table checksum: seal the tables first */
    memcpy(&h, buf, sizeof(h));
    if (h.nsections > HS_SNAP_MAX_SECTIONS || h.nchunks > len / 8
        || sizeof(h) + (uint64_t)h.nsections * sizeof(hs_snap_section)
               + h.nchunks * 8 > len) {
        return HS_ECORRUPT;
    }
    tbytes = h.nsections * sizeof(hs_snap_section);
    h.table_checksum = 0;
    h.table_checksum = hs_checksum(buf + sizeof(h),
                                   tbytes + (size_t)h.nchunks * 8,
                                   hs_checksum(&h, sizeof(h), 0));
    memcpy(buf, &h, sizeof(h));
    if ((rc = check_header(&s, NULL)) < 0 || (rc = check_tables(&s, NULL)) < 0) {
        return rc;
    }
    chunks = (uint64_t *)(buf + sizeof(h) + tbytes);
    for (uint32_t i = 0; i < h.nsections; i++) {
        const hs_snap_section *x = &s.table[i];
        uint64_t bytes = x->count * x->elem_bytes;
        for (uint64_t c = 0; c < hs_snap_chunks(bytes); c++) {
            uint64_t from = c * HS_SNAP_CHUNK;
            uint64_t to = from + HS_SNAP_CHUNK < bytes ? from + HS_SNAP_CHUNK
                                                        : bytes;
            chunks[x->first_chunk + c]
                = hs_checksum(buf + x->offset + from, (size_t)(to - from),
                              x->id);
        }
    }
    /* the chunk table changed: seal the tables again */
    h.table_checksum = 0;
    h.table_checksum = hs_checksum(buf + sizeof(h),
                                   tbytes + (size_t)h.nchunks * 8,
                                   hs_checksum(&h, sizeof(h), 0));
    memcpy(buf, &h, sizeof(h));
    return HS_OK;
}
