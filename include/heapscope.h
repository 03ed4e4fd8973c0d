/*
 * heapscope.h - the public API of the heapscope analyzer library.
 *
 * heapscope loads meliae-format heap dumps (one JSON object per line, see
 * docs/format.md) into a compact graph and answers questions about it.
 * This header is the only one the CLI and the Python binding include.
 *
 * Conventions used throughout:
 *  - Functions returning int return HS_OK (0) or a negative hs_status.
 *    Functions returning a pointer return NULL on failure. Either way an
 *    optional hs_error *err receives the details (it may be NULL).
 *  - The library never prints, exits or aborts on bad input.
 *  - Strings returned by accessors are borrowed: valid until the graph is
 *    freed (or, where noted, until the next pass that rewrites the graph).
 *    They are NOT NUL-terminated unless noted; a length is always given.
 *  - Every _free function accepts NULL.
 *  - Node ids are dense 32-bit integers 0..hs_graph_capacity()-1. A few ids
 *    may be "gone" (collapsed into their owner) or "phantom" (an address
 *    that is referenced but has no record); hs_node_exists() tells.
 *
 * Example:
 *
 *     hs_error err;
 *     hs_graph *g = hs_graph_load("mem.json.gz", NULL, &err);
 *     if (!g) { fprintf(stderr, "%s:%llu: %s\n", err.path, err.line, err.message); }
 *     hs_summary *s = hs_summary_new(g, &err);
 *     char *text = hs_summary_format(s, 20, &err);   // meliae's table
 *     puts(text); hs_free(text); hs_summary_free(s); hs_graph_free(g);
 */
#ifndef HEAPSCOPE_H
#define HEAPSCOPE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define HS_VERSION_MAJOR 0
#define HS_VERSION_MINOR 1
#define HS_VERSION_PATCH 0
#define HS_VERSION_STRING "0.1.0"

#if defined(HS_BUILDING_LIB) && defined(__GNUC__)
#define HS_API __attribute__((visibility("default")))
#else
#define HS_API
#endif

/* ------------------------------------------------------------------ */
/* MARK: errors                                                       */
/* ------------------------------------------------------------------ */

/* Status codes. 0 is success; every error is negative. */
typedef enum hs_status {
    HS_OK = 0,
    HS_ENOMEM = -1,    /* an allocation failed */
    HS_EIO = -2,       /* reading or writing a file failed */
    HS_EPARSE = -3,    /* a dump line is not valid */
    HS_ELIMIT = -4,    /* a documented limit was exceeded */
    HS_EINVAL = -5,    /* a bad argument */
    HS_ENOTFOUND = -6, /* no object at that address, no such type, ... */
    HS_ECORRUPT = -7,  /* a compressed stream or index file is damaged */
    HS_EUNSUPPORTED = -8 /* a format version or feature we do not know */
} hs_status;

/* Where and why something failed. line and column are 1-based and 0 when
 * they do not apply; offset is the byte offset of the line's start in the
 * (decompressed) input. path is the dump's name as given ("-" for stdin). */
typedef struct hs_error {
    int code;
    uint64_t line;
    uint64_t column;
    uint64_t offset;
    char path[512];
    char message[512];
} hs_error;

/* A short, static name of a status code ("out of memory", ...). */
HS_API const char *hs_strerror(int code);

/* Library version as "MAJOR.MINOR.PATCH". */
HS_API const char *hs_version(void);

/* ------------------------------------------------------------------ */
/* MARK: memory                                                       */
/* ------------------------------------------------------------------ */

/* An injectable allocator (STYLE.md 21): Python passes PyMem_Raw*, tests
 * pass counting or failing ones. NULL means the C library's malloc. */
typedef struct hs_allocator {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} hs_allocator;

/* Frees memory the library handed to the caller ("caller frees with
 * hs_free"), such as formatted text. Accepts NULL. */
HS_API void hs_free(void *ptr);

/* ------------------------------------------------------------------ */
/* MARK: loading                                                      */
/* ------------------------------------------------------------------ */

/* The dump dialects of FORMAT.md §2.2. */
typedef enum hs_dialect {
    HS_DIALECT_AUTO = 0,  /* detect (the default) */
    HS_DIALECT_PY2,       /* meliae on Python 2 */
    HS_DIALECT_PY3,       /* meliae on Python 3.0-3.10 */
    HS_DIALECT_PY311,     /* meliae on Python 3.11 */
    HS_DIALECT_HEAPSCOPE  /* heapscope's own dumper */
} hs_dialect;

/* Name of a dialect: "py2", "py3", "py311", "heapscope" or "auto". */
HS_API const char *hs_dialect_name(hs_dialect d);

/* The compression detected from the input's first bytes. */
typedef enum hs_compression {
    HS_COMPRESSION_NONE = 0,
    HS_COMPRESSION_GZIP,
    HS_COMPRESSION_BZIP2,
    HS_COMPRESSION_ZSTD
} hs_compression;

HS_API const char *hs_compression_name(hs_compression c);

/* What hs_graph_load does after reading every record. */
typedef enum hs_load_flags {
    HS_LOAD_DEFAULT = 0,
    /* Do not run collapse_instance_dicts (meliae's load(collapse=False)).
     * Parents are computed anyway. */
    HS_LOAD_NO_COLLAPSE = 1 << 0,
    /* Skip malformed lines (counted in hs_load_stats.bad_lines) instead of
     * failing at the first one. */
    HS_LOAD_SKIP_BAD_LINES = 1 << 1,
    /* Do not compute parents (only children are needed). */
    HS_LOAD_NO_PARENTS = 1 << 2,
    /* Free the address index after the load (4 to 5 bytes an object, at
     * the load's peak); hs_graph_find rebuilds it on first use. */
    HS_LOAD_NO_INDEX = 1 << 3
} hs_load_flags;

/* Progress callback: bytes of the input consumed so far (compressed bytes
 * for compressed input), the input's total size (0 when unknown, as for a
 * pipe) and records read so far. Called about every few megabytes. */
typedef void (*hs_progress_fn)(void *ctx, uint64_t done, uint64_t total,
                               uint64_t records);

/* Warning callback: a condition that does not stop the load, such as a
 * truncated last line. err->line says where. */
typedef void (*hs_warning_fn)(void *ctx, const hs_error *warning);

typedef struct hs_load_options {
    hs_load_flags flags;
    hs_dialect dialect;           /* HS_DIALECT_AUTO to detect */
    const hs_allocator *allocator; /* NULL: malloc */
    hs_progress_fn progress;
    void *progress_ctx;
    hs_warning_fn warning;
    void *warning_ctx;
    /* Longest line accepted, in bytes; 0 means the default (1 GiB). */
    uint64_t max_line_length;
    /* Threads parsing a large plain file in slices: 0 means one per CPU
     * (at most 8), 1 reads sequentially. Compressed input and stdin are
     * always read by one thread. The allocator must be thread-safe. */
    unsigned threads;
} hs_load_options;

/* Fills opts with the defaults (meliae's load(): collapse, then parents). */
HS_API void hs_load_options_init(hs_load_options *opts);

typedef struct hs_graph hs_graph;

/* Loads a dump. path "-" reads stdin. Plain, gzip, bzip2 and zstd input is
 * detected by content. opts may be NULL for the defaults.
 * Returns the graph (caller frees with hs_graph_free) or NULL with err set:
 * HS_EIO (open/read), HS_EPARSE (err->line/column say where), HS_ECORRUPT
 * (damaged compressed stream), HS_ELIMIT, HS_ENOMEM.
 * Time O(input); memory about 40 bytes per object plus 8 per reference. */
HS_API hs_graph *hs_graph_load(const char *path, const hs_load_options *opts,
                               hs_error *err);

/* Frees the graph and everything it owns. Accepts NULL. */
HS_API void hs_graph_free(hs_graph *g);

/* Facts about a load, for `heapscope info` and the JSON outputs. */
typedef struct hs_load_stats {
    uint64_t lines;          /* lines read, blank ones included */
    uint64_t records;        /* object records read (duplicates included) */
    uint64_t objects;        /* live objects now in the graph */
    uint64_t references;     /* refs of live objects, dangling included */
    uint64_t duplicates;     /* records skipped: address seen before */
    uint64_t dangling_refs;  /* refs (occurrences) to an address with no record */
    uint64_t dangling_addresses; /* distinct such addresses */
    uint64_t bad_lines;      /* malformed lines skipped (SKIP_BAD_LINES) */
    uint64_t truncated_line; /* line number of a dropped truncated last
                                line, 0 if none */
    uint64_t collapsed;      /* instance dicts merged into their owner */
    uint64_t input_bytes;    /* bytes of dump text (decompressed) */
    uint64_t file_bytes;     /* bytes read from the file (compressed) */
    uint64_t types;          /* distinct type strings of live objects */
    hs_dialect dialect;
    hs_compression compression;
    int has_header;          /* a heapscope header line was present */
    char python_version[32]; /* from the header, or "" */
    int64_t dump_time;       /* Unix seconds from the header, or -1 */
    int64_t pid;             /* from the header, or -1 */
    double load_seconds;     /* wall time of hs_graph_load */
    double parse_seconds;    /* of which: reading and parsing lines */
    double resolve_seconds;  /* indexing addresses, resolving refs */
    double passes_seconds;   /* collapse, parents */
    /* Dict layout tags (FORMAT.md §2.2) of exact dict records at load. */
    uint64_t dicts_kv, dicts_vk, dicts_values, dicts_empty, dicts_unknown;
} hs_load_stats;

/* Borrowed; valid until hs_graph_free. Passes update objects/references. */
HS_API const hs_load_stats *hs_graph_stats(const hs_graph *g);

/* ------------------------------------------------------------------ */
/* MARK: nodes                                                        */
/* ------------------------------------------------------------------ */

#define HS_NO_NODE UINT32_MAX
#define HS_NO_LEN (-1)

/* Number of node ids (live, gone and phantom). Iterate 0..capacity-1 and
 * skip ids for which hs_node_exists() is false. File order = id order. */
HS_API uint32_t hs_graph_capacity(const hs_graph *g);

/* Number of live objects (what meliae's len(om) says). */
HS_API uint64_t hs_graph_count(const hs_graph *g);

/* 1 if id is a live object record, 0 if gone, phantom or out of range. */
HS_API int hs_node_exists(const hs_graph *g, uint32_t id);

/* Node id of the live object at address, or HS_NO_NODE (also when the
 * index, dropped by HS_LOAD_NO_INDEX, cannot be rebuilt for lack of
 * memory). O(1); thread-safe. */
HS_API uint32_t hs_graph_find(const hs_graph *g, uint64_t address);

HS_API uint64_t hs_node_address(const hs_graph *g, uint32_t id);
HS_API uint64_t hs_node_size(const hs_graph *g, uint32_t id);
/* `len` of the record, or HS_NO_LEN when it had none. */
HS_API int64_t hs_node_len(const hs_graph *g, uint32_t id);

/* Type string (decoded UTF-8), and its interned type id. */
HS_API const char *hs_node_type(const hs_graph *g, uint32_t id, size_t *len);
HS_API uint32_t hs_node_type_id(const hs_graph *g, uint32_t id);
HS_API const char *hs_type_name(const hs_graph *g, uint32_t type_id,
                                size_t *len);
/* Number of distinct type ids (some may have no live object). */
HS_API uint32_t hs_graph_type_count(const hs_graph *g);

/* The record's `name`, or NULL when it had none. */
HS_API const char *hs_node_name(const hs_graph *g, uint32_t id, size_t *len);

/* Kinds of `value` a record can carry. */
typedef enum hs_value_kind {
    HS_VALUE_NONE = 0,
    HS_VALUE_TEXT,  /* a JSON string: decoded text (UTF-8) */
    HS_VALUE_BYTES, /* a JSON string of a bytes-like record: raw bytes */
    HS_VALUE_INT    /* a JSON integer: its decimal digits */
} hs_value_kind;

/* The record's `value` as bytes (not NUL-terminated), or NULL. */
HS_API const char *hs_node_value(const hs_graph *g, uint32_t id, size_t *len,
                                 hs_value_kind *kind);

/* Children (refs) and parents as node ids. Borrowed; valid until the next
 * pass that rewrites edges (collapse, remove_expensive_references).
 * Children keep duplicates and refs order; a dangling ref appears as a
 * phantom node id. Parents are unique, in order of first reference. */
HS_API const uint32_t *hs_node_children(const hs_graph *g, uint32_t id,
                                        uint64_t *count);
HS_API const uint32_t *hs_node_parents(const hs_graph *g, uint32_t id,
                                       uint64_t *count);
/* 1 once parents are computed for the current edges. */
HS_API int hs_graph_has_parents(const hs_graph *g);

/* Dict layout tags of FORMAT.md §2.2 (meaningful for dict records and for
 * instances collapsed from one). */
typedef enum hs_dict_layout {
    HS_LAYOUT_NONE = 0,
    HS_LAYOUT_KV,      /* key, value pairs */
    HS_LAYOUT_VK,      /* value, key pairs (meliae Python 3, non-str keys) */
    HS_LAYOUT_VALUES,  /* values only: keys not recorded */
    HS_LAYOUT_EMPTY,
    HS_LAYOUT_UNKNOWN
} hs_dict_layout;

HS_API hs_dict_layout hs_node_layout(const hs_graph *g, uint32_t id);
HS_API const char *hs_layout_name(hs_dict_layout l);

/* ------------------------------------------------------------------ */
/* MARK: passes (meliae's loader semantics, FORMAT.md §4)              */
/* ------------------------------------------------------------------ */

/* Merges each instance's __dict__ (and each module's dict) into its owner,
 * redirecting every other ref to a merged dict to the owner, then
 * recomputes parents. *collapsed (may be NULL) gets the number merged.
 * Invalidates node child/parent pointers. */
HS_API int hs_graph_collapse_instance_dicts(hs_graph *g, uint64_t *collapsed,
                                            hs_error *err);

/* Computes parents for the current edges (a no-op when current). Runs in
 * O(objects + refs). meliae's compute_referrers. */
HS_API int hs_graph_compute_parents(hs_graph *g, hs_error *err);

typedef enum hs_expensive_flags {
    HS_EXPENSIVE_DEFAULT = 0,
    /* Also prune refs to every named non-function record (metaclass
     * instances, module subclasses, Python 2 classobj). */
    HS_EXPENSIVE_EXTENDED = 1 << 0
} hs_expensive_flags;

/* meliae's remove_expensive_references (FORMAT.md §4.4): adds the
 * `<ex-reference>` null object at address 0 and rewrites refs to modules,
 * frames and types. Idempotent. Recomputes parents if they were computed. */
HS_API int hs_graph_remove_expensive_references(hs_graph *g,
                                                hs_expensive_flags flags,
                                                hs_error *err);

/* meliae's guess_intern_dict (FORMAT.md §4.5). Returns the dict's node id
 * or HS_NO_NODE; never fails. */
HS_API uint32_t hs_graph_guess_intern_dict(const hs_graph *g);

/* ------------------------------------------------------------------ */
/* MARK: summary (meliae's summarize, FORMAT.md §4.6)                  */
/* ------------------------------------------------------------------ */

typedef struct hs_type_stat {
    uint32_t type_id;
    const char *type;     /* borrowed from the graph */
    size_t type_len;
    uint64_t count;
    uint64_t total_size;
    uint64_t max_size;
    uint64_t max_address;
    double sum_squares;   /* for the standard deviation */
} hs_type_stat;

typedef enum hs_summary_order {
    HS_ORDER_BY_SIZE = 0, /* (total size, count) descending, then type */
    HS_ORDER_BY_COUNT     /* (count, total size) descending, then type */
} hs_summary_order;

typedef struct hs_summary hs_summary;

/* Summarizes every live object by type, sorted by size. Caller frees with
 * hs_summary_free. Keeps a pointer to g: free the summary first. */
HS_API hs_summary *hs_summary_new(const hs_graph *g, hs_error *err);
HS_API void hs_summary_free(hs_summary *s);
HS_API void hs_summary_sort(hs_summary *s, hs_summary_order order);

HS_API size_t hs_summary_types(const hs_summary *s);
HS_API const hs_type_stat *hs_summary_at(const hs_summary *s, size_t i);
HS_API uint64_t hs_summary_total_count(const hs_summary *s);
HS_API uint64_t hs_summary_total_size(const hs_summary *s);

/* meliae's summary table, at most max_rows rows (SIZE_MAX for all), with no
 * trailing newline. Caller frees with hs_free. */
HS_API char *hs_summary_format(const hs_summary *s, size_t max_rows,
                               hs_error *err);

/* meliae's per-type line: "dict: 6041, 1732912 bytes, 286.858 avg bytes,
 * 1911.212 std dev, 147544 max @ 140549148320896". Caller frees. */
HS_API char *hs_type_stat_format(const hs_type_stat *t, hs_error *err);

/* ------------------------------------------------------------------ */
/* MARK: records                                                       */
/* ------------------------------------------------------------------ */

/* A faithful meliae-format JSON line for one live object (FORMAT.md §4.10,
 * heapscope's to_json): current refs as addresses in order, name, len and
 * value kept, properly escaped. No trailing newline. Caller frees. */
HS_API char *hs_node_to_json(const hs_graph *g, uint32_t id, hs_error *err);

/* How hs_json_quote writes a string. */
typedef enum hs_quote_flags {
    HS_QUOTE_DEFAULT = 0,    /* UTF-8 text; "/" left as is */
    HS_QUOTE_BYTES = 1 << 0, /* each byte is one code point */
    HS_QUOTE_SLASH = 1 << 1  /* write "/" as "\/", as meliae does */
} hs_quote_flags;

/* s[0..len) as a quoted JSON string, ASCII only (non-ASCII as \uXXXX).
 * Caller frees with hs_free; NULL when out of memory. */
HS_API char *hs_json_quote(const char *s, size_t len, hs_quote_flags flags);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSCOPE_H */
