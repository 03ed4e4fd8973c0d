/*
 * hs_leak_sites.h - the allocating lines of each leak suspect's new
 * objects (see hs_leak_sites.c).
 */
#ifndef HS_LEAK_SITES_H
#define HS_LEAK_SITES_H

#include "../graph/hs_graph_internal.h"

typedef struct hs_site_acc {
    struct site_cell *v;
    size_t n, alloc;
    uint64_t *base;        /* per suspect: bytes of all its candidates */
    size_t nsus;
    const hs_allocator *alc; /* g's, from hs_site_acc_init */
} hs_site_acc;

/* Starts an accumulator for nsus suspects, on g's allocator; does nothing (and every call
 * below does nothing) when g has no sites. HS_ENOMEM. */
int hs_site_acc_init(hs_site_acc *a, const hs_graph *g, size_t nsus);
void hs_site_acc_release(hs_site_acc *a);

/* Counts candidate v for suspect s (its traceback's allocating line). */
int hs_site_acc_add(hs_site_acc *a, const hs_graph *g, size_t s, uint32_t v);

/* Groups what was added; then hs_site_acc_top may be called. */
void hs_site_acc_finish(hs_site_acc *a);

/* Suspect s's rows, most bytes first, at most max, into out (allocated
 * through g's allocator: caller frees out->sites with hs_mfree(g->a, ...)).
 * HS_ENOMEM. */
int hs_site_acc_top(const hs_site_acc *a, const hs_graph *g, size_t s,
                    size_t max, hs_leak_suspect *out);

/* Appends " @ file:line" (s's first site) to a signature made by hs_buf
 * (so on malloc, as hs_buf's text always is) when s
 * has sites; returns it, or NULL out of memory (then it was freed). */
char *hs_leak_sites_sign(char *signature, const hs_leak_suspect *s);

#endif
