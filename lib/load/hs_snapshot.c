/*
 * hs_snapshot.c - the snapshot writer.
 *
 * Lay out the sections (hs_snapfmt.h), then write them chunk by chunk
 * straight from the graph's arrays: each chunk is checksummed and
 * pwrite()n at its offset, so the snapshot costs one pass over the graph
 * and no copy. The header and tables go last, then the file is renamed
 * into place.
 *
 * NOTE: about writing in two parts. Writing the file is the one step of
 * a first load that cannot use a second core (see write_chunks), so a
 * load with threads to spare starts it early: as soon as the dump is
 * read, a background thread writes the sections the passes (collapse,
 * parents) never change, while the passes run; the rest follows once
 * they are done. The early sections come first in the file, after room
 * for the tables sized by an upper bound of the final chunk count (the
 * reader takes zero padding anywhere), so their offsets never move.
 */
#include "hs_snapshot.h"

#include "hs_snapfmt.h"
#include "hs_snapsites.h"
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_typerows.h"
#include "../util/hs_checksum.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_parallel.h"
#include "../util/hs_tmpfile.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

typedef struct out_section {
    uint32_t id, elem;
    const void *p;
    uint64_t count;
} out_section;

struct hs_snapshot_writer {
    const hs_allocator *a;
    int fd;
    char tmp[4096];
    out_section sec[HS_SNAP_ID_END];
    hs_snap_section table[HS_SNAP_ID_END];
    uint32_t nsec;
    uint32_t laid;            /* sections laid out so far */
    uint64_t *chunks;         /* checksums; room for chunk_cap */
    uint64_t chunk_cap;
    uint64_t nchunks;         /* chunks laid out so far */
    uint64_t written;         /* chunks written so far */
    uint64_t pos;             /* where the next section goes */
    uint64_t id;              /* the header's table checksum, once written */
    uint64_t meta[HS_META_COUNT];
    uint32_t *zeros;          /* offsets of a graph without edges */
    uint32_t *sites;          /* the site tables as words (hs_snapsites) */
    uint64_t *rows;           /* the type rows (hs_typerows), once known */
    size_t nsites;
    bool split;               /* one thread writes, the others checksum */
    atomic_uint_fast64_t next_write, next_sum;
    atomic_int error;         /* errno of the first failed write */
    bool background;          /* write early sections on a thread */
    pthread_t bg;             /* that thread */
    bool bg_running;
    bool settled;             /* collapse's sections are laid out */
    unsigned threads;
};

typedef struct hs_snapshot_writer writer;

static void
add(writer *w, uint32_t id, uint32_t elem, const void *p, uint64_t count)
{
    w->sec[w->nsec++] = (out_section){id, elem, p, count};
}

static void
add_csr(writer *w, const hs_csr *c, uint32_t off_id, uint32_t t_id,
        uint64_t n, const uint32_t *zeros)
{
    if (c->off64) {
        add(w, off_id, 8, c->off64, n + 1);
    } else {
        add(w, off_id, 4, c->off32 ? c->off32 : zeros, n + 1);
    }
    add(w, t_id, 4, c->targets, c->off32 || c->off64 ? c->nedges : 0);
}

static void
fill_meta(const hs_graph *g, uint64_t *mt)
{
    memset(mt, 0, HS_META_COUNT * sizeof(*mt));
    mt[HS_META_N] = g->n;
    mt[HS_META_LIVE] = g->live;
    mt[HS_META_GRAPH_FLAGS] = (g->have_parents ? HS_SNAP_HAVE_PARENTS : 0)
                              | (g->expensive_removed
                                     ? HS_SNAP_EXPENSIVE_REMOVED : 0)
                              | (g->sites ? HS_SNAP_HAVE_SITES : 0);
    mt[HS_META_DIALECT] = (uint64_t)g->dialect;
    mt[HS_META_INDEX_COUNT] = g->ix->x.count;
    hs_snap_stats_put(mt, &g->stats);
}

/* The sections collapse and parents never change (the early ones). */
static void
collect_early(writer *w, const hs_graph *g)
{
    uint64_t n = g->n;
    add(w, HS_SNAP_ADDR, 8, g->addr, n);
    add(w, HS_SNAP_LEN, 4, g->len, n);
    add(w, HS_SNAP_TEXT, 4, g->text, n);
    add(w, HS_SNAP_WLEN_IDS, 4, g->wide_len.ids, g->wide_len.len);
    add(w, HS_SNAP_WLEN_VALS, 8, g->wide_len.vals, g->wide_len.len);
    add(w, HS_SNAP_UNSET_IDS, 4, g->unset_slots.ids, g->unset_slots.len);
    add(w, HS_SNAP_UNSET_VALS, 8, g->unset_slots.vals, g->unset_slots.len);
    if (g->sites) { /* absent: a dump without sites */
        add(w, HS_SNAP_SITE_IDS, 4, g->site.ids, g->site.len);
        add(w, HS_SNAP_SITE_VALS, 8, g->site.vals, g->site.len);
        add(w, HS_SNAP_SITES, 4, w->sites, w->nsites);
    }
    add(w, HS_SNAP_TEXTPOOL, 1, g->texts.data, g->texts.len);
    add(w, HS_SNAP_SLOTS, 4, g->ix->x.slots, g->ix->x.cap);
}

/* Those collapse settles, once it ran: parents never change them. */
static void
collect_settled(writer *w, const hs_graph *g)
{
    uint64_t n = g->n;
    add(w, HS_SNAP_TYPE, 4, g->type, n);
    add(w, HS_SNAP_SIZE, 4, g->size, n);
    add(w, HS_SNAP_FLAGS, 1, g->flags, n);
    add(w, HS_SNAP_WSIZE_IDS, 4, g->wide_size.ids, g->wide_size.len);
    add(w, HS_SNAP_WSIZE_VALS, 8, g->wide_size.vals, g->wide_size.len);
    add_csr(w, &g->children, HS_SNAP_CH_OFF, HS_SNAP_CH_TARGETS, n, w->zeros);
    add(w, HS_SNAP_TYPE_LENS, 4, g->types.lens, g->types.count);
    add(w, HS_SNAP_TYPE_POOL, 1, g->types.pool, g->types.pool_len);
}

/* The last ones, once the passes are done. */
static void
collect_late(writer *w, const hs_graph *g)
{
    fill_meta(g, w->meta);
    add(w, HS_SNAP_META, 8, w->meta, HS_META_COUNT);
    add(w, HS_SNAP_TYPE_ROWS, 8, w->rows,
        (uint64_t)g->types.count * HS_ROW_WORDS);
    add_csr(w, &g->parents, HS_SNAP_PA_OFF, HS_SNAP_PA_TARGETS, g->n,
            w->zeros);
}

/* Chunks of the early sections plus at most how many the late ones can
 * take once the passes ran on g: they add no node, collapse only removes
 * edges (an owner trades [dict, class] for the dict's refs and the
 * class) and parents are at most the children; a type or a wide size
 * may be added per node, a type name comes from the text pool. */
static uint64_t
chunk_bound(const writer *w, const hs_graph *g)
{
    uint64_t n = g->n, e = g->children.nedges, c = HS_SNAP_ID_END;
    for (uint32_t i = 0; i < w->nsec; i++) {
        c += hs_snap_chunks(w->sec[i].count * w->sec[i].elem);
    }
    c += hs_snap_chunks(HS_META_COUNT * 8);
    c += hs_snap_chunks(n * 4) * 2 + hs_snap_chunks(n);
    c += hs_snap_chunks(n * 12);
    c += (hs_snap_chunks((n + 1) * 8) + hs_snap_chunks(e * 4)) * 2;
    c += hs_snap_chunks(((uint64_t)g->types.count + n) * 4);
    c += hs_snap_chunks(((uint64_t)g->types.count + n) * HS_ROW_WORDS * 8);
    c += hs_snap_chunks((uint64_t)g->types.pool_len + g->texts.len);
    return c;
}

/* Offsets and chunks of the sections added since the last call; false on
 * overflow or when the chunks outgrow the room kept for their table. */
static bool
lay_out(writer *w)
{
    for (; w->laid < w->nsec; w->laid++) {
        const out_section *o = &w->sec[w->laid];
        uint64_t bytes = o->count * o->elem;
        w->table[w->laid] = (hs_snap_section){o->id, o->elem, w->pos,
                                              o->count, w->nchunks};
        w->nchunks += hs_snap_chunks(bytes);
        if (w->nchunks > w->chunk_cap
            || __builtin_add_overflow(w->pos, bytes, &w->pos)) {
            return false;
        }
        w->pos = hs_snap_align(w->pos);
    }
    return true;
}

/* The section holding chunk c, searched from section s. */
static uint32_t
chunk_section(const writer *w, uint32_t s, uint64_t c)
{
    while (s + 1 < w->nsec && w->table[s + 1].first_chunk <= c) {
        s++;
    }
    while (w->table[s].first_chunk > c) {
        s--;
    }
    return s;
}

static void
fail_write(writer *w)
{
    int zero = 0;
    atomic_compare_exchange_strong(&w->error, &zero, errno ? errno : EIO);
}

/* NOTE: about the roles of the threads. Buffered writes to one file take
 * its inode lock, so two threads writing only queue (and spin) on each
 * other: on two cores that made the snapshot slower to write than on one.
 * So one thread writes every chunk and the others checksum them; alone,
 * a thread does both, checksumming each chunk just before its write
 * while it is in cache. */
static int
write_chunks(void *ctx, unsigned part)
{
    writer *w = ctx;
    bool sum = !w->split || part > 0, put = !w->split || part == 0;
    atomic_uint_fast64_t *next = put ? &w->next_write : &w->next_sum;
    uint32_t s = 0;
    for (;;) {
        uint64_t c = atomic_fetch_add(next, 1), from, to, bytes;
        const unsigned char *p;
        if (c >= w->nchunks || atomic_load(&w->error)) {
            return HS_OK;
        }
        s = chunk_section(w, s, c);
        bytes = w->table[s].count * w->table[s].elem_bytes;
        from = (c - w->table[s].first_chunk) * HS_SNAP_CHUNK;
        to = from + HS_SNAP_CHUNK < bytes ? from + HS_SNAP_CHUNK : bytes;
        p = (const unsigned char *)w->sec[s].p + from;
        if (sum) {
            w->chunks[c] = hs_checksum(p, (size_t)(to - from),
                                       w->table[s].id);
        }
        if (put && !hs_write_at(w->fd, p, (size_t)(to - from),
                                w->table[s].offset + from)) {
            fail_write(w);
            return HS_OK;
        }
    }
}

/* Writes the chunks laid out since the last body, on `threads`. */
static int
write_body(writer *w, unsigned threads)
{
    w->split = threads > 1;
    atomic_store(&w->next_write, w->written);
    atomic_store(&w->next_sum, w->written);
    hs_parallel_for(threads, write_chunks, w);
    w->written = w->nchunks;
    return atomic_load(&w->error);
}

static void *
run_background(void *arg)
{
    write_body(arg, 1);
    return NULL;
}

/* Writes what is laid out so far on a thread of its own, if w may. */
static void
start_background(writer *w)
{
    w->bg_running = w->background
                    && pthread_create(&w->bg, NULL, run_background, w) == 0;
}

static void
join_background(writer *w)
{
    if (w->bg_running) {
        pthread_join(w->bg, NULL);
        w->bg_running = false;
    }
}

/* The header, section table and chunk table, checksummed, at offset 0. */
static bool
write_head(writer *w, const hs_fingerprint *fp, uint32_t variant,
           const hs_allocator *a)
{
    size_t tbytes = w->nsec * sizeof(hs_snap_section);
    size_t cbytes = (size_t)w->nchunks * 8;
    size_t len = sizeof(hs_snap_header) + tbytes + cbytes;
    unsigned char *buf = hs_calloc(a, 1, len);
    hs_snap_header h;
    bool ok;
    if (!buf) {
        return false;
    }
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, HS_SNAP_MAGIC, 8);
    h.version = HS_SNAP_VERSION;
    h.header_bytes = sizeof(h);
    h.endian = HS_SNAP_ENDIAN;
    h.pointer_bytes = sizeof(void *);
    h.variant = variant;
    h.nsections = w->nsec;
    h.file_bytes = w->pos;
    h.nchunks = w->nchunks;
    h.dump_size = fp->size;
    h.dump_mtime_sec = fp->mtime_sec;
    h.dump_mtime_nsec = fp->mtime_nsec;
    h.dump_sample = fp->sample;
    snprintf(h.producer, sizeof(h.producer), "heapscope %s", hs_version());
    memcpy(buf + sizeof(h), w->table, tbytes);
    memcpy(buf + sizeof(h) + tbytes, w->chunks, cbytes);
    h.table_checksum = hs_checksum(buf + sizeof(h), tbytes + cbytes,
                                   hs_checksum(&h, sizeof(h), 0));
    memcpy(buf, &h, sizeof(h));
    w->id = h.table_checksum;
    ok = hs_write_at(w->fd, buf, len, 0);
    hs_mfree(a, buf);
    return ok;
}

static void
free_writer(writer *w)
{
    if (w->fd >= 0) {
        close(w->fd);
        unlink(w->tmp);
    }
    hs_mfree(w->a, w->zeros);
    hs_mfree(w->a, w->sites);
    hs_mfree(w->a, w->rows);
    hs_mfree(w->a, w->chunks);
    hs_mfree(w->a, w);
}

int
hs_snapshot_begin(hs_snapshot_writer **out, const hs_graph *g,
                  const char *path, unsigned mode, bool early, hs_error *err)
{
    writer *w;
    *out = NULL;
    HS_RETURN_IF(!hs_graph_ensure_index(g), HS_ENOMEM, err, "out of memory");
    w = hs_calloc(g->a, 1, sizeof(*w));
    HS_RETURN_IF(!w, HS_ENOMEM, err, "out of memory");
    w->a = g->a;
    w->fd = -1;
    /* The site tables are complete once the dump is read: the passes
     * never change them. */
    if (g->sites && hs_snapsites_encode(g->sites, g->a, &w->sites,
                                        &w->nsites) < 0) {
        free_writer(w);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    collect_early(w, g);
    w->chunk_cap = chunk_bound(w, g);
    w->pos = hs_snap_align(sizeof(hs_snap_header)
                           + HS_SNAP_ID_END * sizeof(hs_snap_section)
                           + w->chunk_cap * 8);
    w->chunks = hs_calloc(g->a, (size_t)w->chunk_cap + 1, 8);
    if (!w->chunks || !lay_out(w)) {
        free_writer(w);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    w->fd = hs_tmpfile_create(path, "", (mode_t)(mode & 0666), w->tmp,
                              sizeof(w->tmp));
    if (w->fd < 0) {
        int rc = hs_error_set(err, HS_EIO, "cannot create %s: %s", path,
                              strerror(errno));
        free_writer(w);
        return rc;
    }
    w->background = early;
    start_background(w);
    *out = w;
    return HS_OK;
}

void
hs_snapshot_abort(hs_snapshot_writer *w)
{
    if (!w) {
        return;
    }
    join_background(w);
    free_writer(w);
}

/* The zeros standing for the offsets of a graph without edges. */
static bool
need_zeros(writer *w, const hs_graph *g)
{
    if (w->zeros || g->children.off32 || g->children.off64) {
        return true;
    }
    w->zeros = hs_calloc(g->a, (size_t)g->n + 1, 4);
    return w->zeros != NULL;
}

static int
settle(writer *w, const hs_graph *g, hs_error *err)
{
    join_background(w);
    if (!need_zeros(w, g)) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    collect_settled(w, g);
    w->settled = true;
    HS_RETURN_IF(!lay_out(w), HS_ENOMEM, err, "out of memory");
    return HS_OK;
}

int
hs_snapshot_settled(hs_snapshot_writer *w, const hs_graph *g, hs_error *err)
{
    int rc = settle(w, g, err);
    if (rc < 0) {
        hs_snapshot_abort(w);
        return rc;
    }
    start_background(w);
    return HS_OK;
}

int
hs_snapshot_finish(hs_snapshot_writer *w, const hs_graph *g,
                   const char *path, const hs_fingerprint *fp,
                   uint32_t variant, unsigned threads,
                   hs_snapshot_written *out, hs_error *err)
{
    int rc = HS_OK, e = 0;
    join_background(w);
    if (!g->have_parents) {
        hs_snapshot_abort(w);
        return hs_error_set(err, HS_EINVAL, "a snapshot needs the parents "
                            "computed");
    }
    if (!w->settled && (rc = settle(w, g, err)) < 0) {
        hs_snapshot_abort(w);
        return rc;
    }
    if ((rc = hs_type_rows(g, NULL, g->n, w->a, &w->rows, err)) < 0) {
        hs_snapshot_abort(w);
        return rc;
    }
    collect_late(w, g);
    if (!lay_out(w)) {
        hs_snapshot_abort(w);
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    if (ftruncate(w->fd, (off_t)w->pos) != 0
        || (e = write_body(w, hs_threads(threads))) != 0
        || !write_head(w, fp, variant, g->a)) {
        e = e ? e : errno;
        rc = hs_error_set(err, HS_EIO, "cannot write %s: %s", path,
                          strerror(e));
    }
    if (close(w->fd) != 0 && rc == 0) {
        rc = hs_error_set(err, HS_EIO, "cannot write %s: %s", path,
                          strerror(errno));
    }
    w->fd = -1;
    if (rc == 0 && rename(w->tmp, path) != 0) {
        rc = hs_error_set(err, HS_EIO, "cannot rename to %s: %s", path,
                          strerror(errno));
    }
    if (rc < 0) {
        unlink(w->tmp);
    } else if (out) {
        out->bytes = w->pos;
        out->id = w->id;
    }
    free_writer(w);
    return rc;
}

int
hs_snapshot_write_file(const hs_graph *g, const char *path, unsigned mode,
                       const hs_fingerprint *fp, uint32_t variant,
                       unsigned threads, hs_snapshot_written *out,
                       hs_error *err)
{
    hs_snapshot_writer *w;
    HS_RETURN_IF(!g->have_parents, HS_EINVAL, err,
                 "a snapshot needs the parents computed");
    HS_TRY(hs_snapshot_begin(&w, g, path, mode, false, err));
    return hs_snapshot_finish(w, g, path, fp, variant, threads, out, err);
}
