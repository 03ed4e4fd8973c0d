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
#include <sys/types.h>

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
    HS_ECORRUPT = -7,  /* a compressed stream or snapshot is damaged */
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

/* An injectable allocator (docs/style.md 21): tests pass counting or
 * failing ones. NULL means the default: the C library's malloc, except
 * that blocks of 4 MB or more are mappings of their own on huge pages. */
typedef struct hs_allocator {
    void *(*malloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *ptr, size_t size);
    void (*free)(void *ctx, void *ptr);
    void *ctx;
} hs_allocator;

/* Frees memory the library handed to the caller ("caller frees with
 * hs_free"), such as formatted text: never free(), since a big block is
 * no malloc block. Accepts NULL. */
HS_API void hs_free(void *ptr);

/* ------------------------------------------------------------------ */
/* MARK: loading                                                      */
/* ------------------------------------------------------------------ */

/* The dump dialects of docs/format.md §2.2. */
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
    HS_LOAD_NO_ADDRESS_INDEX = 1 << 3,
    /* Deprecated: the old name of HS_LOAD_NO_ADDRESS_INDEX. */
    HS_LOAD_NO_INDEX = HS_LOAD_NO_ADDRESS_INDEX
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
/* The dominator tree of a graph (MARK: dominators and leaks). */
typedef struct hs_dominators hs_dominators;

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
    /* Dict layout tags (docs/format.md §2.2) of exact dict records at load. */
    uint64_t dicts_kv, dicts_vk, dicts_values, dicts_empty, dicts_unknown;
    /* The dumped process's memory, from the header's memory members
     * (docs/format.md §6), each -1 when absent: resident bytes,
     * sys.getallocatedblocks(), pymalloc arenas, their bytes, and the
     * bytes in pymalloc's allocated blocks. */
    int64_t rss_bytes, allocated_blocks, pymalloc_arenas,
        pymalloc_arena_bytes, pymalloc_block_bytes;
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
 * address index, dropped by HS_LOAD_NO_ADDRESS_INDEX, cannot be rebuilt
 * for lack of memory). O(1); thread-safe. */
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

/* Dict layout tags of docs/format.md §2.2 (meaningful for dict records and for
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

/* Allocation sites (docs/format.md §7): what tracemalloc recorded for the
 * objects of a dump made while it traced. Ids are the dump's own. */

/* 1 when the dump has allocation sites. */
HS_API int hs_graph_has_sites(const hs_graph *g);
/* The traceback id of the allocation of node id; 0 when not traced. */
HS_API uint32_t hs_node_traceback(const hs_graph *g, uint32_t id);
/* Traceback tb's frame ids, oldest first (the allocating line last); *n
 * gets their count. Borrowed; valid until hs_graph_free. NULL with *n = 0
 * when no traceback tb is defined. */
HS_API const uint32_t *hs_traceback_frames(const hs_graph *g, uint32_t tb,
                                           size_t *n);
/* A frame's file name (borrowed, NUL-terminated; *len may be NULL) and
 * *line; NULL when no frame has that id. */
HS_API const char *hs_frame_file(const hs_graph *g, uint32_t frame,
                                 size_t *len, uint32_t *line);

/* Live objects by allocation site (`heapscope summary --by-site`), as
 * tracemalloc's statistics() groups traces, but over what is alive in
 * the dump: a site is the last `depth` frames of a traceback (depth 1:
 * the allocating line), frames equal when file and line are. */
typedef struct hs_site_stat {
    const uint32_t *frames;  /* frame ids, oldest first; borrowed */
    size_t nframes;          /* at most depth */
    uint64_t count, size;
    /* With a dominator tree (hs_site_summary_new_retained): what the
     * site's objects retain together, nothing counted twice (the sum
     * over those no other object of the site dominates); else 0. */
    uint64_t retained_size, retained_count;
} hs_site_stat;

typedef struct hs_site_summary hs_site_summary;

/* NULL on HS_ENOMEM or HS_EINVAL (depth 0). Rows are sorted by size, then
 * count, descending; ties in one fixed order (by their frames' interned
 * files and lines), the same from run to run. A dump
 * without sites gives no rows (every object untraced). Caller frees with
 * hs_site_summary_free. Time: O(objects + tracebacks log tracebacks). */
HS_API hs_site_summary *hs_site_summary_new(const hs_graph *g, size_t depth,
                                            hs_error *err);
/* The same with each row's retained size and count from d, g's dominator
 * tree (`top --by-site`); rows sorted by retained size, then size and
 * count, descending. Time: plus one walk of the tree, 4 bytes an object
 * while it runs. */
HS_API hs_site_summary *hs_site_summary_new_retained(const hs_graph *g,
                                                     size_t depth,
                                                     const hs_dominators *d,
                                                     hs_error *err);
HS_API void hs_site_summary_free(hs_site_summary *s);
/* Re-sorts by count, then size (HS_OK or HS_ENOMEM: order unchanged). */
HS_API int hs_site_summary_sort_by_count(hs_site_summary *s);
HS_API size_t hs_site_summary_rows(const hs_site_summary *s);
HS_API const hs_site_stat *hs_site_summary_at(const hs_site_summary *s,
                                              size_t i);
/* Live objects, and those of them not traced (count and bytes). */
HS_API void hs_site_summary_totals(const hs_site_summary *s, uint64_t *count,
                                   uint64_t *size, uint64_t *untraced_count,
                                   uint64_t *untraced_size);

/* ------------------------------------------------------------------ */
/* MARK: passes (meliae's loader semantics, docs/format.md §4)              */
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

/* meliae's remove_expensive_references (docs/format.md §4.4): adds the
 * `<ex-reference>` null object at address 0 and rewrites refs to modules,
 * frames and types. Idempotent. Recomputes parents if they were computed. */
HS_API int hs_graph_remove_expensive_references(hs_graph *g,
                                                hs_expensive_flags flags,
                                                hs_error *err);

/* meliae's guess_intern_dict (docs/format.md §4.5). Returns the dict's node id
 * or HS_NO_NODE; never fails. */
HS_API uint32_t hs_graph_guess_intern_dict(const hs_graph *g);

/* ------------------------------------------------------------------ */
/* MARK: summary (meliae's summarize, docs/format.md §4.6)                  */
/* ------------------------------------------------------------------ */

typedef struct hs_type_stat {
    uint32_t type_id;
    const char *type;     /* owned by the summary (see hs_summary_new) */
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
 * hs_summary_free. The summary owns copies of the type names: it does not
 * depend on g once made (passes and hs_graph_free leave it valid). It is
 * allocated through a copy of g's allocator (hs_load_options.allocator),
 * whose ctx must stay valid until hs_summary_free. */
HS_API hs_summary *hs_summary_new(const hs_graph *g, hs_error *err);

/* The same over the node ids ids[0..n) (meliae's summarize(obj,
 * excluding) over the ids of hs_node_walk): ids of gone or phantom nodes
 * are skipped, and an id listed twice counts twice. Errors: HS_EINVAL
 * for an id of hs_graph_capacity() or more (or ids NULL with n > 0),
 * HS_ENOMEM. Time O(n + types). */
HS_API hs_summary *hs_summary_new_ids(const hs_graph *g, const uint32_t *ids,
                                      size_t n, hs_error *err);
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

/* A faithful meliae-format JSON line for one live object (docs/format.md §4.10,
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

/* ------------------------------------------------------------------ */
/* MARK: navigation and comparison                                    */
/* ------------------------------------------------------------------ */

/*
 * What meliae users do in a REPL, as functions: an object's repr, its
 * refs as a dict, everything reachable from it, every object of a type,
 * the difference between two dumps, growth over many, paths from roots,
 * and pictures (DOT graphs, SVG charts).
 *
 * Ownership, once for this section: arrays and text returned through
 * out-parameters or as char * are the caller's, freed with hs_free;
 * pointers inside returned structures that point at names or values
 * (hs_literal.text, hs_diff_type.type, ...) are borrowed from the graph:
 * valid until hs_graph_free. Objects made by a _new function are freed
 * with the matching _free and keep pointers to their graphs: free them
 * first.
 */

/* meliae's repr of an object (docs/format.md §4.8):
 * `dict(140549148320896 147544B 6000refs 1par 1.7Mtot)`. total_size 0
 * leaves the "tot" part out. max_value, when not 0, cuts the value (or
 * name) to that many bytes and marks the cut with "..." (for one-line
 * listings). Returns the text (caller frees with hs_free) or NULL:
 * HS_ENOTFOUND for an id that is not a live object, HS_ENOMEM. */
HS_API char *hs_node_repr(const hs_graph *g, uint32_t id, uint64_t total_size,
                          size_t max_value, hs_error *err);

/* What a ref stands for in refs_as_dict and refs_as_list (docs/format.md
 * §4.9): a plain value where meliae gives one, else the object. */
typedef enum hs_literal_kind {
    HS_LITERAL_OBJECT = 0, /* the record itself */
    HS_LITERAL_TEXT,       /* text: str, unicode, a name */
    HS_LITERAL_BYTES,      /* bytes (Python 2's str) */
    HS_LITERAL_INT,        /* text holds the decimal digits */
    HS_LITERAL_BOOL,       /* text is "True" or "False" */
    HS_LITERAL_NONE        /* None */
} hs_literal_kind;

typedef struct hs_literal {
    hs_literal_kind kind;
    uint32_t id;       /* the record the ref points at (always set) */
    const char *text;  /* borrowed; not NUL-terminated; NULL for OBJECT
                          and NONE */
    size_t len;
} hs_literal;

typedef struct hs_ref_item {
    hs_literal key;
    hs_literal value;
} hs_ref_item;

/* meliae's refs_as_dict, made correct for every dialect (docs/format.md §4.9):
 * key, value pairs in KV dumps (Python 2, heapscope), value, key pairs
 * swapped in meliae's Python 3 dicts, and bools as bools. *items gets
 * *count pairs in refs order (caller frees with hs_free).
 * Only records tagged with a dict layout (exact dicts, and the modules
 * and instances collapse merged one into) hold pairs.
 * Errors: HS_EUNSUPPORTED "keys not recorded in this dump" for a
 * values-only dict (every str-keyed dict of a meliae Python 3 dump, and
 * the instances collapsed from one), "not a dict" for any other object
 * (a tuple, function, list, slotted instance: their refs are not pairs,
 * though meliae pairs them), or a dict of unknown layout; HS_EINVAL for an odd number of refs in a dict or
 * module; HS_ENOTFOUND for a dangling ref; HS_ENOMEM.
 * Time O(refs). */
HS_API int hs_node_refs_as_dict(const hs_graph *g, uint32_t id,
                                hs_ref_item **items, size_t *count,
                                hs_error *err);

/* meliae's refs_as_list: each child as a literal (any record with a value
 * gives its value). Caller frees *items with hs_free. Dangling refs are
 * HS_ENOTFOUND. */
HS_API int hs_node_refs_as_list(const hs_graph *g, uint32_t id,
                                hs_literal **items, size_t *count,
                                hs_error *err);

/* A literal as Python writes it ('x', b'x', 12, True, None), or the
 * object's repr (cut as hs_node_repr with max_value). Caller frees. */
HS_API char *hs_literal_format(const hs_graph *g, const hs_literal *lit,
                               size_t max_value, hs_error *err);

/* The whole dict as one line, `{'peer': '10.0.0.0', 'buf': '', 'id': 0}`,
 * values cut at max_value bytes (0: whole). Errors as
 * hs_node_refs_as_dict. Caller frees. */
HS_API char *hs_node_refs_dict_format(const hs_graph *g, uint32_t id,
                                      size_t max_value, hs_error *err);

/* An object's refs on one bounded line, as a leak's sample shows them:
 * refs_as_dict's `{'peer': '10.0.0.0', 'id': 0}` when the refs are key,
 * value pairs (a dict, or a module or instance its dict was collapsed
 * into), else each child after its label (hs_node_ref_label), `[0]
 * str(...), [1] str(...)`; at most max_items pairs or children, then
 * "... N more"; values cut at max_value bytes. Caller frees. NULL:
 * HS_ENOTFOUND, HS_ENOMEM. */
HS_API char *hs_node_refs_line(const hs_graph *g, uint32_t id,
                               size_t max_items, size_t max_value,
                               hs_error *err);

/* The label of parent's ref number k, as paths and graphs show an edge:
 * "['key']" (a dict), ".name" (an attribute of an instance or module its
 * dict was collapsed into), "[?]"/".?" (keys not recorded), "[3]" (list,
 * tuple, deque: the item's index, not the ref's position, since lists and
 * tuples are written last item first; "(item)" when uncertain), "(key)" (the ref is a key), "(item)" (set), "__class__",
 * else "refs[k]". Keys are cut at max_key bytes (0: whole). Caller frees;
 * NULL only when out of memory. */
HS_API char *hs_node_ref_label(const hs_graph *g, uint32_t parent, uint64_t k,
                               size_t max_key, hs_error *err);

/* meliae's iter_recursive_refs (docs/format.md §4.10), in its exact order:
 * depth first from id over an explicit stack, each object once, the last
 * child's subtree first, dangling refs skipped; the exclude ids (may be
 * NULL) are never entered (nothing at all when id is one of them).
 * *order gets the ids (caller frees with hs_free), id first.
 * Time O(reachable objects + their refs); memory one bit per node plus
 * the stack. HS_ENOTFOUND for a dead id, HS_ENOMEM.
 *
 *     uint32_t *ids; size_t n;
 *     if (hs_node_walk(g, id, NULL, 0, &ids, &n, &err) == 0) { ...; hs_free(ids); } */
HS_API int hs_node_walk(const hs_graph *g, uint32_t id,
                        const uint32_t *exclude, size_t nexclude,
                        uint32_t **order, size_t *count, hs_error *err);

/* meliae's compute_total_size: the sum of sizes over hs_node_walk, in
 * *total; *objects (may be NULL) gets how many objects it covers. */
HS_API int hs_node_total_size(const hs_graph *g, uint32_t id,
                              const uint32_t *exclude, size_t nexclude,
                              uint64_t *total, uint64_t *objects,
                              hs_error *err);

/* meliae's get_all(type) (docs/format.md §4.7): every live object whose type
 * string is exactly type[0..type_len), sorted by (size, refs, parents)
 * descending, ties in file order. *ids gets them (caller frees with
 * hs_free); an unknown type gives 0 objects, not an error.
 * Time O(n log n). */
HS_API int hs_graph_get_all(const hs_graph *g, const char *type,
                            size_t type_len, uint32_t **ids, size_t *count,
                            hs_error *err);

/* meliae's obj.all(type, excluding): get_all's filter and order applied
 * to hs_node_walk(id, exclude), ties in walk order. */
HS_API int hs_node_all(const hs_graph *g, uint32_t id, const char *type,
                       size_t type_len, const uint32_t *exclude,
                       size_t nexclude, uint32_t **ids, size_t *count,
                       hs_error *err);

/* The difference between two dumps of one process (docs/format.md has no word
 * on it; this is the address-set diff people write by hand). CPython does
 * not move objects, so an object's identity is its address; but a freed
 * address can be reused, so an object in NEW is the same as one in OLD
 * only when the address, the type string and (for records with a value:
 * str, bytes, int, ...) the value all match. Everything else in NEW is
 * new, and everything in OLD that nothing matched is gone. */
typedef struct hs_diff hs_diff;

/* One type's row (or the totals). type is borrowed from a graph. */
typedef struct hs_diff_type {
    const char *type;
    size_t type_len;
    uint64_t old_count, old_size;  /* every object of the type in OLD */
    uint64_t new_count, new_size;  /* ... and in NEW */
    uint64_t added_count, added_size; /* in NEW, not in OLD */
    uint64_t gone_count, gone_size;   /* in OLD, not in NEW */
    uint64_t kept_count, kept_size;   /* in both (sizes as in NEW) */
} hs_diff_type;

/* Compares two loaded dumps. Keeps pointers to both graphs: free the
 * diff first (caller frees with hs_diff_free). Rows are sorted by size
 * growth, then count growth (descending), then type name.
 * Errors: HS_EINVAL when the dumps differ in dialect or pointer size
 * (err->message says which), HS_ENOMEM.
 * Time O(objects of both), one address lookup per NEW object; memory one
 * bit per object of each dump plus the rows.
 *
 *     hs_diff *d = hs_diff_new(early, late, &err);
 *     const hs_diff_type *top = hs_diff_type_at(d, 0); // the top grower
 *     hs_diff_free(d); */
HS_API hs_diff *hs_diff_new(const hs_graph *old_graph,
                            const hs_graph *new_graph, hs_error *err);
HS_API void hs_diff_free(hs_diff *d);

HS_API size_t hs_diff_types(const hs_diff *d);
HS_API const hs_diff_type *hs_diff_type_at(const hs_diff *d, size_t i);
/* The sums over every type; its type is "(total)". Borrowed. */
HS_API const hs_diff_type *hs_diff_total(const hs_diff *d);

/* 1 if NEW's node new_id is new (not in OLD), else 0. */
HS_API int hs_diff_is_new(const hs_diff *d, uint32_t new_id);
/* 1 if OLD's node old_id is gone (not in NEW), else 0. */
HS_API int hs_diff_is_gone(const hs_diff *d, uint32_t old_id);

/* The new objects (ids in NEW) of type[0..type_len) (type NULL: of every
 * type), largest first, ties in file order. *ids: caller frees with
 * hs_free. An unknown type gives 0 objects. */
HS_API int hs_diff_new_objects(const hs_diff *d, const char *type,
                               size_t type_len, uint32_t **ids,
                               size_t *count, hs_error *err);

/* Shortest chains of referrers from a root to an object. Roots are
 * modules and objects without parents (the top frames, and what nothing
 * in the dump refers to). */
typedef struct hs_paths hs_paths;

typedef struct hs_path_options {
    size_t max_paths;           /* distinct roots to reach; 0 means 1 */
    const char *const *exclude_types; /* never walk through these types
                                         (e.g. "frame", "weakref"); may be
                                         NULL */
    size_t nexclude_types;
} hs_path_options;

/* Finds up to max_paths shortest paths from distinct roots to target, by
 * a breadth-first search backwards over parents that stops at roots, so
 * path i is no longer than path i + 1 (ties in the order parents are
 * listed). A path never passes through another root or an excluded type.
 * Returns the result (caller frees with hs_paths_free; keeps a pointer to
 * g) with 0 paths when no root reaches the target (it is garbage held by
 * a cycle), or NULL: HS_EINVAL when parents were not computed,
 * HS_ENOTFOUND for a dead target, HS_ENOMEM.
 * Time O(objects and parents visited), at worst O(n + refs); memory 8
 * bytes per node. Iterative: any depth. */
HS_API hs_paths *hs_paths_find(const hs_graph *g, uint32_t target,
                               const hs_path_options *opts, hs_error *err);
HS_API void hs_paths_free(hs_paths *p);

HS_API size_t hs_paths_count(const hs_paths *p);
/* Path i as node ids, root first, target last (*len of them). Borrowed;
 * valid until hs_paths_free. */
HS_API const uint32_t *hs_paths_at(const hs_paths *p, size_t i, size_t *len);
/* How path i's root qualifies: "module" or "no parents". Static text. */
HS_API const char *hs_paths_root_kind(const hs_paths *p, size_t i);
/* Objects the search visited (for reports and benchmarks). */
HS_API uint64_t hs_paths_visited(const hs_paths *p);

/* A path as one line of Python-like text, the way `heapscope path`,
 * `leaks`, the report and Python's Path.expression all write it:
 * "__main__.observer.history[599]". nodes[0..len) is a path root first,
 * each object referring to the next (as hs_paths_at or a leak suspect
 * gives it). The root reads as its name when it is a module that has one,
 * else as "<type@address>"; then each step's label (hs_node_ref_label,
 * keys cut at 40 bytes), after a "." unless it starts with "." or "[".
 * Caller frees with hs_free. NULL: HS_EINVAL when len is 0, a node is no
 * live object or does not refer to the next; HS_ENOMEM.
 * Time O(the refs of the path's objects). */
HS_API char *hs_path_expression(const hs_graph *g, const uint32_t *nodes,
                                size_t len, hs_error *err);

/* Growth over many dumps of one process, taken in run order: count and
 * size per type at each dump, the types that grow steadily first. */
typedef struct hs_growth hs_growth;

typedef struct hs_growth_type {
    const char *type;       /* owned by the hs_growth */
    size_t type_len;
    const uint64_t *counts; /* one per dump, 0 where the type is absent */
    const uint64_t *sizes;
    int steady;             /* the count never fell and rose overall */
    uint32_t rises;         /* steps where the count rose */
    int64_t count_delta;    /* last dump minus first */
    int64_t size_delta;
} hs_growth_type;

/* An empty series; caller frees with hs_growth_free. NULL: HS_ENOMEM. */
HS_API hs_growth *hs_growth_new(hs_error *err);
HS_API void hs_growth_free(hs_growth *gr);

/* Adds one dump's counts and sizes per type at run time `time` (seconds,
 * or any increasing unit). Add dumps in run order. g may be freed
 * afterwards: names are copied. Time O(objects). Ranks the types again,
 * so the accessors always reflect every dump added: steady growers
 * first, then by size growth, count growth (descending) and name. */
HS_API int hs_growth_add(hs_growth *gr, const hs_graph *g, double time,
                         hs_error *err);

/* Changes the run time of dump i, for callers that learn the times only
 * after every dump was read. The order of dumps stays as added. */
HS_API void hs_growth_set_time(hs_growth *gr, size_t dump, double time);

HS_API size_t hs_growth_dumps(const hs_growth *gr);
HS_API double hs_growth_time(const hs_growth *gr, size_t dump);
HS_API size_t hs_growth_types(const hs_growth *gr);
/* Borrowed; valid until the next hs_growth_add or hs_growth_free. */
HS_API const hs_growth_type *hs_growth_type_at(const hs_growth *gr,
                                               size_t i);

/* Type i's counts as a terminal sparkline, one of the eight block
 * characters U+2581..U+2588 (UTF-8) per dump, scaled from the type's
 * lowest count to its highest. Caller frees with hs_free. */
HS_API char *hs_growth_sparkline(const hs_growth *gr, size_t i,
                                 hs_error *err);

/* The run time a file name implies: the last decimal number in its base
 * name ("memory-600.00.out" gives 600, "mem-7-1700000000.json" gives
 * 1700000000). Returns 1 and sets *time, or 0 when there is none. */
HS_API int hs_time_from_name(const char *path, double *time);

/* An SVG line chart of the counts of the first ntypes types (ranked as
 * above) against run time, with axes, ticks, a legend and x_label under
 * the x axis (it should say where run time came from). Caller frees with
 * hs_free; NULL only when out of memory. */
HS_API char *hs_growth_svg(const hs_growth *gr, size_t ntypes,
                           const char *x_label, hs_error *err);

/* The neighbourhood of an object: what objgraph's show_backrefs and
 * show_refs draw. */
typedef struct hs_neighbourhood hs_neighbourhood;

typedef enum hs_near_flags {
    HS_NEAR_PARENTS = 1 << 0,  /* walk to referrers (show_backrefs) */
    HS_NEAR_CHILDREN = 1 << 1  /* walk to referents (show_refs) */
} hs_near_flags;

typedef struct hs_near_options {
    hs_near_flags flags;  /* 0 means HS_NEAR_PARENTS */
    uint32_t depth;       /* steps from the object; 0 means 3 */
    size_t max_nodes;     /* stop there; 0 means 50 */
} hs_near_options;

/* An edge between two nodes of the neighbourhood: from's ref number ref
 * is to (the first such ref when there are several). */
typedef struct hs_near_edge {
    uint32_t from, to;
    uint64_t ref;
} hs_near_edge;

/* Collects the objects within depth steps of center, breadth first (so
 * the nearest are kept when max_nodes cuts the walk), and every edge
 * between them. Returns the result (caller frees with
 * hs_neighbourhood_free; keeps a pointer to g) or NULL: HS_ENOTFOUND for
 * a dead center, HS_EINVAL when parents are wanted and were not computed,
 * HS_ENOMEM. Time O(nodes kept x their degree). */
HS_API hs_neighbourhood *hs_neighbourhood_new(const hs_graph *g,
                                              uint32_t center,
                                              const hs_near_options *opts,
                                              hs_error *err);
HS_API void hs_neighbourhood_free(hs_neighbourhood *nb);

/* The nodes, center first, in walk order; depths[i] (may be NULL) is each
 * one's distance from the center. Borrowed. */
HS_API const uint32_t *hs_neighbourhood_nodes(const hs_neighbourhood *nb,
                                              size_t *count,
                                              const uint32_t **depths);
/* The edges, by node order then ref order. Borrowed. */
HS_API const hs_near_edge *hs_neighbourhood_edges(const hs_neighbourhood *nb,
                                                  size_t *count);
/* 1 when max_nodes cut the walk short. */
HS_API int hs_neighbourhood_truncated(const hs_neighbourhood *nb);

/* The neighbourhood as a Graphviz digraph: each node labelled with its
 * type, size and a value preview, the center filled, modules and
 * parentless roots marked, each edge labelled with its key, attribute or
 * index. Caller frees with hs_free; NULL only when out of memory. */
HS_API char *hs_neighbourhood_dot(const hs_neighbourhood *nb, hs_error *err);

/* What a process's resident memory holds (hs_memory.c): the header's
 * resident set (rss_bytes in hs_load_stats, heapscope's dumps only)
 * against the sum of the live records' sizes. */

/* The sum of the live records' sizes. O(objects). */
HS_API uint64_t hs_graph_object_bytes(const hs_graph *g);

typedef enum hs_memory_verdict {
    HS_MEMORY_UNKNOWN = -1,  /* a dump's header has no resident set */
    HS_MEMORY_NO_GROWTH = 0, /* the resident set did not grow */
    HS_MEMORY_IN_OBJECTS,    /* the objects' sizes grew by at least half
                                as much as the resident set */
    HS_MEMORY_OUTSIDE,       /* by less: C extensions, native buffers */
    HS_MEMORY_TOO_SMALL      /* by less, but the resident set grew by
                                under HS_MEMORY_MIN_GROWTH: allocator
                                and interpreter noise (arenas, caches,
                                tracemalloc's own traces) can do that */
} hs_memory_verdict;

/* The resident growth below which "outside Python objects" is not said. */
#define HS_MEMORY_MIN_GROWTH ((int64_t)8 << 20)

typedef struct hs_memory_growth {
    int64_t rss_growth;      /* last minus first resident set */
    int64_t object_growth;   /* last minus first hs_graph_object_bytes */
    hs_memory_verdict verdict;
} hs_memory_growth;

/* Where the resident memory grew from first to last. Returns and stores
 * the verdict; HS_MEMORY_UNKNOWN (the growths 0) when either header
 * lacks the resident set. */
HS_API hs_memory_verdict hs_memory_compare(const hs_graph *first,
                                           const hs_graph *last,
                                           hs_memory_growth *out);

/* ------------------------------------------------------------------ */
/* MARK: report                                                       */
/* ------------------------------------------------------------------ */

/*
 * The findings as one self-contained HTML page that a person attaches to
 * a bug report: no network (styles, script and chart are inline; a
 * Content-Security-Policy allows only the page's own script), sortable
 * tables, collapsible paths, printable. Everything that comes from a dump
 * is escaped with hs_html_escape: dump contents are untrusted.
 */

/* s[0..len) escaped for HTML text and quoted attribute values: & < > "
 * and ' become entities; NUL and every byte that does not start a
 * well-formed UTF-8 sequence become U+FFFD, so the output is valid UTF-8.
 * Writes at most cap bytes to out (no NUL terminator; out may be NULL
 * when cap is 0) and returns the length of the whole escaped text, as
 * snprintf does: the output is complete when the result is <= cap. Pure
 * (no allocation, no state). Time O(len); the result is at most 6 x len.
 *
 *     char buf[64];
 *     size_t n = hs_html_escape("<b>", 3, buf, sizeof(buf)); // "&lt;b&gt;", 9 */
HS_API size_t hs_html_escape(const char *s, size_t len, char *out,
                             size_t cap);

/* Where the report goes: called with each piece of the page in order;
 * returns 0, or a negative value to stop the writer (HS_EIO). */
typedef int (*hs_write_fn)(void *ctx, const char *data, size_t len);

typedef struct hs_report_options {
    const char *title;        /* NULL: "heapscope report" */
    const hs_graph *first;    /* the first dump, or NULL with only one */
    const hs_graph *last;     /* the last dump (required) */
    const char *const *paths; /* the dumps' names in run order (ndumps) */
    size_t ndumps;
    const hs_growth *growth;  /* every dump's counts, or NULL */
    const char *time_label;   /* the chart's x axis label (may be NULL) */
    size_t top;               /* rows per table; 0 means 30 */
    size_t suspects;          /* leak suspects shown; 0 means 5 */
    /* The dumps the leak finder compares, in run order, the first and
     * the last included (nleak of them, 2 or more), and the place of
     * each among the ndumps (from 0); NULL: first and last only. */
    const hs_graph *const *leak_dumps;
    const size_t *leak_index;
    size_t nleak;
    /* The last dump's dominator tree when the caller has it (read back
     * with hs_dominators_restore, say), or NULL: the report makes it. Used
     * only with one dump: with a first one, the leak finder's trees
     * serve. It must be last's (HS_EINVAL otherwise). */
    const hs_dominators *last_tree;
} hs_report_options;

/* Writes the report through write(ctx, ...): the summary table of the
 * last dump and its top retainers (hs_dominators: type, address,
 * shallow and retained size, retained count, preview, how it hangs
 * under its dominator) and the same tree as a zoomable map (coloured by
 * growth since the first dump when there is one); with a first dump too, the leak suspects of
 * hs_leaks over leak_dumps (or first and last) - each owner with its growth
 * per dump, what the growth is made of, the path from a root step by
 * step, the signature and one sample new object with its keys and
 * values - and the per-type diff from first to last; with growth over
 * two or more dumps, its chart and table. The graphs need parents
 * computed (the default load). The output is the same for the same
 * inputs (no clock, no randomness).
 * Returns HS_OK, HS_EINVAL (no last graph, or graphs without parents or
 * of different dialects), HS_EIO (write failed) or HS_ENOMEM; the page
 * may then be partly written.
 * Time: the analyses it runs (summary, diff, every dump's dominator
 * tree, a few path searches).
 *
 *     hs_report_options o = {0};
 *     o.last = g; o.paths = &path; o.ndumps = 1;
 *     rc = hs_report_write(&o, write_to_file, file, &err); */
HS_API int hs_report_write(const hs_report_options *opts, hs_write_fn write,
                           void *ctx, hs_error *err);

/* ------------------------------------------------------------------ */
/* MARK: snapshot                                                     */
/* ------------------------------------------------------------------ */

/* A snapshot is a binary file (DUMP.hsidx) holding a loaded graph (node
 * arrays, children and parents, type names, values, the address index,
 * the load facts) laid out to be memory-mapped and used in place, so
 * that the second and later commands on one dump skip the parse:
 * reopening a 7.8 M-object dump takes a few hundredths of a second
 * instead of seconds. The format is described in lib/load/hs_snapfmt.h.
 * (Older releases called it the "snapshot index"; the names with
 * "index" below are kept as deprecated aliases.)
 *
 * Where: DUMP.hsidx beside the dump (DUMP.nocollapse.hsidx for a load
 * with HS_LOAD_NO_COLLAPSE), or, when the dump's folder is not writable
 * (or its mode lets nobody write it, root included),
 * $XDG_CACHE_HOME/heapscope (default ~/.cache/heapscope) under a name
 * made from a hash of the dump's absolute path. stdin gets no snapshot.
 *
 * When: a snapshot is used only if the dump's size, modification time
 * (to the nanosecond) and first and last 64 KiB are those it was built
 * from, and if it passes every check of an untrusted file (magic,
 * version, byte order, pointer size, lengths, checksums of every part,
 * ids in range). Anything else is reported through the load's warning
 * callback, naming the reason, and the dump is loaded afresh (and the
 * snapshot rewritten). Since a size and a time are easy to copy, a
 * snapshot is trusted only if it is a regular file (opened without
 * following a symlink or blocking on a FIFO) owned by the caller's
 * effective user or root and not writable by group or others, in a cache
 * folder that passes the same test; any other is reported, left alone
 * and replaced by one in the cache folder. A snapshot is created with
 * the dump's permission bits (0600 in the cache folder): it holds every
 * string of the dump.
 * Loads with a forced dialect do not use snapshots. A snapshot is
 * written after a fresh load of a dump of at least HS_SNAPSHOT_MIN_BYTES
 * of text, unless the load warned or skipped bad lines (the snapshot
 * would hide it).
 *
 * Memory: a mapped graph's arrays are file pages, shared with the page
 * cache and copied only where a pass writes or grows them. */

/* Dumps smaller than this (decompressed) load too fast to need a
 * snapshot. */
#define HS_SNAPSHOT_MIN_BYTES (16ull << 20)

typedef enum hs_snapshot_flags {
    HS_SNAPSHOT_DEFAULT = 0,
    HS_SNAPSHOT_NO_READ = 1 << 0,    /* do not use an existing snapshot */
    HS_SNAPSHOT_NO_WRITE = 1 << 1,   /* do not write one */
    HS_SNAPSHOT_FORCE_WRITE = 1 << 2, /* write whatever the dump's size,
                                         and report failure as an error */
    /* A snapshot used is checked and mapped for a summary only: the type
     * names and the table of counts and sizes per type the snapshot keeps
     * (a few KB), which hs_summary_new, hs_graph_object_bytes,
     * hs_graph_count and hs_graph_stats read. Nothing else may be called
     * on the graph before hs_graph_complete: the node arrays, edges,
     * texts, address index and sites are not there yet. A graph loaded
     * from the dump is whole. */
    HS_SNAPSHOT_LAZY = 1 << 3
} hs_snapshot_flags;

/* What hs_graph_open did about the snapshot. */
typedef struct hs_snapshot_report {
    int used;            /* the graph is mapped from a snapshot */
    int written;         /* a snapshot was written after a fresh load */
    int rejected;        /* a snapshot was found but not used: reason */
    int write_failed;    /* a snapshot was wanted but not written: reason */
    char path[1024];     /* the snapshot used, written or wanted; "" if
                            none */
    uint64_t bytes;      /* its size */
    double open_seconds; /* mapping and checking it */
    double write_seconds;
    char reason[600];
    int untrusted;       /* the snapshot rejected is not trusted (reason):
                            not ours to replace, so a new one goes to the
                            cache folder */
    int64_t built;       /* the snapshot used: its file's modification
                            time (Unix seconds), when it was written */
    uint64_t id;         /* the snapshot used or written: its table
                            checksum, which covers every byte of it, so
                            names its content (hs_dominators_save) */
} hs_snapshot_report;

/* hs_graph_load through the snapshot: uses a valid snapshot of path for
 * the pipeline opts asks for, else loads the dump and writes one (see
 * above). report (may be NULL) says which happened. Errors as
 * hs_graph_load; a rejected snapshot or a failed write is not an error
 * (a warning through opts->warning) except a failed write with
 * HS_SNAPSHOT_FORCE_WRITE (the graph is freed, NULL returned, HS_EIO).
 * A graph from a snapshot has parents computed even with
 * HS_LOAD_NO_PARENTS, and its stats say how the first load went, except
 * load_seconds, which times this open. */
HS_API hs_graph *hs_graph_open(const char *path, const hs_load_options *opts,
                               hs_snapshot_flags flags,
                               hs_snapshot_report *report, hs_error *err);

/* Makes a graph opened with HS_SNAPSHOT_LAZY whole: checks the rest of
 * its snapshot (checksums, ids in range, texts inside their pool) and
 * maps it. HS_OK at once for any other graph. Errors: HS_ECORRUPT (the
 * snapshot is damaged there; the graph may then only be freed),
 * HS_ENOMEM. Not thread-safe: call it before sharing the graph. */
HS_API int hs_graph_complete(hs_graph *g, hs_error *err);

/* The snapshot file name for dump under the pipeline of opts (may be
 * NULL): beside the dump (cache 0) or in the cache folder (cache 1).
 * Returns HS_OK, or HS_EINVAL when out is too small or dump is "-". */
HS_API int hs_snapshot_path(const char *dump, const hs_load_options *opts,
                            int cache, char *out, size_t size);

/* Where the dominator tree of a graph opened with report r is kept
 * (hs_dominators_save, under key r->id): its snapshot's name with
 * ".hsdom" for ".hsidx". Returns HS_OK, or HS_ENOTFOUND when r names no
 * snapshot used or written (no key to keep a tree under), HS_EINVAL when
 * out is too small. */
HS_API int hs_snapshot_tree_path(const hs_snapshot_report *r, char *out,
                                 size_t size);

/* Writes g, loaded from dump with opts (may be NULL), as the snapshot
 * file snapshot_path (atomically: a random temporary name created
 * exclusively, then a rename), with the dump's read permissions (0600 in
 * the cache folder). Computes parents first if needed. *bytes (may be
 * NULL) gets the file's size.
 * Errors: HS_EIO, HS_ENOMEM, HS_EINVAL (dump is not a regular file). */
HS_API int hs_snapshot_write(hs_graph *g, const char *dump,
                             const hs_load_options *opts,
                             const char *snapshot_path, uint64_t *bytes,
                             hs_error *err);

/* Maps a snapshot file without asking which dump it belongs to. Caller
 * frees with hs_graph_free. Errors: HS_EIO, HS_ECORRUPT (truncated,
 * damaged, inconsistent), HS_EUNSUPPORTED (another format version, byte
 * order or pointer size), HS_ENOMEM. */
HS_API hs_graph *hs_snapshot_open(const char *snapshot_path,
                                  const hs_load_options *opts,
                                  hs_error *err);

/* The same over bytes in memory (copied): the fuzzing entry point. Never
 * reads outside data[0..len), whatever it holds. */
HS_API hs_graph *hs_snapshot_open_buffer(const void *data, size_t len,
                                         const hs_load_options *opts,
                                         hs_error *err);

/* 1 if g's arrays are mapped from a snapshot file, else 0. */
HS_API int hs_graph_is_mapped(const hs_graph *g);

/* Deprecated: the names of the snapshot from when it was called the
 * "snapshot index". The same types, values and functions (the functions
 * still exported, so programs built against them keep running); a use
 * of a function warns. */
#if defined(__GNUC__) && !defined(HS_BUILDING_LIB)
#define HS_DEPRECATED(msg) __attribute__((deprecated(msg)))
#else
#define HS_DEPRECATED(msg)
#endif
#define HS_INDEX_MIN_BYTES HS_SNAPSHOT_MIN_BYTES
typedef hs_snapshot_flags hs_index_flags;
typedef hs_snapshot_report hs_index_report;
#define HS_INDEX_DEFAULT HS_SNAPSHOT_DEFAULT
#define HS_INDEX_NO_READ HS_SNAPSHOT_NO_READ
#define HS_INDEX_NO_WRITE HS_SNAPSHOT_NO_WRITE
#define HS_INDEX_FORCE_WRITE HS_SNAPSHOT_FORCE_WRITE
HS_API HS_DEPRECATED("use hs_snapshot_path") int
hs_index_path(const char *dump, const hs_load_options *opts, int cache,
              char *out, size_t size);
HS_API HS_DEPRECATED("use hs_snapshot_write") int
hs_index_write(hs_graph *g, const char *dump, const hs_load_options *opts,
               const char *index_path, uint64_t *bytes, hs_error *err);
HS_API HS_DEPRECATED("use hs_snapshot_open") hs_graph *
hs_index_open(const char *index_path, const hs_load_options *opts,
              hs_error *err);
HS_API HS_DEPRECATED("use hs_snapshot_open_buffer") hs_graph *
hs_index_open_buffer(const void *data, size_t len,
                     const hs_load_options *opts, hs_error *err);

/* ------------------------------------------------------------------ */
/* MARK: dominators and leaks                                         */
/* ------------------------------------------------------------------ */

/*
 * Why is it alive: the dominator tree of a dump, retained sizes, and the
 * leak finder that compares dumps of one process.
 *
 * An object D dominates V when every path from the roots to V passes
 * through D: freeing D would free V. The roots are those of hs_paths_find
 * (modules, objects without parents), all joined under a virtual root;
 * objects that no root reaches (garbage cycles, cycles held from C) are
 * attached through the first of each such group in file order. The
 * retained size of D is the total size of D and all it dominates.
 *
 * Ownership, once for this section: arrays and text returned through
 * out-parameters or as char * are the caller's, freed with hs_free;
 * type names inside returned structures are borrowed from the graph
 * (valid until hs_graph_free). Objects made by a _new function are freed
 * with the matching _free and keep pointers to their graphs: free them
 * first.
 */

/* Computes the dominator tree of g and every object's retained size and
 * count, with Semi-NCA (iterative: any depth). Needs parents (the default
 * load computes them). Returns the result (caller frees with
 * hs_dominators_free; keeps a pointer to g) or NULL: HS_EINVAL when
 * parents were not computed, HS_ELIMIT, HS_ENOMEM.
 * Time O(refs log objects), in practice a few passes over the edges;
 * memory 32 bytes per object at the computation's peak, 20 kept.
 *
 *     hs_dominators *d = hs_dominators_new(g, &err);
 *     uint32_t *ids; size_t n;
 *     hs_dominators_top(d, 10, &ids, &n, &err);   // the 10 largest owners
 *     ... hs_dominators_retained_size(d, ids[0]) ...
 *     hs_free(ids); hs_dominators_free(d); */
HS_API hs_dominators *hs_dominators_new(const hs_graph *g, hs_error *err);
HS_API void hs_dominators_free(hs_dominators *d);

/* Stored trees. A tree takes as long to compute as a third of a load; read
 * back it takes a tenth of that. hs_dominators_save writes d to path
 * (atomically: a random temporary name created exclusively, then a
 * rename; permission bits mode, masked by the umask; 20 bytes an object)
 * under key, the id of the snapshot d's graph was mapped from or written
 * as (hs_snapshot_report.id), so that it is used for that graph only.
 * Errors: HS_EIO.
 *
 * hs_dominators_restore reads it back for g, as untrusted input: only a
 * regular file owned by the caller's effective user or root and writable
 * by neither group nor others (else HS_EINVAL: not trusted, and why),
 * whole and undamaged (checksums), for the same key (else HS_ENOTFOUND,
 * as when there is no file) and g's object count, with every id in
 * range and each object listed once after its dominator (HS_ECORRUPT,
 * HS_EUNSUPPORTED for another version). A crafted file that passes can
 * give wrong sizes, never a wrong read or an endless walk up the tree.
 * err names the path. The result is as hs_dominators_new's.
 * hs_dominators_restore_buffer does the same over bytes in memory (the
 * fuzzing entry point), without the owner checks. */
HS_API int hs_dominators_save(const hs_dominators *d, const char *path,
                              uint64_t key, unsigned mode, hs_error *err);
HS_API hs_dominators *hs_dominators_restore(const hs_graph *g,
                                            const char *path, uint64_t key,
                                            hs_error *err);
HS_API hs_dominators *hs_dominators_restore_buffer(const hs_graph *g,
                                                   const void *data,
                                                   size_t len, uint64_t key,
                                                   hs_error *err);

/* Where a graph's tree is kept between sessions, and the one policy every
 * front end follows: read the kept tree back when it is there for this
 * snapshot, else compute the tree and keep it, with the snapshot's
 * permission bits (the tree holds no string of the dump, but its sizes
 * tell about it), unless the file there is not trusted to be ours. */
typedef struct hs_tree_store {
    uint64_t key;          /* the snapshot's id; 0: nowhere to keep one */
    int keep;              /* hs_tree_store_read's verdict: keep a tree
                              computed instead */
    char snapshot[1024];   /* the snapshot's path */
    char path[1040];       /* the tree's (hs_snapshot_tree_path) */
} hs_tree_store;

/* The store of a graph opened with report r (NULL: the graph was changed
 * after the snapshot, by passes of the caller's: nowhere). */
HS_API void hs_tree_store_init(hs_tree_store *s, const hs_snapshot_report *r);

/* The tree kept in s for g, or NULL with err: HS_ENOTFOUND when none is
 * there for this snapshot (nothing to say), else a warning to show in
 * err->message ("PATH: not used: why; computing the tree"). Sets
 * s->keep. */
HS_API hs_dominators *hs_tree_store_read(hs_tree_store *s, const hs_graph *g,
                                         hs_error *err);

/* Keeps d in s when s->keep (else does nothing): HS_OK, or HS_EIO with a
 * warning to show in err->message ("cannot keep the dominator tree:
 * why"). */
HS_API int hs_tree_store_keep(const hs_tree_store *s, const hs_dominators *d,
                              hs_error *err);

/* The immediate dominator of id, or HS_NO_NODE when only the virtual
 * root dominates it (a root, or an object several roots reach on
 * separate paths) or id is not a live object. */
HS_API uint32_t hs_dominators_idom(const hs_dominators *d, uint32_t id);

/* 1 when id hangs directly under the virtual root, else 0. */
HS_API int hs_dominators_is_root(const hs_dominators *d, uint32_t id);

/* Why id hangs directly under the virtual root: "module", "no parents"
 * (the roots of hs_paths_find), "unreached" (the entry of a group no
 * root reaches), "several roots" (roots reach it on separate paths), or
 * NULL when it has a real immediate dominator. Static text. */
HS_API const char *hs_dominators_root_kind(const hs_dominators *d,
                                           uint32_t id);

/* Objects the virtual root points at, and how many objects no module or
 * parentless object reaches (attached through extra roots, see above). */
HS_API uint64_t hs_dominators_roots(const hs_dominators *d);
HS_API uint64_t hs_dominators_unreached(const hs_dominators *d);

/* Bytes and objects id retains: itself and everything it dominates; 0
 * for an id that is not a live object. O(1). */
HS_API uint64_t hs_dominators_retained_size(const hs_dominators *d,
                                            uint32_t id);
HS_API uint64_t hs_dominators_retained_count(const hs_dominators *d,
                                             uint32_t id);
/* The size of every live object (what the virtual root retains). */
HS_API uint64_t hs_dominators_total_size(const hs_dominators *d);

/* The max objects of largest retained size, largest first (ties in file
 * order), in *ids (caller frees with hs_free). Time O(objects log max). */
HS_API int hs_dominators_top(const hs_dominators *d, size_t max,
                             uint32_t **ids, size_t *count, hs_error *err);

/* The (at most max) objects id immediately dominates, largest retained
 * size first; id HS_NO_NODE lists the virtual root's. *ids: caller frees
 * with hs_free. HS_ENOTFOUND for a dead id. Time O(objects). */
HS_API int hs_dominators_children(const hs_dominators *d, uint32_t id,
                                  size_t max, uint32_t **ids, size_t *count,
                                  hs_error *err);

/* The dominator tree as child lists, for walking it top-down (`top
 * --tree`, the report's map). Built in O(objects), 4 bytes per object
 * plus 4 per id, and a sort of each child list; read-only afterwards,
 * so threads may share it. */
typedef struct hs_domtree hs_domtree;
HS_API hs_domtree *hs_domtree_new(const hs_dominators *d, hs_error *err);
HS_API void hs_domtree_free(hs_domtree *t);
/* The objects id immediately dominates (id HS_NO_NODE: the roots, what
 * the virtual root dominates), largest retained size first (ties in id
 * order); *count gets how many. Borrowed until hs_domtree_free; NULL with
 * *count 0 for none. */
HS_API const uint32_t *hs_domtree_children(const hs_domtree *t, uint32_t id,
                                           size_t *count);

/* How id hangs under its immediate dominator: the labels of a shortest
 * chain of refs from the dominator to id, as `path` writes them
 * (".history[12]"); "" for a root, "..." when the chain is too far to
 * search (over 65,536 objects). Keys are cut at max_key bytes (0:
 * whole). Caller frees with hs_free; NULL only when out of memory. */
HS_API char *hs_dominators_label(const hs_dominators *d, uint32_t id,
                                 size_t max_key, hs_error *err);

/* One type's row of the retained sizes per type. */
typedef struct hs_retained_type {
    const char *type;         /* borrowed from the graph */
    size_t type_len;
    uint64_t count;           /* objects of the type */
    uint64_t size;            /* their shallow size */
    /* What the type's instances retain, counting each object once: the
     * sum over instances that no other instance of the type dominates
     * (Eclipse MAT's retained size of a class; a lower bound when two
     * instances jointly keep an object that neither dominates). */
    uint64_t retained_size;
    uint64_t retained_count;
} hs_retained_type;

/* Every type's row, by retained size descending, then count, then name.
 * *rows: caller frees with hs_free. Time O(objects); memory 12 bytes an
 * object while walking the tree. */
HS_API int hs_dominators_by_type(const hs_dominators *d,
                                 hs_retained_type **rows, size_t *count,
                                 hs_error *err);

/* The leak report over two or more dumps of one process, in run order.
 *
 * Objects are matched across dumps as hs_diff matches them (address,
 * type and value). The candidates are the objects new in the second dump
 * (not in the first) that survive into the last, which leaves out what a
 * process creates and frees all the time; with two dumps, every object
 * new in the second. In the last dump's dominator tree, the owners of
 * growth are the objects where the candidates' bytes accumulate and
 * spread out: no single object under the owner holds most of them, and
 * they are at least 1 % of all candidate bytes. New owners that stopped
 * growing once born (a request handler with its buffers) are items of
 * growth: two or more of them right under one container are reported
 * as that container. Each owner is found again in every dump (by
 * address, or by its place under its referrer when it was re-created:
 * self.cache = self.cache[-n:]) and judged on its whole series of
 * retained objects: it grows at every dump (in every interval its object
 * count rose by at least as much as it let go of), grew (in
 * some intervals only, or in the one interval of two dumps), or is
 * bounded (in no interval after the first: its count was flat, fell, or
 * rose while it let go of what it held; turnover, not growth). Suspects are ranked
 * by that verdict; those that grow at every dump by the fewest bytes
 * they gained in one interval (the growth they sustain); then by
 * retained bytes gained over the series, then by the candidate bytes
 * they hold (hs_leaks.c's essay has the rule). */
typedef struct hs_leaks hs_leaks;

typedef struct hs_leak_options {
    size_t max_suspects; /* suspects kept; 0 means 10 */
    size_t max_types;    /* composition rows per suspect; 0 means 8 */
    /* NULL, or one entry per dump: its dominator tree, already computed
     * (e.g. on another thread while the next dump loaded), or NULL to
     * have it computed here. Borrowed: the caller frees them after
     * hs_leaks_free. */
    hs_dominators *const *dominators;
} hs_leak_options;

/* One type in what a suspect's new objects are made of. */
typedef struct hs_leak_type {
    const char *type;    /* borrowed from the last dump */
    size_t type_len;
    uint64_t count, size;
} hs_leak_type;

/* One allocating line of a suspect's new objects (dumps with allocation
 * sites, docs/format.md §7): the most recent frame of their tracebacks. */
typedef struct hs_leak_site {
    const char *file;    /* borrowed from the last dump */
    size_t file_len;
    uint32_t line;
    uint64_t count, size;
} hs_leak_site;

/* What an owner's series says (hs_leaks.c, "MARK: verdicts"). */
typedef enum hs_leak_verdict {
    HS_LEAK_GROWS = 0,   /* its count rose in every interval (3+ dumps),
                            by at least what it let go of */
    HS_LEAK_GREW = 1,    /* rose in some intervals only, or in the one
                            interval of two dumps */
    HS_LEAK_BOUNDED = 2  /* no such rise in any interval after the first
                            (the only one with two dumps) */
} hs_leak_verdict;

typedef struct hs_leak_suspect {
    uint32_t owner;           /* node id in the last dump */
    int owner_is_new;         /* the owner was not in the first dump */
    uint64_t new_count;       /* candidates it holds (not counting those */
    uint64_t new_size;        /* of suspects below it), and their bytes */
    /* Per dump (hs_leaks_dumps of them): the owner's node id there
     * (HS_NO_NODE where it was not alive yet), and what it retains there,
     * minus what the suspects below it retain (0 where absent). */
    const uint32_t *ids;
    const uint64_t *retained_size;
    const uint64_t *retained_count;
    /* Per interval j (hs_leaks_dumps - 1 of them): of retained_count[j],
     * the objects still alive at dump j + 1. */
    const uint64_t *kept_count;
    /* Retained growth from the first dump to the last (what it retains
     * where it was absent counts as 0). */
    int64_t growth_size;
    int64_t growth_count;
    int growing;              /* verdict == HS_LEAK_GROWS */
    hs_leak_verdict verdict;  /* the ranking key, then growth_size */
    size_t intervals_grown;   /* intervals (of hs_leaks_dumps - 1) in which
                                 its retained count rose by at least what
                                 it let go of (its retained size, when it
                                 grows in place) */
    int64_t min_interval_growth; /* the smallest count change of an
                                    interval (the sustained growth) */
    int recreated;            /* found in some earlier dump by its place
                                 under its referrer, not its address: the
                                 container was re-created */
    uint64_t items;           /* new owners that stopped growing (items of
                                 growth) grouped under it; 0 if none */
    const hs_leak_type *types; /* largest first */
    size_t ntypes;
    uint32_t sample;          /* one new object it holds (last dump), or
                                 HS_NO_NODE */
    const uint32_t *path;     /* a shortest path from a root to the owner */
    size_t path_len;          /* (last dump ids); 0 when no root reaches it */
    /* The path reduced to types and edge labels, then the growth's type:
     * "module __main__.observer -> LogObserver.history ->
     * collections.deque -> dict"; stable across runs. NUL-terminated. */
    const char *signature;
    /* Where the new objects it holds were allocated, most bytes first, at
     * most max_types rows; nsites is 0 when the last dump has no sites.
     * sites_base_size: the bytes of all those new objects, traced or not
     * (a row's share is size / sites_base_size). When sites are known the
     * signature ends " @ name.py:line": the first row's line, its file
     * without folders, so that it stays stable from machine to machine. */
    const hs_leak_site *sites;
    size_t nsites;
    uint64_t sites_base_size;
    /* The owner holds no new object: it grows in place (a buffer never
     * drained, a list of references to objects that live anyway), its
     * own size rising at every interval. Its verdict reads
     * retained_size, not retained_count; new_count and new_size are 0. */
    int grows_in_place;
} hs_leak_suspect;

/* Finds the suspects in dumps[0..ndumps) (ndumps >= 2, run order, each
 * loaded with parents). Computes every dump's dominator tree that
 * opts->dominators does not give (on up to one thread per dump and CPU). Returns the result (caller frees with
 * hs_leaks_free; keeps pointers to the dumps) or NULL: HS_EINVAL for
 * fewer than two dumps, dumps of different dialects or without parents,
 * HS_ENOMEM.
 * Time: the dominator trees plus O(objects) per dump; memory: 20 bytes an
 * object per dump plus 40 an object (and a bit) of the last while
 * ranking.
 *
 *     const hs_graph *dumps[3] = {d1, d2, d3};
 *     hs_leaks *l = hs_leaks_new(dumps, 3, NULL, &err);
 *     if (hs_leaks_count(l)) puts(hs_leaks_at(l, 0)->signature);
 *     hs_leaks_free(l); */
HS_API hs_leaks *hs_leaks_new(const hs_graph *const *dumps, size_t ndumps,
                              const hs_leak_options *opts, hs_error *err);
HS_API void hs_leaks_free(hs_leaks *l);

HS_API size_t hs_leaks_dumps(const hs_leaks *l);
/* The candidates: objects new in the second dump that survive into the
 * last (every new object with two dumps), and their bytes. */
HS_API uint64_t hs_leaks_candidates(const hs_leaks *l, uint64_t *bytes);
/* Objects of the last dump that were not in the first, and their bytes. */
HS_API uint64_t hs_leaks_new_objects(const hs_leaks *l, uint64_t *bytes);
/* The dominator tree of dump i (borrowed; valid until hs_leaks_free). */
HS_API const hs_dominators *hs_leaks_dominators(const hs_leaks *l,
                                                size_t dump);

HS_API size_t hs_leaks_count(const hs_leaks *l);
/* Suspect i, most likely leak first. Borrowed; valid until
 * hs_leaks_free. NULL past the end. */
HS_API const hs_leak_suspect *hs_leaks_at(const hs_leaks *l, size_t i);
/* The verdict's key: "grows", "grew" or "bounded". */
HS_API const char *hs_leak_verdict_key(hs_leak_verdict v);
/* The verdict in words, as the reports print it: "grows at every dump",
 * "grew once", "grew in 2 of 3 intervals", "bounded (turnover, not
 * growth)". Returns a static string or buf (size 64 is enough). */
HS_API const char *hs_leak_verdict_text(const hs_leak_suspect *s,
                                        size_t ndumps, char *buf,
                                        size_t size);

/* SQL over the heap: heapscope_query.h, a part of this header kept in a
 * file of its own (what lib/query owns). */
#include "heapscope_query.h"

/* ------------------------------------------------------------------ */
/* MARK: output files                                                 */
/* ------------------------------------------------------------------ */

/* An output is written under a temporary name beside its final one and
 * renamed into place, so that no reader sees half of it (the library's
 * snapshots, the CLI's -o files). A name made from the pid is
 * predictable: another user of a shared folder can plant a symlink under
 * it and make the writer (often root) overwrite any file. These names
 * carry 64 random bits and are created exclusively (O_CREAT|O_EXCL|
 * O_NOFOLLOW): always a new file or folder of the caller's own. */

/* Creates "<path>.tmp-<16 random hex digits><suffix>" for writing (mode
 * as open(2) takes it, masked by the umask), close-on-exec, and writes
 * its name to tmp (size bytes). Returns the descriptor, or -1 with errno
 * set (ENAMETOOLONG when tmp is too small; EEXIST after 64 names taken).
 * The caller renames or unlinks the file. */
HS_API int hs_tmpfile_create(const char *path, const char *suffix,
                             mode_t mode, char *tmp, size_t size);

/* The same for a folder only its owner can enter (mode 0700), for files
 * that other programs create by name (converters): inside it no one else
 * can plant anything. Returns 0, or -1 with errno set. */
HS_API int hs_tmpdir_create(const char *path, char *tmp, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* HEAPSCOPE_H */
