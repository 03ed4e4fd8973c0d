/*
 * cli/cli_site.c - allocation sites in the outputs (see cli_site.h).
 */
#include "cli_site.h"

#include "cli.h"
#include "cli_retained.h"
#include "cli_table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cli_print_traceback(FILE *out, const hs_graph *g, uint32_t id)
{
    size_t n;
    const uint32_t *frames;
    if (!hs_graph_has_sites(g)) {
        return;
    }
    frames = hs_traceback_frames(g, hs_node_traceback(g, id), &n);
    if (!frames) {
        fprintf(out, "allocated: not traced by tracemalloc\n");
        return;
    }
    /* tracemalloc's Traceback.format() order and shape. */
    fprintf(out, "allocated at (oldest frame first):\n");
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(g, frames[i], &len, &line);
        fprintf(out, "  File \"%.*s\", line %u\n", (int)len, file, line);
    }
}

/* Frames as [[file, line], ...]. */
static void
json_frames(cli_json *w, const hs_graph *g, const uint32_t *frames, size_t n)
{
    cli_json_array(w);
    for (size_t i = 0; i < n; i++) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(g, frames[i], &len, &line);
        cli_json_array(w);
        cli_json_str(w, file, len);
        cli_json_u64(w, line);
        cli_json_end_array(w);
    }
    cli_json_end_array(w);
}

void
cli_site_json_traceback(cli_json *w, const hs_graph *g, uint32_t id)
{
    size_t n;
    const uint32_t *frames =
        hs_traceback_frames(g, hs_node_traceback(g, id), &n);
    cli_json_key(w, "traceback");
    if (!frames) {
        cli_json_null(w);
        return;
    }
    json_frames(w, g, frames, n);
}

void
cli_site_label(const hs_graph *g, uint32_t tb, char *buf, size_t size)
{
    size_t n, len;
    uint32_t line;
    const uint32_t *frames = hs_traceback_frames(g, tb, &n);
    const char *file;
    buf[0] = '\0';
    if (!frames || n == 0) {
        return;
    }
    file = hs_frame_file(g, frames[n - 1], &len, &line);
    snprintf(buf, size, "%.*s:%u", (int)len, file, line);
}

/* MARK: summary --by-site */

/* A site as text: its allocating line first, then its callers,
 * "leak.py:18 <- leak.py:27" (file names whole). */
static void
print_site(const hs_graph *g, const hs_site_stat *r)
{
    for (size_t k = r->nframes; k-- > 0;) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(g, r->frames[k], &len, &line);
        printf("%s%.*s:%u", k + 1 < r->nframes ? " <- " : "", (int)len,
               file, line);
    }
}

static double
share(uint64_t part, uint64_t whole)
{
    return whole ? (double)part * 100.0 / (double)whole : 0.0;
}

/* top --by-site: what each site's objects retain, as the type table of
 * top --by-type shows it. */
static void
site_retained_text(const hs_graph *g, const hs_site_summary *s, size_t rows,
                   const hs_dominators *d)
{
    uint64_t total = hs_dominators_total_size(d);
    printf("%14s %6s %12s %9s %12s  %s\n", "retained bytes", "%heap",
           "retained obj", "count", "size",
           "site (allocating line <- callers)");
    for (size_t i = 0; i < rows; i++) {
        const hs_site_stat *r = hs_site_summary_at(s, i);
        printf("%14llu %6.1f %12llu %9llu %12llu  ",
               (unsigned long long)r->retained_size,
               share(r->retained_size, total),
               (unsigned long long)r->retained_count,
               (unsigned long long)r->count, (unsigned long long)r->size);
        print_site(g, r);
        putchar('\n');
    }
}

static void
site_text(const hs_graph *g, const hs_site_summary *s, size_t rows)
{
    uint64_t count, size, ucount, usize, cum = 0;
    hs_site_summary_totals(s, &count, &size, &ucount, &usize);
    printf("Total %llu objects, %llu bytes; by allocation site "
           "(tracemalloc): %llu objects not traced, %llu bytes\n",
           (unsigned long long)count, (unsigned long long)size,
           (unsigned long long)ucount, (unsigned long long)usize);
    printf(" Index   Count   %%      Size   %% Cum Site (allocating line "
           "<- callers)\n");
    for (size_t i = 0; i < rows; i++) {
        const hs_site_stat *r = hs_site_summary_at(s, i);
        cum += r->size;
        /* Percentages truncated, as the type table's (meliae's). */
        printf("%6zu %7llu %3d %9llu %3d %3d ", i,
               (unsigned long long)r->count, (int)share(r->count, count),
               (unsigned long long)r->size, (int)share(r->size, size),
               (int)share(cum, size));
        print_site(g, r);
        putchar('\n');
    }
}

/* The sites as JSON; with d (top --by-site), each with what its objects
 * retain, after the members w already holds. */
static void
site_json(cli_json *w, const hs_graph *g, const hs_site_summary *s,
          size_t rows, size_t depth, const hs_dominators *d)
{
    uint64_t count, size, ucount, usize;
    hs_site_summary_totals(s, &count, &size, &ucount, &usize);
    cli_json_break(w, "\n  ");
    cli_json_key_u64(w, "depth", depth);
    cli_json_break(w, "\n  ");
    /* top's totals (the heap's) come first: these are the sites'. */
    cli_json_key(w, d ? "site_total" : "total");
    cli_json_object(w);
    cli_json_key_u64(w, "objects", count);
    cli_json_key_u64(w, "size", size);
    cli_json_key_u64(w, "untraced_objects", ucount);
    cli_json_key_u64(w, "untraced_size", usize);
    cli_json_end_object(w);
    cli_json_break(w, "\n  ");
    cli_json_key(w, "sites");
    cli_json_array(w);
    for (size_t i = 0; i < rows; i++) {
        const hs_site_stat *r = hs_site_summary_at(s, i);
        cli_json_break(w, "\n    ");
        cli_json_object(w);
        cli_json_key_u64(w, "count", r->count);
        cli_json_key_u64(w, "size", r->size);
        if (d) {
            cli_json_key_u64(w, "retained_size", r->retained_size);
            cli_json_key_u64(w, "retained_count", r->retained_count);
            cli_json_key_double(w, "retained_pct",
                                share(r->retained_size,
                                      hs_dominators_total_size(d)), 4);
        }
        cli_json_key(w, "frames");
        json_frames(w, g, r->frames, r->nframes);
        cli_json_end_object(w);
    }
    cli_json_end_rows(w);
}

static void
site_csv(const hs_graph *g, const hs_site_summary *s, size_t rows,
         const hs_dominators *d)
{
    printf("index,count,size,%sfile,line\n",
           d ? "retained_size,retained_count," : "");
    for (size_t i = 0; i < rows; i++) {
        const hs_site_stat *r = hs_site_summary_at(s, i);
        size_t len;
        uint32_t line;
        /* The allocating line: the most recent frame. */
        const char *file = hs_frame_file(g, r->frames[r->nframes - 1], &len,
                                         &line);
        printf("%zu,%llu,%llu,", i, (unsigned long long)r->count,
               (unsigned long long)r->size);
        if (d) {
            printf("%llu,%llu,", (unsigned long long)r->retained_size,
                   (unsigned long long)r->retained_count);
        }
        cli_csv_field(file, len);
        printf(",%u\n", line);
    }
}

int
cli_site_summary(const hs_graph *g, size_t depth, int by_count,
                 const cli_table *table)
{
    hs_error err;
    size_t rows;
    hs_site_summary *s = hs_site_summary_new(g, depth, &err);
    if (!s) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    if (by_count && hs_site_summary_sort_by_count(s) < 0) {
        cli_die_oom();
    }
    rows = cli_table_rows(table, hs_site_summary_rows(s));
    if (table->format == CLI_FORMAT_JSON) {
        cli_json w;
        cli_json_init(&w, stdout);
        cli_json_object(&w);
        site_json(&w, g, s, rows, depth, NULL);
    } else if (table->format == CLI_FORMAT_CSV) {
        site_csv(g, s, rows, NULL);
    } else {
        site_text(g, s, rows);
    }
    hs_site_summary_free(s);
    return HS_EXIT_OK;
}

int
cli_site_top(const char *path, const hs_graph *g, const hs_dominators *d,
             size_t depth, const cli_table *table)
{
    hs_error err;
    size_t rows;
    hs_site_summary *s;
    if (!hs_graph_has_sites(g)) {
        cli_error("%s has no allocation sites: dump the process with "
                  "tracemalloc on (PYTHONTRACEMALLOC=1)", path);
        return HS_EXIT_FAILURE;
    }
    s = hs_site_summary_new_retained(g, depth, d, &err);
    if (!s) {
        cli_lib_error(&err);
        return HS_EXIT_FAILURE;
    }
    rows = cli_table_rows(table, hs_site_summary_rows(s));
    if (table->format == CLI_FORMAT_JSON) {
        cli_json w;
        cli_json_init(&w, stdout);
        cli_print_dominator_totals(path, g, d, &w);
        site_json(&w, g, s, rows, depth, d);
    } else if (table->format == CLI_FORMAT_CSV) {
        site_csv(g, s, rows, d);
    } else {
        cli_print_dominator_totals(path, g, d, NULL);
        site_retained_text(g, s, rows, d);
    }
    hs_site_summary_free(s);
    return HS_EXIT_OK;
}

/* MARK: diff --by-site */

/* One site across two dumps, joined by its text (ids differ between
 * dumps; file names and lines do not). */
typedef struct site_delta {
    char *key;
    uint64_t old_count, old_size, new_count, new_size;
} site_delta;

/* The site as "file:line <- file:line" (allocating line first). */
static char *
site_key(const hs_graph *g, const hs_site_stat *r)
{
    size_t cap = 64, len = 0;
    char *k = xmalloc(cap);
    k[0] = '\0';
    for (size_t i = r->nframes; i-- > 0;) {
        size_t flen;
        uint32_t line;
        const char *file = hs_frame_file(g, r->frames[i], &flen, &line);
        size_t need = len + flen + 20;
        if (need > cap) {
            char *grown = realloc(k, need * 2);
            if (!grown) {
                cli_die_oom();
            }
            k = grown;
            cap = need * 2;
        }
        len += (size_t)snprintf(k + len, cap - len, "%s%.*s:%u",
                                i + 1 < r->nframes ? " <- " : "", (int)flen,
                                file, line);
    }
    return k;
}

static int
by_key(const void *pa, const void *pb)
{
    return strcmp(((const site_delta *)pa)->key,
                  ((const site_delta *)pb)->key);
}

static int
by_growth(const void *pa, const void *pb)
{
    const site_delta *a = pa, *b = pb;
    int64_t ga = (int64_t)(a->new_size - a->old_size);
    int64_t gb = (int64_t)(b->new_size - b->old_size);
    if (ga != gb) {
        return ga > gb ? -1 : 1;
    }
    return by_key(pa, pb);
}

static size_t
add_rows(site_delta *v, size_t n, const hs_graph *g, const hs_site_summary *s,
         int is_new)
{
    for (size_t i = 0; i < hs_site_summary_rows(s); i++) {
        const hs_site_stat *r = hs_site_summary_at(s, i);
        site_delta d = {site_key(g, r), 0, 0, 0, 0};
        if (is_new) {
            d.new_count = r->count;
            d.new_size = r->size;
        } else {
            d.old_count = r->count;
            d.old_size = r->size;
        }
        v[n++] = d;
    }
    return n;
}

/* Joins equal keys of a sorted array; returns the new length. */
static size_t
join(site_delta *v, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        if (w && strcmp(v[w - 1].key, v[r].key) == 0) {
            v[w - 1].old_count += v[r].old_count;
            v[w - 1].old_size += v[r].old_size;
            v[w - 1].new_count += v[r].new_count;
            v[w - 1].new_size += v[r].new_size;
            free(v[r].key);
        } else {
            v[w++] = v[r];
        }
    }
    return w;
}

static void
delta_text(const site_delta *v, size_t rows)
{
    printf("Growth by allocation site (tracemalloc), old -> new, live "
           "objects:\n");
    printf("   +Count      +Size    Count       Size Site (allocating line "
           "<- callers)\n");
    for (size_t i = 0; i < rows; i++) {
        printf("%+9lld %+10lld %8llu %10llu %s\n",
               cli_delta(v[i].new_count, v[i].old_count),
               cli_delta(v[i].new_size, v[i].old_size),
               (unsigned long long)v[i].new_count,
               (unsigned long long)v[i].new_size, v[i].key);
    }
}

static void
delta_json(const site_delta *v, size_t rows, size_t depth)
{
    cli_json w;
    cli_json_init(&w, stdout);
    cli_json_object(&w);
    cli_json_break(&w, "\n  ");
    cli_json_key_u64(&w, "depth", depth);
    cli_json_break(&w, "\n  ");
    cli_json_key(&w, "sites");
    cli_json_array(&w);
    for (size_t i = 0; i < rows; i++) {
        cli_json_break(&w, "\n    ");
        cli_json_object(&w);
        cli_json_key_cstr(&w, "site", v[i].key);
        cli_json_key_i64(&w, "count_delta",
                         cli_delta(v[i].new_count, v[i].old_count));
        cli_json_key_i64(&w, "size_delta",
                         cli_delta(v[i].new_size, v[i].old_size));
        cli_json_key_u64(&w, "old_count", v[i].old_count);
        cli_json_key_u64(&w, "old_size", v[i].old_size);
        cli_json_key_u64(&w, "new_count", v[i].new_count);
        cli_json_key_u64(&w, "new_size", v[i].new_size);
        cli_json_end_object(&w);
    }
    cli_json_end_rows(&w);
}

static void
delta_csv(const site_delta *v, size_t rows)
{
    printf("index,count_delta,size_delta,old_count,old_size,new_count,"
           "new_size,site\n");
    for (size_t i = 0; i < rows; i++) {
        printf("%zu,%lld,%lld,%llu,%llu,%llu,%llu,", i,
               cli_delta(v[i].new_count, v[i].old_count),
               cli_delta(v[i].new_size, v[i].old_size),
               (unsigned long long)v[i].old_count,
               (unsigned long long)v[i].old_size,
               (unsigned long long)v[i].new_count,
               (unsigned long long)v[i].new_size);
        cli_csv_field(v[i].key, strlen(v[i].key));
        putchar('\n');
    }
}

int
cli_site_diff(const hs_graph *old_g, const hs_graph *new_g, size_t depth,
              const cli_table *table)
{
    hs_error err;
    hs_site_summary *a = hs_site_summary_new(old_g, depth, &err), *b = NULL;
    site_delta *v;
    size_t n, rows;
    if (!a || !(b = hs_site_summary_new(new_g, depth, &err))) {
        cli_lib_error(&err);
        hs_site_summary_free(a);
        return HS_EXIT_FAILURE;
    }
    v = xmalloc((hs_site_summary_rows(a) + hs_site_summary_rows(b) + 1)
                * sizeof(*v));
    n = add_rows(v, 0, old_g, a, 0);
    n = add_rows(v, n, new_g, b, 1);
    qsort(v, n, sizeof(*v), by_key);
    n = join(v, n);
    qsort(v, n, sizeof(*v), by_growth);
    rows = cli_table_rows(table, n);
    if (table->format == CLI_FORMAT_JSON) {
        delta_json(v, rows, depth);
    } else if (table->format == CLI_FORMAT_CSV) {
        delta_csv(v, rows);
    } else {
        delta_text(v, rows);
    }
    for (size_t i = 0; i < n; i++) {
        free(v[i].key);
    }
    free(v);
    hs_site_summary_free(a);
    hs_site_summary_free(b);
    return HS_EXIT_OK;
}
