/*
 * cli/cli_domtree.c - `top --tree`: the dominator tree, indented.
 *
 * Each line is an object with its retained bytes, its share of the heap
 * and its retained objects, indented under its immediate dominator and
 * labelled with the refs that lead there from it (`.history`, `['k']`:
 * hs_dominators_label). The roots come first, largest first. Children
 * are listed largest first down to --min-share of the heap; the rest of
 * a list is one line, "N smaller objects", with their sum, so the sizes
 * on every level add up to the parent's retained size less its own.
 */
#include "cli_domtree.h"

#include "cli.h"
#include "cli_node.h"
#include "cli_retained.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of the label shown per step (a long dict key is cut). */
#define LABEL_KEY 40

typedef struct tree_walk {
    const hs_graph *g;
    const hs_dominators *d;
    const hs_domtree *t;
    const cli_domtree_opts *o;
    cli_json *json;          /* the JSON writer, or NULL for text */
    uint64_t total, floor;   /* heap bytes; the smallest shown */
    char prefix[512];        /* the text-mode indent of the current level */
    int failed;
} tree_walk;

static double
share(const tree_walk *w, uint64_t bytes)
{
    return w->total ? (double)bytes * 100.0 / (double)w->total : 0.0;
}

/* MARK: text */

static void
text_columns(const tree_walk *w, uint64_t bytes, uint64_t count)
{
    printf("%12llu %6.1f %9llu  %s", (unsigned long long)bytes,
           share(w, bytes), (unsigned long long)count, w->prefix);
}

static void
text_node(tree_walk *w, uint32_t id, bool last, size_t depth)
{
    text_columns(w, hs_dominators_retained_size(w->d, id),
                 hs_dominators_retained_count(w->d, id));
    if (depth > 0) {
        char *label = hs_dominators_label(w->d, id, LABEL_KEY, NULL);
        fputs(last ? "`- " : "+- ", stdout);
        if (label && *label) {
            fputs(label, stdout);
            putchar(' ');
        }
        hs_free(label);
    }
    cli_print_repr(w->g, id, 0, CLI_PREVIEW);
    if (depth == 0) {
        fputs("  ", stdout);
        cli_print_dominator(w->d, w->g, id);
    }
    putchar('\n');
}

static void
text_smaller(tree_walk *w, size_t n, uint64_t bytes, uint64_t count,
             size_t depth)
{
    text_columns(w, bytes, count);
    /* Under the virtual root are the roots and the objects that several
     * roots keep alive: no one object dominates either. */
    printf("%s%zu smaller object%s%s\n", depth > 0 ? "`- " : "", n,
           n == 1 ? "" : "s",
           depth > 0 ? "" : " that no one object dominates");
}

/* MARK: JSON */

static void
json_node_open(tree_walk *w, uint32_t id)
{
    uint64_t r = hs_dominators_retained_size(w->d, id);
    cli_json_object(w->json);
    cli_node_json_fields(w->json, w->g, id);
    cli_json_key(w->json, "value");
    cli_node_json_value(w->json, w->g, id);
    cli_json_key_u64(w->json, "retained_size", r);
    cli_json_key_u64(w->json, "retained_count",
                     hs_dominators_retained_count(w->d, id));
    cli_json_key_double(w->json, "retained_pct", share(w, r), 4);
    cli_retained_json_dominator(w->json, w->d, w->g, id);
}

static void
json_smaller(cli_json *json, size_t n, uint64_t bytes, uint64_t count)
{
    cli_json_key(json, "smaller");
    cli_json_object(json);
    cli_json_key_u64(json, "objects", n);
    cli_json_key_u64(json, "retained_size", bytes);
    cli_json_key_u64(json, "retained_count", count);
    cli_json_end_object(json);
}

/* MARK: the walk */

/* Prints the children of id (HS_NO_NODE: the roots) at depth. */
static void
walk(tree_walk *w, uint32_t id, size_t depth)
{
    size_t n, shown = 0, plen = strlen(w->prefix);
    /* Largest first: hs_domtree's order. */
    const uint32_t *kids = hs_domtree_children(w->t, id, &n);
    uint64_t rest = 0, rest_count = 0;
    while (shown < n
           && hs_dominators_retained_size(w->d, kids[shown]) >= w->floor) {
        shown++;
    }
    for (size_t i = shown; i < n; i++) {
        rest += hs_dominators_retained_size(w->d, kids[i]);
        rest_count += hs_dominators_retained_count(w->d, kids[i]);
    }
    if (w->json) {
        cli_json_key(w->json, depth ? "children" : "tree");
        cli_json_array(w->json);
    }
    for (size_t i = 0; i < shown && !w->failed; i++) {
        bool last = i + 1 == shown && shown == n;
        bool deeper = depth < w->o->depth;
        if (w->json) {
            json_node_open(w, kids[i]);
            if (deeper) {
                walk(w, kids[i], depth + 1);
            }
            cli_json_end_object(w->json);
            continue;
        }
        text_node(w, kids[i], last, depth);
        if (deeper && depth > 0 && plen + 4 < sizeof(w->prefix)) {
            strcpy(w->prefix + plen, last ? "   " : "|  ");
        }
        if (deeper) {
            walk(w, kids[i], depth + 1);
        }
        w->prefix[plen] = '\0';
    }
    if (w->json) {
        cli_json_end_array(w->json);
        if (n > shown) {
            json_smaller(w->json, n - shown, rest, rest_count);
        }
    } else if (n > shown) {
        text_smaller(w, n - shown, rest, rest_count, depth);
    }
}

int
cli_print_domtree(const char *path, const hs_graph *g,
                  const hs_dominators *d, const cli_domtree_opts *o)
{
    hs_error err = {0};
    hs_domtree *t;
    tree_walk w;
    cli_json json;
    memset(&w, 0, sizeof(w));
    w.g = g;
    w.d = d;
    w.o = o;
    w.total = hs_dominators_total_size(d);
    w.floor = (uint64_t)((double)w.total * o->min_share / 100.0);
    w.floor = w.floor ? w.floor : 1;
    w.t = t = hs_domtree_new(d, &err);
    if (!t) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    if (o->json) {
        cli_json_init(&json, stdout);
        w.json = &json;
    }
    cli_print_dominator_totals(path, g, d, w.json);
    if (!o->json) {
        printf("%12s %6s %9s  %s (to depth %llu; below %.4g%% of the heap "
               "merged)\n", "Retained", "%", "Objects", "Tree",
               (unsigned long long)o->depth, o->min_share);
    }
    walk(&w, HS_NO_NODE, 0);
    if (w.json) {
        cli_json_end_object(w.json);
    }
    hs_domtree_free(t);
    if (w.failed) {
        cli_error("out of memory");
        return HS_EXIT_FAILURE;
    }
    return HS_EXIT_OK;
}
