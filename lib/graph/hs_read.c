/*
 * hs_read.c - from dump lines to a graph with resolved edges.
 *
 * One pass over the input. Each record is appended as a node (ids follow
 * file order) and its refs, still addresses, go to one growing u64 array.
 * After the last line every ref is resolved to a node id in place: the
 * u64 array is rewritten as u32 from the front (a u32 written at index i
 * never overtakes the u64 read at i) and then shrunk, so the transient
 * peak is 8 bytes a ref, not 12. Refs to addresses that have no record
 * get one phantom node per address: they keep their place in refs (as
 * meliae keeps them) but traversals skip them.
 */
#include "hs_read.h"

#include "hs_dialect.h"
#include "hs_graph_internal.h"
#include "../io/hs_input.h"
#include "../parse/hs_line.h"
#include "../parse/hs_text.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define DEFAULT_MAX_LINE (1ull << 30)
#define PROGRESS_EVERY (4u << 20)

typedef struct reader {
    hs_graph *g;
    const hs_load_options *opts;
    hs_input *in;
    hs_line_parser lp;
    hs_u64vec refs;
    uint32_t *counts;   /* refs per node, then CSR offsets */
    size_t counts_alloc;
    uint32_t function_type;
    char *fixbuf;       /* scratch for mojibake repair */
    size_t fixbuf_alloc;
    uint64_t next_progress;
    bool seen_content;  /* a non-blank line was read */
    hs_error *err;
} reader;

static double
now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Fails with err positioned at the current line. */
static int
line_error(reader *r, int code, uint64_t column)
{
    hs_error_at(r->err, hs_input_lineno(r->in), column,
                hs_input_line_offset(r->in));
    if (r->err) {
        r->err->code = code;
    }
    return code;
}

static int
scratch(reader *r, size_t len)
{
    return HS_GROW(r->g->a, r->fixbuf, len + 1, r->fixbuf_alloc);
}

/* Interns a type string, repairing meliae's mojibake (FORMAT.md §1.3). */
static int
intern_type(reader *r, const char *s, size_t len, uint32_t *id)
{
    size_t fixed;
    if (hs_text_has_high(s, len)) {
        HS_TRY(scratch(r, len));
        if (hs_text_repair_mojibake(s, len, r->fixbuf, &fixed)) {
            s = r->fixbuf;
            len = fixed;
        }
    }
    return hs_strtab_intern(&r->g->types, s, len, id);
}

static int
add_record(reader *r, const hs_record *rec)
{
    hs_graph *g = r->g;
    uint32_t id, type;
    const char *name = rec->name;
    size_t name_len = rec->name_len;
    if (hs_addrindex_find(&g->index, g->addr, rec->address) != UINT32_MAX) {
        g->stats.duplicates++; /* the first record wins, as in meliae */
        r->refs.len -= rec->nrefs;
        return HS_OK;
    }
    if (rec->nrefs > UINT32_MAX - 1) {
        return hs_error_set(r->err, HS_ELIMIT, "more than 4 G refs in one "
                            "record");
    }
    HS_TRY(intern_type(r, rec->type, rec->type_len, &type));
    HS_TRY(hs_graph_add_node(g, rec->address, &id));
    HS_TRY(HS_GROW(g->a, r->counts, (size_t)id + 2, r->counts_alloc));
    r->counts[id] = (uint32_t)rec->nrefs;
    g->type[id] = type;
    HS_TRY(hs_graph_set_size(g, id, rec->size));
    HS_TRY(hs_graph_set_len(g, id, rec->len));
    if (name && type != r->function_type && hs_text_has_high(name, name_len)) {
        size_t fixed;
        HS_TRY(scratch(r, name_len));
        if (hs_text_repair_mojibake(name, name_len, r->fixbuf, &fixed)) {
            name = r->fixbuf;
            name_len = fixed;
        }
    }
    if (name || rec->value) {
        HS_TRY(hs_graph_set_text(g, id, name, name_len, rec->value,
                                 rec->value_len,
                                 rec->value_is_int ? HS_VALUE_INT
                                                   : HS_VALUE_TEXT));
    }
    HS_TRY(hs_addrindex_insert(&g->index, g->addr, id));
    if (r->function_type == UINT32_MAX && rec->type_len == 8
        && memcmp(rec->type, "function", 8) == 0) {
        r->function_type = type;
    }
    return HS_OK;
}

static int
take_header(reader *r, const hs_header *h)
{
    hs_graph *g = r->g;
    if (r->seen_content) {
        return line_error(r, hs_error_set(r->err, HS_EPARSE, "a heapscope "
                          "header line may only come first"), 1);
    }
    if (h->version != 1) {
        return line_error(r, hs_error_set(r->err, HS_EUNSUPPORTED,
                          "heapscope dump format version %lld is not "
                          "supported (this heapscope reads version 1)",
                          (long long)h->version), 1);
    }
    g->stats.has_header = 1;
    g->stats.dump_time = h->time;
    g->stats.pid = h->pid;
    memcpy(g->stats.python_version, h->python, sizeof(h->python));
    return HS_OK;
}

static void
report_progress(reader *r, uint64_t records)
{
    uint64_t done = hs_input_consumed(r->in);
    if (r->opts->progress && done >= r->next_progress) {
        r->opts->progress(r->opts->progress_ctx, done,
                          hs_input_file_size(r->in), records);
        r->next_progress = done + PROGRESS_EVERY;
    }
}

static void
warn(reader *r, int code, const char *msg, uint64_t line)
{
    hs_error w;
    if (!r->opts->warning) {
        return;
    }
    hs_error_clear(&w);
    hs_error_path(&w, r->err ? r->err->path : "");
    w.code = code;
    w.line = line;
    snprintf(w.message, sizeof(w.message), "%s", msg);
    r->opts->warning(r->opts->warning_ctx, &w);
}

/* A line that failed to parse: fatal, skipped, or (the last line of a dump
 * cut short) dropped with a warning. */
static int
bad_line(reader *r, int rc, bool complete)
{
    hs_load_stats *st = &r->g->stats;
    if (rc != HS_EPARSE) {
        return line_error(r, rc, 0);
    }
    if (!complete) {
        st->truncated_line = hs_input_lineno(r->in);
        warn(r, HS_EPARSE, "truncated last line dropped (the dump was cut "
             "short)", st->truncated_line);
        return HS_OK;
    }
    if (r->opts->flags & HS_LOAD_SKIP_BAD_LINES) {
        st->bad_lines++;
        return HS_OK;
    }
    return line_error(r, rc, r->err ? r->err->column : 0);
}

static int
read_lines(reader *r)
{
    hs_record rec;
    hs_header hdr;
    const char *line;
    size_t len;
    bool complete;
    int rc;
    while ((rc = hs_input_line(r->in, &line, &len, &complete, r->err)) > 0) {
        rc = hs_line_parse(&r->lp, line, len, &rec, &hdr, &r->refs, r->err);
        if (rc == HS_LINE_RECORD) {
            r->seen_content = true;
            r->g->stats.records++;
            rc = add_record(r, &rec);
            if (rc < 0) {
                return line_error(r, rc, 0);
            }
        } else if (rc == HS_LINE_HEADER) {
            HS_TRY(take_header(r, &hdr));
            r->seen_content = true;
        } else if (rc < 0) {
            HS_TRY(bad_line(r, rc, complete));
        }
        if ((r->g->stats.records & 0xffff) == 0) {
            report_progress(r, r->g->stats.records);
        }
    }
    if (rc < 0) {
        return line_error(r, rc, 0);
    }
    r->g->stats.lines = hs_input_lineno(r->in);
    if (hs_input_truncated(r->in)) {
        warn(r, HS_ECORRUPT, "the compressed stream ends early (the dump "
             "was cut short); loaded what it holds", r->g->stats.lines);
    }
    return HS_OK;
}

/* Resolves every ref address to a node id (see the top of this file). */
static int
resolve_refs(reader *r)
{
    hs_graph *g = r->g;
    uint64_t *v = r->refs.v;
    uint32_t *out = (uint32_t *)(void *)r->refs.v;
    size_t m = r->refs.len;
    enum { AHEAD = 16 };
    for (size_t i = 0; i < m; i++) {
        uint64_t addr;
        uint32_t id;
        if (i + AHEAD < m) {
            hs_addrindex_prefetch(&g->index, v[i + AHEAD]);
        }
        addr = v[i];
        id = hs_addrindex_find(&g->index, g->addr, addr);
        if (id == UINT32_MAX) {
            HS_TRY(hs_graph_add_node(g, addr, &id));
            HS_TRY(HS_GROW(g->a, r->counts, (size_t)id + 2, r->counts_alloc));
            r->counts[id] = 0;
            g->flags[id] = HS_NODE_PHANTOM;
            g->type[id] = UINT32_MAX;
            HS_TRY(hs_addrindex_insert(&g->index, g->addr, id));
            g->stats.dangling_addresses++;
        }
        if (g->flags[id] & HS_NODE_PHANTOM) {
            g->stats.dangling_refs++;
        }
        out[i] = id;
    }
    return HS_OK;
}

/* Moves the resolved refs and the counts into the children CSR. */
static int
build_children(reader *r)
{
    hs_graph *g = r->g;
    hs_csr c;
    size_t m = r->refs.len;
    uint32_t *t;
    int rc;
    HS_TRY(HS_GROW(g->a, r->counts, (size_t)g->n + 1, r->counts_alloc));
    /* Shrink the refs array to its u32 form. */
    t = hs_realloc(g->a, r->refs.v, m * sizeof(uint32_t));
    if (!t) {
        t = (uint32_t *)(void *)r->refs.v;
    }
    r->refs.v = NULL;
    r->refs.len = r->refs.alloc = 0;
    rc = hs_csr_from_counts(&c, g->a, r->counts, g->n, m, t);
    r->counts = NULL;
    HS_TRY(rc);
    hs_graph_set_children(g, &c);
    return HS_OK;
}

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

static int
finish(reader *r)
{
    hs_graph *g = r->g;
    uint32_t records = g->n;
    HS_TRY(resolve_refs(r));
    HS_TRY(build_children(r));
    trim_nodes(g);
    g->live = records;
    g->stats.input_bytes = hs_input_text_bytes(r->in);
    g->stats.file_bytes = hs_input_consumed(r->in);
    g->stats.compression = hs_input_compression(r->in);
    if (r->opts->dialect != HS_DIALECT_AUTO) {
        g->dialect = r->opts->dialect;
    } else if (g->stats.has_header) {
        g->dialect = HS_DIALECT_HEAPSCOPE;
    } else {
        g->dialect = hs_dialect_detect(g);
    }
    g->stats.dialect = g->dialect;
    hs_graph_update_stats(g);
    hs_dialect_tag_dicts(g);
    hs_dialect_fix_bytes(g);
    return HS_OK;
}

hs_graph *
hs_graph_read(const char *path, const hs_load_options *opts, hs_error *err)
{
    reader r;
    hs_load_options defaults;
    int rc;
    double t0 = now_seconds();
    if (!opts) {
        hs_load_options_init(&defaults);
        opts = &defaults;
    }
    hs_error_clear(err);
    hs_error_path(err, path);
    memset(&r, 0, sizeof(r));
    r.opts = opts;
    r.err = err;
    r.function_type = UINT32_MAX;
    r.g = hs_graph_new(opts->allocator);
    if (!r.g) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    }
    hs_line_parser_init(&r.lp, r.g->a);
    rc = hs_input_open(&r.in, path, r.g->a,
                       opts->max_line_length ? opts->max_line_length
                                             : DEFAULT_MAX_LINE, err);
    if (rc == 0) {
        rc = read_lines(&r);
    }
    if (rc == 0) {
        rc = finish(&r);
    }
    if (rc < 0 && err && err->code == 0) {
        hs_error_set(err, rc, "%s", hs_strerror(rc));
    }
    if (rc < 0 && err && rc == HS_ENOMEM) {
        hs_error_set(err, rc, "out of memory");
    }
    hs_input_free(r.in);
    hs_line_parser_release(&r.lp);
    hs_mfree(r.g->a, r.refs.v);
    hs_mfree(r.g->a, r.counts);
    hs_mfree(r.g->a, r.fixbuf);
    if (rc < 0) {
        hs_graph_free(r.g);
        return NULL;
    }
    r.g->stats.load_seconds = now_seconds() - t0;
    return r.g;
}
