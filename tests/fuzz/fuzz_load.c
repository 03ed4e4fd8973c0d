/*
 * fuzz_load.c - a whole dump: read, graph build, meliae's passes, and
 * what the commands then ask of the graph.
 *
 * The load skips bad lines (else one mutated byte ends most runs at the
 * first line); odd-sized inputs also load without collapse, so both
 * shapes of graph are explored, and sizes divisible by 3 drop the
 * address index, which the lookups of fuzz_explore (fuzz_graph.h) then
 * rebuild.
 */
#include "fuzz_graph.h"
#include "fuzz_util.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_load_flags flags = HS_LOAD_SKIP_BAD_LINES;
    hs_graph *g;
    if (size & 1) {
        flags |= HS_LOAD_NO_COLLAPSE;
    }
    if (size % 3 == 0) {
        flags |= HS_LOAD_NO_ADDRESS_INDEX; /* hs_graph_find rebuilds it */
    }
    g = fuzz_load(data, size, flags);
    if (!g) {
        return 0;
    }
    hs_graph_guess_intern_dict(g);
    fuzz_explore(g, 1);
    hs_graph_free(g);
    return 0;
}
