/*
 * hs_record.c - formats one dump record, field by field, straight into the
 * writer's buffer (docs/format.md 1.1, 1.3 and 6).
 *
 * Every field reserves its worst case before formatting: a text value is
 * at most 100 code points of at most 12 bytes each ("\ud835\udccf"), so a
 * string full of astral characters cannot overflow anything (meliae's
 * scanner smashes its 1 KiB stack buffer on exactly that input).
 *
 * Escaping rules, shared with meliae so old tools read our dumps:
 *   text (str values, names): `\`, `/` and `"` get a backslash; code points
 *     <= 0x1f or >= 0x7f become \uXXXX; astral ones a surrogate pair.
 *   bytes: the same three get a backslash; bytes outside 0x20-0x7e become
 *     \u00XX, one escape per byte.
 * Type and module names are C strings in UTF-8; they are decoded and
 * written as text (no mojibake), with undecodable bytes kept as \u00XX.
 */
#include "hs_dumper.h"

#include <string.h>

static const char hexdigits[] = "0123456789abcdef";

static inline char *
put_u64(char *p, unsigned long long v)
{
    char tmp[20];
    int n = 0;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n) {
        *p++ = tmp[--n];
    }
    return p;
}

static inline char *
put_escape(char *p, unsigned cp)
{
    p[0] = '\\';
    p[1] = 'u';
    p[2] = hexdigits[(cp >> 12) & 15];
    p[3] = hexdigits[(cp >> 8) & 15];
    p[4] = hexdigits[(cp >> 4) & 15];
    p[5] = hexdigits[cp & 15];
    return p + 6;
}

/* Appends one code point as JSON text. At most 12 bytes. */
static inline char *
put_codepoint(char *p, Py_UCS4 cp)
{
    if (cp == '\\' || cp == '/' || cp == '"') {
        *p++ = '\\';
        *p++ = (char)cp;
    }
    else if (cp >= 0x20 && cp < 0x7f) {
        *p++ = (char)cp;
    }
    else if (cp > 0xffff) {
        cp -= 0x10000;
        p = put_escape(p, 0xd800 + (cp >> 10));
        p = put_escape(p, 0xdc00 + (cp & 0x3ff));
    }
    else {
        p = put_escape(p, cp);
    }
    return p;
}

static inline char *
reserve(hs_record *r, size_t n)
{
    return hs_writer_reserve(r->w, n);
}

void
hs_record_raw(hs_writer *w, const char *s, size_t n)
{
    char *p = hs_writer_reserve(w, n);

    if (p != NULL) {
        memcpy(p, s, n);
        hs_writer_commit(w, n);
    }
}

static void
begin(hs_record *r, hs_writer *w, uintptr_t address)
{
    char *p;

    r->w = w;
    r->nrefs = 0;
    r->nunset = 0;
    p = reserve(r, 64);
    if (p == NULL) {
        return;
    }
    memcpy(p, "{\"address\": ", 12);
    p = put_u64(p + 12, (unsigned long long)address);
    memcpy(p, ", \"type\": ", 10);
    hs_writer_commit(w, (size_t)(p + 10 - (w->buf + w->len)));
}

static void
size_field(hs_record *r, Py_ssize_t size)
{
    hs_record_key(r, "size");
    hs_record_int(r, size);
}

void
hs_record_begin(hs_record *r, hs_writer *w, uintptr_t address,
                PyTypeObject *type, Py_ssize_t size)
{
    begin(r, w, address);
    hs_record_utf8(r, type->tp_name);
    size_field(r, size);
}

void
hs_record_begin_named(hs_record *r, hs_writer *w, uintptr_t address,
                      const char *type_utf8, Py_ssize_t size)
{
    begin(r, w, address);
    hs_record_utf8(r, type_utf8);
    size_field(r, size);
}

void
hs_record_key(hs_record *r, const char *key)
{
    size_t n = strlen(key);
    char *p = reserve(r, n + 6);

    if (p == NULL) {
        return;
    }
    p[0] = ',';
    p[1] = ' ';
    p[2] = '"';
    memcpy(p + 3, key, n);
    p[3 + n] = '"';
    p[4 + n] = ':';
    p[5 + n] = ' ';
    hs_writer_commit(r->w, n + 6);
}

void
hs_record_str(hs_record *r, PyObject *unicode)
{
    Py_ssize_t n, i;
    int kind;
    const void *data;
    char *p, *start;

    p = start = reserve(r, HS_TEXT_LIMIT * 12 + 2);
    if (p == NULL) {
        return;
    }
#if PY_VERSION_HEX < 0x030C0000
    /* A legacy string built by the deprecated wstr APIs and never made
     * ready has no canonical data; readying it would allocate. */
    if (!PyUnicode_IS_READY(unicode)) {
        memcpy(p, "\"\"", 2);
        hs_writer_commit(r->w, 2);
        return;
    }
#endif
    n = PyUnicode_GET_LENGTH(unicode);
    kind = PyUnicode_KIND(unicode);
    data = PyUnicode_DATA(unicode);
    if (n > HS_TEXT_LIMIT) {
        n = HS_TEXT_LIMIT;
    }
    *p++ = '"';
    for (i = 0; i < n; i++) {
        p = put_codepoint(p, PyUnicode_READ(kind, data, i));
    }
    *p++ = '"';
    hs_writer_commit(r->w, (size_t)(p - start));
}

/* The whole of a str, as a JSON string, in chunks that each fit one
 * reservation: for file names, which must not be cut at 100 code points
 * (docs/format.md §7). An unready legacy string is written as "". */
void
hs_record_str_full(hs_writer *w, PyObject *unicode)
{
    enum { CHUNK = HS_WRITER_MAX_RESERVE / 12 - 1 };
    Py_ssize_t n = 0, i = 0;
    int kind = 0;
    const void *data = NULL;

#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_IS_READY(unicode))
#endif
    {
        n = PyUnicode_GET_LENGTH(unicode);
        kind = PyUnicode_KIND(unicode);
        data = PyUnicode_DATA(unicode);
    }
    hs_record_raw(w, "\"", 1);
    while (i < n) {
        Py_ssize_t stop = n - i > CHUNK ? i + CHUNK : n;
        char *p = hs_writer_reserve(w, CHUNK * 12), *start = p;
        if (p == NULL) {
            return;
        }
        for (; i < stop; i++) {
            p = put_codepoint(p, PyUnicode_READ(kind, data, i));
        }
        hs_writer_commit(w, (size_t)(p - start));
    }
    hs_record_raw(w, "\"", 1);
}

/* Decodes one UTF-8 sequence at s; returns its length, or 0 if invalid. */
static int
utf8_decode(const unsigned char *s, Py_UCS4 *cp)
{
    Py_UCS4 c = s[0];
    int n, i;

    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
        c &= 0x1f;
    }
    else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        c &= 0x0f;
    }
    else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        c &= 0x07;
    }
    else {
        return 0;
    }
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80) {
            return 0;
        }
        c = (c << 6) | (s[i] & 0x3f);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10ffff))
        || (c >= 0xd800 && c <= 0xdfff)) {
        return 0;
    }
    *cp = c;
    return n;
}

void
hs_record_utf8(hs_record *r, const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    char *p, *start;
    int count = 0;

    p = start = reserve(r, HS_TEXT_LIMIT * 12 + 2);
    if (p == NULL) {
        return;
    }
    *p++ = '"';
    while (*u && count < HS_TEXT_LIMIT) {
        Py_UCS4 cp;
        int n = utf8_decode(u, &cp);
        if (n == 0) {
            cp = *u;   /* keep a stray byte as U+00XX */
            n = 1;
        }
        p = put_codepoint(p, cp);
        u += n;
        count++;
    }
    *p++ = '"';
    hs_writer_commit(r->w, (size_t)(p - start));
}

void
hs_record_bytes(hs_record *r, const char *s, Py_ssize_t n)
{
    char *p, *start;
    Py_ssize_t i;

    p = start = reserve(r, HS_TEXT_LIMIT * 6 + 2);
    if (p == NULL) {
        return;
    }
    if (n > HS_TEXT_LIMIT) {
        n = HS_TEXT_LIMIT;
    }
    *p++ = '"';
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\\' || c == '/' || c == '"') {
            *p++ = '\\';
            *p++ = (char)c;
        }
        else if (c >= 0x20 && c <= 0x7e) {
            *p++ = (char)c;
        }
        else {
            p = put_escape(p, c);
        }
    }
    *p++ = '"';
    hs_writer_commit(r->w, (size_t)(p - start));
}

void
hs_record_ascii(hs_record *r, const char *s)
{
    hs_record_bytes(r, s, (Py_ssize_t)strlen(s));
}

void
hs_record_int(hs_record *r, long long v)
{
    char *p = reserve(r, 24), *start = p;

    if (p == NULL) {
        return;
    }
    if (v < 0) {
        *p++ = '-';
        p = put_u64(p, 0ull - (unsigned long long)v);
    }
    else {
        p = put_u64(p, (unsigned long long)v);
    }
    hs_writer_commit(r->w, (size_t)(p - start));
}

void
hs_record_uint(hs_record *r, unsigned long long v)
{
    char *p = reserve(r, 24), *start = p;

    if (p == NULL) {
        return;
    }
    p = put_u64(p, v);
    hs_writer_commit(r->w, (size_t)(p - start));
}

void
hs_record_refs_begin(hs_record *r)
{
    hs_record_raw(r->w, ", \"refs\": [", 11);
}

void
hs_record_ref(hs_record *r, uintptr_t address)
{
    char *p = reserve(r, 24), *start = p;

    if (p == NULL) {
        return;
    }
    if (r->nrefs++) {
        *p++ = ',';
        *p++ = ' ';
    }
    p = put_u64(p, (unsigned long long)address);
    hs_writer_commit(r->w, (size_t)(p - start));
}

void
hs_record_unset_slot(hs_record *r, unsigned long long pos)
{
    char *p, *start;

    if (r->nunset++ == 0) {
        hs_record_raw(r->w, "], \"unset_slots\": [", 19);
    }
    else {
        hs_record_raw(r->w, ", ", 2);
    }
    p = start = reserve(r, 24);
    if (p == NULL) {
        return;
    }
    p = put_u64(p, pos);
    hs_writer_commit(r->w, (size_t)(p - start));
}

/* Both lists a record can end with (refs, unset_slots) close with ']'. */
void
hs_record_end(hs_record *r)
{
    hs_record_raw(r->w, "]}\n", 3);
}
