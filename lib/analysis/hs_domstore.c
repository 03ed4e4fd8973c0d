/*
 * hs_domstore.c - a dominator tree stored beside its snapshot, and read
 * back instead of computed.
 *
 * The tree of a 7.8 M-object dump takes most of a second to compute, as
 * long as a third of the dump's load; read back it takes a tenth of
 * that. A tree belongs to one graph, so the file is keyed with the id of
 * the snapshot that graph was mapped from or written as (its table
 * checksum, which covers every byte of the snapshot): a tree is used only
 * for the very graph it was computed on, and a dump rewritten since gets
 * a new snapshot, a new id and a new tree.
 *
 *     +-------------------------------+ 0
 *     | header (112 bytes)            |  magic, version, byte order, the
 *     |                               |  key, counts, totals, checksums
 *     +-------------------------------+ 112
 *     | retained  u64[n]              |  retained bytes
 *     | idom      u32[n]              |
 *     | order     u32[reached]        |
 *     | extra     u32[extra_roots]    |
 *     | count     u32[n]              |  retained objects
 *     +-------------------------------+ file_bytes
 *
 * No padding anywhere (the 8-byte array comes first), so that every byte
 * is under a checksum.
 *
 * Each array has its own checksum in the header, so the five are checked
 * side by side; the header's own covers the header.
 *
 * MARK: trust
 *
 * The file is untrusted input like a snapshot, with the same answer to
 * planting: it is read only when nobody else could have written it
 * (hs_trust_open). Then the checksums catch damage, and the structure is
 * checked so that even a crafted file with good checksums can give wrong
 * numbers but never a wrong read or an endless walk: every idom is a
 * live id, HS_DOM_ROOT for a live object or HS_NO_NODE for another;
 * order lists each live object once, each after its immediate dominator
 * (which rules out cycles: climbing idom links always ends at the root);
 * the extra roots ascend and are roots. The retained sizes and counts
 * are taken as stored: checking them would cost what computing them
 * does.
 *
 * MARK: the store between sessions
 *
 * hs_tree_store_read and _keep are what every front end does with the
 * file (the CLI, the Python API): read it back when it is there for this
 * snapshot; else compute the tree and keep it, with the snapshot's
 * permission bits, unless the file there was refused as not trusted
 * (HS_EINVAL: someone else may have put it there, so it is not ours to
 * replace). The messages are the front ends' warnings, whole.
 */
#include "hs_dominators.h"

#include "hs_retained.h"
#include "hs_walk.h"
#include "../util/hs_checksum.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"
#include "../util/hs_tmpfile.h"
#include "../util/hs_trust.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define DOM_MAGIC "\x89HSDOM\r\n"
#define DOM_VERSION 1u
#define DOM_ENDIAN 0x01020304u

enum { A_RETAINED, A_IDOM, A_ORDER, A_EXTRA, A_COUNT, A_END };

typedef struct dom_header {
    char magic[8];
    uint32_t version;
    uint32_t endian;         /* DOM_ENDIAN as the writer stored it */
    uint64_t key;            /* the snapshot's id */
    uint64_t file_bytes;
    uint32_t n, reached, roots, extra_roots;
    uint64_t unreached;
    uint64_t total_size;
    uint64_t sums[A_END];    /* each array's checksum */
    uint64_t checksum;       /* of this header, with this field zero */
} dom_header;

static_assert(sizeof(dom_header) == 112, "header layout");

/* Where each array lies, from the counts. */
typedef struct layout {
    uint64_t off[A_END], bytes[A_END], end;
} layout;

static void
lay_out(layout *l, uint32_t n, uint32_t reached, uint32_t extra_roots)
{
    uint64_t elems[A_END] = {n, n, reached, extra_roots, n};
    uint64_t pos = sizeof(dom_header);
    for (int i = 0; i < A_END; i++) {
        uint64_t size = i == A_RETAINED ? 8 : 4;
        l->off[i] = pos;
        l->bytes[i] = elems[i] * size;
        pos += l->bytes[i];
    }
    l->end = pos;
}

static void
arrays_of(const hs_dominators *d, void *arr[A_END])
{
    arr[A_RETAINED] = d->retained;
    arr[A_IDOM] = d->idom;
    arr[A_ORDER] = d->order;
    arr[A_EXTRA] = d->extra;
    arr[A_COUNT] = d->retained_count;
}

/* The checksums of the five arrays, side by side. */
typedef struct sum_job {
    void *arr[A_END];
    const layout *l;
    uint64_t sums[A_END];
} sum_job;

static int
sum_one(void *ctx, unsigned part)
{
    sum_job *j = ctx;
    /* The largest array first, so two threads share the work evenly. */
    static const int by_size[A_END] = {A_RETAINED, A_IDOM, A_COUNT, A_ORDER,
                                       A_EXTRA};
    for (unsigned i = part; i < A_END; i += 2) {
        int a = by_size[i];
        j->sums[a] = hs_checksum(j->arr[a], (size_t)j->l->bytes[a],
                                 (uint64_t)a);
    }
    return HS_OK;
}

static void
sum_arrays(sum_job *j)
{
    (void)hs_parallel_for(2, sum_one, j);
}

/* The header's checksums recomputed over buf's arrays (for tests and
 * fuzzers: a crafted file with good checksums); nothing when buf is too
 * short for its counts. */
void
hs_domstore_reseal(unsigned char *buf, size_t len)
{
    dom_header h;
    layout l;
    sum_job j;
    if (len < sizeof(h)) {
        return;
    }
    memcpy(&h, buf, sizeof(h));
    lay_out(&l, h.n, h.reached, h.extra_roots);
    if (l.end > len) {
        return;
    }
    for (int i = 0; i < A_END; i++) {
        j.arr[i] = buf + l.off[i];
    }
    j.l = &l;
    sum_arrays(&j);
    memcpy(h.sums, j.sums, sizeof(h.sums));
    h.checksum = 0;
    h.checksum = hs_checksum(&h, sizeof(h), 0);
    memcpy(buf, &h, sizeof(h));
}

/* MARK: saving */

int
hs_dominators_save(const hs_dominators *d, const char *path, uint64_t key,
                   unsigned mode, hs_error *err)
{
    dom_header h;
    layout l;
    sum_job j;
    char tmp[4096];
    int fd, e = 0;
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, DOM_MAGIC, 8);
    h.version = DOM_VERSION;
    h.endian = DOM_ENDIAN;
    h.key = key;
    h.n = d->n;
    h.reached = d->reached;
    h.roots = d->roots;
    h.extra_roots = d->extra_roots;
    h.unreached = d->unreached;
    h.total_size = d->total_size;
    lay_out(&l, d->n, d->reached, d->extra_roots);
    h.file_bytes = l.end;
    arrays_of(d, j.arr);
    j.l = &l;
    sum_arrays(&j);
    memcpy(h.sums, j.sums, sizeof(h.sums));
    h.checksum = hs_checksum(&h, sizeof(h), 0);
    fd = hs_tmpfile_create(path, "", (mode_t)mode, tmp, sizeof(tmp));
    if (fd < 0) {
        return hs_error_set(err, HS_EIO, "cannot create a file beside %s: "
                            "%s", path, strerror(errno));
    }
    if (ftruncate(fd, (off_t)l.end) != 0) {
        e = errno;
    }
    for (int i = 0; i < A_END && !e; i++) {
        if (!hs_write_at(fd, j.arr[i], (size_t)l.bytes[i], l.off[i])) {
            e = errno;
        }
    }
    if (!e && !hs_write_at(fd, &h, sizeof(h), 0)) {
        e = errno;
    }
    if (close(fd) != 0 && !e) {
        e = errno;
    }
    if (!e && rename(tmp, path) != 0) {
        e = errno;
    }
    if (e) {
        unlink(tmp);
        return hs_error_set(err, HS_EIO, "cannot write %s: %s", path,
                            strerror(e));
    }
    return HS_OK;
}

/* MARK: restoring */

/* The bytes: a read-only mapping of the file, whose arrays the tree
 * borrows, or the caller's buffer, which it copies. */
typedef struct source {
    const unsigned char *buf;
    uint64_t len;
    bool borrow;
} source;
static int
check_header(const dom_header *h, const hs_graph *g, uint64_t key,
             uint64_t len, hs_error *err)
{
    dom_header z = *h;
    layout l;
    z.checksum = 0;
    if (memcmp(h->magic, DOM_MAGIC, 8) != 0) {
        return hs_error_set(err, HS_ECORRUPT, "not a stored dominator tree");
    }
    if (h->version != DOM_VERSION || h->endian != DOM_ENDIAN) {
        return hs_error_set(err, HS_EUNSUPPORTED, "a stored dominator tree "
                            "of another version or byte order");
    }
    if (hs_checksum(&z, sizeof(z), 0) != h->checksum) {
        return hs_error_set(err, HS_ECORRUPT, "damaged header");
    }
    if (h->key != key) {
        return hs_error_set(err, HS_ENOTFOUND, "made for another snapshot");
    }
    if (h->n != g->n || h->reached > h->n || h->roots > h->reached
        || h->extra_roots > h->roots || h->unreached > h->reached) {
        return hs_error_set(err, HS_ECORRUPT, "counts do not fit the graph");
    }
    lay_out(&l, h->n, h->reached, h->extra_roots);
    if (h->file_bytes != l.end || len != l.end) {
        return hs_error_set(err, HS_ECORRUPT, "%llu bytes, not the %llu its "
                            "counts take", (unsigned long long)len,
                            (unsigned long long)l.end);
    }
    return HS_OK;
}

/* check_tree's first pass, over the ids [lo, hi): each idom fits its
 * object (see check_tree), and how many objects are live. */
typedef struct idom_job {
    const hs_dominators *d;
    uint32_t live[HS_MAX_THREADS];
    bool bad[HS_MAX_THREADS];
} idom_job;

static int
idoms_range(void *ctx, unsigned part, uint64_t lo, uint64_t hi)
{
    idom_job *j = ctx;
    const hs_dominators *d = j->d;
    uint32_t live = 0;
    bool bad = false;
    for (uint64_t v = lo; v < hi; v++) {
        uint32_t p = d->idom[v];
        if (hs_live(d->g, (uint32_t)v)) {
            live++;
            bad |= p != HS_DOM_ROOT && p >= d->n;
        } else {
            bad |= p != HS_NO_NODE;
        }
    }
    j->live[part] = live;
    j->bad[part] = bad;
    return HS_OK;
}

/* The facts the accessors and every walk up the tree rely on (see
 * MARK: trust). First, in parts on every core: a dead object's idom is
 * HS_NO_NODE, a live one's HS_DOM_ROOT or an id (that it is live and not
 * the object follows below: it is listed before it), and as many objects
 * are live as the order lists. Then the order, in one pass: each entry
 * an id with an idom other than HS_NO_NODE (so live), not listed before,
 * after its idom. Its misses are the idoms of ids in preorder, far
 * apart: asked for ahead. */
#define CHECK_AHEAD 16

static int
check_tree(const hs_dominators *d, hs_error *err)
{
    const hs_graph *g = d->g;
    idom_job j;
    hs_bits seen;
    uint32_t live = 0;
    unsigned used = 1;
    bool bad = false;
    int rc = HS_OK;
    memset(&j, 0, sizeof(j));
    j.d = d;
    (void)hs_parallel_ranges(hs_graph_threads(g), d->n, 1u << 16,
                             idoms_range, &j, &used);
    for (unsigned p = 0; p < used; p++) {
        live += j.live[p];
        bad |= j.bad[p];
    }
    if (bad) {
        return hs_error_set(err, HS_ECORRUPT, "a dominator out of range, "
                            "or one for an object that is not there");
    }
    if (live != d->reached) {
        return hs_error_set(err, HS_ECORRUPT, "the order misses objects");
    }
    HS_TRY(hs_bits_init(&seen, g->a, d->n));
    for (uint32_t i = 0; i < d->reached && rc == HS_OK; i++) {
        uint32_t v = d->order[i], p;
        if (i + CHECK_AHEAD < d->reached
            && d->order[i + CHECK_AHEAD] < d->n) {
            __builtin_prefetch(&d->idom[d->order[i + CHECK_AHEAD]]);
        }
        if (v >= d->n || hs_bits_test(&seen, v)
            || (p = d->idom[v]) == HS_NO_NODE) {
            rc = HS_ECORRUPT;
            break;
        }
        if (p != HS_DOM_ROOT && !hs_bits_test(&seen, p)) {
            rc = HS_ECORRUPT;
        }
        hs_bits_set(&seen, v);
    }
    hs_bits_release(&seen);
    if (rc < 0) {
        return hs_error_set(err, rc, "the order does not list each object "
                            "once after its dominator");
    }
    for (uint32_t i = 0; i < d->extra_roots; i++) {
        uint32_t v = d->extra[i];
        if (v >= d->n || d->idom[v] != HS_DOM_ROOT
            || (i && v <= d->extra[i - 1])) {
            return hs_error_set(err, HS_ECORRUPT, "a bad extra root");
        }
    }
    return HS_OK;
}

/* The arrays, checksummed: borrowed from the mapping, or copied into
 * arrays of n + 1 entries as a computation leaves them. */
static int
read_arrays(hs_dominators *d, const source *s, const dom_header *h,
            hs_error *err)
{
    const hs_allocator *a = d->g->a;
    size_t n1 = (size_t)d->n + 1;
    layout l;
    sum_job j;
    lay_out(&l, h->n, h->reached, h->extra_roots);
    if (s->borrow) {
        d->idom = (uint32_t *)(uintptr_t)(s->buf + l.off[A_IDOM]);
        d->order = (uint32_t *)(uintptr_t)(s->buf + l.off[A_ORDER]);
        d->extra = (uint32_t *)(uintptr_t)(s->buf + l.off[A_EXTRA]);
        d->retained_count = (uint32_t *)(uintptr_t)(s->buf + l.off[A_COUNT]);
        d->retained = (uint64_t *)(uintptr_t)(s->buf + l.off[A_RETAINED]);
    } else {
        d->idom = hs_malloc_array(a, n1, sizeof(*d->idom));
        d->order = hs_malloc_array(a, (size_t)h->reached + 1,
                                   sizeof(*d->order));
        d->extra = hs_malloc_array(a, (size_t)h->extra_roots + 1,
                                   sizeof(*d->extra));
        d->retained_count = hs_malloc_array(a, n1,
                                            sizeof(*d->retained_count));
        d->retained = hs_malloc_array(a, n1, sizeof(*d->retained));
        if (!d->idom || !d->order || !d->extra || !d->retained_count
            || !d->retained) {
            return hs_error_set(err, HS_ENOMEM, "out of memory");
        }
        arrays_of(d, j.arr);
        for (int i = 0; i < A_END; i++) {
            memcpy(j.arr[i], s->buf + l.off[i], (size_t)l.bytes[i]);
        }
        d->idom[d->n] = HS_NO_NODE;
        d->retained_count[d->n] = 0;
        d->retained[d->n] = 0;
    }
    arrays_of(d, j.arr);
    j.l = &l;
    sum_arrays(&j);
    if (memcmp(j.sums, h->sums, sizeof(j.sums)) != 0) {
        return hs_error_set(err, HS_ECORRUPT, "damaged (a checksum does "
                            "not match)");
    }
    return HS_OK;
}

static hs_dominators *
restore(const hs_graph *g, const source *s, uint64_t key, hs_error *err)
{
    dom_header h;
    hs_dominators *d;
    int rc;
    if (s->len < sizeof(h)) {
        hs_error_set(err, HS_ECORRUPT, "truncated");
        return NULL;
    }
    memcpy(&h, s->buf, sizeof(h));
    if (check_header(&h, g, key, s->len, err) < 0
        || !(d = hs_dominators_alloc(g, err))) {
        return NULL;
    }
    d->reached = h.reached;
    d->roots = h.roots;
    d->extra_roots = h.extra_roots;
    d->unreached = h.unreached;
    d->total_size = h.total_size;
    rc = hs_roots_init(&d->rooted, g);
    if (rc < 0) {
        hs_error_set(err, rc, "out of memory");
    } else {
        rc = read_arrays(d, s, &h, err);
    }
    if (rc == HS_OK) {
        rc = check_tree(d, err);
    }
    if (rc < 0) {
        if (s->borrow) { /* not ours: the caller unmaps them */
            d->idom = d->order = d->extra = d->retained_count = NULL;
            d->retained = NULL;
        }
        hs_dominators_free(d);
        return NULL;
    }
    return d;
}

hs_dominators *
hs_dominators_restore(const hs_graph *g, const char *path, uint64_t key,
                      hs_error *err)
{
    struct stat st;
    source s = {NULL, 0, true};
    hs_dominators *d = NULL;
    void *map = MAP_FAILED;
    char why[200];
    bool planted;
    int fd = hs_trust_open(path, &st, &planted, why, sizeof(why));
    if (fd == -1) {
        hs_error_set(err, HS_ENOTFOUND, "no such file");
    } else if (fd < 0) {
        hs_error_set(err, HS_EINVAL, "not trusted: %s", why);
    } else if (st.st_size < (off_t)sizeof(dom_header)) {
        hs_error_set(err, HS_ECORRUPT, "truncated");
    } else {
        /* Read-only, so MAP_POPULATE maps the cached pages in one call
         * without copying them. */
        map = mmap(NULL, (size_t)st.st_size, PROT_READ,
                   MAP_PRIVATE | MAP_POPULATE, fd, 0);
        if (map == MAP_FAILED) {
            hs_error_set(err, HS_EIO, "cannot map: %s", strerror(errno));
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    if (map != MAP_FAILED) {
        s.buf = map;
        s.len = (uint64_t)st.st_size;
        d = restore(g, &s, key, err);
        if (d) {
            d->map = map;
            d->map_bytes = (size_t)st.st_size;
        } else {
            munmap(map, (size_t)st.st_size);
        }
    }
    if (!d) {
        hs_error_path(err, path);
    }
    return d;
}

hs_dominators *
hs_dominators_restore_buffer(const hs_graph *g, const void *data, size_t len,
                             uint64_t key, hs_error *err)
{
    source s = {data, len, false};
    return restore(g, &s, key, err);
}

/* MARK: the store between sessions */

hs_dominators *
hs_tree_store_read(hs_tree_store *s, const hs_graph *g, hs_error *err)
{
    hs_error why = {0};
    hs_dominators *d;
    s->keep = s->key != 0;
    if (!s->key) {
        hs_error_set(err, HS_ENOTFOUND, "no snapshot to keep a tree beside");
        return NULL;
    }
    d = hs_dominators_restore(g, s->path, s->key, &why);
    if (d) {
        return d;
    }
    if (why.code == HS_ENOTFOUND) {
        hs_error_set(err, HS_ENOTFOUND, "%s", why.message);
        return NULL;
    }
    /* Not ours to replace when someone else may have put it there. */
    s->keep = why.code != HS_EINVAL;
    hs_error_set(err, why.code, "%s: not used: %s; computing the tree",
                 s->path, why.message);
    return NULL;
}

int
hs_tree_store_keep(const hs_tree_store *s, const hs_dominators *d,
                   hs_error *err)
{
    hs_error why = {0};
    struct stat st;
    if (!s->key || !s->keep) {
        return HS_OK;
    }
    if (stat(s->snapshot, &st) != 0) {
        return hs_error_set(err, HS_EIO, "cannot keep the dominator tree: "
                            "%s: %s", s->snapshot, strerror(errno));
    }
    if (hs_dominators_save(d, s->path, s->key, st.st_mode & 0777, &why) < 0) {
        return hs_error_set(err, HS_EIO, "cannot keep the dominator tree: %s",
                            why.message);
    }
    return HS_OK;
}
