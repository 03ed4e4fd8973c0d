/*
 * cli_leak_gate.c - known suspects and the build's verdict.
 *
 * A build fails on growth only when the evidence says leak: a suspect
 * whose retained object count rose in every interval of three dumps or
 * more (HS_LEAK_GROWS), by at least min_growth objects in each. Why a
 * floor: an interpreter warms up for a long time (interned strs, the
 * type cache, lazily imported modules, re's compile cache, linecache),
 * and such caches can add a few objects at every dump of a steady
 * program; a leak that a test run exercises adds one or more objects per
 * request, and a run between two dumps makes dozens of requests or more.
 * The default, CLI_MIN_GROWTH_DEFAULT (10 objects an interval), sits
 * between the two; --min-growth moves it (1 fails on any sustained
 * growth). And the growth must keep its pace: the smallest rise of an
 * interval at least 1/KEEPS_PACE of the largest. A table that fills
 * after the first dump (+300 objects) and then drifts as its sharing
 * with other objects changes (+15) rises at every dump, but it is not
 * collecting; a leak's rises follow the work done between dumps, which
 * a test run keeps within a factor of a few (dumps after 1 and then 10
 * more minutes of the same load still pass at a factor of 10).
 * Nothing that grew in some intervals only, or over two dumps, fails a
 * build: that is not yet evidence.
 *
 * Known suspects (--ignore, --baseline) are dropped before the verdict
 * and from the report.
 */
#include "cli_leak_gate.h"

#include "cli.h"

#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SIGNATURE 8192
#define KEEPS_PACE 10 /* see the essay */

void
cli_leak_gate_init(cli_leak_gate *g)
{
    memset(g, 0, sizeof(*g));
    g->min_growth = CLI_MIN_GROWTH_DEFAULT;
}

void
cli_leak_gate_release(cli_leak_gate *g)
{
    for (size_t i = 0; i < g->nbaseline; i++) {
        free(g->baseline[i]);
    }
    free(g->baseline);
    g->baseline = NULL;
    g->nbaseline = 0;
}

static int
by_string(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool
add_signature(cli_leak_gate *g, const char *sig, size_t *alloc)
{
    char *copy = strdup(sig);
    if (g->nbaseline == *alloc) {
        size_t n = *alloc ? *alloc * 2 : 16;
        char **v = realloc(g->baseline, n * sizeof(*v));
        if (!v) {
            free(copy);
            return false;
        }
        g->baseline = v;
        *alloc = n;
    }
    if (!copy) {
        return false;
    }
    g->baseline[g->nbaseline++] = copy;
    return true;
}

bool
cli_leak_gate_read_baseline(cli_leak_gate *g, const char *path)
{
    FILE *f = fopen(path, "r");
    char line[MAX_SIGNATURE + 2];
    size_t alloc = g->nbaseline, lineno = 0;
    bool ok = true;
    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return false;
    }
    while (ok && fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        lineno++;
        if (len && line[len - 1] == '\n') {
            line[--len] = '\0';
        } else if (!feof(f)) {
            cli_error("%s:%zu: line longer than %d bytes: not a signature",
                      path, lineno, MAX_SIGNATURE);
            ok = false;
            break;
        }
        if (len && line[len - 1] == '\r') {
            line[--len] = '\0';
        }
        if (len == 0 || line[0] == '#') {
            continue;
        }
        if (memchr(line, '\0', len) || line[0] == '"' || line[0] == '{') {
            cli_error("%s:%zu: expected a signature as `leaks --json` "
                      "prints it, one a line, without quotes",
                      path, lineno);
            ok = false;
        } else if (!add_signature(g, line, &alloc)) {
            cli_die_oom();
        }
    }
    if (ok && ferror(f)) {
        cli_error("%s: %s", path, strerror(errno));
        ok = false;
    }
    fclose(f);
    if (ok && g->nbaseline) {
        qsort(g->baseline, g->nbaseline, sizeof(*g->baseline), by_string);
    }
    return ok;
}

bool
cli_leak_gate_known(const cli_leak_gate *gate, const hs_graph *g,
                    const hs_leak_suspect *s)
{
    size_t tlen;
    const char *type = hs_node_type(g, s->owner, &tlen);
    for (size_t i = 0; i < gate->nignore; i++) {
        const char *p = gate->ignore[i];
        if ((strlen(p) == tlen && memcmp(p, type, tlen) == 0)
            || fnmatch(p, s->signature, 0) == 0) {
            return true;
        }
    }
    return gate->nbaseline
           && bsearch(&s->signature, gate->baseline, gate->nbaseline,
                      sizeof(*gate->baseline), by_string) != NULL;
}

/* The smallest and largest rise of a series over one interval. */
static void
steps(const uint64_t *series, size_t ndumps, int64_t *least, int64_t *most)
{
    *least = INT64_MAX;
    *most = 0;
    for (size_t i = 0; i + 1 < ndumps; i++) {
        int64_t d = (int64_t)series[i + 1] - (int64_t)series[i];
        *most = d > *most ? d : *most;
        *least = d < *least ? d : *least;
    }
}

/* What grows in place adds bytes, not objects: its pace is read in
 * bytes, and any such growth at every interval counts (--min-growth
 * counts objects), over four dumps or more: one object's size rising
 * at two intervals is what a buffer reused at varying sizes does one
 * time in six. */
bool
cli_leak_gate_fails(const cli_leak_gate *gate, const hs_leak_suspect *s,
                    size_t ndumps)
{
    int64_t least, most;
    if (s->verdict != HS_LEAK_GROWS) {
        return false;
    }
    steps(s->grows_in_place ? s->retained_size : s->retained_count, ndumps,
          &least, &most);
    if (s->grows_in_place) {
        return ndumps >= 4 && least * KEEPS_PACE >= most;
    }
    /* least is the suspect's min_interval_growth */
    return least >= (int64_t)gate->min_growth && least * KEEPS_PACE >= most;
}
