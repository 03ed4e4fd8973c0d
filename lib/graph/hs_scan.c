/*
 * hs_scan.c - lines to nodes (see hs_scan.h).
 */
#include "hs_scan.h"
#include "hs_sitetab.h"

#include "../io/hs_input.h"
#include "../io/hs_sniff.h"
#include "../parse/hs_text.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* How often (in bytes of input) the progress counter is refreshed. */
#define COUNTER_EVERY (1u << 20)

int
hs_scan_init(hs_scan *s, const hs_load_options *opts, hs_input *in,
             const hs_allocator *a)
{
    memset(s, 0, sizeof(*s));
    s->alloc = a ? *a : hs_default_allocator;
    s->opts = opts;
    s->g = hs_graph_new(a);
    if (!s->g) {
        return HS_ENOMEM; /* in is not taken over: the caller frees it */
    }
    s->in = in;
    hs_line_parser_init(&s->lp, &s->alloc);
    return HS_OK;
}

void
hs_scan_release(hs_scan *s)
{
    const hs_allocator *a = &s->alloc;
    if (!a->malloc) {
        return; /* never initialised */
    }
    hs_input_free(s->in);
    hs_line_parser_release(&s->lp);
    hs_mfree(a, s->refs.v);
    for (unsigned k = 0; k < s->ntails; k++) {
        hs_mfree(a, s->tail[k].refs.v);
    }
    s->ntails = 0;
    hs_mfree(a, s->counts);
    hs_mfree(a, s->counts8);
    hs_wide_release(&s->big_counts, a);
    s->counts8 = NULL;
    hs_mfree(a, s->fixbuf);
    hs_graph_free(s->g);
    s->in = NULL;
    s->g = NULL;
    s->refs.v = NULL;
    s->counts = NULL;
    s->fixbuf = NULL;
}

void
hs_scan_end_input(hs_scan *s)
{
    hs_input_free(s->in);
    s->in = NULL;
}

size_t
hs_scan_refs(const hs_scan *s)
{
    size_t m = s->refs.len;
    for (unsigned k = 0; k < s->ntails; k++) {
        m += s->tail[k].refs.len;
    }
    return m;
}

/* Fails with err positioned at the current line. */
static int
line_error(hs_scan *s, int code, uint64_t column)
{
    hs_error_at(&s->err, hs_input_lineno(s->in), column,
                hs_input_line_offset(s->in));
    s->err.code = code;
    if (!s->err.message[0]) {
        hs_error_set(&s->err, code, "%s", hs_strerror(code));
    }
    return code;
}

static int
scratch(hs_scan *s, size_t len)
{
    return HS_GROW(s->g->a, s->fixbuf, len + 1, s->fixbuf_alloc);
}

/* Interns a type string, repairing meliae's mojibake (docs/format.md §1.3). */
static int
intern_type(hs_scan *s, const char *t, size_t len, uint32_t *id)
{
    size_t fixed;
    if (hs_text_has_high(t, len)) {
        HS_TRY(scratch(s, len));
        if (hs_text_repair_mojibake(t, len, s->fixbuf, &fixed)) {
            t = s->fixbuf;
            len = fixed;
        }
    }
    return hs_strtab_intern(&s->g->types, t, len, id);
}

static int
ensure_sites(hs_scan *s)
{
    if (!s->g->sites && !(s->g->sites = hs_sitetab_new(s->g->a))) {
        return hs_error_set(&s->err, HS_ENOMEM, "out of memory");
    }
    return HS_OK;
}

/* Appends a record as a node. Duplicates are found later, in one batch
 * (hs_link): a lookup per line here would cost two cache misses per
 * record while the parse is otherwise streaming. */
static int
add_record(hs_scan *s, const hs_record *rec)
{
    hs_graph *g = s->g;
    uint32_t id, type;
    const char *name = rec->name;
    size_t name_len = rec->name_len;
    if (rec->nrefs > UINT32_MAX - 1) {
        return hs_error_set(&s->err, HS_ELIMIT, "more than 4 G refs in one "
                            "record");
    }
    HS_TRY(intern_type(s, rec->type, rec->type_len, &type));
    HS_TRY(hs_graph_add_node(g, rec->address, &id));
    HS_TRY(HS_GROW(g->a, s->counts, (size_t)id + 2, s->counts_alloc));
    s->counts[id] = (uint32_t)rec->nrefs;
    g->type[id] = type;
    HS_TRY(hs_graph_set_size(g, id, rec->size));
    HS_TRY(hs_graph_set_len(g, id, rec->len));
    HS_TRY(hs_graph_set_unset_slots(g, id, rec->unset_slots));
    /* Function names come from the text escaper: never mojibake. */
    if (name && hs_text_has_high(name, name_len)
        && !(rec->type_len == 8 && memcmp(rec->type, "function", 8) == 0)) {
        size_t fixed;
        HS_TRY(scratch(s, name_len));
        if (hs_text_repair_mojibake(name, name_len, s->fixbuf, &fixed)) {
            name = s->fixbuf;
            name_len = fixed;
        }
    }
    if (name || rec->value) {
        HS_TRY(hs_graph_set_text(g, id, name, name_len, rec->value,
                                 rec->value_len,
                                 rec->value_is_int ? HS_VALUE_INT
                                                   : HS_VALUE_TEXT));
    }
    if (rec->tb) {
        /* Checked against the tables once all are read (hs_read.c): a
         * slice may use a traceback another slice defines. */
        HS_TRY(ensure_sites(s));
        HS_TRY(hs_wide_set(&g->site, g->a, id, rec->tb));
    }
    return HS_OK;
}

/* A frame or traceback line: one more definition (docs/format.md §7). */
static int
add_site_line(hs_scan *s)
{
    const hs_line_parser *p = &s->lp;
    HS_TRY(ensure_sites(s));
    if (p->site_is_frame) {
        return hs_sitetab_add_frame(s->g->sites, p->site_id, p->value.data,
                                    p->value.len, p->site_line, &s->err);
    }
    return hs_sitetab_add_traceback(s->g->sites, p->site_id, p->site_frames,
                                    p->site_nframes, &s->err);
}

bool
hs_plausible_python(const char *v)
{
    const char *p = v;
    if (!*v) {
        return true; /* not recorded */
    }
    if (p[0] != '3' || p[1] != '.' || !isdigit((unsigned char)p[2])) {
        return false;
    }
    for (p += 2; *p; p++) {
        if (!isdigit((unsigned char)*p) && !islower((unsigned char)*p)
            && *p != '.' && *p != '+') {
            return false;
        }
    }
    return true;
}

static int
take_header(hs_scan *s, const hs_header *h)
{
    hs_graph *g = s->g;
    if (s->seen_content) {
        hs_error_set(&s->err, HS_EPARSE, "a heapscope header line may only "
                     "come first");
        return line_error(s, HS_EPARSE, 1);
    }
    if (h->version != 1) {
        hs_error_set(&s->err, HS_EUNSUPPORTED, "heapscope dump format "
                     "version %lld is not supported (this heapscope reads "
                     "version 1)", (long long)h->version);
        return line_error(s, HS_EUNSUPPORTED, 1);
    }
    if (h->pointer_size != -1 && h->pointer_size != 4
        && h->pointer_size != 8) {
        hs_error_set(&s->err, HS_EPARSE, "impossible pointer_size %lld in "
                     "the heapscope header (4 or 8)",
                     (long long)h->pointer_size);
        return line_error(s, HS_EPARSE, 1);
    }
    if (!hs_plausible_python(h->python)) {
        hs_error_set(&s->err, HS_EPARSE, "impossible python version in the "
                     "heapscope header (a CPython 3 version such as 3.11.7)");
        return line_error(s, HS_EPARSE, 1);
    }
    g->stats.has_header = 1;
    g->stats.dump_time = h->time;
    g->stats.pid = h->pid;
    memcpy(g->stats.python_version, h->python, sizeof(h->python));
    g->stats.rss_bytes = h->rss;
    g->stats.allocated_blocks = h->allocated_blocks;
    g->stats.pymalloc_arenas = h->pymalloc_arenas;
    g->stats.pymalloc_arena_bytes = h->pymalloc_arena_bytes;
    g->stats.pymalloc_block_bytes = h->pymalloc_block_bytes;
    return HS_OK;
}

/* The first line of a file is no record: add what the file looks like,
 * since it is more likely the wrong file than a damaged dump. */
static void
say_what_it_is(hs_scan *s)
{
    size_t len, used = strlen(s->err.message);
    const unsigned char *head = hs_input_head(s->in, &len);
    char what[256];
    if (len && head[0] == '{') {
        return; /* a JSON object: a damaged record, the message says how */
    }
    hs_sniff_describe(head, len, what, sizeof(what));
    snprintf(s->err.message + used, sizeof(s->err.message) - used,
             " (is it a dump? it looks like %s)", what);
}

/* A line that failed to parse: fatal, skipped, or (the last line of a dump
 * cut short) dropped; hs_read warns about it. */
static int
bad_line(hs_scan *s, int rc, bool complete)
{
    hs_load_stats *st = &s->g->stats;
    if (rc != HS_EPARSE) {
        return line_error(s, rc, 0);
    }
    if (!complete) {
        st->truncated_line = hs_input_lineno(s->in);
        return HS_OK;
    }
    if (s->opts->flags & HS_LOAD_SKIP_BAD_LINES) {
        st->bad_lines++;
        return HS_OK;
    }
    if (!s->seen_content && hs_input_lineno(s->in) == 1) {
        say_what_it_is(s);
    }
    return line_error(s, rc, s->err.column);
}

/* MARK: room reserved ahead */

/* Bytes read before the arrays are sized from them: enough lines to
 * stand for the rest, and little enough that the doubling before it
 * copies only a few megabytes. */
#define SAMPLE_BYTES (8u << 20)

/* Scales count, seen in `seen` bytes, to `total` bytes, with a quarter
 * more for a sample that was lighter than the rest. */
static size_t
project(size_t count, uint64_t seen, uint64_t total)
{
    double n = (double)count * (double)total / (double)seen * 1.25 + 1024.0;
    return n < (double)(UINT32_MAX - 2) ? (size_t)n : (size_t)UINT32_MAX - 2;
}

/* Arrays that grow by doubling copy themselves at every step, and each
 * copy faults in fresh pages: on the 7.8 M-object benchmark that was a
 * tenth of the load's time. Once a sample of the input is read, the node
 * arrays, the refs-per-node counts and the refs are reserved for what the
 * whole input will likely hold at the sample's rate. A guess too high
 * costs address space only (pages never written are never faulted in,
 * and the load gives the slack back); one too low, or a reservation the
 * system refuses, leaves the doubling to go on as before. */
static void
reserve_ahead(hs_scan *s)
{
    uint64_t seen = hs_input_text_bytes(s->in);
    size_t nodes;
    s->reserved = true;
    if (!s->input_bytes || seen >= s->input_bytes / 2 || !s->g->n) {
        return; /* unknown size, or most of it read: nothing to gain */
    }
    nodes = project(s->g->n, seen, s->node_bytes);
    if (hs_graph_reserve(s->g, nodes) == HS_OK) {
        (void)HS_GROW(s->g->a, s->counts, nodes + 2, s->counts_alloc);
    }
    (void)HS_GROW(s->g->a, s->refs.v, project(s->refs.len, seen,
                                              s->input_bytes),
                  s->refs.alloc);
    /* The values' text: merged too, like the nodes. */
    (void)hs_textpool_reserve(&s->g->texts, project(s->g->texts.len, seen,
                                                    s->node_bytes));
}

/* Maps the pages the next stretch of input will write, in one call per
 * array rather than one fault per page (a page fault is the dearest
 * part of a first write, and the arrays are written once, in order):
 * (nodes, refs and the values' text)
 * when less than a tick's worth is mapped ahead, four ticks' worth at
 * the rate seen so far (in batches, since a call for a page or two
 * costs more than the faults). Only within what reserve_ahead
 * reserved, so a reservation never becomes resident before it is
 * used. */
/* Whether an array with len of alloc elements used, mapped up to
 * `mapped`, has less than a tick's worth mapped ahead; then [*have,
 * *want) is the stretch to map next. */
static bool
window(size_t len, size_t alloc, size_t mapped, uint64_t seen, size_t *have,
       size_t *want)
{
    if (mapped >= len + project(len, seen, COUNTER_EVERY)) {
        return false;
    }
    *want = len + project(len, seen, 4 * COUNTER_EVERY);
    *want = *want < alloc ? *want : alloc;
    *have = mapped > len ? mapped : len;
    return *want > *have;
}

static void
map_ahead(hs_scan *s)
{
    hs_graph *g = s->g;
    uint64_t seen = hs_input_text_bytes(s->in);
    size_t have, want;
    if (!seen) {
        return;
    }
    if (window(g->n, g->cap, s->mapped_nodes, seen, &have, &want)) {
#define AHEAD(arr) hs_prefault(g->arr + have, (want - have) * sizeof(*g->arr))
        AHEAD(addr);
        AHEAD(type);
        AHEAD(size);
        AHEAD(len);
        AHEAD(text);
        AHEAD(flags);
#undef AHEAD
        if (want + 2 <= s->counts_alloc) {
            hs_prefault(s->counts + have, (want - have) * sizeof(*s->counts));
        }
        s->mapped_nodes = want;
    }
    if (window(g->texts.len, g->texts.alloc, s->mapped_text, seen, &have,
               &want)) {
        hs_prefault(g->texts.data + have, want - have);
        s->mapped_text = want;
    }
    if (window(s->refs.len, s->refs.alloc, s->mapped_refs, seen, &have,
               &want)) {
        hs_prefault(s->refs.v + have, (want - have) * sizeof(*s->refs.v));
        s->mapped_refs = want;
    }
}

int
hs_scan_lines(hs_scan *s)
{
    hs_record rec;
    hs_header hdr;
    const char *line;
    size_t len;
    bool complete;
    uint64_t next_count = COUNTER_EVERY;
    int rc;
    while ((rc = hs_input_line(s->in, &line, &len, &complete, &s->err)) > 0) {
        rc = hs_line_parse(&s->lp, line, len, &rec, &hdr, &s->refs, &s->err);
        if (rc == HS_LINE_RECORD) {
            s->seen_content = true;
            s->g->stats.records++;
            rc = add_record(s, &rec);
            if (rc < 0) {
                return line_error(s, rc, 0);
            }
        } else if (rc == HS_LINE_HEADER) {
            HS_TRY(take_header(s, &hdr));
            s->seen_content = true;
        } else if (rc == HS_LINE_SITES) {
            rc = add_site_line(s);
            if (rc < 0) {
                return line_error(s, rc, 1);
            }
            s->seen_content = true;
        } else if (rc < 0) {
            HS_TRY(bad_line(s, rc, complete));
        }
        if (hs_input_text_bytes(s->in) >= next_count) {
            if (!s->reserved && hs_input_text_bytes(s->in) >= SAMPLE_BYTES) {
                reserve_ahead(s);
            }
            if (s->reserved) {
                map_ahead(s);
            }
            atomic_store_explicit(&s->consumed, hs_input_consumed(s->in),
                                  memory_order_relaxed);
            next_count = hs_input_text_bytes(s->in) + COUNTER_EVERY;
            if (s->tick) {
                s->tick(s, s->tick_ctx);
            }
        }
    }
    if (rc < 0) {
        /* The input failed while reading the next line: name that one. */
        hs_error_at(&s->err, hs_input_lineno(s->in) + 1, 0,
                    hs_input_text_bytes(s->in));
        return rc;
    }
    s->g->stats.lines = hs_input_lineno(s->in);
    s->g->stats.input_bytes = hs_input_text_bytes(s->in);
    s->g->stats.file_bytes = hs_input_consumed(s->in);
    atomic_store_explicit(&s->consumed, hs_input_consumed(s->in),
                          memory_order_relaxed);
    s->stream_truncated = hs_input_truncated(s->in);
    return HS_OK;
}
