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
} hs_site_acc;

/* Starts an accumulator for nsus suspects; does nothing (and every call
 * below does nothing) when g has no sites. HS_ENOMEM. */
int hs_site_acc_init(hs_site_acc *a, const hs_graph *g, size_t nsus);
void hs_site_acc_release(hs_site_acc *a);

/* Counts candidate v for suspect s (its traceback's allocating line). */
int hs_site_acc_add(hs_site_acc *a, const hs_graph *g, size_t s, uint32_t v);

/* Groups what was added; then hs_site_acc_top may be called. */
void hs_site_acc_finish(hs_site_acc *a);

/* Suspect s's rows, most bytes first, at most max, into out (caller
 * frees out->sites with free()). HS_ENOMEM. */
int hs_site_acc_top(const hs_site_acc *a, const hs_graph *g, size_t s,
                    size_t max, hs_leak_suspect *out);

/* Appends " @ file:line" (s's first site) to a malloc'ed signature when s
 * has sites; returns it, or NULL out of memory (then it was freed). */
char *hs_leak_sites_sign(char *signature, const hs_leak_suspect *s);

#endif
