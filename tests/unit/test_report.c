/*
 * test_report.c - hs_report_write with the caller's tree: the same page
 * as the tree the report makes itself, and another graph's tree refused.
 */
#include "hs_test.h"

#include <heapscope.h>
#include <stdlib.h>
#include <string.h>

#define DUMP \
    "{\"address\": 1, \"type\": \"module\", \"size\": 56, \"name\": \"m\", " \
    "\"refs\": [2]}\n" \
    "{\"address\": 2, \"type\": \"list\", \"size\": 88, \"len\": 2, " \
    "\"refs\": [3, 4]}\n" \
    "{\"address\": 3, \"type\": \"str\", \"size\": 60, \"len\": 9, " \
    "\"value\": \"a log line\", \"refs\": []}\n" \
    "{\"address\": 4, \"type\": \"str\", \"size\": 61, \"len\": 10, " \
    "\"value\": \"another one\", \"refs\": []}\n"

typedef struct page {
    char *text;
    size_t len;
} page;

static int
collect(void *ctx, const char *data, size_t len)
{
    page *p = ctx;
    char *t = realloc(p->text, p->len + len + 1);
    if (!t) {
        return -1;
    }
    memcpy(t + p->len, data, len);
    p->text = t;
    p->len += len;
    t[p->len] = '\0';
    return 0;
}

static int
write_page(const hs_graph *g, const hs_dominators *tree, page *out,
           hs_error *err)
{
    static const char *const paths[] = {"dump.json"};
    hs_report_options o;
    memset(&o, 0, sizeof(o));
    memset(out, 0, sizeof(*out));
    o.last = g;
    o.paths = paths;
    o.ndumps = 1;
    o.last_tree = tree;
    return hs_report_write(&o, collect, out, err);
}

static void
test_given_tree(void)
{
    hs_load_options opts;
    hs_error err;
    hs_graph *g, *other;
    hs_dominators *d, *d_other;
    page made, given, refused;
    hs_load_options_init(&opts);
    g = hs_graph_load(hs_test_text("a.json", DUMP), &opts, &err);
    other = hs_graph_load(hs_test_text("b.json", DUMP), &opts, &err);
    if (!CHECK(g && other)) {
        hs_graph_free(g);
        hs_graph_free(other);
        return;
    }
    d = hs_dominators_new(g, &err);
    d_other = hs_dominators_new(other, &err);
    if (CHECK(d && d_other)) {
        CHECK_EQ_I64(write_page(g, NULL, &made, &err), HS_OK);
        CHECK_EQ_I64(write_page(g, d, &given, &err), HS_OK);
        CHECK(made.len > 1000 && made.len == given.len
              && memcmp(made.text, given.text, made.len) == 0);
        CHECK(strstr(given.text, "another one") != NULL);
        CHECK_EQ_I64(write_page(g, d_other, &refused, &err), HS_EINVAL);
        CHECK(strstr(err.message, "not the last dump's") != NULL);
        free(made.text);
        free(given.text);
        free(refused.text);
    }
    hs_dominators_free(d);
    hs_dominators_free(d_other);
    hs_graph_free(g);
    hs_graph_free(other);
}

int
main(void)
{
    RUN(test_given_tree);
    return hs_test_end();
}
