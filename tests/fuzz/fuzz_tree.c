/*
 * fuzz_tree.c - a stored dominator tree read back
 * (hs_dominators_restore_buffer) for a graph, and the walks over it.
 *
 * A stored tree (DUMP.hsdom) is untrusted input: its arrays are used as
 * they are, so the reader must have checked every id a walk follows and
 * that climbing idom links always ends. The input is a dump, a line
 * "%%", then a tree file (the seeds: what `heapscope top` keeps for the
 * dump's snapshot). The tree is read as it is (the header and checksum
 * checks) and, from a private copy, resealed (hs_domstore_reseal) so that
 * a mutated byte in an array reaches the structural checks. The key is
 * taken from the input's own header, so that mutations reach past it. A
 * tree that is read back is walked: every object's climb to the root
 * (abort after more steps than objects: a cycle got through), its root
 * kind and label, the largest owners, the tree as child lists and the
 * retained size per type.
 */
#include "fuzz_util.h"

#include <stdlib.h>
#include <string.h>

#include "analysis/hs_dominators.h"

/* Where the sums go, so that the reads are not optimised away. */
static volatile uint64_t sink;

static void
walk(const hs_graph *g, const hs_dominators *d)
{
    uint32_t n = hs_graph_capacity(g), *ids = NULL;
    size_t nids = 0;
    hs_error err;
    hs_domtree *t;
    for (uint32_t v = 0; v < n; v++) {
        uint32_t p = v, steps = 0;
        char *label;
        while ((p = hs_dominators_idom(d, p)) != HS_NO_NODE) {
            if (p >= n || ++steps > n) {
                abort();
            }
        }
        sink += hs_dominators_retained_size(d, v)
                + hs_dominators_retained_count(d, v)
                + (hs_dominators_root_kind(d, v) != NULL);
        label = hs_dominators_label(d, v, 0, NULL);
        sink += label ? strlen(label) : 0;
        hs_free(label);
    }
    if (hs_dominators_top(d, 5, &ids, &nids, &err) == 0) {
        for (size_t i = 0; i < nids; i++) {
            if (ids[i] >= n) {
                abort();
            }
        }
        hs_free(ids);
    }
    t = hs_domtree_new(d, &err);
    hs_domtree_free(t);
}

static void
restore(const hs_graph *g, const uint8_t *tree, size_t len, uint64_t key)
{
    hs_error err;
    hs_dominators *d = hs_dominators_restore_buffer(g, tree, len, key, &err);
    if (d) {
        walk(g, d);
        hs_dominators_free(d);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t dump_size, skip, len;
    uint64_t key = 0;
    uint8_t *copy;
    hs_graph *g;
    fuzz_split(data, size, &dump_size, &skip);
    len = size - skip;
    g = fuzz_load(data, dump_size, HS_LOAD_DEFAULT);
    if (!g) {
        return 0;
    }
    if (len >= 24) {
        memcpy(&key, data + skip + 16, sizeof(key));
    }
    restore(g, data + skip, len, key);
    copy = malloc(len ? len : 1);
    if (copy) {
        memcpy(copy, data + skip, len);
        hs_domstore_reseal(copy, len);
        restore(g, copy, len, key);
        free(copy);
    }
    hs_graph_free(g);
    return 0;
}
