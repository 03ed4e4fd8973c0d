/*
 * hs_sniff.c - what a file that holds no dump record looks like.
 *
 * Only magic numbers that a user could plausibly pass by mistake are
 * named: other compressors, archives, other heap-dump formats, pickles.
 * Everything else is called text or binary data by its bytes, and the
 * bytes shown are escaped, since the message goes to a terminal.
 */
#include "hs_sniff.h"

#include <stdio.h>
#include <string.h>

typedef struct magic {
    const char *bytes;
    size_t len;
    const char *what;
} magic;

static const magic MAGICS[] = {
    {"\xfd" "7zXZ\0", 6, "xz-compressed data (heapscope reads plain, gzip, "
                         "bzip2 and zstd dumps: unpack it with xz -d)"},
    {"\x04\x22\x4d\x18", 4, "lz4-compressed data (unpack it with lz4 -d)"},
    {"PK\x03\x04", 4, "a zip archive (unpack it first)"},
    {"7z\xbc\xaf\x27\x1c", 6, "a 7-zip archive (unpack it first)"},
    {"JAVA PROFILE ", 13, "a Java HPROF heap dump, not a Python one"},
    {"\x7f" "ELF", 4, "an ELF binary or core file"},
    {"\x89PNG", 4, "a PNG image"},
    {"%PDF", 4, "a PDF document"},
    {"SQLite format 3", 15, "an SQLite database"},
};

static void
show_bytes(const unsigned char *p, size_t n, char *out, size_t size)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < size; i++) {
        unsigned char c = p[i];
        if (c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = (char)c;
        } else if (c >= 0x20 && c < 0x7f) {
            out[o++] = (char)c;
        } else {
            o += (size_t)snprintf(out + o, size - o, "\\x%02x", c);
        }
    }
    out[o < size ? o : size - 1] = '\0';
}

int
hs_sniff_blank(const unsigned char *head, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!strchr(" \t\r\n", head[i]) || head[i] == '\0') {
            return 0;
        }
    }
    return 1;
}

void
hs_sniff_describe(const unsigned char *head, size_t len, char *out,
                  size_t size)
{
    char shown[4 * 24 + 1];
    size_t text = 0, n = len < 24 ? len : 24;
    const unsigned char *s = head, *end = head + len;
    for (size_t i = 0; i < sizeof(MAGICS) / sizeof(MAGICS[0]); i++) {
        if (len >= MAGICS[i].len
            && memcmp(head, MAGICS[i].bytes, MAGICS[i].len) == 0) {
            snprintf(out, size, "%s", MAGICS[i].what);
            return;
        }
    }
    /* Pickle protocols 2-5 open with PROTO (0x80) and the version. */
    if (len >= 2 && head[0] == 0x80 && head[1] >= 2 && head[1] <= 5) {
        snprintf(out, size, "a Python pickle (protocol %d), not a dump",
                 head[1]);
        return;
    }
    for (size_t i = 0; i < len; i++) {
        text += head[i] >= 0x20
                || (head[i] && strchr("\t\r\n", head[i])) ? 1 : 0;
    }
    show_bytes(head, n, shown, sizeof(shown));
    if (text < len) {
        snprintf(out, size, "binary data, starting \"%s\"", shown);
        return;
    }
    while (s < end && strchr(" \t\r\n", *s)) {
        s++;
    }
    if (s < end && *s == '[') {
        snprintf(out, size, "a JSON array (a dump has one JSON object per "
                 "line), starting \"%s\"", shown);
    } else if (memchr(head, '\r', len) && !memchr(head, '\n', len)) {
        snprintf(out, size, "text whose lines end with CR alone (convert "
                 "them: tr '\\r' '\\n'), starting \"%s\"", shown);
    } else {
        snprintf(out, size, "text with no meliae record, starting \"%s\"",
                 shown);
    }
}
