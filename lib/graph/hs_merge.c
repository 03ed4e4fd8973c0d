/*
 * hs_merge.c - concatenating the partial graphs of parallel scans.
 *
 * Slices are merged in file order, so node ids end up exactly as a single
 * scan would give them. What differs between scans is remapped: type ids
 * (each scan interned its own), text pool offsets (pools are appended) and
 * side-table ids (shifted). Each array of the absorbed scan is freed as
 * soon as it is copied, which keeps the peak near the final size.
 */
#include "hs_scan.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

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

/* Appends from's text pool to into's; returns the shift to apply to
 * from's offsets, in HS_TEXT_ALIGN units (0 means "none", never shifted). */
static int
merge_texts(hs_textpool *into, hs_textpool *from, uint64_t *shift)
{
    /* Both pools start with HS_TEXT_ALIGN reserved bytes; from's entries
     * keep their alignment when its body lands on an aligned base. */
    size_t base = (into->len + HS_TEXT_ALIGN - 1)
                  & ~(size_t)(HS_TEXT_ALIGN - 1), body, need;
    *shift = 0;
    if (base == 0) {
        base = HS_TEXT_ALIGN;
    }
    if (from->len <= HS_TEXT_ALIGN) {
        return HS_OK;
    }
    body = from->len - HS_TEXT_ALIGN;
    if (!hs_size_add(base, body, &need)) {
        return HS_ENOMEM;
    }
    HS_TRY(HS_GROW(into->a, into->data, need, into->alloc));
    /* The padding is zeroed, as hs_textpool_add does, so that the pool
     * (and an index written from it) is the same however it was cut. */
    memset(into->data + into->len, 0, base - into->len);
    memcpy(into->data + base, from->data + HS_TEXT_ALIGN, body);
    into->len = need;
    *shift = (base - HS_TEXT_ALIGN) / HS_TEXT_ALIGN;
    hs_textpool_release(from);
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

/* Copies the node arrays of b after those of a. */
static int
merge_nodes(hs_graph *a, hs_graph *b, const uint32_t *types,
            uint64_t text_shift)
{
    uint32_t base = a->n;
    size_t total = (size_t)a->n + b->n;
    HS_TRY(hs_graph_reserve(a, total));
    memcpy(a->addr + base, b->addr, (size_t)b->n * sizeof(*b->addr));
    hs_mfree(b->a, b->addr);
    b->addr = NULL;
    for (uint32_t i = 0; i < b->n; i++) {
        a->type[base + i] = types[b->type[i]];
    }
    hs_mfree(b->a, b->type);
    b->type = NULL;
#define MOVE(arr) \
    do { \
        memcpy(a->arr + base, b->arr, (size_t)b->n * sizeof(*b->arr)); \
        hs_mfree(b->a, b->arr); \
        b->arr = NULL; \
    } while (0)
    MOVE(size);
    MOVE(len);
    MOVE(flags);
#undef MOVE
    for (uint32_t i = 0; i < b->n; i++) {
        if ((uint64_t)b->text[i] + text_shift > UINT32_MAX) {
            return HS_ELIMIT;
        }
        a->text[base + i] = b->text[i] ? (uint32_t)(b->text[i] + text_shift)
                                       : 0;
    }
    hs_mfree(b->a, b->text);
    b->text = NULL;
    HS_TRY(merge_wide(&a->wide_size, a->a, &b->wide_size, base));
    HS_TRY(merge_wide(&a->wide_len, a->a, &b->wide_len, base));
    a->n = (uint32_t)total;
    return HS_OK;
}

/* Appends from's refs and per-node counts to into's. */
static int
merge_refs(hs_scan *into, hs_scan *from, uint32_t base)
{
    size_t m = into->refs.len + from->refs.len;
    const hs_allocator *a = into->g->a;
    HS_TRY(HS_GROW(a, into->counts, (size_t)base + from->g->n + 2,
                   into->counts_alloc));
    if (from->g->n) {
        memcpy(into->counts + base, from->counts,
               (size_t)from->g->n * sizeof(*from->counts));
    }
    hs_mfree(a, from->counts);
    from->counts = NULL;
    HS_TRY(HS_GROW(a, into->refs.v, m, into->refs.alloc));
    if (from->refs.len) {
        memcpy(into->refs.v + into->refs.len, from->refs.v,
               from->refs.len * sizeof(*from->refs.v));
    }
    hs_mfree(a, from->refs.v);
    from->refs.v = NULL;
    into->refs.len = m;
    return HS_OK;
}

int
hs_scan_merge(hs_scan *into, hs_scan *from)
{
    hs_graph *a = into->g, *b = from->g;
    uint32_t base = a->n;
    uint32_t *types;
    uint64_t shift;
    int rc;
    if ((size_t)a->n + b->n > (size_t)UINT32_MAX - 1) {
        return HS_ELIMIT;
    }
    types = map_types(a, b);
    if (!types) {
        return HS_ENOMEM;
    }
    rc = merge_texts(&a->texts, &b->texts, &shift);
    if (rc == 0) {
        rc = merge_refs(into, from, base);
    }
    if (rc == 0) {
        rc = merge_nodes(a, b, types, shift);
    }
    hs_mfree(a->a, types);
    if (rc == 0) {
        merge_stats(&a->stats, &b->stats);
        into->stream_truncated |= from->stream_truncated;
    }
    hs_scan_release(from);
    return rc;
}
