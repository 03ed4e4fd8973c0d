/*
 * test_snapshot_lazy.c - lazy opens of a snapshot (HS_SNAPSHOT_LAZY):
 * the meta, type names and type rows are checked at once and the rest
 * (node arrays included) waits for hs_graph_complete. A lazy graph sets
 * no array it has not checked; its summary equals a full load's;
 * completed, it equals a fresh load field by field and answers from its
 * node arrays; every single bit flip of the file is caught by the lazy
 * open or by hs_graph_complete, and one in what a summary reads by the
 * open itself.
 */
#include "hs_test.h"

#include <heapscope.h>

#include "graph/hs_graph_internal.h"
#include "load/hs_snapfmt.h"
#include "load/hs_snapshot_read.h"
#include "hs_test_same.h"
#include "hs_test_snapshot.h"

static hs_error err;

/* The snapshot of hs_test_small_dump (caller frees), *fresh the graph
 * loaded from the dump. */
static unsigned char *
snapshot_bytes(size_t *len, hs_graph **fresh)
{
    return hs_test_small_snapshot("lazy.json", len, fresh, NULL);
}

/* hs_snapshot_read over a copy of buf, lazily or not. */
static hs_graph *
open_copy(const unsigned char *buf, size_t len, int lazy)
{
    hs_snap_expect want = {NULL, 0, 0, 1, lazy};
    hs_mapping *m;
    if (hs_mapping_from_buffer(&m, buf, len, NULL, &err) < 0) {
        return NULL;
    }
    return hs_snapshot_read(m, &want, &err);
}

static char *
summary_text(const hs_graph *g)
{
    hs_summary *s = hs_summary_new(g, &err);
    char *text = s ? hs_summary_format(s, 100, &err) : NULL;
    hs_summary_free(s);
    return text;
}

static void
test_lazy_graph_sets_only_what_it_checked(void)
{
    size_t len;
    hs_graph *fresh = NULL, *g;
    unsigned char *buf = snapshot_bytes(&len, &fresh);
    char *want, *got;
    if (!CHECK(buf != NULL)) {
        hs_graph_free(fresh);
        return;
    }
    g = open_copy(buf, len, 1);
    if (!CHECK(g != NULL)) {
        printf("    %s\n", err.message);
        free(buf);
        hs_graph_free(fresh);
        return;
    }
    CHECK(g->pending != NULL);
    CHECK(g->type_rows != NULL);
    CHECK(!g->type && !g->size && !g->flags && !g->addr);
    CHECK(!g->len && !g->text && !g->texts.data && !g->texts.len);
    CHECK(!g->children.targets && !g->children.off32 && !g->children.off64
          && !g->children.nedges);
    CHECK(!g->parents.targets && !g->parents.nedges);
    CHECK(!g->ix->x.slots && !atomic_load(&g->ix->ready));
    CHECK_EQ_U64(hs_graph_count(g), hs_graph_count(fresh));
    CHECK_EQ_U64(hs_graph_object_bytes(g), hs_graph_object_bytes(fresh));
    want = summary_text(fresh);
    got = summary_text(g);
    CHECK(want && got && strcmp(want, got) == 0);
    hs_free(want);
    hs_free(got);
    CHECK(hs_graph_complete(g, &err) == HS_OK);
    CHECK(g->pending == NULL && g->type_rows == NULL);
    CHECK(same_graph(fresh, g));
    CHECK(hs_graph_complete(g, &err) == HS_OK); /* whole: nothing to do */
    CHECK(hs_graph_complete(fresh, &err) == HS_OK);
    hs_graph_free(g);
    /* freed while still lazy: the pending tables go with it (ASan) */
    hs_graph_free(open_copy(buf, len, 1));
    hs_graph_free(fresh);
    free(buf);
}

/* The section holding byte i, or 0 for the header and tables. */
static uint32_t
section_at(const unsigned char *buf, size_t i)
{
    const hs_snap_header *h = (const hs_snap_header *)buf;
    const hs_snap_section *t = (const hs_snap_section *)(buf + sizeof(*h));
    for (uint32_t k = 0; k < h->nsections; k++) {
        if (i >= t[k].offset && i < t[k].offset + t[k].count * t[k].elem_bytes) {
            return t[k].id;
        }
    }
    return 0;
}

static void
test_every_bit_flip_caught(void)
{
    size_t len;
    hs_graph *fresh = NULL;
    unsigned char *buf = snapshot_bytes(&len, &fresh);
    int missed = 0, at_open = 0, at_complete = 0, node_late = 0;
    if (!CHECK(buf != NULL)) {
        hs_graph_free(fresh);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        uint32_t id = section_at(buf, i);
        bool node = id == HS_SNAP_META || id == HS_SNAP_TYPE_LENS
                    || id == HS_SNAP_TYPE_POOL || id == HS_SNAP_TYPE_ROWS;
        for (int bit = 0; bit < 8; bit++) {
            hs_graph *g;
            buf[i] ^= (unsigned char)(1u << bit);
            g = open_copy(buf, len, 1);
            buf[i] ^= (unsigned char)(1u << bit);
            if (!g) {
                at_open++;
                continue;
            }
            node_late += node;
            if (hs_graph_complete(g, &err) == HS_OK) {
                if (missed++ < 5) {
                    printf("    flip of bit %d of byte %zu (section %u) "
                           "missed\n", bit, i, id);
                }
            } else {
                at_complete++;
                CHECK(err.code == HS_ECORRUPT && err.message[0]);
            }
            hs_graph_free(g);
        }
    }
    printf("    %zu bytes: %d flips caught by the lazy open, %d by "
           "hs_graph_complete\n", len, at_open, at_complete);
    CHECK_EQ_U64(missed, 0);
    CHECK_EQ_U64(node_late, 0); /* what a summary reads: at the open */
    CHECK(at_complete > 0);     /* and the rest did wait */
    hs_graph_free(fresh);
    free(buf);
}

/* Through hs_graph_open: a lazy graph from the snapshot, a whole one
 * from the dump, and a lazy one that the next full open rejects when
 * only its unchecked part is damaged. */
static void
test_open_lazy(void)
{
    const char *dump = hs_test_text("lazyopen.json", hs_test_small_dump);
    hs_snapshot_report r;
    hs_load_options opts;
    hs_graph *g;
    FILE *f;
    long edges_at = -1;
    hs_load_options_init(&opts);
    opts.warning = NULL;
    remove(hs_test_file("lazyopen.json.hsidx", "", 0));
    g = hs_graph_open(dump, &opts, HS_SNAPSHOT_LAZY, &r, &err);
    CHECK(g && !r.used && g->pending == NULL); /* loaded: whole */
    hs_graph_free(g);
    g = hs_graph_open(dump, &opts, HS_SNAPSHOT_LAZY | HS_SNAPSHOT_FORCE_WRITE,
                      &r, &err);
    CHECK(g && r.written);
    hs_graph_free(g);
    g = hs_graph_open(dump, &opts, HS_SNAPSHOT_LAZY, &r, &err);
    CHECK(g && r.used && g->pending != NULL);
    if (g && g->pending) {
        /* where the children's targets lie in the file */
        const hs_snap_header *h
            = (const hs_snap_header *)hs_mapping_data(g->mapping);
        const hs_snap_section *t = (const hs_snap_section *)(h + 1);
        for (uint32_t k = 0; k < h->nsections; k++) {
            if (t[k].id == HS_SNAP_CH_TARGETS) {
                edges_at = (long)t[k].offset;
            }
        }
    }
    hs_graph_free(g);
    f = fopen(r.path, "r+b");
    if (CHECK(f != NULL && edges_at > 0)) {
        fseek(f, edges_at, SEEK_SET);
        fputc(0x7f, f);
        fclose(f);
    } else if (f) {
        fclose(f);
    }
    g = hs_graph_open(dump, &opts, HS_SNAPSHOT_LAZY, &r, &err);
    CHECK(g && r.used); /* a summary needs no edges: answered */
    CHECK(g && hs_graph_complete(g, &err) == HS_ECORRUPT
          && strstr(err.message, "children") != NULL);
    hs_graph_free(g);
    g = hs_graph_open(dump, &opts, HS_SNAPSHOT_DEFAULT, &r, &err);
    CHECK(g && !r.used && r.rejected && strstr(r.reason, "children"));
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_lazy_graph_sets_only_what_it_checked);
    RUN(test_every_bit_flip_caught);
    RUN(test_open_lazy);
    return hs_test_end();
}
