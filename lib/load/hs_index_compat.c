/*
 * hs_index_compat.c - the deprecated hs_index_* names of the snapshot
 * functions (include/heapscope.h, "snapshot"), from when the snapshot
 * was called the "snapshot index".
 *
 * Real functions rather than macros, so that programs built against
 * the old names keep linking to libheapscope.so; each only forwards.
 */
#include <heapscope.h>

int
hs_index_path(const char *dump, const hs_load_options *opts, int cache,
              char *out, size_t size)
{
    return hs_snapshot_path(dump, opts, cache, out, size);
}

int
hs_index_write(hs_graph *g, const char *dump, const hs_load_options *opts,
               const char *index_path, uint64_t *bytes, hs_error *err)
{
    return hs_snapshot_write(g, dump, opts, index_path, bytes, err);
}

hs_graph *
hs_index_open(const char *index_path, const hs_load_options *opts,
              hs_error *err)
{
    return hs_snapshot_open(index_path, opts, err);
}

hs_graph *
hs_index_open_buffer(const void *data, size_t len,
                     const hs_load_options *opts, hs_error *err)
{
    return hs_snapshot_open_buffer(data, len, opts, err);
}
