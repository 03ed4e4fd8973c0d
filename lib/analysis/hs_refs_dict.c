/*
 * hs_refs_dict.c - refs_as_dict, refs_as_list and edge labels.
 *
 * meliae's refs_as_dict pairs refs two by two (docs/format.md §4.9). That is
 * right where a dump writes dicts as key, value pairs (Python 2 and
 * heapscope's own dumps) and wrong in meliae's Python 3 dumps, whose dicts
 * list values only (every str-keyed dict) or value, key pairs. The layout
 * tag put on each dict at load (docs/format.md §2.2), and moved to the owner
 * when collapse merges a dict, says which: KV pairs as meliae does, VK
 * swaps each pair, VALUES has no keys to give and says so.
 *
 * NOTE: about objects with no tag. Tuples, lists, functions, slotted
 * instances, dict subclasses carry none, and their refs are not key,
 * value pairs in any dialect: refs_as_dict refuses them (meliae pairs
 * them anyway and prints nonsense such as {345: ResourceWarning}), and
 * hs_node_refs_line shows their labelled children instead.
 */
#include "hs_refs_dict.h"

#include "hs_repr.h"
#include "../util/hs_error.h"
#include "../util/hs_mem.h"

#include <stdlib.h>
#include <string.h>

typedef enum { RULE_KEY, RULE_VALUE, RULE_LIST } literal_rule;

/* meliae's value rule: only these types give their value in a dict. */
static bool
plain_value_type(const hs_graph *g, uint32_t id)
{
    static const char *const types[] = {"int", "long", "bytes", "str",
                                        "unicode", "float"};
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        if (hs_type_is(g, id, types[i])) {
            return true;
        }
    }
    return false;
}

static void
literal_of(const hs_graph *g, uint32_t id, literal_rule rule, hs_literal *lit)
{
    hs_value_kind kind;
    size_t len = 0;
    const char *v = hs_node_value(g, id, &len, &kind);
    memset(lit, 0, sizeof(*lit));
    lit->id = id;
    if (hs_type_is(g, id, "NoneType")) {
        lit->kind = HS_LITERAL_NONE;
        return;
    }
    if (v && hs_type_is(g, id, "bool")) {
        lit->kind = HS_LITERAL_BOOL;
    } else if (v && (rule != RULE_VALUE || plain_value_type(g, id))) {
        lit->kind = kind == HS_VALUE_INT     ? HS_LITERAL_INT
                    : kind == HS_VALUE_BYTES ? HS_LITERAL_BYTES
                                             : HS_LITERAL_TEXT;
    } else if (rule == RULE_KEY && (g->flags[id] & HS_NODE_NAME)) {
        v = hs_node_name(g, id, &len);
        lit->kind = HS_LITERAL_TEXT;
    } else {
        return;
    }
    lit->text = v;
    lit->len = len;
}

void
hs_buf_add_literal(hs_buf *b, const hs_graph *g, const hs_literal *lit,
                   size_t max)
{
    switch (lit->kind) {
    case HS_LITERAL_TEXT:
        hs_buf_add_pystr(b, lit->text, lit->len, max);
        break;
    case HS_LITERAL_BYTES:
        hs_buf_add_pybytes(b, lit->text, lit->len, max,
                           g->dialect != HS_DIALECT_PY2);
        break;
    case HS_LITERAL_INT:
    case HS_LITERAL_BOOL:
        hs_buf_add(b, lit->text, lit->len);
        break;
    case HS_LITERAL_NONE:
        hs_buf_adds(b, "None");
        break;
    case HS_LITERAL_OBJECT:
    default:
        hs_buf_add_repr(b, g, lit->id, 0, max);
        break;
    }
}

/* How many key, value pairs id's refs hold, and in which order; false
 * with err set when they hold none that can be trusted. Only records
 * tagged with a dict layout hold pairs: exact dicts, and the modules and
 * instances collapse merged one into. Anything else (a tuple, a function,
 * a slotted instance, a list) has refs that merely happen to be many:
 * pairing them two by two, as meliae does, prints keys that are not. */
static int
pair_count(const hs_graph *g, uint32_t id, size_t *npairs, bool *swap,
           hs_error *err)
{
    uint64_t nrefs;
    hs_dict_layout layout = hs_layout_of(g, id);
    bool dict_like = hs_type_is(g, id, "dict") || hs_type_is(g, id, "module");
    hs_node_children(g, id, &nrefs);
    *swap = layout == HS_LAYOUT_VK;
    if (layout == HS_LAYOUT_VALUES) {
        return hs_error_set(err, HS_EUNSUPPORTED,
                            "keys not recorded in this dump");
    }
    if (layout == HS_LAYOUT_UNKNOWN) {
        return hs_error_set(err, HS_EUNSUPPORTED,
                            "refs are not key, value pairs in this dump");
    }
    if (layout == HS_LAYOUT_NONE) {
        return hs_error_set(err, HS_EUNSUPPORTED,
                            "not a dict: its refs are not key, value pairs");
    }
    if (nrefs % 2 && dict_like) {
        return hs_error_set(err, HS_EINVAL,
                            "%llu refs: not key, value pairs",
                            (unsigned long long)nrefs);
    }
    *npairs = (size_t)(nrefs / 2);
    return HS_OK;
}

int
hs_node_refs_as_dict(const hs_graph *g, uint32_t id, hs_ref_item **items,
                     size_t *count, hs_error *err)
{
    const uint32_t *refs;
    uint64_t nrefs;
    size_t npairs;
    bool swap;
    hs_ref_item *out;
    *items = NULL;
    *count = 0;
    HS_RETURN_IF(id >= g->n || !hs_live(g, id), HS_ENOTFOUND, err,
                 "no such object");
    HS_TRY(pair_count(g, id, &npairs, &swap, err));
    refs = hs_node_children(g, id, &nrefs);
    /* the caller's (hs_free): malloc */
    out = hs_malloc_array(NULL, npairs, sizeof(*out));
    HS_RETURN_IF(!out, HS_ENOMEM, err, "out of memory");
    for (size_t i = 0; i < npairs; i++) {
        uint32_t k = refs[2 * i + (swap ? 1 : 0)];
        uint32_t v = refs[2 * i + (swap ? 0 : 1)];
        if (!hs_live(g, k) || !hs_live(g, v)) {
            hs_mfree(NULL, out);
            return hs_error_set(err, HS_ENOTFOUND,
                                "ref to %llu has no record",
                                (unsigned long long)g->addr[hs_live(g, k)
                                                                ? v : k]);
        }
        literal_of(g, k, RULE_KEY, &out[i].key);
        literal_of(g, v, RULE_VALUE, &out[i].value);
    }
    *items = out;
    *count = npairs;
    return HS_OK;
}

int
hs_node_refs_as_list(const hs_graph *g, uint32_t id, hs_literal **items,
                     size_t *count, hs_error *err)
{
    uint64_t nrefs;
    const uint32_t *refs;
    hs_literal *out;
    *items = NULL;
    *count = 0;
    HS_RETURN_IF(id >= g->n || !hs_live(g, id), HS_ENOTFOUND, err,
                 "no such object");
    refs = hs_node_children(g, id, &nrefs);
    /* the caller's (hs_free): malloc */
    out = hs_malloc_array(NULL, (size_t)nrefs, sizeof(*out));
    HS_RETURN_IF(!out, HS_ENOMEM, err, "out of memory");
    for (uint64_t i = 0; i < nrefs; i++) {
        if (!hs_live(g, refs[i])) {
            hs_mfree(NULL, out);
            return hs_error_set(err, HS_ENOTFOUND,
                                "ref to %llu has no record",
                                (unsigned long long)g->addr[refs[i]]);
        }
        literal_of(g, refs[i], RULE_LIST, &out[i]);
    }
    *items = out;
    *count = (size_t)nrefs;
    return HS_OK;
}

char *
hs_literal_format(const hs_graph *g, const hs_literal *lit, size_t max_value,
                  hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    char *out;
    hs_buf_add_literal(&b, g, lit, max_value);
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}

char *
hs_node_refs_dict_format(const hs_graph *g, uint32_t id, size_t max_value,
                         hs_error *err)
{
    hs_ref_item *items;
    size_t n;
    hs_buf b = HS_BUF_INIT;
    char *out;
    if (hs_node_refs_as_dict(g, id, &items, &n, err) < 0) {
        return NULL;
    }
    hs_buf_addc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i) {
            hs_buf_adds(&b, ", ");
        }
        hs_buf_add_literal(&b, g, &items[i].key, max_value);
        hs_buf_adds(&b, ": ");
        hs_buf_add_literal(&b, g, &items[i].value, max_value);
    }
    hs_buf_addc(&b, '}');
    hs_mfree(NULL, items);
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}

/* MARK: one bounded line */

/* "{k: v, ...}" for pairs, else "label repr, ..." for children; at most
 * max_items entries, then "... N more". */
static void
add_pairs_line(hs_buf *b, const hs_graph *g, const hs_ref_item *items,
               size_t n, size_t max_items, size_t max_value)
{
    hs_buf_addc(b, '{');
    for (size_t i = 0; i < n && i < max_items; i++) {
        if (i) {
            hs_buf_adds(b, ", ");
        }
        hs_buf_add_literal(b, g, &items[i].key, max_value);
        hs_buf_adds(b, ": ");
        hs_buf_add_literal(b, g, &items[i].value, max_value);
    }
    if (n > max_items) {
        hs_buf_addf(b, "%s... %zu more", max_items ? ", " : "",
                    n - max_items);
    }
    hs_buf_addc(b, '}');
}

static void
add_children_line(hs_buf *b, const hs_graph *g, uint32_t id,
                  size_t max_items, size_t max_value)
{
    uint64_t n;
    const uint32_t *refs = hs_node_children(g, id, &n);
    for (uint64_t k = 0; k < n && k < max_items; k++) {
        if (k) {
            hs_buf_adds(b, ", ");
        }
        hs_buf_add_edge_label(b, g, id, k, max_value);
        hs_buf_addc(b, ' ');
        if (hs_live(g, refs[k])) {
            hs_buf_add_repr(b, g, refs[k], 0, max_value);
        } else {
            hs_buf_addf(b, "%llu (no record)",
                        (unsigned long long)g->addr[refs[k]]);
        }
    }
    if (n > max_items) {
        hs_buf_addf(b, "%s... %llu more", max_items ? ", " : "",
                    (unsigned long long)(n - max_items));
    }
}

char *
hs_node_refs_line(const hs_graph *g, uint32_t id, size_t max_items,
                  size_t max_value, hs_error *err)
{
    hs_ref_item *items;
    size_t n;
    hs_error derr = {0};
    hs_buf b = HS_BUF_INIT;
    char *out;
    if (id >= g->n || !hs_live(g, id)) {
        hs_error_set(err, HS_ENOTFOUND, "no such object");
        return NULL;
    }
    if (hs_node_refs_as_dict(g, id, &items, &n, &derr) == HS_OK) {
        add_pairs_line(&b, g, items, n, max_items, max_value);
        hs_mfree(NULL, items);
    } else if (derr.code == HS_ENOMEM) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
        return NULL;
    } else {
        add_children_line(&b, g, id, max_items, max_value);
    }
    hs_buf_adds(&b, "");
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}

/* MARK: edge labels */

uint64_t
hs_ref_index(const hs_graph *g, uint32_t parent, uint32_t child)
{
    uint64_t n;
    const uint32_t *refs = hs_node_children(g, parent, &n);
    for (uint64_t k = 0; k < n; k++) {
        if (refs[k] == child) {
            return k;
        }
    }
    return UINT64_MAX;
}

static bool
identifier(const char *s, size_t len)
{
    if (len == 0 || (s[0] >= '0' && s[0] <= '9')) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_')) {
            return false;
        }
    }
    return true;
}

/* The key of a dict-like parent's ref k: ['key'] in a dict, .name in an
 * instance or module it was collapsed into. */
static bool
add_key_label(hs_buf *b, const hs_graph *g, uint32_t parent, uint64_t k,
              size_t max)
{
    size_t npairs;
    bool swap, dict = hs_type_is(g, parent, "dict");
    const uint32_t *refs;
    uint64_t nrefs;
    hs_literal key;
    uint64_t key_pos, pair = k / 2;
    if (hs_layout_of(g, parent) == HS_LAYOUT_VALUES) {
        hs_node_children(g, parent, &nrefs);
        if (!dict && !hs_type_is(g, parent, "module") && k == nrefs - 1) {
            return false; /* the class ref after the merged values */
        }
        hs_buf_adds(b, dict ? "[?]" : ".?");
        return true;
    }
    if (pair_count(g, parent, &npairs, &swap, NULL) < 0 || pair >= npairs) {
        return false;
    }
    refs = hs_node_children(g, parent, &nrefs);
    key_pos = 2 * pair + (swap ? 1 : 0);
    if (!hs_live(g, refs[key_pos])) {
        return false;
    }
    literal_of(g, refs[key_pos], RULE_KEY, &key);
    if (k == key_pos) {
        hs_buf_adds(b, "(key)");
    } else if (!dict && (key.kind == HS_LITERAL_TEXT
                         || key.kind == HS_LITERAL_BYTES)
               && identifier(key.text, key.len)) {
        hs_buf_addc(b, '.');
        hs_buf_add(b, key.text, key.len);
    } else {
        hs_buf_addc(b, '[');
        hs_buf_add_literal(b, g, &key, max);
        hs_buf_addc(b, ']');
    }
    return true;
}

/* MARK: known slots
 *
 * Refs are what tp_traverse visits with NULL members skipped (docs/format.md
 * §2), so a ref's position names its C slot only where no member before
 * it can be NULL, or where the child's type tells the slots apart. A
 * slot is named only then; anything uncertain stays refs[k]. What
 * heapscope's dumper and meliae write:
 *
 *   function  code, globals, builtins (3.10+), module?, defaults?,
 *             kwdefaults?, doc, name, dict?, closure?, annotations?,
 *             type params? (3.12+), qualname. Python 2: code, globals,
 *             module, defaults?, doc, name, dict?, closure?.
 *             Code and globals are never NULL: refs[0] is __code__ and
 *             refs[1] __globals__ (a dict, or the module collapse merged
 *             it into); refs[2] is __builtins__ when it is a dict or
 *             module (on 3.9 and Python 2 it is the module's name, a
 *             str). The closure is the only tuple of cells; defaults is
 *             the other tuple among the first five refs (only code,
 *             globals, builtins and module come before it; type params
 *             come after the name, which is never NULL). After meliae's
 *             remove_expensive_references drops globals and builtins,
 *             only __code__, __defaults__ and __closure__ are named.
 *   method    (bound, Python 3) func, self: both never NULL.
 *   instancemethod (Python 2) func, self, class when all three are there.
 *   cell      its contents.
 *   class     [metaclass,] dict, mro, bases, base...: __dict__ is the
 *             dict that a tuple (the mro) follows, first or after the
 *             metaclass; __mro__ and __bases__ the two tuples after it.
 *   module    (not collapsed) its dict alone.
 *   frame     f_code: the first code object, among the first five refs
 *             (≤ 3.10: back?, code, ...; heapscope's 3.11+ records:
 *             caller?, frame object?, locals?, function, code, ...; the
 *             locals that may hold code come after). The caller is not
 *             named: on 3.11+ a frame's first ref may be its frame
 *             object, a frame too.
 */

static bool
is_cell_tuple(const hs_graph *g, uint32_t id)
{
    uint64_t n;
    const uint32_t *refs = hs_node_children(g, id, &n);
    if (!hs_type_is(g, id, "tuple") || n == 0) {
        return false;
    }
    for (uint64_t i = 0; i < n; i++) {
        if (!hs_type_is(g, refs[i], "cell")) {
            return false;
        }
    }
    return true;
}

/* Whether one of refs[0..k) is a code object. */
static bool
first_code_before(const hs_graph *g, const uint32_t *refs, uint64_t k)
{
    for (uint64_t i = 0; i < k; i++) {
        if (hs_type_is(g, refs[i], "code")) {
            return true;
        }
    }
    return false;
}

static bool
dict_or_module(const hs_graph *g, uint32_t id)
{
    return hs_type_is(g, id, "dict") || hs_type_is(g, id, "module");
}

static const char *
function_slot(const hs_graph *g, const uint32_t *refs, uint64_t k)
{
    uint32_t child = refs[k];
    if (k == 0 && hs_type_is(g, child, "code")) {
        return ".__code__";
    }
    if (!g->expensive_removed && k == 1 && dict_or_module(g, child)) {
        return ".__globals__";
    }
    if (!g->expensive_removed && k == 2 && dict_or_module(g, child)) {
        return ".__builtins__";
    }
    if (is_cell_tuple(g, child)) {
        return ".__closure__";
    }
    if (k <= 4 && hs_type_is(g, child, "tuple")) {
        return ".__defaults__";
    }
    return NULL;
}

/* Where a class's dict is among its refs (0 or 1), or -1. */
static int
class_dict_at(const hs_graph *g, uint32_t parent, const uint32_t *refs,
              uint64_t n)
{
    if (!(g->flags[parent] & HS_NODE_NAME) || hs_type_is(g, parent, "module")
        || hs_type_is(g, parent, "function")) {
        return -1;
    }
    if (n >= 2 && hs_type_is(g, refs[0], "dict")
        && hs_type_is(g, refs[1], "tuple")) {
        return 0;
    }
    if (n >= 3 && (g->flags[refs[0]] & HS_NODE_NAME)
        && hs_type_is(g, refs[1], "dict") && hs_type_is(g, refs[2], "tuple")) {
        return 1;
    }
    return -1;
}

static const char *
class_slot(const hs_graph *g, uint32_t parent, const uint32_t *refs,
           uint64_t n, uint64_t k)
{
    static const char *const names[] = {".__dict__", ".__mro__",
                                        ".__bases__"};
    int d = class_dict_at(g, parent, refs, n);
    if (d < 0 || k < (uint64_t)d || k - (uint64_t)d >= 3) {
        return NULL;
    }
    if (k > (uint64_t)d && !hs_type_is(g, refs[k], "tuple")) {
        return NULL;
    }
    return names[k - (uint64_t)d];
}

/* MARK: __slots__ members
 *
 * An instance of a class with __slots__ holds one ref per slot that is
 * set, then its __dict__ (if it has one and it exists), then its class
 * (subtype_traverse; 3.11+ managed dicts and heapscope's inline-values
 * records keep that order). subtype_traverse visits the members of the
 * class itself first, then of its tp_base, and so on down the chain of
 * layouts. type() sorts each class's own slot names (after mangling)
 * before it builds that class's table, and the class __dict__ maps each
 * name to its member_descriptor, so the names are known where the dump
 * recorded the class dicts' keys (not in meliae's Python 3 dumps).
 *
 * The chain of layouts is read off the __mro__: only classes on the
 * tp_base chain can add members (two bases that both add members are a
 * layout conflict type() refuses), and the chain is a subsequence of the
 * mro in the same order, so the slotted classes of the mro, in mro
 * order, are the chain's. A slot that is unset is skipped by the
 * traversal; heapscope's dumper lists the unset positions
 * ("unset_slots", docs/format.md §6), so the names are given when the
 * refs are exactly the slots set (as many as names less those listed),
 * then maybe the __dict__, then the class as the instance's last ref.
 * Without that list (meliae's dumps) a slot missing makes every name
 * uncertain.
 */

#define MAX_SLOT_NAMES 256

typedef struct slot_names {
    hs_literal names[MAX_SLOT_NAMES];
    size_t n;
    bool has_dict;     /* '__dict__' is a descriptor of a class */
} slot_names;

/* The class dict of class id (collapse leaves class dicts alone). */
static uint32_t
class_dict(const hs_graph *g, uint32_t cls)
{
    uint64_t n;
    const uint32_t *refs = hs_node_children(g, cls, &n);
    int d = class_dict_at(g, cls, refs, n);
    return d < 0 ? HS_NO_NODE : refs[d];
}

static int
compare_literals(const void *pa, const void *pb)
{
    const hs_literal *a = pa, *b = pb;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->text, b->text, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Whether member descriptor id belongs to class cls: descr_traverse
 * visits the descriptor's class, so a descriptor copied from another
 * class into cls's dict (x = Other.slot) is not taken for cls's slot. */
static bool
member_of(const hs_graph *g, uint32_t id, uint32_t cls)
{
    uint64_t n;
    const uint32_t *refs;
    if (!hs_type_is(g, id, "member_descriptor")) {
        return false;
    }
    refs = hs_node_children(g, id, &n);
    for (uint64_t i = 0; i < n; i++) {
        if (refs[i] == cls) {
            return true;
        }
    }
    return false;
}

/* Appends the slot names that cls's dict `dict` defines, sorted, to
 * out; false when they cannot all be read. */
static bool
add_own_slots(const hs_graph *g, uint32_t cls, uint32_t dict,
              slot_names *out)
{
    hs_ref_item *items;
    size_t n, first = out->n;
    if (hs_node_refs_as_dict(g, dict, &items, &n, NULL) != HS_OK) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        const hs_literal *key = &items[i].key;
        bool text = key->kind == HS_LITERAL_TEXT
                    || key->kind == HS_LITERAL_BYTES;
        if (text && key->len == 8 && memcmp(key->text, "__dict__", 8) == 0) {
            out->has_dict = true;
        }
        if (!hs_type_is(g, items[i].value.id, "member_descriptor")) {
            continue;
        }
        if (!text || out->n == MAX_SLOT_NAMES
            || !member_of(g, items[i].value.id, cls)) {
            hs_mfree(NULL, items);
            return false;
        }
        out->names[out->n++] = *key;
    }
    hs_mfree(NULL, items);
    qsort(out->names + first, out->n - first, sizeof(out->names[0]),
          compare_literals);
    return true;
}

/* Reads the slot names of an instance of cls, in traversal order (see
 * above); false when they are not known. */
static bool
read_slots(const hs_graph *g, uint32_t cls, slot_names *out)
{
    uint64_t n, nm;
    const uint32_t *refs = hs_node_children(g, cls, &n);
    const uint32_t *mro;
    int d = class_dict_at(g, cls, refs, n);
    out->n = 0;
    out->has_dict = false;
    if (d < 0 || (uint64_t)d + 1 >= n || !hs_type_is(g, refs[d + 1], "tuple")) {
        return false;
    }
    mro = hs_node_children(g, refs[d + 1], &nm);
    if (nm == 0 || mro[nm - 1] != cls || !add_own_slots(g, cls, refs[d], out)) {
        return false;
    }
    /* The mro's refs run from its last item (object) to its first (cls
     * itself): tupletraverse counts down. */
    for (uint64_t i = nm - 1; i-- > 0;) {
        uint32_t dict;
        if (!hs_live(g, mro[i])) {
            return false;
        }
        /* A class without a dict in the dump (a static type) has no
         * member descriptors the dump could show; its C members are
         * traversed by its own tp_traverse, after the class ref. */
        dict = class_dict(g, mro[i]);
        if (dict != HS_NO_NODE && !add_own_slots(g, mro[i], dict, out)) {
            return false;
        }
    }
    return true;
}

/* Whether cls has __slots__ members as far as the dump shows. */
static bool
slotted(const hs_graph *g, uint32_t cls)
{
    slot_names sl;
    return hs_live(g, cls) && read_slots(g, cls, &sl) && sl.n > 0;
}

/* Writes ".name" for an instance's ref k when it is certainly the slot
 * of that name (or ".__dict__" for the dict after the slots). */
static bool
add_slot_label(hs_buf *b, const hs_graph *g, uint32_t parent,
               const uint32_t *refs, uint64_t n, uint64_t k)
{
    slot_names sl;
    uint32_t cls;
    size_t tlen, nlen;
    const char *tname, *name;
    uint64_t nslots, unset, set, pos;
    if (n < 2) {
        return false;
    }
    cls = refs[n - 1];
    tname = hs_strtab_get(&g->types, g->type[parent], &tlen);
    name = hs_live(g, cls) && (g->flags[cls] & HS_NODE_NAME)
               ? hs_node_name(g, cls, &nlen)
               : NULL;
    if (!name || nlen != tlen || memcmp(name, tname, tlen) != 0
        || !read_slots(g, cls, &sl) || sl.n == 0) {
        return false;
    }
    unset = hs_node_unset_slots(g, parent);
    if (unset == HS_UNSET_SLOTS_UNKNOWN
        || (sl.n < 64 && unset >> sl.n) != 0) {
        return false;      /* positions the names cannot account for */
    }
    set = sl.n - (uint64_t)__builtin_popcountll(unset);
    nslots = n - 1;
    if (sl.has_dict && nslots == set + 1
        && hs_type_is(g, refs[set], "dict")) {
        nslots = set;      /* the slots, then the instance's __dict__ */
    } else if (nslots != set
               || (sl.has_dict && set > 0
                   && hs_type_is(g, refs[set - 1], "dict"))) {
        return false;      /* a slot unset, or which ref is the dict? */
    }
    if (k > nslots) {
        return false;
    }
    if (k == nslots) {
        hs_buf_adds(b, ".__dict__");
        return true;
    }
    /* The k-th slot that is set. */
    for (pos = 0;; pos++) {
        if (pos < 64 && (unset >> pos & 1)) {
            continue;
        }
        if (k-- == 0) {
            break;
        }
    }
    hs_buf_addc(b, '.');
    hs_buf_add(b, sl.names[pos].text, sl.names[pos].len);
    return true;
}

/* The name of parent's ref k when its slot is certain, else NULL. */
static const char *
slot_label(const hs_graph *g, uint32_t parent, const uint32_t *refs,
           uint64_t n, uint64_t k)
{
    if (hs_type_is(g, parent, "function")) {
        return function_slot(g, refs, k);
    }
    if (hs_type_is(g, parent, "method") && n == 2) {
        return k == 0 ? ".__func__" : ".__self__";
    }
    if (hs_type_is(g, parent, "instancemethod") && n == 3) {
        return k == 0 ? ".im_func" : k == 1 ? ".im_self" : ".im_class";
    }
    if (hs_type_is(g, parent, "cell") && n == 1) {
        return ".cell_contents";
    }
    if (hs_type_is(g, parent, "module") && n == 1
        && hs_type_is(g, refs[0], "dict")) {
        return ".__dict__";
    }
    if (hs_type_is(g, parent, "frame")) {
        return k <= 4 && hs_type_is(g, refs[k], "code")
                       && !first_code_before(g, refs, k)
                   ? ".f_code"
                   : NULL;
    }
    return class_slot(g, parent, refs, n, k);
}

/* MARK: sequence indices
 *
 * A list's or tuple's refs are what its tp_traverse visits: the items
 * from the LAST to the first (list_traverse and tupletraverse count down,
 * in CPython 2.7 and every 3.x), and both heapscope's dumper and meliae
 * write that order; a deque's traverse walks its blocks from the left,
 * so its refs are in index order. Checked on real dumps of every dialect
 * (tests/programs/labels_objects.py for heapscope's; for meliae's, the
 * class __mro__ tuples and the lists of tests/data/meliae, whose first
 * ref is the last item). A NULL item (a list or tuple being filled) is
 * skipped by the traversal, so a ref's index is certain only when the
 * refs are exactly as many as the record's len. A deque holds no NULL
 * (and its records have no len). */

/* Writes "[i]" for parent's ref k when parent is a list, tuple or deque
 * and the index is certain, "(item)" when it is one but the index is
 * not; false when parent is none of them. */
static bool
add_index_label(hs_buf *b, const hs_graph *g, uint32_t parent, uint64_t k,
                uint64_t nrefs)
{
    bool reversed = hs_type_is(g, parent, "list")
                    || hs_type_is(g, parent, "tuple");
    int64_t len = hs_node_len(g, parent);
    if (!reversed && !hs_type_is(g, parent, "collections.deque")) {
        return false;
    }
    if (reversed && (len < 0 || (uint64_t)len != nrefs)) {
        hs_buf_adds(b, "(item)");
    } else {
        hs_buf_addf(b, "[%llu]",
                    (unsigned long long)(reversed ? nrefs - 1 - k : k));
    }
    return true;
}

void
hs_buf_add_edge_label(hs_buf *b, const hs_graph *g, uint32_t parent,
                      uint64_t k, size_t max)
{
    uint64_t nrefs;
    const uint32_t *refs = hs_node_children(g, parent, &nrefs);
    hs_dict_layout layout = hs_layout_of(g, parent);
    uint32_t child;
    size_t tlen, nlen;
    const char *tname, *name;
    if (k >= nrefs) {
        return;
    }
    child = refs[k];
    if (layout != HS_LAYOUT_NONE && add_key_label(b, g, parent, k, max)) {
        return;
    }
    if (add_index_label(b, g, parent, k, nrefs)) {
        return;
    }
    if (hs_type_is(g, parent, "set") || hs_type_is(g, parent, "frozenset")) {
        hs_buf_adds(b, "(item)");
        return;
    }
    /* An instance's last ref is its class: its name is the type's. */
    tname = hs_strtab_get(&g->types, g->type[parent], &tlen);
    name = (g->flags[child] & HS_NODE_NAME) ? hs_node_name(g, child, &nlen)
                                             : NULL;
    if (k == nrefs - 1 && name && nlen == tlen
        && memcmp(name, tname, tlen) == 0) {
        hs_buf_adds(b, "__class__");
        return;
    }
    if (add_slot_label(b, g, parent, refs, nrefs, k)) {
        return;
    }
    /* [dict, class]: the instance's __dict__, unless its class has slots
     * (then the dict may be a slot's value). */
    if (k == 0 && nrefs == 2 && hs_type_is(g, child, "dict")
        && !hs_type_is(g, parent, "function") && !slotted(g, refs[1])) {
        hs_buf_adds(b, ".__dict__");
        return;
    }
    if ((name = slot_label(g, parent, refs, nrefs, k)) != NULL) {
        hs_buf_adds(b, name);
        return;
    }
    hs_buf_addf(b, "refs[%llu]", (unsigned long long)k);
}

char *
hs_node_ref_label(const hs_graph *g, uint32_t parent, uint64_t k,
                  size_t max_key, hs_error *err)
{
    hs_buf b = HS_BUF_INIT;
    char *out;
    hs_buf_adds(&b, "");
    if (parent < g->n && hs_live(g, parent)) {
        hs_buf_add_edge_label(&b, g, parent, k, max_key);
    }
    out = hs_buf_detach(&b);
    if (!out) {
        hs_error_set(err, HS_ENOMEM, "out of memory");
    }
    return out;
}
