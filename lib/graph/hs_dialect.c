/*
 * hs_dialect.c - dialect detection and dict layout tags (docs/format.md §2.2).
 */
#include "hs_dialect.h"

#include "../parse/hs_text.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <string.h>

static bool
type_present(const hs_graph *g, const uint64_t *counts, const char *name)
{
    uint32_t t = hs_graph_type_lookup(g, name);
    return t != UINT32_MAX && counts[t] > 0;
}

/* Step 3: a header-less heapscope dump has key, value dicts only, so no
 * non-empty exact dict has exactly len refs. */
static bool
looks_like_heapscope(const hs_graph *g, uint32_t dict)
{
    bool any = false;
    for (uint32_t i = 0; i < g->n; i++) {
        int64_t len;
        if (g->type[i] != dict || !hs_live(g, i)) {
            continue;
        }
        len = hs_node_len(g, i);
        if (len <= 0) {
            continue;
        }
        any = true;
        if ((uint64_t)len == hs_csr_degree(&g->children, i)) {
            return false;
        }
    }
    return any;
}

static bool
abcmeta_920(const hs_graph *g, uint32_t abc)
{
    for (uint32_t i = 0; abc != UINT32_MAX && i < g->n; i++) {
        if (g->type[i] == abc && hs_live(g, i) && hs_size_of(g, i) == 920) {
            return true;
        }
    }
    return false;
}

/* Fewer nodes than this are handled on one thread. */
#define PARALLEL_NODES (1u << 20)

hs_dialect
hs_dialect_detect(const hs_graph *g, const uint64_t *counts)
{
    uint32_t dict = hs_graph_type_lookup(g, "dict");
    int py2 = 0;
    py2 += type_present(g, counts, "unicode");
    py2 += type_present(g, counts, "classobj");
    py2 += type_present(g, counts, "instance");
    py2 += type_present(g, counts, "long");
    if (py2 >= 2) {
        return HS_DIALECT_PY2;
    }
    if (dict != UINT32_MAX && looks_like_heapscope(g, dict)) {
        return HS_DIALECT_HEAPSCOPE;
    }
    if (type_present(g, counts, "EnumType")
        || abcmeta_920(g, hs_graph_type_lookup(g, "ABCMeta"))) {
        return HS_DIALECT_PY311;
    }
    return HS_DIALECT_PY3;
}

static hs_dict_layout
layout_of(const hs_graph *g, uint32_t id)
{
    int64_t len = hs_node_len(g, id);
    uint64_t refs = hs_csr_degree(&g->children, id);
    if (g->dialect == HS_DIALECT_PY2 || g->dialect == HS_DIALECT_HEAPSCOPE) {
        return HS_LAYOUT_KV;
    }
    if (len == 0) {
        return HS_LAYOUT_EMPTY;
    }
    if (len > 0 && refs == 2 * (uint64_t)len) {
        return HS_LAYOUT_VK;
    }
    if (len > 0 && refs == (uint64_t)len) {
        return HS_LAYOUT_VALUES;
    }
    return HS_LAYOUT_UNKNOWN;
}

typedef struct tag_job {
    hs_graph *g;
    uint32_t dict;
    uint64_t by_layout[HS_MAX_THREADS][HS_LAYOUT_UNKNOWN + 1];
} tag_job;

static int
tag_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    tag_job *j = ctx;
    hs_graph *g = j->g;
    for (uint64_t i = lo; i < hi; i++) {
        hs_dict_layout l;
        if (g->type[i] != j->dict || !hs_live(g, (uint32_t)i)) {
            continue;
        }
        l = layout_of(g, (uint32_t)i);
        hs_set_layout(g, (uint32_t)i, l); /* its own byte of flags */
        j->by_layout[part][l >= HS_LAYOUT_KV && l <= HS_LAYOUT_EMPTY
                           ? l : HS_LAYOUT_UNKNOWN]++;
    }
    return HS_OK;
}

void
hs_dialect_tag_dicts(hs_graph *g)
{
    tag_job j;
    unsigned parts;
    hs_load_stats *st = &g->stats;
    memset(&j, 0, sizeof(j));
    j.g = g;
    j.dict = hs_graph_type_lookup(g, "dict");
    if (j.dict == UINT32_MAX) {
        return;
    }
    hs_parallel_ranges(hs_graph_threads(g), g->n, PARALLEL_NODES, tag_range,
                       &j, &parts);
    for (unsigned p = 0; p < parts; p++) {
        st->dicts_kv += j.by_layout[p][HS_LAYOUT_KV];
        st->dicts_vk += j.by_layout[p][HS_LAYOUT_VK];
        st->dicts_values += j.by_layout[p][HS_LAYOUT_VALUES];
        st->dicts_empty += j.by_layout[p][HS_LAYOUT_EMPTY];
        st->dicts_unknown += j.by_layout[p][HS_LAYOUT_UNKNOWN];
    }
}

/* Rewrites one pool entry in place: the latin-1 form is never longer, and
 * a smaller length never needs a longer varint, so the entry shrinks and
 * the slack after it is unused. */
static int
fix_entry(hs_graph *g, uint32_t id)
{
    size_t len, out_len, vlen = 0;
    hs_value_kind kind;
    const char *v = hs_node_value(g, id, &len, &kind);
    unsigned char *start;
    char tmp[256], *buf = tmp;
    if (!v || kind != HS_VALUE_TEXT || !hs_text_has_high(v, len)) {
        if (v && kind == HS_VALUE_TEXT) {
            g->flags[id] = (uint8_t)((g->flags[id] & ~HS_NODE_KIND_MASK)
                                     | (HS_VALUE_BYTES << HS_NODE_KIND_SHIFT));
        }
        return HS_OK;
    }
    if (len > sizeof(tmp)) {
        buf = hs_malloc(g->a, len);
        if (!buf) {
            return HS_ENOMEM;
        }
    }
    if (hs_text_to_latin1(v, len, buf, &out_len)) {
        /* find the varint start: it precedes v */
        size_t n = out_len;
        unsigned char varint[10];
        do {
            unsigned char byte = (unsigned char)(n & 0x7f);
            n >>= 7;
            varint[vlen++] = (unsigned char)(byte | (n ? 0x80 : 0));
        } while (n);
        start = g->texts.data + ((const unsigned char *)v - g->texts.data);
        /* the old varint is at least as long as the new one: write the new
         * one ending right before the data, data after it */
        {
            size_t old = 0, t = len;
            do {
                old++;
                t >>= 7;
            } while (t);
            start -= old;
        }
        memcpy(start, varint, vlen);
        memcpy(start + vlen, buf, out_len);
        g->flags[id] = (uint8_t)((g->flags[id] & ~HS_NODE_KIND_MASK)
                                 | (HS_VALUE_BYTES << HS_NODE_KIND_SHIFT));
    }
    if (buf != tmp) {
        hs_mfree(g->a, buf);
    }
    return HS_OK;
}

typedef struct fix_job {
    hs_graph *g;
    uint32_t type;
} fix_job;

/* Each node's text is its own pool entry, so ranges rewrite disjoint
 * bytes. */
static int
fix_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    const fix_job *j = ctx;
    (void)part;
    for (uint64_t i = lo; i < hi; i++) {
        if (j->g->type[i] == j->type && hs_live(j->g, (uint32_t)i)) {
            HS_TRY(fix_entry(j->g, (uint32_t)i));
        }
    }
    return HS_OK;
}

int
hs_dialect_fix_bytes(hs_graph *g, hs_error *err)
{
    const char *name = g->dialect == HS_DIALECT_PY2 ? "str" : "bytes";
    fix_job j = {g, hs_graph_type_lookup(g, name)};
    if (j.type == UINT32_MAX) {
        return HS_OK;
    }
    HS_RETURN_IF(hs_parallel_ranges(hs_graph_threads(g), g->n,
                                    PARALLEL_NODES, fix_range, &j, NULL) < 0,
                 HS_ENOMEM, err, "out of memory");
    return HS_OK;
}
