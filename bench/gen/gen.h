/*
 * gen.h: what the files of bench/gen_dump share.  gen_dump writes a
 * synthetic meliae heap dump of a Python 3.11 service:
 *
 *     cc -O2 -o gen_dump bench/gen/[a-z]*.c
 *     ./gen_dump [--objects N] [--seed S] [-o FILE]
 *
 * writer.c owns the state and the output (escaping, staging a unit's
 * lines), objects.c one record per object with CPython 3.11's sizes,
 * runtime.c what a service holds before its data (types, modules,
 * classes), units.c the service's data (requests, orders, log events)
 * and the roots that hold it, among them the leaking deques of log
 * events, and main.c the command line.
 *
 * The benchmark needs a dump as large as a real leaking service's (7.8 M
 * objects, about 845 MB) that looks, line by line, like what meliae's
 * scanner writes on CPython 3.11 (docs/format.md §1 and §2):
 * the exact key order and separators, "\/" and "\u00xx" escapes, surrogate
 * pairs, values cut at 100 units with the full len, 3.11 sizes, values-only
 * dicts for str keys and value,key dicts otherwise, inline-values instances
 * and materialised [dict, type] ones.  Real dumps of that size cannot be
 * shipped, so we make one, deterministically from --seed.
 *
 * NOTE: about the heap's shape.  A fixed-size "runtime" comes first:
 * static types, small ints, None and the bools, modules with their dicts,
 * classes with their dicts, functions and code, enums, ABCMeta classes.
 * Then "units", one small object graph each (a request, a connection, an
 * order, a user, a log event, ...), which reference the runtime's shared
 * objects (classes, interned strings, small ints, None) as a real heap
 * does.  Units hang off a few roots: shard dicts (one in three keyed by
 * int, so value, key refs; the others by str, so values only), and deques
 * of log-event dicts held by observer objects, which is the leak the
 * benchmark story is about.  The roots' lines are long (a deque of 250 K
 * events is a 4 MB line), which real dumps have too.
 *
 * NOTE: about order.  meliae writes an object, then its children, last
 * child first.  We build each unit bottom-up (a parent needs its
 * children's addresses) into a staging buffer and write the unit's lines
 * in reverse, which gives exactly that order within a unit.  The roots
 * are written after the units they hold.
 *
 * Invariants: every referenced address has exactly one record (no
 * dangling refs, no duplicates), and exactly N records are written.
 */

#ifndef GEN_H
#define GEN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define DEFAULT_OBJECTS 7800000ULL
#define MIN_OBJECTS 2000ULL
#define TRUNCATE_UNITS 100      /* meliae keeps 100 code points / bytes */
#define MAX_UNIT_RECORDS 64     /* no unit writes more records than this */
#define SHARD_ENTRIES 20000     /* sessions per shard dict */
#define DEQUE_EVENTS 250000     /* events per deque before a new observer */
#define OUT_BUFSIZE (1 << 20)

/* MARK: writer.c, the generator's state and the output */

typedef struct {
    uint64_t *v;
    size_t n;
    size_t alloc;
} u64vec;

#define N_SIZE_CLASSES 33       /* pymalloc-like classes of 16 bytes */

typedef struct {
    FILE *out;
    char *buf;                  /* output buffer */
    size_t len;
    char *stage;                /* current unit's lines, in build order */
    size_t stage_len;
    size_t stage_alloc;
    size_t *line_start;         /* offsets of the staged lines */
    size_t nlines;
    size_t lines_alloc;
    uint64_t rng;
    uint64_t remaining;         /* records still to write */
    uint64_t arena[N_SIZE_CLASSES + 1];
} gen;

void die(const char *what);
void *xrealloc(void *p, size_t n);
void u64vec_push(u64vec *a, uint64_t x);
uint64_t rnd(gen *g, uint64_t n);
uint64_t alloc_addr(gen *g, uint64_t size);
void out_flush(gen *g);
void put(gen *g, const char *s, size_t n);
void put_i64(gen *g, int64_t v);
void put_cstring(gen *g, const unsigned char *s, size_t n);
unsigned utf8_next(const unsigned char **p);
void put_text(gen *g, const char *utf8);
void rec_begin(gen *g, uint64_t addr, const char *type, uint64_t size);
void rec_name(gen *g, const char *name);
void rec_len(gen *g, uint64_t len);
void rec_end(gen *g, const uint64_t *refs, size_t n);
void unit_flush(gen *g);
#define PUT_LIT(g, lit) put((g), (lit), sizeof(lit) - 1)

/* MARK: objects.c, one record each, with CPython 3.11's sizes */

#define SMALL_INT_MIN (-5)
#define SMALL_INT_MAX 256

/* Statically allocated objects live in the interpreter's data segment. */
#define ADDR_NONE 9804992ULL
#define ADDR_TRUE 9805984ULL
#define ADDR_FALSE 9805952ULL
#define ADDR_STATIC_TYPES 9600000ULL    /* + 416 * i */
#define ADDR_SMALL_INT0 10861192ULL     /* int 0; +-32 per step */
#define ADDR_HEAP_CLASSES 421000000ULL  /* + 1712 * i (brk heap) */

uint64_t small_int(int64_t v);
uint64_t new_leaf(gen *g, const char *type, uint64_t size);
uint64_t new_container(gen *g, const char *type, uint64_t size,
                       const uint64_t *refs, size_t n, int with_len);
uint64_t new_int(gen *g, int64_t v);
uint64_t new_bigint(gen *g);
uint64_t new_str(gen *g, const char *utf8);
uint64_t new_bytes(gen *g, const unsigned char *data, size_t n);
uint64_t new_tuple(gen *g, const uint64_t *refs, size_t n);
uint64_t new_list(gen *g, const uint64_t *refs, size_t n);
uint64_t set_size(size_t n);
uint64_t dict_size(size_t n, int str_keys);
uint64_t new_dict_values(gen *g, const uint64_t *values, size_t n);
uint64_t new_dict_vk(gen *g, const uint64_t *pairs, size_t nitems);
uint64_t new_instance(gen *g, const char *type, uint64_t size,
                      const uint64_t *refs, size_t n);
uint64_t new_float(gen *g);

/* MARK: runtime.c, what a service has before its data */

enum user_class {
    CLS_REQUEST, CLS_CONNECTION, CLS_ORDER, CLS_USER, CLS_SLOTTED,
    CLS_MESSAGE, CLS_STATS, CLS_NAMED_CONSTANT, CLS_OBSERVER, CLS_UNICODE,
    CLS_COUNT
};

#define N_WORDS 30
extern const char *const WORDS[];   /* words for made-up names */

/* Indexes into SHARED_TEXT, the strings the units share. */
#define N_SHARED 33
#define S_METHOD 0
#define S_HOST 4
#define S_UA 6
#define S_STATUS 8
#define S_TAG 12
#define S_NS 20
#define S_FMT 24
#define S_EVENT 28
#define S_TEXT 29
#define S_INT_KEY 30
#define S_CTYPE 31

/* The runtime's objects that units refer to. */
typedef struct {
    uint64_t builtins_dict;
    uint64_t type_abcmeta;      /* heap metaclasses */
    uint64_t type_enumtype;
    uint64_t cls[CLS_COUNT];
    uint64_t color[3];
    uint64_t level[5];
    uint64_t shared[N_SHARED];
    uint64_t peers[50];
    uint64_t root_list;         /* written last: shards and observers */
    size_t nclasses;            /* heap classes so far */
    size_t nmodules;            /* generic modules to write */
} runtime;

extern runtime rt;

void write_runtime(gen *g, uint64_t objects);

/* MARK: units.c, the service's data and the roots that hold it */

void write_dump(gen *g, uint64_t objects);

#endif
