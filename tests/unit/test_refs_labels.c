/*
 * test_refs_labels.c - edge labels of the known C slots (hs_refs_dict.c,
 * "known slots"): a function's __code__, __globals__, __builtins__,
 * __defaults__ and __closure__, a bound method's __func__ and __self__, a
 * cell's contents, a class's __dict__, __mro__ and __bases__, a module's
 * own dict, a frame's f_code; and refs[k] wherever the layout
 * leaves the slot uncertain.
 */
#include "hs_test_graph.h"

/* A heapscope dump (key, value dicts) with one of each. Addresses:
 * 1 module m and 2 its dict (kept apart: no collapse); 10 function f
 * (code, globals, builtins, module name, defaults, doc, name, closure,
 * qualname); 11 function g on 3.9 (code, globals, module name, closure;
 * no defaults); 12 function h whose refs do not start with code; 20
 * method; 30 cell; 40 class C; 50 frame; 60 tuple of cells. */
static const char dump[] =
    "{\"heapscope_dump\": 1, \"python\": \"3.11.7\", \"pointer_size\": 8}\n"
    "{\"address\": 1, \"type\": \"module\", \"size\": 72, \"name\": \"m\", "
    "\"refs\": [2]}\n"
    "{\"address\": 2, \"type\": \"dict\", \"size\": 100, \"len\": 1, "
    "\"refs\": [3, 10]}\n"
    "{\"address\": 3, \"type\": \"str\", \"size\": 50, \"len\": 1, "
    "\"value\": \"f\", \"refs\": []}\n"
    "{\"address\": 4, \"type\": \"code\", \"size\": 100, \"refs\": []}\n"
    "{\"address\": 5, \"type\": \"dict\", \"size\": 100, \"len\": 0, "
    "\"refs\": []}\n"
    "{\"address\": 6, \"type\": \"tuple\", \"size\": 48, \"len\": 1, "
    "\"refs\": [7]}\n"
    "{\"address\": 7, \"type\": \"list\", \"size\": 56, \"len\": 0, "
    "\"refs\": []}\n"
    "{\"address\": 8, \"type\": \"NoneType\", \"size\": 16, \"refs\": []}\n"
    "{\"address\": 10, \"type\": \"function\", \"size\": 152, \"name\": "
    "\"f\", \"refs\": [4, 2, 5, 3, 6, 8, 3, 60, 3]}\n"
    "{\"address\": 11, \"type\": \"function\", \"size\": 152, \"name\": "
    "\"g\", \"refs\": [4, 2, 3, 60]}\n"
    "{\"address\": 12, \"type\": \"function\", \"size\": 152, \"name\": "
    "\"h\", \"refs\": [2, 6]}\n"
    "{\"address\": 20, \"type\": \"method\", \"size\": 48, "
    "\"refs\": [10, 40]}\n"
    "{\"address\": 30, \"type\": \"cell\", \"size\": 40, \"refs\": [7]}\n"
    "{\"address\": 40, \"type\": \"type\", \"size\": 1688, \"name\": "
    "\"C\", \"refs\": [41, 42, 43, 44]}\n"
    "{\"address\": 41, \"type\": \"dict\", \"size\": 272, \"len\": 1, "
    "\"refs\": [45, 5]}\n"
    "{\"address\": 42, \"type\": \"tuple\", \"size\": 56, \"len\": 2, "
    "\"refs\": [44, 40]}\n"
    "{\"address\": 43, \"type\": \"tuple\", \"size\": 48, \"len\": 1, "
    "\"refs\": [44]}\n"
    "{\"address\": 44, \"type\": \"type\", \"size\": 408, \"name\": "
    "\"object\", \"refs\": []}\n"
    "{\"address\": 45, \"type\": \"str\", \"size\": 55, \"len\": 6, "
    "\"value\": \"_cache\", \"refs\": []}\n"
    "{\"address\": 50, \"type\": \"frame\", \"size\": 200, \"value\": "
    "\"run\", \"refs\": [51, 5, 10, 4, 8, 4]}\n"
    "{\"address\": 51, \"type\": \"frame\", \"size\": 200, \"value\": "
    "\"main\", \"refs\": [5, 10, 4]}\n"
    "{\"address\": 60, \"type\": \"tuple\", \"size\": 48, \"len\": 1, "
    "\"refs\": [30]}\n";

static hs_graph *graph;

/* Object parent's ref k is labelled want. */
typedef struct label_case {
    uint64_t parent, k;
    const char *want;
} label_case;

static void
check_labels(const label_case *c, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t id = hs_graph_find(graph, c[i].parent);
        char *label = hs_node_ref_label(graph, id, c[i].k, 0, NULL);
        if (!CHECK_STR(label, c[i].want)) {
            printf("      (object %llu, ref %llu)\n",
                   (unsigned long long)c[i].parent,
                   (unsigned long long)c[i].k);
        }
        hs_free(label);
    }
}

#define CHECK_LABELS(cases) \
    check_labels(cases, sizeof(cases) / sizeof(cases[0]))

static void
test_function(void)
{
    static const label_case cases[] = {
        {10, 0, ".__code__"},
        {10, 1, ".__globals__"},
        {10, 2, ".__builtins__"},
        {10, 3, "refs[3]"},      /* the module's name: a str like others */
        {10, 4, ".__defaults__"},
        {10, 5, "refs[5]"},      /* doc */
        {10, 7, ".__closure__"}, /* the only tuple of cells */
        {10, 8, "refs[8]"},      /* qualname */
        {11, 2, "refs[2]"},      /* 3.9: the module's name, not builtins */
        {11, 3, ".__closure__"},
        {12, 0, "refs[0]"},      /* not code first: a layout we do not know */
    };
    CHECK_LABELS(cases);
}

static void
test_method_cell_module(void)
{
    static const label_case cases[] = {
        {20, 0, ".__func__"},   {20, 1, ".__self__"},
        {30, 0, ".cell_contents"}, {1, 0, ".__dict__"},
        {2, 1, "['f']"},
    };
    CHECK_LABELS(cases);
}

static void
test_class(void)
{
    static const label_case cases[] = {
        {40, 0, ".__dict__"}, {40, 1, ".__mro__"}, {40, 2, ".__bases__"},
        {40, 3, "refs[3]"},   {41, 1, "['_cache']"},
        /* The mro (C, object), written last item first as tupletraverse
         * visits it (real dumps of every dialect do). */
        {42, 0, "[1]"},       {42, 1, "[0]"},
    };
    CHECK_LABELS(cases);
}

static void
test_frame(void)
{
    static const label_case cases[] = {
        {50, 0, "refs[0]"}, /* the caller, or the frame object: unnamed */
        {50, 1, "refs[1]"}, {50, 3, ".f_code"},
        {50, 5, "refs[5]"}, /* a local holding code: not the frame's */
        {51, 2, ".f_code"},
    };
    CHECK_LABELS(cases);
}

int
main(void)
{
    graph = hs_test_load_graph("labels.json", dump);
    if (!graph) {
        return 1;
    }
    RUN(test_function);
    RUN(test_method_cell_module);
    RUN(test_class);
    RUN(test_frame);
    hs_graph_free(graph);
    return hs_test_end();
}
