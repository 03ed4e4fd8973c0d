/*
 * cli/cli_load.c - loading a dump for a subcommand: the load options
 * every command shares, progress and warnings (see cli_load.h).
 */
#include "cli_load.h"

#include "cli_msg.h"
#include "cli_opt.h"
#include "progress.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void
on_warning(void *ctx, const hs_error *w)
{
    (void)ctx;
    progress_clear();
    cli_lib_warning(w);
}

void
cli_load_init(cli_load *l)
{
    memset(l, 0, sizeof(*l));
    l->intern_dict = HS_NO_NODE;
}

static bool
parse_dialect(const char *s, hs_dialect *d)
{
    static const hs_dialect all[] = {HS_DIALECT_PY2, HS_DIALECT_PY3,
                                     HS_DIALECT_PY311, HS_DIALECT_HEAPSCOPE,
                                     HS_DIALECT_AUTO};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        if (strcmp(s, hs_dialect_name(all[i])) == 0) {
            *d = all[i];
            return true;
        }
    }
    return false;
}

/* "1073741824", "512M", "2G": bytes, with a binary suffix. */
static bool
parse_size(const char *arg, uint64_t *out)
{
    char num[32];
    size_t n = strlen(arg);
    unsigned shift = 0;
    if (n == 0 || n >= sizeof(num)) {
        return false;
    }
    memcpy(num, arg, n + 1);
    switch (num[n - 1]) {
    case 'K': case 'k': shift = 10; break;
    case 'M': case 'm': shift = 20; break;
    case 'G': case 'g': shift = 30; break;
    default: break;
    }
    if (shift) {
        num[n - 1] = '\0';
    }
    if (!cli_parse_u64(num, out) || *out == 0 || *out > (UINT64_MAX >> 34)) {
        return false;
    }
    *out <<= shift;
    return true;
}

int
cli_load_option(cli_load *l, int opt, const char *arg)
{
    switch (opt) {
    case OPT_NO_COLLAPSE: l->pipeline = CLI_PIPELINE_NO_COLLAPSE; return 1;
    case OPT_CLASSIC: l->pipeline = CLI_PIPELINE_CLASSIC; return 1;
    case OPT_SKIP_BAD_LINES: l->skip_bad_lines = true; return 1;
    case OPT_QUIET: l->quiet = true; return 1;
    case OPT_NO_SNAPSHOT: l->no_snapshot = true; return 1;
    case OPT_MAX_LINE:
        if (!parse_size(arg, &l->max_line)) {
            cli_usage_error("--max-line wants a size in bytes (K, M or G "
                            "suffix allowed), not '%s'", arg);
            return -1;
        }
        return 1;
    case OPT_THREADS: {
        uint64_t n;
        if (cli_range_option("threads", arg, 1, 64, &n) != HS_EXIT_OK) {
            return -1;
        }
        l->threads = (unsigned)n;
        return 1;
    }
    case OPT_DIALECT:
        if (!parse_dialect(arg, &l->dialect)) {
            cli_usage_error("unknown dialect '%s' (py2, py3, py311, "
                            "heapscope)", arg);
            return -1;
        }
        return 1;
    default:
        return 0;
    }
}

int
cli_next_option(int argc, char **argv, const char *shortopts,
                 const struct option *longopts, cli_load *l)
{
    int opt;
    while ((opt = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
        int common;
        if (opt == '?' || opt == ':') {
            exit(cli_bad_option(argv));
        }
        common = cli_load_option(l, opt, optarg);
        if (common < 0) {
            exit(HS_EXIT_USAGE);
        }
        if (!common) {
            return opt;
        }
    }
    return -1;
}

/* meliae's classic investigation: load(collapse=False), then the passes
 * in the order people type them: collapse, parents, expensive refs. The
 * first two give what the default load gives (collapse does not depend
 * on parents, and parents are recomputed after it), so the load runs the
 * default pipeline, which can come from the snapshot. */
static int
classic(hs_graph *g, cli_load *l, hs_error *err)
{
    int rc = hs_graph_compute_parents(g, err);
    if (rc == 0) {
        rc = hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT,
                                                  err);
    }
    if (rc == 0) {
        l->intern_dict = hs_graph_guess_intern_dict(g);
    }
    return rc;
}

/* The answers about to be printed come from a file written earlier, not
 * from the dump: say so, with when it was written, so that nobody takes
 * them for a fresh reading (the snapshot matches the dump's size, time and
 * ends, not every byte; docs/limits.md). */
static void
report_snapshot(const hs_snapshot_report *r)
{
    char when[64] = "at an unknown time";
    time_t t = (time_t)r->built;
    struct tm tm;
    if (gmtime_r(&t, &tm)) {
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", &tm);
    }
    fprintf(stderr, "heapscope %s: answered from snapshot %s (built %s)\n",
            cli_command, r->path, when);
}

/* Whether the environment variable name is set and not empty. */
static bool
env_set(const char *name)
{
    const char *v = getenv(name);
    return v && v[0];
}

hs_graph *
cli_load_dump(const char *path, cli_load *l)
{
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    hs_snapshot_flags flags;
    progress_state prog;
    hs_load_options_init(&opts);
    opts.dialect = l->dialect;
    opts.threads = l->threads;
    opts.max_line_length = l->max_line;
    if (l->skip_bad_lines) {
        opts.flags |= HS_LOAD_SKIP_BAD_LINES;
    }
    if (l->pipeline == CLI_PIPELINE_NO_COLLAPSE) {
        opts.flags |= HS_LOAD_NO_COLLAPSE;
    }
    if (l->no_parents) {
        opts.flags |= HS_LOAD_NO_PARENTS;
    }
    if (l->no_address_index) {
        opts.flags |= HS_LOAD_NO_ADDRESS_INDEX;
    }
    progress_start(&prog, path, !l->quiet);
    opts.progress = progress_update;
    opts.progress_ctx = &prog;
    opts.warning = on_warning;
    flags = l->snapshot_flags;
    if (l->summary_only && l->pipeline != CLI_PIPELINE_CLASSIC) {
        flags |= HS_SNAPSHOT_LAZY;
    }
    if (l->no_snapshot || env_set("HEAPSCOPE_NO_SNAPSHOT")
        || env_set("HEAPSCOPE_NO_INDEX")) { /* the old name */
        flags |= HS_SNAPSHOT_NO_READ | HS_SNAPSHOT_NO_WRITE;
    }
    g = hs_graph_open(path, &opts, flags, &l->snapshot, &err);
    if (g && l->pipeline == CLI_PIPELINE_CLASSIC && classic(g, l, &err) < 0) {
        hs_graph_free(g);
        g = NULL;
    }
    progress_clear();
    if (!g) {
        cli_lib_error(&err);
        return NULL;
    }
    if (l->snapshot.used) {
        report_snapshot(&l->snapshot);
    }
    /* --classic's passes ran after the snapshot: nowhere to keep a tree */
    hs_tree_store_init(&l->tree, l->pipeline == CLI_PIPELINE_CLASSIC
                                     ? NULL
                                     : &l->snapshot);
    if (hs_graph_stats(g)->bad_lines) {
        cli_warning("%s: skipped %llu malformed lines", path,
                    (unsigned long long)hs_graph_stats(g)->bad_lines);
    }
    /* Said by every command, since it changes every answer: two dumps
     * joined into one file load as one heap with the second's objects
     * lost wherever an address repeats. */
    if (hs_graph_stats(g)->duplicates) {
        uint64_t n = hs_graph_stats(g)->duplicates;
        cli_warning("%s: %llu record%s %s an earlier address; the first of "
                    "each was kept (meliae's dump_gc_objects writes repeats, "
                    "and so does joining two dumps into one file)", path,
                    (unsigned long long)n, cli_s(n),
                    n == 1 ? "repeats" : "repeat");
    }
    return g;
}
