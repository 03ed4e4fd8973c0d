/*
 * hs_leak_sites.c - where a leak suspect's new objects were allocated.
 *
 * A site is an allocating line, the most recent frame of a traceback
 * (tracemalloc's statistics('lineno') grouping), so tracebacks that
 * differ only in their callers count as one line. Lines are keyed by
 * (interned file, line), not by frame id: the dumper interns frames per
 * file-name object, and two objects may hold the same name.
 *
 * Every traced candidate adds one cell (suspect, file, line, size); the
 * cells are sorted and folded into rows once, so the cost is one sort of
 * the traced candidates, whatever the number of distinct lines.
 */
#include "hs_leak_sites.h"

#include "../graph/hs_sitetab.h"
#include "../util/hs_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct site_cell {
    uint32_t suspect, file, line;
    uint64_t count, size;
};

int
hs_site_acc_init(hs_site_acc *a, const hs_graph *g, size_t nsus)
{
    memset(a, 0, sizeof(*a));
    a->alc = g->a;
    if (!g->sites) {
        return HS_OK;
    }
    a->base = hs_calloc(a->alc, nsus + 1, sizeof(*a->base));
    a->nsus = nsus;
    return a->base ? HS_OK : HS_ENOMEM;
}

void
hs_site_acc_release(hs_site_acc *a)
{
    hs_mfree(a->alc, a->v);
    hs_mfree(a->alc, a->base);
    memset(a, 0, sizeof(*a));
}

int
hs_site_acc_add(hs_site_acc *a, const hs_graph *g, size_t s, uint32_t v)
{
    const hs_sitetab *t = g->sites;
    uint64_t size = hs_size_of(g, v);
    uint32_t tb, f;
    if (!a->base) {
        return HS_OK;
    }
    a->base[s] += size;
    tb = (uint32_t)hs_wide_get(&g->site, v);
    if (!hs_sitetab_has_traceback(t, tb) || t->tb_len[tb] == 0) {
        return HS_OK;
    }
    /* The load checked that every frame a traceback names is defined. */
    f = t->ids[t->tb_start[tb] - 1 + t->tb_len[tb] - 1];
    if (a->n == a->alloc) {
        size_t cap = a->alloc ? a->alloc * 2 : 1024;
        struct site_cell *nv = hs_realloc_array(a->alc, a->v, cap,
                                                sizeof(*nv));
        if (!nv) {
            return HS_ENOMEM;
        }
        a->v = nv;
        a->alloc = cap;
    }
    a->v[a->n++] = (struct site_cell){(uint32_t)s, t->frame_file[f] - 1,
                                      t->frame_line[f], 1, size};
    return HS_OK;
}

static int
by_key(const void *pa, const void *pb)
{
    const struct site_cell *a = pa, *b = pb;
    if (a->suspect != b->suspect) {
        return a->suspect < b->suspect ? -1 : 1;
    }
    if (a->file != b->file) {
        return a->file < b->file ? -1 : 1;
    }
    return (a->line > b->line) - (a->line < b->line);
}

void
hs_site_acc_finish(hs_site_acc *a)
{
    size_t w = 0;
    if (a->n == 0) {
        return;
    }
    qsort(a->v, a->n, sizeof(*a->v), by_key);
    for (size_t r = 1; r < a->n; r++) {
        if (by_key(&a->v[w], &a->v[r]) == 0) {
            a->v[w].count += a->v[r].count;
            a->v[w].size += a->v[r].size;
        } else {
            a->v[++w] = a->v[r];
        }
    }
    a->n = w + 1;
}

/* Most bytes first; ties by file and line, so the order is stable. */
static int
by_size_desc(const void *pa, const void *pb)
{
    const struct site_cell *a = pa, *b = pb;
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1;
    }
    return by_key(pa, pb);
}

int
hs_site_acc_top(const hs_site_acc *a, const hs_graph *g, size_t s,
                size_t max, hs_leak_suspect *out)
{
    size_t lo = 0, hi, n;
    struct site_cell *rows;
    hs_leak_site *sites;
    if (!a->base) {
        return HS_OK;
    }
    out->sites_base_size = a->base[s];
    while (lo < a->n && a->v[lo].suspect < s) {
        lo++;
    }
    for (hi = lo; hi < a->n && a->v[hi].suspect == s; hi++) {
    }
    n = hi - lo;
    rows = hs_malloc_array(g->a, n + 1, sizeof(*rows));
    if (!rows) {
        return HS_ENOMEM;
    }
    if (n) {
        memcpy(rows, a->v + lo, n * sizeof(*rows));
        qsort(rows, n, sizeof(*rows), by_size_desc);
    }
    n = n < max ? n : max;
    sites = hs_malloc_array(g->a, n + 1, sizeof(*sites));
    if (!sites) {
        hs_mfree(g->a, rows);
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        sites[i].file = hs_strtab_get(&g->sites->files, rows[i].file,
                                      &sites[i].file_len);
        sites[i].line = rows[i].line;
        sites[i].count = rows[i].count;
        sites[i].size = rows[i].size;
    }
    hs_mfree(g->a, rows);
    out->sites = sites;
    out->nsites = n;
    return HS_OK;
}

char *
hs_leak_sites_sign(char *signature, const hs_leak_suspect *s)
{
    size_t len, extra, flen;
    const char *file;
    char *grown;
    if (!signature || s->nsites == 0) {
        return signature;
    }
    /* The file's last path component only: the same program run from
     * another folder or machine keeps its signature. */
    file = s->sites[0].file;
    flen = s->sites[0].file_len;
    for (size_t i = flen; i > 0; i--) {
        if (file[i - 1] == '/') {
            file += i;
            flen -= i;
            break;
        }
    }
    /* " @ " + file + ":" + up to 10 digits + NUL */
    len = strlen(signature);
    extra = 3 + flen + 1 + 10 + 1;
    grown = hs_realloc(NULL, signature, len + extra);
    if (!grown) {
        hs_mfree(NULL, signature);
        return NULL;
    }
    snprintf(grown + len, extra, " @ %.*s:%u", (int)flen, file,
             s->sites[0].line);
    return grown;
}
