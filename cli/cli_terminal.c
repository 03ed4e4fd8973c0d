/*
 * cli/cli_terminal.c - the stdout filter (see cli_terminal.h).
 *
 * Built on glibc's fopencookie: the FILE buffers as usual and hands each
 * full buffer to guard_write, which copies runs of safe bytes through
 * and escapes the rest. A UTF-8 lead byte 0xC2 at the end of one buffer
 * is held back until the next shows whether a C1 control follows.
 */
#include "cli_terminal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

static FILE *real_stdout;
static bool held_c2; /* a 0xC2 byte not yet written */

static int
put(const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(STDOUT_FILENO, p, n);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static bool
is_control(unsigned char c)
{
    return (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f;
}

static int
put_escaped(unsigned char c)
{
    static const char hex[] = "0123456789abcdef";
    char e[4] = {'\\', 'x', hex[c >> 4], hex[c & 15]};
    return put(e, 4);
}

static ssize_t
guard_write(void *cookie, const char *buf, size_t len)
{
    const unsigned char *p = (const unsigned char *)buf;
    size_t i = 0, run = 0;
    (void)cookie;
    if (held_c2 && len > 0) {
        held_c2 = false;
        if (p[0] >= 0x80 && p[0] <= 0x9f) { /* U+0080..U+009F: C1 */
            if (put_escaped(0xc2) < 0 || put_escaped(p[0]) < 0) {
                return -1;
            }
            i = run = 1;
        } else if (put("\xc2", 1) < 0) {
            return -1;
        }
    }
    for (; i < len; i++) {
        unsigned char c = p[i];
        bool c1 = c == 0xc2 && (i + 1 == len
                                || (p[i + 1] >= 0x80 && p[i + 1] <= 0x9f));
        if (!is_control(c) && !c1) {
            continue;
        }
        if (put(buf + run, i - run) < 0) {
            return -1;
        }
        if (c1 && i + 1 == len) {
            held_c2 = true; /* the next buffer decides */
        } else if (c1) {
            if (put_escaped(c) < 0 || put_escaped(p[i + 1]) < 0) {
                return -1;
            }
            i++;
        } else if (put_escaped(c) < 0) {
            return -1;
        }
        run = i + 1;
    }
    if (put(buf + run, len - run) < 0) {
        return -1;
    }
    return (ssize_t)len;
}

static int
guard_close(void *cookie)
{
    (void)cookie;
    if (held_c2) {
        held_c2 = false;
        return put("\xc2", 1);
    }
    return 0;
}

void
cli_terminal_guard(void)
{
    cookie_io_functions_t io = {NULL, guard_write, NULL, guard_close};
    FILE *f = fopencookie(NULL, "w", io);
    if (!f) {
        return; /* out of memory this early: print unfiltered */
    }
    setvbuf(f, NULL, isatty(STDOUT_FILENO) ? _IOLBF : _IOFBF, 1 << 16);
    real_stdout = stdout;
    stdout = f;
}

int
cli_terminal_raw(void)
{
    int rc = 0;
    if (real_stdout) {
        FILE *f = stdout;
        rc = fflush(f) != 0 || ferror(f) ? EOF : 0;
        if (rc == 0 && held_c2) {
            held_c2 = false;
            rc = fputc(0xc2, real_stdout) == EOF ? EOF : 0;
        }
        stdout = real_stdout;
        real_stdout = NULL;
        if (rc == 0) {
            int saved = errno;
            fclose(f); /* nothing left to write: cannot fail */
            errno = saved;
        }
    }
    return rc;
}

FILE *
cli_terminal_stream(void)
{
    return real_stdout ? real_stdout : stdout;
}
