/*
 * hs_snapsites.c - allocation sites in a snapshot.
 *
 * The sites are a few thousand frames and tracebacks, against millions of
 * objects: rather than mapping the site table's arrays in place (each one
 * more thing a crafted snapshot could make lie), they are written as one
 * section of 32-bit words and rebuilt through the same calls that read a
 * dump's definition lines, which check everything a dump could get
 * wrong. Which object has which traceback is the `site` side table, mapped
 * in place like the wide sizes (hs_snapshot.c, hs_snapshot_read.c).
 *
 * The words, every id by its position (ids are the dump's own, and a
 * table as long as its largest id is what a load holds anyway):
 *
 *     nframes, then for frame 1..nframes:
 *         0 (not defined), or len + 1, line, the file name's len bytes
 *         padded with zeros to whole words
 *     ntracebacks, then for traceback 1..ntracebacks:
 *         0 (not defined), or count + 1, count frame ids (oldest first)
 */
#include "hs_snapsites.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

typedef struct words {
    const hs_allocator *a;
    uint32_t *v;
    size_t n, alloc;
} words;

static int
put(words *w, const void *p, size_t nwords)
{
    size_t need;
    if (!hs_size_add(w->n, nwords, &need)) {
        return HS_ENOMEM;
    }
    HS_TRY(HS_GROW(w->a, w->v, need, w->alloc));
    memcpy(w->v + w->n, p, nwords * sizeof(uint32_t));
    w->n = need;
    return HS_OK;
}

static int
put1(words *w, uint32_t x)
{
    return put(w, &x, 1);
}

static int
put_frame(words *w, const hs_sitetab *t, uint32_t id)
{
    size_t len, whole;
    const char *file;
    uint32_t head[2];
    if (t->frame_file[id] == 0) {
        return put1(w, 0);
    }
    file = hs_strtab_get(&t->files, t->frame_file[id] - 1, &len);
    if (len >= UINT32_MAX) {
        return HS_ELIMIT;
    }
    head[0] = (uint32_t)len + 1;
    head[1] = t->frame_line[id];
    HS_TRY(put(w, head, 2));
    whole = len / 4;
    HS_TRY(put(w, file, whole));
    if (len % 4) {
        uint32_t last = 0;
        memcpy(&last, file + whole * 4, len % 4);
        HS_TRY(put1(w, last));
    }
    return HS_OK;
}

int
hs_snapsites_encode(const hs_sitetab *t, const hs_allocator *a,
                    uint32_t **out, size_t *n)
{
    words w = {a, NULL, 0, 0};
    int rc = put1(&w, t->nframes);
    for (uint32_t id = 1; rc == HS_OK && id <= t->nframes; id++) {
        rc = put_frame(&w, t, id);
    }
    if (rc == HS_OK) {
        rc = put1(&w, t->ntbs);
    }
    for (uint32_t id = 1; rc == HS_OK && id <= t->ntbs; id++) {
        if (!hs_sitetab_has_traceback(t, id)) {
            rc = put1(&w, 0);
        } else if ((rc = put1(&w, t->tb_len[id] + 1)) == HS_OK) {
            rc = put(&w, t->ids + t->tb_start[id] - 1, t->tb_len[id]);
        }
    }
    if (rc < 0) {
        hs_mfree(a, w.v);
        return rc;
    }
    *out = w.v;
    *n = w.n;
    return HS_OK;
}

/* MARK: reading back */

typedef struct reader {
    const uint32_t *v;
    size_t n, at;
    hs_error *err;
} reader;

/* The next k words, or NULL (and err set) past the end. */
static const uint32_t *
take(reader *r, size_t k)
{
    const uint32_t *p;
    if (k > r->n - r->at || !r->v) { /* an empty section maps no words */
        hs_error_set(r->err, HS_ECORRUPT, "damaged: sites: %zu words "
                     "wanted at word %zu of %zu", k, r->at, r->n);
        return NULL;
    }
    p = r->v + r->at;
    r->at += k;
    return p;
}

/* A frame whose file name is len bytes: its line, then the name. */
static int
get_frame(reader *r, hs_sitetab *t, uint32_t id, size_t len)
{
    const uint32_t *line = take(r, 1), *file;
    if (!line || !(file = take(r, (len + 3) / 4))) {
        return HS_ECORRUPT;
    }
    return hs_sitetab_add_frame(t, id, (const char *)file, len, *line,
                                r->err);
}

/* A traceback of n frames: their ids. */
static int
get_traceback(reader *r, hs_sitetab *t, uint32_t id, size_t n)
{
    const uint32_t *frames = take(r, n);
    if (!frames) {
        return HS_ECORRUPT;
    }
    return hs_sitetab_add_traceback(t, id, frames, n, r->err);
}

/* One table: its count, then for each id 0 (not defined) or n + 1 and
 * what get_one reads (n: the name's bytes, or the frames). */
static int
get_table(reader *r, hs_sitetab *t,
          int (*get_one)(reader *, hs_sitetab *, uint32_t, size_t))
{
    const uint32_t *p = take(r, 1);
    uint32_t count;
    if (!p) {
        return HS_ECORRUPT;
    }
    count = *p;
    for (uint32_t id = 1; id <= count && id != 0; id++) {
        const uint32_t *head = take(r, 1);
        if (!head) {
            return HS_ECORRUPT;
        }
        if (*head != 0) {
            HS_TRY(get_one(r, t, id, (size_t)*head - 1));
        }
    }
    return HS_OK;
}

int
hs_snapsites_decode(const uint32_t *v, size_t n, const hs_allocator *a,
                    hs_sitetab **out, hs_error *err)
{
    reader r = {v, n, 0, err};
    hs_sitetab *t = hs_sitetab_new(a);
    int rc;
    if (!t) {
        return hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    rc = get_table(&r, t, get_frame);
    if (rc == HS_OK) {
        rc = get_table(&r, t, get_traceback);
    }
    if (rc == HS_OK && r.at != n) {
        rc = hs_error_set(err, HS_ECORRUPT, "damaged: sites: %zu words "
                          "after the tables", n - r.at);
    }
    if (rc == HS_OK) {
        rc = hs_sitetab_check(t, err);
    }
    if (rc < 0) {
        hs_sitetab_free(t);
        /* A definition the checks refuse is damage here, not a parse
         * error: the snapshot's writer had accepted it. */
        if (err && (rc == HS_EPARSE || rc == HS_ELIMIT)) {
            err->code = rc = HS_ECORRUPT;
        }
        return rc;
    }
    *out = t;
    return HS_OK;
}
