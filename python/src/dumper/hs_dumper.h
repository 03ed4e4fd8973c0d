/*
 * hs_dumper.h - internal interfaces of heapscope's heap dumper.
 *
 * The dumper is one walk over the live heap that writes one meliae-format
 * JSON line per object (docs/format.md §6). Its modules:
 *
 *   hs_dump_mem.c  counted malloc, so the walk can report its own overhead
 *   hs_visited.c   the visited set: a hash of 4 KiB page bitmaps
 *   hs_ptrstack.c  the explicit DFS stack (never recursion on graph depth)
 *   hs_writer.c    buffered output to a file descriptor, optionally gzip
 *   hs_record.c    one record's fields: escapers, numbers, separators
 *   hs_bigint.c    decimal digits of ints of any size, without PyLong calls
 *   hs_float.c     a float's shortest round-trip text, without PyFloat calls
 *   hs_sizeof.c    sys.getsizeof() computed in C
 *   hs_stdlib.c    whether a C function is CPython's own (its code's file)
 *   hs_gclist.c    the collector's generation lists      (CPython internals)
 *   hs_slots.c     __slots__ members as subtype_traverse sees them
 *   hs_inline.c    3.11+ inline attribute values         (CPython internals)
 *   hs_frames.c    threads' frames and thread-state roots (CPython internals)
 *   hs_refs.c      what each object writes: name, len, value and refs
 *   hs_tmfind.c    tracemalloc's traces, found and read  (CPython internals)
 *   hs_sites.c     allocation sites: traceback ids and their tables
 *   hs_dump_walk.c the walk itself
 *   hs_fork.c      fork snapshots: the walk in a clone of the process
 *   hs_memfacts.c  the process's memory, for the header (before the walk)
 *   hs_module.c    the Python module heapscope._dumper
 *
 * Rule for every module: while a walk runs, nothing here creates a Python
 * object, runs Python code or releases the GIL. The one documented exception
 * is hs_sizeof.c calling the C __sizeof__ of a few stdlib types.
 */
#ifndef HS_DUMPER_H
#define HS_DUMPER_H

#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef Py_IS_TYPE   /* added in 3.9 */
#define Py_IS_TYPE(ob, type) (Py_TYPE(ob) == (type))
#endif

/* MARK: counted allocation (hs_dump_mem.c) */

/* Every byte the walk allocates goes through these, so a dump can report
 * its peak extra memory exactly. Not thread-safe: the GIL serialises. */
void *hsd_malloc(size_t n);
void *hsd_calloc(size_t n, size_t size);
void *hsd_realloc(void *p, size_t old_n, size_t new_n);
void hsd_free(void *p, size_t n);
void hsd_mem_reset_peak(void);
size_t hsd_mem_current(void);
size_t hsd_mem_peak(void);
/* From now on every block is mmapped, never malloc'd (a fork child). */
void hsd_mem_use_mmap(void);

/* MARK: visited set (hs_visited.c) */

typedef struct hs_visited {
    uint32_t *slots;        /* open addressing: page index + 1, 0 = empty */
    size_t mask;            /* slot count - 1 (a power of two) */
    size_t npages;          /* pages in use */
    struct hs_page **chunks;   /* pages, HS_PAGES_PER_CHUNK per chunk */
    size_t nchunks;
    size_t cap_chunks;
    uintptr_t last_page;    /* one-entry cache: consecutive objects */
    struct hs_page *last;   /* usually share a page */
} hs_visited;

int hs_visited_init(hs_visited *self);
void hs_visited_release(hs_visited *self);
/* Marks p; returns 1 if it was new, 0 if already marked, -1 out of memory. */
int hs_visited_add(hs_visited *self, const void *p);
size_t hs_visited_bytes(const hs_visited *self);

/* MARK: explicit stack (hs_ptrstack.c) */

typedef struct hs_ptrstack {
    PyObject **items;
    size_t len;
    size_t cap;
    size_t peak_bytes;
} hs_ptrstack;

void hs_ptrstack_init(hs_ptrstack *self);
void hs_ptrstack_release(hs_ptrstack *self);
int hs_ptrstack_push(hs_ptrstack *self, PyObject *op);

static inline PyObject *
hs_ptrstack_pop(hs_ptrstack *self)
{
    return self->len ? self->items[--self->len] : NULL;
}

/* MARK: output (hs_writer.c) */

typedef struct hs_writer {
    int fd;
    char *buf;
    size_t len;
    size_t cap;
    void *zs;              /* z_stream * when gzip, else NULL */
    unsigned char *zbuf;
    uint64_t raw_bytes;    /* JSON bytes produced */
    uint64_t file_bytes;   /* bytes written to fd */
    int err;               /* errno of the first failure, or -1 for zlib */
} hs_writer;

int hs_writer_init(hs_writer *self, int fd, int gzip);
/* Returns a pointer to at least n free bytes (n <= HS_WRITER_MAX_RESERVE),
 * flushing first if needed; NULL after an error. */
char *hs_writer_reserve(hs_writer *self, size_t n);
int hs_writer_flush(hs_writer *self);
/* Flushes and ends the gzip stream. Does not close fd. */
int hs_writer_finish(hs_writer *self);
void hs_writer_release(hs_writer *self);

#define HS_WRITER_MAX_RESERVE 4096

static inline void
hs_writer_commit(hs_writer *self, size_t n)
{
    self->len += n;
}

/* MARK: records (hs_record.c) */

/* Text fields keep at most this many code points (or bytes), FORMAT 1.3. */
#define HS_TEXT_LIMIT 100

typedef struct hs_record {
    hs_writer *w;
    int nrefs;
    int nunset;             /* positions written by hs_record_unset_slot */
} hs_record;

void hs_record_begin(hs_record *r, hs_writer *w, uintptr_t address,
                     PyTypeObject *type, Py_ssize_t size);
/* Same, with an explicit type string (synthetic records). */
void hs_record_begin_named(hs_record *r, hs_writer *w, uintptr_t address,
                           const char *type_utf8, Py_ssize_t size);
void hs_record_key(hs_record *r, const char *key);  /* `, "key": ` */
void hs_record_str(hs_record *r, PyObject *unicode);     /* text escaper */
void hs_record_str_full(hs_writer *w, PyObject *unicode); /* not cut short */
void hs_record_utf8(hs_record *r, const char *s);        /* decoded UTF-8 */
void hs_record_bytes(hs_record *r, const char *s, Py_ssize_t n);
void hs_record_ascii(hs_record *r, const char *s);       /* as a JSON string */
void hs_record_int(hs_record *r, long long v);
void hs_record_uint(hs_record *r, unsigned long long v);
void hs_record_refs_begin(hs_record *r);
void hs_record_ref(hs_record *r, uintptr_t address);
/* After the refs: adds member slot position pos to the record's
 * "unset_slots" list (docs/format.md 6), opening it on the first call. */
void hs_record_unset_slot(hs_record *r, unsigned long long pos);
void hs_record_end(hs_record *r);
void hs_record_raw(hs_writer *w, const char *s, size_t n);

/* MARK: floats (hs_float.c) */

#define HS_FLOAT_TEXT 32   /* "-1.2345678901234567e-308" and its NUL fit */

/* The shortest text that reads back as v ("0.1", "1e+16", "inf", "nan"). */
void hs_float_text(char out[HS_FLOAT_TEXT], double v);

/* MARK: big ints (hs_bigint.c) */

/* Writes int value `op` as the record's value: a JSON number when it fits
 * in int64, else a JSON string of its decimal digits, or "<int: N bits>"
 * past HS_BIGINT_MAX_DIGITS. */
#define HS_BIGINT_MAX_DIGITS 4300
void hs_bigint_write_value(hs_record *r, PyObject *op);

/* MARK: sizes (hs_sizeof.c) */

/* Starts a dump's type table (hs_sizeof_release frees it). */
int hs_sizeof_init(void);
void hs_sizeof_release(void);
/* sys.getsizeof(op) without running Python code; see hs_sizeof.c. */
Py_ssize_t hs_sizeof(PyObject *op);
extern size_t hs_sizeof_ccalls;   /* C __sizeof__ calls made (documented) */

/* MARK: CPython's own code (hs_stdlib.c) */

/* Finds the standard library's lib-dynload folder (once; Python may run). */
int hs_stdlib_init(void);
/* Re-reads which code ranges are CPython's (no malloc, no Python). */
void hs_stdlib_refresh(void);
/* 1 when fn's code is in the interpreter's binary or the stdlib's
 * shared objects. */
int hs_stdlib_owns(const void *fn);

/* MARK: collector lists (hs_gclist.c) */

typedef int (*hs_gc_visit)(PyObject *op, void *arg);
/* 1 while a collection runs: the lists are then in flux. */
int hs_gclist_collecting(void);
/* Calls fn on every object the collector tracks, all generations and the
 * permanent one; stops at fn's first nonzero result and returns it. */
int hs_gclist_foreach(hs_gc_visit fn, void *arg);

/* MARK: inline values (hs_inline.c) */

typedef struct hs_inline {
    const void *addr;        /* storage address: the synthetic dict's */
    Py_ssize_t size;         /* storage bytes */
    PyObject *dict;          /* 3.13: a dict sharing the values, or NULL */
    PyObject *const *slots;  /* the values, in traverse order */
    Py_ssize_t nslots;       /* slots traverse scans */
    Py_ssize_t nvalues;      /* non-NULL slots */
} hs_inline;

/* 1 and fills *iv when op's attributes live in inline values that its
 * tp_traverse visits one by one; 0 otherwise (including < 3.11). */
int hs_inline_get(PyObject *op, hs_inline *iv);
/* The i-th attribute (0 <= i < nvalues) in insertion order. */
int hs_inline_item(PyObject *op, const hs_inline *iv, Py_ssize_t i,
                   PyObject **key, PyObject **value);

/* MARK: __slots__ members (hs_slots.c) */

/* Number of __slots__ values subtype_traverse visits (before the dict);
 * when unset is not NULL, adds each NULL one's position to its
 * "unset_slots". */
Py_ssize_t hs_slots_scan(PyObject *op, traverseproc subtype_trav,
                         hs_record *unset);

/* MARK: frames and thread roots (hs_frames.c) */

typedef struct hs_walk hs_walk;
/* Writes a record per thread-owned 3.11+ interpreter frame and pushes
 * every thread's roots. Returns -1 on error. */
int hs_frames_roots(hs_walk *wk);

/* MARK: per-object records (hs_refs.c) */

int hs_refs_init(void);
/* Writes op's record, pushing its unvisited referents. */
int hs_refs_write(hs_walk *wk, PyObject *op);

/* MARK: the walk (hs_dump_walk.c) */

typedef struct hs_stats {
    uint64_t objects;
    uint64_t raw_bytes;
    uint64_t file_bytes;
    size_t peak_mem;         /* peak bytes allocated by the walk */
    size_t visited_bytes;
    size_t stack_peak_bytes;
    size_t sizeof_ccalls;
    size_t inline_dicts;
    size_t frames;
    uint64_t traced;         /* objects written with a traceback id */
    size_t tracebacks;       /* traceback lines written */
    size_t frames_written;   /* frame lines written */
    const char *sites_why;   /* tracing, but no sites: why (static) */
} hs_stats;

struct hs_walk {
    hs_visited visited;
    hs_ptrstack stack;
    hs_writer *w;
    hs_stats stats;
    int failed;              /* 1: out of memory or write error */
    /* Only the keys meliae's loader reads (no header line and no
     * "unset_slots": its regex path fails on any key after "refs"). */
    int meliae_keys;
    struct hs_sites *sites;  /* allocation sites (hs_sites.h) */
};

/* Marks op and pushes it if new. Returns -1 on out of memory. */
int hs_walk_reach(hs_walk *wk, PyObject *op);
/* Marks a synthetic address; 1 if new. */
int hs_walk_mark(hs_walk *wk, const void *addr);

/* Runs a whole dump to fd, or, when roots is not NULL, a dump of what
 * roots[0..nroots) reach (them included). Returns 0, or -1 with
 * errno-like *err (ENOMEM, EBUSY when the collector runs, or a write
 * errno). */
int hs_walk_dump(int fd, int gzip, int header, PyObject *const *roots,
                 Py_ssize_t nroots, hs_stats *stats, int *err);
/* The pid the header names: the observed process, which is the parent
 * in a fork snapshot's child; 0 means getpid(). */
extern pid_t hs_walk_pid;

/* MARK: memory facts (hs_memfacts.c) */

/* The header's memory members (`, "rss": N, ...`), taken by
 * hs_memfacts_take before a walk and written by the walk's header. */
#define HS_HEADER_EXTRA_MAX 256
extern char hs_walk_header_extra[HS_HEADER_EXTRA_MAX];
/* Fills hs_walk_header_extra. Outside any walk: may create objects. */
void hs_memfacts_take(void);
/* Exported by every CPython 3.8-3.13, declared in internal headers from
 * 3.11 on: pymalloc's statistics as text; 0 when pymalloc is not used. */
PyAPI_FUNC(int) _PyObject_DebugMallocStats(FILE *out);

/* MARK: fork snapshots (hs_fork.c) */

/* fork_dump and fork_wait, added to heapscope._dumper. */
extern PyMethodDef hs_fork_methods[];

/* MARK: the module (hs_module.c) */

/* A dump's figures, for last_stats(). */
void hs_module_set_last_stats(const hs_stats *stats);

#endif /* HS_DUMPER_H */
