/*
 * test_alloc_fail.c - the failing-allocator matrix (docs/style.md 38).
 *
 * An hs_allocator that fails its Nth call (or every call from the Nth on)
 * and counts live blocks (hs_failing, hs_test_alloc.h). For every N along
 * a small load, hs_graph_load must return NULL with HS_ENOMEM or succeed
 * with the right graph, never crash, and free everything; likewise the
 * passes on a loaded graph.
 */
#include "hs_test_alloc.h"

typedef hs_failing failing;

/* Writes the dump head, a 300-character value of escapes \u00XX with
 * XX = (i * mul) % mod + add closing head's last record, then tail, to
 * the test file name. Above 256 bytes decoded, a bytes value needs a
 * scratch buffer to become raw bytes. */
static const char *
write_with_value(const char *name, const char *head, int mul, int mod,
                 int add, const char *tail)
{
    static char text[16384];
    size_t k = (size_t)snprintf(text, sizeof(text), "%s", head);
    for (int i = 0; i < 300; i++) {
        k += (size_t)snprintf(text + k, sizeof(text) - k, "\\u00%02x",
                              (i * mul) % mod + add);
    }
    snprintf(text + k, sizeof(text) - k, "\", \"refs\": []}\n%s", tail);
    return hs_test_text(name, text);
}

/* A small dump that reaches most allocation sites: escapes and a long
 * bytes value, mojibake, wide sizes, duplicates, dangling refs, a header
 * line skipped, collapse of new-style instances and modules. */
static const char *
write_dump(void)
{
    return write_with_value("matrix.json", "[\n"
        "{\"address\": 1000, \"type\": \"module\", \"size\": 72, "
        "\"name\": \"m\\u00c3\\u00b3dulo\", \"refs\": [1008]}\n"
        "{\"address\": 1008, \"type\": \"dict\", \"size\": 352, \"len\": 3, "
        "\"refs\": [1016, 1040, 1064]}\n"
        "{\"address\": 1016, \"type\": \"Server\", \"size\": 48, "
        "\"refs\": [1024, 2000]}\n"
        "{\"address\": 1024, \"type\": \"dict\", \"size\": 4294967300, "
        "\"len\": 2, \"refs\": [1040, 1048]}\n"
        "{\"address\": 1040, \"type\": \"str\", \"size\": 55, \"len\": 6, "
        "\"value\": \"caf\\u00e9\\/x\", \"refs\": []}\n"
        "{\"refs\": [1040, 1040, 9999], \"address\": 1048, \"type\": \"list\", "
        "\"size\": 88, \"len\": 3, \"extra\": [1, {\"a\": null}]}\n"
        "{\"address\": 1064, \"type\": \"function\", \"size\": 152, "
        "\"name\": \"handler\", \"refs\": [3000, 1008, 3008, 1040]},\n"
        "{\"address\": 1016, \"type\": \"Dup\", \"size\": 1, \"refs\": [1]}\n"
        "{\"address\": 2000, \"type\": \"type\", \"size\": 1688, "
        "\"name\": \"Server\", \"refs\": [2008, 2016]}\n"
        "{\"address\": 2008, \"type\": \"dict\", \"size\": 1200, \"len\": 1, "
        "\"refs\": [1064]}\n"
        "{\"address\": 2016, \"type\": \"type\", \"size\": 408, "
        "\"name\": \"object\", \"refs\": []}\n"
        "{\"address\": 3000, \"type\": \"code\", \"size\": 480, \"refs\": []}\n"
        "{\"address\": 3008, \"type\": \"dict\", \"size\": 4712, \"len\": 150, "
        "\"refs\": []}\n"
        "{\"address\": 3024, \"type\": \"str\", \"size\": 84, \"len\": 2, "
        "\"value\": \"\\ud835\\udccf\\ud800\", \"refs\": []}\n"
        "{\"address\": 3032, \"type\": \"\\u00c3\\u009cn\\u00c3\\u00afcode\", "
        "\"size\": 40, \"len\": 5000000000, \"refs\": [3024, 2000]}\n"
        "{\"address\": 3040, \"type\": \"bool\", \"size\": 28, "
        "\"value\": \"True\", \"refs\": []}\n"
        "{\"address\": 3048, \"type\": \"int\", \"size\": 36, \"value\": 7, "
        "\"refs\": []}\n"
        "{\"address\": 3016, \"type\": \"bytes\", \"size\": 333, \"len\": 300, "
        "\"value\": \"", 37, 256, 0, "]\n");
}

/* Every record of g as JSON lines, after its load statistics, for
 * comparing graphs. */
static char *
records(const hs_graph *g)
{
    size_t cap = 1 << 16, len = 0;
    char *out = malloc(cap);
    const hs_load_stats *st = hs_graph_stats(g);
    len = (size_t)snprintf(out, cap, "objects %llu refs %llu types %llu "
                           "dups %llu dangling %llu collapsed %llu "
                           "dialect %d parents %d\n",
                           (unsigned long long)st->objects,
                           (unsigned long long)st->references,
                           (unsigned long long)st->types,
                           (unsigned long long)st->duplicates,
                           (unsigned long long)st->dangling_refs,
                           (unsigned long long)st->collapsed,
                           (int)st->dialect, hs_graph_has_parents(g));
    for (uint32_t id = 0; id < hs_graph_capacity(g); id++) {
        char *line;
        size_t n, vlen;
        hs_value_kind kind = HS_VALUE_NONE;
        if (!hs_node_exists(g, id)) {
            continue;
        }
        line = hs_node_to_json(g, id, NULL);
        n = line ? strlen(line) : 4;
        if (len + n + 16 > cap) {
            cap = 2 * (len + n + 16);
            out = realloc(out, cap);
        }
        memcpy(out + len, line ? line : "NULL", n);
        len += n;
        /* the JSON of bytes and of text can be the same: say which */
        hs_node_value(g, id, &vlen, &kind);
        len += (size_t)snprintf(out + len, cap - len, " kind %d\n", kind);
        hs_free(line);
    }
    return out;
}

static hs_graph *
load_with(const char *path, failing *f, hs_load_flags flags, hs_error *err)
{
    hs_allocator a = hs_failing_allocator(f);
    hs_load_options opts;
    hs_load_options_init(&opts);
    opts.allocator = &a;
    opts.flags = flags;
    return hs_graph_load(path, &opts, err);
}

/* Loads path failing at each call in turn; returns the number of calls a
 * clean load makes. */
static long
load_matrix(const char *path, hs_load_flags flags, bool sticky)
{
    failing f = {0};
    hs_error err;
    hs_graph *g = load_with(path, &f, flags, &err);
    char *want;
    long clean_calls = f.calls, bad = 0, succeeded = 0;
    if (!CHECK(g != NULL)) {
        return 0;
    }
    want = records(g);
    hs_graph_free(g);
    CHECK_EQ_I64(f.live, 0);
    for (long n = 1; n <= clean_calls; n++) {
        bool ok = true;
        memset(&f, 0, sizeof(f));
        f.fail_at = n;
        f.sticky = sticky;
        memset(&err, 0, sizeof(err));
        g = load_with(path, &f, flags, &err);
        ok &= f.failed > 0;
        if (g) {
            char *got = records(g);
            if (getenv("HS_TEST_VERBOSE")) {
                printf("    survived failure at call %ld of %ld%s\n", n,
                       clean_calls, sticky ? " on" : "");
            }
            ok &= strcmp(got, want) == 0;
            free(got);
            hs_graph_free(g);
            succeeded++;
        } else {
            ok &= err.code == HS_ENOMEM;
        }
        ok &= f.live == 0;
        if (!ok) {
            printf("    fail at call %ld%s: %s, error %d (%s), %ld blocks "
                   "live\n", n, sticky ? " on" : "", g ? "loaded" : "failed",
                   err.code, err.message, f.live);
            if (++bad == 5) {
                break;
            }
        }
    }
    CHECK_EQ_I64(bad, 0);
    /* Some failures are survived (a fast-path scratch buffer retried by
     * the general parser, a buffer not shrunk), with the same graph; the
     * rest must fail the load. */
    if (!CHECK(succeeded < clean_calls / 2)) {
        printf("    %ld of %ld survived\n", succeeded, clean_calls);
    }
    free(want);
    return clean_calls;
}

static void
test_load_matrix(void)
{
    const char *path = write_dump();
    long calls = load_matrix(path, HS_LOAD_DEFAULT, false);
    CHECK(calls > 30); /* the matrix covers a real load */
    load_matrix(path, HS_LOAD_DEFAULT, true);
    load_matrix(path, HS_LOAD_NO_COLLAPSE, false);
    load_matrix(path, HS_LOAD_NO_COLLAPSE | HS_LOAD_NO_PARENTS, true);
}

/* A meliae Python 2 dump: the dialect is detected (a count per type, an
 * allocation) and its str values turned into bytes (a scratch buffer for
 * one longer than 256 bytes). Failing either used to be survived with a
 * different graph: detection fell back to py3, the value stayed text. */
static const char *
write_py2_dump(void)
{
    return write_with_value("py2-matrix.json",
        "{\"address\": 8, \"type\": \"unicode\", \"size\": 6, \"refs\": [24]}\n"
        "{\"address\": 16, \"type\": \"long\", \"size\": 28, \"refs\": [8]}\n"
        "{\"address\": 24, \"type\": \"str\", \"size\": 337, \"value\": \"",
        1, 128, 128, "");
}

static void
test_dialect_matrix(void)
{
    const char *path = write_py2_dump();
    hs_load_options opts;
    hs_error err;
    hs_graph *g;
    size_t len;
    hs_value_kind kind;
    hs_load_options_init(&opts);
    g = hs_graph_load(path, &opts, &err);
    if (!CHECK(g != NULL)) {
        return;
    }
    /* what a failure must not silently change */
    CHECK_EQ_I64(hs_graph_stats(g)->dialect, HS_DIALECT_PY2);
    CHECK(hs_node_value(g, hs_graph_find(g, 24), &len, &kind) != NULL
          && kind == HS_VALUE_BYTES && len == 300);
    hs_graph_free(g);
    load_matrix(path, HS_LOAD_DEFAULT, false);
    load_matrix(path, HS_LOAD_NO_COLLAPSE, true);
}

/* The passes on a loaded graph: each may fail with HS_ENOMEM, and the
 * graph is still freed completely. */
static void
test_pass_matrix(void)
{
    const char *path = write_dump();
    for (int pass = 0; pass < 3; pass++) {
        long clean_calls = -1, bad = 0;
        for (long n = 1; clean_calls < 0 || n <= clean_calls; n++) {
            failing f = {0};
            hs_error err;
            hs_graph *g = load_with(path, &f, HS_LOAD_NO_COLLAPSE, &err);
            long before;
            int rc;
            if (!CHECK(g != NULL)) {
                return;
            }
            before = f.calls;
            f.fail_at = clean_calls < 0 ? 0 : before + n;
            memset(&err, 0, sizeof(err));
            switch (pass) {
            case 0:
                rc = hs_graph_collapse_instance_dicts(g, NULL, &err);
                break;
            case 1:
                rc = hs_graph_remove_expensive_references(
                    g, HS_EXPENSIVE_DEFAULT, &err);
                break;
            default:
                rc = hs_graph_collapse_instance_dicts(g, NULL, &err);
                if (rc == HS_OK) {
                    rc = hs_graph_remove_expensive_references(
                        g, HS_EXPENSIVE_EXTENDED, &err);
                }
                break;
            }
            if (clean_calls < 0) {
                CHECK_EQ_I64(rc, HS_OK);
                clean_calls = f.calls - before;
                n = 0;
            } else if (!(rc == HS_OK || (rc == HS_ENOMEM
                                          && err.code == HS_ENOMEM))) {
                printf("    pass %d, fail at call %ld: rc %d\n", pass, n, rc);
                bad++;
            }
            hs_graph_free(g);
            if (f.live != 0) {
                printf("    pass %d, fail at call %ld: %ld blocks live\n",
                       pass, n, f.live);
                bad++;
            }
            if (bad >= 5) {
                break;
            }
        }
        CHECK(clean_calls > 3);
        CHECK_EQ_I64(bad, 0);
    }
}

int
main(void)
{
    RUN(test_load_matrix);
    RUN(test_dialect_matrix);
    RUN(test_pass_matrix);
    return hs_test_end();
}
