/*
 * hs_sitetab.h - a dump's allocation sites (docs/format.md §7): the frame
 * and traceback tables, by the ids the dump gave them.
 *
 * Frames are (file, line), files interned; a traceback is a run of frame
 * ids, oldest first, in one shared array. Ids are the dump's own (dense
 * from 1 in a heapscope dump, but any id up to 2^32-1 is accepted), so
 * the by-id arrays are as long as the largest id, which the definition
 * lines bound (an id is only stored once defined). Which node has which
 * traceback is kept beside the nodes, in the graph's `site` side table
 * (hs_wide: node id -> traceback id), since not every object is traced.
 */
#ifndef HS_SITETAB_H
#define HS_SITETAB_H

#include <heapscope.h>
#include <stdint.h>

#include "../util/hs_strtab.h"

typedef struct hs_sitetab {
    const hs_allocator *a;
    hs_strtab files;
    /* frame id -> file id + 1 (0: not defined), line */
    uint32_t *frame_file, *frame_line;
    size_t frames_alloc;
    uint32_t nframes;            /* largest frame id defined */
    /* traceback id -> start in ids (+1; 0: not defined), frame count */
    uint64_t *tb_start;
    uint32_t *tb_len;
    size_t tbs_alloc;
    uint32_t ntbs;               /* largest traceback id defined */
    uint32_t *ids;               /* every traceback's frame ids */
    size_t nids, ids_alloc;
} hs_sitetab;

hs_sitetab *hs_sitetab_new(const hs_allocator *a);
void hs_sitetab_free(hs_sitetab *t);

/* Defines a frame or a traceback. HS_EPARSE with a message in err when
 * the id was defined before; HS_ENOMEM. */
int hs_sitetab_add_frame(hs_sitetab *t, uint32_t id, const char *file,
                         size_t file_len, uint32_t line, hs_error *err);
int hs_sitetab_add_traceback(hs_sitetab *t, uint32_t id,
                             const uint32_t *frames, size_t n, hs_error *err);

/* Moves every definition of from into into (the slices of one dump
 * define disjoint ids; a clash is the error above). */
int hs_sitetab_merge(hs_sitetab *into, const hs_sitetab *from,
                     hs_error *err);

/* Whether every traceback names defined frames; HS_ECORRUPT naming the
 * first that does not. */
int hs_sitetab_check(const hs_sitetab *t, hs_error *err);

static inline int
hs_sitetab_has_traceback(const hs_sitetab *t, uint32_t id)
{
    return id != 0 && id <= t->ntbs && t->tb_start[id] != 0;
}

#endif
