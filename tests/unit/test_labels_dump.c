/*
 * test_labels_dump.c - the labels heapscope prints, on a real dump:
 * data/labels/labels-py311.json.gz, written by heapscope's dumper on
 * CPython 3.11 from tests/programs/labels_objects.py (each object below
 * is a global of its __main__). Loaded as the CLI loads it (collapse on).
 *
 *   - a tuple's and a list's items are labelled by their index: their
 *     refs come last item first (tp_traverse counts down);
 *   - __slots__ members by name, a `__dict__` slot as .__dict__;
 *   - refs_as_dict refuses what is not a dict, and the sample line shows
 *     labelled children instead, bounded;
 *   - the dumper's own frames are no roots: main(), which called
 *     heapscope.dump(), is;
 *   - of two one-step paths to the root logger, logging's comes first.
 */
#include "hs_test.h"

#include <heapscope.h>

#include <string.h>

#define DUMP "data/labels/labels-py311.json.gz"

/* Addresses in the dump. */
#define TRIPLE 139633604239680ULL       /* ("triple-a", "triple-b", "triple-c") */
#define ORDERED 139633601641856ULL      /* ["list-a", "list-b", "list-c"] */
#define POINT 139633602377792ULL        /* Point(x, y, z), all slots set */
#define PARTIAL 139633601729344ULL      /* Point with y only */
#define MIXED 139633601729424ULL        /* __slots__ = ('x', '__dict__') */
#define ADDER 139633602074944ULL        /* function with closure, defaults */
#define MAIN_LOCAL 139633604245168ULL   /* 'main-local', in main()'s list */
#define ROOT_LOGGER 139633601728976ULL
#define MAIN_MODULE 139633604248496ULL

static hs_graph *g;

static uint32_t
id_of(uint64_t address)
{
    return hs_graph_find(g, address);
}

static void
check_label(uint64_t parent, uint64_t k, const char *want)
{
    char *label = hs_node_ref_label(g, id_of(parent), k, 0, NULL);
    if (!CHECK_STR(label, want)) {
        printf("      (object %llu, ref %llu)\n", (unsigned long long)parent,
               (unsigned long long)k);
    }
    hs_free(label);
}

static void
test_sequence_indices(void)
{
    check_label(TRIPLE, 0, "[2]");   /* refs[0] is 'triple-c' */
    check_label(TRIPLE, 2, "[0]");
    check_label(ORDERED, 0, "[2]");
    check_label(ORDERED, 1, "[1]");
}

static void
test_slots(void)
{
    check_label(POINT, 0, ".x");     /* declared ('y', 'x', 'z'): sorted */
    check_label(POINT, 1, ".y");
    check_label(POINT, 2, ".z");
    check_label(POINT, 3, "__class__");
    check_label(PARTIAL, 0, "refs[0]");  /* which slot is unknown */
    check_label(MIXED, 0, ".x");
    check_label(MIXED, 1, ".__dict__");
}

static void
test_refs_as_dict_and_line(void)
{
    hs_ref_item *items = NULL;
    size_t n = 0;
    hs_error err;
    char *line;
    CHECK_EQ_I64(hs_node_refs_as_dict(g, id_of(TRIPLE), &items, &n, &err),
                 HS_EUNSUPPORTED);
    CHECK_EQ_I64(hs_node_refs_as_dict(g, id_of(ADDER), &items, &n, &err),
                 HS_EUNSUPPORTED);
    line = hs_node_refs_line(g, id_of(TRIPLE), 8, 0, &err);
    CHECK_STR(line, "[2] str(139633604244272 57B 2par 'triple-c'), "
                    "[1] str(139633604244208 57B 2par 'triple-b'), "
                    "[0] str(139633604244144 57B 2par 'triple-a')");
    hs_free(line);
    line = hs_node_refs_line(g, id_of(ADDER), 1, 0, &err);
    CHECK_STR(line, ".__code__ code(139633603775104 240B 1par "
                    "'make_adder.<locals>.adder'), ... 8 more");
    hs_free(line);
    /* A module's collapsed dict: pairs, cut after two. */
    line = hs_node_refs_line(g, id_of(MAIN_MODULE), 2, 0, &err);
    CHECK(line && strncmp(line, "{'__name__': '__main__', ", 25) == 0);
    CHECK(line && strstr(line, ", ... 21 more}") != NULL);
    hs_free(line);
}

static void
test_dumper_frames_are_no_roots(void)
{
    hs_path_options o = {.max_paths = 2};
    hs_error err;
    hs_paths *p = hs_paths_find(g, id_of(MAIN_LOCAL), &o, &err);
    size_t len;
    const uint32_t *nodes;
    size_t vlen = 0;
    hs_value_kind kind;
    const char *value;
    if (!CHECK(p != NULL)) {
        return;
    }
    CHECK_EQ_U64(hs_paths_count(p), 2);
    /* Path 1 is CPython's compiler arena (a list nothing refers to);
     * path 2 starts at main(), not at heapscope's dump() frames. */
    CHECK_STR(hs_paths_root_kind(p, 1), "called the dumper");
    nodes = hs_paths_at(p, 1, &len);
    CHECK_EQ_U64(len, 3);
    value = hs_node_value(g, nodes[0], &vlen, &kind);
    CHECK_MEM(value, vlen, "main");
    hs_paths_free(p);
}

static void
test_import_name_first(void)
{
    hs_path_options o = {.max_paths = 2};
    hs_error err;
    hs_paths *p = hs_paths_find(g, id_of(ROOT_LOGGER), &o, &err);
    size_t len, nlen;
    const uint32_t *nodes;
    const char *name;
    if (!CHECK(p != NULL)) {
        return;
    }
    CHECK_EQ_U64(hs_paths_count(p), 2);
    nodes = hs_paths_at(p, 0, &len);
    name = hs_node_name(g, nodes[0], &nlen);
    CHECK(len == 2 && name && nlen == 7 && memcmp(name, "logging", 7) == 0);
    nodes = hs_paths_at(p, 1, &len);
    name = hs_node_name(g, nodes[0], &nlen);
    CHECK(len == 2 && name && nlen == 14
          && memcmp(name, "labels_pkg.api", 14) == 0);
    hs_paths_free(p);
}

int
main(void)
{
    hs_load_options o;
    hs_error err;
    hs_load_options_init(&o);
    o.threads = 1;
    g = hs_graph_load(DUMP, &o, &err);
    if (!g) {
        printf("    load %s: %s\n", DUMP, err.message);
        return 1;
    }
    RUN(test_sequence_indices);
    RUN(test_slots);
    RUN(test_refs_as_dict_and_line);
    RUN(test_dumper_frames_are_no_roots);
    RUN(test_import_name_first);
    hs_graph_free(g);
    return hs_test_end();
}
