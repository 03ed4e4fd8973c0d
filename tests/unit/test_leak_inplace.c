/*
 * test_leak_inplace.c - owners that grow in place (hs_leak_inplace.c):
 * an object that holds no new object but whose own size rose at every
 * interval. Pinned at each side of each rule:
 *
 *   floor    4 KiB of growth from the first dump to the last is named,
 *            a byte less is not; and at least 1 % of the candidate bytes
 *            (with a big leak beside it, 1 % of it decides);
 *   rises    every interval: a fall in the last one is not growth;
 *   kind     a bytes object at the same address with a larger size is
 *            another object (bytes never change size), not growth;
 *   same     an object at the same address under another referrer is a
 *            new object at a reused address, not growth;
 *   verdict  grows at every dump over three dumps (read in bytes: its
 *            count is flat), grew over two; the suspect says it grows in
 *            place and holds no new object;
 *   rank     after an owner of the same verdict that holds new objects,
 *            however many more bytes it gains.
 *
 * The dumps: module 1 refers to a list A (holding new objects: the
 * candidates) and to a holder H (address 60), which refers to X
 * (address 70), the object that may grow.
 */
#include "hs_test_graph.h"

#define A 10
#define H 60
#define H2 61
#define X 70

static char text[1 << 16];
static size_t len;

#define PUT(...) \
    (len += (size_t)snprintf(text + len, sizeof(text) - len, __VA_ARGS__))

typedef struct shape {
    size_t ndumps;
    const char *type;       /* X's type */
    uint64_t size[3];       /* X's size per dump */
    uint64_t leak[3];       /* A's new objects per dump, 100 bytes each,
                               or a single one of leak_bytes */
    uint64_t leak_bytes;
    int moved;              /* X is under another holder in the last dump */
} shape;

typedef struct seen {
    int named;              /* X is a suspect */
    hs_leak_verdict verdict;
    int in_place;
    uint64_t new_count;
    size_t rank, rank_a;    /* X's and A's, 1-based; 0: not named */
} seen;

static void
write_dump(const shape *s, size_t k)
{
    uint64_t holder = s->moved && k + 1 == s->ndumps ? H2 : H;
    len = 0;
    PUT("{\"address\": 1, \"type\": \"module\", \"size\": 72, \"name\": "
        "\"m\", \"refs\": [%d, %" PRIu64 "]}\n", A, holder);
    PUT("{\"address\": %d, \"type\": \"list\", \"size\": 56, \"refs\": [",
        A);
    for (uint64_t i = 0; i < s->leak[k]; i++) {
        PUT("%s%" PRIu64, i ? ", " : "", 1000 + i);
    }
    PUT("]}\n");
    for (uint64_t i = 0; i < s->leak[k]; i++) {
        PUT("{\"address\": %" PRIu64 ", \"type\": \"dict\", \"size\": %"
            PRIu64 ", \"refs\": []}\n", 1000 + i,
            s->leak_bytes ? s->leak_bytes : 100);
    }
    PUT("{\"address\": %" PRIu64 ", \"type\": \"Conn\", \"size\": 48, "
        "\"refs\": [%d]}\n", holder, X);
    PUT("{\"address\": %d, \"type\": \"%s\", \"size\": %" PRIu64
        ", \"refs\": []}\n", X, s->type, s->size[k]);
}

static seen
run(const shape *s)
{
    seen out = {0, HS_LEAK_BOUNDED, 0, 0, 0, 0};
    hs_graph *g[3] = {NULL, NULL, NULL};
    hs_leaks *l = NULL;
    hs_error err;
    bool loaded = true;
    for (size_t k = 0; k < s->ndumps; k++) {
        char name[64];
        write_dump(s, k);
        snprintf(name, sizeof(name), "inplace-%zu.json", k);
        g[k] = hs_test_load_graph(name, text);
        loaded &= g[k] != NULL;
    }
    if (CHECK(loaded)) {
        l = hs_leaks_new((const hs_graph *const *)g, s->ndumps, NULL, &err);
        CHECK(l != NULL);
    }
    for (size_t i = 0; l && i < hs_leaks_count(l); i++) {
        const hs_leak_suspect *x = hs_leaks_at(l, i);
        uint64_t at = hs_node_address(g[s->ndumps - 1], x->owner);
        if (at == X) {
            out.named = 1;
            out.verdict = x->verdict;
            out.in_place = x->grows_in_place;
            out.new_count = x->new_count;
            out.rank = i + 1;
        } else if (at == A) {
            out.rank_a = i + 1;
        }
    }
    hs_leaks_free(l);
    for (size_t k = 0; k < s->ndumps; k++) {
        hs_graph_free(g[k]);
    }
    return out;
}

static void
test_floor_four_kib(void)
{
    shape s = {3, "bytearray", {1000, 3000, 5096}, {1, 2, 3}, 0, 0};
    seen x = run(&s);
    CHECK(x.named && x.in_place && x.verdict == HS_LEAK_GROWS);
    CHECK_EQ_U64(x.new_count, 0);
    s.size[2] = 5095;
    CHECK(!run(&s).named);
}

static void
test_floor_one_percent_of_candidates(void)
{
    /* Two candidates of 600,000 bytes beside it (new since dump 1, alive
     * at dump 2): 1 % is 12,000. */
    shape s = {3, "list", {1000, 7000, 13000}, {1, 3, 4}, 600000, 0};
    CHECK(run(&s).named);
    s.size[2] = 12999;
    CHECK(!run(&s).named);
}

static void
test_rises_at_every_interval(void)
{
    shape s = {3, "bytearray", {1000, 9000, 8000}, {1, 2, 3}, 0, 0};
    CHECK(!run(&s).named);
}

static void
test_fixed_size_types_never_grow(void)
{
    shape s = {3, "bytes", {1000, 9000, 20000}, {1, 2, 3}, 0, 0};
    CHECK(!run(&s).named);
    s.type = "bytearray";
    CHECK(run(&s).named);
}

static void
test_reused_address_is_not_growth(void)
{
    shape s = {3, "bytearray", {1000, 9000, 20000}, {1, 2, 3}, 0, 1};
    CHECK(!run(&s).named);
}

static void
test_two_dumps_grew(void)
{
    shape s = {2, "bytearray", {1000, 9000, 0}, {1, 3, 0}, 0, 0};
    seen x = run(&s);
    CHECK(x.named && x.in_place && x.verdict == HS_LEAK_GREW);
}

static void
test_ranks_after_new_objects(void)
{
    /* A keeps its objects and gains two of 100 bytes an interval (grows
     * at every dump); X gains 10,000 bytes an interval in place. */
    shape s = {3, "bytearray", {1000, 11000, 21000}, {1, 3, 5}, 0, 0};
    seen x = run(&s);
    CHECK(x.named && x.verdict == HS_LEAK_GROWS);
    CHECK_EQ_U64(x.rank_a, 1);
    CHECK_EQ_U64(x.rank, 2);
}

int
main(void)
{
    RUN(test_ranks_after_new_objects);
    RUN(test_floor_four_kib);
    RUN(test_floor_one_percent_of_candidates);
    RUN(test_rises_at_every_interval);
    RUN(test_fixed_size_types_never_grow);
    RUN(test_reused_address_is_not_growth);
    RUN(test_two_dumps_grew);
    return hs_test_end();
}
