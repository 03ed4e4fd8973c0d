/*
 * hs_dump_walk.c - one dump: every object reachable from the interpreter's
 * roots and from the collector's lists, each written exactly once.
 *
 * The walk is depth first over an explicit stack (hs_ptrstack.c) and
 * marks an object when it is pushed, so nothing recurses on graph depth
 * and nothing is written twice. Order:
 *   1. the header line (optional);
 *   2. thread roots: frames (synthetic records on 3.11+), thread dicts,
 *      exceptions being handled (hs_frames.c);
 *   3. sys.modules, then every object the collector tracks, oldest
 *      generation first; after each root the stack is drained.
 * Or, given roots, 2 and 3 are replaced by those objects alone.
 * Untracked objects (str, int, atomic tuples and dicts...) are reached
 * through their referrers' tp_traverse.
 *
 * Preconditions: the GIL is held and kept for the whole walk (so the
 * snapshot is consistent and no other thread mutates the heap); no
 * collection is running. Postcondition: the heap is as it was; the walk's
 * own memory (visited set, stack, output buffer) is freed.
 */
#include "hs_dumper.h"
#include "hs_sites.h"

#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int
hs_walk_reach(hs_walk *wk, PyObject *op)
{
    int rc = hs_visited_add(&wk->visited, op);

    if (rc <= 0) {
        return rc;
    }
    /* Written soon (the stack is last in, first out) and not touched yet:
     * on a real heap the first read of each object is a cache miss, and
     * asking for it now overlaps it with the rest of the current one. */
    __builtin_prefetch(op);
    return hs_ptrstack_push(&wk->stack, op);
}

int
hs_walk_mark(hs_walk *wk, const void *addr)
{
    return hs_visited_add(&wk->visited, addr);
}

static int
drain(hs_walk *wk)
{
    PyObject *op;

    while ((op = hs_ptrstack_pop(&wk->stack)) != NULL) {
        if (hs_refs_write(wk, op) < 0) {
            return -1;
        }
    }
    return 0;
}

static int
reach_and_drain(PyObject *op, void *arg)
{
    hs_walk *wk = arg;

    if (hs_walk_reach(wk, op) < 0) {
        wk->failed = 1;
        return -1;
    }
    return drain(wk) < 0 ? -1 : 0;
}

static void
write_header(hs_writer *w)
{
    char version[32], line[200 + HS_HEADER_EXTRA_MAX];
    const char *v = Py_GetVersion();
    size_t i;
    int n;

    for (i = 0; i + 1 < sizeof(version) && v[i] && v[i] != ' '; i++) {
        version[i] = v[i];
    }
    version[i] = '\0';
    n = PyOS_snprintf(line, sizeof(line),
                      "{\"heapscope_dump\": 1, \"python\": \"%s\", "
                      "\"pointer_size\": %d, \"time\": %lld, \"pid\": %ld"
                      "%s}\n",
                      version, (int)sizeof(void *), (long long)time(NULL),
                      (long)(hs_walk_pid ? hs_walk_pid : getpid()),
                      hs_walk_header_extra);
    hs_record_raw(w, line, (size_t)n);
}

static int
walk(hs_walk *wk, int header, PyObject *const *roots, Py_ssize_t nroots)
{
    if (header) {
        write_header(wk->w);
    }
    if (roots) {
        /* Only what the given objects reach (meliae's
         * dump_all_referenced): no thread, module or collector roots. */
        for (Py_ssize_t i = 0; i < nroots; i++) {
            if (reach_and_drain(roots[i], wk) < 0) {
                return -1;
            }
        }
        return 0;
    }
    if (hs_frames_roots(wk) < 0 || drain(wk) < 0) {
        return -1;
    }
    if (reach_and_drain(PyImport_GetModuleDict(), wk) < 0) {
        return -1;
    }
    return hs_gclist_foreach(reach_and_drain, wk) ? -1 : 0;
}

int
hs_walk_dump(int fd, int gzip, int header, PyObject *const *roots,
             Py_ssize_t nroots, hs_stats *stats, int *err)
{
    hs_writer w;
    hs_walk wk;
    hs_sites sites;
    size_t base = hsd_mem_current();
    int rc = -1;

    memset(&wk, 0, sizeof(wk));
    wk.meliae_keys = !header;
    memset(&sites, 0, sizeof(sites));
    *err = 0;
    if (hs_gclist_collecting()) {
        *err = EBUSY;
        return -1;
    }
    hsd_mem_reset_peak();
    hs_ptrstack_init(&wk.stack);
    if (hs_sizeof_init() < 0) {
        *err = ENOMEM;
        return -1;
    }
    if (hs_writer_init(&w, fd, gzip) < 0 || hs_visited_init(&wk.visited) < 0) {
        *err = ENOMEM;
        goto out;
    }
    wk.w = &w;
    /* A dump for meliae's loader (no header) gets no site lines either:
     * meliae rejects them as it rejects the header. */
    if (wk.meliae_keys) {
        wk.stats.sites_why = "header=False: a dump for meliae's loader";
    }
    else if (hs_sites_begin(&sites, &wk.stats.sites_why) < 0) {
        *err = ENOMEM;
        goto out;
    }
    wk.sites = &sites;
    if (walk(&wk, header, roots, nroots) == 0 && !wk.failed && hs_writer_finish(&w) == 0) {
        rc = 0;
    }
    else {
        *err = w.err > 0 ? w.err : w.err < 0 ? EIO : ENOMEM;
    }
    wk.stats.raw_bytes = w.raw_bytes;
    wk.stats.file_bytes = w.file_bytes;
    wk.stats.visited_bytes = hs_visited_bytes(&wk.visited);
    wk.stats.stack_peak_bytes = wk.stack.peak_bytes;
    wk.stats.sizeof_ccalls = hs_sizeof_ccalls;
    wk.stats.traced = sites.traced;
    wk.stats.tracebacks = sites.ntbs;
    wk.stats.frames_written = sites.nframes;
out:
    hs_sites_end(&sites);
    hs_visited_release(&wk.visited);
    hs_ptrstack_release(&wk.stack);
    hs_writer_release(&w);
    hs_sizeof_release();
    wk.stats.peak_mem = hsd_mem_peak() - base;
    *stats = wk.stats;
    return rc;
}
