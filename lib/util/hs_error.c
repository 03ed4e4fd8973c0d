/*
 * hs_error.c - error descriptions and status names.
 */
#include "hs_error.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *
hs_strerror(int code)
{
    switch (code) {
    case HS_OK: return "success";
    case HS_ENOMEM: return "out of memory";
    case HS_EIO: return "input/output error";
    case HS_EPARSE: return "malformed dump line";
    case HS_ELIMIT: return "limit exceeded";
    case HS_EINVAL: return "invalid argument";
    case HS_ENOTFOUND: return "not found";
    case HS_ECORRUPT: return "corrupt data";
    case HS_EUNSUPPORTED: return "unsupported";
    default: return "unknown error";
    }
}

const char *
hs_version(void)
{
    return HS_VERSION_STRING;
}

int
hs_error_set(hs_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->code = code;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof(err->message), fmt, ap);
        va_end(ap);
    }
    return code;
}

void
hs_error_at(hs_error *err, uint64_t line, uint64_t column, uint64_t offset)
{
    if (err) {
        err->line = line;
        err->column = column;
        err->offset = offset;
    }
}

void
hs_error_path(hs_error *err, const char *path)
{
    if (err) {
        snprintf(err->path, sizeof(err->path), "%s", path ? path : "");
    }
}

void
hs_error_clear(hs_error *err)
{
    if (err) {
        memset(err, 0, sizeof(*err));
    }
}

_Noreturn void
hs_bug(const char *file, int line, const char *msg)
{
    /* The one place lib/ may abort: an internal invariant is broken, so
     * continuing would give wrong answers. Never reached on bad input. */
    fprintf(stderr, "heapscope: BUG: %s:%d: %s\n", file, line, msg);
    abort();
}
