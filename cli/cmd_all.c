/*
 * cli/cmd_all.c - `heapscope all`: meliae's get_all(type), and
 * obj.all(type, excluding) with --reachable-from.
 */
#include "cli.h"
#include "cli_addr.h"
#include "cli_node.h"
#include "cli_table.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_all_usage[] =
    "usage: heapscope all [options] DUMP TYPE\n"
    "\n"
    "Every object whose type is exactly TYPE, largest first: meliae's\n"
    "get_all(TYPE), sorted by size, then number of refs, then number of\n"
    "parents (ties in file order), one repr per line.\n"
    "\n"
    "Options:\n"
    "  --limit N             show the first N (default: all)\n"
    "  --reachable-from ADDR only objects reachable from ADDR (meliae's\n"
    "                        obj.all(TYPE, excluding)), ties in walk order\n"
    "  --exclude ADDR        with --reachable-from: do not walk into ADDR\n"
    "                        (repeatable, or comma-separated)\n"
    "  --json                JSON: {\"type\", \"count\", \"objects\": [...]}\n"
    "  --csv                 CSV: address,type,size,refs,parents,value\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 ok (also when no object has the type), 1 the dump could\n"
    "not be read or ADDR is unknown, 2 bad usage.\n";

enum { OPT_LIMIT = CLI_OPT_TABLE_END, OPT_FROM, OPT_EXCLUDE };

static void
print_csv_row(const hs_graph *g, uint32_t id)
{
    size_t len;
    uint64_t nrefs, npar;
    const char *s = hs_node_type(g, id, &len);
    hs_value_kind kind;
    hs_node_children(g, id, &nrefs);
    hs_node_parents(g, id, &npar);
    printf("%llu,", (unsigned long long)hs_node_address(g, id));
    cli_csv_field(s, len);
    printf(",%llu,%llu,%llu,", (unsigned long long)hs_node_size(g, id),
           (unsigned long long)nrefs, (unsigned long long)npar);
    if ((s = hs_node_value(g, id, &len, &kind)) != NULL
        || (s = hs_node_name(g, id, &len)) != NULL) {
        cli_csv_field(s, len);
    }
    putchar('\n');
}

static void
print_json(const hs_graph *g, const char *type, const uint32_t *ids,
           size_t n, size_t shown)
{
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_key_cstr(&w, "type", type);
    cli_json_key_u64(&w, "count", n);
    cli_json_key(&w, "objects");
    cli_json_array(&w);
    for (size_t i = 0; i < shown; i++) {
        uint64_t nrefs, npar;
        hs_node_children(g, ids[i], &nrefs);
        hs_node_parents(g, ids[i], &npar);
        cli_json_break(&w, "\n  ");
        cli_json_object(&w);
        cli_node_json_fields(&w, g, ids[i]);
        cli_json_key_u64(&w, "nrefs", nrefs);
        cli_json_key_u64(&w, "nparents", npar);
        cli_json_key(&w, "value");
        cli_node_json_value(&w, g, ids[i]);
        cli_json_end_object(&w);
    }
    cli_json_break(&w, "\n");
    cli_json_end_array(&w);
    cli_json_end_object(&w);
}

static void
print_results(const hs_graph *g, const char *type, const uint32_t *ids,
              size_t n, size_t shown, cli_format format)
{
    if (format == CLI_FORMAT_JSON) {
        print_json(g, type, ids, n, shown);
        return;
    }
    if (format == CLI_FORMAT_CSV) {
        printf("address,type,size,refs,parents,value\n");
    }
    for (size_t i = 0; i < shown; i++) {
        if (format == CLI_FORMAT_CSV) {
            print_csv_row(g, ids[i]);
        } else {
            cli_print_repr(g, ids[i], 0, CLI_PREVIEW);
            putchar('\n');
        }
    }
    if (format == CLI_FORMAT_TEXT && shown < n) {
        printf("... %zu more (--limit)\n", n - shown);
    }
}

typedef struct all_opts {
    cli_table table;      /* its rows are --limit's */
    const char *from;     /* --reachable-from, or NULL */
    cli_addr_list exclude;
} all_opts;

static int
parse_options(int argc, char **argv, cli_load *load, all_opts *o)
{
    static const struct option longopts[] = {
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"reachable-from", required_argument, NULL, OPT_FROM},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        CLI_FORMAT_LONGOPTS,
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    uint64_t addr;
    int opt, rc = HS_EXIT_OK;
    while (rc == HS_EXIT_OK
           && (opt = cli_next_option(argc, argv, "", longopts, load)) != -1) {
        switch (opt) {
        case OPT_FROM:
            o->from = optarg;
            if (!cli_parse_addr(optarg, &addr)) {
                rc = cli_usage_error("'%s' is not an address (decimal or "
                                     "0x hex)", optarg);
            }
            break;
        case OPT_EXCLUDE:
            if (!cli_addr_list_add(&o->exclude, "--exclude", optarg)) {
                rc = HS_EXIT_USAGE;
            }
            break;
        case OPT_LIMIT:
            rc = cli_number_option("limit", optarg, &o->table.top);
            break;
        default: rc = cli_table_option(&o->table, opt, argv); break;
        }
    }
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    if (argc - optind != 2) {
        return cli_usage_error(argc - optind < 2 ? "want a dump and a type"
                                                 : "too many arguments");
    }
    if (o->exclude.n && !o->from) {
        return cli_usage_error("--exclude needs --reachable-from");
    }
    return HS_EXIT_OK;
}

/* get_all, or all from --reachable-from; false after printing an error. */
static bool
select_objects(const hs_graph *g, const char *path, const char *type,
               const all_opts *o, uint32_t **ids, size_t *n)
{
    uint32_t *excluded, from;
    hs_error err;
    bool usage;
    int rc;
    if (!o->from) {
        rc = hs_graph_get_all(g, type, strlen(type), ids, n, &err);
    } else {
        from = cli_find_object(g, path, o->from, &usage);
        if (from == HS_NO_NODE) {
            return false;
        }
        excluded = cli_addr_list_resolve(&o->exclude, g, path);
        if (!excluded) {
            return false;
        }
        rc = hs_node_all(g, from, type, strlen(type), excluded, o->exclude.n,
                         ids, n, &err);
        free(excluded);
    }
    if (rc < 0) {
        cli_lib_error(&err);
        return false;
    }
    return true;
}

int
cmd_all(int argc, char **argv)
{
    all_opts o = {{UINT64_MAX, CLI_FORMAT_TEXT}, NULL, {NULL, 0, 0}};
    cli_load load;
    uint32_t *ids = NULL;
    const char *path, *type;
    hs_graph *g = NULL;
    size_t n;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &o);
    if (rc != HS_EXIT_OK) {
        cli_addr_list_release(&o.exclude);
        return rc;
    }
    path = argv[optind];
    type = argv[optind + 1];
    rc = HS_EXIT_FAILURE;
    g = cli_load_dump(path, &load);
    if (g && select_objects(g, path, type, &o, &ids, &n)) {
        print_results(g, type, ids, n, cli_table_rows(&o.table, n),
                      o.table.format);
        rc = HS_EXIT_OK;
    }
    hs_free(ids);
    cli_addr_list_release(&o.exclude);
    hs_graph_free(g);
    return rc;
}
