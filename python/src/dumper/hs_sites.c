/*
 * hs_sites.c - writes allocation sites: per traced object a traceback id,
 * and the frame and traceback tables those ids name (docs/format.md §7).
 *
 * tracemalloc interns its tracebacks, so one traceback is one address:
 * a dump-local hash from that address to a small id (1, 2, ... in order
 * of first use) decides whether its lines were written yet. Frames are
 * interned the same way by (filename object, line). Lines are written
 * just before the first record that uses them, so a reader meets every
 * id's definition before its uses, in one pass.
 *
 * Nothing here creates a Python object: ids live in hsd_malloc'ed arrays,
 * file names are escaped straight from the str objects tracemalloc keeps
 * alive in its own filenames table.
 */
#include "hs_sites.h"
#include "hs_tmfind.h"

#include <string.h>

struct hs_site_slot {
    uintptr_t key;       /* traceback address, or filename object; 0 = empty */
    uint32_t line;       /* frames: the line number */
    uint32_t id;
};

/* One tm per dump: the finder's result for this walk. */
static hs_tm tm;

#define INITIAL_SLOTS 1024

static size_t
slot_hash(uintptr_t key, uint32_t line)
{
    uint64_t h = ((uint64_t)key ^ ((uint64_t)line << 40)) * 0x9e3779b97f4a7c15ull;

    return (size_t)(h >> 17);
}

/* The slot for (key, line) in table *tab: its id, or an empty slot. */
static struct hs_site_slot *
slot_find(struct hs_site_slot *tab, size_t mask, uintptr_t key,
          uint32_t line)
{
    size_t i = slot_hash(key, line) & mask;

    while (tab[i].key != 0 && (tab[i].key != key || tab[i].line != line)) {
        i = (i + 1) & mask;
    }
    return &tab[i];
}

/* Doubles a table when it is half full. -1 out of memory. */
static int
slots_grow(struct hs_site_slot **tab, size_t *mask, size_t used)
{
    size_t cap = *tab ? *mask + 1 : 0, ncap;
    struct hs_site_slot *old = *tab, *t;

    if (old != NULL && used * 2 < cap) {
        return 0;
    }
    ncap = cap ? cap * 2 : INITIAL_SLOTS;
    t = hsd_calloc(ncap, sizeof(*t));
    if (t == NULL) {
        return -1;
    }
    for (size_t i = 0; i < cap; i++) {
        if (old[i].key != 0) {
            *slot_find(t, ncap - 1, old[i].key, old[i].line) = old[i];
        }
    }
    hsd_free(old, cap * sizeof(*old));
    *tab = t;
    *mask = ncap - 1;
    return 0;
}

int
hs_sites_begin(hs_sites *s, const char **why)
{
    memset(s, 0, sizeof(*s));
    if (hs_tm_find(&tm, why) <= 0) {
        return 0;
    }
    if (slots_grow(&s->tbs, &s->tbs_mask, 0) < 0
        || slots_grow(&s->frames, &s->frames_mask, 0) < 0) {
        hs_sites_end(s);
        return -1;
    }
    s->active = 1;
    return 0;
}

void
hs_sites_end(hs_sites *s)
{
    if (s->tbs != NULL) {
        hsd_free(s->tbs, (s->tbs_mask + 1) * sizeof(*s->tbs));
    }
    if (s->frames != NULL) {
        hsd_free(s->frames, (s->frames_mask + 1) * sizeof(*s->frames));
    }
    memset(s, 0, sizeof(*s));
}

/* hs_record.c's number formatting, for lines that are no record. */
static void
put_uint(hs_writer *w, unsigned long long v)
{
    hs_record r = {w, 0, 0};

    hs_record_uint(&r, v);
}

#define RAW(w, s) hs_record_raw((w), (s), sizeof(s) - 1)

/* The id of a frame, writing its line when new; 0 out of memory. */
static uint32_t
frame_id(hs_sites *s, hs_writer *w, PyObject *filename, unsigned int line)
{
    struct hs_site_slot *slot;

    if (slots_grow(&s->frames, &s->frames_mask, s->nframes) < 0) {
        return 0;
    }
    slot = slot_find(s->frames, s->frames_mask, (uintptr_t)filename, line);
    if (slot->key != 0) {
        return slot->id;
    }
    slot->key = (uintptr_t)filename;
    slot->line = line;
    slot->id = (uint32_t)++s->nframes;
    RAW(w, "{\"heapscope_frame\": ");
    put_uint(w, slot->id);
    RAW(w, ", \"file\": ");
    hs_record_str_full(w, filename);
    RAW(w, ", \"line\": ");
    put_uint(w, line);
    RAW(w, "}\n");
    return slot->id;
}

/* Writes the traceback line of tb as id; its frames' lines first. */
static int
write_traceback(hs_sites *s, hs_writer *w, const void *tb, uint32_t id)
{
    int n = hs_tm_nframes(tb);
    uint32_t stack[64], *ids = stack;
    int rc = 0;

    if (n > 64 && (ids = hsd_malloc((size_t)n * sizeof(*ids))) == NULL) {
        return -1;
    }
    /* tracemalloc stores the most recent frame first; the table lists
     * them oldest first, as tracemalloc.Traceback does. */
    for (int i = 0; i < n; i++) {
        PyObject *filename;
        unsigned int line;
        hs_tm_frame(tb, n - 1 - i, &filename, &line);
        if ((ids[i] = frame_id(s, w, filename, line)) == 0) {
            rc = -1;
            goto out;
        }
    }
    RAW(w, "{\"heapscope_traceback\": ");
    put_uint(w, id);
    RAW(w, ", \"frames\": [");
    for (int i = 0; i < n; i++) {
        if (i) {
            RAW(w, ", ");
        }
        put_uint(w, ids[i]);
    }
    RAW(w, "]}\n");
out:
    if (ids != stack) {
        hsd_free(ids, (size_t)n * sizeof(*ids));
    }
    return rc;
}

uint32_t
hs_sites_of(hs_walk *wk, PyObject *op)
{
    hs_sites *s = wk->sites;
    struct hs_site_slot *slot;
    const void *tb;

    if (s == NULL || !s->active) {
        return 0;
    }
    tb = hs_tm_traceback(&tm, hs_tm_block_of(op));
    if (tb == NULL) {
        return 0;
    }
    if (slots_grow(&s->tbs, &s->tbs_mask, s->ntbs) < 0) {
        wk->failed = 1;
        return 0;
    }
    slot = slot_find(s->tbs, s->tbs_mask, (uintptr_t)tb, 0);
    if (slot->key == 0) {
        uint32_t id = (uint32_t)s->ntbs + 1;
        if (write_traceback(s, wk->w, tb, id) < 0) {
            wk->failed = 1;
            return 0;
        }
        slot->key = (uintptr_t)tb;
        slot->id = id;
        s->ntbs++;
    }
    s->traced++;
    return slot->id;
}

void
hs_sites_end_record(hs_record *r, uint32_t tb)
{
    if (tb == 0) {
        hs_record_end(r);
        return;
    }
    /* Compact separators: the field costs 6 bytes plus the id's digits
     * (docs/format.md §7, the 8-byte budget). */
    RAW(r->w, "],\"tb\":");
    put_uint(r->w, tb);
    RAW(r->w, "}\n");
}
