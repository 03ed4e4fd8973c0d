/*
 * hs_leak_census.c - what a suspect's growth is made of (types, sites, a
 * sample) and its signature, the path reduced to what stays the same from
 * run to run (the essay atop hs_leaks.c, "MARK: reporting").
 */
#include "hs_leaks_internal.h"

#include "hs_dominators.h"
#include "hs_match.h"
#include "hs_refs_dict.h"
#include "../util/hs_error.h"

#include <stdlib.h>
#include <string.h>

/* MARK: what the growth is made of */


int
hs_leak_take_census(const hs_leaks *l, const hs_bits *cand, const hs_bits *decl,
            const uint32_t *near, const owners *kept, census *c)
{
    const hs_graph *g = l->dumps[l->ndumps - 1];
    const hs_dominators *d = l->doms[l->ndumps - 1];
    size_t cells;
    /* suspects times the dump's types: checked, a hostile count wraps */
    if (!hs_size_mul(kept->n, c->nt, &cells)
        || !hs_size_add(cells, 1, &cells)) {
        return HS_ENOMEM;
    }
    c->count = hs_calloc(l->a, cells, sizeof(*c->count));
    c->size = hs_calloc(l->a, cells, sizeof(*c->size));
    c->direct = hs_calloc(l->a, cells, sizeof(*c->direct));
    if (!c->count || !c->size || !c->direct) {
        return HS_ENOMEM;
    }
    for (uint32_t v = 0; v < g->n; v++) {
        uint32_t w, s;
        size_t cell;
        if (!hs_bits_test(cand, v)) {
            continue;
        }
        w = hs_bits_test(decl, v) ? v : near[v];
        s = w == HS_NO_NODE ? UINT32_MAX : hs_leak_owner_index(kept, w);
        if (s == UINT32_MAX) {
            continue;
        }
        HS_TRY(hs_site_acc_add(&c->sites, g, s, v));
        cell = (size_t)s * c->nt + g->type[v];
        c->count[cell]++;
        c->size[cell] += hs_size_of(g, v);
        if (d->idom[v] == w) {
            c->direct[cell] += d->retained[v];
        }
    }
    return HS_OK;
}

typedef struct type_row {
    uint32_t type;
    uint64_t count, size;
} type_row;

static int
by_size_desc(const void *pa, const void *pb)
{
    const type_row *a = pa, *b = pb;
    if (a->size != b->size) {
        return a->size > b->size ? -1 : 1;
    }
    return (a->type > b->type) - (a->type < b->type);
}

/* The suspect's composition rows, largest first, at most max. */
int
hs_leak_composition(const hs_graph *g, const census *c, size_t s, size_t max,
            hs_leak_suspect *out)
{
    type_row *rows = hs_malloc_array(g->a, (size_t)c->nt + 1,
                                     sizeof(*rows));
    hs_leak_type *types;
    size_t n = 0;
    if (!rows) {
        return HS_ENOMEM;
    }
    for (uint32_t t = 0; t < c->nt; t++) {
        size_t cell = s * c->nt + t;
        if (c->count[cell]) {
            rows[n].type = t;
            rows[n].count = c->count[cell];
            rows[n].size = c->size[cell];
            n++;
        }
    }
    if (n) {
        qsort(rows, n, sizeof(*rows), by_size_desc);
    }
    n = n < max ? n : max;
    types = hs_malloc_array(g->a, n + 1, sizeof(*types));
    if (!types) {
        hs_mfree(g->a, rows);
        return HS_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        types[i].type = hs_strtab_get(&g->types, rows[i].type,
                                      &types[i].type_len);
        types[i].count = rows[i].count;
        types[i].size = rows[i].size;
    }
    out->types = types;
    out->ntypes = n;
    hs_mfree(g->a, rows);
    return HS_OK;
}

/* The growth's type: the one whose candidates right under the owner
 * retain the most (a cache's values, not its keys), else the largest of
 * the composition; UINT32_MAX if none. */
uint32_t
hs_leak_growth_type(const census *c, size_t s, const hs_leak_suspect *out,
            const hs_graph *g)
{
    uint32_t best = UINT32_MAX;
    uint64_t most = 0;
    for (uint32_t t = 0; t < c->nt; t++) {
        if (c->direct[s * c->nt + t] > most) {
            most = c->direct[s * c->nt + t];
            best = t;
        }
    }
    if (best == UINT32_MAX && out->ntypes) {
        best = hs_strtab_find(&g->types, out->types[0].type,
                              out->types[0].type_len);
    }
    return best;
}

/* The first candidate (in dominator order) of type t that the owner holds,
 * right under it if there is one. */
uint32_t
hs_leak_pick_sample(const hs_leaks *l, const hs_bits *cand, const hs_bits *decl,
            const uint32_t *near, uint32_t owner_id, uint32_t t)
{
    const hs_graph *g = l->dumps[l->ndumps - 1];
    const hs_dominators *d = l->doms[l->ndumps - 1];
    uint32_t fallback = HS_NO_NODE;
    for (uint32_t i = 0; i < d->reached; i++) {
        uint32_t v = d->order[i];
        if (!hs_bits_test(cand, v) || g->type[v] != t
            || (hs_bits_test(decl, v) ? v : near[v]) != owner_id) {
            continue;
        }
        if (d->idom[v] == owner_id) {
            return v;
        }
        if (fallback == HS_NO_NODE) {
            fallback = v;
        }
    }
    return fallback;
}

/* MARK: signatures */

static bool
identifier_key(const char *s, size_t len)
{
    if (len == 0 || len > 40) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char ch = s[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')
              || (ch >= '0' && ch <= '9') || ch == '_' || ch == '.'
              || ch == '-')) {
            return false;
        }
    }
    return true;
}

void
hs_leak_signature_label(hs_buf *b, const char *label)
{
    size_t len = strlen(label);
    if (label[0] == '[' && len >= 4 && label[1] == '\''
        && label[len - 1] == ']' && label[len - 2] == '\''
        && identifier_key(label + 2, len - 4)) {
        hs_buf_adds(b, label); /* ['handlers'] */
    } else if (strcmp(label, "[?]") == 0) {
        hs_buf_adds(b, label);
    } else if (label[0] == '[') {
        hs_buf_adds(b, "[*]"); /* an index, or a key of this run */
    } else if (label[0] == '.' || label[0] == '\0') {
        hs_buf_adds(b, label);
    } else {
        hs_buf_addc(b, '.'); /* refs[3], __class__, (key), (item) */
        hs_buf_adds(b, label);
    }
}

static void
add_step_name(hs_buf *b, const hs_graph *g, uint32_t id)
{
    size_t tlen, nlen;
    const char *type = hs_strtab_get(&g->types, g->type[id], &tlen);
    const char *name = hs_node_name(g, id, &nlen);
    hs_buf_add(b, type, tlen);
    if (name && tlen == 6 && memcmp(type, "module", 6) == 0) {
        hs_buf_addc(b, ' ');
        hs_buf_add(b, name, nlen);
    }
}

char *
hs_leak_signature(const hs_graph *g, const hs_dominators *d, const uint32_t *path,
          size_t len, uint32_t owner_id, uint32_t gtype)
{
    hs_buf b = HS_BUF_INIT;
    hs_buf label = HS_BUF_INIT_ON(g->a); /* scratch */
    hs_buf_adds(&b, "");
    if (len == 0) {
        /* No root reaches it: its dominators, types only. */
        uint32_t chain[64], n = 0;
        for (uint32_t v = owner_id; v != HS_NO_NODE && n < 64;
             v = hs_dominators_idom(d, v)) {
            chain[n++] = v;
        }
        hs_buf_adds(&b, "(unreached)");
        while (n-- > 0) {
            hs_buf_adds(&b, " -> ");
            add_step_name(&b, g, chain[n]);
        }
    }
    for (size_t k = 0; k < len; k++) {
        if (k) {
            hs_buf_adds(&b, " -> ");
        }
        add_step_name(&b, g, path[k]);
        if (k + 1 < len) {
            hs_buf_clear(&label);
            hs_buf_add_edge_label(&label, g, path[k],
                                  hs_ref_index(g, path[k], path[k + 1]), 0);
            hs_buf_addc(&label, '\0');
            if (!label.failed) {
                hs_leak_signature_label(&b, label.data);
            }
        }
    }
    if (gtype != UINT32_MAX) {
        size_t tlen;
        const char *t = hs_strtab_get(&g->types, gtype, &tlen);
        hs_buf_adds(&b, " -> ");
        hs_buf_add(&b, t, tlen);
    }
    hs_buf_release(&label);
    return hs_buf_detach(&b);
}

