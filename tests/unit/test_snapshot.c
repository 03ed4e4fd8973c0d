/*
 * test_snapshot.c - the snapshot index: a round trip equals a fresh load,
 * field by field, on every test and shared dump; every truncation and
 * every single bit flip of a small index is rejected; a touched or
 * rewritten dump makes its index stale; passes that grow or replace
 * arrays work on a mapped graph; `--classic` from an index equals
 * `--classic` on a fresh load.
 */
#include "hs_test.h"

#include <heapscope.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include "graph/hs_graph_internal.h"
#include "load/hs_snapfmt.h"
#include "load/hs_snapshot_read.h"
#include "util/hs_checksum.h"
#include "hs_test_same.h"
#include "hs_test_snapshot.h"

/* MARK: round trips */

static hs_error err;

/* Loads path with flags; writes its index to ipath; maps it back. */
static bool
round_trip(const char *path, hs_load_flags flags)
{
    hs_load_options opts;
    hs_graph *fresh, *mapped;
    const char *ipath;
    uint64_t bytes = 0;
    bool ok;
    hs_load_options_init(&opts);
    opts.flags = flags;
    fresh = hs_graph_load(path, &opts, &err);
    if (!fresh) {
        return true; /* dumps that do not load have nothing to index */
    }
    ipath = hs_test_file("rt.hsidx", "", 0);
    if (!CHECK(hs_snapshot_write(fresh, path, &opts, ipath, &bytes, &err)
               == 0)) {
        printf("    %s: %s\n", path, err.message);
        hs_graph_free(fresh);
        return false;
    }
    mapped = hs_snapshot_open(ipath, &opts, &err);
    if (!CHECK(mapped != NULL)) {
        printf("    %s: %s\n", path, err.message);
        hs_graph_free(fresh);
        return false;
    }
    CHECK(hs_graph_is_mapped(mapped));
    ok = CHECK(same_graph(fresh, mapped));
    if (!ok) {
        printf("    round trip of %s (flags %d)\n", path, (int)flags);
    }
    hs_graph_free(mapped);
    hs_graph_free(fresh);
    return ok;
}

static void
trip_folder(const char *dir, const char *ext)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;
    if (!d) {
        printf("    (no folder %s)\n", dir);
        return;
    }
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        size_t l = strlen(e->d_name), le = strlen(ext);
        if (l < le || strcmp(e->d_name + l - le, ext) != 0) {
            continue;
        }
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        round_trip(path, HS_LOAD_DEFAULT);
        round_trip(path, HS_LOAD_NO_COLLAPSE);
        count++;
    }
    closedir(d);
    CHECK(count > 0);
}

static void
test_round_trip_test_dumps(void)
{
    trip_folder("data", ".json");
}

static void
test_round_trip_shared_dumps(void)
{
    const char *dir = getenv("HS_MELIAE_DATA");
    trip_folder(dir ? dir : "data/meliae", ".json.gz");
}

/* MARK: damage */

/* The bytes of the snapshot of hs_test_small_dump; caller frees. */
static unsigned char *
small_index(size_t *len, const char **dump_path)
{
    return hs_test_small_snapshot("small.json", len, NULL, dump_path);
}

static void
test_whole_index_opens(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    hs_graph *g;
    if (!CHECK(buf != NULL)) {
        return;
    }
    g = hs_snapshot_open_buffer(buf, len, NULL, &err);
    CHECK(g != NULL);
    if (g) {
        CHECK_EQ_U64(hs_graph_count(g), 5);   /* two dicts collapsed */
        CHECK_EQ_U64(hs_node_size(g, hs_graph_find(g, 5)), 5000000100ull);
    }
    hs_graph_free(g);
    free(buf);
}

/* The names from when the snapshot was the "snapshot index" still work
 * (include/heapscope.h keeps them, deprecated): same types and values,
 * functions that forward. */
static void
test_deprecated_index_names(void)
{
    const char *dump = NULL;
    const char *ipath = hs_test_file("old-names.json.hsidx", "", 0);
    char path[4096], path2[4096];
    size_t len;
    unsigned char *buf = small_index(&len, &dump);
    hs_index_flags flags = HS_INDEX_NO_READ | HS_INDEX_FORCE_WRITE;
    hs_index_report r;
    uint64_t bytes = 0;
    hs_graph *g;
    if (!CHECK(buf != NULL)) {
        return;
    }
    CHECK(HS_INDEX_MIN_BYTES == HS_SNAPSHOT_MIN_BYTES);
    CHECK(HS_INDEX_DEFAULT == HS_SNAPSHOT_DEFAULT);
    CHECK(HS_INDEX_NO_WRITE == HS_SNAPSHOT_NO_WRITE);
    CHECK(HS_LOAD_NO_INDEX == HS_LOAD_NO_ADDRESS_INDEX);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
    CHECK(hs_index_path(dump, NULL, 0, path, sizeof(path)) == 0);
    CHECK(hs_snapshot_path(dump, NULL, 0, path2, sizeof(path2)) == 0);
    CHECK(strcmp(path, path2) == 0);
    g = hs_index_open_buffer(buf, len, NULL, &err);
    CHECK(g != NULL && hs_graph_count(g) == 5);
    CHECK(g && hs_index_write(g, dump, NULL, ipath, &bytes, &err) == 0
          && bytes == len);
    hs_graph_free(g);
    g = hs_index_open(ipath, NULL, &err);
    CHECK(g != NULL && hs_graph_count(g) == 5);
#pragma GCC diagnostic pop
    hs_graph_free(g);
    g = hs_graph_open(dump, NULL, flags, &r, &err);
    CHECK(g != NULL && r.written);
    hs_graph_free(g);
    free(buf);
}

static void
test_every_truncation_rejected(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    int accepted = 0;
    if (!CHECK(buf != NULL)) {
        return;
    }
    for (size_t cut = 0; cut < len; cut++) {
        hs_graph *g = hs_snapshot_open_buffer(buf, cut, NULL, &err);
        if (g || err.code != HS_ECORRUPT || !err.message[0]) {
            accepted++;
        }
        hs_graph_free(g);
    }
    CHECK_EQ_U64(accepted, 0);
    free(buf);
}

static void
test_every_bit_flip_rejected(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    int accepted = 0;
    if (!CHECK(buf != NULL)) {
        return;
    }
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit++) {
            hs_graph *g;
            buf[i] ^= (unsigned char)(1u << bit);
            g = hs_snapshot_open_buffer(buf, len, NULL, &err);
            buf[i] ^= (unsigned char)(1u << bit);
            if (g) {
                if (accepted++ < 5) {
                    printf("    flip of bit %d of byte %zu accepted\n", bit, i);
                }
                hs_graph_free(g);
            }
        }
    }
    CHECK_EQ_U64(accepted, 0);
    free(buf);
}

static void
test_foreign_and_junk(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    unsigned char junk[4096];
    hs_graph *g;
    if (!CHECK(buf != NULL)) {
        return;
    }
    /* another format version: unsupported, not damaged */
    buf[8] = 99;
    g = hs_snapshot_open_buffer(buf, len, NULL, &err);
    CHECK(g == NULL && err.code == HS_EUNSUPPORTED);
    buf[8] = 1;
    /* the other byte order */
    buf[16] ^= 0x05;
    g = hs_snapshot_open_buffer(buf, len, NULL, &err);
    CHECK(g == NULL && err.code == HS_EUNSUPPORTED);
    free(buf);
    for (size_t i = 0; i < sizeof(junk); i++) {
        junk[i] = (unsigned char)(i * 7 + 3);
    }
    g = hs_snapshot_open_buffer(junk, sizeof(junk), NULL, &err);
    CHECK(g == NULL && err.code == HS_ECORRUPT);
    g = hs_snapshot_open_buffer(NULL, 0, NULL, &err);
    CHECK(g == NULL && err.code == HS_ECORRUPT);
}

/* MARK: crafted indexes with good checksums */

/* Section id's data in an index buffer, and its element count. */
static unsigned char *
section(unsigned char *buf, uint32_t id, uint64_t *count)
{
    hs_snap_header h;
    memcpy(&h, buf, sizeof(h));
    for (uint32_t i = 0; i < h.nsections; i++) {
        hs_snap_section x;
        memcpy(&x, buf + sizeof(h) + i * sizeof(x), sizeof(x));
        if (x.id == id) {
            *count = x.count;
            return buf + x.offset;
        }
    }
    *count = 0;
    return NULL;
}

static void
put32(unsigned char *p, uint64_t i, uint32_t v)
{
    memcpy(p + i * 4, &v, 4);
}

/* Applies mutation k to buf; false when it does not apply. */
static bool
mutate(unsigned char *buf, int k)
{
    uint64_t n, c;
    unsigned char *meta = section(buf, HS_SNAP_META, &c);
    unsigned char *p;
    memcpy(&n, meta, 8);
    switch (k) {
    case 0: p = section(buf, HS_SNAP_CH_TARGETS, &c); put32(p, 0, (uint32_t)n); return c;
    case 1: p = section(buf, HS_SNAP_PA_TARGETS, &c); put32(p, c - 1, 0xfffffff0u); return c;
    case 2: p = section(buf, HS_SNAP_TYPE, &c); put32(p, 1, 1000); return c;
    case 3: p = section(buf, HS_SNAP_CH_OFF, &c); put32(p, 1, 100); return c > 2;
    case 4: p = section(buf, HS_SNAP_TEXT, &c); put32(p, 2, 0x7fffffff); return c;
    case 5: p = section(buf, HS_SNAP_FLAGS, &c); p[0] = 0xe0; return c;
    case 6: p = section(buf, HS_SNAP_SLOTS, &c);
        for (uint64_t i = 0; i < c; i++) {
            uint32_t v;
            memcpy(&v, p + i * 4, 4);
            if (v != UINT32_MAX) {
                put32(p, i, (uint32_t)n);
                return true;
            }
        }
        return false;
    case 7: n++; memcpy(meta, &n, 8); return true;
    case 8: p = section(buf, HS_SNAP_TYPE_LENS, &c); put32(p, 0, 1000); return c;
    case 9: c = 12345; memcpy(meta + 8 * HS_META_INDEX_COUNT, &c, 8); return true;
    case 10: p = section(buf, HS_SNAP_TYPE, &c); put32(p, 0, UINT32_MAX); return c;
    case 11: p = section(buf, HS_SNAP_PA_OFF, &c); put32(p, c - 1, 0); return c;
    case 12: p = section(buf, HS_SNAP_WSIZE_IDS, &c); put32(p, 0, (uint32_t)n); return c;
    case 13: p = section(buf, HS_SNAP_TEXTPOOL, &c); p[c - 1] = 0xff; p[c - 2] = 0xff; return c > 2;
    default: return false;
    }
}

static void
test_crafted_indexes_rejected(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    unsigned char *copy = malloc(len);
    int tried = 0;
    if (!CHECK(buf && copy)) {
        free(buf);
        free(copy);
        return;
    }
    for (int k = 0; k < 14; k++) {
        hs_graph *g;
        memcpy(copy, buf, len);
        if (!mutate(copy, k)) {
            continue;
        }
        tried++;
        if (!CHECK(hs_snapshot_reseal(copy, len) == 0)) {
            continue;
        }
        g = hs_snapshot_open_buffer(copy, len, NULL, &err);
        if (g || err.code != HS_ECORRUPT) {
            printf("    mutation %d accepted (%s)\n", k, err.message);
        }
        /* case 13 may only damage bytes no text entry covers */
        CHECK(!g || k == 13);
        hs_graph_free(g);
    }
    CHECK(tried >= 12);
    /* padding no checksum covers: must be zero */
    memcpy(copy, buf, len);
    copy[len - 1] ^= 1;
    hs_snapshot_reseal(copy, len);
    CHECK(hs_snapshot_open_buffer(copy, len, NULL, &err) == NULL
          || copy[len - 1] == 1);
    free(copy);
    free(buf);
}

/* Reads every field a command could read; under ASan, proof that an
 * accepted graph never reads out of bounds. */
static uint64_t
touch_everything(const hs_graph *g)
{
    uint64_t sum = 0;
    for (uint32_t i = 0; i < hs_graph_capacity(g); i++) {
        const uint32_t *ids;
        uint64_t k;
        size_t l;
        hs_value_kind kind;
        if (!hs_node_exists(g, i)) {
            continue;
        }
        sum += hs_node_address(g, i) + hs_node_size(g, i)
               + (uint64_t)hs_node_len(g, i) + hs_node_layout(g, i);
        sum += (uintptr_t)hs_node_type(g, i, &l) + l;
        if (hs_node_name(g, i, &l)) {
            sum += l;
        }
        if (hs_node_value(g, i, &l, &kind)) {
            sum += l;
        }
        ids = hs_node_children(g, i, &k);
        for (uint64_t j = 0; j < k; j++) {
            sum += ids[j] < hs_graph_capacity(g) ? hs_node_address(g, ids[j])
                                                 : 1;
        }
        ids = hs_node_parents(g, i, &k);
        for (uint64_t j = 0; j < k; j++) {
            sum += hs_node_address(g, ids[j]);
        }
        sum += hs_graph_find(g, hs_node_address(g, i));
    }
    return sum;
}

static void
test_random_damage_never_crashes(void)
{
    size_t len;
    unsigned char *buf = small_index(&len, NULL);
    unsigned char *copy = malloc(len);
    uint64_t rng = 42, accepted = 0;
    if (!CHECK(buf && copy)) {
        free(buf);
        free(copy);
        return;
    }
    for (int round = 0; round < 3000; round++) {
        hs_graph *g;
        memcpy(copy, buf, len);
        for (int m = 0; m < 1 + round % 4; m++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            /* past the header: the tables and the data */
            copy[128 + (rng >> 33) % (len - 128)] = (unsigned char)(rng >> 20);
        }
        hs_snapshot_reseal(copy, len);
        g = hs_snapshot_open_buffer(copy, len, NULL, &err);
        if (g) {
            hs_summary *sum;
            accepted++;
            touch_everything(g);
            /* and the passes, which grow and rewrite arrays */
            sum = hs_summary_new(g, &err);
            hs_summary_free(sum);
            hs_graph_collapse_instance_dicts(g, NULL, &err);
            hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT,
                                                 &err);
            touch_everything(g);
            hs_graph_free(g);
        }
    }
    printf("    %llu of 3000 damaged indexes passed every check\n",
           (unsigned long long)accepted);
    free(copy);
    free(buf);
}

/* MARK: staleness through hs_graph_open */

static int warnings;
static char last_warning[600];

static void
on_warning(void *ctx, const hs_error *w)
{
    (void)ctx;
    warnings++;
    snprintf(last_warning, sizeof(last_warning), "%s", w->message);
}

static hs_graph *
open_dump(const char *dump, hs_snapshot_flags flags, hs_snapshot_report *r)
{
    hs_load_options opts;
    hs_load_options_init(&opts);
    opts.warning = on_warning;
    return hs_graph_open(dump, &opts, flags, r, &err);
}

static void
set_mtime(const char *path, time_t sec)
{
    struct timespec ts[2] = {{sec, 0}, {sec, 0}};
    utimensat(AT_FDCWD, path, ts, 0);
}

static void
test_staleness(void)
{
    const char *dump = hs_test_text("stale.json", hs_test_small_dump);
    hs_snapshot_report r;
    hs_graph *g;
    FILE *f;
    remove(hs_test_file("stale.json.hsidx", "", 0)); /* listed, absent */
    set_mtime(dump, 1700000000);
    g = open_dump(dump, HS_SNAPSHOT_FORCE_WRITE, &r);
    CHECK(g && r.written && !r.used);
    hs_graph_free(g);
    /* small dumps get no index on their own, but use one that exists */
    warnings = 0;
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    CHECK(g && r.used && !r.rejected && warnings == 0);
    hs_graph_free(g);
    /* touched: stale, reported, loaded afresh */
    set_mtime(dump, 1700000001);
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    CHECK(g && !r.used && r.rejected && warnings == 1);
    CHECK(strstr(r.reason, "modification time") != NULL);
    CHECK(strstr(last_warning, "stale") != NULL);
    hs_graph_free(g);
    /* rebuilt, then the same size and time but other content at an end */
    g = open_dump(dump, HS_SNAPSHOT_FORCE_WRITE, &r);
    hs_graph_free(g);
    f = fopen(dump, "r+b");
    if (CHECK(f != NULL)) {
        fseek(f, 12, SEEK_SET);
        fputc('9', f);   /* {"address": 1 -> 9: same size */
        fclose(f);
    }
    set_mtime(dump, 1700000001);
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    CHECK(g && !r.used && r.rejected);
    CHECK(strstr(r.reason, "content") != NULL);
    hs_graph_free(g);
    /* the other pipeline has an index of its own */
    {
        hs_load_options opts;
        hs_load_options_init(&opts);
        opts.flags = HS_LOAD_NO_COLLAPSE;
        g = hs_graph_open(dump, &opts, HS_SNAPSHOT_DEFAULT, &r, &err);
        CHECK(g && !r.used && !r.rejected);
        CHECK(strstr(r.path, ".nocollapse.hsidx") == NULL); /* none yet */
        hs_graph_free(g);
    }
}

static void
test_damaged_file_rebuilt(void)
{
    const char *dump = hs_test_text("damaged.json", hs_test_small_dump);
    char ipath[1024];
    hs_snapshot_report r;
    hs_graph *g;
    FILE *f;
    remove(hs_test_file("damaged.json.hsidx", "", 0));
    g = open_dump(dump, HS_SNAPSHOT_FORCE_WRITE, &r);
    hs_graph_free(g);
    snprintf(ipath, sizeof(ipath), "%s", r.path);
    f = fopen(ipath, "r+b");
    if (CHECK(f != NULL)) {
        fseek(f, -70, SEEK_END);
        fputc(0x5a, f);
        fclose(f);
    }
    warnings = 0;
    g = open_dump(dump, HS_SNAPSHOT_FORCE_WRITE | HS_SNAPSHOT_NO_READ, &r);
    CHECK(g && r.written);
    hs_graph_free(g);
    f = fopen(ipath, "r+b");
    if (CHECK(f != NULL)) {
        fseek(f, -70, SEEK_END);
        fputc(0x5a, f);
        fclose(f);
    }
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    CHECK(g && r.rejected && !r.used && warnings == 1);
    CHECK(strstr(r.reason, "damaged") != NULL);
    hs_graph_free(g);
    if (CHECK(truncate(ipath, 1000) == 0)) {
        g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
        CHECK(g && r.rejected && strstr(r.reason, "truncated") != NULL);
        hs_graph_free(g);
    }
}

/* MARK: passes on a mapped graph */

static void
test_passes_on_mapped_graph(void)
{
    const char *dump = hs_test_text("passes.json", hs_test_small_dump);
    const char *ipath;
    hs_load_options opts;
    hs_graph *fresh, *mapped;
    hs_load_options_init(&opts);
    opts.flags = HS_LOAD_NO_COLLAPSE;
    ipath = hs_test_file("passes.json.nc.hsidx", "", 0);
    fresh = hs_graph_load(dump, &opts, &err);
    if (!CHECK(fresh && hs_snapshot_write(fresh, dump, &opts, ipath, NULL,
                                       &err) == 0)) {
        hs_graph_free(fresh);
        return;
    }
    mapped = hs_snapshot_open(ipath, &opts, &err);
    if (!CHECK(mapped != NULL)) {
        hs_graph_free(fresh);
        return;
    }
    /* collapse (flags written in place, sizes growing into the wide
     * table, edges rebuilt), then expensive refs (a node appended: every
     * node array and the child offsets grow) */
    CHECK(hs_graph_collapse_instance_dicts(fresh, NULL, &err) == 0);
    CHECK(hs_graph_collapse_instance_dicts(mapped, NULL, &err) == 0);
    CHECK(same_graph(fresh, mapped));
    CHECK(hs_graph_remove_expensive_references(fresh, HS_EXPENSIVE_DEFAULT,
                                               &err) == 0);
    CHECK(hs_graph_remove_expensive_references(mapped, HS_EXPENSIVE_DEFAULT,
                                               &err) == 0);
    CHECK(same_graph(fresh, mapped));
    CHECK(hs_graph_find(mapped, 0) != HS_NO_NODE);
    hs_graph_free(mapped);
    hs_graph_free(fresh);
}

/* MARK: the classic pipeline from an index */

/* What `--classic` runs after the load (cli/cli_load.c): parents, then
 * remove_expensive_references and guess_intern_dict. */
static uint32_t
classic_passes(hs_graph *g)
{
    CHECK(hs_graph_compute_parents(g, &err) == 0);
    CHECK(hs_graph_remove_expensive_references(g, HS_EXPENSIVE_DEFAULT,
                                               &err) == 0);
    return hs_graph_guess_intern_dict(g);
}

static char *
summary_text(const hs_graph *g)
{
    hs_summary *s = hs_summary_new(g, &err);
    char *text = s ? hs_summary_format(s, SIZE_MAX, &err) : NULL;
    hs_summary_free(s);
    return text;
}

/* A copy of path in the scratch folder (never an index beside the
 * original: the shared dumps are read-only data). */
static const char *
scratch_copy(const char *path, const char *name)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0, got;
    const char *out;
    if (!f) {
        return NULL;
    }
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 1 << 20;
            buf = realloc(buf, cap);
            if (!buf) {
                abort();
            }
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    fclose(f);
    out = hs_test_file(name, buf, len);
    free(buf);
    return out;
}

/* `--classic` served from the index equals `--classic` on a fresh load:
 * the graph field by field, the intern dict, the summary table. Both go
 * through hs_graph_open as the CLI does; the first writes the index. */
static void
classic_from_index(const char *path, const char *name)
{
    const char *copy = scratch_copy(path, name);
    hs_load_options opts;
    hs_snapshot_report r;
    hs_graph *fresh, *mapped;
    char *text_fresh, *text_mapped;
    uint32_t intern_fresh, intern_mapped;
    if (!CHECK(copy != NULL)) {
        return;
    }
    hs_load_options_init(&opts);
    fresh = hs_graph_open(copy, &opts, HS_SNAPSHOT_NO_READ
                          | HS_SNAPSHOT_FORCE_WRITE, &r, &err);
    if (!CHECK(fresh != NULL && r.written && !r.used)) {
        printf("    %s: %s\n", path, err.message);
        hs_graph_free(fresh);
        return;
    }
    mapped = hs_graph_open(copy, &opts, HS_SNAPSHOT_NO_WRITE, &r, &err);
    if (!CHECK(mapped != NULL && r.used && hs_graph_is_mapped(mapped))) {
        printf("    %s: index not used: %s\n", path, r.reason);
        hs_graph_free(mapped);
        hs_graph_free(fresh);
        return;
    }
    intern_fresh = classic_passes(fresh);
    intern_mapped = classic_passes(mapped);
    CHECK_EQ_U64(intern_fresh, intern_mapped);
    if (!CHECK(same_graph(fresh, mapped))) {
        printf("    --classic of %s\n", path);
    }
    text_fresh = summary_text(fresh);
    text_mapped = summary_text(mapped);
    CHECK(text_fresh && text_mapped && strcmp(text_fresh, text_mapped) == 0);
    hs_free(text_fresh);
    hs_free(text_mapped);
    hs_graph_free(mapped);
    hs_graph_free(fresh);
}

static void
test_classic_from_index(void)
{
    static const char *const dumps[] = {"meliae-py27-service.json.gz",
                                        "meliae-py311-service.json.gz"};
    const char *dir = getenv("HS_MELIAE_DATA");
    char path[1024];
    setenv("XDG_CACHE_HOME", hs_test_dir[0] ? hs_test_dir : "/tmp", 1);
    for (size_t i = 0; i < sizeof(dumps) / sizeof(dumps[0]); i++) {
        snprintf(path, sizeof(path), "%s/%s",
                 dir ? dir : "data/meliae", dumps[i]);
        classic_from_index(path, dumps[i]);
    }
    classic_from_index("data/small.json", "small.json");
}

static void
test_checksum_sees_every_bit(void)
{
    unsigned char buf[100];
    uint64_t h;
    int same = 0;
    for (size_t i = 0; i < sizeof(buf); i++) {
        buf[i] = (unsigned char)(i * 31);
    }
    h = hs_checksum(buf, sizeof(buf), 0);
    for (size_t i = 0; i < sizeof(buf); i++) {
        for (int bit = 0; bit < 8; bit++) {
            buf[i] ^= (unsigned char)(1u << bit);
            same += hs_checksum(buf, sizeof(buf), 0) == h;
            buf[i] ^= (unsigned char)(1u << bit);
        }
    }
    CHECK_EQ_U64(same, 0);
    CHECK(hs_checksum(buf, 99, 0) != hs_checksum(buf, 100, 0));
}

/* MARK: files nobody else can plant (issue 20) */

static bool
file_is(const char *path, const char *text)
{
    char buf[256];
    size_t n;
    FILE *f = fopen(path, "rb");
    if (!f) {
        return false;
    }
    n = fread(buf, 1, sizeof(buf), f);
    fclose(f);
    return n == strlen(text) && memcmp(buf, text, n) == 0;
}

/* Before issue 20 the writer's temporary was INDEX.tmp-<pid>-<serial>,
 * the serial counting from 0 in each process (so this test runs first):
 * a user sharing the folder could plant them as symlinks. */
static void
test_planted_temporaries_not_followed(void)
{
    const char *dump = hs_test_text("planted.json", hs_test_small_dump);
    const char *ipath = hs_test_file("planted.json.hsidx", "", 0);
    const char *victim = hs_test_text("victim", "precious\n");
    char links[16][200];
    struct stat st;
    hs_graph *g = hs_graph_load(dump, NULL, &err);
    remove(ipath);
    for (int i = 0; i < 16; i++) {
        snprintf(links[i], sizeof(links[i]), "%.150s.tmp-%ld-%d", ipath,
                 (long)getpid(), i);
        CHECK(symlink(victim, links[i]) == 0);
    }
    CHECK(g && hs_snapshot_write(g, dump, NULL, ipath, NULL, &err) == 0);
    CHECK(file_is(victim, "precious\n"));
    CHECK(lstat(ipath, &st) == 0 && S_ISREG(st.st_mode));
    for (int i = 0; i < 16; i++) {
        CHECK(lstat(links[i], &st) == 0 && S_ISLNK(st.st_mode));
        unlink(links[i]);
    }
    hs_graph_free(g);
}

/* An index holds every string of its dump: never readable by more
 * people than the dump. */
static void
test_index_mode_follows_dump(void)
{
    const char *dump = hs_test_text("private.json", hs_test_small_dump);
    const char *ipath = hs_test_file("private.json.hsidx", "", 0);
    struct stat st;
    mode_t old = umask(022);
    hs_graph *g = hs_graph_load(dump, NULL, &err);
    chmod(dump, 0600);
    CHECK(g && hs_snapshot_write(g, dump, NULL, ipath, NULL, &err) == 0);
    CHECK(stat(ipath, &st) == 0 && (st.st_mode & 0777) == 0600);
    chmod(dump, 0640);
    CHECK(g && hs_snapshot_write(g, dump, NULL, ipath, NULL, &err) == 0);
    CHECK(stat(ipath, &st) == 0 && (st.st_mode & 0777) == 0640);
    umask(old);
    hs_graph_free(g);
}

/* Opens dump through its index and checks the index was refused as
 * untrusted for reason, within 20 seconds (a FIFO blocked forever). */
static void
check_untrusted(const char *dump, const char *reason)
{
    hs_snapshot_report r;
    hs_graph *g;
    warnings = 0;
    alarm(20);
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    alarm(0);
    CHECK(g && !r.used && r.rejected && r.untrusted && warnings == 1);
    if (!CHECK(strstr(r.reason, reason) != NULL)) {
        printf("    reason: %s\n", r.reason);
    }
    hs_graph_free(g);
}

static void
test_planted_index_ignored(void)
{
    const char *dump = hs_test_text("planted2.json", hs_test_small_dump);
    const char *ipath = hs_test_file("planted2.json.hsidx", "", 0);
    char nocache[128];
    hs_snapshot_report r;
    struct stat st;
    hs_graph *g;
    snprintf(nocache, sizeof(nocache), "%s/no-cache", hs_test_dir);
    setenv("XDG_CACHE_HOME", nocache, 1); /* small dumps write nothing */
    remove(ipath);
    CHECK(mkfifo(ipath, 0644) == 0);
    check_untrusted(dump, "not a regular file");
    CHECK(lstat(ipath, &st) == 0 && S_ISFIFO(st.st_mode)); /* left alone */
    remove(ipath);
    g = open_dump(dump, HS_SNAPSHOT_FORCE_WRITE, &r);
    CHECK(g && r.written);
    hs_graph_free(g);
    if (geteuid() == 0) {
        CHECK(chown(ipath, 65534, 65534) == 0);
        check_untrusted(dump, "owned by another user (uid 65534)");
        CHECK(chown(ipath, 0, 0) == 0);
    } else {
        printf("    (a foreign owner not tried: chown needs root)\n");
    }
    chmod(ipath, 0664);
    check_untrusted(dump, "writable by its group");
    chmod(ipath, 0646);
    check_untrusted(dump, "writable by others");
    chmod(ipath, 0644);
    warnings = 0;
    g = open_dump(dump, HS_SNAPSHOT_DEFAULT, &r);
    CHECK(g && r.used && warnings == 0 && r.built > 0);
    hs_graph_free(g);
    unsetenv("XDG_CACHE_HOME");
}

int
main(void)
{
    RUN(test_planted_temporaries_not_followed); /* first: see there */
    RUN(test_checksum_sees_every_bit);
    RUN(test_round_trip_test_dumps);
    RUN(test_round_trip_shared_dumps);
    RUN(test_whole_index_opens);
    RUN(test_deprecated_index_names);
    RUN(test_every_truncation_rejected);
    RUN(test_every_bit_flip_rejected);
    RUN(test_foreign_and_junk);
    RUN(test_crafted_indexes_rejected);
    RUN(test_random_damage_never_crashes);
    RUN(test_staleness);
    RUN(test_damaged_file_rebuilt);
    RUN(test_passes_on_mapped_graph);
    RUN(test_classic_from_index);
    RUN(test_index_mode_follows_dump);
    RUN(test_planted_index_ignored);
    return hs_test_end();
}
