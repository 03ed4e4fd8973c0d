/*
 * hs_snapcache.c - the load through a snapshot: find, check, map;
 * or load, then write.
 *
 * Policy (documented for callers in heapscope.h):
 *  - one snapshot per dump and pipeline variant: DUMP.hsidx for meliae's
 *    default load (collapse), DUMP.nocollapse.hsidx for collapse=False;
 *  - beside the dump when its folder is writable, else in the cache folder
 *    under a hash of the dump's absolute path; both places are looked in;
 *  - reused only for the same dump version (hs_fingerprint) and after
 *    every check of hs_snapshot_read; a rejected snapshot is reported as a
 *    warning naming the reason and replaced;
 *  - trusted only when nobody else could have planted or changed it: a
 *    regular file (opened without following a symlink, and without
 *    blocking on a FIFO) owned by us or root and not writable by group or
 *    others, in a cache folder that passes the same test. The fingerprint
 *    is no defence there: a size and a time are easy to copy. An
 *    untrusted snapshot is reported, left alone, and a new one goes to the
 *    cache folder;
 *  - created with the dump's permissions, never wider (0600 in the cache
 *    folder): a snapshot holds every string of its dump;
 *  - written after a fresh load of HS_SNAPSHOT_MIN_BYTES of text or more,
 *    unless the load warned (a truncated last line) or skipped bad lines:
 *    the snapshot would silently hide what the dump's load reports.
 */
#include "hs_snapcache.h"

#include "hs_pipeline.h"
#include "hs_snapfmt.h"
#include "hs_snapshot.h"
#include "hs_snapshot_read.h"
#include "../graph/hs_graph_internal.h"
#include "../graph/hs_read.h"
#include "../util/hs_checksum.h"
#include "../util/hs_clock.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"
#include "../util/hs_threads.h"
#include "../util/hs_trust.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

uint32_t
hs_snapcache_variant(const hs_load_options *opts)
{
    return opts && (opts->flags & HS_LOAD_NO_COLLAPSE)
               ? 0 : HS_SNAP_VARIANT_COLLAPSED;
}

static const char *
suffix(const hs_load_options *opts)
{
    return hs_snapcache_variant(opts) ? ".hsidx" : ".nocollapse.hsidx";
}

/* $XDG_CACHE_HOME/heapscope, or ~/.cache/heapscope. */
static int
cache_dir(char *out, size_t size)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    const char *home = getenv("HOME");
    int n;
    if (xdg && xdg[0] == '/') {
        n = snprintf(out, size, "%s/heapscope", xdg);
    } else if (home && home[0]) {
        n = snprintf(out, size, "%s/.cache/heapscope", home);
    } else {
        return HS_EINVAL;
    }
    return n > 0 && (size_t)n < size ? HS_OK : HS_EINVAL;
}

/* The cache folder, if it exists and may be trusted (a folder the user
 * links elsewhere is followed: only the folder reached counts). HS_EIO
 * when it is missing; HS_EINVAL, why saying so, when it is not to be
 * trusted. */
static int
trusted_cache_dir(char *out, size_t size, char *why, size_t why_size)
{
    struct stat st;
    const char *bad;
    char reason[128]; /* not why: it is written from the reason */
    HS_TRY(cache_dir(out, size));
    if (stat(out, &st) != 0) {
        return HS_EIO;
    }
    bad = S_ISDIR(st.st_mode) ? hs_distrust(&st, reason, sizeof(reason))
                              : "not a folder";
    if (bad) {
        /* A reason cut short at why_size still says why. */
        if (snprintf(why, why_size, "cache folder %s not used: %s", out,
                     bad) < 0) {
            why[0] = '\0';
        }
        return HS_EINVAL;
    }
    return HS_OK;
}

/* The permissions of a new snapshot for dump: its group and other read
 * bits (never wider than the dump's), only the owner's in the cache folder,
 * whose files are all the user's own. */
static unsigned
snapshot_mode(const char *dump, int cache)
{
    struct stat st;
    if (cache || stat(dump, &st) != 0) {
        return 0600;
    }
    return 0600 | ((unsigned)st.st_mode & 0044);
}

/* Whether snapshot_path names a file in the cache folder. */
static int
in_cache(const char *snapshot_path)
{
    char dir[PATH_MAX];
    size_t n;
    if (cache_dir(dir, sizeof(dir)) < 0) {
        return 0;
    }
    n = strlen(dir);
    return strncmp(snapshot_path, dir, n) == 0 && snapshot_path[n] == '/';
}

int
hs_snapshot_path(const char *dump, const hs_load_options *opts, int cache,
                 char *out, size_t size)
{
    char dir[PATH_MAX], abs[PATH_MAX];
    const char *base;
    int n;
    if (!dump || strcmp(dump, "-") == 0 || size == 0) {
        return HS_EINVAL;
    }
    if (!cache) {
        n = snprintf(out, size, "%s%s", dump, suffix(opts));
        return n > 0 && (size_t)n < size ? HS_OK : HS_EINVAL;
    }
    if (!realpath(dump, abs) || cache_dir(dir, sizeof(dir)) < 0) {
        return HS_EINVAL;
    }
    base = strrchr(abs, '/');
    base = base ? base + 1 : abs;
    n = snprintf(out, size, "%s/%016llx-%s%s", dir,
                 (unsigned long long)hs_checksum(abs, strlen(abs), 0), base,
                 suffix(opts));
    return n > 0 && (size_t)n < size ? HS_OK : HS_EINVAL;
}

int
hs_snapshot_tree_path(const hs_snapshot_report *r, char *out, size_t size)
{
    static const char snap[] = ".hsidx";
    size_t len = strnlen(r->path, sizeof(r->path)), sl = sizeof(snap) - 1;
    int n;
    if (size) {
        out[0] = '\0';
    }
    if (!(r->used || r->written) || !r->id || len < sl
        || len == sizeof(r->path) || strcmp(r->path + len - sl, snap) != 0) {
        return HS_ENOTFOUND;
    }
    n = snprintf(out, size, "%.*s.hsdom", (int)(len - sl), r->path);
    return n > 0 && (size_t)n < size ? HS_OK : HS_EINVAL;
}

void
hs_tree_store_init(hs_tree_store *s, const hs_snapshot_report *r)
{
    memset(s, 0, sizeof(*s));
    if (r && hs_snapshot_tree_path(r, s->path, sizeof(s->path)) == HS_OK) {
        s->key = r->id;
        snprintf(s->snapshot, sizeof(s->snapshot), "%s", r->path);
    }
}

static hs_graph *
open_mapped(hs_mapping *m, const hs_load_options *opts,
            const hs_snap_expect *want, hs_error *err)
{
    hs_snap_expect any = {NULL, 0, 0, opts ? opts->threads : 0, 0};
    return hs_snapshot_read(m, want ? want : &any, err);
}

hs_graph *
hs_snapshot_open(const char *snapshot_path, const hs_load_options *opts,
                 hs_error *err)
{
    hs_mapping *m;
    if (hs_mapping_open(&m, snapshot_path, opts ? opts->allocator : NULL,
                        err) < 0) {
        return NULL;
    }
    return open_mapped(m, opts, NULL, err);
}

hs_graph *
hs_snapshot_open_buffer(const void *data, size_t len,
                        const hs_load_options *opts, hs_error *err)
{
    hs_mapping *m;
    if (hs_mapping_from_buffer(&m, data, len, opts ? opts->allocator : NULL,
                               err) < 0) {
        return NULL;
    }
    return open_mapped(m, opts, NULL, err);
}

int
hs_graph_is_mapped(const hs_graph *g)
{
    return g->mapping != NULL;
}

/* The variant bits of g's snapshot. */
static uint32_t
variant_of(const hs_graph *g, const hs_load_options *opts)
{
    uint32_t variant = hs_snapcache_variant(opts);
    if (g->expensive_removed) {
        variant |= 1u << 1; /* never what a plain load asks for */
    }
    return variant;
}

/* Writes g's snapshot, stamped with fp: the dump's version taken before
 * the load, so that a dump rewritten during the load leaves a stale
 * snapshot, never one blessing content it was not built from. */
static int
write_stamped(hs_graph *g, const hs_fingerprint *fp,
              const hs_load_options *opts, const char *snapshot_path,
              unsigned mode, uint64_t *bytes, hs_error *err)
{
    hs_snapshot_written out;
    HS_TRY(hs_graph_compute_parents(g, err));
    HS_TRY(hs_snapshot_write_file(g, snapshot_path, mode, fp,
                                  variant_of(g, opts),
                                  opts ? opts->threads : 0, &out, err));
    if (bytes) {
        *bytes = out.bytes;
    }
    return HS_OK;
}

int
hs_snapshot_write(hs_graph *g, const char *dump, const hs_load_options *opts,
                  const char *snapshot_path, uint64_t *bytes, hs_error *err)
{
    hs_fingerprint fp;
    HS_TRY(hs_fingerprint_file(dump, &fp, err));
    return write_stamped(g, &fp, opts, snapshot_path,
                         snapshot_mode(dump, in_cache(snapshot_path)), bytes,
                         err);
}

/* MARK: hs_graph_open */

typedef struct open_ctx {
    const hs_load_options *user;
    uint64_t warnings;
} open_ctx;

static void
count_warning(void *ctx, const hs_error *w)
{
    open_ctx *o = ctx;
    o->warnings++;
    if (o->user->warning) {
        o->user->warning(o->user->warning_ctx, w);
    }
}

static void
warn(const hs_load_options *opts, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
warn(const hs_load_options *opts, const char *path, const char *fmt, ...)
{
    hs_error w;
    va_list ap;
    if (!opts->warning) {
        return;
    }
    hs_error_clear(&w);
    hs_error_path(&w, path);
    w.code = HS_ECORRUPT;
    va_start(ap, fmt);
    vsnprintf(w.message, sizeof(w.message), fmt, ap);
    va_end(ap);
    opts->warning(opts->warning_ctx, &w);
}

/* Tries the snapshot at spath: the graph, or NULL (silently when there is
 * no such file; with a warning and report->rejected otherwise). */
static hs_graph *
try_snapshot(const char *dump, const char *spath,
             const hs_load_options *opts, const hs_fingerprint *fp,
             hs_snapshot_flags flags, hs_snapshot_report *r)
{
    hs_snap_expect want = {fp, 1, hs_snapcache_variant(opts),
                           opts->threads, (flags & HS_SNAPSHOT_LAZY) != 0};
    hs_mapping *m;
    hs_error e;
    hs_graph *g = NULL;
    struct stat st;
    double t0 = hs_seconds();
    int fd;
    bool planted;
    hs_error_clear(&e);
    fd = hs_trust_open(spath, &st, &planted, e.message, sizeof(e.message));
    r->untrusted = planted;
    if (fd == -1) {
        return NULL;
    }
    if (fd >= 0) {
        if (hs_mapping_open_fd(&m, fd, opts->allocator, &e) == 0) {
            g = hs_snapshot_read(m, &want, &e);
        }
        close(fd);
    }
    if (g) {
        r->used = 1;
        r->open_seconds = hs_seconds() - t0;
        r->bytes = hs_mapping_size(g->mapping);
        r->built = (int64_t)st.st_mtim.tv_sec;
        r->id = ((const hs_snap_header *)hs_mapping_data(g->mapping))
                    ->table_checksum;
        snprintf(r->path, sizeof(r->path), "%s", spath);
        g->stats.load_seconds = r->open_seconds;
        return g;
    }
    r->rejected = 1;
    snprintf(r->path, sizeof(r->path), "%s", spath);
    snprintf(r->reason, sizeof(r->reason), "%s", e.message);
    warn(opts, dump, "snapshot %s not used: %s; loading the dump", spath,
         e.message);
    return NULL;
}

/* The snapshot name in the cache folder, if the folder may be trusted (a
 * warning when it may not). */
static int
cache_snapshot_path(const char *dump, const hs_load_options *opts,
                    char *out, size_t size)
{
    char dir[PATH_MAX], why[PATH_MAX + 64];
    int rc = trusted_cache_dir(dir, sizeof(dir), why, sizeof(why));
    if (rc == HS_EINVAL) {
        warn(opts, dump, "%s", why);
    }
    return rc < 0 ? rc : hs_snapshot_path(dump, opts, 1, out, size);
}

/* Whether something not to be trusted holds the name path (seen without
 * opening it: `heapscope snapshot` writes without reading first). */
static bool
planted(const char *path)
{
    struct stat st;
    char why[64];
    return lstat(path, &st) == 0
           && (!S_ISREG(st.st_mode) || hs_distrust(&st, why, sizeof(why)));
}

/* Where to write: the path of a rejected snapshot of ours, else beside
 * the dump if its folder is writable and holds no untrusted file under the
 * snapshot's name, else the cache folder (created, and checked like a
 * snapshot); *cache says which. */
static int
write_place(const char *dump, const hs_load_options *opts,
            const hs_snapshot_report *r, char *out, size_t size,
            int *cache, hs_error *e)
{
    char dir[PATH_MAX], why[PATH_MAX + 64];
    const char *slash;
    struct stat st;
    int rc;
    *cache = 0;
    if (r->rejected && !r->untrusted) {
        snprintf(out, size, "%s", r->path);
        *cache = in_cache(out);
        return HS_OK;
    }
    slash = strrchr(dump, '/');
    if (!slash) {
        snprintf(dir, sizeof(dir), ".");
    } else {
        snprintf(dir, sizeof(dir), "%.*s", (int)(slash - dump + 1), dump);
    }
    /* A folder whose mode lets nobody write is read-only even for root,
     * who could write it anyway: shared data stays untouched. */
    if (!r->untrusted && access(dir, W_OK) == 0 && stat(dir, &st) == 0
        && (st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH))
        && hs_snapshot_path(dump, opts, 0, out, size) == 0 && !planted(out)) {
        return HS_OK;
    }
    if (cache_dir(dir, sizeof(dir)) < 0) {
        return hs_error_set(e, HS_EIO, "no place to write a snapshot (the "
                            "dump's folder is read-only or holds an "
                            "untrusted snapshot, and there is no cache "
                            "folder)");
    }
    for (char *p = dir + 1; *p; p++) { /* mkdir -p */
        if (*p == '/') {
            *p = '\0';
            mkdir(dir, 0755);
            *p = '/';
        }
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        return hs_error_set(e, HS_EIO, "cannot create %s: %s", dir,
                            strerror(errno));
    }
    rc = trusted_cache_dir(dir, sizeof(dir), why, sizeof(why));
    if (rc < 0) {
        return hs_error_set(e, HS_EIO, "%s", rc == HS_EINVAL
                            ? why : "the cache folder vanished");
    }
    *cache = 1;
    return hs_snapshot_path(dump, opts, 1, out, size);
}

static void
write_failed(hs_snapshot_report *r, const hs_error *e)
{
    r->write_failed = 1;
    snprintf(r->reason, sizeof(r->reason), "%s", e->message);
}

/* Starts the snapshot of a graph just read, before its passes (see
 * hs_snapshot_begin): NULL when it cannot be written (r says why). */
static hs_snapshot_writer *
start_snapshot(const hs_graph *g, const char *dump,
               const hs_load_options *opts, hs_snapshot_report *r)
{
    hs_snapshot_writer *w = NULL;
    char spath[sizeof(r->path)];
    hs_error e;
    int cache;
    double t0 = hs_seconds();
    hs_error_clear(&e);
    if (write_place(dump, opts, r, spath, sizeof(spath), &cache, &e) == 0
        && snprintf(r->path, sizeof(r->path), "%s", spath) >= 0
        && hs_snapshot_begin(&w, g, spath, snapshot_mode(dump, cache),
                             hs_threads(opts->threads) > 1, &e) == 0) {
        r->write_seconds = hs_seconds() - t0;
        return w;
    }
    write_failed(r, &e);
    return NULL;
}

/* Between collapse and parents: the sections collapse settled go out
 * while parents are computed. */
typedef struct settle_ctx {
    hs_snapshot_writer **w;
    hs_snapshot_report *r;
} settle_ctx;

static void
settle_snapshot(void *ctx, hs_graph *g)
{
    settle_ctx *sc = ctx;
    hs_error e;
    double t0 = hs_seconds();
    hs_error_clear(&e);
    if (!*sc->w) {
        return;
    }
    if (hs_snapshot_settled(*sc->w, g, &e) < 0) {
        *sc->w = NULL; /* aborted */
        write_failed(sc->r, &e);
        return;
    }
    sc->r->write_seconds += hs_seconds() - t0;
}

/* Writes the rest of the snapshot once the passes are done. */
static void
finish_snapshot(hs_snapshot_writer *w, hs_graph *g,
                const hs_load_options *opts, const hs_fingerprint *fp,
                hs_snapshot_report *r)
{
    hs_error e;
    hs_snapshot_written out;
    double t0 = hs_seconds();
    hs_error_clear(&e);
    if (hs_graph_compute_parents(g, &e) < 0) {
        hs_snapshot_abort(w);
    } else if (hs_snapshot_finish(w, g, r->path, fp, variant_of(g, opts),
                                  opts->threads, &out, &e) == 0) {
        r->written = 1;
        r->bytes = out.bytes;
        r->id = out.id;
        r->write_seconds += hs_seconds() - t0;
        return;
    }
    write_failed(r, &e);
}

/* Whether a freshly loaded graph should get a snapshot. A load that
 * warned or skipped bad lines never does, even when forced: reopening
 * would not repeat those reports (r->reason says so when forced). */
static bool
worth_writing(const hs_graph *g, hs_snapshot_flags flags,
              uint64_t warnings, hs_snapshot_report *r)
{
    if (warnings || g->stats.bad_lines) {
        if (flags & HS_SNAPSHOT_FORCE_WRITE) {
            r->write_failed = 1;
            snprintf(r->reason, sizeof(r->reason), "no snapshot: the load "
                     "reported problems that reopening would hide");
        }
        return false;
    }
    if (flags & HS_SNAPSHOT_FORCE_WRITE) {
        return true;
    }
    return !(flags & HS_SNAPSHOT_NO_WRITE)
           && g->stats.input_bytes >= HS_SNAPSHOT_MIN_BYTES;
}

hs_graph *
hs_graph_open(const char *path, const hs_load_options *opts,
              hs_snapshot_flags flags, hs_snapshot_report *report,
              hs_error *err)
{
    hs_load_options defaults, mine;
    hs_snapshot_report scratch;
    open_ctx oc;
    hs_fingerprint fp;
    hs_graph *g = NULL;
    hs_snapshot_writer *w = NULL;
    settle_ctx sc;
    double t0;
    char spath[sizeof(report->path)];
    hs_snapshot_report *r = report ? report : &scratch;
    memset(r, 0, sizeof(*r));
    if (!opts) {
        hs_load_options_init(&defaults);
        opts = &defaults;
    }
    if (strcmp(path, "-") == 0 || opts->dialect != HS_DIALECT_AUTO
        || hs_fingerprint_file(path, &fp, NULL) < 0) {
        return hs_graph_load(path, opts, err); /* no snapshot possible */
    }
    if (!(flags & HS_SNAPSHOT_NO_READ)) {
        if (hs_snapshot_path(path, opts, 0, spath, sizeof(spath)) == 0) {
            g = try_snapshot(path, spath, opts, &fp, flags, r);
        }
        /* An untrusted snapshot beside the dump is not ours to replace:
         * ours, if any, is in the cache folder. */
        if (!g && (!r->rejected || r->untrusted)
            && cache_snapshot_path(path, opts, spath, sizeof(spath)) == 0) {
            int untrusted = r->untrusted;
            g = try_snapshot(path, spath, opts, &fp, flags, r);
            r->untrusted |= untrusted;
        }
        if (g) {
            return g;
        }
    }
    oc = (open_ctx){opts, 0};
    mine = *opts;
    mine.warning = count_warning;
    mine.warning_ctx = &oc;
    t0 = hs_seconds();
    g = hs_graph_read(path, &mine, err);
    if (!g) {
        return NULL;
    }
    if (worth_writing(g, flags, oc.warnings, r)) {
        w = start_snapshot(g, path, opts, r);
    }
    sc = (settle_ctx){&w, r};
    if (hs_graph_load_passes(g, &mine, t0, settle_snapshot, &sc, err) < 0) {
        hs_snapshot_abort(w);
        hs_graph_free(g);
        return NULL;
    }
    if (w) {
        finish_snapshot(w, g, opts, &fp, r);
    }
    if (r->write_failed) {
        if (flags & HS_SNAPSHOT_FORCE_WRITE) {
            hs_error_set(err, r->path[0] ? HS_EIO : HS_EINVAL, "%s",
                         r->reason);
            hs_error_path(err, r->path[0] ? r->path : path);
            hs_graph_free(g);
            return NULL;
        }
        warn(opts, path, "cannot write a snapshot: %s", r->reason);
    }
    return g;
}
