/*
 * hs_line.h - one meliae JSON line -> one record.
 *
 * Two scanners share the primitives of hs_json.h. The fast one expects
 * exactly what meliae's scanner writes (key order, ", " and ": "
 * separators; docs/format.md §1.1) and never allocates unless a string has
 * escapes. When a line deviates in any way it hands over to the general
 * one, which accepts any key order, spacing and unknown keys, and which
 * alone produces error messages: so a line is only ever rejected by a
 * real JSON parser.
 */
#ifndef HS_LINE_H
#define HS_LINE_H

#include <heapscope.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hs_json.h"

/* What one line held. Strings are borrowed from the line or from the
 * parser's scratch space, until the next hs_line_parse. */
typedef struct hs_record {
    uint64_t address;
    uint64_t size;
    int64_t len;             /* HS_NO_LEN when absent */
    const char *type;
    size_t type_len;
    const char *name;        /* NULL when absent */
    size_t name_len;
    const char *value;       /* NULL when absent */
    size_t value_len;
    bool value_is_int;       /* value was a JSON integer (its digits) */
    uint64_t nrefs;          /* refs appended to the caller's array */
    /* "unset_slots" (heapscope's dumper, docs/format.md §6): bit i for
     * member slot i; UINT64_MAX when a position past 62 was listed. */
    uint64_t unset_slots;
    uint32_t tb;             /* allocation traceback id, 0 when absent */
} hs_record;

/* The heapscope header line (docs/format.md §6). */
typedef struct hs_header {
    int64_t version;
    int64_t pointer_size;
    int64_t time;
    int64_t pid;
    char python[32];
    /* memory members (docs/format.md §6), -1 when absent */
    int64_t rss, allocated_blocks, pymalloc_arenas, pymalloc_arena_bytes,
        pymalloc_block_bytes;
} hs_header;

/* A growable array of addresses: the refs of every record, appended. */
typedef struct hs_u64vec {
    uint64_t *v;
    size_t len, alloc;
} hs_u64vec;

typedef struct hs_line_parser {
    const hs_allocator *a;
    hs_jstr type, name, value, key;
    bool fallback_used;      /* statistics: lines the fast path declined */
    uint64_t fallbacks;
    /* The last HS_LINE_SITES line (docs/format.md §7): a frame (file in
     * `value`, line) or a traceback (its frame ids), by id. */
    bool site_is_frame;
    uint32_t site_id, site_line;
    uint32_t *site_frames;
    size_t site_nframes, site_frames_alloc;
} hs_line_parser;

typedef enum hs_line_kind {
    HS_LINE_SKIP = 0,   /* blank, "[" or "]": nothing to load */
    HS_LINE_RECORD = 1,
    HS_LINE_HEADER = 2,
    HS_LINE_SITES = 3   /* a frame or traceback line (docs/format.md §7) */
} hs_line_kind;

void hs_line_parser_init(hs_line_parser *p, const hs_allocator *a);
void hs_line_parser_release(hs_line_parser *p);

/* Parses one line (without its newline). Returns an hs_line_kind, or
 * HS_EPARSE with err's message and column set ("expected ..."), or
 * HS_ENOMEM. Refs are appended to refs (rec->nrefs of them); on error
 * refs is left as it was. */
int hs_line_parse(hs_line_parser *p, const char *line, size_t len,
                  hs_record *rec, hs_header *hdr, hs_u64vec *refs,
                  hs_error *err);

#endif
