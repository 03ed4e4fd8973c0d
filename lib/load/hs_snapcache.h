/*
 * hs_snapcache.h - where snapshots live and when they are used.
 *
 * The public entry points (hs_graph_open, hs_snapshot_path,
 * hs_snapshot_write, hs_snapshot_open, hs_snapshot_open_buffer) are
 * declared in include/heapscope.h under "snapshot" (and their old names
 * in hs_index_compat.c). This header holds what tests need besides.
 */
#ifndef HS_SNAPCACHE_H
#define HS_SNAPCACHE_H

#include <heapscope.h>
#include <stdint.h>

/* The HS_SNAP_VARIANT_* bits of a load with opts (may be NULL). */
uint32_t hs_snapcache_variant(const hs_load_options *opts);

#endif
