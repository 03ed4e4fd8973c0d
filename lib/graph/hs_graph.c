/*
 * hs_graph.c - the graph's storage and its public accessors.
 */
#include "hs_graph_internal.h"
#include "hs_sitetab.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"
#include "../util/hs_threads.h"

#include <string.h>

hs_graph *
hs_graph_new(const hs_allocator *a)
{
    hs_graph *g = hs_calloc(a, 1, sizeof(*g));
    if (!g) {
        return NULL;
    }
    g->alloc = a ? *a : hs_default_allocator;
    g->a = &g->alloc;
    hs_strtab_init(&g->types, g->a);
    hs_textpool_init(&g->texts, g->a);
    g->ix = hs_calloc(a, 1, sizeof(*g->ix));
    if (!g->ix) {
        hs_mfree(a, g);
        return NULL;
    }
    hs_addrindex_init(&g->ix->x, g->a);
    pthread_mutex_init(&g->ix->lock, NULL);
    atomic_init(&g->ix->ready, true);
    g->stats.dump_time = -1;
    g->stats.pid = -1;
    g->stats.rss_bytes = g->stats.allocated_blocks = -1;
    g->stats.pymalloc_arenas = g->stats.pymalloc_arena_bytes = -1;
    g->stats.pymalloc_block_bytes = -1;
    return g;
}

/* Fewer nodes than this are freed on one thread. */
#define PARALLEL_FREE (1u << 20)

/* Giving a big graph's memory back is mostly the kernel unmapping its
 * pages, which two threads do side by side: the node arrays on one, the
 * edges, texts and index on the other. */
static int
free_part(void *ctx, unsigned part)
{
    hs_graph *g = ctx;
    const hs_allocator *a = &g->alloc;
    if (part == 0) {
        hs_mfree(a, g->addr);
        hs_mfree(a, g->type);
        hs_mfree(a, g->size);
        hs_mfree(a, g->len);
        hs_mfree(a, g->text);
        hs_mfree(a, g->flags);
        hs_wide_release(&g->wide_size, a);
        hs_wide_release(&g->wide_len, a);
        hs_wide_release(&g->unset_slots, a);
        hs_strtab_release(&g->types);
    } else {
        hs_csr_release(&g->children, a);
        hs_csr_release(&g->parents, a);
        hs_textpool_release(&g->texts);
        hs_addrindex_release(&g->ix->x);
    }
    return HS_OK;
}

void
hs_graph_free(hs_graph *g)
{
    hs_allocator copy;
    hs_mapping *mapping;
    unsigned parts;
    if (!g) {
        return;
    }
    copy = g->alloc;
    mapping = g->mapping;
    parts = g->n >= PARALLEL_FREE && !mapping && hs_graph_threads(g) > 1
                ? 2 : 1;
    hs_parallel_for(parts, free_part, g);
    if (parts == 1) {
        free_part(g, 1);
    }
    hs_sitetab_free(g->sites);
    hs_wide_release(&g->site, &copy);
    hs_mfree(&copy, g->pending);
    pthread_mutex_destroy(&g->ix->lock);
    hs_mfree(&copy, g->ix);
    hs_mfree(&copy, g);
    hs_mapping_close(mapping); /* last: its allocator freed the rest */
}

hs_allocator
hs_graph_allocator(const hs_graph *g)
{
    return g->mapping ? *hs_mapping_inner(g->mapping) : g->alloc;
}

void
hs_graph_adopt_mapping(hs_graph *g, hs_mapping *m)
{
    /* Every module keeps a pointer to g->alloc, so replacing its content
     * reroutes them all. */
    g->alloc = *hs_mapping_allocator(m);
    g->mapping = m;
}

/* Grows one node array to cap elements. */
static int
grow_array(const hs_allocator *a, void **arr, size_t elem, size_t cap)
{
    size_t bytes;
    void *p;
    if (!hs_size_mul(cap, elem, &bytes)) {
        return HS_ENOMEM;
    }
    p = hs_realloc(a, *arr, bytes);
    if (!p) {
        return HS_ENOMEM;
    }
    *arr = p;
    return HS_OK;
}

int
hs_graph_reserve(hs_graph *g, size_t cap)
{
    if (cap <= g->cap) {
        return HS_OK;
    }
    if (cap > (size_t)UINT32_MAX - 1) {
        return HS_ELIMIT; /* 4 G objects: the documented id limit */
    }
    HS_TRY(grow_array(g->a, (void **)&g->addr, sizeof(*g->addr), cap));
    HS_TRY(grow_array(g->a, (void **)&g->type, sizeof(*g->type), cap));
    HS_TRY(grow_array(g->a, (void **)&g->size, sizeof(*g->size), cap));
    HS_TRY(grow_array(g->a, (void **)&g->len, sizeof(*g->len), cap));
    HS_TRY(grow_array(g->a, (void **)&g->text, sizeof(*g->text), cap));
    HS_TRY(grow_array(g->a, (void **)&g->flags, sizeof(*g->flags), cap));
    g->cap = cap;
    return HS_OK;
}

static int
grow_nodes(hs_graph *g)
{
    size_t cap = g->cap < 1024 ? 1024 : g->cap * 2;
    if (cap > (size_t)UINT32_MAX - 1) {
        cap = (size_t)UINT32_MAX - 1;
    }
    if (cap <= g->n) {
        return HS_ELIMIT;
    }
    return hs_graph_reserve(g, cap);
}

int
hs_graph_add_node(hs_graph *g, uint64_t address, uint32_t *id)
{
    uint32_t i;
    if (g->n == g->cap) {
        HS_TRY(grow_nodes(g));
    }
    i = g->n++;
    g->addr[i] = address;
    g->type[i] = 0;
    g->size[i] = 0;
    g->len[i] = HS_LEN_NONE;
    g->text[i] = 0;
    g->flags[i] = 0;
    *id = i;
    return HS_OK;
}

int
hs_graph_append_leaf(hs_graph *g, uint64_t address, uint32_t *id)
{
    if (!hs_graph_ensure_index(g)) {
        return HS_ENOMEM;
    }
    hs_csr *c = &g->children;
    size_t n = (size_t)g->n + 2;
    if (c->off32) {
        uint32_t *off = hs_realloc(g->a, c->off32, n * sizeof(*off));
        if (!off) {
            return HS_ENOMEM;
        }
        c->off32 = off;
        off[g->n + 1] = off[g->n];
    } else if (c->off64) {
        uint64_t *off = hs_realloc(g->a, c->off64, n * sizeof(*off));
        if (!off) {
            return HS_ENOMEM;
        }
        c->off64 = off;
        off[g->n + 1] = off[g->n];
    }
    HS_TRY(hs_graph_add_node(g, address, id));
    c->n = g->n;
    hs_csr_release(&g->parents, g->a);
    g->have_parents = false;
    return hs_addrindex_insert(&g->ix->x, g->addr, *id);
}

int
hs_graph_set_size(hs_graph *g, uint32_t id, uint64_t size)
{
    if (size < HS_SIZE_WIDE) {
        g->size[id] = (uint32_t)size;
        return HS_OK;
    }
    g->size[id] = HS_SIZE_WIDE;
    return hs_wide_set(&g->wide_size, g->a, id, size);
}

int
hs_graph_set_len(hs_graph *g, uint32_t id, int64_t len)
{
    if (len < 0) {
        g->len[id] = HS_LEN_NONE;
        return HS_OK;
    }
    if ((uint64_t)len < HS_LEN_WIDE) {
        g->len[id] = (uint32_t)len;
        return HS_OK;
    }
    g->len[id] = HS_LEN_WIDE;
    return hs_wide_set(&g->wide_len, g->a, id, (uint64_t)len);
}

int
hs_graph_set_unset_slots(hs_graph *g, uint32_t id, uint64_t mask)
{
    return mask ? hs_wide_set(&g->unset_slots, g->a, id, mask) : HS_OK;
}

int
hs_graph_set_text(hs_graph *g, uint32_t id, const char *name,
                  size_t name_len, const char *value, size_t value_len,
                  hs_value_kind kind)
{
    uint64_t off = 0;
    uint8_t f = (uint8_t)(g->flags[id] & ~(HS_NODE_NAME | HS_NODE_KIND_MASK));
    if (name) {
        HS_TRY(hs_textpool_add(&g->texts, name, name_len, &off));
        f |= HS_NODE_NAME;
    }
    if (value) {
        /* A value stored right after the name is found by skipping it. */
        if (name) {
            HS_TRY(hs_textpool_append(&g->texts, value, value_len));
        } else {
            HS_TRY(hs_textpool_add(&g->texts, value, value_len, &off));
        }
        f = (uint8_t)(f | ((unsigned)kind << HS_NODE_KIND_SHIFT));
    }
    if (off / HS_TEXT_ALIGN > UINT32_MAX) {
        return HS_ELIMIT; /* more than 16 GiB of names and values */
    }
    g->text[id] = (uint32_t)(off / HS_TEXT_ALIGN);
    g->flags[id] = f;
    return HS_OK;
}

void
hs_graph_set_children(hs_graph *g, hs_csr *c)
{
    hs_csr_release(&g->children, g->a);
    g->children = *c;
    memset(c, 0, sizeof(*c));
    hs_csr_release(&g->parents, g->a);
    g->have_parents = false;
}

/* Fewer nodes than this are counted on one thread. */
#define PARALLEL_NODES (1u << 20)

typedef struct stats_part {
    uint64_t live, refs;
    uint64_t bytes;       /* sizes of the live nodes, or UINT64_MAX */
    uint64_t *by_type;    /* type id -> live nodes in this part */
} stats_part;

typedef struct stats_job {
    const hs_graph *g;
    uint32_t ntypes;
    stats_part part[HS_MAX_THREADS];
} stats_job;

static int
count_stats(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    stats_job *j = ctx;
    const hs_graph *g = j->g;
    stats_part *p = &j->part[part];
    p->by_type = hs_calloc(g->a, (size_t)j->ntypes + 1, sizeof(uint64_t));
    if (!p->by_type) {
        return HS_ENOMEM; /* a type count of 0 would be a wrong answer */
    }
    /* In locals: the counts by type are uint64_t like these sums, so the
     * compiler would otherwise keep every sum in memory, one chain of
     * stores and reloads per node. */
    uint64_t live = 0, refs = 0, bytes = 0, *by_type = p->by_type;
    for (uint64_t i = lo; i < hi; i++) {
        if (hs_live(g, (uint32_t)i)) {
            live++;
            refs += hs_csr_degree(&g->children, (uint32_t)i);
            by_type[g->type[i]]++;
            if (__builtin_add_overflow(bytes, hs_size_of(g, (uint32_t)i),
                                       &bytes)) {
                bytes = UINT64_MAX;
            }
        }
    }
    p->live = live;
    p->refs = refs;
    p->bytes = bytes;
    return HS_OK;
}

int
hs_graph_count_stats(hs_graph *g, uint64_t **by_type)
{
    stats_job j;
    unsigned parts;
    uint64_t refs = 0, live = 0, types = 0, bytes = 0;
    int rc;
    memset(&j, 0, sizeof(j));
    j.g = g;
    j.ntypes = hs_strtab_count(&g->types);
    rc = hs_parallel_ranges(hs_graph_threads(g), g->n, PARALLEL_NODES,
                            count_stats, &j, &parts);
    for (unsigned p = 0; p < parts; p++) {
        live += j.part[p].live;
        refs += j.part[p].refs;
        if (__builtin_add_overflow(bytes, j.part[p].bytes, &bytes)) {
            bytes = UINT64_MAX;
        }
    }
    for (unsigned p = 1; p < parts; p++) { /* into part 0's counts */
        for (uint32_t t = 0; rc == 0 && t < j.ntypes; t++) {
            j.part[0].by_type[t] += j.part[p].by_type[t];
        }
        hs_mfree(g->a, j.part[p].by_type);
    }
    for (uint32_t t = 0; rc == 0 && t < j.ntypes; t++) {
        types += j.part[0].by_type[t] > 0;
    }
    g->live = live;
    g->stats.objects = live;
    g->stats.references = refs;
    if (rc < 0 || !by_type) {
        hs_mfree(g->a, j.part[0].by_type);
    } else {
        *by_type = j.part[0].by_type;
    }
    HS_TRY(rc);
    g->stats.types = types;
    /* Every sum of sizes is a sum over a subset of the live nodes (a
     * type, a retained set, one dump's side of a diff), so bounding the
     * whole bounds them all: no analysis needs to check its additions,
     * and differences between two dumps fit an int64. */
    return bytes > (uint64_t)INT64_MAX ? HS_ELIMIT : HS_OK;
}

int
hs_graph_update_stats(hs_graph *g)
{
    return hs_graph_count_stats(g, NULL);
}

/* MARK: public accessors */

const hs_load_stats *
hs_graph_stats(const hs_graph *g)
{
    return &g->stats;
}

uint32_t
hs_graph_capacity(const hs_graph *g)
{
    return g->n;
}

uint64_t
hs_graph_count(const hs_graph *g)
{
    return g->live;
}

int
hs_node_exists(const hs_graph *g, uint32_t id)
{
    return id < g->n && hs_live(g, id);
}

unsigned
hs_graph_threads(const hs_graph *g)
{
    return hs_threads(g->threads);
}

void
hs_graph_drop_index(hs_graph *g)
{
    hs_addrindex_release(&g->ix->x);
    atomic_store(&g->ix->ready, false);
}

bool
hs_graph_ensure_index(const hs_graph *g)
{
    hs_index_box *ix = g->ix;
    bool ok = true;
    if (atomic_load(&ix->ready)) {
        return true;
    }
    pthread_mutex_lock(&ix->lock);
    if (!atomic_load(&ix->ready)) {
        ok = hs_addrindex_reserve(&ix->x, g->addr, g->n) == HS_OK;
        for (uint32_t i = 0; ok && i < g->n; i++) {
            hs_addrindex_put(&ix->x, g->addr, i);
        }
        if (ok) {
            atomic_store(&ix->ready, true);
        } else {
            hs_addrindex_release(&ix->x);
        }
    }
    pthread_mutex_unlock(&ix->lock);
    return ok;
}

uint32_t
hs_graph_find(const hs_graph *g, uint64_t address)
{
    uint32_t id;
    if (!hs_graph_ensure_index(g)) {
        return HS_NO_NODE; /* out of memory: documented in heapscope.h */
    }
    id = hs_addrindex_find(&g->ix->x, g->addr, address);
    return (id != UINT32_MAX && hs_live(g, id)) ? id : HS_NO_NODE;
}

uint64_t
hs_node_address(const hs_graph *g, uint32_t id)
{
    return g->addr[id];
}

uint64_t
hs_node_size(const hs_graph *g, uint32_t id)
{
    return hs_size_of(g, id);
}

int64_t
hs_node_len(const hs_graph *g, uint32_t id)
{
    uint32_t l = g->len[id];
    if (l == HS_LEN_NONE) {
        return HS_NO_LEN;
    }
    return l == HS_LEN_WIDE ? (int64_t)hs_wide_get(&g->wide_len, id) : l;
}

const char *
hs_node_type(const hs_graph *g, uint32_t id, size_t *len)
{
    return hs_strtab_get(&g->types, g->type[id], len);
}

uint32_t
hs_node_type_id(const hs_graph *g, uint32_t id)
{
    return g->type[id];
}

const char *
hs_type_name(const hs_graph *g, uint32_t type_id, size_t *len)
{
    return hs_strtab_get(&g->types, type_id, len);
}

uint32_t
hs_graph_type_count(const hs_graph *g)
{
    return hs_strtab_count(&g->types);
}

const char *
hs_node_name(const hs_graph *g, uint32_t id, size_t *len)
{
    if (!(g->flags[id] & HS_NODE_NAME)) {
        return NULL;
    }
    return hs_textpool_get(&g->texts, (uint64_t)g->text[id] * HS_TEXT_ALIGN,
                           len, NULL);
}

const char *
hs_node_value(const hs_graph *g, uint32_t id, size_t *len,
              hs_value_kind *kind)
{
    uint64_t off = (uint64_t)g->text[id] * HS_TEXT_ALIGN;
    hs_value_kind k = (hs_value_kind)((g->flags[id] & HS_NODE_KIND_MASK)
                                      >> HS_NODE_KIND_SHIFT);
    if (kind) {
        *kind = k;
    }
    if (k == HS_VALUE_NONE) {
        return NULL;
    }
    if (g->flags[id] & HS_NODE_NAME) {
        size_t skip;
        hs_textpool_get(&g->texts, off, &skip, &off);
    }
    return hs_textpool_get(&g->texts, off, len, NULL);
}

const uint32_t *
hs_node_children(const hs_graph *g, uint32_t id, uint64_t *count)
{
    uint64_t b, e;
    if (!g->children.targets && !g->children.off32 && !g->children.off64) {
        *count = 0;
        return NULL;
    }
    hs_csr_range(&g->children, id, &b, &e);
    *count = e - b;
    /* no edges at all: an index maps no targets array (NULL + 0 is UB) */
    return g->children.targets ? g->children.targets + b : NULL;
}

const uint32_t *
hs_node_parents(const hs_graph *g, uint32_t id, uint64_t *count)
{
    uint64_t b, e;
    if (!g->have_parents) {
        *count = 0;
        return NULL;
    }
    hs_csr_range(&g->parents, id, &b, &e);
    *count = e - b;
    return g->parents.targets ? g->parents.targets + b : NULL;
}

int
hs_graph_has_parents(const hs_graph *g)
{
    return g->have_parents;
}

hs_dict_layout
hs_node_layout(const hs_graph *g, uint32_t id)
{
    return hs_layout_of(g, id);
}

const char *
hs_layout_name(hs_dict_layout l)
{
    switch (l) {
    case HS_LAYOUT_NONE: return "none";
    case HS_LAYOUT_KV: return "kv";
    case HS_LAYOUT_VK: return "vk";
    case HS_LAYOUT_VALUES: return "values";
    case HS_LAYOUT_EMPTY: return "empty";
    case HS_LAYOUT_UNKNOWN: return "unknown";
    }
    return "?";
}

const char *
hs_dialect_name(hs_dialect d)
{
    switch (d) {
    case HS_DIALECT_AUTO: return "auto";
    case HS_DIALECT_PY2: return "py2";
    case HS_DIALECT_PY3: return "py3";
    case HS_DIALECT_PY311: return "py311";
    case HS_DIALECT_HEAPSCOPE: return "heapscope";
    }
    return "?";
}

const char *
hs_compression_name(hs_compression c)
{
    switch (c) {
    case HS_COMPRESSION_NONE: return "none";
    case HS_COMPRESSION_GZIP: return "gzip";
    case HS_COMPRESSION_BZIP2: return "bzip2";
    case HS_COMPRESSION_ZSTD: return "zstd";
    }
    return "?";
}
