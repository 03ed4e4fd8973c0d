/*
 * hs_typerows.c - per type counts and sizes over a graph's live objects.
 *
 * One pass in id order, so that the largest object of a type is the first
 * of its size (what meliae's summary shows), the same whether the table is
 * made for a summary or for a snapshot.
 */
#include "hs_typerows.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

static void
add(const hs_graph *g, uint32_t id, uint64_t *rows)
{
    uint64_t *r = rows + (size_t)g->type[id] * HS_ROW_WORDS;
    uint64_t size = hs_size_of(g, id);
    double squares;
    if (r[HS_ROW_COUNT] == 0 || size > r[HS_ROW_MAX]) {
        r[HS_ROW_MAX] = size;
        r[HS_ROW_MAX_ADDR] = g->addr[id];
    }
    r[HS_ROW_COUNT]++;
    r[HS_ROW_TOTAL] += size; /* bounded: hs_graph_count_stats */
    memcpy(&squares, &r[HS_ROW_SQUARES], sizeof(squares));
    squares += (double)size * (double)size;
    memcpy(&r[HS_ROW_SQUARES], &squares, sizeof(squares));
}

int
hs_type_rows(const hs_graph *g, const uint32_t *ids, size_t n,
             const hs_allocator *a, uint64_t **rows, hs_error *err)
{
    uint32_t nt = hs_strtab_count(&g->types);
    uint64_t *r = hs_calloc(a, ((size_t)nt + 1) * HS_ROW_WORDS, sizeof(*r));
    *rows = NULL;
    if (!r) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < n; k++) {
        uint32_t id = ids ? ids[k] : (uint32_t)k;
        if (id >= g->n) {
            hs_mfree(a, r);
            return hs_error_set(err, HS_EINVAL, "node id %lu is out of "
                                "range", (unsigned long)id);
        }
        if (hs_live(g, id)) {
            add(g, id, r);
        }
    }
    *rows = r;
    return HS_OK;
}
