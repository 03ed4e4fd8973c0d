/*
 * hs_scan.h - reading the lines of one input (or one slice of it) into a
 * partial graph.
 *
 * A scan appends each record as a node, in file order, and its refs (still
 * addresses) to one growing u64 array; resolving addresses to ids is the
 * job of hs_link, after every slice has been read. A large plain file is
 * read by several scans at once, one per thread and slice (hs_read.c),
 * whose results hs_scan_merge concatenates. A scan never calls back into
 * the caller (warnings are recorded, progress is a counter), so it may
 * run on any thread.
 */
#ifndef HS_SCAN_H
#define HS_SCAN_H

#include <heapscope.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "hs_graph_internal.h"
#include "../io/hs_input.h"
#include "../parse/hs_line.h"
#include "../util/hs_threads.h"

/* Refs of a merged scan: those of nodes first_node on, refs first_ref on
 * of the whole. */
typedef struct hs_ref_tail {
    hs_u64vec refs;
    uint32_t first_node;
    size_t first_ref;
} hs_ref_tail;

typedef struct hs_scan {
    hs_allocator alloc;       /* for the arrays below */
    hs_graph *g;              /* the nodes read so far */
    const hs_load_options *opts;
    hs_input *in;
    hs_line_parser lp;
    hs_u64vec refs;           /* every record's refs, as addresses */
    /* The refs of scans merged into this one, kept apart until hs_link
     * resolves them (a copy saved: see hs_merge.c). */
    hs_ref_tail tail[HS_MAX_THREADS];
    unsigned ntails;
    uint32_t *counts;         /* refs per node */
    size_t counts_alloc;
    /* While hs_link works: the counts a byte each (counts is NULL then),
     * those of 255 and more in big_counts, by id. */
    uint8_t *counts8;
    size_t counts8_alloc;
    hs_wide big_counts;
    char *fixbuf;             /* scratch for mojibake repair */
    size_t fixbuf_alloc;
    bool seen_content;        /* a record or header was read */
    bool stream_truncated;    /* the compressed stream ended early */
    hs_error err;             /* this scan's failure, lines local */
    _Atomic uint64_t consumed; /* input bytes read, for progress */
    /* Called on the scanning thread about every megabyte when set (a
     * sequential load reports progress through it). */
    void (*tick)(struct hs_scan *s, void *ctx);
    void *tick_ctx;
    /* The input's size in bytes when it is known before the read (a
     * plain file or slice: see reserve_ahead in hs_scan.c), and the
     * bytes whose nodes end in this scan's graph (more than the input's
     * for the first slice, which the others are merged into). 0: not
     * known, the arrays only grow by doubling. */
    uint64_t input_bytes, node_bytes;
    bool reserved;             /* reserve_ahead has run */
    /* Prefaulted up to (map_ahead): nodes, refs, bytes of text. */
    size_t mapped_nodes, mapped_refs, mapped_text;
} hs_scan;

/* Prepares a scan reading in (taken over on success: then freed by
 * hs_scan_release; on failure the caller still owns it). The
 * scan's graph uses the allocator a. HS_ENOMEM on failure. */
int hs_scan_init(hs_scan *s, const hs_load_options *opts, hs_input *in,
                 const hs_allocator *a);
/* Closes the input once every line is read (its buffers and read-ahead
 * thread: 12 MiB and more), before the linking that is the load's peak.
 * hs_scan_release does it otherwise. */
void hs_scan_end_input(hs_scan *s);
/* Frees everything the scan still owns (set s->g to NULL first to keep
 * the graph). */
void hs_scan_release(hs_scan *s);

/* How many refs s holds, tails included. */
size_t hs_scan_refs(const hs_scan *s);

/* Reads every line. Returns HS_OK or a negative status with s->err set
 * (line numbers local to the scan's input). */
int hs_scan_lines(hs_scan *s);

/* Appends everything `from` read to `into` (type ids, text offsets and
 * side tables remapped), copying on up to `threads` threads, then
 * releases `from` (also on failure). */
int hs_scan_merge(hs_scan *into, hs_scan *from, unsigned threads);

/* "3.11.7", "3.13.0rc1", "3.12.1+" or "" (not recorded): what
 * sys.version_info gives a heapscope dumper (CPython 3 only). Anything
 * else, an escape sequence above all, is a header (or a snapshot)
 * heapscope did not write. */
bool hs_plausible_python(const char *v);

#endif
