/*
 * cli/explore_pager.c - the explorer's pager and its terminal handling.
 *
 * Output longer than the screen is shown a screen at a time, with a
 * "more" line that waits for one key. Reading one key needs the terminal
 * in raw mode (no echo, no line buffering), so, as kilo does it:
 *  - raw mode is entered only after isatty() says there is a terminal;
 *  - the original settings are saved once and restored right after the
 *    key, at exit (atexit) and on fatal signals (the handler restores,
 *    then re-raises with the default action), so a crash or a Ctrl-C
 *    never leaves the terminal raw;
 *  - each frame (a screen of lines and the status line) is built in an
 *    append buffer and written with one write(), so it never flickers.
 * No curses: a few VT100 sequences ("\r", erase line) are all it needs.
 */
#include "explore.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"

static struct termios saved;
static volatile sig_atomic_t saved_ok, raw_on;

static void
restore_terminal(void)
{
    if (raw_on) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        raw_on = 0;
    }
}

static void
on_fatal_signal(int sig)
{
    restore_terminal(); /* tcsetattr is async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Saves the settings and installs the restorers, once. */
static bool
save_terminal(void)
{
    static const int fatal[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV,
                                SIGABRT};
    if (saved_ok) {
        return true;
    }
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &saved) != 0) {
        return false;
    }
    saved_ok = 1;
    atexit(restore_terminal);
    for (size_t i = 0; i < sizeof(fatal) / sizeof(fatal[0]); i++) {
        signal(fatal[i], on_fatal_signal);
    }
    return true;
}

/* Writes all of data to the terminal. */
static void
write_all(const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(STDOUT_FILENO, data + done, len - done);
        if (n <= 0) {
            break;
        }
        done += (size_t)n;
    }
}

int
explore_read_key(const char *frame, size_t len)
{
    struct termios raw;
    unsigned char c;
    ssize_t n;
    if (!save_terminal()) {
        return -1;
    }
    raw = saved;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN);
    raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    /* Raw before the frame shows, so a key typed as soon as it appears
     * is neither echoed nor lost (TCSANOW: keys typed ahead are kept). */
    if (tcsetattr(STDIN_FILENO, TCSANOW, &raw) != 0) {
        return -1;
    }
    raw_on = 1;
    fflush(stdout);
    write_all(frame, len);
    n = read(STDIN_FILENO, &c, 1);
    restore_terminal();
    return n == 1 ? c : -1;
}

/* An append buffer: a frame is built here, then written at once. */
typedef struct abuf {
    char *data;
    size_t len, alloc;
} abuf;

static void
ab_add(abuf *ab, const char *s, size_t len)
{
    if (ab->len + len > ab->alloc) {
        ab->alloc = (ab->len + len) * 2;
        ab->data = cli_check_alloc(realloc(ab->data, ab->alloc));
    }
    memcpy(ab->data + ab->len, s, len);
    ab->len += len;
}

static void
ab_flush(abuf *ab)
{
    fflush(stdout);
    write_all(ab->data, ab->len);
    ab->len = 0;
}

static size_t
screen_rows(void)
{
    struct winsize ws;
    if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 2) {
        return ws.ws_row;
    }
    return 24;
}

/* The end of the line that starts at s (past its newline). */
static const char *
line_end(const char *s, const char *end)
{
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    return nl ? nl + 1 : end;
}

static size_t
count_lines(const char *s, const char *end)
{
    size_t n = 0;
    while (s < end) {
        s = line_end(s, end);
        n++;
    }
    return n;
}

void
explore_page(const explore *x, const char *text, size_t len)
{
    const char *p = text, *end = text + len;
    size_t rows = screen_rows(), left = count_lines(text, end), step;
    abuf ab = {NULL, 0, 0};
    if (!x->tty || left < rows) {
        fwrite(text, 1, len, stdout);
        fflush(stdout);
        return;
    }
    step = rows - 1;
    while (p < end) {
        char status[96];
        int key;
        for (size_t i = 0; i < step && p < end; i++, left--) {
            const char *e = line_end(p, end);
            ab_add(&ab, p, (size_t)(e - p));
            p = e;
        }
        if (p >= end) {
            break;
        }
        snprintf(status, sizeof(status),
                 "\x1b[7m-- more: %zu lines (space: page, enter: line, "
                 "q: stop) --\x1b[0m", left);
        ab_add(&ab, status, strlen(status));
        key = explore_read_key(ab.data, ab.len); /* writes the frame */
        ab.len = 0;
        ab_add(&ab, "\r\x1b[K", 4); /* erase the status line */
        if (key == 'q' || key == 'Q' || key < 0 || key == 3) {
            break;
        }
        step = key == '\r' || key == '\n' ? 1 : rows - 1;
    }
    ab_flush(&ab);
    free(ab.data);
}
