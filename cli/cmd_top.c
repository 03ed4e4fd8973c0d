/*
 * cli/cmd_top.c - `heapscope top`: the objects (or types) that retain
 * the most memory, from the dominator tree.
 */
#include "cli.h"
#include "cli_domtree.h"
#include "cli_node.h"
#include "cli_retained.h"
#include "cli_site.h"
#include "cli_table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_top_usage[] =
    "usage: heapscope top [options] DUMP\n"
    "\n"
    "The objects that retain the most memory. An object retains itself and\n"
    "everything that only it keeps alive (what it dominates: every path\n"
    "from a root to those objects passes through it), so freeing it would\n"
    "free its retained size. Each line gives the object's repr (type,\n"
    "address, shallow size, value or name), its retained bytes and objects,\n"
    "and how it hangs under its immediate dominator (\"under LogObserver\n"
    "1407... as .history\"); `heapscope dominators DUMP ADDR` goes from\n"
    "there. Roots are those of `heapscope path`: modules, objects without\n"
    "parents, and what only the dumper's own frames refer to (which\n"
    "dominate nothing).\n"
    "\n"
    "Options:\n"
    "  --top N            show N objects or types (default 20; 0: all)\n"
    "  --by-type          retained size per type, each object counted once:\n"
    "                     what the type's instances keep alive, not counting\n"
    "                     instances inside other instances (Eclipse MAT's\n"
    "                     retained size of a class)\n"
    "  --by-site          the same per allocation site (dumps of a process\n"
    "                     tracing with tracemalloc): what the objects each\n"
    "                     line allocated keep alive\n"
    "  --tree             the dominator tree itself, indented: each object\n"
    "                     under its immediate dominator with the refs it\n"
    "                     hangs by, largest first\n"
    "  --depth N          --tree: levels below the roots (default 4);\n"
    "                     --by-site: a site is the last N frames (default 1)\n"
    "  --min-share P      --tree: merge the objects that retain less than P\n"
    "                     percent of the heap into one \"N smaller\" line\n"
    "                     per list (default 1)\n"
    "  --json             JSON: totals and rows, with dominators and labels\n"
    "  --csv              CSV: one row per object or type\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok, 1 the dump could not be read, 2 bad usage.\n";

enum { OPT_BY_TYPE = CLI_OPT_TABLE_END, OPT_BY_SITE, OPT_TREE, OPT_DEPTH,
       OPT_MIN_SHARE };

typedef struct top_opts {
    cli_table table;
    bool by_type;
    bool by_site;
    bool depth_given;
    bool tree;
    cli_domtree_opts tree_opts;
} top_opts;

static double
pct(uint64_t part, uint64_t whole)
{
    return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

/* MARK: objects */

static void
objects_text(const hs_graph *g, const hs_dominators *d, const uint32_t *ids,
             size_t n)
{
    uint64_t total = hs_dominators_total_size(d);
    printf("%6s %12s %6s %9s  %s\n", "Index", "Retained", "%", "Objects",
           "Object");
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        printf("%6zu %12llu %6.1f %9llu  ", i,
               (unsigned long long)hs_dominators_retained_size(d, id),
               pct(hs_dominators_retained_size(d, id), total),
               (unsigned long long)hs_dominators_retained_count(d, id));
        cli_print_repr(g, id, 0, CLI_PREVIEW);
        printf("\n%38s", "");
        cli_print_dominator(d, g, id);
        putchar('\n');
    }
}

static void
objects_json(cli_json *w, const hs_graph *g, const hs_dominators *d,
             const uint32_t *ids, size_t n)
{
    uint64_t total = hs_dominators_total_size(d);
    cli_json_key(w, "objects");
    cli_json_array(w);
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i];
        cli_json_break(w, "\n  ");
        cli_json_object(w);
        cli_json_key_u64(w, "index", i);
        cli_node_json_fields(w, g, id);
        cli_json_key(w, "value");
        cli_node_json_value(w, g, id);
        cli_json_key_u64(w, "retained_size",
                         hs_dominators_retained_size(d, id));
        cli_json_key_u64(w, "retained_count",
                         hs_dominators_retained_count(d, id));
        cli_json_key_double(w, "retained_pct",
                            pct(hs_dominators_retained_size(d, id), total),
                            4);
        cli_retained_json_dominator(w, d, g, id);
        cli_json_end_object(w);
    }
    cli_json_break(w, "\n ");
    cli_json_end_array(w);
    cli_json_end_object(w);
}

static void
objects_csv(const hs_graph *g, const hs_dominators *d, const uint32_t *ids,
            size_t n)
{
    printf("index,address,type,size,retained_size,retained_count,"
           "dominator_address,label\n");
    for (size_t i = 0; i < n; i++) {
        uint32_t id = ids[i], dom = hs_dominators_idom(d, id);
        size_t len;
        const char *type = hs_node_type(g, id, &len);
        char *label = hs_dominators_label(d, id, 0, NULL);
        printf("%zu,%llu,", i, (unsigned long long)hs_node_address(g, id));
        cli_csv_field(type, len);
        printf(",%llu,%llu,%llu,", (unsigned long long)hs_node_size(g, id),
               (unsigned long long)hs_dominators_retained_size(d, id),
               (unsigned long long)hs_dominators_retained_count(d, id));
        if (dom != HS_NO_NODE) {
            printf("%llu", (unsigned long long)hs_node_address(g, dom));
        }
        putchar(',');
        cli_csv_field(label ? label : "", label ? strlen(label) : 0);
        putchar('\n');
        hs_free(label);
    }
}

static int
top_objects(const char *path, const hs_graph *g, const hs_dominators *d,
            const top_opts *o)
{
    uint32_t *ids;
    size_t n;
    hs_error err = {0};
    if (hs_dominators_top(d, cli_table_rows(&o->table, SIZE_MAX), &ids, &n,
                          &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    if (o->table.format == CLI_FORMAT_JSON) {
        cli_json w;
        cli_json_init(&w, stdout);
        cli_print_dominator_totals(path, g, d, &w);
        objects_json(&w, g, d, ids, n);
    } else if (o->table.format == CLI_FORMAT_CSV) {
        objects_csv(g, d, ids, n);
    } else {
        cli_print_dominator_totals(path, g, d, NULL);
        objects_text(g, d, ids, n);
    }
    hs_free(ids);
    return HS_EXIT_OK;
}

/* MARK: types */

static void
types_text(const hs_dominators *d, const hs_retained_type *rows, size_t n)
{
    uint64_t total = hs_dominators_total_size(d);
    printf("%6s %12s %6s %9s %9s %12s  %s\n", "Index", "Retained", "%",
           "Objects", "Count", "Shallow", "Kind");
    for (size_t i = 0; i < n; i++) {
        const hs_retained_type *r = &rows[i];
        printf("%6zu %12llu %6.1f %9llu %9llu %12llu  %.*s\n", i,
               (unsigned long long)r->retained_size,
               pct(r->retained_size, total),
               (unsigned long long)r->retained_count,
               (unsigned long long)r->count, (unsigned long long)r->size,
               (int)r->type_len, r->type);
    }
}

static void
types_json(cli_json *w, const hs_dominators *d, const hs_retained_type *rows,
           size_t n)
{
    uint64_t total = hs_dominators_total_size(d);
    cli_json_key(w, "types");
    cli_json_array(w);
    for (size_t i = 0; i < n; i++) {
        const hs_retained_type *r = &rows[i];
        cli_json_break(w, "\n  ");
        cli_json_object(w);
        cli_json_key_u64(w, "index", i);
        cli_json_key_str(w, "type", r->type, r->type_len);
        cli_json_key_u64(w, "count", r->count);
        cli_json_key_u64(w, "size", r->size);
        cli_json_key_u64(w, "retained_size", r->retained_size);
        cli_json_key_u64(w, "retained_count", r->retained_count);
        cli_json_key_double(w, "retained_pct", pct(r->retained_size, total),
                            4);
        cli_json_end_object(w);
    }
    cli_json_break(w, "\n ");
    cli_json_end_array(w);
    cli_json_end_object(w);
}

static void
types_csv(const hs_retained_type *rows, size_t n)
{
    printf("index,type,count,size,retained_size,retained_count\n");
    for (size_t i = 0; i < n; i++) {
        const hs_retained_type *r = &rows[i];
        printf("%zu,", i);
        cli_csv_field(r->type, r->type_len);
        printf(",%llu,%llu,%llu,%llu\n", (unsigned long long)r->count,
               (unsigned long long)r->size,
               (unsigned long long)r->retained_size,
               (unsigned long long)r->retained_count);
    }
}

static int
top_types(const char *path, const hs_graph *g, const hs_dominators *d,
          const top_opts *o)
{
    hs_retained_type *rows;
    size_t n;
    hs_error err = {0};
    if (hs_dominators_by_type(d, &rows, &n, &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    n = cli_table_rows(&o->table, n);
    if (o->table.format == CLI_FORMAT_JSON) {
        cli_json w;
        cli_json_init(&w, stdout);
        cli_print_dominator_totals(path, g, d, &w);
        types_json(&w, d, rows, n);
    } else if (o->table.format == CLI_FORMAT_CSV) {
        types_csv(rows, n);
    } else {
        cli_print_dominator_totals(path, g, d, NULL);
        types_text(d, rows, n);
    }
    hs_free(rows);
    return HS_EXIT_OK;
}

/* --min-share P: a percentage from 0 to 100. */
static int
share_option(const char *arg, double *out)
{
    char *end;
    double v = strtod(arg, &end);
    if (end == arg || *end || !(v >= 0.0 && v <= 100.0)) {
        return cli_usage_error("--min-share wants a percentage from 0 to "
                               "100, not '%s'", arg);
    }
    *out = v;
    return HS_EXIT_OK;
}

static int
parse_options(int argc, char **argv, cli_load *load, top_opts *o)
{
    static const struct option longopts[] = {
        {"top", required_argument, NULL, CLI_OPT_TOP},
        {"by-type", no_argument, NULL, OPT_BY_TYPE},
        {"by-site", no_argument, NULL, OPT_BY_SITE},
        {"tree", no_argument, NULL, OPT_TREE},
        {"depth", required_argument, NULL, OPT_DEPTH},
        {"min-share", required_argument, NULL, OPT_MIN_SHARE},
        CLI_FORMAT_LONGOPTS,
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt, rc = HS_EXIT_OK;
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        if (opt == OPT_BY_TYPE) {
            o->by_type = true;
        } else if (opt == OPT_BY_SITE) {
            o->by_site = true;
        } else if (opt == OPT_TREE) {
            o->tree = true;
        } else if (opt == OPT_DEPTH) {
            rc = cli_number_option("depth", optarg, &o->tree_opts.depth);
            o->depth_given = true;
        } else if (opt == OPT_MIN_SHARE) {
            rc = share_option(optarg, &o->tree_opts.min_share);
        } else {
            rc = cli_table_option(&o->table, opt, argv);
        }
    }
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    if (o->by_type + o->by_site + o->tree > 1) {
        return cli_usage_error("--tree, --by-type and --by-site are three "
                               "views: choose one");
    }
    if (o->depth_given && !o->tree && !o->by_site) {
        return cli_usage_error("--depth goes with --tree or --by-site");
    }
    if (o->by_site && o->depth_given && o->tree_opts.depth == 0) {
        return cli_usage_error("--depth of a site is at least 1 frame");
    }
    if (o->tree && (o->by_type || o->table.format == CLI_FORMAT_CSV)) {
        return cli_usage_error(o->by_type ? "--tree and --by-type are two "
                                            "views: choose one"
                                          : "--tree has no --csv (use "
                                            "--json)");
    }
    o->tree_opts.json = o->table.format == CLI_FORMAT_JSON;
    if (o->table.top == 0) {
        o->table.top = UINT64_MAX; /* --top 0: all (top has no --all) */
    }
    if (optind != argc - 1) {
        return cli_usage_error(optind == argc ? "no dump given"
                                              : "one dump at a time");
    }
    return HS_EXIT_OK;
}

int
cmd_top(int argc, char **argv)
{
    top_opts o = {{20, CLI_FORMAT_TEXT}, false, false, false, false,
                  {4, 1.0, false}};
    cli_load load;
    hs_graph *g;
    hs_dominators *d;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    load.no_address_index = true; /* no lookups by address */
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return HS_EXIT_FAILURE;
    }
    d = cli_dominators(g, &load.tree);
    if (!d) {
        hs_graph_free(g);
        return HS_EXIT_FAILURE;
    }
    rc = o.tree      ? cli_print_domtree(argv[optind], g, d, &o.tree_opts)
         : o.by_type ? top_types(argv[optind], g, d, &o)
         : o.by_site ? cli_site_top(argv[optind], g, d,
                                    o.depth_given ? o.tree_opts.depth : 1,
                                    &o.table)
                     : top_objects(argv[optind], g, d, &o);
    hs_dominators_free(d);
    hs_graph_free(g);
    return rc;
}
