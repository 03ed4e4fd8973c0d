/*
 * gen_dump.c: write a synthetic meliae heap dump of a Python 3.11 service.
 *
 *     cc -O2 -o gen_dump gen_dump.c
 *     ./gen_dump [--objects N] [--seed S] [-o FILE]
 *
 * The benchmark needs a dump as large as a real leaking service's (7.8 M
 * objects, about 845 MB) that looks, line by line, like what meliae's
 * scanner writes on CPython 3.11 (shared/docs/FORMAT.md sections 1 and 2):
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
 * benchmark story is about.  The roots' lines are long (a deque of 250 K events is a 4 MB
 * line), which real dumps have too.
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

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_OBJECTS 7800000ULL
#define MIN_OBJECTS 2000ULL
#define TRUNCATE_UNITS 100      /* meliae keeps 100 code points / bytes */
#define MAX_UNIT_RECORDS 64     /* no unit writes more records than this */
#define SHARD_ENTRIES 20000     /* sessions per shard dict */
#define DEQUE_EVENTS 250000     /* events per deque before a new observer */
#define OUT_BUFSIZE (1 << 20)

/* ------------------------------------------------------------------------
 * Small utilities: dying allocation, the random generator, growable u64
 * arrays.  A generator may exit on failure; it is not library code.
 * --------------------------------------------------------------------- */

static void
die(const char *what)
{
    fprintf(stderr, "gen_dump: error: %s\n", what);
    exit(1);
}

static void *
xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL) {
        die("out of memory");
    }
    return q;
}

/* splitmix64: tiny, fast and good enough to pick shapes; fixed by seed. */
static uint64_t
rng_next(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

typedef struct {
    uint64_t *v;
    size_t n;
    size_t alloc;
} u64vec;

static void
u64vec_push(u64vec *a, uint64_t x)
{
    if (a->n == a->alloc) {
        a->alloc = a->alloc ? a->alloc * 2 : 64;
        a->v = xrealloc(a->v, a->alloc * sizeof(*a->v));
    }
    a->v[a->n++] = x;
}

/* ------------------------------------------------------------------------
 * Generator state
 * --------------------------------------------------------------------- */

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

static uint64_t
rnd(gen *g, uint64_t n)
{
    return rng_next(&g->rng) % n;
}

/*
 * Addresses: one bump pointer per 16-byte size class, each class in its
 * own 4 GiB region, and big objects in one more, so addresses look like
 * 64-bit Linux heap ids (15 digits) and never repeat.  A random gap now
 * and then stands for freed blocks.
 */
static uint64_t
alloc_addr(gen *g, uint64_t size)
{
    uint64_t rounded = (size + 15) & ~(uint64_t)15;
    size_t cls = rounded / 16;
    uint64_t addr;

    if (rounded == 0) {
        rounded = 16;
        cls = 1;
    }
    if (cls > N_SIZE_CLASSES - 1) {
        cls = N_SIZE_CLASSES;
    }
    if (g->arena[cls] == 0) {
        g->arena[cls] = 0x7fd300000000ULL + ((uint64_t)cls << 32);
    }
    addr = g->arena[cls];
    g->arena[cls] += rounded;
    if (rnd(g, 8) == 0) {
        g->arena[cls] += rounded;
    }
    return addr;
}

/* ------------------------------------------------------------------------
 * Writing: a unit's lines go to the stage, then out in reverse.
 * --------------------------------------------------------------------- */

static void
out_flush(gen *g)
{
    if (g->len > 0 && fwrite(g->buf, 1, g->len, g->out) != g->len) {
        die(strerror(errno));
    }
    g->len = 0;
}

static void
out_write(gen *g, const char *s, size_t n)
{
    if (g->len + n > OUT_BUFSIZE) {
        out_flush(g);
    }
    if (n > OUT_BUFSIZE) {
        if (fwrite(s, 1, n, g->out) != n) {
            die(strerror(errno));
        }
        return;
    }
    memcpy(g->buf + g->len, s, n);
    g->len += n;
}

static void
stage_reserve(gen *g, size_t n)
{
    if (g->stage_len + n > g->stage_alloc) {
        while (g->stage_len + n > g->stage_alloc) {
            g->stage_alloc = g->stage_alloc ? g->stage_alloc * 2 : 1 << 16;
        }
        g->stage = xrealloc(g->stage, g->stage_alloc);
    }
}

static void
put(gen *g, const char *s, size_t n)
{
    stage_reserve(g, n);
    memcpy(g->stage + g->stage_len, s, n);
    g->stage_len += n;
}

#define PUT_LIT(g, lit) put((g), (lit), sizeof(lit) - 1)

static void
put_u64(gen *g, uint64_t v)
{
    char tmp[24];
    size_t i = sizeof(tmp);

    do {
        tmp[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    put(g, tmp + i, sizeof(tmp) - i);
}

static void
put_i64(gen *g, int64_t v)
{
    if (v < 0) {
        PUT_LIT(g, "-");
        put_u64(g, (uint64_t)0 - (uint64_t)v);
    } else {
        put_u64(g, (uint64_t)v);
    }
}

static void
put_u_escape(gen *g, unsigned cp)
{
    static const char hex[] = "0123456789abcdef";
    char e[6] = {'\\', 'u', hex[(cp >> 12) & 15], hex[(cp >> 8) & 15],
                 hex[(cp >> 4) & 15], hex[cp & 15]};
    put(g, e, sizeof(e));
}

/*
 * meliae's C-string escaper (types, class and module names, bytes
 * values): cut at 100 bytes, backslash before \ / ", and \u00xx for every
 * byte outside 0x20..0x7e, so UTF-8 comes out as mojibake.
 */
static void
put_cstring(gen *g, const unsigned char *s, size_t n)
{
    size_t i;

    PUT_LIT(g, "\"");
    if (n > TRUNCATE_UNITS) {
        n = TRUNCATE_UNITS;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c == '\\' || c == '/' || c == '"') {
            char e[2] = {'\\', (char)c};
            put(g, e, 2);
        } else if (c < 0x20 || c > 0x7e) {
            put_u_escape(g, c);
        } else {
            put(g, (const char *)&c, 1);
        }
    }
    PUT_LIT(g, "\"");
}

/* Decode one UTF-8 sequence (our own literals: always valid). */
static unsigned
utf8_next(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned cp;
    int extra;

    if (s[0] < 0x80) {
        cp = s[0];
        extra = 0;
    } else if (s[0] < 0xe0) {
        cp = s[0] & 0x1f;
        extra = 1;
    } else if (s[0] < 0xf0) {
        cp = s[0] & 0x0f;
        extra = 2;
    } else {
        cp = s[0] & 0x07;
        extra = 3;
    }
    for (s++; extra > 0; extra--, s++) {
        cp = (cp << 6) | (*s & 0x3f);
    }
    *p = s;
    return cp;
}

/*
 * meliae's text escaper (str values, function names): the first 100 code
 * points, backslash before \ / ", \uxxxx for code points <= 0x1f or
 * >= 0x7f, and a surrogate pair above 0xFFFF.
 */
static void
put_text(gen *g, const char *utf8)
{
    const unsigned char *p = (const unsigned char *)utf8;
    size_t units = 0;

    PUT_LIT(g, "\"");
    while (*p != '\0' && units < TRUNCATE_UNITS) {
        unsigned cp = utf8_next(&p);
        units++;
        if (cp == '\\' || cp == '/' || cp == '"') {
            char e[2] = {'\\', (char)cp};
            put(g, e, 2);
        } else if (cp > 0xffff) {
            cp -= 0x10000;
            put_u_escape(g, 0xd800 + (cp >> 10));
            put_u_escape(g, 0xdc00 + (cp & 0x3ff));
        } else if (cp <= 0x1f || cp >= 0x7f) {
            put_u_escape(g, cp);
        } else {
            char c = (char)cp;
            put(g, &c, 1);
        }
    }
    PUT_LIT(g, "\"");
}

/* The head of a record: {"address": A, "type": "T", "size": S */
static void
rec_begin(gen *g, uint64_t addr, const char *type, uint64_t size)
{
    if (g->nlines == g->lines_alloc) {
        g->lines_alloc = g->lines_alloc ? g->lines_alloc * 2 : 256;
        g->line_start = xrealloc(g->line_start,
                                 g->lines_alloc * sizeof(*g->line_start));
    }
    g->line_start[g->nlines++] = g->stage_len;
    PUT_LIT(g, "{\"address\": ");
    put_u64(g, addr);
    PUT_LIT(g, ", \"type\": ");
    put_cstring(g, (const unsigned char *)type, strlen(type));
    PUT_LIT(g, ", \"size\": ");
    put_u64(g, size);
}

static void
rec_name(gen *g, const char *name)
{
    PUT_LIT(g, ", \"name\": ");
    put_cstring(g, (const unsigned char *)name, strlen(name));
}

static void
rec_len(gen *g, uint64_t len)
{
    PUT_LIT(g, ", \"len\": ");
    put_u64(g, len);
}

/* The tail: , "refs": [...]}\n.  Ends the record and counts it. */
static void
rec_end(gen *g, const uint64_t *refs, size_t n)
{
    size_t i;

    PUT_LIT(g, ", \"refs\": [");
    for (i = 0; i < n; i++) {
        if (i > 0) {
            PUT_LIT(g, ", ");
        }
        put_u64(g, refs[i]);
    }
    PUT_LIT(g, "]}\n");
    if (g->remaining == 0) {
        die("internal: record budget exceeded");
    }
    g->remaining--;
}

/* Write the staged unit, last-built line first, and empty the stage. */
static void
unit_flush(gen *g)
{
    size_t i = g->nlines;
    size_t end = g->stage_len;

    while (i > 0) {
        i--;
        out_write(g, g->stage + g->line_start[i], end - g->line_start[i]);
        end = g->line_start[i];
    }
    g->nlines = 0;
    g->stage_len = 0;
}

/* ------------------------------------------------------------------------
 * Objects.  Each new_* writes one record to the stage and returns its
 * address; sizes follow meliae on CPython 3.11 (FORMAT.md section 3).
 * --------------------------------------------------------------------- */

#define SMALL_INT_MIN (-5)
#define SMALL_INT_MAX 256

/* Statically allocated objects live in the interpreter's data segment. */
#define ADDR_NONE 9804992ULL
#define ADDR_TRUE 9805984ULL
#define ADDR_FALSE 9805952ULL
#define ADDR_STATIC_TYPES 9600000ULL    /* + 416 * i */
#define ADDR_SMALL_INT0 10861192ULL     /* int 0; +-32 per step */
#define ADDR_HEAP_CLASSES 421000000ULL  /* + 1712 * i (brk heap) */

static uint64_t
small_int(int64_t v)
{
    return ADDR_SMALL_INT0 + (uint64_t)(v * 32);
}

static uint64_t
new_leaf(gen *g, const char *type, uint64_t size)
{
    uint64_t a = alloc_addr(g, size);

    rec_begin(g, a, type, size);
    rec_end(g, NULL, 0);
    return a;
}

static uint64_t
new_container(gen *g, const char *type, uint64_t size, const uint64_t *refs,
              size_t n, int with_len)
{
    uint64_t a = alloc_addr(g, size);

    rec_begin(g, a, type, size);
    if (with_len) {
        rec_len(g, n);
    }
    rec_end(g, refs, n);
    return a;
}

/* An exact int: small ones are shared, others get one record. */
static uint64_t
new_int(gen *g, int64_t v)
{
    uint64_t mag = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t digits = 0;
    uint64_t a;

    if (v >= SMALL_INT_MIN && v <= SMALL_INT_MAX) {
        return small_int(v);
    }
    for (; mag != 0; mag >>= 30) {
        digits++;
    }
    a = alloc_addr(g, 24 + 4 * digits);
    rec_begin(g, a, "int", 24 + 4 * digits);
    PUT_LIT(g, ", \"value\": ");
    put_i64(g, v);
    rec_end(g, NULL, 0);
    return a;
}

/* An int too big for int64: meliae writes no value. */
static uint64_t
new_bigint(gen *g)
{
    return new_leaf(g, "int", 36 + 4 * rnd(g, 2));
}

static uint64_t
new_str(gen *g, const char *utf8)
{
    const unsigned char *p = (const unsigned char *)utf8;
    uint64_t len = 0;
    unsigned maxcp = 0;
    uint64_t size;
    uint64_t a;

    while (*p != '\0') {
        unsigned cp = utf8_next(&p);
        maxcp = cp > maxcp ? cp : maxcp;
        len++;
    }
    if (maxcp < 0x80) {
        size = 48 + len + 1;
    } else {
        size = 72 + (len + 1) * (maxcp < 0x100 ? 1 : maxcp < 0x10000 ? 2 : 4);
    }
    a = alloc_addr(g, size);
    rec_begin(g, a, "str", size);
    rec_len(g, len);
    PUT_LIT(g, ", \"value\": ");
    put_text(g, utf8);
    rec_end(g, NULL, 0);
    return a;
}

static uint64_t
new_bytes(gen *g, const unsigned char *data, size_t n)
{
    uint64_t a = alloc_addr(g, 33 + n);

    rec_begin(g, a, "bytes", 33 + n);
    rec_len(g, n);
    PUT_LIT(g, ", \"value\": ");
    put_cstring(g, data, n);
    rec_end(g, NULL, 0);
    return a;
}

static uint64_t
new_tuple(gen *g, const uint64_t *refs, size_t n)
{
    return new_container(g, "tuple", 40 + 8 * n, refs, n, 1);
}

static uint64_t
new_list(gen *g, const uint64_t *refs, size_t n)
{
    /* Over-allocation as list.append leaves it, roughly. */
    size_t alloc = n == 0 ? 0 : (n + (n >> 3) + 6) & ~(size_t)3;

    return new_container(g, "list", 56 + 8 * alloc, refs, n, 1);
}

static uint64_t
set_size(size_t n)
{
    uint64_t slots = 8;

    while (n * 5 >= slots * 3) {
        slots *= 2;
    }
    return slots == 8 ? 216 : 216 + 16 * slots;
}

/*
 * A 3.11 dict: 64 bytes plus a keys object of a 32-byte header, the
 * index table and usable = 2/3 of the slots entries (16 bytes each for
 * str keys, 24 otherwise).
 */
static uint64_t
dict_size(size_t n, int str_keys)
{
    uint64_t slots = 8;
    uint64_t index_bytes;
    uint64_t entry;

    if (n == 0) {
        return 64;
    }
    while (slots * 2 / 3 < n) {
        slots *= 2;
    }
    index_bytes = slots <= 128 ? 1 : slots <= 32768 ? 2 : 4;
    entry = str_keys ? 16 : 24;
    return 64 + 32 + slots * index_bytes + slots * 2 / 3 * entry;
}

/* str-keyed dict: meliae's Python 3 scanner lists only the values. */
static uint64_t
new_dict_values(gen *g, const uint64_t *values, size_t n)
{
    return new_container(g, "dict", dict_size(n, 1), values, n, 1);
}

/* Any other dict: value, key for each item. */
static uint64_t
new_dict_vk(gen *g, const uint64_t *pairs, size_t nitems)
{
    uint64_t a = alloc_addr(g, dict_size(nitems, 0));

    rec_begin(g, a, "dict", dict_size(nitems, 0));
    rec_len(g, nitems);
    rec_end(g, pairs, 2 * nitems);
    return a;
}

/* An instance; with 3.11 inline values refs are [v1..vn, type]. */
static uint64_t
new_instance(gen *g, const char *type, uint64_t size, const uint64_t *refs,
             size_t n)
{
    return new_container(g, type, size, refs, n, 0);
}

static uint64_t
new_float(gen *g)
{
    return new_leaf(g, "float", 24);
}

/* ------------------------------------------------------------------------
 * The runtime: everything a Python 3.11 service has before its data.
 * --------------------------------------------------------------------- */

static const char *const STATIC_TYPES[] = {
    "object", "type", "int", "bool", "float", "complex", "str", "bytes",
    "bytearray", "list", "tuple", "dict", "set", "frozenset", "NoneType",
    "module", "function", "code", "cell", "frame", "generator", "coroutine",
    "method", "builtin_function_or_method", "method_descriptor",
    "wrapper_descriptor", "getset_descriptor", "member_descriptor",
    "classmethod", "staticmethod", "property", "range", "slice",
    "memoryview", "weakref.ReferenceType", "weakref.ProxyType",
    "collections.deque", "collections.OrderedDict", "collections.defaultdict",
    "decimal.Decimal", "datetime.datetime", "datetime.date",
    "datetime.timedelta", "_io.FileIO", "_io.BufferedReader",
    "_io.TextIOWrapper", "itertools.count", "functools.partial",
    "functools._lru_cache_wrapper", "re.Pattern", "_thread.lock",
    "_thread.RLock", "socket.socket", "select.epoll", "zlib.Compress",
    "_ssl._SSLContext", "BaseException", "Exception", "KeyError",
    "ValueError", "OSError", "StopIteration",
};
#define N_STATIC_TYPES (sizeof(STATIC_TYPES) / sizeof(STATIC_TYPES[0]))
#define T_OBJECT 0
#define T_TYPE 1

/* Non-ASCII names are UTF-8 bytes; octal escapes where a hex escape
 * would swallow the next letter. */
static const char *const MODULES[] = {
    "sys", "m\303\263dulo", "os", "posixpath", "json", "json.decoder",
    "re", "socket", "ssl",
    "logging", "asyncio.events", "asyncio.base_events", "http.client",
    "email.message", "urllib.parse", "encodings.utf_8", "decimal",
    "datetime", "collections", "functools", "typing", "threading",
    "twisted.internet.tcp", "twisted.internet.reactor",
    "twisted.logger._observer", "twisted.web.server", "app.handlers",
    "app.db", "app.cache", "app.auth",
};
#define N_MODULES (sizeof(MODULES) / sizeof(MODULES[0]))

static const char *const WORDS[] = {
    "get", "set", "user", "item", "order", "session", "cache", "token",
    "query", "client", "server", "request", "response", "handle", "parse",
    "render", "load", "save", "close", "open", "send", "recv", "flush",
    "retry", "lookup", "update", "delete", "create", "validate", "encode",
};
#define N_WORDS (sizeof(WORDS) / sizeof(WORDS[0]))

/* Strings the units share, as interned strings and constants are. */
static const char *const SHARED_TEXT[] = {
    /* 0-3 HTTP methods */
    "GET", "POST", "PUT", "DELETE",
    /* 4-7 header values */
    "example.com", "api.example.com", "Mozilla/5.0 (X11; Linux x86_64)",
    "python-requests/2.31",
    /* 8-11 order statuses */
    "pending", "paid", "shipped", "cancelled",
    /* 12-19 tags */
    "vip", "beta", "staff", "trial", "eu", "us", "mobile", "caf\xc3\xa9",
    /* 20-23 log namespaces */
    "twisted.internet.tcp", "app.handlers", "app.db", "twisted.web.server",
    /* 24-27 log formats */
    "{log_source} stopped", "Connection lost: {reason}", "{request} {code}",
    "Starting factory {factory!r}",
    /* 28-32 keys of the value,key event dicts, then header names */
    "event", "text", "int key", "Content-Type", "application/json",
};
#define N_SHARED (sizeof(SHARED_TEXT) / sizeof(SHARED_TEXT[0]))
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

static const char *const PEOPLE[] = {
    "Jos\303\251 Garc\303\255a", "Zo\xc3\xab \xc3\x98rsted",
    "\xe6\x9d\x8e\xe9\x9b\xb7", "Ana \xf0\x9f\x98\x80", "\xc5\x81ukasz",
    "Am\xc3\xa9lie Poulain", "Chlo\xc3\xa9 \xf0\x9f\x8e\x89", "John Smith",
    "Mary Jones", "Wei Zhang", "Priya Patel", "Olivia Brown",
};
#define N_PEOPLE (sizeof(PEOPLE) / sizeof(PEOPLE[0]))

enum user_class {
    CLS_REQUEST, CLS_CONNECTION, CLS_ORDER, CLS_USER, CLS_SLOTTED,
    CLS_MESSAGE, CLS_STATS, CLS_NAMED_CONSTANT, CLS_OBSERVER, CLS_UNICODE,
    CLS_COUNT
};

static const char *const CLASS_NAMES[CLS_COUNT] = {
    "Request", "Connection", "Order", "User", "Slotted", "Message", "Stats",
    "NamedConstant", "LimitedHistoryLogObserver", "\303\234n\303\257code",
};

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

static runtime rt;

static uint64_t
static_type(size_t i)
{
    return ADDR_STATIC_TYPES + 416 * i;
}

static void
write_static_objects(gen *g)
{
    size_t i;

    for (i = 0; i < N_STATIC_TYPES; i++) {
        rec_begin(g, static_type(i), "type", 408);
        rec_name(g, STATIC_TYPES[i]);
        rec_end(g, NULL, 0);
    }
    rec_begin(g, ADDR_NONE, "NoneType", 16);
    rec_end(g, NULL, 0);
    rec_begin(g, ADDR_TRUE, "bool", 32);
    PUT_LIT(g, ", \"value\": \"True\"");
    rec_end(g, NULL, 0);
    rec_begin(g, ADDR_FALSE, "bool", 32);
    PUT_LIT(g, ", \"value\": \"False\"");
    rec_end(g, NULL, 0);
    for (i = 0; i <= SMALL_INT_MAX - SMALL_INT_MIN; i++) {
        int64_t v = (int64_t)i + SMALL_INT_MIN;
        rec_begin(g, small_int(v), "int", v == 0 ? 24 : 28);
        PUT_LIT(g, ", \"value\": ");
        put_i64(g, v);
        rec_end(g, NULL, 0);
    }
    unit_flush(g);
}

static void
write_shared_strings(gen *g)
{
    char buf[32];
    size_t i;

    for (i = 0; i < N_SHARED; i++) {
        rt.shared[i] = new_str(g, SHARED_TEXT[i]);
    }
    for (i = 0; i < sizeof(rt.peers) / sizeof(rt.peers[0]); i++) {
        snprintf(buf, sizeof(buf), "10.0.%u.%u", (unsigned)(i / 250),
                 (unsigned)(i % 250));
        rt.peers[i] = new_str(g, buf);
    }
    unit_flush(g);
}

static const char *
doc_text(gen *g)
{
    /* Long enough to be cut at 100 code points, with escaped newlines. */
    static const char *const docs[] = {
        "Return the value for key if key is in the cache, else default.\n\n"
        "    If default is not given, it defaults to None, so that this "
        "method never raises a KeyError.\n",
        "Handle one request.",
        "Create a composite member containing all canonical members present "
        "in `value`.\n\n        If non-member values are present, "
        "raise ValueError.",
    };
    return docs[rnd(g, 3)];
}

static uint64_t
new_function(gen *g, const char *name, uint64_t globals, uint64_t modname)
{
    uint64_t refs[9];
    size_t n = 0;
    uint64_t fname = new_str(g, name);
    uint64_t a;

    refs[n++] = new_leaf(g, "code", 200 + 8 * rnd(g, 400));
    refs[n++] = globals;
    refs[n++] = rt.builtins_dict;
    refs[n++] = modname;
    if (rnd(g, 4) == 0) {
        uint64_t defaults[2] = {ADDR_NONE, small_int((int64_t)rnd(g, 10))};
        refs[n++] = new_tuple(g, defaults, 1 + rnd(g, 2));
    }
    refs[n++] = rnd(g, 3) == 0 ? new_str(g, doc_text(g)) : ADDR_NONE;
    refs[n++] = fname;
    refs[n++] = fname;          /* qualname: the same interned str */
    a = alloc_addr(g, 152);
    rec_begin(g, a, "function", 152);
    PUT_LIT(g, ", \"name\": ");
    put_text(g, name);          /* function names use the text escaper */
    rec_end(g, refs, n);
    return a;
}

static uint64_t
new_named_function(gen *g, uint64_t globals, uint64_t modname)
{
    char name[64];
    const char *verb = WORDS[rnd(g, N_WORDS)];
    const char *noun = WORDS[rnd(g, N_WORDS)];

    /* One rnd() per statement: argument order is unspecified in C. */
    snprintf(name, sizeof(name), "%s_%s", verb, noun);
    return new_function(g, name, globals, modname);
}

typedef struct {
    const char *name;
    const char *record_type;    /* "type", or the metaclass name */
    uint64_t metaclass;         /* 0 for type: static, so not listed */
    uint64_t size;
    uint64_t base;
    int nmethods;
    int slots;
} class_spec;

static uint64_t
reserve_class(void)
{
    return ADDR_HEAP_CLASSES + 1712 * rt.nclasses++;
}

/* A heap class at SELF: tp_dict, mro and bases, then the type record. */
static uint64_t
new_class_at(gen *g, uint64_t self, const class_spec *s, uint64_t modname,
             uint64_t globals, const uint64_t *extra, size_t nextra)
{
    uint64_t d[32];
    uint64_t refs[5];
    uint64_t mro[3];
    size_t n = 0;
    size_t nref = 0;
    size_t nmro = 0;
    int i;

    d[n++] = modname;
    d[n++] = new_function(g, "__init__", globals, modname);
    for (i = 0; i < s->nmethods; i++) {
        d[n++] = new_named_function(g, globals, modname);
    }
    for (i = 0; i < 2; i++) {
        d[n++] = s->slots ? new_container(g, "member_descriptor", 64, &self,
                                          1, 0)
                          : new_container(g, "getset_descriptor", 64, &self,
                                          1, 0);
    }
    for (i = 0; (size_t)i < nextra && n < 31; i++) {
        d[n++] = extra[i];
    }
    d[n++] = ADDR_NONE;
    if (s->metaclass != 0) {
        refs[nref++] = s->metaclass;
    }
    refs[nref++] = new_dict_values(g, d, n);
    mro[nmro++] = self;
    if (s->base != static_type(T_OBJECT)) {
        mro[nmro++] = s->base;
    }
    mro[nmro++] = static_type(T_OBJECT);
    refs[nref++] = new_tuple(g, mro, nmro);
    refs[nref++] = new_tuple(g, &s->base, 1);
    refs[nref++] = s->base;
    rec_begin(g, self, s->record_type, s->size);
    rec_name(g, s->name);
    rec_end(g, refs, nref);
    return self;
}

/*
 * A module and its dict, at addresses chosen earlier (functions need the
 * dict as their globals).  VALUES holds what the dict refers to besides
 * its name, doc and functions.
 */
static void
write_module(gen *g, const char *name, uint64_t mod, uint64_t dict,
             int nfuncs, const uint64_t *values, size_t nvalues)
{
    uint64_t d[96];
    size_t n = 0;
    size_t i;
    uint64_t modname = new_str(g, name);

    d[n++] = modname;
    d[n++] = ADDR_NONE;
    for (i = 0; i < (size_t)nfuncs && n < 80; i++) {
        d[n++] = new_named_function(g, dict, modname);
    }
    for (i = 0; i < nvalues && n < 95; i++) {
        d[n++] = values[i];
    }
    rec_begin(g, dict, "dict", dict_size(n, 1));
    rec_len(g, n);
    rec_end(g, d, n);
    rec_begin(g, mod, "module", 72);
    rec_name(g, name);
    rec_end(g, &dict, 1);
    unit_flush(g);
}

static void
write_builtins(gen *g)
{
    uint64_t mod = alloc_addr(g, 72);
    uint64_t v[64];
    size_t n = 0;
    size_t i;

    rt.builtins_dict = alloc_addr(g, 4000);
    for (i = 0; i < 30; i++) {
        v[n++] = new_container(g, "builtin_function_or_method", 72, &mod, 1,
                               0);
    }
    for (i = 0; i < 20; i++) {
        v[n++] = static_type(i);
    }
    write_module(g, "builtins", mod, rt.builtins_dict, 0, v, n);
}

/* abc.ABCMeta, collections.abc's ABCMeta classes, enum and its enums. */
static void
write_abc_and_enum(gen *g)
{
    static const char *const abcs[] = {
        "Hashable", "Iterable", "Sized", "Container", "Callable", "Mapping",
        "Sequence", "Set", "MutableMapping", "Awaitable",
    };
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 1000);
    uint64_t modname = new_str(g, "abc");
    uint64_t v[16];
    size_t n = 0;
    size_t i;
    class_spec spec = {"ABCMeta", "type", 0, 1688, static_type(T_TYPE), 3, 0};

    rt.type_abcmeta = new_class_at(g, reserve_class(), &spec, modname, dict,
                                   NULL, 0);
    v[n++] = rt.type_abcmeta;
    spec.record_type = "ABCMeta";
    spec.metaclass = rt.type_abcmeta;
    spec.size = 920;            /* __sizeof__ fails: basic size + GC */
    spec.base = static_type(T_OBJECT);
    for (i = 0; i < sizeof(abcs) / sizeof(abcs[0]); i++) {
        spec.name = abcs[i];
        v[n++] = new_class_at(g, reserve_class(), &spec, modname, dict,
                              NULL, 0);
    }
    write_module(g, "abc", mod, dict, 4, v, n);
}

static void
write_enums(gen *g)
{
    static const char *const colors[] = {"RED", "GREEN", "BLUE"};
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 1000);
    uint64_t modname = new_str(g, "enum");
    class_spec spec = {"EnumType", "type", 0, 1688, static_type(T_TYPE), 4,
                       0};
    uint64_t v[4];
    uint64_t enum_base;
    uint64_t color;
    size_t i;

    rt.type_enumtype = new_class_at(g, reserve_class(), &spec, modname, dict,
                                    NULL, 0);
    spec.name = "Enum";
    spec.record_type = "EnumType";
    spec.metaclass = rt.type_enumtype;
    spec.size = 920;
    spec.base = static_type(T_OBJECT);
    enum_base = new_class_at(g, reserve_class(), &spec, modname, dict, NULL,
                             0);
    /* Members refer to their class, so reserve its address first. */
    color = reserve_class();
    for (i = 0; i < 3; i++) {
        uint64_t m[5] = {small_int((int64_t)i + 1), new_str(g, colors[i]),
                         color, small_int(0), color};
        rt.color[i] = new_instance(g, "Color", 40, m, 5);
    }
    spec.name = "Color";
    spec.size = 920 + 40 * 3;   /* meliae multiplies by len(cls) */
    spec.base = enum_base;
    spec.nmethods = 0;
    new_class_at(g, color, &spec, modname, dict, rt.color, 3);
    v[0] = rt.type_enumtype;
    v[1] = enum_base;
    v[2] = color;
    write_module(g, "enum", mod, dict, 6, v, 3);
}

/* app.models: the classes the units instantiate; app.state: the roots. */
static void
write_app_modules(gen *g)
{
    static const char *const levels[] = {
        "debug", "info", "warn", "error", "critical",
    };
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 2000);
    uint64_t modname = new_str(g, "app.models");
    class_spec spec = {NULL, "type", 0, 1688, 0, 0, 0};
    uint64_t v[CLS_COUNT + 8];
    size_t n = 0;
    size_t i;

    spec.base = static_type(T_OBJECT);
    for (i = 0; i < CLS_COUNT; i++) {
        spec.name = CLASS_NAMES[i];
        spec.nmethods = 1 + (int)rnd(g, 5);
        spec.slots = i == CLS_SLOTTED;
        rt.cls[i] = new_class_at(g, reserve_class(), &spec, modname, dict,
                                 NULL, 0);
        v[n++] = rt.cls[i];
    }
    for (i = 0; i < 3; i++) {
        /* Its type string is written as mojibake, as meliae does. */
        uint64_t u[2] = {new_str(g, "\xc3\xa9t\xc3\xa9"),
                         rt.cls[CLS_UNICODE]};
        v[n++] = new_instance(g, CLASS_NAMES[CLS_UNICODE], 40, u, 2);
    }
    for (i = 0; i < 5; i++) {
        uint64_t m[2] = {new_str(g, levels[i]), rt.cls[CLS_NAMED_CONSTANT]};
        rt.level[i] = new_instance(g, "NamedConstant", 40, m, 2);
        v[n++] = rt.level[i];
    }
    write_module(g, "app.models", mod, dict, 8, v, n);

    rt.root_list = alloc_addr(g, 56);
    mod = alloc_addr(g, 72);
    dict = alloc_addr(g, 184);
    write_module(g, "app.state", mod, dict, 2, &rt.root_list, 1);
}

/* Library modules, each with functions and a couple of classes. */
static void
write_library_modules(gen *g)
{
    char name[64];
    size_t i;

    for (i = 0; i < rt.nmodules; i++) {
        uint64_t mod = alloc_addr(g, 72);
        uint64_t dict = alloc_addr(g, 1168);
        uint64_t modname;
        uint64_t v[8];
        size_t n = 0;
        size_t k;
        size_t nclasses = rnd(g, 4);
        class_spec spec = {NULL, "type", 0, 1688, 0, 2, 0};

        if (i < N_MODULES) {
            snprintf(name, sizeof(name), "%s", MODULES[i]);
        } else {
            snprintf(name, sizeof(name), "%s%u", MODULES[i % N_MODULES],
                     (unsigned)(i / N_MODULES));
        }
        modname = new_str(g, name);
        spec.base = static_type(T_OBJECT);
        for (k = 0; k < nclasses; k++) {
            char cname[64];
            int initial = 'A' + (int)rnd(g, 26);
            snprintf(cname, sizeof(cname), "%c%s%s", initial,
                     WORDS[rnd(g, N_WORDS)], k % 2 ? "Error" : "Handler");
            spec.name = cname;
            spec.size = k % 2 ? 920 : 1688;   /* exception classes: 920 */
            spec.base = k % 2 ? static_type(N_STATIC_TYPES - 5)
                              : static_type(T_OBJECT);
            v[n++] = new_class_at(g, reserve_class(), &spec, modname, dict,
                                  NULL, 0);
        }
        v[n++] = new_int(g, (int64_t)rnd(g, 100000) + 1000);
        v[n++] = modname;
        write_module(g, name, mod, dict, 4 + (int)rnd(g, 30), v, n);
    }
}

static void
write_runtime(gen *g, uint64_t objects)
{
    rt.nmodules = (size_t)(objects / 100000);
    rt.nmodules = rt.nmodules < 3 ? 3 : rt.nmodules > 80 ? 80 : rt.nmodules;
    write_static_objects(g);
    write_shared_strings(g);
    write_builtins(g);
    write_abc_and_enum(g);
    write_enums(g);
    write_app_modules(g);
    write_library_modules(g);
}

/* ------------------------------------------------------------------------
 * Units: the service's data, one small object graph each.
 * --------------------------------------------------------------------- */

typedef struct {
    u64vec shard;               /* refs of the open shard dict */
    size_t nshards;             /* every third is int-keyed */
    u64vec events;              /* dicts in the open deque */
    u64vec roots;               /* closed shards and observers */
    int64_t next_id;
} holders;

static holders hold;

static int64_t
next_id(void)
{
    return hold.next_id++;
}

/*
 * Sessions are kept in shard dicts.  Every third shard is keyed by the
 * session's int (value, key refs); the others by a str token, so meliae
 * lists the values only.
 */
static int
shard_int_keyed(void)
{
    return hold.nshards % 3 == 0;
}

static void
add_session(uint64_t value, uint64_t key)
{
    u64vec_push(&hold.shard, value);
    if (shard_int_keyed()) {
        u64vec_push(&hold.shard, key);
    }
}

static size_t
shard_entries(void)
{
    return shard_int_keyed() ? hold.shard.n / 2 : hold.shard.n;
}

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static uint64_t new_textf(gen *g, const char *fmt, ...) PRINTF_LIKE(2, 3);

/* A str record from a format; output is cut at 511 bytes. */
static uint64_t
new_textf(gen *g, const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    return new_str(g, buf);
}

static void
unit_request(gen *g)
{
    static const char *const prefixes[] = {
        "/api/v1/", "/api/v1/", "/api/v1/", "/api/v2/", "/caf\xc3\xa9/",
        "/search?lang=fr&q=", "/feed/\xf0\x9f\x93\x88/", "/static/",
    };
    int64_t id = next_id();
    char hex[17];
    uint64_t headers[3];
    uint64_t d[5];
    uint64_t inst[2];
    uint64_t key;
    const char *prefix;
    int i;

    for (i = 0; i < 16; i++) {
        hex[i] = "0123456789abcdef"[rnd(g, 16)];
    }
    hex[16] = '\0';
    headers[0] = rt.shared[S_HOST + rnd(g, 2)];
    headers[1] = new_str(g, hex);
    headers[2] = rt.shared[S_UA + rnd(g, 2)];
    prefix = prefixes[rnd(g, 8)];
    d[0] = new_textf(g, "%s%s/%u", prefix, WORDS[rnd(g, N_WORDS)],
                     (unsigned)id);
    d[1] = new_dict_values(g, headers, 3);
    d[2] = new_bigint(g);
    d[3] = rt.color[rnd(g, 3)];
    d[4] = rt.shared[S_METHOD + rnd(g, 4)];
    /* A materialised __dict__: split table, 104 bytes on 3.11. */
    inst[0] = new_container(g, "dict", 104, d, 5, 1);
    inst[1] = rt.cls[CLS_REQUEST];
    key = new_int(g, id);
    add_session(new_instance(g, "Request", 40, inst, 2), key);
}

static void
unit_connection(gen *g)
{
    static const char *const bufs[] = {
        "", "", "HTTP/1.1 200 OK\r\n", "\x16\x03\x01\x02\x00", "PING\r\n",
        "{\"op\": \"sub\"}",
    };
    uint64_t key = new_int(g, next_id());
    const char *buf = bufs[rnd(g, 6)];
    uint64_t v[5];

    v[0] = rt.peers[rnd(g, 50)];
    v[1] = new_bytes(g, (const unsigned char *)buf, strlen(buf));
    v[2] = key;
    v[3] = new_float(g);
    v[4] = rt.cls[CLS_CONNECTION];
    add_session(new_instance(g, "Connection", 40, v, 5), key);
}

static void
unit_order(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t items[4];
    size_t k = 1 + rnd(g, 4);
    uint64_t v[8];
    size_t i;

    for (i = 0; i < k; i++) {
        char sku[32];
        uint64_t t[3];
        snprintf(sku, sizeof(sku), "SKU-%06u", (unsigned)rnd(g, 1000000));
        t[0] = new_str(g, sku);
        t[1] = small_int(1 + (int64_t)rnd(g, 5));
        t[2] = new_float(g);
        items[i] = new_tuple(g, t, 3);
    }
    v[0] = key;
    v[1] = new_leaf(g, "decimal.Decimal", 104);
    v[2] = new_leaf(g, "datetime.datetime", 48);
    v[3] = new_list(g, items, k);
    v[4] = new_textf(g, "%s #%u", PEOPLE[rnd(g, N_PEOPLE)],
                     (unsigned)(hold.next_id % 100));
    v[5] = rt.shared[S_STATUS + rnd(g, 4)];
    v[6] = rt.color[rnd(g, 3)];
    v[7] = rt.cls[CLS_ORDER];
    add_session(new_instance(g, "Order", 40, v, 8), key);
}

static void
unit_user(gen *g)
{
    int64_t id = next_id();
    uint64_t key = new_int(g, id);
    uint64_t tags[4];
    uint64_t scores[12];
    uint64_t prefs[3];
    size_t ntags = rnd(g, 5);
    size_t m = 1 + rnd(g, 6);
    uint64_t v[8];
    size_t i;

    for (i = 0; i < ntags; i++) {
        tags[i] = rt.shared[S_TAG + (i * 2 + rnd(g, 2))];
    }
    for (i = 0; i < m; i++) {
        scores[2 * i] = new_float(g);
        scores[2 * i + 1] = new_int(g, 1000 + (int64_t)rnd(g, 1000000));
    }
    prefs[0] = rt.shared[S_TAG + 6 + rnd(g, 2)];
    prefs[1] = small_int((int64_t)rnd(g, 50));
    prefs[2] = rnd(g, 2) ? ADDR_TRUE : ADDR_FALSE;
    v[0] = new_textf(g, "%s %u", PEOPLE[rnd(g, N_PEOPLE)], (unsigned)id);
    v[1] = new_textf(g, "%s%u@example.com", WORDS[rnd(g, N_WORDS)],
                     (unsigned)id);
    v[2] = new_container(g, "set", set_size(ntags), tags, ntags, 1);
    v[3] = new_dict_vk(g, scores, m);
    v[4] = new_leaf(g, "datetime.datetime", 48);
    v[5] = rnd(g, 4) ? ADDR_TRUE : ADDR_FALSE;
    v[6] = new_dict_values(g, prefs, 3);
    v[7] = rt.cls[CLS_USER];
    add_session(new_instance(g, "User", 40, v, 8), key);
}

static void
unit_slotted(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t v[3] = {key, new_float(g), rt.cls[CLS_SLOTTED]};

    add_session(new_instance(g, "Slotted", 48, v, 3), key);
}

static void
unit_message(gen *g)
{
    int64_t seq = next_id();
    uint64_t key = new_int(g, seq);
    unsigned char payload[256];
    size_t n;
    uint64_t hdr[3];
    uint64_t v[4];

    n = (size_t)snprintf((char *)payload, sizeof(payload),
                         "{\"seq\": %u, \"op\": \"%s\"}",
                         (unsigned)seq, WORDS[rnd(g, N_WORDS)]);
    if (rnd(g, 16) == 0) {
        size_t extra = 4 + rnd(g, 12);
        size_t i;
        for (i = 0; i < extra; i++) {
            payload[n++] = (unsigned char)rnd(g, 256);  /* binary tail */
        }
    }
    hdr[0] = rt.shared[S_METHOD + rnd(g, 4)];
    hdr[1] = rt.shared[S_CTYPE + 1];
    hdr[2] = key;
    v[0] = new_bytes(g, payload, n);
    v[1] = new_tuple(g, hdr, 3);
    v[2] = key;
    v[3] = rt.cls[CLS_MESSAGE];
    add_session(new_instance(g, "Message", 40, v, 4), key);
}

/* Per-endpoint stats: a histogram list of small ints (cheap refs). */
static void
unit_stats(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t buckets[16];
    size_t n = 8 + rnd(g, 9);
    uint64_t v[5];
    size_t i;

    for (i = 0; i < n; i++) {
        buckets[i] = small_int((int64_t)rnd(g, 200));
    }
    v[0] = new_list(g, buckets, n);
    v[1] = key;
    v[2] = new_float(g);
    v[3] = rnd(g, 3) ? ADDR_NONE : rt.shared[S_TAG + rnd(g, 8)];
    v[4] = rt.cls[CLS_STATS];
    add_session(new_instance(g, "Stats", 40, v, 5), key);
}

/* A sample point: a tuple of floats, the leanest lines of a heap. */
static void
unit_point(gen *g)
{
    uint64_t xyz[3];
    uint64_t key = 0;

    if (shard_int_keyed()) {
        key = new_int(g, next_id());
    }
    xyz[0] = new_float(g);
    xyz[1] = new_float(g);
    xyz[2] = new_float(g);
    add_session(new_tuple(g, xyz, 3), key);
}

/* A database row kept as a tuple: mostly small ints, None and bools. */
static void
unit_row(gen *g)
{
    uint64_t key = new_int(g, next_id());
    uint64_t r[6];

    r[0] = key;
    r[1] = small_int((int64_t)rnd(g, 100));
    r[2] = rnd(g, 2) ? ADDR_NONE : rt.shared[S_STATUS + rnd(g, 4)];
    r[3] = rnd(g, 2) ? ADDR_TRUE : ADDR_FALSE;
    r[4] = small_int((int64_t)rnd(g, 256));
    r[5] = new_float(g);
    add_session(new_tuple(g, r, 6), key);
}

/* A log event dict, the leak of the benchmark story. */
static void
unit_event(gen *g)
{
    int64_t i = next_id();
    uint64_t d[8];
    uint64_t a;

    if (rnd(g, 10) == 0) {
        /* {"event": i, "text": ..., 7: "int key"}: value, key refs. */
        d[0] = new_int(g, i);
        d[1] = rt.shared[S_EVENT];
        d[2] = new_textf(g, "stopping %s %u", WORDS[rnd(g, N_WORDS)],
                         (unsigned)i);
        d[3] = rt.shared[S_TEXT];
        d[4] = rt.shared[S_INT_KEY];
        d[5] = small_int(7);
        a = new_dict_vk(g, d, 3);
    } else {
        unsigned kind = (unsigned)rnd(g, 100);

        if (kind == 0) {
            d[0] = new_textf(g, "Unhandled error in Deferred:\nTraceback "
                             "(most recent call last):\n  File \"/usr/lib/"
                             "python3/dist-packages/twisted/internet/"
                             "defer.py\", line 857, in _runCallbacks\n    "
                             "current.result = callback(current.result)\n"
                             "%s: request %u failed\n",
                             WORDS[rnd(g, N_WORDS)], (unsigned)i);
        } else if (kind < 35) {
            d[0] = new_textf(g, "%s %u ok", WORDS[rnd(g, N_WORDS)],
                             (unsigned)i);
        } else {
            d[0] = rt.shared[S_FMT + rnd(g, 4)];   /* format only */
        }
        d[1] = rt.shared[S_NS + rnd(g, 4)];
        d[2] = small_int(10 * (1 + (int64_t)rnd(g, 5)));  /* levelno */
        d[3] = new_float(g);
        d[4] = ADDR_NONE;                          /* log_source */
        d[5] = new_float(g);                       /* duration */
        a = new_dict_values(g, d, 6);
    }
    u64vec_push(&hold.events, a);
}

typedef void (*unit_fn)(gen *g);

/* The mix, by units; records per unit vary from 3 to 21. */
static const struct {
    unit_fn fn;
    unsigned weight;
} UNITS[] = {
    {unit_request, 5}, {unit_connection, 4}, {unit_order, 3},
    {unit_user, 4}, {unit_slotted, 12}, {unit_message, 3}, {unit_stats, 9},
    {unit_row, 5}, {unit_point, 10}, {unit_event, 45},
};
#define N_UNITS (sizeof(UNITS) / sizeof(UNITS[0]))

static void
write_unit(gen *g)
{
    unsigned total = 0;
    unsigned pick;
    size_t i;

    for (i = 0; i < N_UNITS; i++) {
        total += UNITS[i].weight;
    }
    pick = (unsigned)rnd(g, total);
    for (i = 0; pick >= UNITS[i].weight; i++) {
        pick -= UNITS[i].weight;
    }
    UNITS[i].fn(g);
    unit_flush(g);
}

/* ------------------------------------------------------------------------
 * Roots, written after what they hold
 * --------------------------------------------------------------------- */

static void
close_shard(gen *g)
{
    if (shard_int_keyed()) {
        u64vec_push(&hold.roots, new_dict_vk(g, hold.shard.v,
                                             hold.shard.n / 2));
    } else {
        u64vec_push(&hold.roots, new_dict_values(g, hold.shard.v,
                                                 hold.shard.n));
    }
    unit_flush(g);
    hold.shard.n = 0;
    hold.nshards++;
}

/* A deque of events held by an observer: 3 records. */
static void
close_deque(gen *g)
{
    size_t n = hold.events.n;
    uint64_t size = 232 + (n / 64 + 1) * 528;
    uint64_t deque = alloc_addr(g, size);
    uint64_t v[3];

    rec_begin(g, deque, "collections.deque", size);
    rec_end(g, hold.events.v, n);
    v[0] = deque;
    v[1] = new_int(g, DEQUE_EVENTS * 4);
    v[2] = rt.cls[CLS_OBSERVER];
    u64vec_push(&hold.roots,
                new_instance(g, "LimitedHistoryLogObserver", 40, v, 3));
    unit_flush(g);
    hold.events.n = 0;
}

/* Spend what is left of the budget so that exactly N records exist. */
static void
write_tail(gen *g)
{
    uint64_t closing = (uint64_t)(hold.shard.n > 0)
                       + 3 * (uint64_t)(hold.events.n > 0) + 1;
    u64vec spare = {NULL, 0, 0};
    uint64_t i;

    if (g->remaining < closing) {
        die("--objects too small for the runtime");
    }
    if (hold.shard.n > 0) {
        close_shard(g);
    }
    if (hold.events.n > 0) {
        close_deque(g);
    }
    if (g->remaining > 1) {
        /* Leaves, then their list (1) and the root list (1). */
        for (i = 0; g->remaining > 2; i++) {
            u64vec_push(&spare, i % 2 ? new_float(g)
                                      : new_textf(g, "spare slot %u",
                                                  (unsigned)i));
        }
        u64vec_push(&hold.roots, new_list(g, spare.v, spare.n));
        unit_flush(g);
    }
    rec_begin(g, rt.root_list, "list", 56 + 8 * hold.roots.n);
    rec_len(g, hold.roots.n);
    rec_end(g, hold.roots.v, hold.roots.n);
    unit_flush(g);
    free(spare.v);
}

static void
write_dump(gen *g, uint64_t objects)
{
    write_runtime(g, objects);
    while (g->remaining > MAX_UNIT_RECORDS + 8) {
        write_unit(g);
        if (shard_entries() >= SHARD_ENTRIES) {
            close_shard(g);
        }
        if (hold.events.n >= DEQUE_EVENTS) {
            close_deque(g);
        }
    }
    write_tail(g);
    out_flush(g);
    if (g->remaining != 0) {
        die("internal: record budget not spent");
    }
}

/* ------------------------------------------------------------------------
 * Command line
 * --------------------------------------------------------------------- */

static void
usage(FILE *f)
{
    fprintf(f, "usage: gen_dump [--objects N] [--seed S] [-o FILE]\n"
               "Write a synthetic meliae dump of a Python 3.11 service "
               "heap (N records,\ndefault %llu) to FILE or stdout.\n",
            (unsigned long long)DEFAULT_OBJECTS);
}

static uint64_t
parse_u64(const char *s, const char *opt)
{
    char *end;
    unsigned long long v;

    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
        fprintf(stderr, "gen_dump: error: bad value for %s: %s\n", opt, s);
        exit(2);
    }
    return (uint64_t)v;
}

int
main(int argc, char **argv)
{
    uint64_t objects = DEFAULT_OBJECTS;
    uint64_t seed = 42;
    const char *path = NULL;
    gen g;
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
            objects = parse_u64(argv[++i], "--objects");
        } else if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc) {
            seed = parse_u64(argv[++i], "--seed");
        } else if (strcmp(argv[i], "-o") == 0 && i + 1 < argc) {
            path = argv[++i];
        } else {
            usage(stderr);
            return 2;
        }
    }
    if (objects < MIN_OBJECTS) {
        fprintf(stderr, "gen_dump: error: --objects must be at least %llu\n",
                (unsigned long long)MIN_OBJECTS);
        return 2;
    }
    memset(&g, 0, sizeof(g));
    g.out = path ? fopen(path, "wb") : stdout;
    if (g.out == NULL) {
        fprintf(stderr, "gen_dump: error: %s: %s\n", path, strerror(errno));
        return 1;
    }
    g.buf = xrealloc(NULL, OUT_BUFSIZE);
    g.rng = seed;
    g.remaining = objects;
    hold.next_id = 1000;
    write_dump(&g, objects);
    if (fflush(g.out) != 0 || (path && fclose(g.out) != 0)) {
        die(strerror(errno));
    }
    free(g.buf);
    free(g.stage);
    free(g.line_start);
    free(hold.shard.v);
    free(hold.events.v);
    free(hold.roots.v);
    return 0;
}
