/*
 * hs_read.h - reading a dump's records into a graph (no passes yet).
 *
 * hs_graph_read does the parse and the graph build: records appended in
 * file order, duplicates skipped, refs resolved to node ids (a phantom
 * node per dangling address), dialect detected and dicts tagged. The
 * public hs_graph_load (lib/load/hs_pipeline.c) runs it and then the
 * passes meliae's load() runs.
 */
#ifndef HS_READ_H
#define HS_READ_H

#include <heapscope.h>

hs_graph *hs_graph_read(const char *path, const hs_load_options *opts,
                        hs_error *err);

#endif
