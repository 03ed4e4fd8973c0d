/*
 * cli/cmd_leaks.c - `heapscope leaks DUMP1 DUMP2 [DUMP3...]`: the leak
 * report. Who owns the objects that are new and stay, and does it grow.
 */
#include "cli.h"
#include "cli_leak_gate.h"
#include "cli_memory.h"
#include "cli_node.h"
#include "cli_path.h"
#include "cli_retained.h"
#include "cli_series.h"
#include "cli_trees.h"
#include "cli_treestore.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_leaks_usage[] =
    "usage: heapscope leaks [options] DUMP1 DUMP2 [DUMP3...]\n"
    "\n"
    "The leak report, for two or more dumps of one process taken in that\n"
    "order. The candidates are the objects new in DUMP2 (not in DUMP1) that\n"
    "are still alive in the last dump; with two dumps, every new object.\n"
    "Their owners are the objects that keep them alive (in the last dump's\n"
    "dominator tree) and under which they spread out: a cache dict, a\n"
    "listener list, a deque of log events; new objects that each hold 1 %\n"
    "or more and stopped growing (requests with their buffers) are grouped\n"
    "under the container that holds them. Each owner is judged on its\n"
    "retained objects in every dump (found by address, or by its place\n"
    "when it was re-created): it grows at every dump (its object count rose\n"
    "in every interval), grew (in some intervals only, or over two dumps),\n"
    "or is bounded (flat or falling after dump 2: turnover, not growth).\n"
    "Suspects are ranked by that verdict, then by the bytes they gained.\n"
    "For each suspect: the verdict with the objects and bytes of every\n"
    "interval, what the growth is made of, the path from a root to the\n"
    "owner, one sample of the new objects, and a signature (the path as\n"
    "types and labels) that stays the same from run to run, for CI.\n"
    "Three dumps or more are needed to tell growth from turnover.\n"
    "Dumps whose headers name different processes are refused; dumps out\n"
    "of run order (by their header times) are put in order.\n"
    "\n"
    "Options:\n"
    "  --top N            show N suspects (default 5)\n"
    "  --types N          show N types of what each growth is made of\n"
    "                     (default 5)\n"
    "  --json             JSON: the dumps, the candidates and every suspect\n"
    "                     with all of the above\n"
    "  --fail-on-growth   exit with status 3 when a suspect grows at every\n"
    "                     dump by --min-growth objects or more an interval\n"
    "  --min-growth N     the growth in objects an interval under which a\n"
    "                     suspect never fails (default 10)\n"
    "  --ignore PATTERN   drop suspects whose owner's type is PATTERN or\n"
    "                     whose signature matches it as a glob (repeatable)\n"
    "  --baseline FILE    drop suspects whose signature is a line of FILE\n"
    CLI_SERIES_HELP
    CLI_LOAD_HELP
    "\n"
    "Every dump is loaded with the same options.\n"
    "\n"
    "Exit status: 0 the report was made (whether or not it found a leak),\n"
    "1 a dump or the baseline could not be read or the dumps cannot be\n"
    "compared, 2 bad usage, 3 with --fail-on-growth: a suspect that is not\n"
    "known grows at every dump.\n";

enum {
    OPT_TOP = OPT_FIRST_COMMAND_OPTION,
    OPT_TYPES,
    OPT_JSON,
    OPT_FAIL,
    OPT_MIN_GROWTH,
    OPT_IGNORE,
    OPT_BASELINE,
    OPT_ALLOW_MIXED
};

#define MAX_DUMPS 64
/* A sample is one line of a suspect: this many keys or children say
 * what the object is, the rest is counted ("... N more"). */
#define SAMPLE_ITEMS 8

/* Suspects asked of the library beyond --top, so that known ones
 * dropped still leave --top to show, and the verdict sees past them. */
#define EXTRA_SUSPECTS 40

typedef struct leaks_opts {
    uint64_t top, types;
    bool json, allow_mixed, reordered;
    cli_leak_gate gate;
} leaks_opts;

/* The suspects to report: the library's, less the known ones. */
typedef struct shown {
    const hs_leak_suspect **s;
    size_t n, known;
    bool fails;
} shown;

/* MARK: pieces */

static long long
ll(int64_t v)
{
    return (long long)v;
}

/* |v|, for singular or plural. */
static uint64_t
magnitude(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

/* MARK: text */

static void
text_header(char **paths, const hs_graph *const *g, size_t n,
            const hs_leaks *l, const leaks_opts *o, const shown *sh)
{
    char h[32];
    uint64_t bytes, count;
    printf("Leak report over %zu dumps of one process, in run order%s:\n", n,
           o->reordered ? " (put in order by their header times)" : "");
    for (size_t i = 0; i < n; i++) {
        const hs_dominators *d = hs_leaks_dominators(l, i);
        printf("  %zu  %s: %llu object%s, %s\n", i + 1, paths[i],
               (unsigned long long)hs_graph_count(g[i]),
               cli_s(hs_graph_count(g[i])),
               cli_human_bytes(hs_dominators_total_size(d), h, sizeof(h)));
    }
    cli_memory_growth(g[0], g[n - 1], n, NULL);
    count = hs_leaks_new_objects(l, &bytes);
    printf("New since dump 1 and alive in dump %zu: %llu object%s, %s\n", n,
           (unsigned long long)count, cli_s(count),
           cli_human_bytes(bytes, h, sizeof(h)));
    count = hs_leaks_candidates(l, &bytes);
    if (n > 2) {
        printf("Of which already alive in dump 2 (the candidates): %llu "
               "object%s, %s\n",
               (unsigned long long)count, cli_s(count),
               cli_human_bytes(bytes, h, sizeof(h)));
    }
    if (n == 2) {
        printf("Two dumps: a third would separate growth from turnover (a "
               "bounded cache's entries also outlive one dump).\n");
    }
    if (sh->known) {
        printf("Known suspects dropped (--ignore, --baseline): %zu\n",
               sh->known);
    }
    if (!hs_leaks_count(l)) {
        printf("\nNo suspect: no object holds 1 %% or more of the new objects "
               "that stay.\n");
    }
}

static void
text_intervals(const hs_leak_suspect *s, size_t n)
{
    char h[32];
    printf("  per interval:");
    for (size_t i = 0; i + 1 < n; i++) {
        int64_t dc = (int64_t)s->retained_count[i + 1]
                     - (int64_t)s->retained_count[i];
        int64_t db = (int64_t)s->retained_size[i + 1]
                     - (int64_t)s->retained_size[i];
        printf("%s %zu->%zu %+lld object%s, %s%s (kept %llu of %llu)",
               i ? ";" : "", i + 1, i + 2, ll(dc), cli_s(magnitude(dc)),
               db < 0 ? "-" : "+",
               cli_human_bytes(magnitude(db), h, sizeof(h)),
               (unsigned long long)s->kept_count[i],
               (unsigned long long)s->retained_count[i]);
    }
    putchar('\n');
}

static void
text_series(const hs_leak_suspect *s, size_t n)
{
    char h[32];
    printf("  retained per dump:");
    for (size_t i = 0; i < n; i++) {
        if (s->ids[i] == HS_NO_NODE) {
            printf("%s -", i ? "," : "");
        } else {
            printf("%s %s (%llu object%s)", i ? "," : "",
                   cli_human_bytes(s->retained_size[i], h, sizeof(h)),
                   (unsigned long long)s->retained_count[i],
                   cli_s(s->retained_count[i]));
        }
    }
    putchar('\n');
}

static void
text_path(const hs_graph *g, const hs_leak_suspect *s)
{
    char *expr;
    if (!s->path_len) {
        printf("  path: no root reaches it (garbage, or held by a cycle "
               "from C)\n");
        return;
    }
    expr = cli_path_expression(g, s->path, s->path_len);
    printf("  path: %s\n", expr);
    hs_free(expr);
    cli_path_print_steps(g, s->path, s->path_len, "    ");
}

static void
text_sample(const hs_graph *g, uint32_t id)
{
    hs_error err = {0};
    char *line;
    if (id == HS_NO_NODE) {
        return;
    }
    printf("  sample: ");
    cli_print_repr(g, id, 0, CLI_PREVIEW);
    putchar('\n');
    line = hs_node_refs_line(g, id, SAMPLE_ITEMS, CLI_PREVIEW, &err);
    if (!line) {
        cli_die_oom();
    }
    if (*line) {
        printf("    %s\n", line);
    }
    hs_free(line);
}

/* The allocating lines of the new objects (dumps with sites). */
static void
text_sites(const hs_leak_suspect *s, uint64_t max)
{
    size_t n = s->nsites < (size_t)max ? s->nsites : (size_t)max;
    char h[32];
    if (n == 0) {
        return;
    }
    printf("  allocated at (share of the new objects' bytes):\n");
    for (size_t k = 0; k < n; k++) {
        const hs_leak_site *st = &s->sites[k];
        printf("    %3llu%%  %.*s:%u: %llu object%s, %s\n",
               (unsigned long long)(s->sites_base_size
                                        ? st->size * 100 / s->sites_base_size
                                        : 0),
               (int)st->file_len, st->file, st->line,
               (unsigned long long)st->count, cli_s(st->count),
               cli_human_bytes(st->size, h, sizeof(h)));
    }
}

static void
text_suspect(const hs_graph *g, const hs_leaks *l, const shown *sh, size_t i,
             const leaks_opts *o)
{
    const hs_leak_suspect *s = sh->s[i];
    size_t n = hs_leaks_dumps(l), nt = s->ntypes;
    char h[32], words[64];
    size_t tlen;
    const char *type = hs_node_type(g, s->owner, &tlen);
    if (s->verdict == HS_LEAK_BOUNDED
        && (i == 0 || sh->s[i - 1]->verdict != HS_LEAK_BOUNDED)) {
        printf("\nBounded (turnover, not growth): these hold new objects "
               "that stay, but after dump %d their object count did not "
               "rise, or rose by less than they let go of (turnover).\n", n > 2 ? 2 : 1);
    }
    printf("\nSuspect %zu: %.*s %llu: %s%s\n", i + 1, (int)tlen, type,
           (unsigned long long)hs_node_address(g, s->owner),
           hs_leak_verdict_text(s, n, words, sizeof(words)),
           s->owner_is_new ? " (itself new since dump 1)" : "");
    if (s->recreated) {
        printf("  re-created between dumps: found in earlier dumps by its "
               "place under its referrer\n");
    }
    if (s->items) {
        printf("  holds %llu item%s that %s 1 %% or more of the new "
               "objects and stopped growing, grouped here\n",
               (unsigned long long)s->items, cli_s(s->items),
               s->items == 1 ? "retains" : "each retain");
    }
    if (s->grows_in_place) {
        printf("  %s; %+lld object%s, ",
               s->recreated ? "grows by replacement: holds no new object, "
                              "a larger one took its place at every interval"
                            : "grows in place: holds no new object, its own "
                              "size rose at every interval",
               ll(s->growth_count), cli_s(magnitude(s->growth_count)));
    } else {
        printf("  holds %llu new object%s that stay%s, %s; %+lld object%s, ",
               (unsigned long long)s->new_count, cli_s(s->new_count),
               s->new_count == 1 ? "s" : "",
               cli_human_bytes(s->new_size, h, sizeof(h)),
               ll(s->growth_count), cli_s(magnitude(s->growth_count)));
    }
    printf("%+lld byte%s from dump 1 to %zu\n", ll(s->growth_size),
           cli_s(magnitude(s->growth_size)), n);
    text_intervals(s, n);
    text_series(s, n);
    printf("  made of:%s", s->grows_in_place ? " itself" : "");
    nt = o->types < nt ? (size_t)o->types : nt;
    for (size_t t = 0; t < nt; t++) {
        printf("%s %llu %.*s (%s)", t ? "," : "",
               (unsigned long long)s->types[t].count,
               (int)s->types[t].type_len, s->types[t].type,
               cli_human_bytes(s->types[t].size, h, sizeof(h)));
    }
    printf("%s\n", s->ntypes > nt ? ", ..." : "");
    text_sites(s, o->types);
    text_path(g, s);
    text_sample(g, s->sample);
    printf("  signature: %s\n", s->signature);
}

/* MARK: JSON */

/* {"objects": N, "size": B} under key. */
static void
json_count(cli_json *w, const char *key, uint64_t objects, uint64_t size)
{
    cli_json_key(w, key);
    cli_json_object(w);
    cli_json_key_u64(w, "objects", objects);
    cli_json_key_u64(w, "size", size);
    cli_json_end_object(w);
}

static void
json_types(cli_json *w, const hs_leak_suspect *s, size_t max)
{
    size_t nt = max < s->ntypes ? max : s->ntypes;
    cli_json_key(w, "types");
    cli_json_array(w);
    for (size_t t = 0; t < nt; t++) {
        cli_json_object(w);
        cli_json_key_str(w, "type", s->types[t].type, s->types[t].type_len);
        cli_json_key_u64(w, "count", s->types[t].count);
        cli_json_key_u64(w, "size", s->types[t].size);
        cli_json_end_object(w);
    }
    cli_json_end_array(w);
}

static void
json_series(cli_json *w, const hs_graph *const *g, const hs_leak_suspect *s,
            size_t n)
{
    cli_json_key(w, "per_dump");
    cli_json_array(w);
    for (size_t i = 0; i < n; i++) {
        cli_json_object(w);
        cli_json_key_u64(w, "dump", i + 1);
        cli_json_key(w, "address");
        if (s->ids[i] == HS_NO_NODE) {
            cli_json_null(w);
        } else {
            cli_json_u64(w, hs_node_address(g[i], s->ids[i]));
        }
        cli_json_key_u64(w, "retained_size", s->retained_size[i]);
        cli_json_key_u64(w, "retained_count", s->retained_count[i]);
        cli_json_end_object(w);
    }
    cli_json_end_array(w);
}

static void
json_path(cli_json *w, const hs_graph *g, const hs_leak_suspect *s)
{
    cli_json_break(w, "\n   ");
    cli_json_key(w, "path");
    if (!s->path_len) {
        cli_json_null(w);
        return;
    }
    cli_json_object(w);
    cli_path_json(w, g, s->path, s->path_len);
    cli_json_end_object(w);
}

static void
json_sample(cli_json *w, const hs_graph *g, uint32_t id)
{
    hs_ref_item *items;
    size_t n;
    hs_error err = {0};
    cli_json_break(w, "\n   ");
    cli_json_key(w, "sample");
    if (id == HS_NO_NODE) {
        cli_json_null(w);
        return;
    }
    cli_json_object(w);
    cli_node_json_fields(w, g, id);
    cli_json_key(w, "value");
    cli_node_json_value(w, g, id);
    if (hs_node_refs_as_dict(g, id, &items, &n, &err) < 0) {
        if (err.code == HS_ENOMEM) {
            cli_die_oom();
        }
        cli_json_key_null(w, "refs_as_dict");
        cli_json_key_cstr(w, "refs_as_dict_error", err.message);
        cli_json_end_object(w);
        return;
    }
    cli_json_key(w, "refs_as_dict");
    cli_node_json_ref_items(w, g, items, n, NULL, NULL);
    cli_json_end_object(w);
    hs_free(items);
}

static void
json_intervals(cli_json *w, const hs_leak_suspect *s, size_t n)
{
    cli_json_break(w, "\n   ");
    cli_json_key(w, "intervals");
    cli_json_array(w);
    for (size_t i = 0; i + 1 < n; i++) {
        cli_json_object(w);
        cli_json_key_u64(w, "from", i + 1);
        cli_json_key_u64(w, "to", i + 2);
        cli_json_key_i64(w, "objects", (int64_t)s->retained_count[i + 1]
                                       - (int64_t)s->retained_count[i]);
        cli_json_key_i64(w, "bytes", (int64_t)s->retained_size[i + 1]
                                     - (int64_t)s->retained_size[i]);
        cli_json_key_u64(w, "kept", s->kept_count[i]);
        cli_json_end_object(w);
    }
    cli_json_end_array(w);
}

/* "sites": null without sites, else the allocating lines. */
static void
json_sites(cli_json *w, const hs_leak_suspect *s, size_t max)
{
    size_t n = s->nsites < max ? s->nsites : max;
    cli_json_break(w, "\n   ");
    cli_json_key(w, "sites");
    if (!s->sites) {
        cli_json_null(w);
        return;
    }
    cli_json_object(w);
    cli_json_key_u64(w, "base_size", s->sites_base_size);
    cli_json_key(w, "lines");
    cli_json_array(w);
    for (size_t k = 0; k < n; k++) {
        cli_json_object(w);
        cli_json_key_str(w, "file", s->sites[k].file, s->sites[k].file_len);
        cli_json_key_u64(w, "line", s->sites[k].line);
        cli_json_key_u64(w, "count", s->sites[k].count);
        cli_json_key_u64(w, "size", s->sites[k].size);
        cli_json_end_object(w);
    }
    cli_json_end_array(w);
    cli_json_end_object(w);
}

static void
json_suspect(cli_json *w, const hs_graph *const *g, const hs_leaks *l,
             const shown *sh, size_t i, const leaks_opts *o)
{
    const hs_leak_suspect *s = sh->s[i];
    size_t n = hs_leaks_dumps(l);
    const hs_graph *last = g[n - 1];
    char words[64];
    cli_json_break(w, "\n  ");
    cli_json_object(w);
    cli_json_key_u64(w, "rank", i + 1);
    cli_json_key(w, "owner");
    cli_json_object(w);
    cli_node_json_fields(w, last, s->owner);
    cli_json_end_object(w);
    cli_json_key_bool(w, "owner_is_new", s->owner_is_new);
    cli_json_break(w, "\n   ");
    cli_json_key_u64(w, "new_objects", s->new_count);
    cli_json_key_u64(w, "new_size", s->new_size);
    cli_json_key_i64(w, "growth_count", s->growth_count);
    cli_json_key_i64(w, "growth_size", s->growth_size);
    cli_json_key_bool(w, "growing", s->growing);
    cli_json_break(w, "\n   ");
    cli_json_key_cstr(w, "verdict", hs_leak_verdict_key(s->verdict));
    cli_json_key_cstr(w, "verdict_text",
                      hs_leak_verdict_text(s, n, words, sizeof(words)));
    cli_json_key_u64(w, "intervals_grown", s->intervals_grown);
    cli_json_key_i64(w, "min_interval_growth", s->min_interval_growth);
    cli_json_key_bool(w, "recreated", s->recreated);
    cli_json_key_bool(w, "grows_in_place", s->grows_in_place);
    cli_json_key_u64(w, "items", s->items);
    cli_json_key_bool(w, "fails", cli_leak_gate_fails(&o->gate, s, n));
    json_intervals(w, s, n);
    json_series(w, g, s, n);
    json_types(w, s, (size_t)o->types);
    json_sites(w, s, (size_t)o->types);
    json_path(w, last, s);
    json_sample(w, last, s->sample);
    cli_json_break(w, "\n   ");
    cli_json_key_cstr(w, "signature", s->signature);
    cli_json_end_object(w);
}

static void
print_json(char **paths, const hs_graph *const *g, size_t n,
           const hs_leaks *l, const leaks_opts *o, const shown *sh)
{
    uint64_t bytes, count;
    size_t ns = sh->n;
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_key(&w, "dumps");
    cli_json_array(&w);
    for (size_t i = 0; i < n; i++) {
        cli_json_object(&w);
        cli_json_key_u64(&w, "dump", i + 1);
        cli_json_key_cstr(&w, "path", paths[i]);
        cli_json_key_u64(&w, "objects", hs_graph_count(g[i]));
        cli_json_key_u64(&w, "size",
                         hs_dominators_total_size(hs_leaks_dominators(l, i)));
        cli_json_end_object(&w);
    }
    cli_json_end_array(&w);
    count = hs_leaks_new_objects(l, &bytes);
    cli_json_break(&w, "\n ");
    json_count(&w, "new", count, bytes);
    count = hs_leaks_candidates(l, &bytes);
    json_count(&w, "candidates", count, bytes);
    cli_json_break(&w, "\n ");
    cli_json_key_bool(&w, "run_order_from_headers", o->reordered);
    cli_json_key_bool(&w, "third_dump_needed", n == 2);
    cli_json_key_u64(&w, "known_dropped", sh->known);
    cli_json_key_u64(&w, "min_growth", o->gate.min_growth);
    cli_json_key_bool(&w, "fails", sh->fails);
    cli_memory_growth(g[0], g[n - 1], n, &w);
    cli_json_break(&w, "\n ");
    cli_json_key(&w, "suspects");
    cli_json_array(&w);
    ns = o->top < ns ? (size_t)o->top : ns;
    for (size_t i = 0; i < ns; i++) {
        json_suspect(&w, g, l, sh, i, o);
    }
    cli_json_break(&w, "\n ");
    cli_json_end_array(&w);
    cli_json_end_object(&w);
}

/* MARK: the command */

static int
parse_options(int argc, char **argv, cli_load *load, leaks_opts *o)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, OPT_TOP},
        {"types", required_argument, NULL, OPT_TYPES},
        {"json", no_argument, NULL, OPT_JSON},
        {"fail-on-growth", no_argument, NULL, OPT_FAIL},
        {"min-growth", required_argument, NULL, OPT_MIN_GROWTH},
        {"ignore", required_argument, NULL, OPT_IGNORE},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"allow-mixed", no_argument, NULL, OPT_ALLOW_MIXED},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt;
    while ((opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        switch (opt) {
        case OPT_JSON: o->json = true; break;
        case OPT_FAIL: o->gate.fail_on_growth = true; break;
        case OPT_ALLOW_MIXED: o->allow_mixed = true; break;
        case OPT_IGNORE:
            if (o->gate.nignore == CLI_LEAK_GATE_MAX_IGNORE) {
                return cli_usage_error("at most %d --ignore patterns",
                                       CLI_LEAK_GATE_MAX_IGNORE);
            }
            o->gate.ignore[o->gate.nignore++] = optarg;
            break;
        case OPT_BASELINE:
            if (!cli_leak_gate_read_baseline(&o->gate, optarg)) {
                return HS_EXIT_FAILURE;
            }
            break;
        case OPT_MIN_GROWTH:
            if (cli_range_option("min-growth", optarg, 1, UINT32_MAX,
                                 &o->gate.min_growth)
                != HS_EXIT_OK) {
                return HS_EXIT_USAGE;
            }
            break;
        case OPT_TOP:
        case OPT_TYPES:
            if (cli_range_option(opt == OPT_TOP ? "top" : "types", optarg, 1,
                                 1000, opt == OPT_TOP ? &o->top : &o->types)
                != HS_EXIT_OK) {
                return HS_EXIT_USAGE;
            }
            break;
        default:
            return cli_bad_option(argv);
        }
    }
    if (argc - optind < 2) {
        return cli_usage_error("the leak report needs two dumps or more, in "
                               "run order");
    }
    if (argc - optind > MAX_DUMPS) {
        return cli_usage_error("at most %d dumps", MAX_DUMPS);
    }
    return HS_EXIT_OK;
}

/* The library's suspects less the known ones, and the build's verdict
 * over all of them (not only those --top shows). */
static void
select_shown(const hs_leaks *l, const hs_graph *last, const leaks_opts *o,
             shown *sh)
{
    size_t n = hs_leaks_count(l);
    sh->s = cli_check_alloc(calloc(n + 1, sizeof(*sh->s)));
    for (size_t i = 0; i < n; i++) {
        const hs_leak_suspect *s = hs_leaks_at(l, i);
        if (cli_leak_gate_known(&o->gate, last, s)) {
            sh->known++;
            continue;
        }
        sh->s[sh->n++] = s;
        sh->fails |= cli_leak_gate_fails(&o->gate, s, hs_leaks_dumps(l));
    }
}

/* Keeps the trees hs_leaks_new computed (those not given in trees[]),
 * for the next command on the same snapshots. */
static void
keep_trees(const hs_leaks *l, hs_dominators *const *trees,
           const hs_tree_store *const *stores, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!trees[i]) {
            cli_tree_keep(hs_leaks_dominators(l, i), stores[i]);
        }
    }
}

static int
run(char **paths, const hs_graph *const *g, hs_dominators *const *trees,
    const hs_tree_store *const *stores, size_t n, const leaks_opts *o)
{
    hs_leak_options lo = {(size_t)o->top + EXTRA_SUSPECTS, (size_t)o->types,
                          trees};
    hs_error err = {0};
    hs_leaks *l = hs_leaks_new(g, n, &lo, &err);
    shown sh = {NULL, 0, 0, false};
    size_t ns;
    if (!l) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    keep_trees(l, trees, stores, n);
    select_shown(l, g[n - 1], o, &sh);
    ns = o->top < sh.n ? (size_t)o->top : sh.n;
    if (o->json) {
        print_json(paths, g, n, l, o, &sh);
    } else {
        text_header(paths, g, n, l, o, &sh);
        for (size_t i = 0; i < ns; i++) {
            text_suspect(g[n - 1], l, &sh, i, o);
        }
        if (o->gate.fail_on_growth) {
            printf("\n%s\n", sh.fails
                                  ? "Fails: a suspect grows at every dump "
                                    "(--fail-on-growth: exit status 3)."
                                  : "Passes: no suspect grows at every dump "
                                    "by the --min-growth floor.");
        }
    }
    hs_leaks_free(l);
    free(sh.s);
    return o->gate.fail_on_growth && sh.fails ? HS_EXIT_GROWTH : HS_EXIT_OK;
}

int
cmd_leaks(int argc, char **argv)
{
    leaks_opts o = {5, 5, false, false, false, {{NULL}, 0, NULL, 0, 0, false}};
    cli_load load;
    hs_graph *g[MAX_DUMPS];
    hs_dominators *trees[MAX_DUMPS];
    hs_tree_store stores[MAX_DUMPS];
    size_t n = 0;
    int rc;
    cli_load_init(&load);
    cli_leak_gate_init(&o.gate);
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        cli_leak_gate_release(&o.gate);
        return rc;
    }
    n = cli_trees_load(argv + optind, (size_t)(argc - optind), &load, g,
                       trees, stores);
    rc = n == (size_t)(argc - optind) ? HS_EXIT_OK : HS_EXIT_FAILURE;
    if (rc == HS_EXIT_OK
        && !cli_series_same_process(argv + optind,
                                    (const hs_graph *const *)g, n,
                                    o.allow_mixed)) {
        rc = HS_EXIT_FAILURE;
    }
    if (rc == HS_EXIT_OK) {
        const hs_graph *order[MAX_DUMPS];
        hs_dominators *ordered_trees[MAX_DUMPS];
        const hs_tree_store *ordered_stores[MAX_DUMPS];
        memcpy(order, g, n * sizeof(*g));
        o.reordered = cli_series_run_order(argv + optind, order, n);
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < n; k++) {
                if (g[k] == order[i]) {
                    ordered_trees[i] = trees[k];
                    ordered_stores[i] = &stores[k];
                }
            }
        }
        rc = run(argv + optind, order, ordered_trees, ordered_stores, n, &o);
    }
    for (size_t i = 0; i < n; i++) {
        hs_dominators_free(trees[i]);
        hs_graph_free(g[i]);
    }
    cli_leak_gate_release(&o.gate);
    return rc;
}
