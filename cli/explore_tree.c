/*
 * cli/explore_tree.c - the explorer's `tree`, `expand N` and `fold N`:
 * the dominator tree browsed a level at a time.
 *
 * `top --tree` prints the tree to a fixed depth; at a prompt one wants to
 * open only the branch that matters. `tree` shows the objects the current
 * one dominates (or the roots), largest first, each line numbered like
 * every listing; `expand N` opens line N, `fold N` closes it, and the
 * tree is shown again with what is open. The open objects are kept as a
 * set of ids, so opening a branch deep down keeps the others as they
 * were; `go N` on a line goes to that object as in any listing.
 */
#include "explore.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_retained.h"

#define KIDS 10          /* children shown under an open object */
#define MAX_LINES 500    /* lines in one tree listing */
#define LABEL_KEY 40     /* bytes of a dict key in an edge label */

typedef struct tree_print {
    explore *x;
    const hs_dominators *d;
    const hs_domtree *t;
    size_t lines;
} tree_print;

static bool
is_open(const explore *x, uint32_t id)
{
    for (size_t i = 0; i < x->nopen; i++) {
        if (x->open[i] == id) {
            return true;
        }
    }
    return false;
}

typedef struct sized {
    uint64_t retained;
    uint32_t id;
} sized;

static int
by_retained(const void *pa, const void *pb)
{
    const sized *a = pa, *b = pb;
    if (a->retained != b->retained) {
        return a->retained < b->retained ? 1 : -1;
    }
    return (a->id > b->id) - (a->id < b->id);
}

/* One object's line: retained bytes, share of the heap, the tree's
 * indentation, whether it is open, the edge it hangs by, then
 * (explore_list_object) its number and repr. */
static void
put_line(tree_print *p, uint32_t id, size_t depth, bool open)
{
    char h[32], *edge = hs_dominators_label(p->d, id, LABEL_KEY, NULL);
    uint64_t r = hs_dominators_retained_size(p->d, id);
    uint64_t total = hs_dominators_total_size(p->d);
    size_t kids;
    char label[256];
    /* "-": open, "+": can be opened, nothing: dominates nothing. */
    hs_domtree_children(p->t, id, &kids);
    snprintf(label, sizeof(label), "%9s %5.1f%% %*s%s %s",
             cli_human_bytes(r, h, sizeof(h)),
             total ? 100.0 * (double)r / (double)total : 0.0,
             (int)(2 * depth), "", !kids ? " " : open ? "-" : "+",
             edge && *edge ? edge : "");
    hs_free(edge);
    explore_list_object(p->x, id, label);
    p->lines++;
}

/* Lists the children of id (HS_NO_NODE: the roots) at depth, and the
 * subtrees of the open ones. */
static bool
put_children(tree_print *p, uint32_t id, size_t depth)
{
    size_t n;
    const uint32_t *kids = hs_domtree_children(p->t, id, &n);
    sized *s;
    uint64_t rest = 0;
    size_t shown;
    if (n == 0) {
        return true;
    }
    s = cli_check_alloc(malloc(n * sizeof(*s)));
    for (size_t i = 0; i < n; i++) {
        s[i].retained = hs_dominators_retained_size(p->d, kids[i]);
        s[i].id = kids[i];
    }
    qsort(s, n, sizeof(*s), by_retained);
    shown = n < KIDS ? n : KIDS;
    for (size_t i = 0; i < shown && p->lines < MAX_LINES; i++) {
        bool open = is_open(p->x, s[i].id);
        put_line(p, s[i].id, depth, open);
        if (open) {
            put_children(p, s[i].id, depth + 1);
        }
    }
    for (size_t i = shown; i < n; i++) {
        rest += s[i].retained;
    }
    if (n > shown) {
        char h[32];
        fprintf(p->x->out, "         %*s   ... %zu more retaining %s\n",
                (int)(2 * depth), "", n - shown,
                cli_human_bytes(rest, h, sizeof(h)));
    }
    free(s);
    return true;
}

static bool
show(explore *x)
{
    hs_error err;
    tree_print p = {x, explore_dominators(x), NULL, 0};
    hs_domtree *t;
    char h[32];
    if (!p.d) {
        return false;
    }
    if (!(t = hs_domtree_new(p.d, &err))) {
        return explore_fail("%s", err.message);
    }
    p.t = t;
    explore_list_reset(x);
    if (x->tree_top == HS_NO_NODE) {
        fprintf(x->out, "the dominator tree of the whole heap (%s); "
                        "`expand N` opens line N, `fold N` closes it:\n",
                cli_human_bytes(hs_dominators_total_size(p.d), h,
                                sizeof(h)));
        put_children(&p, HS_NO_NODE, 0);
    } else {
        fprintf(x->out, "what %llu keeps alive, by the dominator tree; "
                        "`expand N` opens line N, `fold N` closes it:\n",
                (unsigned long long)hs_node_address(x->g, x->tree_top));
        put_line(&p, x->tree_top, 0, true);
        put_children(&p, x->tree_top, 1);
    }
    if (p.lines >= MAX_LINES) {
        fprintf(x->out, "(cut at %d lines: fold a branch)\n", MAX_LINES);
    }
    hs_domtree_free(t);
    x->tree_listed = true;
    return true;
}

bool
explore_tree(explore *x, const char *arg)
{
    if (*arg) {
        return explore_fail("tree takes no argument (go to an object "
                            "first to see the tree below it)");
    }
    if (x->tree_top != x->cur) {
        x->tree_top = x->cur;
        x->nopen = 0;
    }
    return show(x);
}

/* The object on line N of the last tree listing, or HS_NO_NODE after
 * failing. */
static uint32_t
tree_line(const explore *x, const char *arg)
{
    uint64_t n;
    if (!x->tree_listed) {
        explore_fail("no tree listed: `tree` first");
        return HS_NO_NODE;
    }
    if (!cli_parse_u64(arg, &n) || n == 0 || n > x->nlist) {
        explore_fail("want a line of the tree, 1 to %zu, not '%s'", x->nlist,
                     arg);
        return HS_NO_NODE;
    }
    return x->list[n - 1].id;
}

bool
explore_expand(explore *x, const char *arg)
{
    uint32_t id = tree_line(x, arg);
    if (id == HS_NO_NODE) {
        return false;
    }
    if (!is_open(x, id)) {
        if (x->nopen == x->open_alloc) {
            x->open_alloc = x->open_alloc ? 2 * x->open_alloc : 16;
            x->open = cli_check_alloc(
                realloc(x->open, x->open_alloc * sizeof(*x->open)));
        }
        x->open[x->nopen++] = id;
    }
    return show(x);
}

bool
explore_fold(explore *x, const char *arg)
{
    uint32_t id = tree_line(x, arg);
    if (id == HS_NO_NODE) {
        return false;
    }
    for (size_t i = 0; i < x->nopen; i++) {
        if (x->open[i] == id) {
            x->open[i] = x->open[--x->nopen];
            break;
        }
    }
    return show(x);
}
