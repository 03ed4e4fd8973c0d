/*
 * hs_repr.c - meliae's object repr and Python-style literals.
 *
 * meliae prints `dict(140549148320896 147544B 6000refs 1par 1.7Mtot)`:
 * type, address, size, then the optional parts of docs/format.md §4.8. meliae
 * shows what it stored through Python's repr, so on Python 3 every name
 * and value reads b'...'; heapscope prints ints bare, text as a
 * single-quoted str literal and only bytes-like values (bytes, and
 * Python 2's str) as b'...'.
 *
 * NOTE: about printability. Python's repr keeps printable non-ASCII
 * characters and escapes the rest, by Unicode category. We escape the
 * controls (C0, DEL, C1), the no-break and format characters a terminal
 * would hide (U+00A0, U+00AD, U+200B-U+200F, U+2028-U+202E, U+FEFF) and
 * keep everything else, which matches Python on every character a dump is
 * likely to hold without carrying the Unicode tables.
 */
#include "hs_repr.h"

#include "../util/hs_error.h"

#include <string.h>

/* Decodes one UTF-8 sequence at s[i..len); invalid bytes decode as
 * themselves, so every byte is consumed exactly once. */
static uint32_t
utf8_next(const unsigned char *s, size_t len, size_t *i)
{
    unsigned c = s[*i];
    size_t need;
    uint32_t cp;
    if (c < 0xc0 || c >= 0xf8) {
        (*i)++;
        return c;
    }
    need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
    cp = c & (0x3fu >> need);
    for (size_t k = 1; k <= need; k++) {
        if (*i + k >= len || (s[*i + k] & 0xc0) != 0x80) {
            (*i)++;
            return c;
        }
        cp = (cp << 6) | (s[*i + k] & 0x3fu);
    }
    *i += need + 1;
    return cp;
}

static bool
printable(uint32_t cp)
{
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0xa0) || cp == 0xad) {
        return false;
    }
    if ((cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e)
        || cp == 0xfeff) {
        return false;
    }
    return true;
}

/* Length of the longest prefix of s[0..len) of at most max bytes that
 * ends on a character boundary. */
static size_t
cut_utf8(const char *s, size_t len, size_t max)
{
    size_t n;
    if (max == 0 || len <= max) {
        return len;
    }
    n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80) {
        n--;
    }
    return n;
}

void
hs_buf_add_pystr(hs_buf *b, const char *s, size_t len, size_t max)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = cut_utf8(s, len, max);
    const char q = '\'';
    size_t i = 0;
    hs_buf_addc(b, q);
    while (i < n) {
        size_t start = i;
        uint32_t cp = utf8_next(u, n, &i);
        if (cp == (uint32_t)q || cp == '\\') {
            hs_buf_addc(b, '\\');
            hs_buf_addc(b, (char)cp);
        } else if (cp == '\n') {
            hs_buf_adds(b, "\\n");
        } else if (cp == '\r') {
            hs_buf_adds(b, "\\r");
        } else if (cp == '\t') {
            hs_buf_adds(b, "\\t");
        } else if (printable(cp)) {
            hs_buf_add(b, s + start, i - start);
        } else if (cp <= 0xff) {
            hs_buf_addf(b, "\\x%02x", (unsigned)cp);
        } else if (cp <= 0xffff) {
            hs_buf_addf(b, "\\u%04x", (unsigned)cp);
        } else {
            hs_buf_addf(b, "\\U%08x", (unsigned)cp);
        }
    }
    hs_buf_addc(b, q);
    if (n < len) {
        hs_buf_adds(b, "...");
    }
}

void
hs_buf_add_pybytes(hs_buf *b, const char *s, size_t len, size_t max,
                   bool prefix)
{
    size_t n = (max && len > max) ? max : len;
    const char q = '\'';
    if (prefix) {
        hs_buf_addc(b, 'b');
    }
    hs_buf_addc(b, q);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == (unsigned char)q || c == '\\') {
            hs_buf_addc(b, '\\');
            hs_buf_addc(b, (char)c);
        } else if (c == '\n') {
            hs_buf_adds(b, "\\n");
        } else if (c == '\r') {
            hs_buf_adds(b, "\\r");
        } else if (c == '\t') {
            hs_buf_adds(b, "\\t");
        } else if (c < 0x20 || c >= 0x7f) {
            hs_buf_addf(b, "\\x%02x", (unsigned)c);
        } else {
            hs_buf_addc(b, (char)c);
        }
    }
    hs_buf_addc(b, q);
    if (n < len) {
        hs_buf_adds(b, "...");
    }
}

bool
hs_type_is(const hs_graph *g, uint32_t id, const char *name)
{
    size_t len;
    const char *t;
    if (g->type[id] == UINT32_MAX) { /* a phantom: no record, no type */
        return false;
    }
    t = hs_strtab_get(&g->types, g->type[id], &len);
    return strlen(name) == len && memcmp(t, name, len) == 0;
}

bool
hs_buf_add_value(hs_buf *b, const hs_graph *g, uint32_t id, size_t max)
{
    size_t len;
    hs_value_kind kind;
    const char *s = hs_node_value(g, id, &len, &kind);
    if (s && kind == HS_VALUE_INT) {
        hs_buf_add(b, s, len);
    } else if (s && kind == HS_VALUE_BYTES) {
        hs_buf_add_pybytes(b, s, len, max, true);
    } else if (s) {
        hs_buf_add_pystr(b, s, len, max);
    } else if ((s = hs_node_name(g, id, &len)) != NULL) {
        hs_buf_add_pystr(b, s, len, max);
    } else {
        return false;
    }
    return true;
}

/* meliae's total: one decimal and a unit, stepping by 1024 past 800. */
static void
add_total(hs_buf *b, uint64_t total)
{
    static const char units[] = "BKMG";
    double t = (double)total;
    int unit = 0;
    while (t > 800.0 && unit < 3) {
        t /= 1024.0;
        unit++;
    }
    hs_buf_addf(b, " %.1f%ctot", t, units[unit]);
}

void
hs_buf_add_repr(hs_buf *b, const hs_graph *g, uint32_t id, uint64_t total,
                size_t max_value)
{
    size_t len;
    uint64_t nrefs, npar = 0;
    const char *type = hs_strtab_get(&g->types, g->type[id], &len);
    hs_buf_add(b, type, len);
    hs_buf_addc(b, '(');
    hs_buf_add_u64(b, g->addr[id]);
    hs_buf_addc(b, ' ');
    hs_buf_add_u64(b, hs_size_of(g, id));
    hs_buf_addc(b, 'B');
    hs_node_children(g, id, &nrefs);
    if (nrefs) {
        hs_buf_addf(b, " %lluref%s", (unsigned long long)nrefs, "s");
    }
    hs_node_parents(g, id, &npar);
    if (npar) {
        hs_buf_addf(b, " %llupar", (unsigned long long)npar);
    }
    if (g->flags[id] & (HS_NODE_NAME | HS_NODE_KIND_MASK)) {
        hs_buf_addc(b, ' ');
        hs_buf_add_value(b, g, id, max_value);
    }
    if (total) {
        add_total(b, total);
    }
    hs_buf_addc(b, ')');
}

char *
hs_node_repr(const hs_graph *g, uint32_t id, uint64_t total_size,
             size_t max_value, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    char *out;
    if (id >= g->n || !hs_live(g, id)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    hs_buf_add_repr(&b, g, id, total_size, max_value);
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
