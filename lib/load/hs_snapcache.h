/*
 * hs_snapcache.h - where snapshot indexes live and when they are used.
 *
 * The public entry points (hs_graph_open, hs_index_path, hs_index_write,
 * hs_index_open, hs_index_open_buffer) are declared in include/heapscope.h
 * under "snapshot index". This header holds what tests need besides.
 */
#ifndef HS_SNAPCACHE_H
#define HS_SNAPCACHE_H

#include <heapscope.h>
#include <stdint.h>

/* The HS_SNAP_VARIANT_* bits of a load with opts (may be NULL). */
uint32_t hs_snapcache_variant(const hs_load_options *opts);

#endif
