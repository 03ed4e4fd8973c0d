/*
 * fuzz_line.c - the line parser (hs_line_parse) on arbitrary bytes.
 *
 * The whole input is one line, as hs_input hands it over (newlines and
 * NULs included, which the input never produces but the parser must not
 * trust). A record's strings are re-quoted with hs_json_quote, the
 * escaping every output uses, and a refs count must match what was
 * appended.
 */
#include "fuzz_util.h"

#include "parse/hs_line.h"
#include "util/hs_error.h"

#include <stdlib.h>

static void
quote(const char *s, size_t len, hs_quote_flags flags)
{
    char *q = hs_json_quote(s, len, flags);
    hs_free(q);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hs_line_parser p;
    hs_u64vec refs = {0};
    hs_record rec;
    hs_header hdr;
    hs_error err;
    int rc;
    hs_line_parser_init(&p, NULL);
    hs_error_clear(&err);
    rc = hs_line_parse(&p, (const char *)data, size, &rec, &hdr, &refs, &err);
    if (rc == HS_LINE_RECORD) {
        if (refs.len != rec.nrefs) {
            abort();
        }
        quote(rec.type, rec.type_len, HS_QUOTE_DEFAULT);
        if (rec.name) {
            quote(rec.name, rec.name_len, HS_QUOTE_SLASH);
        }
        if (rec.value) {
            quote(rec.value, rec.value_len, HS_QUOTE_BYTES);
        }
    } else if (rc < 0 && refs.len != 0) {
        abort(); /* on error refs is left as it was */
    }
    hs_line_parser_release(&p);
    free(refs.v);
    return 0;
}
