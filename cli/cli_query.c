/*
 * cli/cli_query.c - the SQL session of `query` and `export`.
 */
#include "cli_query.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
