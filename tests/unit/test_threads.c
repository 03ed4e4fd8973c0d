/*
 * test_threads.c - a load on several threads equals the load on one,
 * field by field, on a dump big enough that every parallel path runs:
 * the file is cut into slices (32 MiB and up), the address index is
 * built in slot ranges and refs resolved in chunks (a million records
 * and refs and up), collapse rebuilds the children and parents are
 * walked by child ranges (a million edges and up).
 *
 * The dump mixes what makes those paths differ from a plain walk:
 * refs near and far, dangling refs (one address from several chunks, so
 * phantom ids depend on ref order), a duplicate record far from its
 * first, instances whose dicts collapse, and a node referring to the
 * same child twice.
 *
 * An index written by a load on several threads (part of it on a
 * background thread while the passes run) maps back to the same graph.
 */
#include "hs_test.h"

#include <heapscope.h>

#include "hs_test_same.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { RECORDS = 1200000 };

static uint64_t
rng(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

/* Far refs stay clear of the last lines, where the duplicate takes the
 * place of a record. */
enum { FAR = RECORDS - 8 };

static uint64_t
address(uint64_t i)
{
    return 0x7f0000000000ull + 48 * i;
}

/* One record per line; i is the line (from 0). */
static void
write_record(FILE *f, uint64_t i, uint64_t *state)
{
    uint64_t a = address(i), far = address(rng(state) % FAR);
    switch (i % 8) {
    case 0: /* an instance, its dict next, its class at line 1 */
        fprintf(f, "{\"address\": %llu, \"type\": \"Request\", \"size\": 48, "
                "\"refs\": [%llu, %llu]}\n", (unsigned long long)a,
                (unsigned long long)address(i + 1),
                (unsigned long long)address(1));
        break;
    case 1:
        if (i == 1) {
            fprintf(f, "{\"address\": %llu, \"type\": \"type\", \"size\": "
                    "1056, \"name\": \"Request\", \"refs\": []}\n",
                    (unsigned long long)a);
            break;
        }
        fprintf(f, "{\"address\": %llu, \"type\": \"dict\", \"size\": 232, "
                "\"len\": 2, \"refs\": [%llu, %llu, %llu, %llu]}\n",
                (unsigned long long)a, (unsigned long long)address(i + 1),
                (unsigned long long)far, (unsigned long long)address(i + 2),
                (unsigned long long)far);
        break;
    case 2:
    case 3:
        fprintf(f, "{\"address\": %llu, \"type\": \"str\", \"size\": 57, "
                "\"len\": 8, \"value\": \"s%07llu\", \"refs\": []}\n",
                (unsigned long long)a, (unsigned long long)i);
        break;
    case 4: /* far refs, one twice, and every 1000th a dangling one */
        fprintf(f, "{\"address\": %llu, \"type\": \"list\", \"size\": 88, "
                "\"len\": 4, \"refs\": [%llu, %llu, %llu, %llu]}\n",
                (unsigned long long)a, (unsigned long long)far,
                (unsigned long long)address(rng(state) % FAR),
                (unsigned long long)far,
                (unsigned long long)(i % 1000 == 4
                                     ? 0x10 + 16 * (rng(state) % 7)
                                     : address(i - 4)));
        break;
    case 5: /* a duplicate of an early record, once, far into the file */
        fprintf(f, "{\"address\": %llu, \"type\": \"int\", \"size\": 28, "
                "\"value\": %llu, \"refs\": []}\n",
                (unsigned long long)(i == RECORDS - 3 ? address(2) : a),
                (unsigned long long)i);
        break;
    default:
        fprintf(f, "{\"address\": %llu, \"type\": \"tuple\", \"size\": 56, "
                "\"len\": 2, \"refs\": [%llu, %llu]}\n",
                (unsigned long long)a, (unsigned long long)address(i - 1),
                (unsigned long long)far);
        break;
    }
}

static const char *
write_dump(void)
{
    const char *path = hs_test_file("threads.json", "", 0);
    FILE *f = fopen(path, "w");
    uint64_t state = 88172645463325252ull;
    if (!f) {
        return NULL;
    }
    for (uint64_t i = 0; i < RECORDS; i++) {
        write_record(f, i, &state);
    }
    return fclose(f) == 0 ? path : NULL;
}

static hs_graph *
load(const char *path, hs_load_flags flags, unsigned threads)
{
    hs_load_options o;
    hs_error err;
    hs_graph *g;
    hs_load_options_init(&o);
    o.flags = flags;
    o.threads = threads;
    g = hs_graph_load(path, &o, &err);
    if (!g) {
        printf("    load on %u threads: %s\n", threads, err.message);
    }
    return g;
}

static void
agree(const char *path, hs_load_flags flags)
{
    hs_graph *one = load(path, flags, 1);
    const hs_load_stats *st;
    if (!CHECK(one != NULL)) {
        return;
    }
    st = hs_graph_stats(one);
    /* The dump really takes every parallel path and has every feature. */
    CHECK(st->file_bytes >= (32u << 20));
    CHECK(one->n >= (1u << 20));
    CHECK(one->children.nedges >= (1u << 20));
    CHECK_EQ_U64(st->duplicates, 1);
    /* 7 junk addresses, and the one the duplicate took the line of */
    CHECK_EQ_U64(st->dangling_addresses, 8);
    CHECK(st->dangling_refs > 1000);
    CHECK(flags & HS_LOAD_NO_COLLAPSE ? st->collapsed == 0
                                      : st->collapsed > 100000);
    for (unsigned t = 2; t <= 3; t++) {
        hs_graph *many = load(path, flags, t);
        if (CHECK(many != NULL) && !CHECK(same_graph(one, many))) {
            printf("    %u threads (flags %d)\n", t, (int)flags);
        }
        hs_graph_free(many);
    }
    hs_graph_free(one);
}

/* hs_graph_open on `threads`, writing the index, then again reading it:
 * the mapped graph equals a fresh load on one thread. */
static void
index_agrees(const char *path, unsigned threads)
{
    hs_load_options o;
    hs_snapshot_report r;
    hs_error err;
    hs_graph *fresh, *first, *mapped;
    hs_load_options_init(&o);
    o.threads = threads;
    fresh = load(path, HS_LOAD_DEFAULT, 1);
    first = hs_graph_open(path, &o,
                          HS_SNAPSHOT_NO_READ | HS_SNAPSHOT_FORCE_WRITE, &r,
                          &err);
    if (!CHECK(fresh && first && r.written)) {
        printf("    %u threads: %s\n", threads, first ? r.reason
                                                     : err.message);
    } else if (!CHECK(same_graph(fresh, first))) {
        printf("    the load that wrote the index, %u threads\n", threads);
    }
    mapped = hs_graph_open(path, &o, HS_SNAPSHOT_NO_WRITE, &r, &err);
    if (CHECK(mapped && r.used) && fresh && !CHECK(same_graph(fresh, mapped))) {
        printf("    the index written on %u threads\n", threads);
    }
    hs_graph_free(mapped);
    hs_graph_free(first);
    hs_graph_free(fresh);
}

static void
test_threads_agree(void)
{
    const char *path = write_dump();
    if (!CHECK(path != NULL)) {
        return;
    }
    agree(path, HS_LOAD_DEFAULT);
    agree(path, HS_LOAD_NO_COLLAPSE);
    index_agrees(path, 2);
    index_agrees(path, 1);
}

/* MARK: many duplicates
 *
 * The index finds duplicates after inserting (hs_link.c,
 * find_duplicates): a dump where a sixth of the records repeat an
 * earlier address, some many times and one 300 times in a row, loads as
 * meliae loads it, the first record of each address winning, on 1, 2
 * and 3 threads. */
enum { DUP_RECORDS = 1100000, DUP_RUN = 300, DUP_RUN_AT = 500000 };

static uint64_t *
dup_addresses(void)
{
    uint64_t *a = malloc(DUP_RECORDS * sizeof(*a));
    uint64_t state = 0x9e3779b97f4a7c15ull;
    if (!a) {
        return NULL;
    }
    for (uint64_t i = 0; i < DUP_RECORDS; i++) {
        if (i >= DUP_RUN_AT && i < DUP_RUN_AT + DUP_RUN) {
            a[i] = address(7);
        } else if (i > 7 && rng(&state) % 6 == 0) {
            a[i] = a[rng(&state) % i]; /* maybe a duplicate's: a third */
        } else {
            a[i] = address(i);
        }
    }
    return a;
}

static void
check_first_wins(const hs_graph *g, const uint64_t *a, unsigned threads)
{
    uint64_t distinct = 0, wrong = 0;
    for (uint64_t i = 0; i < DUP_RECORDS; i++) {
        uint32_t id = hs_graph_find(g, a[i]);
        size_t len;
        const char *v = id == HS_NO_NODE ? NULL
                                         : hs_node_value(g, id, &len, NULL);
        char want[32];
        /* the first line of an address is the one whose address is new */
        bool first = a[i] == address(i);
        if (!first) {
            continue;
        }
        distinct++;
        snprintf(want, sizeof(want), "%llu", (unsigned long long)i);
        if (!v || len != strlen(want) || memcmp(v, want, len) != 0) {
            wrong += 1;
        }
    }
    if (!CHECK_EQ_U64(wrong, 0)) {
        printf("    %u threads: addresses not found at their first line\n",
               threads);
    }
    CHECK_EQ_U64(hs_graph_count(g), distinct);
    CHECK_EQ_U64(hs_graph_stats(g)->duplicates, DUP_RECORDS - distinct);
}

static void
test_many_duplicates(void)
{
    const char *path = hs_test_file("dups.json", "", 0);
    uint64_t *a = dup_addresses();
    FILE *f = path && a ? fopen(path, "w") : NULL;
    hs_graph *one;
    if (!CHECK(f != NULL)) {
        free(a);
        return;
    }
    for (uint64_t i = 0; i < DUP_RECORDS; i++) {
        fprintf(f, "{\"address\": %llu, \"type\": \"int\", \"size\": 28, "
                "\"value\": %llu, \"refs\": []}\n",
                (unsigned long long)a[i], (unsigned long long)i);
    }
    if (!CHECK(fclose(f) == 0)) {
        free(a);
        return;
    }
    one = load(path, HS_LOAD_DEFAULT, 1);
    if (CHECK(one != NULL)) {
        CHECK(hs_graph_stats(one)->duplicates > DUP_RECORDS / 8);
        check_first_wins(one, a, 1);
    }
    for (unsigned t = 2; t <= 3 && one; t++) {
        hs_graph *many = load(path, HS_LOAD_DEFAULT, t);
        if (CHECK(many != NULL)) {
            check_first_wins(many, a, t);
            CHECK(same_graph(one, many));
        }
        hs_graph_free(many);
    }
    hs_graph_free(one);
    free(a);
}

int
main(void)
{
    RUN(test_threads_agree);
    RUN(test_many_duplicates);
    return hs_test_end();
}
