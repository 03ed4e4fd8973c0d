/*
 * cli/explore_commands.c - the explorer's command table and commands.
 *
 * Every command that lists objects numbers its lines and remembers them,
 * so the next step is one short command: `go 3` goes to line 3 of the
 * last listing (a number no larger than the listing is a line, anything
 * else an address). Commands write to x->out, which the caller pages;
 * errors go to stderr as "error: ..." and make the command fail.
 */
#include "explore.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_site.h"
#include "cli_addr.h"
#include "cli_atomic.h"
#include "cli_node.h"
#include "cli_query.h"
#include "cli_retained.h"
#include "cli_treestore.h"

#define LIST_DEFAULT 20
#define LIST_MAX 500
#define PREVIEW 60

typedef struct explore_command {
    const char *name, *alias;
    bool (*fn)(explore *x, const char *arg);
    const char *args, *summary;
} explore_command;

bool
explore_fail(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout);
    fputs("error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return false;
}

static void *
grow(void *p, size_t *alloc, size_t need, size_t size)
{
    if (need > *alloc) {
        *alloc = need * 2;
        p = cli_check_alloc(realloc(p, *alloc * size));
    }
    return p;
}

/* MARK: listings */

void
explore_list_reset(explore *x)
{
    x->nlist = 0;
    x->tree_listed = false;
}

static size_t
list_add(explore *x, uint32_t id, const char *type, size_t type_len)
{
    x->list = grow(x->list, &x->list_alloc, x->nlist + 1, sizeof(*x->list));
    x->list[x->nlist].id = id;
    x->list[x->nlist].type = type;
    x->list[x->nlist].type_len = type_len;
    return ++x->nlist;
}

static void
put_repr(explore *x, uint32_t id)
{
    char *repr;
    if (!hs_node_exists(x->g, id)) {
        fprintf(x->out, "<no record: %llu>",
                (unsigned long long)hs_node_address(x->g, id));
        return;
    }
    repr = hs_node_repr(x->g, id, 0, PREVIEW, NULL);
    fputs(repr ? repr : "?", x->out);
    hs_free(repr);
}

/* "  12  label repr": a numbered object line (label may be NULL). A
 * dangling ref gets no number. */
void
explore_list_object(explore *x, uint32_t id, const char *label)
{
    if (hs_node_exists(x->g, id)) {
        fprintf(x->out, "%4zu  ", list_add(x, id, NULL, 0));
    } else {
        fprintf(x->out, "   -  ");
    }
    if (label) {
        fprintf(x->out, "%s ", label);
    }
    put_repr(x, id);
    fputc('\n', x->out);
}

/* Lists ids[0..n) numbered, at most limit, and says how many more. */
static void
list_objects(explore *x, const uint32_t *ids, size_t n, size_t limit)
{
    explore_list_reset(x);
    for (size_t i = 0; i < n && i < limit; i++) {
        explore_list_object(x, ids[i], NULL);
    }
    if (n > limit) {
        fprintf(x->out, "   ... and %zu more\n", n - limit);
    }
}

/* MARK: arguments */

/* An optional count argument: 0 < N <= LIST_MAX, default def. */
bool
explore_count_arg(const char *arg, size_t def, size_t *out)
{
    uint64_t n;
    *out = def; /* also on failure: gcc -O3 cannot see that fail is false */
    if (!*arg) {
        return true;
    }
    if (!cli_parse_u64(arg, &n) || n == 0 || n > LIST_MAX) {
        return explore_fail(
            "want a number from 1 to %d, not '%s'", LIST_MAX, arg);
    }
    *out = (size_t)n;
    return true;
}

bool
explore_need_current(const explore *x)
{
    return x->cur != HS_NO_NODE
               || explore_fail("no current object: `go ADDR` or `go N` first");
}

/* Splits "TYPE [N]" into the type and an optional trailing count. */
static bool
type_and_count(const char *arg, size_t *type_len, size_t *limit)
{
    const char *sp = strrchr(arg, ' ');
    uint64_t n;
    *type_len = strlen(arg);
    *limit = LIST_DEFAULT;
    if (sp && cli_parse_u64(sp + 1, &n)) {
        if (n == 0 || n > LIST_MAX) {
            return explore_fail(
                "want a number from 1 to %d, not '%s'", LIST_MAX,
                        sp + 1);
        }
        *limit = (size_t)n;
        *type_len = (size_t)(sp - arg);
        while (*type_len && arg[*type_len - 1] == ' ') {
            (*type_len)--;
        }
    }
    return true;
}

/* MARK: moving */

/* Makes id current, recording it in the history (forward is dropped). */
static void
visit(explore *x, uint32_t id)
{
    if (x->nhist && x->hist[x->hpos] == id) {
        x->cur = id;
    } else {
        size_t at = x->nhist ? x->hpos + 1 : 0;
        x->hist = grow(x->hist, &x->hist_alloc, at + 1, sizeof(*x->hist));
        x->hist[at] = id;
        x->nhist = at + 1;
        x->hpos = at;
        x->cur = id;
    }
    put_repr(x, id);
    fputc('\n', x->out);
}

static bool ex_all(explore *x, const char *arg);

static bool
ex_go(explore *x, const char *arg)
{
    uint64_t n, addr;
    uint32_t id;
    if (!*arg) {
        return explore_fail("go wants an address or a line number of the last "
                    "listing");
    }
    if (cli_parse_u64(arg, &n) && n >= 1 && n <= x->nlist) {
        const explore_item *it = &x->list[n - 1];
        if (it->type) {
            char *type = strndup(it->type, it->type_len);
            bool ok = type && ex_all(x, type);
            free(type);
            return ok;
        }
        visit(x, it->id);
        return true;
    }
    if (!cli_parse_addr(arg, &addr)) {
        return x->nlist
                   ? explore_fail("'%s' is neither a line of the last "
                                  "listing (1-%zu) nor an address",
                                  arg, x->nlist)
                   : explore_fail("'%s' is not an address (and there is "
                                  "no listing to pick a line from)", arg);
    }
    id = hs_graph_find(x->g, addr);
    if (id == HS_NO_NODE && cli_parse_u64(arg, &n) && n < 65536) {
        return x->nlist
                   ? explore_fail("no line %s in the last listing (1-%zu) "
                                  "and no object at address %s",
                                  arg, x->nlist, arg)
                   : explore_fail("no listing to pick line %s from, and no "
                                  "object at address %s", arg, arg);
    }
    if (id == HS_NO_NODE) {
        return explore_fail("no object at address %s", arg);
    }
    visit(x, id);
    return true;
}

static bool
ex_up(explore *x, const char *arg)
{
    uint64_t n;
    const uint32_t *parents;
    size_t k;
    if (!explore_need_current(x) || !explore_count_arg(arg, 1, &k)) {
        return false;
    }
    parents = hs_node_parents(x->g, x->cur, &n);
    if (n == 0) {
        return explore_fail("nothing refers to %llu: it is a root",
                    (unsigned long long)hs_node_address(x->g, x->cur));
    }
    if (k > n) {
        return explore_fail("%llu has only %llu parent%s",
                    (unsigned long long)hs_node_address(x->g, x->cur),
                    (unsigned long long)n, cli_s(n));
    }
    visit(x, parents[k - 1]);
    return true;
}

static bool
ex_back(explore *x, const char *arg)
{
    (void)arg;
    if (!x->nhist || x->hpos == 0) {
        return explore_fail("nothing to go back to");
    }
    x->cur = x->hist[--x->hpos];
    put_repr(x, x->cur);
    fputc('\n', x->out);
    return true;
}

static bool
ex_forward(explore *x, const char *arg)
{
    (void)arg;
    if (!x->nhist || x->hpos + 1 >= x->nhist) {
        return explore_fail("nothing to go forward to");
    }
    x->cur = x->hist[++x->hpos];
    put_repr(x, x->cur);
    fputc('\n', x->out);
    return true;
}

/* MARK: looking */

static void
show_refs_line(explore *x)
{
    hs_error err;
    char *dict = hs_node_refs_dict_format(x->g, x->cur, PREVIEW, &err);
    if (dict) {
        fprintf(x->out, "refs_as_dict: %s\n", dict);
        hs_free(dict);
    } else if (err.code != HS_EINVAL) {
        fprintf(x->out, "refs_as_dict: (%s)\n", err.message);
    }
}

static void
list_children(explore *x, size_t limit)
{
    uint64_t n;
    const uint32_t *kids = hs_node_children(x->g, x->cur, &n);
    fprintf(x->out, "children (%llu):\n", (unsigned long long)n);
    for (uint64_t k = 0; k < n && k < limit; k++) {
        char *label = hs_node_ref_label(x->g, x->cur, k, 40, NULL);
        explore_list_object(x, kids[k], label ? label : "?");
        hs_free(label);
    }
    if (n > limit) {
        fprintf(x->out, "   ... and %llu more\n",
                (unsigned long long)(n - limit));
    }
}

static void
list_parents(explore *x, size_t limit)
{
    uint64_t n;
    const uint32_t *parents = hs_node_parents(x->g, x->cur, &n);
    fprintf(x->out, "parents (%llu):\n", (unsigned long long)n);
    for (uint64_t k = 0; k < n && k < limit; k++) {
        char *label = cli_edge_label(x->g, parents[k], x->cur, 40);
        fprintf(x->out, "%4zu  ", list_add(x, parents[k], NULL, 0));
        put_repr(x, parents[k]);
        fprintf(x->out, " %s\n", label);
        hs_free(label);
    }
    if (n > limit) {
        fprintf(x->out, "   ... and %llu more\n",
                (unsigned long long)(n - limit));
    }
}

static bool
ex_show(explore *x, const char *arg)
{
    size_t len;
    const char *type;
    (void)arg;
    if (!explore_need_current(x)) {
        return false;
    }
    type = hs_node_type(x->g, x->cur, &len);
    put_repr(x, x->cur);
    fprintf(x->out, "\n  address %llu, type %.*s, size %llu",
            (unsigned long long)hs_node_address(x->g, x->cur), (int)len,
            type, (unsigned long long)hs_node_size(x->g, x->cur));
    if (hs_node_len(x->g, x->cur) != HS_NO_LEN) {
        fprintf(x->out, ", len %lld", (long long)hs_node_len(x->g, x->cur));
    }
    fputc('\n', x->out);
    show_refs_line(x);
    explore_list_reset(x);
    list_children(x, LIST_DEFAULT);
    list_parents(x, LIST_DEFAULT);
    return true;
}

static bool
ex_children(explore *x, const char *arg)
{
    size_t limit;
    if (!explore_need_current(x)
        || !explore_count_arg(arg, LIST_MAX, &limit)) {
        return false;
    }
    explore_list_reset(x);
    list_children(x, limit);
    return true;
}

static bool
ex_parents(explore *x, const char *arg)
{
    size_t limit;
    if (!explore_need_current(x)
        || !explore_count_arg(arg, LIST_MAX, &limit)) {
        return false;
    }
    explore_list_reset(x);
    list_parents(x, limit);
    return true;
}

static bool
ex_refs(explore *x, const char *arg)
{
    hs_ref_item *items;
    size_t n;
    hs_error err;
    (void)arg;
    if (!explore_need_current(x)) {
        return false;
    }
    if (hs_node_refs_as_dict(x->g, x->cur, &items, &n, &err) < 0) {
        return explore_fail("%s", err.message);
    }
    explore_list_reset(x);
    fprintf(x->out, "refs_as_dict (%zu):\n", n);
    for (size_t i = 0; i < n; i++) {
        char *k = hs_literal_format(x->g, &items[i].key, PREVIEW, NULL);
        char *v = hs_literal_format(x->g, &items[i].value, PREVIEW, NULL);
        if (items[i].value.kind == HS_LITERAL_OBJECT) {
            fprintf(x->out, "%4zu  ", list_add(x, items[i].value.id, NULL, 0));
        } else {
            fprintf(x->out, "      ");
        }
        fprintf(x->out, "%s: %s\n", k ? k : "?", v ? v : "?");
        hs_free(k);
        hs_free(v);
    }
    hs_free(items);
    return true;
}

static bool
ex_path(explore *x, const char *arg)
{
    hs_path_options po = {1, NULL, 0};
    hs_error err;
    hs_paths *p;
    const uint32_t *nodes;
    size_t len;
    (void)arg;
    if (!explore_need_current(x)) {
        return false;
    }
    if (!(p = hs_paths_find(x->g, x->cur, &po, &err))) {
        return explore_fail("%s", err.message);
    }
    if (hs_paths_count(p) == 0) {
        hs_paths_free(p);
        return explore_fail("no root reaches %llu: only cycles hold it (it is "
                    "garbage)",
                    (unsigned long long)hs_node_address(x->g, x->cur));
    }
    nodes = hs_paths_at(p, 0, &len);
    fprintf(x->out, "%zu step%s from a root (%s):\n", len - 1,
            len == 2 ? "" : "s", hs_paths_root_kind(p, 0));
    explore_list_reset(x);
    explore_list_object(x, nodes[0], NULL);
    for (size_t k = 1; k < len; k++) {
        char *label = cli_edge_label(x->g, nodes[k - 1], nodes[k], 40);
        explore_list_object(x, nodes[k], label);
        hs_free(label);
    }
    hs_paths_free(p);
    return true;
}

/* MARK: finding */

static bool
ex_summary(explore *x, const char *arg)
{
    hs_error err;
    hs_summary *s;
    size_t n;
    if (!explore_count_arg(arg, LIST_DEFAULT, &n)) {
        return false;
    }
    if (!(s = hs_summary_new(x->g, &err))) {
        return explore_fail("%s", err.message);
    }
    fprintf(x->out, "%llu object%s, %zu type%s, %llu byte%s\n",
            (unsigned long long)hs_summary_total_count(s),
            cli_s(hs_summary_total_count(s)), hs_summary_types(s),
            cli_s(hs_summary_types(s)),
            (unsigned long long)hs_summary_total_size(s),
            cli_s(hs_summary_total_size(s)));
    fprintf(x->out, "   #    count       size  type\n");
    explore_list_reset(x);
    for (size_t i = 0; i < n && i < hs_summary_types(s); i++) {
        const hs_type_stat *t = hs_summary_at(s, i);
        /* The listing outlives s, whose names are its own copies: keep
         * the graph's name, which lives as long as the session. */
        size_t len;
        const char *name = hs_type_name(x->g, t->type_id, &len);
        fprintf(x->out, "%4zu %8llu %10llu  %.*s\n",
                list_add(x, HS_NO_NODE, name, len),
                (unsigned long long)t->count,
                (unsigned long long)t->total_size, (int)t->type_len,
                t->type);
    }
    hs_summary_free(s);
    return true;
}

/* MARK: why is it alive */

/* The dominator tree of the dump, on first use: read back from beside its
 * snapshot, or computed (a few passes over the edges) and kept there; then
 * kept for the session. */
const hs_dominators *
explore_dominators(explore *x)
{
    hs_error err;
    if (x->dom || (x->dom = cli_tree_stored(x->g, &x->tree))) {
        return x->dom;
    }
    if (!(x->dom = hs_dominators_new(x->g, &err))) {
        explore_fail("%s", err.message);
    } else {
        cli_tree_keep(x->dom, &x->tree);
    }
    return x->dom;
}

/* "retains 1.2 MiB in 4012 objects" */
static void
put_retained(explore *x, const hs_dominators *d, uint32_t id)
{
    char h[32];
    uint64_t n = hs_dominators_retained_count(d, id);
    fprintf(x->out, "retains %s in %llu object%s",
            cli_human_bytes(hs_dominators_retained_size(d, id), h, sizeof(h)),
            (unsigned long long)n, cli_s(n));
}

/* "root (module)", or "under TYPE ADDR as LABEL". */
static void
put_dominator(explore *x, const hs_dominators *d, uint32_t id)
{
    const char *kind = hs_dominators_root_kind(d, id);
    uint32_t dom = hs_dominators_idom(d, id);
    size_t len;
    const char *type;
    char *label;
    if (kind || dom == HS_NO_NODE) {
        fprintf(x->out, "root (%s)", kind ? kind : "?");
        return;
    }
    type = hs_node_type(x->g, dom, &len);
    label = hs_dominators_label(d, id, 40, NULL);
    fprintf(x->out, "under %.*s %llu as %s", (int)len, type,
            (unsigned long long)hs_node_address(x->g, dom),
            label ? label : "?");
    hs_free(label);
}

/* The n objects that retain the most, from the dominator tree. */
static bool
ex_top(explore *x, const char *arg)
{
    const hs_dominators *d;
    hs_error err;
    uint32_t *ids;
    size_t n, count;
    char h[32];
    if (!explore_count_arg(arg, LIST_DEFAULT, &n)
        || !(d = explore_dominators(x))) {
        return false;
    }
    if (hs_dominators_top(d, n, &ids, &count, &err) < 0) {
        return explore_fail("%s", err.message);
    }
    fprintf(x->out, "the %zu object%s that retain the most (of %s):\n",
            count, cli_s(count),
            cli_human_bytes(hs_dominators_total_size(d), h, sizeof(h)));
    explore_list_reset(x);
    for (size_t i = 0; i < count; i++) {
        explore_list_object(x, ids[i], NULL);
        fputs("        ", x->out);
        put_retained(x, d, ids[i]);
        fputs("; ", x->out);
        put_dominator(x, d, ids[i]);
        fputc('\n', x->out);
    }
    hs_free(ids);
    return true;
}

/* The chain of immediate dominators from the current object up. */
static bool
ex_dominators(explore *x, const char *arg)
{
    const hs_dominators *d;
    uint32_t id;
    (void)arg;
    if (!explore_need_current(x) || !(d = explore_dominators(x))) {
        return false;
    }
    fprintf(x->out, "dominators of %llu, from it up to the root:\n",
            (unsigned long long)hs_node_address(x->g, x->cur));
    explore_list_reset(x);
    for (id = x->cur; id != HS_NO_NODE; id = hs_dominators_idom(d, id)) {
        explore_list_object(x, id, NULL);
        fputs("        ", x->out);
        put_retained(x, d, id);
        fputs("; ", x->out);
        put_dominator(x, d, id);
        fputc('\n', x->out);
    }
    return true;
}

static void
put_suspect(explore *x, const hs_leak_suspect *s)
{
    char h[32], words[64];
    explore_list_object(x, s->owner, NULL);
    if (s->grows_in_place) {
        fprintf(x->out, "        grows in place, no new object");
    } else {
        fprintf(x->out, "        holds %llu new object%s (%s)",
                (unsigned long long)s->new_count, cli_s(s->new_count),
                cli_human_bytes(s->new_size, h, sizeof(h)));
    }
    fprintf(x->out, ", %+lld byte%s: %s%s\n        ",
            (long long)s->growth_size,
            cli_s(s->growth_size < 0 ? (uint64_t)0 - (uint64_t)s->growth_size
                                     : (uint64_t)s->growth_size),
            hs_leak_verdict_text(s, 2, words, sizeof(words)),
            s->owner_is_new ? "; itself new" : "");
    fprintf(x->out, "%s\n", s->signature);
}

/* The leak suspects between OLD_DUMP and the dump, their owners
 * numbered. */
static bool
ex_leaks(explore *x, const char *arg)
{
    hs_error err;
    size_t n, shown;
    if (!x->old) {
        return explore_fail(
            "leaks needs an older dump: heapscope explore DUMP "
                    "OLD_DUMP");
    }
    if (!explore_count_arg(arg, 5, &n)) {
        return false;
    }
    if (!x->leaks) {
        const hs_graph *dumps[2] = {x->old, x->g};
        if (!(x->leaks = hs_leaks_new(dumps, 2, NULL, &err))) {
            return explore_fail("%s", err.message);
        }
    }
    shown = hs_leaks_count(x->leaks) < n ? hs_leaks_count(x->leaks) : n;
    explore_list_reset(x);
    if (!shown) {
        fprintf(x->out, "no leak suspect: no object holds 1 %% or more of "
                        "the new objects\n");
        return true;
    }
    fprintf(x->out, "%zu leak suspect%s, most likely first (`go N` goes "
                    "to the owner; two dumps: a third would separate "
                    "growth from turnover):\n", shown, cli_s(shown));
    for (size_t i = 0; i < shown; i++) {
        put_suspect(x, hs_leaks_at(x->leaks, i));
    }
    return true;
}

static bool
ex_all(explore *x, const char *arg)
{
    uint32_t *ids;
    size_t n, type_len, limit;
    hs_error err;
    if (!*arg) {
        return explore_fail("all wants a type name (tab completes them)");
    }
    if (!type_and_count(arg, &type_len, &limit)) {
        return false;
    }
    if (hs_graph_get_all(x->g, arg, type_len, &ids, &n, &err) < 0) {
        return explore_fail("%s", err.message);
    }
    fprintf(x->out, "%zu object%s of type %.*s%s\n", n, cli_s(n),
            (int)type_len, arg, n ? ", largest first:" : "");
    list_objects(x, ids, n, limit);
    hs_free(ids);
    return true;
}

static bool
ex_new(explore *x, const char *arg)
{
    uint32_t *ids;
    size_t n, type_len = 0, limit = LIST_DEFAULT;
    uint64_t bytes = 0;
    hs_error err;
    if (!x->old) {
        return explore_fail("new needs an older dump: heapscope explore DUMP "
                    "OLD_DUMP");
    }
    if (!x->diff && !(x->diff = hs_diff_new(x->old, x->g, &err))) {
        return explore_fail("%s", err.message);
    }
    if (*arg && !type_and_count(arg, &type_len, &limit)) {
        return false;
    }
    if (hs_diff_new_objects(x->diff, *arg ? arg : NULL, type_len, &ids, &n,
                            &err) < 0) {
        return explore_fail("%s", err.message);
    }
    for (size_t i = 0; i < n; i++) {
        bytes += hs_node_size(x->g, ids[i]);
    }
    fprintf(x->out, "%zu new object%s%s%.*s (%llu byte%s)%s\n", n,
            cli_s(n), *arg ? " of type " : "", (int)type_len, arg,
            (unsigned long long)bytes, cli_s(bytes),
            n ? ", largest first:" : "");
    list_objects(x, ids, n, limit);
    hs_free(ids);
    return true;
}

/* Whether id's value or name contains needle. */
static bool
matches(const hs_graph *g, uint32_t id, const char *needle, size_t nlen)
{
    size_t len;
    hs_value_kind kind;
    const char *v = hs_node_value(g, id, &len, &kind);
    if (v && memmem(v, len, needle, nlen)) {
        return true;
    }
    v = hs_node_name(g, id, &len);
    return v && memmem(v, len, needle, nlen);
}

static bool
ex_find(explore *x, const char *arg)
{
    size_t nlen = strlen(arg), found = 0;
    if (!nlen) {
        return explore_fail(
            "find wants the text to look for in values and names");
    }
    explore_list_reset(x);
    for (uint32_t id = 0; id < hs_graph_capacity(x->g); id++) {
        if (hs_node_exists(x->g, id) && matches(x->g, id, arg, nlen)) {
            if (found++ < LIST_DEFAULT) {
                explore_list_object(x, id, NULL);
            }
        }
    }
    if (found > LIST_DEFAULT) {
        fprintf(x->out, "   ... and %zu more\n", found - LIST_DEFAULT);
    }
    fprintf(x->out, "%zu object%s whose value or name contains '%s'\n", found,
            cli_s(found), arg);
    return true;
}

/* MARK: pictures and help */

static bool
write_dot(const char *text, const char *file)
{
    static const char *const argv_svg[] = {"dot", "-Tsvg", "-o", "{out}",
                                           "{in}", NULL};
    static const char *const argv_png[] = {"dot", "-Tpng", "-o", "{out}",
                                           "{in}", NULL};
    const char *ext = cli_file_ext(file);
    if (strcmp(ext, "svg") == 0 || strcmp(ext, "png") == 0) {
        if (!cli_have_program("dot")) {
            return explore_fail(
                "%s: drawing .%s needs Graphviz's dot (Debian: "
                        "graphviz); .dot files need nothing", file, ext);
        }
        return cli_convert_to_file(text, "dot", ext,
                                   ext[0] == 's' ? argv_svg : argv_png, file);
    }
    return cli_write_file(file, text);
}

static bool
ex_dot(explore *x, const char *arg)
{
    hs_near_options no = {HS_NEAR_PARENTS, 3, 50};
    hs_neighbourhood *nb;
    hs_error err;
    char *text;
    size_t count;
    bool ok;
    if (!explore_need_current(x)) {
        return false;
    }
    if (!*arg) {
        return explore_fail(
            "dot wants a file name: FILE.dot, FILE.svg or FILE.png");
    }
    if (!(nb = hs_neighbourhood_new(x->g, x->cur, &no, &err))) {
        return explore_fail("%s", err.message);
    }
    hs_neighbourhood_nodes(nb, &count, NULL);
    text = hs_neighbourhood_dot(nb, &err);
    ok = text && write_dot(text, arg);
    if (ok) {
        fprintf(x->out, "wrote %s: %zu object%s around %llu, parents 3 "
                        "deep\n", arg, count, cli_s(count),
                (unsigned long long)hs_node_address(x->g, x->cur));
    } else if (!text) {
        explore_fail("%s", err.message);
    }
    hs_free(text);
    hs_neighbourhood_free(nb);
    return ok;
}

/* SQL over the dumps (docs/query.md): OLD_DUMP is dump 1 and DUMP dump
 * 2, in run order, so that `new` means what the explorer's `new` does;
 * DUMP alone is dump 1. */
static bool
ex_sql(explore *x, const char *arg)
{
    char why[1024];
    if (!*arg) {
        return explore_fail("sql wants a statement: sql SELECT ...");
    }
    if (!x->query) {
        const hs_graph *dumps[2] = {x->old ? x->old : x->g, x->g};
        const char *files[2] = {x->old ? x->old_path : x->path, x->path};
        hs_error err;
        if (!(x->query = hs_query_new(dumps, files, x->old ? 2 : 1, &err))) {
            return explore_fail("%s", err.message);
        }
    }
    if (!cli_query_run(x->query, "sql", arg, strlen(arg), CLI_FORMAT_TEXT,
                       x->out, false, why, sizeof(why))) {
        return explore_fail("%s", why);
    }
    return true;
}

static bool ex_help(explore *x, const char *arg);

static bool
ex_quit(explore *x, const char *arg)
{
    (void)x;
    (void)arg;
    return true;
}

/* Where the current object was allocated (docs/format.md §7). */
static bool
ex_site(explore *x, const char *arg)
{
    (void)arg;
    if (!explore_need_current(x)) {
        return false;
    }
    if (!hs_graph_has_sites(x->g)) {
        fprintf(x->out, "this dump has no allocation sites (dump the "
                        "process with tracemalloc on)\n");
        return false;
    }
    cli_print_traceback(x->out, x->g, x->cur);
    return false;
}

static const explore_command commands[] = {
    {"summary", NULL, ex_summary, "[N]", "the N biggest types (go N lists one)"},
    {"top", NULL, ex_top, "[N]", "the N objects that retain the most"},
    {"all", NULL, ex_all, "TYPE [N]", "the objects of TYPE, largest first"},
    {"new", NULL, ex_new, "[TYPE] [N]", "objects not in OLD_DUMP (of TYPE)"},
    {"find", NULL, ex_find, "TEXT", "objects whose value or name has TEXT"},
    {"go", NULL, ex_go, "ADDR|N", "go to an address, or line N of the last listing"},
    {"show", NULL, ex_show, "", "the current object: fields, refs, children, parents"},
    {"parents", "p", ex_parents, "", "what refers to the current object"},
    {"children", "c", ex_children, "", "what the current object refers to"},
    {"up", NULL, ex_up, "[N]", "go to the Nth parent (default 1)"},
    {"back", NULL, ex_back, "", "go back in the history"},
    {"forward", NULL, ex_forward, "", "go forward in the history"},
    {"path", NULL, ex_path, "", "the shortest path from a root to here"},
    {"site", NULL, ex_site, "", "where the current object was allocated (tracemalloc)"},
    {"sites", NULL, explore_sites, "", "where the last listing's objects were allocated"},
    {"dominators", "dom", ex_dominators, "", "what keeps here alive: its chain of dominators"},
    {"tree", NULL, explore_tree, "", "the dominator tree below here (or the roots), numbered"},
    {"expand", NULL, explore_expand, "N", "open line N of the last tree and show it again"},
    {"fold", NULL, explore_fold, "N", "close line N of the last tree and show it again"},
    {"leaks", NULL, ex_leaks, "[N]", "leak suspects since OLD_DUMP (go N: the owner)"},
    {"refs", NULL, ex_refs, "", "the current object's refs as a dict"},
    {"dot", NULL, ex_dot, "FILE", "draw what refers to here (.dot, .svg, .png)"},
    {"sql", NULL, ex_sql, "SELECT ...", "SQL over the dumps (docs/query.md)"},
    {"help", NULL, ex_help, "[COMMAND]", "this list, or one command"},
    {"quit", "exit", ex_quit, "", "leave (so does end of input)"},
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

const char *const explore_command_names[] = {
    "summary", "top", "all", "new", "find", "go", "show", "parents", "p",
    "children", "c", "up", "back", "forward", "path", "site", "sites",
    "dominators",
    "dom", "tree", "expand", "fold", "leaks", "refs", "dot", "sql", "help",
    "quit", "exit", NULL};

static const explore_command *
find_command(const char *name, size_t len)
{
    for (size_t i = 0; i < NCOMMANDS; i++) {
        const explore_command *c = &commands[i];
        if ((strlen(c->name) == len && memcmp(c->name, name, len) == 0)
            || (c->alias && strlen(c->alias) == len
                && memcmp(c->alias, name, len) == 0)) {
            return c;
        }
    }
    return NULL;
}

static void
help_line(explore *x, const explore_command *c)
{
    char usage[64];
    snprintf(usage, sizeof(usage), "%s%s%s%s%s", c->name,
             c->alias ? "|" : "", c->alias ? c->alias : "",
             c->args[0] ? " " : "", c->args);
    fprintf(x->out, "  %-20s %s\n", usage, c->summary);
}

static bool
ex_help(explore *x, const char *arg)
{
    const explore_command *c;
    if (*arg) {
        if (!(c = find_command(arg, strlen(arg)))) {
            return explore_fail("no command '%s' (help lists them)", arg);
        }
        help_line(x, c);
        return true;
    }
    fprintf(x->out, "Commands (a listing numbers its lines: `go N` goes to "
                    "line N):\n");
    for (size_t i = 0; i < NCOMMANDS; i++) {
        help_line(x, &commands[i]);
    }
    return true;
}

bool
explore_run(explore *x, char *line, bool *quit)
{
    size_t start = strspn(line, " \t"), len, end;
    const explore_command *c;
    char *arg;
    line += start;
    len = strcspn(line, " \t");
    if (len == 0 || line[0] == '#') {
        return true;
    }
    c = find_command(line, len);
    if (!c) {
        return explore_fail(
            "unknown command '%.*s' (help lists them)", (int)len,
                    line);
    }
    arg = line + len + strspn(line + len, " \t");
    end = strlen(arg);
    while (end && (arg[end - 1] == ' ' || arg[end - 1] == '\t')) {
        arg[--end] = '\0';
    }
    *quit = c->fn == ex_quit;
    return c->fn(x, arg);
}
