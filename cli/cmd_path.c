/*
 * cli/cmd_path.c - `heapscope path`: what keeps an object alive, as the
 * shortest chains of referrers from roots (modules, objects without
 * parents) down to it, each step labelled with its key or attribute.
 */
#include "cli.h"
#include "cli_addr.h"
#include "cli_node.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char cmd_path_usage[] =
    "usage: heapscope path [options] DUMP ADDR\n"
    "\n"
    "What keeps the object at ADDR alive: the shortest chain of referrers\n"
    "from a root to it. Roots are modules and objects that nothing refers\n"
    "to (running frames, objects held only from C). Each step names the\n"
    "dict key, attribute or index it goes through, and the first line of a\n"
    "path reads like Python (__main__.observer.history[12]). With --max N\n"
    "the N nearest roots each give one path, shortest first.\n"
    "\n"
    "Options:\n"
    "  --max N            paths from up to N distinct roots (default 1)\n"
    "  --exclude-type T   never pass through objects of type T, e.g. frame,\n"
    "                     weakref.ReferenceType (repeatable)\n"
    "  --json             JSON: {\"target\", \"paths\": [{\"root_kind\",\n"
    "                     \"expression\", \"steps\": [...]}]}\n"
    CLI_LOAD_HELP
    "\n"
    "Exit status: 0 a path was found, 1 none was (the object is garbage held\n"
    "only by a cycle), the dump could not be read or ADDR is unknown, 2 bad\n"
    "usage.\n";

enum { OPT_MAX = OPT_FIRST_COMMAND_OPTION, OPT_EXCLUDE_TYPE, OPT_JSON };

#define MAX_EXCLUDED_TYPES 64

/* The step label of path edge nodes[k] -> nodes[k + 1]. Caller frees. */
static char *
step_label(const hs_graph *g, const uint32_t *nodes, size_t k, size_t max)
{
    uint64_t n, ref = 0;
    const uint32_t *kids = hs_node_children(g, nodes[k], &n);
    char *label;
    while (ref < n && kids[ref] != nodes[k + 1]) {
        ref++;
    }
    label = hs_node_ref_label(g, nodes[k], ref, max, NULL);
    if (!label) {
        fprintf(stderr, "heapscope: out of memory\n");
        exit(HS_EXIT_FAILURE);
    }
    return label;
}

/* __main__.observer.history[12]: the module's name, or <type@address>,
 * then the labels. Caller frees. */
static char *
expression(const hs_graph *g, const uint32_t *nodes, size_t len)
{
    size_t nlen, size;
    const char *type = hs_node_type(g, nodes[0], &nlen);
    char *text = NULL;
    FILE *f = open_memstream(&text, &size);
    if (!f) {
        fprintf(stderr, "heapscope: out of memory\n");
        exit(HS_EXIT_FAILURE);
    }
    if (nlen == 6 && memcmp(type, "module", 6) == 0
        && hs_node_name(g, nodes[0], &nlen)) {
        fwrite(hs_node_name(g, nodes[0], &nlen), 1, nlen, f);
    } else {
        fprintf(f, "<%.*s@%llu>", (int)nlen, type,
                (unsigned long long)hs_node_address(g, nodes[0]));
    }
    for (size_t k = 0; k + 1 < len; k++) {
        char *label = step_label(g, nodes, k, 40);
        if (label[0] != '.' && label[0] != '[') {
            fputc('.', f);
        }
        fputs(label, f);
        hs_free(label);
    }
    if (fclose(f) != 0 || !text) {
        fprintf(stderr, "heapscope: out of memory\n");
        exit(HS_EXIT_FAILURE);
    }
    return text;
}

static void
print_text(const hs_graph *g, const hs_paths *p)
{
    for (size_t i = 0; i < hs_paths_count(p); i++) {
        size_t len;
        const uint32_t *nodes = hs_paths_at(p, i, &len);
        char *text;
        printf("%spath %zu: %zu step%s from a root (%s)\n  ", i ? "\n" : "",
               i + 1, len - 1, len == 2 ? "" : "s", hs_paths_root_kind(p, i));
        text = expression(g, nodes, len);
        printf("%s\n  ", text);
        free(text);
        cli_print_repr(g, nodes[0], 0, CLI_PREVIEW);
        putchar('\n');
        for (size_t k = 0; k + 1 < len; k++) {
            char *label = step_label(g, nodes, k, CLI_PREVIEW);
            printf("  -> %s ", label);
            hs_free(label);
            cli_print_repr(g, nodes[k + 1], 0, CLI_PREVIEW);
            putchar('\n');
        }
    }
}

static void
print_json(const hs_graph *g, uint32_t target, const hs_paths *p)
{
    printf("{\"target\": %llu, \"visited\": %llu, \"paths\": [",
           (unsigned long long)hs_node_address(g, target),
           (unsigned long long)hs_paths_visited(p));
    for (size_t i = 0; i < hs_paths_count(p); i++) {
        size_t len;
        const uint32_t *nodes = hs_paths_at(p, i, &len);
        char *text = expression(g, nodes, len);
        printf("%s\n  {\"root_kind\": \"%s\", \"expression\": ",
               i ? "," : "", hs_paths_root_kind(p, i));
        cli_json_string(text, strlen(text));
        free(text);
        printf(", \"steps\": [");
        for (size_t k = 0; k < len; k++) {
            char *label = k ? step_label(g, nodes, k - 1, 0) : NULL;
            printf("%s\n    {\"label\": ", k ? "," : "");
            if (label) {
                cli_json_string(label, strlen(label));
            } else {
                printf("null");
            }
            hs_free(label);
            printf(", ");
            cli_json_node_fields(g, nodes[k]);
            putchar('}');
        }
        printf("]}");
    }
    printf("%s]}\n", hs_paths_count(p) ? "\n" : "");
}

static int
parse_options(int argc, char **argv, cli_load *load, hs_path_options *po,
              bool *json)
{
    static const struct option longopts[] = {
        {"max", required_argument, NULL, OPT_MAX},
        {"exclude-type", required_argument, NULL, OPT_EXCLUDE_TYPE},
        {"json", no_argument, NULL, OPT_JSON},
        CLI_LOAD_LONGOPTS,
        {NULL, 0, NULL, 0}};
    /* Points into argv, which outlives the command. */
    static const char *excluded[MAX_EXCLUDED_TYPES];
    uint64_t max = 1, addr;
    int opt;
    po->exclude_types = excluded;
    while ((opt = cli_next_option(argc, argv, "", longopts, load))
           != -1) {
        switch (opt) {
        case OPT_JSON: *json = true; break;
        case OPT_MAX:
            if (!cli_parse_u64(optarg, &max) || max == 0 || max > 100000) {
                return cli_usage_error("--max wants a number from 1 to "
                                       "100000, not '%s'", optarg);
            }
            break;
        case OPT_EXCLUDE_TYPE:
            if (po->nexclude_types == MAX_EXCLUDED_TYPES) {
                return cli_usage_error("at most %d --exclude-type",
                                       MAX_EXCLUDED_TYPES);
            }
            excluded[po->nexclude_types++] = optarg;
            break;
        default:
            return cli_bad_option(argv);
        }
    }
    if (cli_dump_and_address(argc, argv, optind, &addr) != HS_EXIT_OK) {
        return HS_EXIT_USAGE;
    }
    po->max_paths = (size_t)max;
    return HS_EXIT_OK;
}

static void
report_none(const char *path, const char *addr, const hs_path_options *po)
{
    if (po->nexclude_types) {
        cli_error("%s: no root reaches %s without passing through an "
                  "excluded type", path, addr);
    } else {
        cli_error("%s: no root reaches %s: only cycles with no root hold it "
                  "(it is garbage)", path, addr);
    }
}

int
cmd_path(int argc, char **argv)
{
    hs_path_options po = {1, NULL, 0};
    cli_load load;
    bool json = false, usage;
    hs_graph *g;
    hs_paths *p = NULL;
    hs_error err;
    uint32_t id;
    int rc;
    cli_load_init(&load);
    rc = parse_options(argc, argv, &load, &po, &json);
    if (rc != HS_EXIT_OK) {
        return rc;
    }
    rc = HS_EXIT_FAILURE;
    g = cli_load_dump(argv[optind], &load);
    if (!g) {
        return rc;
    }
    id = cli_find_object(g, argv[optind], argv[optind + 1], &usage);
    if (id != HS_NO_NODE && !(p = hs_paths_find(g, id, &po, &err))) {
        cli_lib_error(&err);
    } else if (p) {
        if (json) {
            print_json(g, id, p);
        } else {
            print_text(g, p);
        }
        if (hs_paths_count(p)) {
            rc = HS_EXIT_OK;
        } else {
            report_none(argv[optind], argv[optind + 1], &po);
        }
    }
    hs_paths_free(p);
    hs_graph_free(g);
    return rc;
}
