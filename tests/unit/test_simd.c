/*
 * test_simd.c - the byte searches of hs_simd on every level this CPU
 * runs: the same answers as the portable code on random bytes at every
 * offset and length (each window in a buffer of its own exact size, so
 * that ASan sees any read past its end), and the same graphs, byte for
 * byte, or the same error, for every dump the golden tests read
 * (tests/data) and every input of the fuzz corpus.
 */
#include "hs_test.h"
#include "hs_test_same.h"

#include "util/hs_simd.h"

#include <dirent.h>
#include <heapscope.h>
#include <sys/stat.h>

/* MARK: the searches */

/* Bytes a dump's strings are made of, the stops rarer than the rest so
 * that a search runs over several vectors before it finds one. */
static void
fill_random(unsigned char *buf, size_t n, unsigned seed)
{
    static const unsigned char rare[] = {'"', '\\', '\n', 0x00, 0x01, 0x1f};
    static const unsigned char common[] = {'a', 'Z', ' ', '0', ',', 0x20,
                                           0x21, 0x5b, 0x5d, 0x7f, 0x80,
                                           0xc3, 0xa9, 0xe4, 0xff, 0x9f};
    for (size_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        unsigned r = seed >> 16;
        buf[i] = r % 23 == 0 ? rare[(r >> 5) % sizeof(rare)]
                             : common[(r >> 5) % sizeof(common)];
    }
}

static void
test_searches_agree(void)
{
    unsigned char src[256];
    for (unsigned seed = 1; seed <= 40; seed++) {
        fill_random(src, sizeof(src), seed);
        for (size_t start = 0; start < 40; start++) {
            for (size_t len = 0; start + len <= sizeof(src); len += 1 + len / 16) {
                char *w = malloc(len ? len : 1);
                const char *want_nl, *want_stop;
                memcpy(w, src + start, len);
                hs_simd_select(HS_SIMD_PORTABLE);
                want_nl = hs_find_newline(w, w + len);
                want_stop = hs_find_string_stop(w, w + len);
                for (int l = 1; l < HS_SIMD_LEVELS; l++) {
                    if (!hs_simd_select((hs_simd_level)l)) {
                        continue;
                    }
                    CHECK(hs_find_newline(w, w + len) == want_nl);
                    CHECK(hs_find_string_stop(w, w + len) == want_stop);
                }
                free(w);
            }
        }
    }
    hs_simd_select(HS_SIMD_PORTABLE);
    /* The portable code itself, on a known buffer. */
    {
        const char s[] = "abc\\\"d\x1f" "e\nf";
        const char *e = s + sizeof(s) - 1;
        CHECK(hs_find_string_stop(s, e) == s + 3);
        CHECK(hs_find_string_stop(s + 4, e) == s + 4);
        CHECK(hs_find_string_stop(s + 5, e) == s + 6);
        CHECK(hs_find_newline(s, e) == s + 8);
        CHECK(hs_find_newline(s + 9, e) == NULL);
        CHECK(hs_find_string_stop(s + 9, e) == e);
    }
}

static void
test_levels(void)
{
    CHECK(hs_simd_available(HS_SIMD_PORTABLE));
    CHECK(!hs_simd_select((hs_simd_level)7));
    CHECK_STR(hs_simd_name(HS_SIMD_AVX2), "avx2");
#if defined(__x86_64__)
    CHECK(hs_simd_available(HS_SIMD_SSE2)); /* the x86-64 baseline */
#endif
    for (int l = 0; l < HS_SIMD_LEVELS; l++) {
        if (hs_simd_select((hs_simd_level)l)) {
            CHECK_EQ_U64(hs_simd_current(), l);
        }
    }
    printf("    levels here:");
    for (int l = 0; l < HS_SIMD_LEVELS; l++) {
        if (hs_simd_available((hs_simd_level)l)) {
            printf(" %s", hs_simd_name((hs_simd_level)l));
        }
    }
    printf("\n");
}

/* MARK: whole dumps */

static unsigned files_compared;

static hs_graph *
load(const char *path, hs_load_flags flags, hs_error *err)
{
    hs_load_options o;
    hs_load_options_init(&o);
    o.flags = flags;
    o.threads = 1;
    memset(err, 0, sizeof(*err));
    return hs_graph_load(path, &o, err);
}

static bool
same_error(const hs_error *a, const hs_error *b)
{
    return a->code == b->code && a->line == b->line && a->column == b->column
           && a->offset == b->offset && strcmp(a->message, b->message) == 0;
}

/* path loaded on every level, strict and skipping bad lines: the same
 * graph or the same error as on the portable level. */
static void
compare_levels(const char *path)
{
    static const hs_load_flags flags[] = {0, HS_LOAD_SKIP_BAD_LINES};
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++) {
        hs_error e0, e;
        hs_graph *g0, *g;
        hs_simd_select(HS_SIMD_PORTABLE);
        g0 = load(path, flags[f], &e0);
        for (int l = 1; l < HS_SIMD_LEVELS; l++) {
            if (!hs_simd_select((hs_simd_level)l)) {
                continue;
            }
            g = load(path, flags[f], &e);
            if (!CHECK(!g0 == !g)
                || !CHECK(g ? same_graph(g0, g) : same_error(&e0, &e))) {
                printf("    %s, %s, flags %d: %s / %s\n", path,
                       hs_simd_name((hs_simd_level)l), (int)flags[f],
                       g0 ? "loaded" : e0.message, g ? "loaded" : e.message);
            }
            hs_graph_free(g);
        }
        hs_graph_free(g0);
    }
    files_compared++;
}

/* Every regular file under dir, recursively, in name order. */
static void
compare_tree(const char *dir)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    if (!CHECK(n >= 0)) {
        printf("    cannot list %s\n", dir);
        return;
    }
    for (int i = 0; i < n; i++) {
        char path[1024];
        struct stat st;
        if (names[i]->d_name[0] != '.'
            && (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
                                names[i]->d_name) < sizeof(path)
            && stat(path, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                compare_tree(path);
            } else if (S_ISREG(st.st_mode)) {
                compare_levels(path);
            }
        }
        free(names[i]);
    }
    free(names);
}

static void
test_golden_inputs(void)
{
    files_compared = 0;
    compare_tree("data");
    printf("    %u dumps of tests/data\n", files_compared);
    CHECK(files_compared >= 25);
}

static void
test_fuzz_corpus(void)
{
    /* index: snapshot files, not dumps (hs_simd is not on their path). */
    static const char *const targets[] = {"line", "load", "diff", "html"};
    files_compared = 0;
    for (size_t t = 0; t < sizeof(targets) / sizeof(targets[0]); t++) {
        char dir[64];
        snprintf(dir, sizeof(dir), "fuzz/corpus/%s", targets[t]);
        compare_tree(dir);
    }
    printf("    %u fuzz inputs\n", files_compared);
    CHECK(files_compared >= 1000);
}

int
main(void)
{
    RUN(test_levels);
    RUN(test_searches_agree);
    RUN(test_golden_inputs);
    RUN(test_fuzz_corpus);
    return hs_test_end();
}
