/*
 * cli/cli_msg.c - messages, dying on out of memory, peak memory (see
 * cli_msg.h).
 */
#include "cli_msg.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

const char *cli_command = "";

static void
message(const char *kind, const char *fmt, va_list ap)
{
    fprintf(stderr, "heapscope %s: %s: ", cli_command, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

void
cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("error", fmt, ap);
    va_end(ap);
}

void
cli_warning(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("warning", fmt, ap);
    va_end(ap);
}

int
cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    message("error", fmt, ap);
    va_end(ap);
    fprintf(stderr, "Try 'heapscope %s --help'.\n", cli_command);
    return HS_EXIT_USAGE;
}

/* "path:line:col: " for a located error, "path: " otherwise. */
static void
location(char *buf, size_t size, const hs_error *e)
{
    if (e->line && e->column) {
        snprintf(buf, size, "%s:%llu:%llu: ", e->path,
                 (unsigned long long)e->line, (unsigned long long)e->column);
    } else if (e->line) {
        snprintf(buf, size, "%s:%llu: ", e->path, (unsigned long long)e->line);
    } else if (e->path[0]) {
        snprintf(buf, size, "%s: ", e->path);
    } else {
        buf[0] = '\0';
    }
}

void
cli_lib_error(const hs_error *err)
{
    char where[600];
    location(where, sizeof(where), err);
    cli_error("%s%s", where, err->message[0] ? err->message
                                              : hs_strerror(err->code));
}

void
cli_lib_warning(const hs_error *w)
{
    char where[600];
    location(where, sizeof(where), w);
    cli_warning("%s%s", where, w->message);
}

void
cli_die_oom(void)
{
    fprintf(stderr, "heapscope: out of memory\n");
    exit(HS_EXIT_FAILURE);
}

void *
cli_check_alloc(void *p)
{
    if (!p) {
        cli_die_oom();
    }
    return p;
}

void *
xmalloc(size_t size)
{
    return cli_check_alloc(malloc(size ? size : 1));
}

uint64_t
cli_peak_rss(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) {
        return 0;
    }
    return (uint64_t)ru.ru_maxrss * 1024;
}
