/*
 * hs_snapsites.h - a dump's allocation sites in a snapshot (see
 * hs_snapsites.c): the frame and traceback tables as one section of
 * 32-bit words, written from and read back into an hs_sitetab.
 */
#ifndef HS_SNAPSITES_H
#define HS_SNAPSITES_H

#include <heapscope.h>
#include <stddef.h>
#include <stdint.h>

#include "../graph/hs_sitetab.h"

/* t's tables as words: *out (allocated with a, *n words). HS_ENOMEM,
 * HS_ELIMIT when a file name passes 4 GiB. */
int hs_snapsites_encode(const hs_sitetab *t, const hs_allocator *a,
                        uint32_t **out, size_t *n);

/* The tables back from n words, checked as a dump's definition lines
 * are (no id twice, every frame a traceback names defined) and for
 * running past the words: a new table in *out, or HS_ECORRUPT with err
 * saying what is wrong, HS_ENOMEM. */
int hs_snapsites_decode(const uint32_t *v, size_t n, const hs_allocator *a,
                        hs_sitetab **out, hs_error *err);

#endif
