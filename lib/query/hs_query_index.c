/*
 * hs_query_index.c - the per-dump indexes of an hs_query, each built the
 * first time a query needs it and kept for the session: the live objects
 * grouped by type, the dominator tree, the diff with the dump before and
 * the summary.
 *
 * The grouping is a counting sort of the live ids by their type's rank in
 * name order: two passes over the node arrays (read in file order, so at
 * memory speed), and ids stay in file order inside a group (what `all`
 * and a scan give). Beside each id goes its 32-bit size, so that a walk
 * over the groups (GROUP BY type, with sum(size)) reads both in order
 * instead of missing the cache on the size array at every row: 8 bytes
 * an object in all.
 */
#include "hs_query_internal.h"

#include <stdlib.h>
#include <string.h>

#include "../analysis/hs_diff.h"
#include "../analysis/hs_dominators.h"
#include "../graph/hs_graph_internal.h"
#include "../util/hs_mem.h"

/* An error for a virtual table's zErrMsg or sqlite3_result_error. */
static int
fail(char **msg, const hs_error *e, int code)
{
    *msg = sqlite3_mprintf("%s", e && e->message[0] ? e->message
                                                    : hs_strerror(code));
    return code;
}

static void
release(hs_query_dump *x)
{
    hs_mfree(NULL, x->size_by_type);
    x->size_by_type = NULL;
    hs_mfree(NULL, x->by_type);
    hs_mfree(NULL, x->group_start);
    hs_mfree(NULL, x->rank);
    hs_mfree(NULL, x->type_by_rank);
    x->by_type = NULL;
    x->group_start = NULL;
    x->rank = x->type_by_rank = NULL;
}

static int
by_name(const void *a, const void *b, void *ctx)
{
    const hs_graph *g = ((const hs_query_dump *)ctx)->g;
    size_t la, lb;
    const char *sa = hs_type_name(g, *(const uint32_t *)a, &la);
    const char *sb = hs_type_name(g, *(const uint32_t *)b, &lb);
    int c = memcmp(sa, sb, la < lb ? la : lb);
    if (c != 0) {
        return c;
    }
    return la < lb ? -1 : la > lb;
}

int
hs_query_by_type(hs_query *q, size_t d, char **msg)
{
    hs_query_dump *x = &q->dumps[d];
    const hs_graph *g = x->g;
    uint32_t ntypes = hs_graph_type_count(g), cap = g->n;
    uint64_t *next;
    if (x->by_type) {
        return HS_OK;
    }
    x->type_by_rank = hs_calloc(NULL, (size_t)ntypes + 1, sizeof(uint32_t));
    x->rank = hs_calloc(NULL, (size_t)ntypes + 1, sizeof(uint32_t));
    x->group_start = hs_calloc(NULL, (size_t)ntypes + 2, sizeof(uint64_t));
    x->by_type = hs_malloc(NULL, ((size_t)hs_graph_count(g) + 1)
                                     * sizeof(uint32_t));
    x->size_by_type = hs_malloc(NULL, ((size_t)hs_graph_count(g) + 1)
                                          * sizeof(uint32_t));
    if (!x->type_by_rank || !x->rank || !x->group_start || !x->by_type
        || !x->size_by_type) {
        release(x);
        return fail(msg, NULL, HS_ENOMEM);
    }
    for (uint32_t t = 0; t < ntypes; t++) {
        x->type_by_rank[t] = t;
    }
    qsort_r(x->type_by_rank, ntypes, sizeof(uint32_t), by_name, x);
    for (uint32_t r = 0; r < ntypes; r++) {
        x->rank[x->type_by_rank[r]] = r;
    }
    for (uint32_t id = 0; id < cap; id++) {
        if (hs_live(g, id)) {
            x->group_start[x->rank[g->type[id]] + 1]++;
        }
    }
    for (uint32_t r = 0; r < ntypes; r++) {
        x->group_start[r + 1] += x->group_start[r];
    }
    /* group_start[r + 1] is the end of group r; fill through a copy of
     * the starts, shifted by one so that it needs no extra array. */
    next = x->group_start + 1;
    memmove(next, x->group_start, (size_t)ntypes * sizeof(uint64_t));
    for (uint32_t id = 0; id < cap; id++) {
        if (hs_live(g, id)) {
            uint64_t at = next[x->rank[g->type[id]]]++;
            x->by_type[at] = id;
            x->size_by_type[at] = g->size[id]; /* HS_SIZE_WIDE: look up */
        }
    }
    return HS_OK;
}

uint32_t
hs_query_type_rank(const hs_query *q, size_t d, const char *s, size_t len)
{
    const hs_query_dump *x = &q->dumps[d];
    size_t lo = 0, hi = hs_graph_type_count(x->g);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2, tl;
        const char *t = hs_type_name(x->g, x->type_by_rank[mid], &tl);
        int c = memcmp(t, s, tl < len ? tl : len);
        if (c == 0) {
            c = tl < len ? -1 : tl > len;
        }
        if (c == 0) {
            return (uint32_t)mid;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return UINT32_MAX;
}

/* The tree and the diff take seconds on a big dump, inside one step of
 * SQLite's, where its progress handler is not called: they ask the
 * session themselves, so that Ctrl-C and --timeout stop them too. */
int
hs_query_dominators(hs_query *q, size_t d, char **msg)
{
    hs_stop stop = {hs_query_should_stop, q};
    hs_error e;
    if (!q->dumps[d].dom
        && !(q->dumps[d].dom = hs_dominators_new_stop(q->dumps[d].g, &stop,
                                                      &e))) {
        return fail(msg, &e, e.code);
    }
    return HS_OK;
}

int
hs_query_diff(hs_query *q, size_t d, char **msg)
{
    hs_stop stop = {hs_query_should_stop, q};
    hs_error e;
    if (!q->dumps[d].diff
        && !(q->dumps[d].diff = hs_diff_new_stop(q->dumps[d - 1].g,
                                                 q->dumps[d].g, &stop, &e))) {
        return fail(msg, &e, e.code);
    }
    return HS_OK;
}

int
hs_query_summary(hs_query *q, size_t d, char **msg)
{
    hs_error e;
    if (!q->dumps[d].summary
        && !(q->dumps[d].summary = hs_summary_new(q->dumps[d].g, &e))) {
        return fail(msg, &e, e.code);
    }
    return HS_OK;
}
