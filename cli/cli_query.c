/*
 * cli/cli_query.c - the SQL session of `query` and `export`.
 */
#include "cli_query.h"

#include "cli_rows.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A script larger than this is no query someone wrote. */
#define SQL_MAX (16u << 20)

/* The session Ctrl-C stops. hs_query_interrupt only sets flags, so it is
 * safe in a signal handler. */
static hs_query *volatile interruptible;

static void
on_sigint(int sig)
{
    (void)sig;
    if (interruptible) {
        hs_query_interrupt(interruptible);
    }
}

bool
cli_query_open(cli_query *cq, char **paths, size_t n, cli_load *l)
{
    hs_error err;
    struct sigaction sa;
    memset(cq, 0, sizeof(*cq));
    cq->graphs = cli_check_alloc(calloc(n, sizeof(*cq->graphs)));
    for (size_t i = 0; i < n; i++) {
        if (!(cq->graphs[i] = cli_load_dump(paths[i], l))) {
            cli_query_close(cq);
            return false;
        }
        cq->n++;
    }
    cq->q = hs_query_new((const hs_graph *const *)cq->graphs,
                         (const char *const *)paths, n, &err);
    if (!cq->q) {
        cli_lib_error(&err);
        cli_query_close(cq);
        return false;
    }
    interruptible = cq->q;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    return true;
}

void
cli_query_close(cli_query *cq)
{
    if (interruptible) {
        signal(SIGINT, SIG_DFL);
        interruptible = NULL;
    }
    hs_query_free(cq->q);
    for (size_t i = 0; i < cq->n; i++) {
        hs_graph_free(cq->graphs[i]);
    }
    free(cq->graphs);
    memset(cq, 0, sizeof(*cq));
}

bool
cli_query_read_sql(const char *path, char **out, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    char *buf = cli_check_alloc(malloc(SQL_MAX + 1));
    size_t n;
    if (!f) {
        cli_error("%s: cannot open: %s", path, strerror(errno));
        free(buf);
        return false;
    }
    n = fread(buf, 1, SQL_MAX + 1, f);
    if (ferror(f) || n > SQL_MAX) {
        cli_error("%s: %s", path, ferror(f) ? strerror(errno)
                                            : "longer than 16 MiB of SQL");
        n = SQL_MAX + 1;
    }
    if (f != stdin) {
        fclose(f);
    }
    if (n > SQL_MAX) {
        free(buf);
        return false;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return true;
}

/* "NAME:LINE:COL: message" for the byte offset of the script. */
static void
where(const char *name, const char *sql, size_t offset, const hs_error *e,
      char *why, size_t size)
{
    size_t line = 1, col = 1;
    if (e->offset == UINT64_MAX) {
        snprintf(why, size, "%s: %s", name, e->message);
        return;
    }
    for (size_t i = 0; i < offset; i++) {
        if (sql[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)sql[i] & 0xC0) != 0x80) {
            col++;
        }
    }
    snprintf(why, size, "%s:%zu:%zu: %s", name, line, col, e->message);
}

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --timer: what one statement cost, on stderr (after its rows). */
static void
report_time(hs_query *q, size_t n, double start, uint64_t rows_before)
{
    uint64_t rows = hs_query_rows_read(q) - rows_before;
    fflush(stdout);
    fprintf(stderr, "heapscope %s: statement %zu: %.3f ms, %llu row%s read "
            "from the tables\n", cli_command, n, (now() - start) * 1000,
            (unsigned long long)rows, cli_s(rows));
}

bool
cli_query_run(hs_query *q, const char *name, const char *sql, size_t len,
              cli_format format, FILE *out, bool timer, char *why,
              size_t size)
{
    size_t at = 0, used, n = 0;
    bool first = true;
    while (at < len) {
        hs_query_stmt *st;
        hs_error err = {0};
        double start = now();
        uint64_t rows = hs_query_rows_read(q);
        int rc = hs_query_prepare(q, sql + at, len - at, &used, &st, &err);
        if (rc < 0) {
            where(name, sql, at + (size_t)err.offset, &err, why, size);
            return false;
        }
        if (!st) {
            break; /* only blanks and comments were left */
        }
        rc = cli_rows_print(st, format, first, out, &err);
        hs_query_stmt_free(st);
        if (rc < 0) {
            where(name, sql, at, &err, why, size);
            return false;
        }
        if (timer) {
            report_time(q, ++n, start, rows);
        }
        first = false;
        at += used;
    }
    return true;
}
