/*
 * hs_memory.c - memory the objects do not explain.
 *
 * A leak in a C extension or in native buffers (ctypes, mmap, numpy data)
 * leaves the objects' sizes flat while the resident set grows. heapscope's
 * dumper writes the process's resident size in the header (taken before
 * the walk); the records' sizes add up to what Python objects hold. The
 * share says how much of the process a dump can explain, and across dumps
 * the two growths say where to look. One rule, here, for info, summary,
 * leaks and the report.
 */
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_typerows.h"

#include <string.h>

/* At least this share of the resident growth in objects' sizes means the
 * objects grew (pymalloc's free blocks and page rounding make the
 * resident growth larger than the objects' own, never smaller). Growth
 * outside the objects is only claimed past HS_MEMORY_MIN_GROWTH: a few
 * megabytes come and go with pymalloc's arenas (1 MiB each since 3.10),
 * the interpreter's caches and, in a traced process, tracemalloc's own
 * traces, which grow with every traced object (`make demo`: 2.0 MiB of
 * resident growth for 280 KiB of leaked objects). */
#define OBJECT_SHARE 0.5

uint64_t
hs_graph_object_bytes(const hs_graph *g)
{
    uint64_t sum = 0;
    if (g->type_rows) { /* a lazy snapshot's: no node arrays */
        for (uint32_t t = 0; t < hs_strtab_count(&g->types); t++) {
            uint64_t s = g->type_rows[(size_t)t * HS_ROW_WORDS + HS_ROW_TOTAL];
            sum = sum > UINT64_MAX - s ? UINT64_MAX : sum + s;
        }
        return sum;
    }
    for (uint32_t id = 0; id < g->n; id++) {
        if (hs_live(g, id)) {
            uint64_t s = hs_size_of(g, id);
            /* Saturate: sizes are untrusted input. */
            sum = sum > UINT64_MAX - s ? UINT64_MAX : sum + s;
        }
    }
    return sum;
}

static int64_t
difference(uint64_t later, uint64_t earlier)
{
    if (later >= earlier) {
        uint64_t d = later - earlier;
        return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
    }
    return earlier - later > (uint64_t)INT64_MAX ? -INT64_MAX
                                                 : -(int64_t)(earlier - later);
}

hs_memory_verdict
hs_memory_compare(const hs_graph *first, const hs_graph *last,
                  hs_memory_growth *out)
{
    int64_t rss0 = first->stats.rss_bytes, rss1 = last->stats.rss_bytes;
    hs_memory_growth m;
    memset(&m, 0, sizeof(m));
    if (rss0 < 0 || rss1 < 0) {
        m.verdict = HS_MEMORY_UNKNOWN;
    } else {
        m.rss_growth = rss1 - rss0; /* both at most INT64_MAX, >= 0 */
        m.object_growth = difference(hs_graph_object_bytes(last),
                                     hs_graph_object_bytes(first));
        m.verdict = m.rss_growth <= 0 ? HS_MEMORY_NO_GROWTH
                    : (double)m.object_growth
                              >= OBJECT_SHARE * (double)m.rss_growth
                        ? HS_MEMORY_IN_OBJECTS
                    : m.rss_growth < HS_MEMORY_MIN_GROWTH
                        ? HS_MEMORY_TOO_SMALL
                        : HS_MEMORY_OUTSIDE;
    }
    if (out) {
        *out = m;
    }
    return m.verdict;
}
