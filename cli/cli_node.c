/*
 * cli/cli_node.c - printing one object for the navigation commands.
 */
#include "cli_node.h"

#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
cli_put_owned(char *text)
{
    fputs(cli_check_alloc(text), stdout);
    hs_free(text);
}

char *
cli_edge_label(const hs_graph *g, uint32_t parent, uint32_t child,
               size_t max)
{
    uint64_t n, ref = 0;
    const uint32_t *kids = hs_node_children(g, parent, &n);
    while (ref < n && kids[ref] != child) {
        ref++;
    }
    return cli_check_alloc(hs_node_ref_label(g, parent, ref, max, NULL));
}

void
cli_print_repr(const hs_graph *g, uint32_t id, uint64_t total, size_t max)
{
    cli_put_owned(hs_node_repr(g, id, total, max, NULL));
}

void
cli_node_json_fields(cli_json *w, const hs_graph *g, uint32_t id)
{
    size_t len;
    const char *type = hs_node_type(g, id, &len);
    char *repr = cli_check_alloc(hs_node_repr(g, id, 0, 0, NULL));
    cli_json_key_u64(w, "address", hs_node_address(g, id));
    cli_json_key_str(w, "type", type, len);
    cli_json_key_u64(w, "size", hs_node_size(g, id));
    cli_json_key_cstr(w, "repr", repr);
    hs_free(repr);
}

void
cli_node_json_value(cli_json *w, const hs_graph *g, uint32_t id)
{
    size_t len;
    hs_value_kind kind;
    const char *v = hs_node_value(g, id, &len, &kind);
    if (v && kind == HS_VALUE_INT) {
        cli_json_number_text(w, v, len);
    } else if (v && kind == HS_VALUE_BYTES) {
        cli_json_bytes(w, v, len);
    } else if (v) {
        cli_json_str(w, v, len);
    } else if ((v = hs_node_name(g, id, &len)) != NULL) {
        cli_json_str(w, v, len);
    } else {
        cli_json_null(w);
    }
}

void
cli_node_json_literal(cli_json *w, const hs_graph *g, const hs_literal *lit)
{
    size_t len;
    const char *type;
    switch (lit->kind) {
    case HS_LITERAL_TEXT:
        cli_json_str(w, lit->text, lit->len);
        break;
    case HS_LITERAL_BYTES:
        cli_json_bytes(w, lit->text, lit->len);
        break;
    case HS_LITERAL_INT:
        cli_json_number_text(w, lit->text, lit->len);
        break;
    case HS_LITERAL_BOOL:
        cli_json_bool(w, lit->len == 4 && memcmp(lit->text, "True", 4) == 0);
        break;
    case HS_LITERAL_NONE:
        cli_json_null(w);
        break;
    case HS_LITERAL_OBJECT:
    default:
        type = hs_node_type(g, lit->id, &len);
        cli_json_object(w);
        cli_json_key_u64(w, "address", hs_node_address(g, lit->id));
        cli_json_key_str(w, "type", type, len);
        cli_json_end_object(w);
        break;
    }
}

void
cli_node_json_ref_items(cli_json *w, const hs_graph *g,
                        const hs_ref_item *items, size_t n,
                        const char *item_break, const char *close_break)
{
    cli_json_array(w);
    for (size_t i = 0; i < n; i++) {
        if (item_break) {
            cli_json_break(w, item_break);
        }
        cli_json_object(w);
        cli_json_key(w, "key");
        cli_node_json_literal(w, g, &items[i].key);
        cli_json_key(w, "value");
        cli_node_json_literal(w, g, &items[i].value);
        cli_json_end_object(w);
    }
    if (close_break) {
        cli_json_break(w, close_break);
    }
    cli_json_end_array(w);
}
