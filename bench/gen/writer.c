/*
 * writer.c: the generator's state and its output: JSON escaping as
 * meliae writes it, and a unit's lines staged, then written in reverse.
 */
#include "gen.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * Small utilities: dying allocation, the random generator, growable u64
 * arrays.  A generator may exit on failure; it is not library code.
 * --------------------------------------------------------------------- */

void
die(const char *what)
{
    fprintf(stderr, "gen_dump: error: %s\n", what);
    exit(1);
}

void *
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

void
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

uint64_t
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
uint64_t
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

void
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

void
put(gen *g, const char *s, size_t n)
{
    stage_reserve(g, n);
    memcpy(g->stage + g->stage_len, s, n);
    g->stage_len += n;
}


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

void
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
void
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
unsigned
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
void
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
void
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

void
rec_name(gen *g, const char *name)
{
    PUT_LIT(g, ", \"name\": ");
    put_cstring(g, (const unsigned char *)name, strlen(name));
}

void
rec_len(gen *g, uint64_t len)
{
    PUT_LIT(g, ", \"len\": ");
    put_u64(g, len);
}

/* The tail: , "refs": [...]}\n.  Ends the record and counts it. */
void
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
void
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

