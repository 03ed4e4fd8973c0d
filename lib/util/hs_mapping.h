/*
 * hs_mapping.h - a file mapped into memory whose arrays a graph borrows.
 *
 * A graph opened from a snapshot points its arrays into the mapping
 * instead of owning heap copies. Passes that later grow or replace an
 * array (hs_graph_reserve, hs_graph_append_leaf, rebuilding the edges)
 * must not realloc or free memory they do not own; rather than teach
 * every pass about mappings, the graph's allocator becomes the mapping's
 * allocator, which handles both in one place:
 *
 *  - free() of a pointer inside the mapping does nothing (the pages go
 *    with hs_mapping_close);
 *  - realloc() of a registered array (hs_mapping_borrow) copies it into
 *    memory from the underlying allocator: the first growth takes a
 *    private copy, and the caller owns the result as usual;
 *  - everything else goes to the underlying allocator.
 *
 * The pages are mapped MAP_PRIVATE, readable and writable: a pass that
 * writes in place (collapse setting a flag) gets copy-on-write pages and
 * never changes the file.
 */
#ifndef HS_MAPPING_H
#define HS_MAPPING_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hs_mapping hs_mapping;

/* Maps the whole file at path. HS_EIO (open, stat, mmap; err says why),
 * HS_ENOMEM. An empty file maps to a zero-length mapping. */
int hs_mapping_open(hs_mapping **out, const char *path,
                    const hs_allocator *a, hs_error *err);

/* The same over an open descriptor (not closed; any open flags), for a
 * caller that checked what fd is first (hs_snapcache.c). */
int hs_mapping_open_fd(hs_mapping **out, int fd, const hs_allocator *a,
                       hs_error *err);

/* A mapping over a private copy of data[0..len), for tests and fuzzing:
 * the same code paths without a file. */
int hs_mapping_from_buffer(hs_mapping **out, const void *data, size_t len,
                           const hs_allocator *a, hs_error *err);

/* Unmaps (or frees the copy). Accepts NULL. Arrays borrowed from it are
 * invalid afterwards. */
void hs_mapping_close(hs_mapping *m);

const unsigned char *hs_mapping_data(const hs_mapping *m);
size_t hs_mapping_size(const hs_mapping *m);

/* A writable pointer to byte offset off (copy-on-write pages). */
void *hs_mapping_at(hs_mapping *m, uint64_t off);

/* Registers [p, p + len) as an array that may be realloc'ed through the
 * mapping's allocator. HS_ELIMIT past the fixed number of arrays. */
int hs_mapping_borrow(hs_mapping *m, const void *p, size_t len);

/* The allocator the mapping was opened with (never NULL). */
const hs_allocator *hs_mapping_inner(const hs_mapping *m);

/* The allocator described above; valid until hs_mapping_close. */
const hs_allocator *hs_mapping_allocator(const hs_mapping *m);

#endif
