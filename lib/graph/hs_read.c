/*
 * hs_read.c - reading a dump into a graph: the scans, then the links.
 *
 * A large plain file is cut into slices at line boundaries, one per
 * thread, and each slice is scanned on its own thread into a partial graph
 * (hs_scan); the partials are merged in file order, so ids are what one
 * sequential scan would give. Compressed input and pipes are scanned by
 * the calling thread. Then hs_link resolves refs, and the dialect is
 * detected and dicts tagged.
 *
 * Errors and warnings are reported with line numbers of the whole file:
 * a slice counts its lines from 1, and the lines of the slices before it
 * are added once they are all known (only the first failing slice counts,
 * and every slice before it has been read to its end).
 */
#include "hs_read.h"

#include "hs_dialect.h"
#include "hs_link.h"
#include "hs_sitetab.h"
#include "hs_scan.h"
#include "../io/hs_input.h"
#include "../io/hs_sniff.h"
#include "../util/hs_clock.h"
#include "../util/hs_bigblock.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_LINE (1ull << 30)
#define PROGRESS_EVERY (4u << 20)
/* Smaller files are not worth a thread: reading 32 MiB takes ~0.1 s. */
#define PARALLEL_MIN (32u << 20)

/* The options' defaults live with their first reader, so that reading
 * (this layer) needs nothing from the passes above it. */
void
hs_load_options_init(hs_load_options *opts)
{
    memset(opts, 0, sizeof(*opts));
}

typedef struct load {
    const char *path;
    const hs_load_options *opts;
    const hs_allocator *a;
    uint64_t max_line;
    uint64_t file_size;
    uint64_t next_progress;
    hs_error *err;
} load;

typedef struct slice {
    hs_scan scan;
    uint64_t start, end;  /* byte range in the file */
    int rc;
} slice;

/* The slices of one load, as the parts of a parallel job. */
typedef struct slices {
    load *l;
    slice *sl;
    unsigned n;
} slices;

static void
warn(const load *l, int code, uint64_t line, const char *msg)
{
    hs_error w;
    if (!l->opts->warning) {
        return;
    }
    hs_error_clear(&w);
    hs_error_path(&w, l->path);
    w.code = code;
    w.line = line;
    snprintf(w.message, sizeof(w.message), "%s", msg);
    l->opts->warning(l->opts->warning_ctx, &w);
}

static void
report(load *l, uint64_t done, uint64_t records)
{
    if (l->opts->progress && done >= l->next_progress) {
        l->opts->progress(l->opts->progress_ctx, done, l->file_size, records);
        l->next_progress = done + PROGRESS_EVERY;
    }
}

static void
tick(hs_scan *s, void *ctx)
{
    report(ctx, atomic_load_explicit(&s->consumed, memory_order_relaxed),
           s->g->stats.records);
}

/* Copies a scan's error to the caller's, shifted to whole-file lines. */
static int
fail(load *l, const hs_scan *s, uint64_t line_base, uint64_t offset_base)
{
    if (l->err) {
        char path[sizeof(l->err->path)];
        memcpy(path, l->err->path, sizeof(path));
        *l->err = s->err;
        memcpy(l->err->path, path, sizeof(path));
        if (l->err->line) {
            l->err->line += line_base;
            l->err->offset += offset_base;
        }
    }
    return s->err.code ? s->err.code : HS_EIO;
}

/* MARK: slices */

/* The first line start at or after pos (end when there is none). */
static int
next_line_start(int fd, uint64_t pos, uint64_t end, uint64_t *out)
{
    char buf[1 << 16];
    while (pos < end) {
        ssize_t n = pread(fd, buf, sizeof(buf), (off_t)pos);
        char *nl;
        if (n <= 0) {
            return HS_EIO;
        }
        nl = memchr(buf, '\n', (size_t)n);
        if (nl) {
            *out = pos + (uint64_t)(nl - buf) + 1;
            return HS_OK;
        }
        pos += (uint64_t)n;
    }
    *out = end;
    return HS_OK;
}

/* Cuts [0, size) into at most n slices at line starts; returns how many. */
static unsigned
cut_slices(const char *path, uint64_t size, unsigned n, slice *sl)
{
    FILE *f = fopen(path, "rb");
    unsigned k = 0;
    uint64_t start = 0;
    if (!f) {
        return 0;
    }
    for (unsigned i = 1; i <= n; i++) {
        uint64_t end = size;
        if (i < n && next_line_start(fileno(f), size / n * i, size, &end) < 0) {
            fclose(f);
            return 0;
        }
        if (end > start) {
            sl[k].start = start;
            sl[k].end = end;
            k++;
            start = end;
        }
    }
    fclose(f);
    return k;
}

static int
run_slice(void *ctx, unsigned part)
{
    slice *s = &((slices *)ctx)->sl[part];
    const hs_load_stats *st;
    /* The first slice's arrays become the graph's (hs_merge.c), read at
     * random for as long as it lives: on huge pages. The others' are
     * written and read in order, once, then freed: on small pages, which
     * cost less to clear and round nothing up at the peak of memory
     * (hs_bigblock.h). */
    if (part > 0) {
        hs_big_small_pages(true);
    }
    s->rc = hs_scan_lines(&s->scan);
    if (part > 0) {
        hs_big_small_pages(false);
    }
    st = &s->scan.g->stats;
    /* Done reading: the input's buffers go now, not when the slowest
     * slice is done too, which is when the slices hold the most. The
     * first slice's head is kept when check_not_a_dump may need it. */
    if (part > 0 || st->records || st->has_header) {
        hs_scan_end_input(&s->scan);
    }
    return s->rc;
}

static unsigned
thread_count(const hs_load_options *opts)
{
    return hs_threads(opts->threads);
}

/* Slice 0 runs on the caller's thread, where progress is reported: its
 * ticks report the bytes read by all slices. */
static void
tick_slices(hs_scan *s, void *ctx)
{
    const slices *all = ctx;
    uint64_t done = 0;
    (void)s;
    for (unsigned i = 0; i < all->n; i++) {
        done += atomic_load_explicit(&all->sl[i].scan.consumed,
                                     memory_order_relaxed);
    }
    report(all->l, done, 0);
}

/* Scans the slices on threads and merges them into sl[0]. */
static int
scan_parallel(load *l, slice *sl, unsigned n)
{
    slices all = {l, sl, n};
    uint64_t lines = 0;
    int rc = HS_OK;
    for (unsigned i = 0; i < n && rc == 0; i++) {
        hs_input *in;
        rc = hs_input_open_range(&in, l->path, sl[i].start, sl[i].end, l->a,
                                 l->max_line, l->err);
        if (rc == 0 && (rc = hs_scan_init(&sl[i].scan, l->opts, in, l->a)) < 0) {
            hs_input_free(in);
        }
        /* A header may only open the file, not a slice. */
        sl[i].scan.seen_content = i > 0;
        sl[i].scan.input_bytes = sl[i].end - sl[i].start;
        /* The later slices are merged into the first. */
        sl[i].scan.node_bytes = i == 0 ? l->file_size
                                       : sl[i].scan.input_bytes;
    }
    sl[0].scan.tick = tick_slices;
    sl[0].scan.tick_ctx = &all;
    if (rc == 0) {
        hs_parallel_for(n, run_slice, &all); /* errors: in sl[i].rc */
    }
    for (unsigned i = 0; i < n && rc == 0; i++) {
        if (sl[i].rc < 0) {
            rc = fail(l, &sl[i].scan, lines, sl[i].start);
        }
        lines += sl[i].scan.g->stats.lines;
    }
    for (unsigned i = 1; i < n; i++) {
        if (rc == 0) {
            rc = hs_scan_merge(&sl[0].scan, &sl[i].scan,
                                   thread_count(l->opts));
            if (rc < 0) {
                /* A site table clash says which id in the scan's error. */
                hs_error_set(l->err, rc, "%s while merging slices",
                             sl[0].scan.err.message[0]
                                 ? sl[0].scan.err.message : hs_strerror(rc));
            }
        } else {
            hs_scan_release(&sl[i].scan);
        }
    }
    return rc;
}

/* MARK: after the scans */

/* Gives back the slack of arrays that grew by doubling. */
static void
trim_nodes(hs_graph *g)
{
    size_t n = g->n ? g->n : 1;
    void *p;
#define TRIM(arr) \
    if ((p = hs_realloc(g->a, g->arr, n * sizeof(*g->arr))) != NULL) { \
        g->arr = p; \
    }
    TRIM(addr);
    TRIM(type);
    TRIM(size);
    TRIM(len);
    TRIM(text);
    TRIM(flags);
#undef TRIM
    g->cap = n;
    hs_textpool_trim(&g->texts);
}

/* A file with content but no record and no header is not a dump (noise,
 * a JSON array, a pickle: with no newline it reads as one truncated line
 * and would load as an empty dump). An empty or blank file is an empty
 * dump. */
static int
check_not_a_dump(load *l, hs_scan *s, hs_compression compression)
{
    const hs_load_stats *st = &s->g->stats;
    char what[256];
    size_t len;
    const unsigned char *head;
    if (st->records || st->has_header) {
        return HS_OK; /* the input may be closed already (run_slice) */
    }
    head = hs_input_head(s->in, &len);
    if (len < HS_INPUT_HEAD && hs_sniff_blank(head, len)) {
        return HS_OK;
    }
    hs_sniff_describe(head, len, what, sizeof(what));
    return hs_error_set(l->err, HS_EPARSE, "not a heap dump: no meliae "
                        "record in %llu bytes%s%s; it looks like %s",
                        (unsigned long long)st->input_bytes,
                        compression != HS_COMPRESSION_NONE ? " of " : "",
                        compression != HS_COMPRESSION_NONE
                            ? hs_compression_name(compression) : "",
                        what);
}

/* Every traceback names defined frames and every traced record a
 * defined traceback: ids from another slice can only be checked now. */
static int
check_sites(load *l, const hs_graph *g)
{
    if (!g->sites) {
        return HS_OK;
    }
    HS_TRY(hs_sitetab_check(g->sites, l->err));
    for (size_t i = 0; i < g->site.len; i++) {
        uint64_t tb = g->site.vals[i];
        if (!hs_sitetab_has_traceback(g->sites, (uint32_t)tb)) {
            return hs_error_set(l->err, HS_EPARSE, "the record of address "
                                "%llu names traceback %llu, which no line "
                                "defines",
                                (unsigned long long)g->addr[g->site.ids[i]],
                                (unsigned long long)tb);
        }
    }
    return HS_OK;
}

static int
finish(load *l, hs_scan *s, hs_compression compression)
{
    hs_graph *g = s->g;
    double t0 = hs_seconds();
    const hs_load_stats *st = &g->stats;
    uint64_t *by_type;
    int rc;
    HS_TRY(check_not_a_dump(l, s, compression));
    /* The reading is done: its buffers go before the linking, which is
     * the load's peak of memory. */
    hs_scan_end_input(s);
    hs_mem_trim(g->a);
    HS_TRY(hs_link_records(s, thread_count(l->opts), l->err));
    HS_TRY(check_sites(l, g));
    if (l->opts->flags & HS_LOAD_NO_ADDRESS_INDEX) {
        hs_graph_drop_index(g);
    }
    g->stats.resolve_seconds = hs_seconds() - t0;
    trim_nodes(g);
    g->stats.compression = compression;
    /* One count serves the stats and the dialect's guess. */
    rc = hs_graph_count_stats(g, &by_type);
    if (rc == HS_ELIMIT) {
        hs_mfree(g->a, by_type);
        return hs_error_set(l->err, rc, "the objects' sizes add up to more "
                            "than 2^63-1 bytes (8 EiB): no heap is that "
                            "big, so the sizes are not real");
    }
    HS_TRY(rc);
    if (l->opts->dialect != HS_DIALECT_AUTO) {
        g->dialect = l->opts->dialect;
    } else if (st->has_header) {
        g->dialect = HS_DIALECT_HEAPSCOPE;
    } else {
        g->dialect = hs_dialect_detect(g, by_type);
    }
    hs_mfree(g->a, by_type);
    g->stats.dialect = g->dialect;
    hs_dialect_tag_dicts(g);
    HS_TRY(hs_dialect_fix_bytes(g, l->err));
    if (st->truncated_line) {
        warn(l, HS_EPARSE, st->truncated_line, "truncated last line dropped "
             "(the dump was cut short)");
    }
    if (s->stream_truncated) {
        warn(l, HS_ECORRUPT, st->lines, "the compressed stream ends early "
             "(the dump was cut short); loaded what it holds");
    }
    return HS_OK;
}

/* Reads the whole input on this thread into s; decompression (or reading
 * a pipe) runs on a second thread when more than one is allowed. */
static int
scan_sequential(load *l, hs_scan *s, hs_input *in)
{
    int rc = HS_OK;
    if (thread_count(l->opts) > 1
        && (hs_input_compression(in) != HS_COMPRESSION_NONE
            || l->file_size == 0)) {
        rc = hs_input_background(in, l->err);
    }
    if (rc == 0) {
        rc = hs_scan_init(s, l->opts, in, l->a);
    }
    if (rc < 0) {
        hs_input_free(in);
        return hs_error_set(l->err, rc, "out of memory");
    }
    s->tick = tick;
    s->tick_ctx = l;
    if (hs_input_compression(in) == HS_COMPRESSION_NONE) {
        s->input_bytes = s->node_bytes = l->file_size; /* 0 for a pipe */
    }
    rc = hs_scan_lines(s);
    return rc < 0 ? fail(l, s, 0, 0) : HS_OK;
}

hs_graph *
hs_graph_read(const char *path, const hs_load_options *opts, hs_error *err)
{
    hs_load_options defaults;
    slice sl[HS_MAX_THREADS];
    load l;
    hs_input *in;
    hs_compression kind;
    hs_graph *g;
    unsigned n = 1;
    double t0 = hs_seconds();
    int rc;
    if (!opts) {
        hs_load_options_init(&defaults);
        opts = &defaults;
    }
    hs_error_clear(err);
    hs_error_path(err, path);
    memset(&l, 0, sizeof(l));
    memset(sl, 0, sizeof(sl));
    l.path = path;
    l.opts = opts;
    l.a = opts->allocator;
    l.err = err;
    l.max_line = opts->max_line_length ? opts->max_line_length
                                       : DEFAULT_MAX_LINE;
    rc = hs_input_open(&in, path, l.a, l.max_line, err);
    if (rc < 0) {
        return NULL;
    }
    kind = hs_input_compression(in);
    l.file_size = hs_input_file_size(in);
    if (kind == HS_COMPRESSION_NONE && l.file_size >= PARALLEL_MIN
        && thread_count(opts) > 1) {
        n = cut_slices(path, l.file_size, thread_count(opts), sl);
    }
    if (n > 1) {
        hs_input_free(in);
        rc = scan_parallel(&l, sl, n);
    } else {
        rc = scan_sequential(&l, &sl[0].scan, in);
    }
    if (rc == 0) {
        sl[0].scan.g->threads = opts->threads; /* for the passes in finish */
        sl[0].scan.g->stats.parse_seconds = hs_seconds() - t0;
        rc = finish(&l, &sl[0].scan, kind);
    }
    if (rc < 0) {
        if (err && !err->message[0]) {
            hs_error_set(err, rc, "%s", hs_strerror(rc));
        }
        hs_scan_release(&sl[0].scan);
        return NULL;
    }
    g = sl[0].scan.g;
    sl[0].scan.g = NULL; /* the graph outlives the scan */
    g->threads = opts->threads;
    hs_scan_release(&sl[0].scan);
    g->stats.load_seconds = hs_seconds() - t0;
    return g;
}
