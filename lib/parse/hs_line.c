/*
 * hs_line.c - the meliae line scanners (see hs_line.h).
 */
#include "hs_line.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

void
hs_line_parser_init(hs_line_parser *p, const hs_allocator *a)
{
    memset(p, 0, sizeof(*p));
    p->a = a;
}

void
hs_line_parser_release(hs_line_parser *p)
{
    hs_jstr_release(&p->type, p->a);
    hs_jstr_release(&p->name, p->a);
    hs_jstr_release(&p->value, p->a);
    hs_jstr_release(&p->key, p->a);
    hs_mfree(p->a, p->site_frames);
}

static int
push_ref(const hs_line_parser *p, hs_u64vec *refs, uint64_t addr)
{
    if (refs->len == refs->alloc) {
        HS_TRY(HS_GROW(p->a, refs->v, refs->len + 1, refs->alloc));
    }
    refs->v[refs->len++] = addr;
    return HS_OK;
}

/* Room for at least one more ref. */
static int
push_room(const hs_line_parser *p, hs_u64vec *refs)
{
    return HS_GROW(p->a, refs->v, refs->len + 1, refs->alloc);
}

static void
record_clear(hs_record *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->len = HS_NO_LEN;
}

/* Consumes the literal lit at *pp if it is there. */
static inline bool
lit(const char **pp, const char *end, const char *s, size_t n)
{
    if ((size_t)(end - *pp) < n || memcmp(*pp, s, n) != 0) {
        return false;
    }
    *pp += n;
    return true;
}

#define LIT(pp, end, s) lit((pp), (end), (s), sizeof(s) - 1)

/* After the closing brace: white space, at most one comma (the JSON-array
 * form), white space. */
static bool
tail_ok(const char *p, const char *end)
{
    p = hs_json_skip_ws(p, end);
    if (p < end && *p == ',') {
        p = hs_json_skip_ws(p + 1, end);
    }
    return p == end;
}

/* MARK: fast path */

/* Returns 1 when the line was read, 0 to fall back (refs restored),
 * HS_ENOMEM. */
static int
parse_fast(hs_line_parser *p, const char *s, const char *end, hs_record *rec,
           hs_u64vec *refs)
{
    size_t refs_start = refs->len;
    bool ovf, oom;
    record_clear(rec);
    if (!LIT(&s, end, "{\"address\": ") || !hs_json_u64(&s, end, &rec->address, &ovf)
        || !LIT(&s, end, ", \"type\": ")
        || !hs_json_string(&s, end, &p->type, p->a, &oom)
        || !LIT(&s, end, ", \"size\": ")
        || !hs_json_u64(&s, end, &rec->size, &ovf)) {
        return 0;
    }
    rec->type = p->type.data;
    rec->type_len = p->type.len;
    if (LIT(&s, end, ", \"name\": ")) {
        if (!hs_json_string(&s, end, &p->name, p->a, &oom)) {
            return 0;
        }
        rec->name = p->name.data;
        rec->name_len = p->name.len;
    }
    if (LIT(&s, end, ", \"len\": ")) {
        uint64_t v;
        if (!hs_json_u64(&s, end, &v, &ovf) || v > INT64_MAX) {
            return 0;
        }
        rec->len = (int64_t)v;
    }
    if (LIT(&s, end, ", \"value\": ")) {
        if (s < end && *s == '"') {
            if (!hs_json_string(&s, end, &p->value, p->a, &oom)) {
                return 0;
            }
            rec->value = p->value.data;
            rec->value_len = p->value.len;
        } else if (!hs_json_number(&s, end, &rec->value, &rec->value_len,
                                   &rec->value_is_int) || !rec->value_is_int) {
            return 0;
        }
    }
    if (!LIT(&s, end, ", \"refs\": [")) {
        return 0;
    }
    if (s < end && *s != ']') {
        /* In bulk, into the room the array has (hs_json_u64_list). */
        int state = 1;
        while (state == 1) {
            if (refs->len == refs->alloc && push_room(p, refs) < 0) {
                refs->len = refs_start;
                return HS_ENOMEM;
            }
            refs->len += hs_json_u64_list(&s, end, refs->v + refs->len,
                                          refs->alloc - refs->len, &state);
            if (state < 0) {
                goto fallback;
            }
        }
    }
    if (LIT(&s, end, "],\"tb\":")) {
        /* The dumper's allocation site field (docs/format.md §7). */
        uint64_t tb;
        if (!hs_json_u64(&s, end, &tb, &ovf) || tb == 0 || tb > UINT32_MAX
            || !LIT(&s, end, "}")) {
            goto fallback;
        }
        rec->tb = (uint32_t)tb;
    } else if (!LIT(&s, end, "]}")) {
        goto fallback;
    }
    if (!tail_ok(s, end)) {
        goto fallback;
    }
    rec->nrefs = refs->len - refs_start;
    return 1;
fallback:
    refs->len = refs_start;
    return 0;
}

/* MARK: general path */

typedef struct gen_state {
    hs_line_parser *p;
    const char *line, *s, *end;
    hs_error *err;
} gen_state;

static int fail(gen_state *g, const char *at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(gen_state *g, const char *at, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hs_error_at(g->err, g->err ? g->err->line : 0,
                (uint64_t)(at - g->line) + 1, g->err ? g->err->offset : 0);
    return hs_error_set(g->err, HS_EPARSE, "%s", msg);
}

static int
want_u64(gen_state *g, const char *key, uint64_t *out)
{
    bool ovf;
    const char *at = g->s;
    if (at < g->end && *at == '-') {
        return fail(g, at, "\"%s\" must not be negative", key);
    }
    if (!hs_json_u64(&g->s, g->end, out, &ovf)) {
        return fail(g, ovf ? at : g->s,
                    ovf ? "\"%s\" is too large" : "expected an integer for \"%s\"",
                    key);
    }
    return HS_OK;
}

static int
want_string(gen_state *g, hs_jstr *js, const char *key)
{
    bool oom;
    const char *at = g->s;
    if (!hs_json_string(&g->s, g->end, js, g->p->a, &oom)) {
        if (oom) {
            return hs_error_set(g->err, HS_ENOMEM, "out of memory");
        }
        if (at >= g->end || *at != '"') {
            return fail(g, at, "expected a string for \"%s\"", key);
        }
        return fail(g, g->s, "bad string for \"%s\"", key);
    }
    return HS_OK;
}

/* A JSON array, each item read by item() with the cursor on it: the
 * loop "refs" and a traceback's "frames" share. */
static int
gen_array(gen_state *g, const char *key, int (*item)(gen_state *, void *),
          void *ctx)
{
    if (g->s >= g->end || *g->s != '[') {
        return fail(g, g->s, "expected '[' for \"%s\"", key);
    }
    g->s = hs_json_skip_ws(g->s + 1, g->end);
    if (g->s < g->end && *g->s == ']') {
        g->s++;
        return HS_OK;
    }
    for (;;) {
        g->s = hs_json_skip_ws(g->s, g->end);
        HS_TRY(item(g, ctx));
        g->s = hs_json_skip_ws(g->s, g->end);
        if (g->s < g->end && *g->s == ',') {
            g->s++;
            continue;
        }
        if (g->s < g->end && *g->s == ']') {
            g->s++;
            return HS_OK;
        }
        return fail(g, g->s, "expected ',' or ']' in \"%s\"", key);
    }
}

/* "unset_slots": [i, ...], the positions of an instance's member slots
 * that were NULL, increasing. Positions past 62 do not fit the mask:
 * the mask then says "unknown", which names no slot at all. */
typedef struct unset_state {
    uint64_t mask, last;
    bool first;
} unset_state;

static int
unset_item(gen_state *g, void *ctx)
{
    unset_state *u = ctx;
    uint64_t pos;
    const char *at = g->s;
    HS_TRY(want_u64(g, "unset_slots", &pos));
    if (!u->first && pos <= u->last) {
        return fail(g, at, "\"%s\" must increase", "unset_slots");
    }
    u->first = false;
    u->last = pos;
    u->mask = pos > 62 || u->mask == UINT64_MAX ? UINT64_MAX
                                                : u->mask | (uint64_t)1 << pos;
    return HS_OK;
}

static int
gen_unset_slots(gen_state *g, hs_record *rec)
{
    unset_state u = {0, 0, true};
    HS_TRY(gen_array(g, "unset_slots", unset_item, &u));
    rec->unset_slots = u.mask;
    return HS_OK;
}

static int
ref_item(gen_state *g, void *refs)
{
    uint64_t addr;
    HS_TRY(want_u64(g, "refs", &addr));
    if (push_ref(g->p, refs, addr) < 0) {
        return hs_error_set(g->err, HS_ENOMEM, "out of memory");
    }
    return HS_OK;
}

static int
gen_refs(gen_state *g, hs_u64vec *refs, size_t refs_start)
{
    refs->len = refs_start; /* a repeated "refs" key: the last one wins */
    return gen_array(g, "refs", ref_item, refs);
}

static int
gen_value(gen_state *g, hs_record *rec)
{
    if (g->s < g->end && *g->s == '"') {
        HS_TRY(want_string(g, &g->p->value, "value"));
        rec->value = g->p->value.data;
        rec->value_len = g->p->value.len;
        rec->value_is_int = false;
        return HS_OK;
    }
    if (g->s + 4 <= g->end && memcmp(g->s, "null", 4) == 0) {
        g->s += 4;
        rec->value = NULL;
        return HS_OK;
    }
    if (!hs_json_number(&g->s, g->end, &rec->value, &rec->value_len,
                        &rec->value_is_int)) {
        return fail(g, g->s, "expected %s", "a string or number for \"value\"");
    }
    return HS_OK;
}

static int
gen_int64(gen_state *g, const char *key, int64_t *out)
{
    const char *text;
    size_t len;
    bool is_int;
    const char *at = g->s;
    uint64_t v = 0;
    bool neg;
    if (!hs_json_number(&g->s, g->end, &text, &len, &is_int) || !is_int) {
        return fail(g, at, "expected an integer for \"%s\"", key);
    }
    /* Accumulate unsigned, bounded by INT64_MAX (or its magnitude plus
     * one when negative): a signed accumulator would overflow. */
    neg = text[0] == '-';
    for (size_t i = neg; i < len; i++) {
        unsigned d = (unsigned)(text[i] - '0');
        if (v > ((uint64_t)INT64_MAX + neg - d) / 10) {
            return fail(g, at, "\"%s\" is too large", key);
        }
        v = v * 10 + d;
    }
    *out = neg && v ? -(int64_t)(v - 1) - 1 : (int64_t)v;
    return HS_OK;
}

/* The header's memory members: where each goes, or NULL. */
static int64_t *
header_memory_member(hs_header *hdr, const char *k, size_t kl,
                     const char **name)
{
    static const struct {
        const char *name;
        size_t offset;
    } members[] = {
        {"rss", offsetof(hs_header, rss)},
        {"allocated_blocks", offsetof(hs_header, allocated_blocks)},
        {"pymalloc_arenas", offsetof(hs_header, pymalloc_arenas)},
        {"pymalloc_arena_bytes", offsetof(hs_header, pymalloc_arena_bytes)},
        {"pymalloc_block_bytes", offsetof(hs_header, pymalloc_block_bytes)},
    };
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        if (strlen(members[i].name) == kl
            && memcmp(members[i].name, k, kl) == 0) {
            *name = members[i].name;
            return (int64_t *)(void *)((char *)hdr + members[i].offset);
        }
    }
    return NULL;
}

/* The members of an object up to its '}', the cursor on its first key:
 * member() reads each value (the key in g->p->key). colon names what a
 * missing ':' is reported as. Shared by the header and the site lines. */
static int
gen_object(gen_state *g, const char *colon,
           int (*member)(gen_state *, void *), void *ctx)
{
    for (;;) {
        g->s = hs_json_skip_ws(g->s, g->end);
        HS_TRY(want_string(g, &g->p->key, "key"));
        g->s = hs_json_skip_ws(g->s, g->end);
        if (g->s >= g->end || *g->s != ':') {
            return fail(g, g->s, "expected %s", colon);
        }
        g->s = hs_json_skip_ws(g->s + 1, g->end);
        HS_TRY(member(g, ctx));
        g->s = hs_json_skip_ws(g->s, g->end);
        if (g->s < g->end && *g->s == ',') {
            g->s++;
            continue;
        }
        if (g->s < g->end && *g->s == '}') {
            g->s++;
            return HS_OK;
        }
        return fail(g, g->s, "expected %s", "',' or '}'");
    }
}

/* An id of the site tables: an integer from 1 to 2^32-1. */
static int
want_id(gen_state *g, const char *key, uint32_t *out)
{
    uint64_t v;
    const char *at = g->s;
    HS_TRY(want_u64(g, key, &v));
    if (v == 0 || v > UINT32_MAX) {
        return fail(g, at, "\"%s\" must be from 1 to %u", key, UINT32_MAX);
    }
    *out = (uint32_t)v;
    return HS_OK;
}

static int
frame_id_item(gen_state *g, void *unused)
{
    uint32_t id = 0;
    (void)unused;
    HS_TRY(want_id(g, "frames", &id));
    if (HS_GROW(g->p->a, g->p->site_frames, g->p->site_nframes + 1,
                g->p->site_frames_alloc) < 0) {
        return hs_error_set(g->err, HS_ENOMEM, "out of memory");
    }
    g->p->site_frames[g->p->site_nframes++] = id;
    return HS_OK;
}

enum { S_ID = 1, S_FILE = 2, S_LINE = 4, S_FRAMES = 8 };

/* One member of a frame or traceback line; *seen collects keys. */
static int
gen_sites_member(gen_state *g, void *ctx)
{
    unsigned *seen = ctx;
    const char *k = g->p->key.data;
    size_t kl = g->p->key.len;
    uint32_t v = 0;
    const char *why;
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(k, s, kl) == 0)
    if (KEY("heapscope_frame") || KEY("heapscope_traceback")) {
        *seen |= S_ID;
        HS_TRY(want_id(g, KEY("heapscope_frame") ? "heapscope_frame"
                                                 : "heapscope_traceback", &v));
        g->p->site_id = v;
        return HS_OK;
    }
    if (KEY("file")) {
        *seen |= S_FILE;
        return want_string(g, &g->p->value, "file");
    }
    if (KEY("line")) {
        uint64_t line;
        const char *at = g->s;
        *seen |= S_LINE;
        HS_TRY(want_u64(g, "line", &line));
        g->p->site_line = (uint32_t)line;
        return line > UINT32_MAX ? fail(g, at, "\"line\" is too large")
                                 : HS_OK;
    }
    if (KEY("frames")) {
        *seen |= S_FRAMES;
        g->p->site_nframes = 0;   /* a repeated key: the last one wins */
        return gen_array(g, "frames", frame_id_item, NULL);
    }
#undef KEY
    if (!hs_json_skip_value(&g->s, g->end, &why)) {
        return fail(g, g->s, "%s", why);
    }
    return HS_OK;
}

/* A frame or traceback line (docs/format.md §7), cursor on its first
 * key: its fields go to the parser's site_* members. */
static int
gen_sites(gen_state *g, bool frame)
{
    unsigned seen = 0, want = frame ? S_ID | S_FILE | S_LINE : S_ID | S_FRAMES;
    g->p->site_is_frame = frame;
    g->p->site_nframes = 0;
    HS_TRY(gen_object(g, "':' after a key", gen_sites_member, &seen));
    if ((seen & want) != want) {
        unsigned miss = want & ~seen;
        return fail(g, g->line, "%s line has no \"%s\"",
                    frame ? "frame" : "traceback",
                    miss & S_FILE ? "file" : miss & S_LINE ? "line"
                                                           : "frames");
    }
    return HS_OK;
}

static int
header_member(gen_state *g, void *ctx)
{
    hs_header *hdr = ctx;
    const char *k = g->p->key.data, *why, *name;
    size_t kl = g->p->key.len;
    int64_t *slot;
    if (kl == 14 && memcmp(k, "heapscope_dump", 14) == 0) {
        return gen_int64(g, "heapscope_dump", &hdr->version);
    }
    if (kl == 12 && memcmp(k, "pointer_size", 12) == 0) {
        return gen_int64(g, "pointer_size", &hdr->pointer_size);
    }
    if (kl == 4 && memcmp(k, "time", 4) == 0) {
        return gen_int64(g, "time", &hdr->time);
    }
    if (kl == 3 && memcmp(k, "pid", 3) == 0) {
        return gen_int64(g, "pid", &hdr->pid);
    }
    if ((slot = header_memory_member(hdr, k, kl, &name)) != NULL) {
        HS_TRY(gen_int64(g, name, slot));
        return *slot < 0 ? fail(g, g->s, "negative %s in the heapscope header",
                                name)
                         : HS_OK;
    }
    if (kl == 6 && memcmp(k, "python", 6) == 0) {
        HS_TRY(want_string(g, &g->p->value, "python"));
        snprintf(hdr->python, sizeof(hdr->python), "%.*s",
                 (int)(g->p->value.len < 31 ? g->p->value.len : 31),
                 g->p->value.data);
        return HS_OK;
    }
    if (!hs_json_skip_value(&g->s, g->end, &why)) {
        return fail(g, g->s, "%s", why);
    }
    return HS_OK;
}

static int
gen_header(gen_state *g, hs_header *hdr)
{
    /* Called with the cursor on the object's first key again. */
    memset(hdr, 0, sizeof(*hdr));
    hdr->pointer_size = hdr->time = hdr->pid = -1;
    hdr->rss = hdr->allocated_blocks = hdr->pymalloc_arenas = -1;
    hdr->pymalloc_arena_bytes = hdr->pymalloc_block_bytes = -1;
    return gen_object(g, "':'", header_member, hdr);
}

enum { K_ADDRESS = 1, K_TYPE = 2, K_SIZE = 4, K_REFS = 8 };

/* One "key": value member of a record. *seen collects required keys. */
static int
gen_member(gen_state *g, hs_record *rec, hs_u64vec *refs, size_t refs_start,
           unsigned *seen)
{
    const char *k = g->p->key.data;
    size_t kl = g->p->key.len;
#define KEY(s) (kl == sizeof(s) - 1 && memcmp(k, s, kl) == 0)
    if (KEY("address")) {
        *seen |= K_ADDRESS;
        return want_u64(g, "address", &rec->address);
    }
    if (KEY("type")) {
        *seen |= K_TYPE;
        HS_TRY(want_string(g, &g->p->type, "type"));
        rec->type = g->p->type.data;
        rec->type_len = g->p->type.len;
        return HS_OK;
    }
    if (KEY("size")) {
        *seen |= K_SIZE;
        return want_u64(g, "size", &rec->size);
    }
    if (KEY("refs")) {
        *seen |= K_REFS;
        return gen_refs(g, refs, refs_start);
    }
    if (KEY("len")) {
        uint64_t v;
        const char *at = g->s;
        HS_TRY(want_u64(g, "len", &v));
        if (v > INT64_MAX) {
            return fail(g, at, "\"%s\" is too large", "len");
        }
        rec->len = (int64_t)v;
        return HS_OK;
    }
    if (KEY("name")) {
        if (g->s + 4 <= g->end && memcmp(g->s, "null", 4) == 0) {
            g->s += 4;
            rec->name = NULL;
            return HS_OK;
        }
        HS_TRY(want_string(g, &g->p->name, "name"));
        rec->name = g->p->name.data;
        rec->name_len = g->p->name.len;
        return HS_OK;
    }
    if (KEY("value")) {
        return gen_value(g, rec);
    }
    if (KEY("unset_slots")) {
        return gen_unset_slots(g, rec);
    }
    if (KEY("tb")) {
        return want_id(g, "tb", &rec->tb);
    }
#undef KEY
    const char *why;
    if (!hs_json_skip_value(&g->s, g->end, &why)) {
        return fail(g, g->s, "%s", why);
    }
    return HS_OK;
}

static int
gen_missing(gen_state *g, unsigned seen)
{
    const char *what = !(seen & K_ADDRESS) ? "address"
                       : !(seen & K_TYPE) ? "type"
                       : !(seen & K_SIZE) ? "size" : "refs";
    return fail(g, g->line, "record has no \"%s\"", what);
}

static int
parse_general(hs_line_parser *p, const char *line, const char *end,
              hs_record *rec, hs_header *hdr, hs_u64vec *refs, hs_error *err)
{
    gen_state g = {p, line, line, end, err};
    size_t refs_start = refs->len;
    unsigned seen = 0;
    const char *first_key;
    int rc;
    record_clear(rec);
    g.s = hs_json_skip_ws(g.s, end);
    if (g.s == end) {
        return HS_LINE_SKIP;
    }
    if ((*g.s == '[' || *g.s == ']') && tail_ok(g.s + 1, end)) {
        return HS_LINE_SKIP; /* the JSON-array form's brackets */
    }
    if (*g.s != '{') {
        return fail(&g, g.s, "expected %s", "'{' to start a record");
    }
    g.s = hs_json_skip_ws(g.s + 1, end);
    first_key = g.s;
    if (g.s < end && *g.s == '}') {
        return fail(&g, g.s, "record has no \"%s\"", "address");
    }
    for (;;) {
        g.s = hs_json_skip_ws(g.s, end);
        if ((rc = want_string(&g, &p->key, "key")) < 0) {
            goto out;
        }
        if (p->key.len == 14 && memcmp(p->key.data, "heapscope_dump", 14) == 0) {
            g.s = first_key;
            refs->len = refs_start;
            if ((rc = gen_header(&g, hdr)) < 0) {
                goto out;
            }
            rc = HS_LINE_HEADER;
            goto tail;
        }
        bool frame = p->key.len == 15
                     && memcmp(p->key.data, "heapscope_frame", 15) == 0;
        if (frame || (p->key.len == 19
                      && memcmp(p->key.data, "heapscope_traceback", 19) == 0)) {
            g.s = first_key;
            refs->len = refs_start;
            if ((rc = gen_sites(&g, frame)) < 0) {
                goto out;
            }
            rc = HS_LINE_SITES;
            goto tail;
        }
        g.s = hs_json_skip_ws(g.s, end);
        if (g.s >= end || *g.s != ':') {
            rc = fail(&g, g.s, "expected %s", "':' after a key");
            goto out;
        }
        g.s = hs_json_skip_ws(g.s + 1, end);
        if ((rc = gen_member(&g, rec, refs, refs_start, &seen)) < 0) {
            goto out;
        }
        g.s = hs_json_skip_ws(g.s, end);
        if (g.s < end && *g.s == ',') {
            g.s++;
            continue;
        }
        if (g.s < end && *g.s == '}') {
            g.s++;
            break;
        }
        rc = fail(&g, g.s, "expected %s", "',' or '}'");
        goto out;
    }
    if (seen != (K_ADDRESS | K_TYPE | K_SIZE | K_REFS)) {
        rc = gen_missing(&g, seen);
        goto out;
    }
    rec->nrefs = refs->len - refs_start;
    rc = HS_LINE_RECORD;
tail:
    if (!tail_ok(g.s, end)) {
        rc = fail(&g, g.s, "expected %s", "the end of the line after '}'");
    }
out:
    if (rc < 0) {
        refs->len = refs_start;
    }
    return rc;
}

int
hs_line_parse(hs_line_parser *p, const char *line, size_t len,
              hs_record *rec, hs_header *hdr, hs_u64vec *refs, hs_error *err)
{
    const char *end = line + len;
    int rc = parse_fast(p, line, end, rec, refs);
    if (rc != 0) {
        return rc < 0 ? hs_error_set(err, rc, "out of memory") : HS_LINE_RECORD;
    }
    p->fallbacks++;
    return parse_general(p, line, end, rec, hdr, refs, err);
}
