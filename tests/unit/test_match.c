/*
 * test_match.c - hs_match_all (hs_match.c) finds, for every object of a
 * later dump, the same object in an earlier one: the answer of a look-up
 * by address plus hs_same_object, whichever way it gets there.
 *
 * OLD holds N objects at ascending addresses, every seventh a str. NEW
 * keeps them, less every eleventh (freed), with every thirteenth address
 * reused by a list (a new object) and every seventeenth str's value
 * changed (a new str at a reused address); its first half keeps OLD's
 * order (the place after the previous match is right), its second half
 * comes in reversed blocks of 5 (it is wrong after every object, so the
 * index answers), then come objects at addresses OLD never had. N is
 * above two ranges of hs_match_all, so NEW on two threads splits it.
 */
#include "hs_test_graph.h"

#include "analysis/hs_match.h"
#include "util/hs_mem.h"

#include <inttypes.h>
#include <stdlib.h>

#define N 150000
#define FRESH 1000

static char *text;
static size_t len, cap;

static void
put_object(uint64_t i, const char *type, const char *value)
{
    if (cap - len < 256) {
        cap = cap ? 2 * cap : 1 << 20;
        text = realloc(text, cap);
        if (!text) {
            abort();
        }
    }
    len += (size_t)snprintf(text + len, cap - len,
                            "{\"address\": %" PRIu64 ", \"type\": \"%s\", "
                            "\"size\": 32%s%s%s, \"refs\": []}\n",
                            1000 + 16 * i, type, value ? ", \"value\": \"" : "",
                            value ? value : "", value ? "\"" : "");
}

/* Object i of NEW (or of OLD when old): NULL type when freed. */
static void
new_object(uint64_t i, bool old)
{
    char value[32];
    bool str = i % 7 == 0;
    if (!old && i % 11 == 0) {
        return;
    }
    snprintf(value, sizeof(value), "s%" PRIu64 "%s", i,
             !old && str && i % 17 == 0 ? "-changed" : "");
    if (!old && i % 13 == 0) {
        put_object(i, "list", NULL);
    } else {
        put_object(i, str ? "str" : "dict", str ? value : NULL);
    }
}

static bool
kept(uint64_t i)
{
    return i % 11 != 0 && i % 13 != 0 && !(i % 7 == 0 && i % 17 == 0);
}

static hs_graph *
load(const char *name, unsigned threads)
{
    return hs_test_load_path(hs_test_file(name, text, len),
                             HS_LOAD_NO_COLLAPSE, threads);
}

static void
check_threads(unsigned threads)
{
    hs_graph *old_g, *new_g;
    uint32_t *map;
    uint64_t expect = 0, found = 0, agree = 0, live = 0;
    len = 0;
    for (uint64_t i = 0; i < N; i++) {
        new_object(i, true);
    }
    old_g = load("old.json", threads);
    len = 0;
    for (uint64_t i = 0; i < N / 2; i++) {
        new_object(i, false);
    }
    for (uint64_t b = N / 2; b < N; b += 5) {
        for (uint64_t i = b + 5; i-- > b;) {
            new_object(i, false);
        }
    }
    for (uint64_t i = N; i < N + FRESH; i++) {
        put_object(i, "dict", NULL);
    }
    new_g = load("new.json", threads);
    if (!CHECK(old_g && new_g)) {
        hs_graph_free(old_g);
        hs_graph_free(new_g);
        return;
    }
    for (uint64_t i = 0; i < N; i++) {
        expect += kept(i);
    }
    map = hs_match_all(old_g, new_g);
    CHECK(map != NULL);
    for (uint32_t v = 0; map && v < hs_graph_capacity(new_g); v++) {
        uint32_t o = hs_graph_find(old_g, hs_node_address(new_g, v));
        uint32_t want = o != HS_NO_NODE && hs_node_exists(new_g, v)
                                && hs_same_object(old_g, o, new_g, v)
                            ? o
                            : HS_NO_NODE;
        live += hs_node_exists(new_g, v) != 0;
        found += map[v] != HS_NO_NODE;
        agree += map[v] == want;
    }
    CHECK_EQ_U64(live, N - (N + 10) / 11 + FRESH);
    CHECK_EQ_U64(found, expect);
    CHECK_EQ_U64(agree, hs_graph_capacity(new_g));
    hs_mfree(new_g->a, map);
    hs_graph_free(old_g);
    hs_graph_free(new_g);
}

static void
one_thread(void)
{
    check_threads(1);
}

static void
two_threads(void)
{
    check_threads(2);
}

int
main(void)
{
    RUN(one_thread);
    RUN(two_threads);
    free(text);
    return hs_test_end();
}
