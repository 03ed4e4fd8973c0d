/*
 * test_line.c - one dump line to one record: the fast meliae scanner, the
 * general fallback, and the errors only the latter reports.
 */
#include "hs_test.h"

#include "parse/hs_line.h"
#include "util/hs_error.h"

/* A parsed line, copied out of the parser's scratch space. */
typedef struct snap {
    int rc;
    uint64_t address, size, nrefs;
    int64_t len;
    char type[128], name[128], value[128];
    bool has_name, has_value, value_is_int;
    uint64_t refs[16];
    uint64_t fallbacks; /* lines the fast path declined so far */
} snap;

static void
copy_str(char *dst, const char *s, size_t len)
{
    memcpy(dst, s, len);
    dst[len] = '\0';
}

static hs_line_parser parser;
static hs_u64vec refs;

static snap
parse(const char *line)
{
    snap s;
    hs_record rec;
    hs_header hdr;
    hs_error err;
    size_t start = refs.len;
    memset(&s, 0, sizeof(s));
    hs_error_clear(&err);
    s.rc = hs_line_parse(&parser, line, strlen(line), &rec, &hdr, &refs,
                         &err);
    s.fallbacks = parser.fallbacks;
    if (s.rc != HS_LINE_RECORD) {
        return s;
    }
    s.address = rec.address;
    s.size = rec.size;
    s.len = rec.len;
    s.nrefs = rec.nrefs;
    copy_str(s.type, rec.type, rec.type_len);
    if ((s.has_name = rec.name != NULL)) {
        copy_str(s.name, rec.name, rec.name_len);
    }
    if ((s.has_value = rec.value != NULL)) {
        copy_str(s.value, rec.value, rec.value_len);
        s.value_is_int = rec.value_is_int;
    }
    for (uint64_t k = 0; k < rec.nrefs && k < 16; k++) {
        s.refs[k] = refs.v[start + k];
    }
    CHECK_EQ_U64(refs.len, start + rec.nrefs);
    return s;
}

static bool
same_record(const snap *a, const snap *b)
{
    bool ok = a->rc == HS_LINE_RECORD && b->rc == HS_LINE_RECORD
              && a->address == b->address && a->size == b->size
              && a->len == b->len && a->nrefs == b->nrefs
              && strcmp(a->type, b->type) == 0 && a->has_name == b->has_name
              && strcmp(a->name, b->name) == 0
              && a->has_value == b->has_value
              && strcmp(a->value, b->value) == 0
              && a->value_is_int == b->value_is_int;
    for (uint64_t k = 0; ok && k < a->nrefs && k < 16; k++) {
        ok = a->refs[k] == b->refs[k];
    }
    return ok;
}

static void
setup(void)
{
    hs_line_parser_release(&parser);
    hs_line_parser_init(&parser, NULL);
    free(refs.v);
    memset(&refs, 0, sizeof(refs));
}

/* The canonical line goes through the fast path; each variant of it
 * falls back to the general parser and must give the same record. */
static void
check_variants(const char *canonical, const char *const *variants, size_t n)
{
    uint64_t start = parser.fallbacks;
    snap want = parse(canonical);
    CHECK_EQ_I64(want.rc, HS_LINE_RECORD);
    CHECK_EQ_U64(want.fallbacks, start); /* the fast path took it */
    for (size_t i = 0; i < n; i++) {
        uint64_t before = parser.fallbacks;
        snap got = parse(variants[i]);
        if (!CHECK(same_record(&want, &got))) {
            printf("    variant %zu: %s\n", i, variants[i]);
        }
        CHECK_EQ_U64(got.fallbacks, before + 1);
    }
}

static void
test_fast_equals_general(void)
{
    static const char *const dict[] = {
        "{\"type\": \"dict\", \"address\": 140549148192192, \"size\": 184, "
        "\"len\": 5, \"refs\": [1, 18446744073709551615, 3, 3, 5]}",
        "{\"address\":140549148192192,\"type\":\"dict\",\"size\":184,"
        "\"len\":5,\"refs\":[1,18446744073709551615,3,3,5]}",
        "  {  \"address\" : 140549148192192 ,\t\"type\" : \"dict\" , "
        "\"size\" : 184 , \"len\" : 5 , \"refs\" : [ 1 , "
        "18446744073709551615 , 3 , 3 , 5 ] }  ",
        "{\"refs\": [1, 18446744073709551615, 3, 3, 5], \"len\": 5, "
        "\"size\": 184, \"type\": \"dict\", \"address\": 140549148192192}",
        "{\"address\": 140549148192192, \"extra\": {\"a\": [1, \"]\"]}, "
        "\"type\": \"d\\u0069ct\", \"size\": 184, \"len\": 5, "
        "\"refs\": [1, 18446744073709551615, 3, 3, 5], \"x\": null}",
    };
    static const char *const func[] = {
        "{\"name\": \"_missing_\", \"address\": 140549148131008, "
        "\"type\": \"function\", \"size\": 152, \"refs\": [420933600]}",
        "{\"address\": 140549148131008, \"type\": \"function\", "
        "\"size\":152, \"name\": \"_missing_\", \"refs\": [420933600]},",
        "{\"address\": 140549148131008, \"type\": \"function\", \"size\": 152, "
        "\"name\": \"_missing_\", \"refs\": [420933600 ]}",
    };
    static const char *const str[] = {
        "{\"address\": 7, \"refs\": [], \"value\": \"\\/caf\\u00e9\\/2999\", "
        "\"len\": 10, \"size\": 83, \"type\": \"str\"}",
        "{\"address\": 7, \"type\": \"str\", \"size\": 83, \"len\": 10, "
        "\"value\": \"/caf\\u00E9/2999\", \"refs\": [ ]}",
        "{\"address\": 7, \"type\": \"str\", \"size\": 83, \"len\": 10, "
        "\"value\": \"\\/caf\xc3\xa9\\/2999\", \"refs\":[]} ,",
    };
    static const char *const intval[] = {
        "{\"address\": 10861192, \"value\": -5, \"type\": \"int\", "
        "\"size\": 24, \"refs\": []}",
    };
    snap s;
    setup();
    check_variants("{\"address\": 140549148192192, \"type\": \"dict\", "
                   "\"size\": 184, \"len\": 5, \"refs\": [1, "
                   "18446744073709551615, 3, 3, 5]}", dict, 5);
    check_variants("{\"address\": 140549148131008, \"type\": \"function\", "
                   "\"size\": 152, \"name\": \"_missing_\", \"refs\": "
                   "[420933600]}", func, 3);
    check_variants("{\"address\": 7, \"type\": \"str\", \"size\": 83, "
                   "\"len\": 10, \"value\": \"\\/caf\\u00e9\\/2999\", "
                   "\"refs\": []}", str, 3);
    check_variants("{\"address\": 10861192, \"type\": \"int\", \"size\": 24, "
                   "\"value\": -5, \"refs\": []}", intval, 1);
    /* the fast path's fields themselves */
    s = parse("{\"address\": 7, \"type\": \"str\", \"size\": 83, "
              "\"len\": 10, \"value\": \"\\/caf\\u00e9\\/2999\", "
              "\"refs\": []}");
    CHECK_STR(s.value, "/caf\xc3\xa9/2999");
    CHECK(!s.value_is_int && s.len == 10 && s.nrefs == 0 && !s.has_name);
    s = parse("{\"address\": 10861192, \"type\": \"int\", \"size\": 24, "
              "\"value\": -5, \"refs\": []}");
    CHECK_STR(s.value, "-5");
    CHECK(s.value_is_int && s.len == HS_NO_LEN);
    s = parse("{\"address\": 9, \"type\": \"bool\", \"size\": 32, "
              "\"value\": \"True\", \"refs\": []}");
    CHECK_STR(s.value, "True");
    CHECK(!s.value_is_int);
    /* general only: a float value, a null name, a repeated refs key */
    s = parse("{\"address\": 1, \"type\": \"x\", \"size\": 2, \"value\": "
              "1.5e3, \"name\": null, \"refs\": [4], \"refs\": [5, 6]}");
    CHECK_EQ_I64(s.rc, HS_LINE_RECORD);
    CHECK_STR(s.value, "1.5e3");
    CHECK(!s.value_is_int && !s.has_name);
    CHECK(s.nrefs == 2 && s.refs[0] == 5 && s.refs[1] == 6);
    /* meliae never writes both name and value; heapscope keeps both */
    s = parse("{\"address\": 1, \"type\": \"x\", \"size\": 2, \"name\": "
              "\"n\", \"value\": \"v\", \"refs\": []}");
    CHECK(s.has_name && s.has_value);
    CHECK_STR(s.name, "n");
    CHECK_STR(s.value, "v");
}

static void
test_skipped_lines(void)
{
    static const char *const lines[] = {"", "   ", "\t", "[", "]", " [ ",
                                        "]  ", "[,"};
    setup();
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        snap s = parse(lines[i]);
        if (!CHECK_EQ_I64(s.rc, HS_LINE_SKIP)) {
            printf("    line \"%s\"\n", lines[i]);
        }
    }
    CHECK_EQ_U64(refs.len, 0);
    CHECK_EQ_I64(parse("[1]").rc, HS_EPARSE);
    CHECK_EQ_I64(parse("[ ]").rc, HS_EPARSE);
    CHECK_EQ_I64(parse("{\"address\": 1, \"type\": \"x\", \"size\": 2, "
                       "\"refs\": []},").rc, HS_LINE_RECORD);
    CHECK_EQ_I64(parse("{\"address\": 1, \"type\": \"x\", \"size\": 2, "
                       "\"refs\": []} , ").rc, HS_LINE_RECORD);
}

/* Parses a header line; returns the status and fills *h. */
static int
header(const char *line, hs_header *h)
{
    hs_record rec;
    hs_error err;
    hs_error_clear(&err);
    memset(h, 0x55, sizeof(*h));
    return hs_line_parse(&parser, line, strlen(line), &rec, h, &refs, &err);
}

static void
test_header(void)
{
    hs_header h;
    setup();
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"python\": \"3.11.2\", "
                        "\"pointer_size\": 8, \"time\": 1732650000, "
                        "\"pid\": 4242}", &h), HS_LINE_HEADER);
    CHECK_EQ_I64(h.version, 1);
    CHECK_STR(h.python, "3.11.2");
    CHECK_EQ_I64(h.pointer_size, 8);
    CHECK_EQ_I64(h.time, 1732650000);
    CHECK_EQ_I64(h.pid, 4242);
    /* any key order, unknown keys, missing fields as -1 */
    CHECK_EQ_I64(header("{\"python\": \"3.8.0\", \"future\": [1, {}], "
                        "\"heapscope_dump\": 2}", &h), HS_LINE_HEADER);
    CHECK_EQ_I64(h.version, 2);
    CHECK_STR(h.python, "3.8.0");
    CHECK_EQ_I64(h.pointer_size, -1);
    CHECK_EQ_I64(h.time, -1);
    CHECK_EQ_I64(h.pid, -1);
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"pid\": -7}", &h),
                 HS_LINE_HEADER);
    CHECK_EQ_I64(h.pid, -7);
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"pid\": 9223372036854775807}",
                        &h), HS_LINE_HEADER);
    CHECK_EQ_I64(h.pid, INT64_MAX);
    /* a long python string is cut to fit */
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"python\": "
                        "\"0123456789012345678901234567890123456789\"}", &h),
                 HS_LINE_HEADER);
    CHECK_STR(h.python, "0123456789012345678901234567890");
    /* numbers that do not fit an int64 are errors, not wrapped */
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"pid\": 9223372036854775808}",
                        &h), HS_EPARSE);
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1, \"time\": 9999999999999999999}",
                        &h), HS_EPARSE);
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1.5}", &h), HS_EPARSE);
    CHECK_EQ_I64(header("{\"heapscope_dump\": 1} x", &h), HS_EPARSE);
    CHECK_EQ_U64(refs.len, 0);
}

typedef struct bad_case {
    const char *line;
    uint64_t column;
    const char *message; /* a part of the message */
} bad_case;

static void
test_errors(void)
{
    static const bad_case cases[] = {
        {"not json", 1, "expected '{'"},
        {"  x", 3, "expected '{'"},
        {"{}", 2, "no \"address\""},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1}", 1, "no \"refs\""},
        {"{\"type\": \"x\", \"size\": 1, \"refs\": []}", 1, "no \"address\""},
        {"{\"address\": 1, \"size\": 1, \"refs\": []}", 1, "no \"type\""},
        {"{\"address\": 1, \"type\": \"x\", \"refs\": []}", 1, "no \"size\""},
        {"{\"address\": -1, \"type\": \"x\", \"size\": 1, \"refs\": []}", 13,
         "negative"},
        {"{\"address\": 18446744073709551616, \"type\": \"x\", \"size\": 1, "
         "\"refs\": []}", 13, "too large"},
        {"{\"address\": 1.5, \"type\": \"x\", \"size\": 1, \"refs\": []}", 14,
         "integer"},
        {"{\"address\": 01, \"type\": \"x\", \"size\": 1, \"refs\": []}", 13,
         "integer"},
        {"{\"address\": 1, \"type\": 5, \"size\": 1, \"refs\": []}", 24,
         "string"},
        {"{\"address\": 1, \"type\": \"a\\xb\", \"size\": 1, \"refs\": []}", 27,
         "bad string"},
        {"{\"address\": 1, \"type\": \"a\x01\", \"size\": 1, \"refs\": []}", 26,
         "bad string"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": -3, \"refs\": []}", 37,
         "negative"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1, 2,]}",
         54, "integer for \"refs\""},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1 2]}", 51,
         "',' or ']'"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1, -2]}",
         52, "negative"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": 7}", 48,
         "'['"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1, 2]", 54,
         "',' or '}'"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1]} x", 52,
         "end of the line"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [1]},,", 52,
         "end of the line"},
        {"{\"address\" 1, \"type\": \"x\", \"size\": 1, \"refs\": []}", 12,
         "':'"},
        {"{address: 1}", 2, "string"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"len\": "
         "9223372036854775808, \"refs\": []}", 47, "too large"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"value\": true, "
         "\"refs\": []}", 49, "string or number"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"junk\": tru, "
         "\"refs\": []}", 48, "JSON value"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [], \"x\": 1",
         58, "',' or '}'"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [], "
         "\"unset_slots\": [3, 1]}", 71, "must increase"},
        {"{\"address\": 1, \"type\": \"x\", \"size\": 1, \"refs\": [], "
         "\"unset_slots\": 2}", 67, "'['"},
    };
    setup();
    /* refs of earlier records are in the array: errors must keep them */
    for (uint64_t k = 0; k < 3; k++) {
        CHECK_EQ_I64(HS_GROW(NULL, refs.v, refs.len + 1, refs.alloc), HS_OK);
        refs.v[refs.len++] = 900 + k;
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const bad_case *c = &cases[i];
        hs_record rec;
        hs_header hdr;
        hs_error err;
        int rc;
        hs_error_clear(&err);
        err.line = 77; /* the caller's position is kept */
        err.offset = 4096;
        rc = hs_line_parse(&parser, c->line, strlen(c->line), &rec, &hdr,
                           &refs, &err);
        bool ok = CHECK_EQ_I64(rc, HS_EPARSE);
        ok &= CHECK_EQ_I64(err.code, HS_EPARSE);
        ok &= CHECK_EQ_U64(err.column, c->column);
        ok &= CHECK(strstr(err.message, c->message) != NULL);
        ok &= CHECK(err.line == 77 && err.offset == 4096);
        ok &= CHECK_EQ_U64(refs.len, 3);
        if (!ok) {
            printf("    line: %s\n    error: col %llu: %s\n", c->line,
                   (unsigned long long)err.column, err.message);
        }
    }
    CHECK(refs.v[0] == 900 && refs.v[1] == 901 && refs.v[2] == 902);
}

/* The fast path pushes refs before it finds a deviation; the fallback
 * must not see them twice. */
static void
test_refs_restored_on_fallback(void)
{
    snap s;
    setup();
    s = parse("{\"address\": 1, \"type\": \"t\", \"size\": 2, \"refs\": [5, 6]}");
    CHECK_EQ_U64(refs.len, 2);
    s = parse("{\"address\": 3, \"type\": \"t\", \"size\": 2, \"refs\": "
              "[7, 8, 9], \"extra\": 0}");
    CHECK_EQ_I64(s.rc, HS_LINE_RECORD);
    CHECK_EQ_U64(s.nrefs, 3);
    CHECK_EQ_U64(refs.len, 5);
    CHECK(refs.v[0] == 5 && refs.v[1] == 6 && refs.v[2] == 7
          && refs.v[3] == 8 && refs.v[4] == 9);
    /* many refs (the array grows) and then an error: all taken back */
    {
        static char line[40000];
        size_t n = (size_t)snprintf(line, sizeof(line), "{\"address\": 1, "
                                    "\"type\": \"t\", \"size\": 2, "
                                    "\"refs\": [");
        for (int i = 0; i < 3000; i++) {
            n += (size_t)snprintf(line + n, sizeof(line) - n, "%s%d",
                                  i ? ", " : "", 1000 + i);
        }
        snprintf(line + n, sizeof(line) - n, "], \"size\": x}");
        CHECK_EQ_I64(parse(line).rc, HS_EPARSE);
        CHECK_EQ_U64(refs.len, 5);
        snprintf(line + n, sizeof(line) - n, "]}");
        s = parse(line);
        CHECK_EQ_I64(s.rc, HS_LINE_RECORD);
        CHECK_EQ_U64(s.nrefs, 3000);
        CHECK_EQ_U64(refs.len, 3005);
        CHECK_EQ_U64(refs.v[3004], 3999);
    }
}

int
main(void)
{
    RUN(test_fast_equals_general);
    RUN(test_skipped_lines);
    RUN(test_header);
    RUN(test_errors);
    RUN(test_refs_restored_on_fallback);
    setup();
    free(refs.v);
    hs_line_parser_release(&parser);
    return hs_test_end();
}
