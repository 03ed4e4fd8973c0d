/*
 * hs_merge.c - concatenating the partial graphs of parallel scans.
 *
 * Slices are merged in file order, so node ids end up exactly as a single
 * scan would give them. What differs between scans is remapped: type ids
 * (each scan interned its own), text pool offsets (pools are appended) and
 * side-table ids (shifted).
 *
 * The receiving arrays are grown once to the total (a realloc that moves
 * no bytes for arrays this large), then the absorbed scan's arrays are
 * copied one by one, each on the load's threads in equal shares (the
 * copy's cost is faulting in the receiving pages, which threads do side
 * by side) and freed once copied; each part gives back the pages it
 * copied a stretch at a time (copy_dropping), so that the peak never
 * holds an array twice. The refs, the biggest array, are not
 * copied: they stay a tail of their own until hs_link has turned them
 * into 32-bit ids, which then fit in the 64-bit bytes the first slice's
 * refs leave free.
 */
#include "hs_scan.h"
#include "hs_sitetab.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

/* Fewer nodes than this are copied on one thread. */
#define PARALLEL_NODES (1u << 18)

typedef struct merge_job {
    hs_scan *into, *from;
    uint32_t node_base;   /* where from's nodes land */
    size_t ref_base;      /* where from's refs land */
    size_t text_base;     /* where from's pool body lands; 0: no texts */
    uint32_t text_shift;  /* added to from's text offsets (ALIGN units) */
    uint32_t *types;      /* from's type ids as into's */
    unsigned parts;
    int step;             /* the array being copied (enum step) */
} merge_job;

/* Type ids of `from` as ids of `into`. Caller frees. */
static uint32_t *
map_types(hs_graph *into, const hs_graph *from)
{
    uint32_t nt = hs_strtab_count(&from->types);
    uint32_t *map = hs_malloc(into->a, ((size_t)nt + 1) * sizeof(*map));
    if (!map) {
        return NULL;
    }
    for (uint32_t t = 0; t < nt; t++) {
        size_t len;
        const char *name = hs_strtab_get(&from->types, t, &len);
        if (hs_strtab_intern(&into->types, name, len, &map[t]) < 0) {
            hs_mfree(into->a, map);
            return NULL;
        }
    }
    return map;
}

/* Places from's pool body after into's (aligned, the gap zeroed as
 * hs_textpool_add pads) and grows into's pool to hold it. Both pools
 * start with HS_TEXT_ALIGN reserved bytes; from's entries keep their
 * alignment when its body lands on an aligned base. */
static int
place_texts(merge_job *j)
{
    hs_textpool *into = &j->into->g->texts;
    const hs_textpool *from = &j->from->g->texts;
    size_t base = (into->len + HS_TEXT_ALIGN - 1)
                  & ~(size_t)(HS_TEXT_ALIGN - 1), need;
    if (base == 0) {
        base = HS_TEXT_ALIGN;
    }
    if (from->len <= HS_TEXT_ALIGN) {
        return HS_OK;
    }
    if (!hs_size_add(base, from->len - HS_TEXT_ALIGN, &need)) {
        return HS_ENOMEM;
    }
    /* Offsets are u32 in HS_TEXT_ALIGN units: the pool's limit. */
    if (need / HS_TEXT_ALIGN > UINT32_MAX) {
        return HS_ELIMIT;
    }
    HS_TRY(HS_GROW(into->a, into->data, need, into->alloc));
    memset(into->data + into->len, 0, base - into->len);
    into->len = need;
    j->text_base = base;
    j->text_shift = (uint32_t)((base - HS_TEXT_ALIGN) / HS_TEXT_ALIGN);
    return HS_OK;
}

static int
merge_wide(hs_wide *into, const hs_allocator *a, const hs_wide *from,
           uint32_t shift)
{
    for (size_t i = 0; i < from->len; i++) {
        HS_TRY(hs_wide_set(into, a, from->ids[i] + shift, from->vals[i]));
    }
    return HS_OK;
}

/* The site tables are copied, not taken over: a table points at its
 * graph's allocator, and from's graph goes away. */
static int
merge_sites(hs_scan *into, const hs_scan *from, uint32_t node_base)
{
    hs_graph *a = into->g;
    const hs_graph *b = from->g;
    if (!b->sites) {
        return HS_OK;
    }
    if (!a->sites && !(a->sites = hs_sitetab_new(a->a))) {
        return HS_ENOMEM;
    }
    HS_TRY(hs_sitetab_merge(a->sites, b->sites, &into->err));
    return merge_wide(&a->site, a->a, &b->site, node_base);
}

static void
merge_stats(hs_load_stats *into, const hs_load_stats *from)
{
    if (from->truncated_line) {
        into->truncated_line = into->lines + from->truncated_line;
    }
    into->lines += from->lines;
    into->records += from->records;
    into->bad_lines += from->bad_lines;
    into->input_bytes += from->input_bytes;
    into->file_bytes += from->file_bytes;
}

/* Everything but the copies: places, maps, grows. */
static int
plan(merge_job *j)
{
    hs_scan *into = j->into, *from = j->from;
    hs_graph *a = into->g, *b = from->g;
    size_t n = (size_t)a->n + b->n;
    if (n > (size_t)UINT32_MAX - 1) {
        return HS_ELIMIT; /* 4 G objects: the documented id limit */
    }
    if (into->ntails == HS_MAX_THREADS) {
        return HS_EINVAL; /* more slices than threads: a bug */
    }
    j->node_base = a->n;
    j->ref_base = hs_scan_refs(into);
    j->types = map_types(a, b);
    if (!j->types) {
        return HS_ENOMEM;
    }
    HS_TRY(place_texts(j));
    HS_TRY(hs_graph_reserve(a, n));
    HS_TRY(HS_GROW(a->a, into->counts, n + 2, into->counts_alloc));
    HS_TRY(merge_wide(&a->wide_size, a->a, &b->wide_size, j->node_base));
    HS_TRY(merge_wide(&a->wide_len, a->a, &b->wide_len, j->node_base));
    HS_TRY(merge_wide(&a->unset_slots, a->a, &b->unset_slots, j->node_base));
    return merge_sites(into, from, j->node_base);
}

/* [lo, hi) of count items, as part `part` of `parts`. */
static void
share(size_t count, unsigned part, unsigned parts, size_t *lo, size_t *hi)
{
    *lo = count / parts * part;
    *hi = part + 1 == parts ? count : count / parts * (part + 1);
}

/* The arrays copied, one parallel step each: each source array is freed
 * as soon as it is copied, which keeps the peak near the final size. */
enum step { COUNTS, ADDR, TYPE, SIZE, LEN, TEXT, FLAGS, POOL, STEPS };

/* Copies are made a stretch at a time: the receiving stretch's pages
 * mapped, the bytes copied, the source's pages given back, so that one
 * step never holds more than a stretch per thread twice (copying a whole
 * half of an array first and giving it back after was the load's peak of
 * memory: 46 MiB above the rest on a 1 GB dump). */
#define STRETCH_BYTES ((size_t)4 << 20)
#define STRETCH_ITEMS (STRETCH_BYTES / 4) /* of the 4-byte mapped arrays */

static void
copy_dropping(void *dst, void *src, size_t bytes)
{
    for (size_t off = 0; off < bytes; off += STRETCH_BYTES) {
        size_t n = bytes - off < STRETCH_BYTES ? bytes - off : STRETCH_BYTES;
        hs_prefault((char *)dst + off, n);
        memcpy((char *)dst + off, (char *)src + off, n);
        hs_drop_pages((char *)src + off, n);
    }
}

static int
copy_part(void *ctx, unsigned part)
{
    const merge_job *j = ctx;
    hs_graph *a = j->into->g, *b = j->from->g;
    const hs_scan *from = j->from;
    size_t lo, hi, base = j->node_base;
    share(j->step == POOL ? b->texts.len - HS_TEXT_ALIGN : b->n,
          part, j->parts, &lo, &hi);
#define COPY(dst, src) \
    copy_dropping((dst) + lo, (src) + lo, (hi - lo) * sizeof(*(src)))
    switch (j->step) {
    case COUNTS: COPY(j->into->counts + base, from->counts); break;
    case ADDR: COPY(a->addr + base, b->addr); break;
    case SIZE: COPY(a->size + base, b->size); break;
    case LEN: COPY(a->len + base, b->len); break;
    case FLAGS: COPY(a->flags + base, b->flags); break;
    case POOL: COPY(a->texts.data + j->text_base,
                    b->texts.data + HS_TEXT_ALIGN); break;
    case TYPE:
        for (size_t s0 = lo; s0 < hi; s0 += STRETCH_ITEMS) {
            size_t s1 = hi - s0 < STRETCH_ITEMS ? hi : s0 + STRETCH_ITEMS;
            for (size_t i = s0; i < s1; i++) {
                a->type[base + i] = j->types[b->type[i]];
            }
            hs_drop_pages(b->type + s0, (s1 - s0) * sizeof(*b->type));
        }
        break;
    case TEXT:
        for (size_t s0 = lo; s0 < hi; s0 += STRETCH_ITEMS) {
            size_t s1 = hi - s0 < STRETCH_ITEMS ? hi : s0 + STRETCH_ITEMS;
            for (size_t i = s0; i < s1; i++) {
                a->text[base + i] = b->text[i] ? b->text[i] + j->text_shift
                                               : 0;
            }
            hs_drop_pages(b->text + s0, (s1 - s0) * sizeof(*b->text));
        }
        break;
    default: break;
    }
#undef COPY
    return HS_OK;
}

/* The source array of a step, to free once it is copied. */
static void **
source(hs_scan *from, enum step step)
{
    hs_graph *b = from->g;
    switch (step) {
    case COUNTS: return (void **)&from->counts;
    case ADDR: return (void **)&b->addr;
    case TYPE: return (void **)&b->type;
    case SIZE: return (void **)&b->size;
    case LEN: return (void **)&b->len;
    case TEXT: return (void **)&b->text;
    case FLAGS: return (void **)&b->flags;
    default: return (void **)&b->texts.data;
    }
}

static void
copy_all(merge_job *j)
{
    for (int step = 0; step < STEPS; step++) {
        void **src = source(j->from, (enum step)step);
        j->step = step;
        if (*src && (step != POOL || j->text_base)) {
            hs_parallel_for(j->parts, copy_part, j);
        }
        hs_mfree(j->from->g->a, *src);
        *src = NULL;
    }
}

int
hs_scan_merge(hs_scan *into, hs_scan *from, unsigned threads)
{
    merge_job j;
    int rc;
    memset(&j, 0, sizeof(j));
    j.into = into;
    j.from = from;
    j.parts = from->g->n < PARALLEL_NODES || threads < 1 ? 1 : threads;
    rc = plan(&j);
    if (rc == 0) {
        copy_all(&j);
        into->g->n += from->g->n;
        /* The refs are not copied: they stay apart, as a tail, until
         * hs_link has turned them into ids, half their size. */
        into->tail[into->ntails++] = (hs_ref_tail){from->refs, j.node_base,
                                                   j.ref_base};
        memset(&from->refs, 0, sizeof(from->refs));
        merge_stats(&into->g->stats, &from->g->stats);
        into->stream_truncated |= from->stream_truncated;
    }
    hs_mfree(into->g->a, j.types);
    hs_scan_release(from);
    return rc;
}
