/*
 * hs_sitetab.c - the frame and traceback tables of a dump (see
 * hs_sitetab.h). Every id comes from an untrusted dump: a redefinition,
 * or a traceback naming a frame defined nowhere, is an error, never an
 * out-of-bounds read.
 */
#include "hs_sitetab.h"

#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <string.h>

hs_sitetab *
hs_sitetab_new(const hs_allocator *a)
{
    hs_sitetab *t = hs_calloc(a, 1, sizeof(*t));
    if (t) {
        t->a = a;
        hs_strtab_init(&t->files, a);
    }
    return t;
}

void
hs_sitetab_free(hs_sitetab *t)
{
    if (!t) {
        return;
    }
    hs_strtab_release(&t->files);
    hs_mfree(t->a, t->frame_file);
    hs_mfree(t->a, t->frame_line);
    hs_mfree(t->a, t->tb_start);
    hs_mfree(t->a, t->tb_len);
    hs_mfree(t->a, t->ids);
    hs_mfree(t->a, t);
}

/* Grows a by-id array to hold index `id`, zeroing what is new. */
static int
grow_zero(const hs_allocator *a, void **arr, size_t elem, size_t id,
          size_t *alloc)
{
    size_t old = *alloc;
    if (id < old) {
        return HS_OK;
    }
    HS_TRY(hs_grow(a, arr, elem, id + 1, alloc));
    memset((char *)*arr + old * elem, 0, (*alloc - old) * elem);
    return HS_OK;
}

int
hs_sitetab_add_frame(hs_sitetab *t, uint32_t id, const char *file,
                     size_t file_len, uint32_t line, hs_error *err)
{
    uint32_t fid;
    size_t cap = t->frames_alloc;
    if (id <= t->nframes && t->frame_file[id] != 0) {
        return hs_error_set(err, HS_EPARSE, "frame %u is defined twice", id);
    }
    HS_TRY(grow_zero(t->a, (void **)&t->frame_file, sizeof(uint32_t), id,
                     &t->frames_alloc));
    HS_TRY(grow_zero(t->a, (void **)&t->frame_line, sizeof(uint32_t), id,
                     &cap));
    HS_TRY(hs_strtab_intern(&t->files, file, file_len, &fid));
    t->frame_file[id] = fid + 1;
    t->frame_line[id] = line;
    if (id > t->nframes) {
        t->nframes = id;
    }
    return HS_OK;
}

int
hs_sitetab_add_traceback(hs_sitetab *t, uint32_t id, const uint32_t *frames,
                         size_t n, hs_error *err)
{
    size_t cap = t->tbs_alloc;
    if (hs_sitetab_has_traceback(t, id)) {
        return hs_error_set(err, HS_EPARSE, "traceback %u is defined twice",
                            id);
    }
    if (n > UINT32_MAX) {
        return hs_error_set(err, HS_ELIMIT, "traceback %u has more than 4 G "
                            "frames", id);
    }
    HS_TRY(grow_zero(t->a, (void **)&t->tb_start, sizeof(uint64_t), id,
                     &t->tbs_alloc));
    HS_TRY(grow_zero(t->a, (void **)&t->tb_len, sizeof(uint32_t), id, &cap));
    HS_TRY(HS_GROW(t->a, t->ids, t->nids + n, t->ids_alloc));
    if (n) {
        memcpy(t->ids + t->nids, frames, n * sizeof(*frames));
    }
    t->tb_start[id] = t->nids + 1;
    t->tb_len[id] = (uint32_t)n;
    t->nids += n;
    if (id > t->ntbs) {
        t->ntbs = id;
    }
    return HS_OK;
}

int
hs_sitetab_merge(hs_sitetab *into, const hs_sitetab *from, hs_error *err)
{
    for (uint32_t id = 1; id <= from->nframes; id++) {
        size_t len;
        const char *file;
        if (from->frame_file[id] == 0) {
            continue;
        }
        file = hs_strtab_get(&from->files, from->frame_file[id] - 1, &len);
        HS_TRY(hs_sitetab_add_frame(into, id, file, len,
                                    from->frame_line[id], err));
    }
    for (uint32_t id = 1; id <= from->ntbs; id++) {
        if (hs_sitetab_has_traceback(from, id)) {
            HS_TRY(hs_sitetab_add_traceback(
                into, id, from->ids + from->tb_start[id] - 1,
                from->tb_len[id], err));
        }
    }
    return HS_OK;
}

int
hs_sitetab_check(const hs_sitetab *t, hs_error *err)
{
    for (uint32_t id = 1; id <= t->ntbs; id++) {
        const uint32_t *f;
        if (!hs_sitetab_has_traceback(t, id)) {
            continue;
        }
        f = t->ids + t->tb_start[id] - 1;
        for (uint32_t i = 0; i < t->tb_len[id]; i++) {
            if (f[i] > t->nframes || t->frame_file[f[i]] == 0) {
                return hs_error_set(err, HS_EPARSE, "traceback %u names "
                                    "frame %u, which no line defines", id,
                                    f[i]);
            }
        }
    }
    return HS_OK;
}
