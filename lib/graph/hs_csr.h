/*
 * hs_csr.h - compressed sparse rows: the edges of the graph.
 *
 * n + 1 offsets and one array of u32 targets, for children and parents
 * alike (docs/style.md 23): no per-node allocation and no cap on the number of
 * edges per node. Offsets are 32-bit while the edge count fits, which
 * saves 4 bytes a node on every dump of fewer than 4 G references, and
 * 64-bit beyond; exactly one of off32 and off64 is set.
 */
#ifndef HS_CSR_H
#define HS_CSR_H

#include <heapscope.h>
#include <stdint.h>

typedef struct hs_csr {
    uint32_t *off32;
    uint64_t *off64;
    uint32_t *targets;
    uint64_t nedges;
    uint32_t n;
} hs_csr;

static inline void
hs_csr_range(const hs_csr *c, uint32_t id, uint64_t *begin, uint64_t *end)
{
    if (c->off32) {
        *begin = c->off32[id];
        *end = c->off32[id + 1];
    } else {
        *begin = c->off64[id];
        *end = c->off64[id + 1];
    }
}

static inline uint64_t
hs_csr_degree(const hs_csr *c, uint32_t id)
{
    uint64_t b, e;
    hs_csr_range(c, id, &b, &e);
    return e - b;
}

void hs_csr_release(hs_csr *c, const hs_allocator *a);

/* Turns counts (n + 1 entries; the last is ignored) into offsets, in place
 * when they fit 32 bits (then c->off32 takes ownership of counts), else in
 * a new 64-bit array (counts is freed). Takes ownership of targets, or
 * allocates room for nedges when it is NULL. On HS_ENOMEM counts and
 * targets are freed and c is empty. */
int hs_csr_from_counts(hs_csr *c, const hs_allocator *a, uint32_t *counts,
                       uint32_t n, uint64_t nedges, uint32_t *targets);

/* Offset of id's first edge (as hs_csr_range's begin). */
static inline uint64_t
hs_csr_begin(const hs_csr *c, uint32_t id)
{
    return c->off32 ? c->off32[id] : c->off64[id];
}

/* Sets offset entry id (id's first edge, once the CSR is whole; a pass
 * that fills lists backwards keeps its cursor there meanwhile): for
 * passes that write offsets themselves, 32- or 64-bit alike. */
static inline void
hs_csr_set_begin(hs_csr *c, uint32_t id, uint64_t v)
{
    if (c->off32) {
        c->off32[id] = (uint32_t)v;
    } else {
        c->off64[id] = v;
    }
}

/* Asks for id's offsets ahead of hs_csr_range: a loop that knows which
 * ids come next starts their cache misses early. */
static inline void
hs_csr_prefetch(const hs_csr *c, uint32_t id)
{
    if (c->off32) {
        __builtin_prefetch(&c->off32[id]);
    } else {
        __builtin_prefetch(&c->off64[id]);
    }
}

#endif
