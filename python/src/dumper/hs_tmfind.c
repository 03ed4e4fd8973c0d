/*
 * hs_tmfind.c - finds and reads tracemalloc's traces table without
 * creating a Python object or running Python code.
 *
 * What tracemalloc keeps (the same on 3.8-3.13): a hash table from the
 * address of each traced block to a trace {size, traceback}, where the
 * traceback is interned: {hash, nframe, frames[]}, each frame a packed
 * {PyObject *filename; unsigned lineno} (12 bytes on 64-bit), most recent
 * first. A GC object's block starts at its GC header and, from 3.11, at
 * its pre-header (hs_tm_block_of). The table is guarded by tables_lock,
 * because PyMem_RawFree() removes traces without holding the GIL.
 *
 * Where it is:
 *   3.12+  in _PyRuntime.tracemalloc (traces, tables_lock): read directly.
 *   3.8-3.11  in static variables of Modules/_tracemalloc.c, which no
 *          symbol exports (and Debian strips the symbol table). They are
 *          found this way, on x86-64:
 *          1. tables_lock: the exported PyTraceMalloc_Untrack() takes it
 *             first thing, loading it into the first argument register
 *             with a RIP-relative `mov disp32(%rip), %rdi` (48 8b 3d), and
 *             loads it again to release it. The first slot so loaded twice
 *             in the function's first 256 bytes is the lock variable.
 *          2. tracemalloc_traces: a PyMem_Malloc'ed probe block of an odd
 *             size is traced; every word of the writable segment that
 *             holds the lock variable is tried as a table pointer, nearest
 *             first, and the one whose lookup of the probe gives a trace
 *             of exactly that size is the variable. Every read done while
 *             trying is first checked against the readable mappings of
 *             /proc/self/maps, so a wrong guess is rejected, never a crash.
 *          The two variables' addresses are kept for the process, and the
 *          probe check is repeated at each dump (tracemalloc.stop() and
 *          start() replace the table, not the variable).
 *   Elsewhere (other architectures on 3.8-3.11), sites are not written,
 *   and the dump says nothing about them (docs/dumper.md).
 *
 * Both hash table layouts are mirrored here: 3.8's Modules/hashtable.c
 * (entries carry key_size bytes of key, then the trace, inline) and
 * 3.9+'s Python/hashtable.c (entries carry key and value pointers). The
 * hash of a pointer key is _Py_HashPointer's: the address rotated right
 * by 4 bits; the bucket is hash & (nbuckets - 1).
 */
#define Py_BUILD_CORE 1
#include "hs_tmfind.h"
#include "hs_dumper.h"

#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_gc.h"     /* PyGC_Head */
#endif
#if PY_VERSION_HEX >= 0x030C0000
#include "internal/pycore_runtime.h"
#else
#include <link.h>
#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_pymem.h"
#endif
#endif

/* MARK: the mirrored layouts */

typedef struct ht_entry {
    struct ht_entry *next;
    Py_uhash_t key_hash;
    /* 3.9+: const void *key; void *value (a trace_t *).
     * 3.8: key_size bytes of key, then the trace_t itself. */
} ht_entry;

typedef struct {
    size_t size;
    const void *traceback;
} tm_trace;

#if PY_VERSION_HEX >= 0x03090000
typedef struct {
    size_t nentries;
    size_t nbuckets;
    ht_entry **buckets;
} ht_table;
#define HT_KEY_SIZE(t) sizeof(void *)
#else
typedef struct {
    size_t nbuckets;
    size_t nentries;
    ht_entry **buckets;
    size_t key_size;       /* 8, or 12 once a domain other than 0 is seen */
    size_t data_size;
} ht_table;
#define HT_KEY_SIZE(t) ((t)->key_size)
#endif

#define FRAME_SIZE (sizeof(PyObject *) + sizeof(unsigned int))
#define FRAMES_OFFSET (sizeof(Py_uhash_t) + 4)

static Py_uhash_t
hash_pointer(uintptr_t p)
{
    size_t y = (size_t)p;

    return (Py_uhash_t)((y >> 4) | (y << (8 * sizeof(void *) - 4)));
}

/* MARK: readable memory (only while searching, before 3.12) */

#if PY_VERSION_HEX < 0x030C0000 && defined(__x86_64__)
#define HS_TM_SEARCH 1

typedef struct {
    uintptr_t *lo, *hi;    /* sorted, non-overlapping */
    size_t n, cap;
} ranges;

static void
ranges_release(ranges *r)
{
    hsd_free(r->lo, r->cap * sizeof(uintptr_t));
    hsd_free(r->hi, r->cap * sizeof(uintptr_t));
    memset(r, 0, sizeof(*r));
}

static int
ranges_add(ranges *r, uintptr_t lo, uintptr_t hi)
{
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 256;
        uintptr_t *a = hsd_realloc(r->lo, r->cap * sizeof(uintptr_t),
                                  cap * sizeof(uintptr_t));
        if (a == NULL) {
            return -1;
        }
        r->lo = a;
        a = hsd_realloc(r->hi, r->cap * sizeof(uintptr_t),
                       cap * sizeof(uintptr_t));
        if (a == NULL) {
            return -1;
        }
        r->hi = a;
        r->cap = cap;
    }
    r->lo[r->n] = lo;
    r->hi[r->n] = hi;
    r->n++;
    return 0;
}

static uintptr_t
parse_hex(const char **pp)
{
    uintptr_t v = 0;
    const char *p = *pp;

    for (;; p++) {
        int c = *p;
        int d = c >= '0' && c <= '9' ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
        if (d < 0) {
            break;
        }
        v = v * 16 + (uintptr_t)d;
    }
    *pp = p;
    return v;
}

/* The readable mappings of this process ("start-end r..." lines; the
 * kernel lists them sorted). Plain read(2): no Python file object. */
static int
ranges_load(ranges *r)
{
    char buf[8192];
    size_t have = 0;
    int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

    if (fd < 0) {
        return -1;
    }
    for (;;) {
        ssize_t k = read(fd, buf + have, sizeof(buf) - 1 - have);
        char *nl, *line = buf;
        if (k <= 0) {
            break;
        }
        have += (size_t)k;
        buf[have] = '\0';
        while ((nl = strchr(line, '\n')) != NULL) {
            const char *p = line;
            uintptr_t lo = parse_hex(&p), hi;
            p++;
            hi = parse_hex(&p);
            if (*p == ' ' && p[1] == 'r' && ranges_add(r, lo, hi) < 0) {
                close(fd);
                return -1;
            }
            line = nl + 1;
        }
        have = (size_t)(buf + have - line);
        memmove(buf, line, have);
    }
    close(fd);
    return r->n ? 0 : -1;
}

static int
readable(const ranges *r, const void *p, size_t n)
{
    uintptr_t a = (uintptr_t)p;
    size_t lo = 0, hi = r->n;

    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (r->hi[mid] <= a) {
            lo = mid + 1;
        }
        else {
            hi = mid;
        }
    }
    return lo < r->n && r->lo[lo] <= a && a + n <= r->hi[lo] && a + n >= a;
}

#else
typedef struct ranges ranges;
#endif

/* MARK: lookup */

/* The trace of ptr in table t. With rd, every read is checked first and
 * chains are bounded: t may be a wrong guess while searching. */
static int
lookup(const ht_table *t, uintptr_t ptr, const ranges *rd, tm_trace *out)
{
    Py_uhash_t h = hash_pointer(ptr);
    ht_entry *const *bucket;
    const ht_entry *e;
#ifdef HS_TM_SEARCH
    size_t steps = 0;
#else
    (void)rd;
#endif

#ifdef HS_TM_SEARCH
    if (rd != NULL) {
        if (!readable(rd, t, sizeof(*t)) || t->nbuckets == 0
            || (t->nbuckets & (t->nbuckets - 1)) != 0
            || t->nbuckets > ((size_t)1 << 40)
            || !readable(rd, t->buckets, t->nbuckets * sizeof(void *))
            || (HT_KEY_SIZE(t) != 8 && HT_KEY_SIZE(t) != 12)) {
            return 0;
        }
    }
#endif
    bucket = &t->buckets[h & (t->nbuckets - 1)];
    for (e = *bucket; e != NULL; e = e->next) {
        const char *key = (const char *)(e + 1);
        uintptr_t k;
#ifdef HS_TM_SEARCH
        if (rd != NULL && (++steps > 1000
                           || !readable(rd, e, sizeof(*e) + 2 * sizeof(void *)
                                                   + sizeof(tm_trace)))) {
            return 0;
        }
#endif
        if (e->key_hash != h) {
            continue;
        }
        memcpy(&k, key, sizeof(k));
        if (k != ptr) {
            continue;
        }
#if PY_VERSION_HEX >= 0x03090000
        {
            const void *value;
            memcpy(&value, key + sizeof(void *), sizeof(value));
#ifdef HS_TM_SEARCH
            if (rd != NULL && !readable(rd, value, sizeof(tm_trace))) {
                return 0;
            }
#endif
            memcpy(out, value, sizeof(*out));
        }
#else
        if (t->key_size == 12) {
            unsigned int domain;
            memcpy(&domain, key + sizeof(void *), sizeof(domain));
            if (domain != 0) {
                continue;
            }
        }
        memcpy(out, key + t->key_size, sizeof(*out));
#endif
        return 1;
    }
    return 0;
}

/* MARK: finding the tables */

#define PROBE_SIZE 4093   /* odd, so that no other trace has it by chance */

#if PY_VERSION_HEX >= 0x030C0000

static int
tracing(void)
{
    return _PyRuntime.tracemalloc.config.tracing;
}

static int
locate(hs_tm *tm, const char **why)
{
    (void)why;
    tm->traces = _PyRuntime.tracemalloc.traces;
    tm->lock = _PyRuntime.tracemalloc.tables_lock;
    return tm->traces != NULL && tm->lock != NULL;
}

#elif defined(__x86_64__)

static int
tracing(void)
{
    return _Py_tracemalloc_config.tracing;
}

/* Addresses of the two static variables, once found. */
static uintptr_t lock_slot, traces_slot;

/* Step 1 (see the top): the slot PyTraceMalloc_Untrack loads into %rdi
 * twice, or 0. */
static uintptr_t
find_lock_slot(const ranges *rd)
{
    const unsigned char *code =
        (const unsigned char *)(uintptr_t)&PyTraceMalloc_Untrack;
    enum { SPAN = 256 };
    uintptr_t seen[16];
    int nseen = 0;

    if (!readable(rd, code, SPAN + 8)) {
        return 0;
    }
    for (int i = 0; i < SPAN; i++) {
        int32_t rel;
        uintptr_t slot;
        if (code[i] != 0x48 || code[i + 1] != 0x8b || code[i + 2] != 0x3d) {
            continue;
        }
        memcpy(&rel, code + i + 3, sizeof(rel));
        slot = (uintptr_t)(code + i + 7) + (uintptr_t)(intptr_t)rel;
        for (int j = 0; j < nseen; j++) {
            if (seen[j] == slot) {
                return slot;
            }
        }
        if (nseen < 16) {
            seen[nseen++] = slot;
        }
    }
    return 0;
}

typedef struct {
    uintptr_t addr, lo, hi;
} seg_query;

static int
segment_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
    seg_query *q = arg;

    (void)size;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_W) && q->addr >= lo
            && q->addr < lo + ph->p_memsz) {
            q->lo = lo;
            q->hi = lo + ph->p_memsz;
            return 1;
        }
    }
    return 0;
}

static int
probe_matches(uintptr_t slot, const ranges *rd, uintptr_t probe, void *lock)
{
    const ht_table *t;
    tm_trace tr;
    int found;

    if (!readable(rd, (const void *)slot, sizeof(void *))) {
        return 0;
    }
    t = *(const ht_table *const *)slot;
    PyThread_acquire_lock(lock, 1);
    found = lookup(t, probe, rd, &tr);
    PyThread_release_lock(lock);
    return found && tr.size == PROBE_SIZE;
}

/* Step 2: the variable whose table traces the probe, nearest the lock
 * first. */
static uintptr_t
find_traces_slot(const ranges *rd, uintptr_t probe, void *lock)
{
    seg_query q = {lock_slot, 0, 0};

    if (!dl_iterate_phdr(segment_cb, &q)) {
        return 0;
    }
    for (uintptr_t d = 0; d <= lock_slot - q.lo || lock_slot + d < q.hi;
         d += sizeof(void *)) {
        uintptr_t below = lock_slot - d, above = lock_slot + d;
        if (d <= lock_slot - q.lo && below + sizeof(void *) <= q.hi
            && probe_matches(below, rd, probe, lock)) {
            return below;
        }
        if (d && above + sizeof(void *) <= q.hi
            && probe_matches(above, rd, probe, lock)) {
            return above;
        }
    }
    return 0;
}

static int
locate(hs_tm *tm, const char **why)
{
    ranges rd = {0};
    void *probe = NULL;
    int ok = 0;

    if (ranges_load(&rd) < 0) {
        *why = "cannot read /proc/self/maps";
        goto out;
    }
    if (lock_slot == 0) {
        lock_slot = find_lock_slot(&rd);
    }
    if (lock_slot == 0 || !readable(&rd, (void *)lock_slot, sizeof(void *))
        || !readable(&rd, *(void **)lock_slot, 16)) {
        *why = "tracemalloc's lock was not found";
        lock_slot = 0;
        goto out;
    }
    /* Traced in domain 0 by tracemalloc's hook, whatever the frames. */
    probe = PyMem_Malloc(PROBE_SIZE);
    if (probe == NULL) {
        *why = "out of memory";
        goto out;
    }
    if (traces_slot == 0
        || !probe_matches(traces_slot, &rd, (uintptr_t)probe,
                          *(void **)lock_slot)) {
        traces_slot = find_traces_slot(&rd, (uintptr_t)probe,
                                       *(void **)lock_slot);
    }
    if (traces_slot == 0) {
        *why = "tracemalloc's traces were not found";
        goto out;
    }
    tm->lock = *(void **)lock_slot;
    tm->traces = *(const void **)traces_slot;
    ok = 1;
out:
    PyMem_Free(probe);
    ranges_release(&rd);
    return ok;
}

#else

static int
tracing(void)
{
    return _Py_tracemalloc_config.tracing;
}

static int
locate(hs_tm *tm, const char **why)
{
    (void)tm;
    *why = "tracemalloc's tables are only found on x86-64 before 3.12";
    return 0;
}

#endif

/* MARK: public */

int
hs_tm_find(hs_tm *tm, const char **why)
{
    memset(tm, 0, sizeof(*tm));
    *why = NULL;
    if (!tracing()) {
        return 0;
    }
    return locate(tm, why);
}

const void *
hs_tm_traceback(const hs_tm *tm, uintptr_t ptr)
{
    tm_trace tr;
    int found;

    PyThread_acquire_lock(tm->lock, 1);
    found = lookup(tm->traces, ptr, NULL, &tr);
    PyThread_release_lock(tm->lock);
    return found ? tr.traceback : NULL;
}

int
hs_tm_nframes(const void *tb)
{
#if PY_VERSION_HEX >= 0x03090000
    uint16_t n;
#else
    int n;
#endif

    memcpy(&n, (const char *)tb + sizeof(Py_uhash_t), sizeof(n));
    return (int)n;
}

void
hs_tm_frame(const void *tb, int i, PyObject **filename, unsigned int *lineno)
{
    const char *f = (const char *)tb + FRAMES_OFFSET + (size_t)i * FRAME_SIZE;

    memcpy(filename, f, sizeof(*filename));
    memcpy(lineno, f + sizeof(PyObject *), sizeof(*lineno));
}

uintptr_t
hs_tm_block_of(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    uintptr_t pre = 0;

    if (PyType_IS_GC(tp)) {
        pre += sizeof(PyGC_Head);
    }
#if PY_VERSION_HEX >= 0x030C0000
    if (tp->tp_flags & (Py_TPFLAGS_MANAGED_DICT | Py_TPFLAGS_MANAGED_WEAKREF)) {
        pre += 2 * sizeof(PyObject *);
    }
#elif PY_VERSION_HEX >= 0x030B0000
    if (tp->tp_flags & Py_TPFLAGS_MANAGED_DICT) {
        pre += 2 * sizeof(PyObject *);
    }
#endif
    return (uintptr_t)op - pre;
}
