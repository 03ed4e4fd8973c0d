/*
 * cli/cmd_diff.c - `heapscope diff OLD NEW`: per-type growth and the
 * object-level diff (new, gone, surviving objects) of two dumps.
 */
#include "cli.h"
#include "cli_json.h"
#include "cli_site.h"
#include "cli_series.h"
#include "cli_node.h"
#include "cli_table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_diff_usage[] =
    "usage: heapscope diff [options] OLD NEW\n"
    "\n"
    "What changed between two dumps of one process, taken in that order:\n"
    "per type, the change in object count and bytes, sorted by size growth\n"
    "(then count growth); then how many objects are new in NEW, gone from\n"
    "OLD, and survived. An object is identified by its address, but an\n"
    "address reused by an object of another type (or a str, bytes or int\n"
    "of another value) counts as new.\n"
    "\n"
    "Options:\n"
    "  --top N            show N types (default 20)\n"
    "  --all              show every type, shrinking ones included\n"
    "  --by-site          growth per allocation site instead (dumps made\n"
    "                     with tracemalloc on); --depth N: a\n"
    "                     site is the last N frames (default 1)\n"
    "  --type T           list the new objects of type T (largest first)\n"
    "  --new              list a sample of the new objects (of --type T, or\n"
    "                     of every type) with their parents\n"
    "  --limit N          list at most N new objects (default 20; 0: all)\n"
    "  --json             JSON: totals, types, and the listed objects\n"
    "  --csv              CSV: one row per type\n"
    CLI_SERIES_HELP
    CLI_LOAD_HELP
    "\n"
    "Both dumps are loaded with the same options. Dumps of different\n"
    "dialects or pointer sizes cannot be compared; dumps whose headers name\n"
    "different processes are refused; when their header times show NEW was\n"
    "taken before OLD, they are swapped (and a note on stderr says so).\n"
    "\n"
    "Exit status: 0 ok, 1 a dump could not be read or the dumps cannot be\n"
    "compared, 2 bad usage.\n";

enum { OPT_TYPE = CLI_OPT_TABLE_END, OPT_NEW, OPT_LIMIT, OPT_ALLOW_MIXED,
       OPT_BY_SITE, OPT_DEPTH };

typedef struct diff_opts {
    cli_table table;
    uint64_t limit;
    const char *type;
    bool new_sample, allow_mixed, by_site;
    uint64_t depth;          /* --by-site --depth; 0: not given */
} diff_opts;

static void
print_text_types(const hs_diff *d, size_t rows)
{
    printf("%10s %9s %10s %10s %9s %9s  %s\n", "size+", "count+", "old count",
           "new count", "new objs", "gone objs", "type");
    for (size_t i = 0; i < rows; i++) {
        const hs_diff_type *t = hs_diff_type_at(d, i);
        printf("%+10lld %+9lld %10llu %10llu %9llu %9llu  %.*s\n",
               cli_delta(t->new_size, t->old_size),
               cli_delta(t->new_count, t->old_count),
               (unsigned long long)t->old_count,
               (unsigned long long)t->new_count,
               (unsigned long long)t->added_count,
               (unsigned long long)t->gone_count, (int)t->type_len, t->type);
    }
}

static void
print_text_totals(const hs_diff *d, const char *old_path,
                  const char *new_path)
{
    const hs_diff_type *t = hs_diff_total(d);
    printf("OLD %s: %llu objects, %llu bytes\n", old_path,
           (unsigned long long)t->old_count, (unsigned long long)t->old_size);
    printf("NEW %s: %llu objects, %llu bytes (%+lld objects, %+lld bytes)\n",
           new_path, (unsigned long long)t->new_count,
           (unsigned long long)t->new_size,
           cli_delta(t->new_count, t->old_count),
           cli_delta(t->new_size, t->old_size));
    printf("objects: %llu new (%llu bytes), %llu gone (%llu bytes), "
           "%llu survived\n\n",
           (unsigned long long)t->added_count,
           (unsigned long long)t->added_size,
           (unsigned long long)t->gone_count,
           (unsigned long long)t->gone_size,
           (unsigned long long)t->kept_count);
}

/* One new object, and with --new its parents (the first few). */
static void
print_text_object(const hs_graph *g, uint32_t id, bool parents)
{
    uint64_t n;
    const uint32_t *par;
    cli_print_repr(g, id, 0, CLI_PREVIEW);
    putchar('\n');
    if (!parents) {
        return;
    }
    par = hs_node_parents(g, id, &n);
    for (uint64_t k = 0; k < n && k < 3; k++) {
        char *label = cli_edge_label(g, par[k], id, CLI_PREVIEW);
        printf("    <- %s of ", label);
        hs_free(label);
        cli_print_repr(g, par[k], 0, CLI_PREVIEW);
        putchar('\n');
    }
    if (n > 3) {
        printf("    <- ... %llu more parents\n",
               (unsigned long long)(n - 3));
    }
}

/* One row as an object. */
static void
json_row(cli_json *w, const hs_diff_type *t)
{
    cli_json_object(w);
    cli_json_key_str(w, "type", t->type, t->type_len);
    cli_json_key_u64(w, "old_count", t->old_count);
    cli_json_key_u64(w, "new_count", t->new_count);
    cli_json_key_i64(w, "count_delta", cli_delta(t->new_count, t->old_count));
    cli_json_key_u64(w, "old_size", t->old_size);
    cli_json_key_u64(w, "new_size", t->new_size);
    cli_json_key_i64(w, "size_delta", cli_delta(t->new_size, t->old_size));
    cli_json_key_u64(w, "new_objects", t->added_count);
    cli_json_key_u64(w, "new_objects_size", t->added_size);
    cli_json_key_u64(w, "gone_objects", t->gone_count);
    cli_json_key_u64(w, "gone_objects_size", t->gone_size);
    cli_json_key_u64(w, "survivors", t->kept_count);
    cli_json_end_object(w);
}

static void
json_objects(cli_json *w, const hs_graph *g, const uint32_t *ids,
             size_t shown, size_t n)
{
    cli_json_break(w, "\n  ");
    cli_json_key_u64(w, "new_objects_listed", shown);
    cli_json_key_u64(w, "new_objects_matching", n);
    cli_json_break(w, "\n  ");
    cli_json_key(w, "new_objects");
    cli_json_array(w);
    for (size_t i = 0; i < shown; i++) {
        uint64_t np;
        const uint32_t *par = hs_node_parents(g, ids[i], &np);
        cli_json_break(w, "\n    ");
        cli_json_object(w);
        cli_node_json_fields(w, g, ids[i]);
        cli_json_key(w, "parents");
        cli_json_array(w);
        for (uint64_t k = 0; k < np; k++) {
            cli_json_u64(w, hs_node_address(g, par[k]));
        }
        cli_json_end_array(w);
        cli_json_end_object(w);
    }
    cli_json_break(w, "\n  ");
    cli_json_end_array(w);
}

static void
print_json(const hs_diff *d, char *const paths[2], size_t rows,
           const hs_graph *g, const uint32_t *ids, size_t shown, size_t n)
{
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_break(&w, "\n  ");
    cli_json_key_cstr(&w, "old", paths[0]);
    cli_json_key_cstr(&w, "new", paths[1]);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "total");
    json_row(&w, hs_diff_total(d));
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "types");
    cli_json_array(&w);
    for (size_t i = 0; i < rows; i++) {
        cli_json_break(&w, "\n    ");
        json_row(&w, hs_diff_type_at(d, i));
    }
    cli_json_break(&w, "\n  ");
    cli_json_end_array(&w);
    if (ids) {
        json_objects(&w, g, ids, shown, n);
    }
    cli_json_break(&w, "\n");
    cli_json_end_object(&w);
}

static void
print_csv(const hs_diff *d, size_t rows)
{
    printf("type,old_count,new_count,count_delta,old_size,new_size,"
           "size_delta,new_objects,gone_objects,survivors\n");
    for (size_t i = 0; i < rows; i++) {
        const hs_diff_type *t = hs_diff_type_at(d, i);
        cli_csv_field(t->type, t->type_len);
        printf(",%llu,%llu,%lld,%llu,%llu,%lld,%llu,%llu,%llu\n",
               (unsigned long long)t->old_count,
               (unsigned long long)t->new_count,
               cli_delta(t->new_count, t->old_count),
               (unsigned long long)t->old_size,
               (unsigned long long)t->new_size,
               cli_delta(t->new_size, t->old_size),
               (unsigned long long)t->added_count,
               (unsigned long long)t->gone_count,
               (unsigned long long)t->kept_count);
    }
}

/* Rows shown: --top of them, and without --all only the ones that grew. */
static size_t
rows_shown(const hs_diff *d, uint64_t top)
{
    size_t rows = 0;
    while (rows < hs_diff_types(d) && rows < top) {
        const hs_diff_type *t = hs_diff_type_at(d, rows);
        if (top != UINT64_MAX && t->new_size <= t->old_size
            && t->new_count <= t->old_count) {
            break;
        }
        rows++;
    }
    return rows;
}

static int
report(const hs_diff *d, const hs_graph *g, char *const paths[2],
       const diff_opts *o)
{
    uint32_t *ids = NULL;
    size_t n = 0, shown = 0, rows = rows_shown(d, o->table.top);
    hs_error err;
    bool listing = o->type || o->new_sample;
    if (listing
        && hs_diff_new_objects(d, o->type, o->type ? strlen(o->type) : 0,
                               &ids, &n, &err) < 0) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    shown = (o->limit && o->limit < n) ? (size_t)o->limit : n;
    if (o->table.format == CLI_FORMAT_JSON) {
        print_json(d, paths, rows, g, ids, shown, n);
    } else if (o->table.format == CLI_FORMAT_CSV) {
        print_csv(d, rows);
    } else {
        print_text_totals(d, paths[0], paths[1]);
        print_text_types(d, rows);
        if (listing) {
            printf("\nnew objects%s%s: %zu\n", o->type ? " of type " : "",
                   o->type ? o->type : "", n);
            for (size_t i = 0; i < shown; i++) {
                print_text_object(g, ids[i], o->new_sample);
            }
            if (shown < n) {
                printf("... %zu more (--limit)\n", n - shown);
            }
        }
    }
    hs_free(ids);
    return HS_EXIT_OK;
}

static int
parse_options(int argc, char **argv, cli_load *load, diff_opts *o)
{
    static const struct option longopts[] = {
        CLI_TABLE_LONGOPTS,
        {"type", required_argument, NULL, OPT_TYPE},
        {"new", no_argument, NULL, OPT_NEW},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"allow-mixed", no_argument, NULL, OPT_ALLOW_MIXED},
        {"by-site", no_argument, NULL, OPT_BY_SITE},
        {"depth", required_argument, NULL, OPT_DEPTH},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    int opt, rc = HS_EXIT_OK;
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        switch (opt) {
        case OPT_TYPE: o->type = optarg; break;
        case OPT_NEW: o->new_sample = true; break;
        case OPT_ALLOW_MIXED: o->allow_mixed = true; break;
        case OPT_BY_SITE: o->by_site = true; break;
        case OPT_DEPTH:
            rc = cli_range_option("depth", optarg, 1, 65535, &o->depth);
            break;
        case OPT_LIMIT:
            rc = cli_number_option("limit", optarg, &o->limit);
            break;
        default: rc = cli_table_option(&o->table, opt, argv); break;
        }
    }
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    if (argc - optind != 2) {
        return cli_usage_error(argc - optind < 2 ? "want two dumps: OLD NEW"
                                                 : "too many arguments");
    }
    if (o->depth && !o->by_site) {
        return cli_usage_error("--depth goes with --by-site");
    }
    if (o->by_site && (o->type || o->new_sample)) {
        return cli_usage_error("--by-site goes without --type and --new");
    }
    return HS_EXIT_OK;
}

int
cmd_diff(int argc, char **argv)
{
    diff_opts o = {{20, CLI_FORMAT_TEXT}, 20, NULL, false, false, false, 0};
    cli_load load;
    hs_graph *old_g = NULL, *new_g = NULL;
    hs_diff *d = NULL;
    hs_error err;
    char *paths[2];
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    paths[0] = argv[optind];
    paths[1] = argv[optind + 1];
    rc = HS_EXIT_FAILURE;
    old_g = cli_load_dump(paths[0], &load);
    new_g = old_g ? cli_load_dump(paths[1], &load) : NULL;
    if (new_g) {
        const hs_graph *pair[2] = {old_g, new_g};
        if (!cli_series_same_process(paths, pair, 2,
                                     o.allow_mixed)) {
            hs_graph_free(new_g);
            hs_graph_free(old_g);
            return HS_EXIT_FAILURE;
        }
        if (cli_series_run_order(paths, pair, 2)) {
            hs_graph *t = old_g;
            fprintf(stderr, "heapscope: note: %s was taken before %s (header "
                            "times): compared in that order\n",
                    paths[0], paths[1]);
            old_g = new_g;
            new_g = t;
        }
    }
    if (new_g && o.by_site) {
        rc = cli_site_diff(old_g, new_g, o.depth ? o.depth : 1, &o.table);
    } else if (new_g) {
        d = hs_diff_new(old_g, new_g, &err);
        if (!d) {
            cli_error("%s", err.message);
        } else {
            rc = report(d, new_g, paths, &o);
        }
    }
    hs_diff_free(d);
    hs_graph_free(new_g);
    hs_graph_free(old_g);
    return rc;
}
