/*
 * hs_graph_internal.h - the layout of a loaded dump.
 *
 * One hs_graph owns a handful of large arrays (docs/style.md 19): per-node
 * fields as parallel arrays indexed by a dense u32 id in file order, the
 * edges as CSR, type names interned, values and names in a text pool.
 * Per node that is 8 (address) + 4 (type) + 4 (size) + 4 (len) + 4 (text)
 * + 1 (flags) + 4 + 4 (child and parent offsets) = 33 bytes, plus about 5
 * for the address index and 4 per edge in each direction.
 *
 * Sizes and lens rarely need 64 bits, so they are stored in 32 and the
 * rare larger ones live in a side table (hs_wide), marked by a sentinel.
 */
#ifndef HS_GRAPH_INTERNAL_H
#define HS_GRAPH_INTERNAL_H

#include <heapscope.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "hs_csr.h"
#include "hs_wide.h"
#include "../util/hs_addrindex.h"
#include "../util/hs_mapping.h"
#include "../util/hs_strtab.h"
#include "../util/hs_textpool.h"

/* Node flag bits (one byte per node). The allocation of every bit is here
 * so that no two passes reuse one by accident (docs/style.md 12). */
enum {
    HS_NODE_GONE = 1 << 0,     /* merged into its owner by collapse */
    HS_NODE_PHANTOM = 1 << 1,  /* referenced, but no record (dangling) */
    HS_NODE_NAME = 1 << 2,     /* text holds a name entry first */
    /* bits 3-4: hs_value_kind of the value entry (after the name) */
    HS_NODE_KIND_SHIFT = 3,
    HS_NODE_KIND_MASK = 3 << 3,
    /* bits 5-7: hs_dict_layout */
    HS_NODE_LAYOUT_SHIFT = 5,
    HS_NODE_LAYOUT_MASK = 7 << 5
};

#define HS_ABSENT (HS_NODE_GONE | HS_NODE_PHANTOM)

/* Sentinels of the 32-bit size and len arrays. */
#define HS_SIZE_WIDE UINT32_MAX       /* look in g->wide_size */
#define HS_LEN_NONE UINT32_MAX        /* the record had no len */
#define HS_LEN_WIDE (UINT32_MAX - 1)  /* look in g->wide_len */

/* The address index, in a box of its own so that hs_graph_find can build
 * it on first use (after a load with HS_LOAD_NO_ADDRESS_INDEX) through a const
 * graph, under a lock: a graph may be read from several threads. */
typedef struct hs_index_box {
    hs_addrindex x;
    pthread_mutex_t lock;
    atomic_bool ready;
} hs_index_box;

struct hs_graph {
    hs_allocator alloc;
    const hs_allocator *a;      /* &alloc */
    uint32_t n;                 /* node ids in use */
    size_t cap;                 /* allocated length of the node arrays */
    uint64_t *addr;
    uint32_t *type;
    uint32_t *size;
    uint32_t *len;
    uint32_t *text;             /* text pool offset / HS_TEXT_ALIGN; 0 = none */
    uint8_t *flags;
    hs_wide wide_size, wide_len;
    /* Per instance of a class with __slots__ whose dump record said some
     * member slots were unset ("unset_slots", docs/format.md §6): bit i
     * set when the i-th member slot in traversal order is NULL;
     * HS_UNSET_SLOTS_UNKNOWN when a position past 62 was unset. */
    hs_wide unset_slots;
    /* Allocation sites (docs/format.md §7): NULL when the dump has none;
     * `site` maps each traced node to its traceback id. */
    struct hs_sitetab *sites;
    hs_wide site;
    hs_csr children;
    hs_csr parents;
    bool have_parents;
    bool expensive_removed;
    uint64_t live;              /* live objects */
    hs_strtab types;
    hs_textpool texts;
    hs_index_box *ix;
    hs_dialect dialect;
    hs_load_stats stats;
    unsigned threads;           /* for passes; 0 = one per CPU */
    /* Ownership marker: non-NULL when arrays point into a mapped snapshot
     * index (hs_snapshot_read). Then alloc is the mapping's allocator,
     * which never frees mapped arrays and copies one the first time it is
     * realloc'ed (hs_mapping.h), and hs_graph_free unmaps it last. */
    hs_mapping *mapping;
    /* A lazily opened snapshot's tables (hs_snapshot_read.c), until
     * hs_graph_complete checks and maps the arrays that wait: NULL once
     * the graph is whole. One block from a; nothing else to release. */
    void *pending;
    /* With pending: the snapshot's table of what a summary counts per type
     * (hs_typerows.h), borrowed from the mapping, which hs_summary_new and
     * hs_graph_object_bytes read instead of the node arrays that wait.
     * NULL otherwise. */
    const uint64_t *type_rows;
};

/* Threads a pass over g may use: g->threads, or one per CPU, at most
 * HS_MAX_THREADS (hs_threads.h). */
unsigned hs_graph_threads(const hs_graph *g);

static inline bool
hs_live(const hs_graph *g, uint32_t id)
{
    return !(g->flags[id] & HS_ABSENT);
}

static inline uint64_t
hs_size_of(const hs_graph *g, uint32_t id)
{
    uint32_t s = g->size[id];
    return s != HS_SIZE_WIDE ? s : hs_wide_get(&g->wide_size, id);
}

/* Makes room for cap nodes in every node array. HS_ELIMIT past 4 G. */
int hs_graph_reserve(hs_graph *g, size_t cap);

/* Appends a node with the given address and no fields; *id gets its id.
 * Grows every node array together. */
int hs_graph_add_node(hs_graph *g, uint64_t address, uint32_t *id);

/* Appends a node at address with no refs after the load (its children
 * range is empty; parents become stale) and indexes it. */
int hs_graph_append_leaf(hs_graph *g, uint64_t address, uint32_t *id);

/* Sets a node's size and len, using the side tables when needed. */
int hs_graph_set_size(hs_graph *g, uint32_t id, uint64_t size);
int hs_graph_set_len(hs_graph *g, uint32_t id, int64_t len);

#define HS_UNSET_SLOTS_UNKNOWN UINT64_MAX

/* Records which of id's member slots were unset (a mask, see
 * hs_graph.unset_slots); 0 records nothing. */
int hs_graph_set_unset_slots(hs_graph *g, uint32_t id, uint64_t mask);

/* id's mask of unset member slots; 0 when the dump said none. */
static inline uint64_t
hs_node_unset_slots(const hs_graph *g, uint32_t id)
{
    return g->unset_slots.len ? hs_wide_get(&g->unset_slots, id) : 0;
}

/* Stores name and value text of a node (either may be NULL). */
int hs_graph_set_text(hs_graph *g, uint32_t id, const char *name,
                      size_t name_len, const char *value, size_t value_len,
                      hs_value_kind kind);

/* Recounts objects, references and types of live nodes into g->stats;
 * every pass that changes them calls it last. HS_OK, HS_ENOMEM (then
 * the type count is not updated) or HS_ELIMIT when the live nodes' sizes
 * add up to more than INT64_MAX bytes (the counts are updated). */
int hs_graph_update_stats(hs_graph *g);

/* The same, also handing over the live nodes per type id in *by_type
 * (caller frees; may be NULL: then it is hs_graph_update_stats). */
int hs_graph_count_stats(hs_graph *g, uint64_t **by_type);

/* Frees the address index (it is rebuilt on first use). */
void hs_graph_drop_index(hs_graph *g);

/* Rebuilds a dropped index (thread-safe); false when out of memory. Every
 * direct use of g->ix->x must call it first. */
bool hs_graph_ensure_index(const hs_graph *g);

/* An empty graph using allocator a (NULL: malloc). */
hs_graph *hs_graph_new(const hs_allocator *a);

/* The allocator g was loaded with, by value, for what may outlive g (a
 * summary): g->a itself lives in g, and for a mapped graph it is the
 * mapping's, which hs_graph_free closes. */
hs_allocator hs_graph_allocator(const hs_graph *g);

/* Makes an empty graph borrow its arrays from m (takes ownership of m):
 * from now on every allocation of g goes through m's allocator. */
void hs_graph_adopt_mapping(hs_graph *g, hs_mapping *m);

/* Type id of a name, or UINT32_MAX when no record has that type. */
static inline uint32_t
hs_graph_type_lookup(const hs_graph *g, const char *name)
{
    size_t len = 0;
    while (name[len]) {
        len++;
    }
    return hs_strtab_find(&g->types, name, len);
}

/* Replaces the children CSR (takes ownership of c) and marks parents
 * stale. */
void hs_graph_set_children(hs_graph *g, hs_csr *c);

static inline hs_dict_layout
hs_layout_of(const hs_graph *g, uint32_t id)
{
    return (hs_dict_layout)((g->flags[id] & HS_NODE_LAYOUT_MASK)
                            >> HS_NODE_LAYOUT_SHIFT);
}

static inline void
hs_set_layout(hs_graph *g, uint32_t id, hs_dict_layout l)
{
    g->flags[id] = (uint8_t)((g->flags[id] & ~(unsigned)HS_NODE_LAYOUT_MASK)
                             | ((unsigned)l << HS_NODE_LAYOUT_SHIFT));
}

#endif
