/*
 * test_leaks.c - the two thresholds that decide which objects hs_leaks
 * names as owners (hs_leaks.c, "NOTE: about the thresholds"), pinned on
 * a case at each side of each:
 *
 *   share   an owner holds at least 1 % of all candidate bytes (and two
 *           candidates or more): a list holding exactly 1 % is named, one
 *           holding just under 1 % is not (nor is one holding a single
 *           candidate);
 *   spread  no child of an owner holds 80 % or more of its candidate
 *           bytes: with a nested owner holding 80 % the outer list is not
 *           named, at 79 % both are;
 *
 * and the verdicts on a series of three dumps (hs_leaks.c, "MARK:
 * verdicts"): a count that rises by one object in every interval grows
 * at every dump, a flat one (+0) after dump 2 is bounded and ranks below
 * it however many bytes it gains, a rise in the last interval only is
 * no verdict of growth, a rise by less than what was let go of is
 * turnover (the edge: equal is growth), and of two that grow at every
 * dump the one that sustains more growth in its weakest interval ranks
 * first.
 *
 * Two dumps of one "process": in the first, module 1 holds lists A (10),
 * B (20) and C (30), and C holds list D (40), all empty; in the second
 * the lists hold new objects (the candidates) of chosen sizes.
 */
#include "hs_test_graph.h"

#define A 10
#define B 20
#define C 30
#define D 40

static char text[1 << 20];
static size_t len;
static uint64_t next_addr;

/* Appends to text; a dump that outgrows it is a bug of the test, stopped
 * here rather than written past the buffer. */
#define PUT(...) \
    do { \
        len += (size_t)snprintf(text + len, sizeof(text) - len, __VA_ARGS__); \
        if (len >= sizeof(text)) { \
            fprintf(stderr, "test_leaks: dump text past %zu bytes\n", \
                    sizeof(text)); \
            abort(); \
        } \
    } while (0)

/* List addr holding (after `first` other refs) new objects of sizes[]
 * (0-terminated); writes the list, then the objects. */
static void
holder(uint64_t addr, uint64_t first, const uint64_t *sizes)
{
    uint64_t start = next_addr;
    size_t n = 0;
    PUT("{\"address\": %" PRIu64 ", \"type\": \"list\", \"size\": 56, "
        "\"refs\": [", addr);
    if (first) {
        PUT("%" PRIu64, first);
    }
    for (n = 0; sizes[n]; n++) {
        PUT("%s%" PRIu64, n || first ? ", " : "", start + n);
    }
    PUT("]}\n");
    for (n = 0; sizes[n]; n++) {
        PUT("{\"address\": %" PRIu64 ", \"type\": \"bytes\", \"size\": %" PRIu64
            ", \"refs\": []}\n", next_addr++, sizes[n]);
    }
}

/* The suspects' owner addresses, as a bit set over A, B, C, D (1 << 0..3)
 * and the rank of each in rank[] (0 = not named). */
typedef struct found {
    unsigned named;
    size_t rank[4];
} found;

static found
suspects(const uint64_t *a, const uint64_t *b, const uint64_t *c,
         const uint64_t *d)
{
    static const uint64_t none[] = {0};
    found f = {0, {0, 0, 0, 0}};
    hs_graph *g[2];
    hs_leaks *l;
    hs_error err;
    len = 0;
    PUT("{\"address\": 1, \"type\": \"module\", \"size\": 72, \"name\": "
        "\"m\", \"refs\": [%d, %d, %d]}\n", A, B, C);
    next_addr = 1000;
    holder(A, 0, none);
    holder(B, 0, none);
    holder(C, D, none);
    holder(D, 0, none);
    g[0] = hs_test_load_graph("one.json", text);
    len = 0;
    PUT("{\"address\": 1, \"type\": \"module\", \"size\": 72, \"name\": "
        "\"m\", \"refs\": [%d, %d, %d]}\n", A, B, C);
    holder(A, 0, a);
    holder(B, 0, b);
    holder(C, D, c);
    holder(D, 0, d);
    g[1] = hs_test_load_graph("two.json", text);
    l = g[0] && g[1] ? hs_leaks_new((const hs_graph *const *)g, 2, NULL, &err)
                     : NULL;
    CHECK(l != NULL);
    for (size_t i = 0; l && i < hs_leaks_count(l); i++) {
        uint64_t addr = hs_node_address(g[1], hs_leaks_at(l, i)->owner);
        for (int k = 0; k < 4; k++) {
            if (addr == (uint64_t)(k + 1) * 10) {
                f.named |= 1u << k;
                f.rank[k] = i + 1;
            }
        }
    }
    hs_leaks_free(l);
    hs_graph_free(g[0]);
    hs_graph_free(g[1]);
    return f;
}

/* A holds 9,900 bytes in 99 objects of 100 (plus extra bytes in the
 * last); B's objects make up the rest of 10,000 (or less). */
static uint64_t big[100];

static const uint64_t *
leak_a(uint64_t extra)
{
    for (int i = 0; i < 99; i++) {
        big[i] = 100;
    }
    big[98] += extra;
    big[99] = 0;
    return big;
}

static void
test_share_at_one_percent(void)
{
    /* 100 of 10,000 bytes: exactly 1 %, named (after A). */
    static const uint64_t b[] = {50, 50, 0}, none[] = {0};
    found f = suspects(leak_a(0), b, none, none);
    CHECK(f.named & 1u);
    CHECK(f.named & 2u);
    CHECK_EQ_U64(f.rank[0], 1);
}

static void
test_share_under_one_percent(void)
{
    /* 99 of 10,000 bytes (A gets one byte more): under 1 %, and nothing
     * above B holds enough that is not A's, so B's objects go unnamed. */
    static const uint64_t b[] = {50, 49, 0}, none[] = {0};
    found f = suspects(leak_a(1), b, none, none);
    CHECK(f.named & 1u);
    CHECK(!(f.named & 2u));
    CHECK(!(f.named & 8u) && !(f.named & 4u));
}

static void
test_share_one_candidate(void)
{
    /* 500 bytes (5 %) but one object: a single new object is not a pile
     * that grows, so B is not named. */
    static const uint64_t b[] = {500, 0}, none[] = {0};
    found f = suspects(leak_a(0), b, none, none);
    CHECK(f.named & 1u);
    CHECK(!(f.named & 2u));
}

/* C holds two new objects of c bytes each, and list D, which holds
 * two of d bytes each. */
static found
spread(uint64_t c, uint64_t d)
{
    const uint64_t cs[] = {c, c, 0}, ds[] = {d, d, 0}, none[] = {0};
    return suspects(none, none, cs, ds);
}

static void
test_spread_at_eighty_percent(void)
{
    /* D holds 800 of C's 1,000 candidate bytes: D is the better name and
     * C, above it, is not named (its own 200 go up, unnamed). */
    found f = spread(100, 400);
    CHECK(f.named & 8u);
    CHECK(!(f.named & 4u));
    CHECK_EQ_U64(f.rank[3], 1);
}

static void
test_spread_under_eighty_percent(void)
{
    /* D holds 790 of 1,000 (79 %): C spreads enough to be named too, as
     * a second owner for its own 210 bytes, ranked below D. */
    found f = spread(105, 395);
    CHECK(f.named & 8u);
    CHECK(f.named & 4u);
    CHECK_EQ_U64(f.rank[3], 1);
    CHECK_EQ_U64(f.rank[2], 2);
}

/* MARK: verdicts on the series (hs_leaks.c, "MARK: verdicts") */

/* Three dumps: in each, module 1 holds list A (10), which holds a[k]
 * objects of 100 bytes, and list B (20) with b[k] objects of bsize[k]
 * bytes (objects that stay keep their address). Returns A's and B's
 * verdicts and ranks through *va, *vb, *ra, *rb (-1, 0: not a
 * suspect). */
static const uint64_t same_size[] = {100, 100, 100};
static const uint64_t *bsize = same_size;
/* Where B's objects start in each dump: a later start lets go of the
 * objects before it (turnover). */
static const uint64_t same_start[] = {100000, 100000, 100000};
static const uint64_t *bstart = same_start;

static void
series3(const size_t *a, const size_t *b, int *va, int *vb, size_t *ra,
        size_t *rb)
{
    hs_graph *g[3];
    hs_leaks *l;
    hs_error err;
    for (int k = 0; k < 3; k++) {
        uint64_t sa[600], sb[600];
        for (size_t i = 0; i < 600; i++) {
            sa[i] = i < a[k] ? 100 : 0;
            sb[i] = i < b[k] ? bsize[k] : 0;
        }
        len = 0;
        PUT("{\"address\": 1, \"type\": \"module\", \"size\": 72, "
            "\"name\": \"m\", \"refs\": [%d, %d]}\n", A, B);
        /* Objects that stay keep their address; new ones come after. */
        next_addr = 1000;
        holder(A, 0, sa);
        next_addr = bstart[k];
        holder(B, 0, sb);
        g[k] = hs_test_load_graph(k == 0 ? "s1.json" : k == 1 ? "s2.json"
                                                              : "s3.json",
                                  text);
    }
    l = hs_leaks_new((const hs_graph *const *)g, 3, NULL, &err);
    CHECK(l != NULL);
    *va = *vb = -1;
    *ra = *rb = 0;
    for (size_t i = 0; l && i < hs_leaks_count(l); i++) {
        const hs_leak_suspect *s = hs_leaks_at(l, i);
        uint64_t at = hs_node_address(g[2], s->owner);
        if (at == A) {
            *va = (int)s->verdict;
            *ra = i + 1;
        } else if (at == B) {
            *vb = (int)s->verdict;
            *rb = i + 1;
        }
    }
    hs_leaks_free(l);
    for (int k = 0; k < 3; k++) {
        hs_graph_free(g[k]);
    }
}

static void
test_verdict_grows_beats_bigger_bounded(void)
{
    /* A rises by one object in each interval; B's count falls after dump
     * 2 (a burst prune) while its bytes go up much more (larger entries):
     * A grows at every dump and ranks first, B is bounded. */
    static const size_t a[] = {10, 40, 41}, b[] = {100, 500, 499};
    static const uint64_t larger[] = {100, 100, 150};
    int va, vb;
    size_t ra, rb;
    bsize = larger;
    series3(a, b, &va, &vb, &ra, &rb);
    bsize = same_size;
    CHECK_EQ_U64((uint64_t)va, HS_LEAK_GROWS);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_BOUNDED);
    CHECK_EQ_U64(ra, 1);
    CHECK_EQ_U64(rb, 2);
}

static void
test_verdict_flat_count_is_bounded(void)
{
    /* A flat count after dump 2 is bounded (the edge: +0 is not growth);
     * one object more is growth in that interval. */
    static const size_t a[] = {10, 40, 40}, b[] = {10, 40, 41};
    int va, vb;
    size_t ra, rb;
    series3(a, b, &va, &vb, &ra, &rb);
    CHECK_EQ_U64((uint64_t)va, HS_LEAK_BOUNDED);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_GROWS);
    CHECK_EQ_U64(rb, 1);
}

static void
test_verdict_grew_in_the_last_interval_only(void)
{
    /* Flat from dump 1 to 2, then up: it grew, but not at every dump. */
    static const size_t a[] = {40, 40, 90}, b[] = {10, 40, 41};
    int va, vb;
    size_t ra, rb;
    series3(a, b, &va, &vb, &ra, &rb);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_GROWS);
    CHECK(va == -1 || va == HS_LEAK_GREW);
    CHECK_EQ_U64(rb, 1);
}

static void
test_sustained_growth_ranks_first(void)
{
    /* Both grow at every dump; A filled in the first interval (+290)
     * and drifts after (+10), B gains 90 every interval. B sustains
     * more, and ranks first though A gained more over the series. */
    static const size_t a[] = {10, 300, 310}, b[] = {10, 100, 190};
    int va, vb;
    size_t ra, rb;
    series3(a, b, &va, &vb, &ra, &rb);
    CHECK_EQ_U64((uint64_t)va, HS_LEAK_GROWS);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_GROWS);
    CHECK_EQ_U64(rb, 1);
    CHECK_EQ_U64(ra, 2);
}

static void
test_turnover_is_not_growth(void)
{
    /* B's count rises in both intervals (10, 100, 190), by more bytes
     * than A's, but from dump 2 to 3 it lets go of 95 of the objects it
     * held, more than the 90 it gained (a cache pruned in bursts sampled
     * as it rose): bounded. A keeps everything and grows at every dump. */
    static const size_t a[] = {10, 40, 41}, b[] = {10, 100, 190};
    static const uint64_t shifted[] = {100000, 100000, 100095};
    int va, vb;
    size_t ra, rb;
    bstart = shifted;
    series3(a, b, &va, &vb, &ra, &rb);
    bstart = same_start;
    CHECK_EQ_U64((uint64_t)va, HS_LEAK_GROWS);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_BOUNDED);
    CHECK_EQ_U64(ra, 1);
}

static void
test_letting_go_of_what_it_gained(void)
{
    /* The edge: B gains 90 objects from dump 2 to 3; letting go of 90
     * of those it held is still growth, of 91 it is turnover. */
    static const size_t a[] = {10, 40, 41}, b[] = {10, 100, 190};
    static const uint64_t ten[] = {100000, 100000, 100090};
    static const uint64_t eleven[] = {100000, 100000, 100091};
    int va, vb;
    size_t ra, rb;
    bstart = ten;
    series3(a, b, &va, &vb, &ra, &rb);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_GROWS);
    bstart = eleven;
    series3(a, b, &va, &vb, &ra, &rb);
    CHECK_EQ_U64((uint64_t)vb, HS_LEAK_BOUNDED);
    bstart = same_start;
}

int
main(void)
{
    RUN(test_turnover_is_not_growth);
    RUN(test_letting_go_of_what_it_gained);
    RUN(test_sustained_growth_ranks_first);
    RUN(test_verdict_grows_beats_bigger_bounded);
    RUN(test_verdict_flat_count_is_bounded);
    RUN(test_verdict_grew_in_the_last_interval_only);
    RUN(test_share_at_one_percent);
    RUN(test_share_under_one_percent);
    RUN(test_share_one_candidate);
    RUN(test_spread_at_eighty_percent);
    RUN(test_spread_under_eighty_percent);
    return hs_test_end();
}
