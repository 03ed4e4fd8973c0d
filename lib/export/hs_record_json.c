/*
 * hs_record_json.c - a node as a faithful meliae-format JSON line.
 *
 * meliae's own to_json is lossy (sorted refs, len dropped, nothing
 * escaped); this writer emits a §1.1 record that heapscope and meliae's
 * regex parser both read back: the same key order and separators, ASCII
 * only, with "/" written "\/" and every other non-printable or non-ASCII
 * character as \uXXXX (surrogate pairs above U+FFFF), as meliae does.
 */
#include "../graph/hs_graph_internal.h"
#include "../util/hs_buf.h"
#include "../util/hs_error.h"
#include "../util/hs_jsonstr.h"

char *
hs_node_to_json(const hs_graph *g, uint32_t id, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    size_t len;
    const char *s;
    hs_value_kind kind;
    uint64_t count;
    const uint32_t *refs;
    int64_t l;
    char *out;
    if (id >= g->n || !hs_live(g, id)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    hs_buf_adds(&b, "{\"address\": ");
    hs_buf_add_u64(&b, g->addr[id]);
    hs_buf_adds(&b, ", \"type\": ");
    s = hs_node_type(g, id, &len);
    hs_buf_add_json_string(&b, s, len, HS_QUOTE_SLASH);
    hs_buf_adds(&b, ", \"size\": ");
    hs_buf_add_u64(&b, hs_size_of(g, id));
    if ((s = hs_node_name(g, id, &len)) != NULL) {
        hs_buf_adds(&b, ", \"name\": ");
        hs_buf_add_json_string(&b, s, len, HS_QUOTE_SLASH);
    }
    if ((l = hs_node_len(g, id)) != HS_NO_LEN) {
        hs_buf_adds(&b, ", \"len\": ");
        hs_buf_add_i64(&b, l);
    }
    if ((s = hs_node_value(g, id, &len, &kind)) != NULL) {
        hs_buf_adds(&b, ", \"value\": ");
        if (kind == HS_VALUE_INT) {
            hs_buf_add(&b, s, len);
        } else {
            hs_buf_add_json_string(&b, s, len,
                                   kind == HS_VALUE_BYTES
                                       ? HS_QUOTE_SLASH | HS_QUOTE_BYTES
                                       : HS_QUOTE_SLASH);
        }
    }
    hs_buf_adds(&b, ", \"refs\": [");
    refs = hs_node_children(g, id, &count);
    for (uint64_t k = 0; k < count; k++) {
        if (k) {
            hs_buf_adds(&b, ", ");
        }
        hs_buf_add_u64(&b, g->addr[refs[k]]);
    }
    hs_buf_adds(&b, "]}");
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
