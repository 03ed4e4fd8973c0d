/*
 * hs_sites.h - allocation sites: each traced object's tracemalloc
 * traceback, written as frame and traceback tables (docs/format.md §7).
 *
 * Kept apart from hs_dumper.h so that the walk only learns three calls:
 * hs_sites_begin before it, hs_sites_of per object, hs_sites_end after.
 */
#ifndef HS_SITES_H
#define HS_SITES_H

#include "hs_dumper.h"

/* The state of one dump's sites; all zero when tracemalloc is not
 * tracing, and then no line or field is written. */
typedef struct hs_sites {
    int active;               /* tracing, and the traces table was found */
    const void *traces;       /* the table of domain 0 (Python's objects) */
    void *lock;               /* tracemalloc's tables_lock */
    /* traceback_t * -> id and (filename, lineno) -> id, both open
     * addressing over hsd_malloc'ed arrays */
    struct hs_site_slot *tbs;
    size_t tbs_mask, ntbs;
    struct hs_site_slot *frames;
    size_t frames_mask, nframes;
    uint64_t traced;          /* objects written with a traceback */
} hs_sites;

/* Before the walk, outside it (it may allocate a probe block and create
 * nothing else): finds tracemalloc's traces when it is tracing. Returns
 * 0 (s->active says whether sites will be written) or -1 out of memory.
 * *why gets a static reason when tracing but sites are unavailable. */
int hs_sites_begin(hs_sites *s, const char **why);

/* The traceback id of op (0: not traced, or wk->sites is NULL), writing
 * the frame and traceback lines it needs first: call it before op's
 * record begins. Sets wk->failed when out of memory. */
uint32_t hs_sites_of(hs_walk *wk, PyObject *op);

/* Ends a record's refs list with its traceback id, when it has one:
 * `],"tb":N}` instead of hs_record_end's `]}`. */
void hs_sites_end_record(hs_record *r, uint32_t tb);

void hs_sites_end(hs_sites *s);

#endif /* HS_SITES_H */
