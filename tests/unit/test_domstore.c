/*
 * test_domstore.c - dominator trees stored and read back
 * (hs_dominators_save, hs_dominators_restore): a tree read back equals
 * the one computed, array by array and answer by answer; a file for
 * another snapshot or graph is not used; a file someone else could have
 * planted (group-writable, a symbolic link, a FIFO) is refused without
 * blocking; every single bit flip is caught; and crafted files with good
 * checksums (a cycle, a dominator listed after its object, an id out of
 * range, an object twice) are refused, since walks up the tree rely on
 * them.
 */
#include "hs_test_graph.h"

#include <heapscope.h>

#include "analysis/hs_dominators.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY 0x1234abcdull

static hs_error err;

/* A heap with modules, chains, shared children, cycles no root reaches
 * and a dangling ref (a phantom node, which has no dominator). */
static hs_graph *
test_graph(const char *name, int n)
{
    char *text = malloc((size_t)n * 160 + 200);
    size_t pos = 0;
    uint64_t x = 0x9E3779B97F4A7C15ull;
    hs_graph *g;
    for (int i = 1; i <= n; i++) {
        int nrefs = (int)(x % 4);
        pos += (size_t)sprintf(text + pos,
                               "{\"address\": %d, \"type\": \"%s\", "
                               "\"size\": %d, \"refs\": [",
                               i, i % 37 == 1 ? "module" : "dict",
                               16 + i % 50);
        for (int k = 0; k < nrefs; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            /* Mostly forward, some back (cycles). */
            int to = x % 5 ? i + 1 + (int)(x % 7) : 1 + (int)(x % (uint64_t)n);
            pos += (size_t)sprintf(text + pos, "%s%d", k ? ", " : "",
                                   to > n ? n : to);
        }
        pos += (size_t)sprintf(text + pos, "]}\n");
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
    }
    /* A cycle no root reaches, and a dangling ref (a phantom). */
    pos += (size_t)sprintf(text + pos,
                           "{\"address\": %d, \"type\": \"list\", "
                           "\"size\": 72, \"refs\": [%d, 999999]}\n"
                           "{\"address\": %d, \"type\": \"list\", "
                           "\"size\": 72, \"refs\": [%d]}\n",
                           n + 1, n + 2, n + 2, n + 1);
    g = hs_test_load_graph(name, text);
    free(text);
    return g;
}

static bool
same_trees(const hs_dominators *a, const hs_dominators *b)
{
    bool ok = a->n == b->n && a->reached == b->reached
              && a->roots == b->roots && a->extra_roots == b->extra_roots
              && a->unreached == b->unreached
              && a->total_size == b->total_size;
    for (uint32_t v = 0; ok && v < a->n; v++) {
        const char *ka = hs_dominators_root_kind(a, v);
        const char *kb = hs_dominators_root_kind(b, v);
        ok = a->idom[v] == b->idom[v] && a->retained[v] == b->retained[v]
             && a->retained_count[v] == b->retained_count[v]
             && (ka == kb || (ka && kb && strcmp(ka, kb) == 0));
    }
    for (uint32_t i = 0; ok && i < a->reached; i++) {
        ok = a->order[i] == b->order[i];
    }
    for (uint32_t i = 0; ok && i < a->extra_roots; i++) {
        ok = a->extra[i] == b->extra[i];
    }
    return ok;
}

static unsigned char *
read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    long size;
    if (f && fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > 0
        && fseek(f, 0, SEEK_SET) == 0 && (buf = malloc((size_t)size))
        && fread(buf, 1, (size_t)size, f) == (size_t)size) {
        *len = (size_t)size;
    } else {
        free(buf);
        buf = NULL;
    }
    if (f) {
        fclose(f);
    }
    return buf;
}

/* A stored tree of test_graph, its graph and tree in *g and *d. */
static unsigned char *
stored(const char *name, hs_graph **g, hs_dominators **d, size_t *len,
       const char **path)
{
    char file[64];
    *g = test_graph(name, 300);
    *d = *g ? hs_dominators_new(*g, &err) : NULL;
    snprintf(file, sizeof(file), "%s.hsdom", name);
    *path = hs_test_file(file, "", 0);
    if (!*d || hs_dominators_save(*d, *path, KEY, 0600, &err) < 0) {
        printf("    %s\n", err.message);
        return NULL;
    }
    return read_all(*path, len);
}

static void
test_round_trip(void)
{
    hs_graph *g;
    hs_dominators *d, *r;
    size_t len;
    const char *path;
    unsigned char *buf = stored("round.json", &g, &d, &len, &path);
    uint32_t *ta = NULL, *tb = NULL;
    size_t na = 0, nb = 0;
    struct stat st;
    if (!CHECK(buf != NULL)) {
        return;
    }
    CHECK(d->unreached > 0 && d->extra_roots > 0 && d->reached < g->n);
    CHECK_EQ_U64(len, 112 + (uint64_t)d->n * 16 + (uint64_t)d->reached * 4
                          + (uint64_t)d->extra_roots * 4);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600);
    r = hs_dominators_restore(g, path, KEY, &err);
    if (CHECK(r != NULL)) {
        CHECK(r->map != NULL);
        CHECK(same_trees(d, r));
        CHECK(hs_dominators_top(d, 10, &ta, &na, &err) == 0);
        CHECK(hs_dominators_top(r, 10, &tb, &nb, &err) == 0);
        CHECK(na == nb && memcmp(ta, tb, na * sizeof(*ta)) == 0);
        for (size_t i = 0; i < na; i++) {
            char *la = hs_dominators_label(d, ta[i], 0, NULL);
            char *lb = hs_dominators_label(r, ta[i], 0, NULL);
            CHECK((!la && !lb) || (la && lb && strcmp(la, lb) == 0));
            hs_free(la);
            hs_free(lb);
        }
        hs_free(ta);
        hs_free(tb);
    }
    hs_dominators_free(r);
    r = hs_dominators_restore_buffer(g, buf, len, KEY, &err);
    CHECK(r != NULL && r->map == NULL && same_trees(d, r));
    hs_dominators_free(r);
    free(buf);
    hs_dominators_free(d);
    hs_graph_free(g);
}

static void
test_other_snapshot_or_graph(void)
{
    hs_graph *g, *other = test_graph("other.json", 301);
    hs_dominators *d;
    size_t len;
    const char *path, *missing;
    unsigned char *buf = stored("keyed.json", &g, &d, &len, &path);
    if (!CHECK(buf != NULL && other != NULL)) {
        hs_graph_free(other);
        return;
    }
    CHECK(!hs_dominators_restore(g, path, KEY + 1, &err));
    CHECK_EQ_I64(err.code, HS_ENOTFOUND);
    missing = hs_test_file("none.hsdom", "", 0);
    unlink(missing);
    CHECK(!hs_dominators_restore(g, missing, KEY, &err));
    CHECK_EQ_I64(err.code, HS_ENOTFOUND);
    CHECK(!hs_dominators_restore(g, "/nonexistent/x.hsdom", KEY, &err));
    CHECK_EQ_I64(err.code, HS_ENOTFOUND);
    CHECK(!hs_dominators_restore(other, path, KEY, &err));
    CHECK_EQ_I64(err.code, HS_ECORRUPT);
    CHECK(!hs_dominators_restore_buffer(g, buf, len - 1, KEY, &err));
    CHECK_EQ_I64(err.code, HS_ECORRUPT);
    CHECK(!hs_dominators_restore_buffer(g, buf, 50, KEY, &err));
    CHECK_EQ_I64(err.code, HS_ECORRUPT);
    free(buf);
    hs_dominators_free(d);
    hs_graph_free(g);
    hs_graph_free(other);
}

static void
test_planted_files(void)
{
    hs_graph *g;
    hs_dominators *d;
    size_t len;
    const char *path, *link, *fifo;
    unsigned char *buf = stored("planted.json", &g, &d, &len, &path);
    if (!CHECK(buf != NULL)) {
        return;
    }
    CHECK(chmod(path, 0620) == 0);
    CHECK(!hs_dominators_restore(g, path, KEY, &err));
    CHECK_EQ_I64(err.code, HS_EINVAL);
    CHECK(strstr(err.message, "writable by its group") != NULL);
    CHECK(chmod(path, 0600) == 0);
    link = hs_test_file("planted-link.hsdom", "", 0);
    unlink(link);
    CHECK(symlink(path, link) == 0);
    CHECK(!hs_dominators_restore(g, link, KEY, &err));
    CHECK_EQ_I64(err.code, HS_EINVAL);
    CHECK(strstr(err.message, "symbolic link") != NULL);
    fifo = hs_test_file("planted-fifo.hsdom", "", 0);
    unlink(fifo);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(!hs_dominators_restore(g, fifo, KEY, &err)); /* must not block */
    CHECK_EQ_I64(err.code, HS_EINVAL);
    CHECK(strstr(err.message, "not a regular file") != NULL);
    unlink(fifo);
    unlink(link);
    free(buf);
    hs_dominators_free(d);
    hs_graph_free(g);
}

static void
test_every_bit_flip_is_caught(void)
{
    hs_graph *g;
    hs_dominators *d;
    size_t len, missed = 0, flips = 0;
    const char *path;
    unsigned char *buf = stored("flips.json", &g, &d, &len, &path);
    if (!CHECK(buf != NULL)) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        for (int b = 0; b < 8; b++) {
            hs_dominators *r;
            buf[i] ^= (unsigned char)(1u << b);
            r = hs_dominators_restore_buffer(g, buf, len, KEY, &err);
            missed += r != NULL;
            flips++;
            hs_dominators_free(r);
            buf[i] ^= (unsigned char)(1u << b);
        }
    }
    CHECK_EQ_U64(flips, (uint64_t)len * 8);
    CHECK_EQ_U64(missed, 0);
    free(buf);
    hs_dominators_free(d);
    hs_graph_free(g);
}

/* Offsets of the arrays in a stored tree (see hs_domstore.c's picture). */
static uint32_t *
idom_of(unsigned char *buf, const hs_dominators *d)
{
    return (uint32_t *)(void *)(buf + 112 + (size_t)d->n * 8);
}

static uint32_t *
order_of(unsigned char *buf, const hs_dominators *d)
{
    return idom_of(buf, d) + d->n;
}

/* Restores a resealed copy of buf changed by edit: must be refused as
 * corrupt. */
static void
refused(const unsigned char *buf, size_t len, const hs_graph *g,
        const hs_dominators *d,
        void (*edit)(unsigned char *, const hs_dominators *),
        const char *what)
{
    unsigned char *copy = malloc(len);
    hs_dominators *r;
    memcpy(copy, buf, len);
    edit(copy, d);
    hs_domstore_reseal(copy, len);
    r = hs_dominators_restore_buffer(g, copy, len, KEY, &err);
    if (!CHECK(r == NULL) || !CHECK(err.code == HS_ECORRUPT)) {
        printf("    not refused: %s\n", what);
    }
    hs_dominators_free(r);
    free(copy);
}

/* The first object in order whose immediate dominator is an object. */
static uint32_t
first_dominated(const hs_dominators *d)
{
    for (uint32_t i = 0; i < d->reached; i++) {
        if (d->idom[d->order[i]] != HS_DOM_ROOT) {
            return i;
        }
    }
    return 0;
}

static void
make_cycle(unsigned char *buf, const hs_dominators *d)
{
    uint32_t v = d->order[first_dominated(d)];
    idom_of(buf, d)[d->idom[v]] = v; /* v and its dominator, each other's */
}

static void
child_before_parent(unsigned char *buf, const hs_dominators *d)
{
    uint32_t i = first_dominated(d), *o = order_of(buf, d), p = d->idom[o[i]];
    for (uint32_t k = 0; k < i; k++) {
        if (o[k] == p) {
            o[k] = o[i];
            o[i] = p;
        }
    }
}

static void
out_of_range(unsigned char *buf, const hs_dominators *d)
{
    idom_of(buf, d)[d->order[first_dominated(d)]] = d->n + 5;
}

static void
listed_twice(unsigned char *buf, const hs_dominators *d)
{
    order_of(buf, d)[d->reached - 1] = order_of(buf, d)[0];
}

static void
phantom_dominated(unsigned char *buf, const hs_dominators *d)
{
    for (uint32_t v = 0; v < d->n; v++) {
        if (d->idom[v] == HS_NO_NODE) {
            idom_of(buf, d)[v] = d->order[0];
            return;
        }
    }
}

/* A phantom listed in the place of the last object (the count of live
 * objects still matches). */
static void
phantom_listed(unsigned char *buf, const hs_dominators *d)
{
    for (uint32_t v = 0; v < d->n; v++) {
        if (d->idom[v] == HS_NO_NODE) {
            order_of(buf, d)[d->reached - 1] = v;
            return;
        }
    }
}

static void
test_crafted_trees_are_refused(void)
{
    hs_graph *g;
    hs_dominators *d, *r;
    size_t len;
    const char *path;
    unsigned char *buf = stored("crafted.json", &g, &d, &len, &path);
    if (!CHECK(buf != NULL)) {
        return;
    }
    /* Resealing alone changes nothing: the file is still good. */
    hs_domstore_reseal(buf, len);
    r = hs_dominators_restore_buffer(g, buf, len, KEY, &err);
    CHECK(r != NULL && same_trees(d, r));
    hs_dominators_free(r);
    CHECK(d->reached < g->n); /* the phantom case below has a phantom */
    refused(buf, len, g, d, make_cycle, "a cycle");
    refused(buf, len, g, d, child_before_parent, "a child first");
    refused(buf, len, g, d, out_of_range, "an id out of range");
    refused(buf, len, g, d, listed_twice, "an object twice");
    refused(buf, len, g, d, phantom_dominated, "a phantom dominated");
    refused(buf, len, g, d, phantom_listed, "a phantom listed");
    free(buf);
    hs_dominators_free(d);
    hs_graph_free(g);
}

/* Where a tree is kept: beside the snapshot the report names, only for
 * a snapshot used or written (its id is the key). */
static void
test_tree_path(void)
{
    hs_snapshot_report r;
    char out[64];
    const char *got = out; /* CHECK_STR tests its pointers */
    memset(&r, 0, sizeof(r));
    r.used = 1;
    r.id = 42;
    snprintf(r.path, sizeof(r.path), "/data/d.json.hsidx");
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_OK);
    CHECK_STR(got, "/data/d.json.hsdom");
    snprintf(r.path, sizeof(r.path), "d.json.nocollapse.hsidx");
    r.used = 0;
    r.written = 1;
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_OK);
    CHECK_STR(got, "d.json.nocollapse.hsdom");
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, 10), HS_EINVAL);
    r.id = 0; /* no key */
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_ENOTFOUND);
    CHECK_STR(got, "");
    r.id = 42;
    r.written = 0; /* wanted, neither used nor written */
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_ENOTFOUND);
    r.used = 1;
    snprintf(r.path, sizeof(r.path), "hsidx");
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_ENOTFOUND);
    memset(r.path, 'a', sizeof(r.path)); /* not terminated */
    CHECK_EQ_I64(hs_snapshot_tree_path(&r, out, sizeof(out)), HS_ENOTFOUND);
}

/* The store's policy (hs_tree_store): nothing kept yet is no warning and
 * keeps the tree computed, with the snapshot's mode; kept, it is read
 * back; damaged, it is a warning and replaced; not trusted (writable by
 * others), a warning and left alone; no snapshot, nowhere. */
static void
test_store_policy(void)
{
    hs_graph *g = test_graph("store.json", 500);
    hs_dominators *d = g ? hs_dominators_new(g, &err) : NULL, *r;
    hs_snapshot_report rep;
    hs_tree_store s;
    const char *snap = hs_test_file("store.json.hsidx", "x", 1);
    struct stat st;
    if (!CHECK(d != NULL)) {
        hs_graph_free(g);
        return;
    }
    memset(&rep, 0, sizeof(rep));
    rep.written = 1;
    rep.id = KEY;
    snprintf(rep.path, sizeof(rep.path), "%.1000s", snap);
    CHECK(chmod(snap, 0640) == 0);
    hs_tree_store_init(&s, &rep);
    unlink(s.path);
    CHECK(hs_tree_store_read(&s, g, &err) == NULL);
    CHECK_EQ_I64(err.code, HS_ENOTFOUND);
    CHECK(s.keep);
    CHECK_EQ_I64(hs_tree_store_keep(&s, d, &err), HS_OK);
    CHECK(stat(s.path, &st) == 0 && (st.st_mode & 0777) == 0640);
    r = hs_tree_store_read(&s, g, &err);
    CHECK(r != NULL && same_trees(d, r));
    hs_dominators_free(r);
    /* damaged: its last byte flipped */
    {
        FILE *f = fopen(s.path, "r+b");
        int c;
        CHECK(f && fseek(f, -1, SEEK_END) == 0 && (c = fgetc(f)) != EOF
              && fseek(f, -1, SEEK_END) == 0 && fputc(c ^ 1, f) != EOF);
        if (f) {
            fclose(f);
        }
    }
    CHECK(hs_tree_store_read(&s, g, &err) == NULL);
    CHECK(err.code != HS_ENOTFOUND && s.keep);
    CHECK(strstr(err.message, "not used") != NULL
          && strstr(err.message, "computing the tree") != NULL);
    CHECK_EQ_I64(hs_tree_store_keep(&s, d, &err), HS_OK);
    r = hs_tree_store_read(&s, g, &err);
    CHECK(r != NULL);
    hs_dominators_free(r);
    /* not trusted: left alone */
    CHECK(chmod(s.path, 0666) == 0);
    CHECK(hs_tree_store_read(&s, g, &err) == NULL);
    CHECK_EQ_I64(err.code, HS_EINVAL);
    CHECK(!s.keep);
    CHECK_EQ_I64(hs_tree_store_keep(&s, d, &err), HS_OK);
    CHECK(stat(s.path, &st) == 0 && (st.st_mode & 0777) == 0666);
    unlink(s.path);
    /* no snapshot: nowhere */
    hs_tree_store_init(&s, NULL);
    CHECK(s.key == 0 && hs_tree_store_read(&s, g, &err) == NULL);
    CHECK_EQ_I64(err.code, HS_ENOTFOUND);
    CHECK(!s.keep);
    CHECK_EQ_I64(hs_tree_store_keep(&s, d, &err), HS_OK);
    hs_dominators_free(d);
    hs_graph_free(g);
}

int
main(void)
{
    RUN(test_tree_path);
    RUN(test_store_policy);
    RUN(test_round_trip);
    RUN(test_other_snapshot_or_graph);
    RUN(test_planted_files);
    RUN(test_every_bit_flip_is_caught);
    RUN(test_crafted_trees_are_refused);
    return hs_test_end();
}
