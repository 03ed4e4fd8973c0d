/*
 * fuzz_index.c - the snapshot reader (hs_snapshot_read through
 * hs_snapshot_open_buffer), and the graph it hands out.
 *
 * An index is untrusted: a mapped graph's arrays are used in place, so
 * every id, offset and length the accessors follow must have been checked
 * by the reader. Each input is opened twice: as it is (the header, table
 * and checksum checks) and, from a private copy, resealed with
 * hs_snapshot_reseal, so that a mutated byte in a node array reaches the
 * structural checks instead of failing its chunk's checksum. An input of
 * odd length is opened lazily (HS_SNAPSHOT_LAZY: the node arrays, a
 * summary of them, then hs_graph_complete for the rest), one of even
 * length whole. A graph that opens is walked: every node's accessors, its children and parents (ids
 * in range, or abort), its text read byte by byte so that ASan sees a
 * name or value that points outside the pool; then dominators and
 * fuzz_explore (fuzz_graph.h), whose passes write into the copy-on-write
 * mapping.
 *
 * NOTE: about lookups. The reader checks that the address index holds
 * only ids in range, not that it agrees with the address array: that
 * would cost a random probe per object on every open. A resealed index
 * with a changed address therefore loses that object to hs_graph_find
 * (found in the first minute of fuzzing, crash-lookup-misses): a wrong
 * answer from a deliberately forged file, never a read out of bounds, so
 * this target only checks that whatever a lookup finds is a live object
 * at that address (docs/limits.md).
 */
#include "fuzz_graph.h"
#include "fuzz_util.h"

#include <string.h>

#include "load/hs_snapshot_read.h"

/* Where the sums of touch go, so that the reads are not optimised away. */
static volatile unsigned sink;

/* Reads every byte of s[0..len) and returns their sum. */
static unsigned
touch(const char *s, size_t len)
{
    unsigned sum = 0;
    for (size_t i = 0; s && i < len; i++) {
        sum += (unsigned char)s[i];
    }
    return sum;
}

/* Aborts unless each of ids[0..count) is a node id of g. */
static void
check_ids(const hs_graph *g, const uint32_t *ids, uint64_t count)
{
    for (uint64_t k = 0; k < count; k++) {
        if (ids[k] >= hs_graph_capacity(g)) {
            abort();
        }
    }
}

static unsigned
check_node(const hs_graph *g, uint32_t id)
{
    uint64_t count = 0;
    size_t len = 0;
    hs_value_kind kind;
    const uint32_t *ids;
    unsigned sum = 0;
    uint32_t type = hs_node_type_id(g, id);
    if (type < hs_graph_type_count(g)) {
        sum += touch(hs_node_type(g, id, &len), len);
    } else if (hs_node_exists(g, id) || type != UINT32_MAX) {
        abort(); /* only phantoms have no type: the reader checks this */
    }
    sum += touch(hs_node_name(g, id, &len), len);
    sum += touch(hs_node_value(g, id, &len, &kind), len);
    sum += (unsigned)hs_node_size(g, id) + (unsigned)hs_node_len(g, id);
    ids = hs_node_children(g, id, &count);
    check_ids(g, ids, count);
    ids = hs_node_parents(g, id, &count);
    check_ids(g, ids, count);
    return sum + (unsigned)hs_node_layout(g, id);
}

static void
dominators(const hs_graph *g)
{
    hs_dominators *d = hs_dominators_new(g, NULL);
    uint32_t *ids = NULL;
    size_t n = 0;
    if (!d) {
        return;
    }
    if (hs_dominators_top(d, 4, &ids, &n, NULL) == HS_OK) {
        for (size_t i = 0; i < n; i++) {
            hs_dominators_retained_size(d, ids[i]);
            hs_free(hs_dominators_label(d, ids[i], 8, NULL));
        }
        hs_free(ids);
    }
    hs_dominators_free(d);
}

/* A lazy open (HS_SNAPSHOT_LAZY): what it maps at once is summarized,
 * then hs_graph_complete checks the rest. NULL when either refuses. */
static hs_graph *
open_lazily(const uint8_t *data, size_t size)
{
    hs_snap_expect want = {NULL, 0, 0, 1, 1};
    hs_mapping *m;
    hs_summary *s;
    hs_graph *g;
    if (hs_mapping_from_buffer(&m, data, size, NULL, NULL) < 0
        || !(g = hs_snapshot_read(m, &want, NULL))) {
        return NULL;
    }
    s = hs_summary_new(g, NULL);
    if (s) {
        hs_free(hs_summary_format(s, 50, NULL));
        hs_summary_free(s);
    }
    sink = (unsigned)hs_graph_object_bytes(g) + (unsigned)hs_graph_count(g);
    if (hs_graph_complete(g, NULL) != HS_OK) {
        hs_graph_free(g);
        return NULL;
    }
    return g;
}

/* Inputs of odd length go through a lazy open, so both paths of the
 * reader see every kind of damage. */
static void
open_and_walk(const uint8_t *data, size_t size)
{
    unsigned sum = 0;
    hs_load_options opts;
    hs_graph *g;
    hs_load_options_init(&opts);
    opts.threads = 1;
    g = size % 2 ? open_lazily(data, size)
                 : hs_snapshot_open_buffer(data, size, &opts, NULL);
    if (!g) {
        return;
    }
    for (uint32_t t = 0; t < hs_graph_type_count(g); t++) {
        size_t len = 0;
        sum += touch(hs_type_name(g, t, &len), len);
    }
    for (uint32_t id = 0; id < hs_graph_capacity(g); id++) {
        sum += check_node(g, id);
    }
    sink = sum + (unsigned)hs_graph_stats(g)->objects;
    dominators(g);
    fuzz_explore(g, 0);
    hs_graph_free(g);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *copy;
    open_and_walk(data, size);
    copy = malloc(size ? size : 1);
    if (!copy) {
        return 0;
    }
    memcpy(copy, data, size);
    if (hs_snapshot_reseal(copy, size) == HS_OK
        && memcmp(copy, data, size) != 0) {
        open_and_walk(copy, size);
    }
    free(copy);
    return 0;
}
