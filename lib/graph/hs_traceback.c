/*
 * hs_traceback.c - the public accessors of allocation sites
 * (include/heapscope.h; the tables are hs_sitetab.c's).
 */
#include "hs_graph_internal.h"
#include "hs_sitetab.h"

int
hs_graph_has_sites(const hs_graph *g)
{
    return g->sites != NULL;
}

uint32_t
hs_node_traceback(const hs_graph *g, uint32_t id)
{
    /* The load checked every stored id against the tables. */
    return g->sites && id < g->n ? (uint32_t)hs_wide_get(&g->site, id) : 0;
}

const uint32_t *
hs_traceback_frames(const hs_graph *g, uint32_t tb, size_t *n)
{
    const hs_sitetab *t = g->sites;
    *n = 0;
    if (!t || !hs_sitetab_has_traceback(t, tb)) {
        return NULL;
    }
    *n = t->tb_len[tb];
    return t->ids + t->tb_start[tb] - 1;
}

const char *
hs_frame_file(const hs_graph *g, uint32_t frame, size_t *len, uint32_t *line)
{
    const hs_sitetab *t = g->sites;
    if (!t || frame == 0 || frame > t->nframes || t->frame_file[frame] == 0) {
        return NULL;
    }
    *line = t->frame_line[frame];
    return hs_strtab_get(&t->files, t->frame_file[frame] - 1, len);
}
