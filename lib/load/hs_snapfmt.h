/*
 * hs_snapfmt.h - the snapshot file format (version 5).
 *
 * A snapshot holds a loaded graph so that it can be memory-mapped
 * and used in place: every array of the graph is stored as it lies in
 * memory, at a 64-byte aligned offset, in the machine's own byte order.
 *
 *     +---------------------------+ 0
 *     | header (128 bytes)        |  magic, version, byte order, pointer
 *     |                           |  size, variant, the dump's fingerprint
 *     | section table             |  nsections x 32 bytes
 *     | chunk checksums           |  nchunks x 8 bytes
 *     | (zero padding)            |
 *     +---------------------------+ 64-byte aligned
 *     | section data ...          |  each 64-byte aligned, in table order
 *     +---------------------------+ file_bytes
 *
 * Sections may come in any order, with zero padding anywhere between:
 * the writer puts first what it can write before a load's passes are
 * done, after room kept for the tables (hs_snapshot.c).
 *
 * Integrity. The header's table_checksum covers the header (with that
 * field zero), the section table and the chunk table. Every section is cut
 * into chunks of HS_SNAP_CHUNK bytes (the last one shorter), each with its
 * own checksum, so that a reader verifies all of them in parallel while
 * the bytes are in cache for the structural checks. hs_checksum detects
 * any single bit flip; file_bytes detects truncation and appended junk.
 *
 * Trust. Checksums catch damage, not malice: the reader also checks every
 * fact the graph's accessors rely on (offsets monotonic and in range,
 * every node id below n, type ids below the type count, text entries
 * inside the pool), so a crafted snapshot with good checksums is rejected or
 * yields a graph that is merely wrong, never one that reads out of bounds.
 */
#ifndef HS_SNAPFMT_H
#define HS_SNAPFMT_H

#include <heapscope.h>

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define HS_SNAP_MAGIC "\x89HSINDX\n"
#define HS_SNAP_VERSION 5u  /* 2: unset_slots sections; 3: the header's memory members in META; 4: allocation sites; 5: type rows */
#define HS_SNAP_ENDIAN 0x01020304u
#define HS_SNAP_ALIGN 64u
#define HS_SNAP_CHUNK (256u << 10)
#define HS_SNAP_MAX_SECTIONS 32u

/* What the pipeline did before the graph was stored. */
enum {
    HS_SNAP_VARIANT_COLLAPSED = 1u << 0  /* collapse_instance_dicts ran */
};

typedef struct hs_snap_header {
    char magic[8];
    uint32_t version;
    uint32_t header_bytes;   /* sizeof(hs_snap_header) */
    uint32_t endian;         /* HS_SNAP_ENDIAN as the writer stored it */
    uint32_t pointer_bytes;  /* sizeof(void *) of the writer */
    uint32_t variant;
    uint32_t nsections;
    uint64_t file_bytes;
    uint64_t nchunks;
    /* The dump this graph was read from (hs_fingerprint). */
    uint64_t dump_size;
    int64_t dump_mtime_sec;
    int64_t dump_mtime_nsec;
    uint64_t dump_sample;
    uint64_t table_checksum;
    char producer[24];       /* "heapscope X.Y.Z", NUL-padded */
    uint8_t reserved[16];
} hs_snap_header;

static_assert(sizeof(hs_snap_header) == 128, "header layout");

typedef struct hs_snap_section {
    uint32_t id;             /* hs_snap_id */
    uint32_t elem_bytes;     /* 1, 4 or 8 */
    uint64_t offset;         /* from the file's start; HS_SNAP_ALIGN'ed */
    uint64_t count;          /* elements */
    uint64_t first_chunk;    /* its first entry in the chunk table */
} hs_snap_section;

static_assert(sizeof(hs_snap_section) == 32, "section layout");

/* Sections; each appears at most once. */
typedef enum hs_snap_id {
    HS_SNAP_META = 1,    /* u64[HS_META_COUNT] */
    HS_SNAP_ADDR,        /* u64[n] */
    HS_SNAP_TYPE,        /* u32[n] */
    HS_SNAP_SIZE,        /* u32[n] */
    HS_SNAP_LEN,         /* u32[n] */
    HS_SNAP_TEXT,        /* u32[n] */
    HS_SNAP_FLAGS,       /* u8[n] */
    HS_SNAP_WSIZE_IDS,   /* u32[k], increasing */
    HS_SNAP_WSIZE_VALS,  /* u64[k] */
    HS_SNAP_WLEN_IDS,
    HS_SNAP_WLEN_VALS,
    HS_SNAP_CH_OFF,      /* u32 or u64 [n + 1] */
    HS_SNAP_CH_TARGETS,  /* u32[edges] */
    HS_SNAP_PA_OFF,
    HS_SNAP_PA_TARGETS,
    HS_SNAP_TYPE_LENS,   /* u32[types] */
    HS_SNAP_TYPE_POOL,   /* the type names, each followed by a NUL */
    HS_SNAP_TEXTPOOL,    /* the text pool's bytes */
    HS_SNAP_SLOTS,       /* u32[cap]: the address index */
    HS_SNAP_UNSET_IDS,   /* u32[k], increasing: hs_graph.unset_slots */
    HS_SNAP_UNSET_VALS,  /* u64[k] */
    HS_SNAP_SITE_IDS,    /* u32[k], increasing: hs_graph.site (traced nodes) */
    HS_SNAP_SITE_VALS,   /* u64[k]: their traceback ids */
    HS_SNAP_SITES,       /* u32 words: the site tables (hs_snapsites.c) */
    HS_SNAP_TYPE_ROWS,   /* u64[types * HS_ROW_WORDS]: what a summary
                            counts per type (graph/hs_typerows.h) */
    HS_SNAP_ID_END
} hs_snap_id;

/* The META section: graph facts and hs_load_stats, one u64 each. */
typedef enum hs_snap_meta {
    HS_META_N, HS_META_LIVE, HS_META_GRAPH_FLAGS, HS_META_DIALECT,
    HS_META_INDEX_COUNT,
    HS_META_LINES, HS_META_RECORDS, HS_META_OBJECTS, HS_META_REFERENCES,
    HS_META_DUPLICATES, HS_META_DANGLING_REFS, HS_META_DANGLING_ADDRESSES,
    HS_META_BAD_LINES, HS_META_TRUNCATED_LINE, HS_META_COLLAPSED,
    HS_META_INPUT_BYTES, HS_META_FILE_BYTES, HS_META_TYPES,
    HS_META_ST_DIALECT, HS_META_COMPRESSION, HS_META_HAS_HEADER,
    HS_META_DUMP_TIME, HS_META_PID,
    HS_META_DICTS_KV, HS_META_DICTS_VK, HS_META_DICTS_VALUES,
    HS_META_DICTS_EMPTY, HS_META_DICTS_UNKNOWN,
    HS_META_PYTHON,                 /* 4 words: python_version[32] */
    HS_META_LOAD_SECONDS = HS_META_PYTHON + 4, /* double bits */
    HS_META_RSS, HS_META_ALLOCATED_BLOCKS, HS_META_PYMALLOC_ARENAS,
    HS_META_PYMALLOC_ARENA_BYTES, HS_META_PYMALLOC_BLOCK_BYTES,
    HS_META_COUNT
} hs_snap_meta;

/* Bits of HS_META_GRAPH_FLAGS. */
enum {
    HS_SNAP_HAVE_PARENTS = 1u << 0,
    HS_SNAP_EXPENSIVE_REMOVED = 1u << 1,
    HS_SNAP_HAVE_SITES = 1u << 2  /* the dump has sites (hs_graph.sites) */
};

/* How one hs_load_stats field lies in META. */
typedef enum hs_snap_stat_kind {
    HS_STAT_WORD,   /* uint64_t, int64_t or double: its 8 bytes as they are */
    HS_STAT_ENUM,   /* an enum of small non-negative values */
    HS_STAT_BOOL,   /* an int flag, stored as 0 or 1 */
    HS_STAT_TEXT    /* a char array over (bytes + 7) / 8 words, NUL-padded */
} hs_snap_stat_kind;

typedef struct hs_snap_stat {
    hs_snap_meta meta;       /* its (first) word */
    size_t offset;           /* in hs_load_stats */
    size_t bytes;            /* of the field */
    hs_snap_stat_kind kind;
} hs_snap_stat;

#define HS_SNAP_STAT(meta, field, kind)                                  \
    {meta, offsetof(hs_load_stats, field),                              \
     sizeof(((hs_load_stats *)0)->field), kind}

/* Every stat the snapshot keeps, read and written by the same rows, so that
 * none is stored but not restored. The timings of the phases are not
 * kept: a reopen has none. */
static const hs_snap_stat hs_snap_stats[] = {
    HS_SNAP_STAT(HS_META_LINES, lines, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_RECORDS, records, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_OBJECTS, objects, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_REFERENCES, references, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DUPLICATES, duplicates, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DANGLING_REFS, dangling_refs, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DANGLING_ADDRESSES, dangling_addresses,
                 HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_BAD_LINES, bad_lines, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_TRUNCATED_LINE, truncated_line, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_COLLAPSED, collapsed, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_INPUT_BYTES, input_bytes, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_FILE_BYTES, file_bytes, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_TYPES, types, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_ST_DIALECT, dialect, HS_STAT_ENUM),
    HS_SNAP_STAT(HS_META_COMPRESSION, compression, HS_STAT_ENUM),
    HS_SNAP_STAT(HS_META_HAS_HEADER, has_header, HS_STAT_BOOL),
    HS_SNAP_STAT(HS_META_DUMP_TIME, dump_time, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_PID, pid, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DICTS_KV, dicts_kv, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DICTS_VK, dicts_vk, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DICTS_VALUES, dicts_values, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DICTS_EMPTY, dicts_empty, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_DICTS_UNKNOWN, dicts_unknown, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_PYTHON, python_version, HS_STAT_TEXT),
    HS_SNAP_STAT(HS_META_LOAD_SECONDS, load_seconds, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_RSS, rss_bytes, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_ALLOCATED_BLOCKS, allocated_blocks, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_PYMALLOC_ARENAS, pymalloc_arenas, HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_PYMALLOC_ARENA_BYTES, pymalloc_arena_bytes,
                 HS_STAT_WORD),
    HS_SNAP_STAT(HS_META_PYMALLOC_BLOCK_BYTES, pymalloc_block_bytes,
                 HS_STAT_WORD),
};

/* The kinds' assumptions about the fields' types. */
static_assert(sizeof(hs_dialect) == sizeof(int), "enum stat");
static_assert(sizeof(hs_compression) == sizeof(int), "enum stat");
static_assert(sizeof(((hs_load_stats *)0)->python_version)
                  == 8 * (HS_META_LOAD_SECONDS - HS_META_PYTHON),
              "text stat");

/* Stores st's stats in meta, whose stat words are zero. */
static inline void
hs_snap_stats_put(uint64_t *meta, const hs_load_stats *st)
{
    for (size_t i = 0; i < sizeof(hs_snap_stats) / sizeof(*hs_snap_stats);
         i++) {
        const hs_snap_stat *r = &hs_snap_stats[i];
        const unsigned char *p = (const unsigned char *)st + r->offset;
        int v;
        switch (r->kind) {
        case HS_STAT_WORD:
        case HS_STAT_TEXT:
            assert(r->kind == HS_STAT_TEXT || r->bytes == 8);
            memcpy(&meta[r->meta], p, r->bytes);
            break;
        case HS_STAT_ENUM:
        case HS_STAT_BOOL:
            assert(r->bytes == sizeof(int));
            memcpy(&v, p, sizeof(v));
            meta[r->meta] = r->kind == HS_STAT_BOOL ? (uint64_t)(v != 0)
                                                    : (uint64_t)v;
            break;
        }
    }
}

/* Restores st's stats from meta; an ENUM word must be in its enum's
 * range (the reader checks before). */
static inline void
hs_snap_stats_get(hs_load_stats *st, const uint64_t *meta)
{
    for (size_t i = 0; i < sizeof(hs_snap_stats) / sizeof(*hs_snap_stats);
         i++) {
        const hs_snap_stat *r = &hs_snap_stats[i];
        unsigned char *p = (unsigned char *)st + r->offset;
        int v;
        switch (r->kind) {
        case HS_STAT_WORD:
        case HS_STAT_TEXT:
            memcpy(p, &meta[r->meta], r->bytes);
            if (r->kind == HS_STAT_TEXT) {
                p[r->bytes - 1] = '\0';
            }
            break;
        case HS_STAT_ENUM:
        case HS_STAT_BOOL:
            v = r->kind == HS_STAT_BOOL ? meta[r->meta] != 0
                                        : (int)meta[r->meta];
            memcpy(p, &v, sizeof(v));
            break;
        }
    }
}

/* Chunks a section of bytes takes. */
static inline uint64_t
hs_snap_chunks(uint64_t bytes)
{
    return (bytes + HS_SNAP_CHUNK - 1) / HS_SNAP_CHUNK;
}

static inline uint64_t
hs_snap_align(uint64_t off)
{
    return (off + HS_SNAP_ALIGN - 1) & ~(uint64_t)(HS_SNAP_ALIGN - 1);
}

#endif
