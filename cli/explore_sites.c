/*
 * cli/explore_sites.c - the explorer's `sites`: where the objects of the
 * last listing were allocated.
 *
 * After `all dict`, `new` or `children`, the question is often which
 * line of code made these objects: `sites` groups the listed objects by
 * their allocating line (dumps of a process tracing with tracemalloc),
 * most objects first, with their bytes. It lists no objects, so the last
 * listing stays the one `go N` picks from.
 */
#include "explore.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_retained.h"
#include "cli_site.h"

typedef struct site_row {
    char label[256];
    uint64_t count, size;
} site_row;

static int
by_count(const void *pa, const void *pb)
{
    const site_row *a = pa, *b = pb;
    if (a->count != b->count) {
        return a->count > b->count ? -1 : 1;
    }
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1;
    }
    return strcmp(a->label, b->label);
}

bool
explore_sites(explore *x, const char *arg)
{
    site_row *rows;
    size_t n = 0, objects = 0;
    uint64_t untraced = 0;
    char h[32];
    if (*arg) {
        return explore_fail("sites takes no argument: it groups the "
                            "objects of the last listing");
    }
    if (!hs_graph_has_sites(x->g)) {
        return explore_fail("this dump has no allocation sites (dump the "
                            "process with tracemalloc on)");
    }
    rows = cli_check_alloc(calloc(x->nlist + 1, sizeof(*rows)));
    for (size_t i = 0; i < x->nlist; i++) {
        uint32_t id = x->list[i].id, tb;
        site_row key;
        size_t k;
        if (id == HS_NO_NODE) {
            continue;   /* a type line, not an object */
        }
        objects++;
        tb = hs_node_traceback(x->g, id);
        if (tb == 0) {
            untraced++;
            continue;
        }
        cli_site_label(x->g, tb, key.label, sizeof(key.label));
        for (k = 0; k < n && strcmp(rows[k].label, key.label) != 0; k++) {
        }
        if (k == n) {
            memcpy(rows[n].label, key.label, sizeof(key.label));
            n++;
        }
        rows[k].count++;
        rows[k].size += hs_node_size(x->g, id);
    }
    if (objects == 0) {
        free(rows);
        return explore_fail("the last listing has no objects (list some "
                            "first: all, new, children...)");
    }
    qsort(rows, n, sizeof(*rows), by_count);
    fprintf(x->out, "where the %zu object%s of the last listing were "
                    "allocated (%llu not traced):\n",
            objects, cli_s(objects), (unsigned long long)untraced);
    for (size_t k = 0; k < n; k++) {
        fprintf(x->out, "  %6llu  %9s  %s\n",
                (unsigned long long)rows[k].count,
                cli_human_bytes(rows[k].size, h, sizeof(h)), rows[k].label);
    }
    free(rows);
    return true;
}
