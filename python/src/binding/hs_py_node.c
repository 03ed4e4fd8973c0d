/*
 * hs_py_node.c - Node, the proxy of one object: a Graph and a node id.
 *
 * Proxies are made on demand and are cheap (a 32-byte object); two
 * proxies are equal when their addresses are, and a proxy also equals
 * its address as an int and hashes like it, so sets of proxies, sets of
 * addresses and `obj in address_set` all work as meliae scripts expect,
 * across dumps too. What outlives a proxy (total_size) is kept by the
 * Graph, by node id.
 */
#include "hs_py.h"

#include <string.h>

PyObject *
hs_py_node_new(hs_py_graph *graph, uint32_t id)
{
    PyTypeObject *tp = graph->proxy_type;
    hs_py_node *self = (hs_py_node *)tp->tp_alloc(tp, 0);
    if (!self) {
        return NULL;
    }
    self->graph = graph;
    Py_INCREF(graph);
    self->id = id;
    return (PyObject *)self;
}

static int
is_node(PyObject *obj)
{
    /* Every Node subclass shares the base's layout; find the base by
     * its spec name rather than module state (not reachable on 3.8). */
    PyTypeObject *tp = Py_TYPE(obj);
    for (; tp; tp = tp->tp_base) {
        if (strcmp(tp->tp_name, "heapscope._analyzer.Node") == 0) {
            return 1;
        }
    }
    return 0;
}

int
hs_py_node_address(PyObject *obj, uint64_t *address)
{
    if (PyLong_Check(obj)) {
        unsigned long long v = PyLong_AsUnsignedLongLong(obj);
        if (v == (unsigned long long)-1 && PyErr_Occurred()) {
            return -1;
        }
        *address = v;
        return 0;
    }
    if (is_node(obj)) {
        hs_py_node *n = (hs_py_node *)obj;
        *address = hs_node_address(n->graph->g, n->id);
        return 0;
    }
    PyErr_Format(PyExc_TypeError, "an address (int) or an object proxy is "
                 "needed, not %.100s", Py_TYPE(obj)->tp_name);
    return -1;
}

/* The proxy may be used: no pass is running, and the object is still in
 * the graph (collapse removes instance dicts). */
static int
node_ok(hs_py_node *self)
{
    if (hs_py_graph_check_read(self->graph) < 0) {
        return -1;
    }
    if (!hs_node_exists(self->graph->g, self->id)) {
        PyErr_Format(PyExc_ReferenceError,
                     "object %llu is no longer in the graph (collapsed into "
                     "its owner)",
                     (unsigned long long)hs_node_address(self->graph->g,
                                                         self->id));
        return -1;
    }
    return 0;
}

static void
node_dealloc(PyObject *op)
{
    PyTypeObject *tp = Py_TYPE(op);
    Py_XDECREF(((hs_py_node *)op)->graph);
    tp->tp_free(op);
    Py_DECREF(tp);
}

/* MARK: values */

/* Text from the library as str; it is UTF-8 already, and anything odd
 * is replaced rather than fatal. */
static PyObject *
text_object(const char *s, size_t len)
{
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t)len, "replace");
}

/* A bytes-like value (docs/format.md §1.3): bytes, except in Python 2 dumps,
 * where `str` is the everyday text type and reads best as str (each
 * byte one code point, as meliae on Python 2 showed it). */
static PyObject *
bytes_object(hs_py_graph *graph, const char *s, size_t len)
{
    if (hs_graph_stats(graph->g)->dialect == HS_DIALECT_PY2) {
        return PyUnicode_DecodeLatin1(s, (Py_ssize_t)len, NULL);
    }
    return PyBytes_FromStringAndSize(s, (Py_ssize_t)len);
}

static PyObject *
int_object(const char *s, size_t len)
{
    char buf[64];
    if (len >= sizeof(buf)) {
        PyErr_SetString(PyExc_ValueError, "integer value too long");
        return NULL;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    return PyLong_FromString(buf, NULL, 10);
}

static PyObject *
value_object(hs_py_graph *graph, const char *s, size_t len, hs_value_kind k)
{
    switch (k) {
    case HS_VALUE_TEXT:
        return text_object(s, len);
    case HS_VALUE_BYTES:
        return bytes_object(graph, s, len);
    case HS_VALUE_INT:
        return int_object(s, len);
    case HS_VALUE_NONE:
    default:
        Py_RETURN_NONE;
    }
}

static PyObject *
literal_object(hs_py_graph *graph, const hs_literal *lit)
{
    switch (lit->kind) {
    case HS_LITERAL_TEXT:
        return text_object(lit->text, lit->len);
    case HS_LITERAL_BYTES:
        return bytes_object(graph, lit->text, lit->len);
    case HS_LITERAL_INT:
        return int_object(lit->text, lit->len);
    case HS_LITERAL_BOOL:
        return PyBool_FromLong(lit->len == 4
                               && memcmp(lit->text, "True", 4) == 0);
    case HS_LITERAL_NONE:
        Py_RETURN_NONE;
    case HS_LITERAL_OBJECT:
    default:
        return hs_py_node_new(graph, lit->id);
    }
}

/* MARK: getters */

#define NODE_G(op) (((hs_py_node *)(op))->graph->g)
#define NODE_ID(op) (((hs_py_node *)(op))->id)
#define CHECK(op)                                                          \
    do {                                                                   \
        if (node_ok((hs_py_node *)(op)) < 0) {                             \
            return NULL;                                                   \
        }                                                                  \
    } while (0)

static PyObject *
get_address(PyObject *op, void *c)
{
    (void)c;
    return PyLong_FromUnsignedLongLong(hs_node_address(NODE_G(op),
                                                       NODE_ID(op)));
}

static PyObject *
get_node_id(PyObject *op, void *c)
{
    (void)c;
    return PyLong_FromUnsignedLong(NODE_ID(op));
}

static PyObject *
get_manager(PyObject *op, void *c)
{
    PyObject *g = (PyObject *)((hs_py_node *)op)->graph;
    (void)c;
    Py_INCREF(g);
    return g;
}

static PyObject *
get_type_str(PyObject *op, void *c)
{
    size_t len;
    const char *t;
    (void)c;
    CHECK(op);
    t = hs_node_type(NODE_G(op), NODE_ID(op), &len);
    return text_object(t, len);
}

static PyObject *
get_size(PyObject *op, void *c)
{
    (void)c;
    CHECK(op);
    return PyLong_FromUnsignedLongLong(hs_node_size(NODE_G(op), NODE_ID(op)));
}

static PyObject *
get_len(PyObject *op, void *c)
{
    int64_t len;
    (void)c;
    CHECK(op);
    len = hs_node_len(NODE_G(op), NODE_ID(op));
    if (len == HS_NO_LEN) {
        Py_RETURN_NONE;
    }
    return PyLong_FromLongLong(len);
}

static PyObject *
get_value(PyObject *op, void *c)
{
    size_t len;
    hs_value_kind kind = HS_VALUE_NONE;
    const char *v;
    (void)c;
    CHECK(op);
    v = hs_node_value(NODE_G(op), NODE_ID(op), &len, &kind);
    if (!v) {
        Py_RETURN_NONE;
    }
    return value_object(((hs_py_node *)op)->graph, v, len, kind);
}

static PyObject *
get_name(PyObject *op, void *c)
{
    size_t len;
    const char *v;
    (void)c;
    CHECK(op);
    v = hs_node_name(NODE_G(op), NODE_ID(op), &len);
    if (!v) {
        Py_RETURN_NONE;
    }
    return text_object(v, len);
}

static PyObject *
get_layout(PyObject *op, void *c)
{
    (void)c;
    CHECK(op);
    return PyUnicode_FromString(
        hs_layout_name(hs_node_layout(NODE_G(op), NODE_ID(op))));
}

/* tracemalloc's frames of the object's allocation, oldest first, as
 * [(filename, lineno), ...]; None when the dump has no traceback for it
 * (docs/format.md §7). */
static PyObject *
get_traceback(PyObject *op, void *c)
{
    size_t n;
    const uint32_t *frames;
    PyObject *list;
    (void)c;
    CHECK(op);
    frames = hs_traceback_frames(NODE_G(op),
                                 hs_node_traceback(NODE_G(op), NODE_ID(op)),
                                 &n);
    if (!frames) {
        Py_RETURN_NONE;
    }
    list = PyList_New((Py_ssize_t)n);
    for (size_t i = 0; list && i < n; i++) {
        size_t len;
        uint32_t line;
        const char *file = hs_frame_file(NODE_G(op), frames[i], &len, &line);
        PyObject *name = text_object(file, len), *item = NULL;
        if (name) {
            item = Py_BuildValue("(NI)", name, (unsigned int)line);
        }
        if (!item) {
            Py_CLEAR(list);
            break;
        }
        PyList_SET_ITEM(list, (Py_ssize_t)i, item);
    }
    return list;
}

static PyObject *
get_num_refs(PyObject *op, void *c)
{
    uint64_t n;
    (void)c;
    CHECK(op);
    hs_node_children(NODE_G(op), NODE_ID(op), &n);
    return PyLong_FromUnsignedLongLong(n);
}

static PyObject *
get_num_parents(PyObject *op, void *c)
{
    uint64_t n = 0;
    (void)c;
    CHECK(op);
    if (hs_graph_has_parents(NODE_G(op))) {
        hs_node_parents(NODE_G(op), NODE_ID(op), &n);
    }
    return PyLong_FromUnsignedLongLong(n);
}

/* What the list makers below read: an array of the library's (ids or
 * literals) of one graph. */
typedef struct lib_array {
    hs_py_graph *graph;
    const void *items;
} lib_array;

static PyObject *
address_at(const void *ctx, size_t i)
{
    const lib_array *a = ctx;
    const uint32_t *ids = a->items;
    return PyLong_FromUnsignedLongLong(hs_node_address(a->graph->g, ids[i]));
}

/* Addresses of ids as a list of ints (dangling refs included: their
 * address is what the dump says). */
static PyObject *
address_list(PyObject *op, const uint32_t *ids, uint64_t n)
{
    lib_array a = {((hs_py_node *)op)->graph, ids};
    return hs_py_list((size_t)n, address_at, &a);
}

static PyObject *
get_children(PyObject *op, void *c)
{
    uint64_t n;
    const uint32_t *ids;
    (void)c;
    CHECK(op);
    ids = hs_node_children(NODE_G(op), NODE_ID(op), &n);
    return address_list(op, ids, n);
}

static const uint32_t *
parent_ids(PyObject *op, uint64_t *n)
{
    *n = 0;
    if (!hs_graph_has_parents(NODE_G(op))) {
        return NULL;
    }
    return hs_node_parents(NODE_G(op), NODE_ID(op), n);
}

static PyObject *
get_parents(PyObject *op, void *c)
{
    uint64_t n;
    const uint32_t *ids;
    (void)c;
    CHECK(op);
    ids = parent_ids(op, &n);
    return address_list(op, ids, n);
}

/* The live children (dangling refs have no record, so no proxy). */
static PyObject *
get_c(PyObject *op, void *c)
{
    uint64_t n, k = 0;
    const uint32_t *ids;
    uint32_t *live;
    hs_py_graph *graph = ((hs_py_node *)op)->graph;
    (void)c;
    CHECK(op);
    ids = hs_node_children(graph->g, NODE_ID(op), &n);
    live = PyMem_RawMalloc(n ? (size_t)n * sizeof(*live) : 1);
    if (!live) {
        return PyErr_NoMemory();
    }
    for (uint64_t i = 0; i < n; i++) {
        if (hs_node_exists(graph->g, ids[i])) {
            live[k++] = ids[i];
        }
    }
    return hs_py_nodelist_new(graph, live, (size_t)k, 0);
}

static PyObject *
get_p(PyObject *op, void *c)
{
    uint64_t n;
    const uint32_t *ids;
    (void)c;
    CHECK(op);
    ids = parent_ids(op, &n);
    return hs_py_nodelist_copy(((hs_py_node *)op)->graph, ids, (size_t)n);
}

static PyObject *
get_total_size(PyObject *op, void *c)
{
    (void)c;
    return PyLong_FromUnsignedLongLong(
        hs_py_graph_total(((hs_py_node *)op)->graph, NODE_ID(op)));
}

static int
set_total_size(PyObject *op, PyObject *value, void *c)
{
    unsigned long long v;
    (void)c;
    if (!value) {
        PyErr_SetString(PyExc_AttributeError, "total_size cannot be deleted");
        return -1;
    }
    v = PyLong_AsUnsignedLongLong(value);
    if (v == (unsigned long long)-1 && PyErr_Occurred()) {
        return -1;
    }
    return hs_py_graph_set_total(((hs_py_node *)op)->graph, NODE_ID(op), v);
}

/* MARK: walks (docs/format.md §4.7, §4.10) */

/* The walk from self, excluding addresses; the GIL is released while
 * the library walks. Returns a NodeList. */
static PyObject *
walk_list(hs_py_node *self, PyObject *excluding, const char *type,
          Py_ssize_t tlen)
{
    hs_py_graph *graph = self->graph;
    size_t nex, n = 0;
    uint32_t *ex, *ids = NULL;
    hs_error err;
    int rc;
    if (node_ok(self) < 0
        || !(ex = hs_py_addresses_to_ids(graph, excluding, &nex))) {
        return NULL;
    }
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(
        graph, rc = type ? hs_node_all(graph->g, self->id, type, (size_t)tlen,
                                       ex, nex, &ids, &n, &err)
                         : hs_node_walk(graph->g, self->id, ex, nex, &ids, &n,
                                        &err));
    PyMem_RawFree(ex);
    if (rc < 0) {
        return hs_py_raise(hs_py_graph_state(graph), &err);
    }
    return hs_py_nodelist_new(graph, ids, n, 1);
}

PyDoc_STRVAR(walk_doc,
"walk(excluding=None)\n--\n\n"
"Everything reachable from this object, itself first, in meliae's\n"
"iter_recursive_refs order (depth first, the last child's subtree\n"
"first, each object once), as a NodeList. excluding: addresses (or\n"
"proxies) never entered. Releases the GIL.");

static PyObject *
node_walk(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_excluding[] = "excluding";
    static char *kwlist[] = {kw_excluding, NULL};
    PyObject *excluding = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:walk", kwlist,
                                     &excluding)) {
        return NULL;
    }
    return walk_list((hs_py_node *)op, excluding, NULL, 0);
}

PyDoc_STRVAR(all_doc,
"all(type_str, excluding=None)\n--\n\n"
"The objects of type type_str reachable from this one (walk order\n"
"filtered), largest first as get_all sorts them, as a NodeList.");

static PyObject *
node_all(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_type_str[] = "type_str";
    static char kw_excluding[] = "excluding";
    static char *kwlist[] = {kw_type_str, kw_excluding, NULL};
    PyObject *excluding = Py_None;
    const char *type;
    Py_ssize_t tlen;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "s#|O:all", kwlist, &type,
                                     &tlen, &excluding)) {
        return NULL;
    }
    return walk_list((hs_py_node *)op, excluding, type, tlen);
}

PyDoc_STRVAR(total_doc,
"compute_total_size(excluding=None)\n--\n\n"
"The sum of the sizes of everything walk(excluding) reaches; also\n"
"stored as total_size, which repr() then shows. Releases the GIL.");

static PyObject *
node_total(PyObject *op, PyObject *args, PyObject *kw)
{
    static char kw_excluding[] = "excluding";
    static char *kwlist[] = {kw_excluding, NULL};
    hs_py_node *self = (hs_py_node *)op;
    hs_py_graph *graph = self->graph;
    PyObject *excluding = Py_None;
    uint64_t total = 0;
    size_t nex;
    uint32_t *ex;
    hs_error err;
    int rc;
    if (!PyArg_ParseTupleAndKeywords(args, kw, "|O:compute_total_size",
                                     kwlist, &excluding)
        || node_ok(self) < 0
        || !(ex = hs_py_addresses_to_ids(graph, excluding, &nex))) {
        return NULL;
    }
    hs_py_error_clear(&err);
    HS_PY_READ_UNLOCKED(graph, rc = hs_node_total_size(graph->g, self->id, ex,
                                                       nex, &total, NULL,
                                                       &err));
    PyMem_RawFree(ex);
    if (rc < 0) {
        return hs_py_raise(hs_py_graph_state(graph), &err);
    }
    if (hs_py_graph_set_total(graph, self->id, total) < 0) {
        return NULL;
    }
    return PyLong_FromUnsignedLongLong(total);
}

/* MARK: refs as Python values (docs/format.md §4.9) */

/* The keys of refs_as_dict's items, in *keys (new references): each its
 * literal, except where a later key of the same dict gives the same
 * Python value (two classes of one name, a class and the str of its
 * name: meliae's rule keys both by the name, and its later pair wins).
 * The later pair keeps the literal, as in meliae, and the earlier one is
 * keyed by its key's proxy, so that no pair is lost. Hence the walk from
 * the last item. Returns 0, or -1 with an exception set. */
static int
dict_keys(hs_py_graph *graph, const hs_ref_item *items, size_t n,
          PyObject **keys)
{
    PyObject *seen = PySet_New(NULL);
    int rc = seen ? 0 : -1;
    for (size_t i = n; rc == 0 && i-- > 0;) {
        const hs_literal *lit = &items[i].key;
        PyObject *k = literal_object(graph, lit);
        int taken = 0;
        if (k && lit->kind != HS_LITERAL_OBJECT) {
            taken = PySet_Contains(seen, k);
            if (taken == 0) {
                taken = PySet_Add(seen, k);
            } else if (taken > 0) {
                Py_DECREF(k);
                k = hs_py_node_new(graph, lit->id);
                taken = 0;
            }
        }
        keys[i] = k;
        rc = k && taken == 0 ? 0 : -1;
    }
    Py_XDECREF(seen);
    return rc;
}

PyDoc_STRVAR(refs_as_dict_doc,
"refs_as_dict()\n--\n\n"
"The object's refs as {key: value}, for dicts, modules and instances\n"
"whose dict was collapsed into them. Keys and values that are str,\n"
"bytes, int, bools or None become Python values, a key that is a class,\n"
"function or module its name (meliae's rule); anything else stays a\n"
"proxy, as does a key whose value a later key gives too (meliae keeps\n"
"only the later pair; no pair is lost here). Right for every dialect:\n"
"value, key dicts of meliae's Python 3 dumps are swapped back. Raises\n"
"HeapscopeError when the dump did not record the keys (str-keyed dicts\n"
"in meliae's Python 3 dumps), or when the refs are not pairs: any object\n"
"that is not a dict (a tuple, function, slotted instance) is refused\n"
"('not a dict'); its children and ref_label(k) say what it holds.");

static PyObject *
node_refs_as_dict(PyObject *op, PyObject *unused)
{
    hs_py_node *self = (hs_py_node *)op;
    hs_ref_item *items = NULL;
    size_t n = 0;
    hs_error err;
    PyObject *out, **keys;
    (void)unused;
    CHECK(op);
    hs_py_error_clear(&err);
    if (hs_node_refs_as_dict(self->graph->g, self->id, &items, &n, &err) < 0) {
        return hs_py_raise(hs_py_graph_state(self->graph), &err);
    }
    keys = PyMem_Calloc(n ? n : 1, sizeof(*keys));
    out = keys && dict_keys(self->graph, items, n, keys) == 0 ? PyDict_New()
                                                              : NULL;
    for (size_t i = 0; out && i < n; i++) {
        PyObject *v = literal_object(self->graph, &items[i].value);
        if (!v || PyDict_SetItem(out, keys[i], v) < 0) {
            Py_CLEAR(out);
        }
        Py_XDECREF(v);
    }
    for (size_t i = 0; keys && i < n; i++) {
        Py_XDECREF(keys[i]);
    }
    if (!keys) {
        PyErr_NoMemory();
    }
    PyMem_Free(keys);
    hs_free(items);
    return out;
}

PyDoc_STRVAR(refs_as_list_doc,
"refs_as_list()\n--\n\n"
"Each ref as a Python value where the object has one (any record with\n"
"a value gives it), else as a proxy; bools as bools, None as None.");

static PyObject *
literal_at(const void *ctx, size_t i)
{
    const lib_array *a = ctx;
    const hs_literal *items = a->items;
    return literal_object(a->graph, &items[i]);
}

static PyObject *
node_refs_as_list(PyObject *op, PyObject *unused)
{
    hs_py_node *self = (hs_py_node *)op;
    lib_array ctx;
    hs_literal *items = NULL;
    size_t n = 0;
    hs_error err;
    PyObject *out;
    (void)unused;
    CHECK(op);
    hs_py_error_clear(&err);
    if (hs_node_refs_as_list(self->graph->g, self->id, &items, &n, &err) < 0) {
        return hs_py_raise(hs_py_graph_state(self->graph), &err);
    }
    ctx.graph = self->graph;
    ctx.items = items;
    out = hs_py_list(n, literal_at, &ctx);
    hs_free(items);
    return out;
}

static PyObject *
take_text(hs_py_graph *graph, char *text, const hs_error *err)
{
    return hs_py_take_text(hs_py_graph_state(graph), text, err);
}

PyDoc_STRVAR(to_json_doc,
"to_json()\n--\n\n"
"The object as one faithful meliae-format JSON line: current refs in\n"
"order, name, len and value kept, properly escaped.");

static PyObject *
node_to_json(PyObject *op, PyObject *unused)
{
    hs_py_node *self = (hs_py_node *)op;
    hs_error err;
    (void)unused;
    CHECK(op);
    hs_py_error_clear(&err);
    return take_text(self->graph,
                     hs_node_to_json(self->graph->g, self->id, &err), &err);
}

PyDoc_STRVAR(ref_label_doc,
"ref_label(k)\n--\n\n"
"How ref number k reads in a path: \"['key']\", \".attr\", \"[3]\",\n"
"\"(key)\", \"(item)\", \"__class__\" or \"refs[k]\".");

static PyObject *
node_ref_label(PyObject *op, PyObject *arg)
{
    hs_py_node *self = (hs_py_node *)op;
    unsigned long long k = PyLong_AsUnsignedLongLong(arg);
    hs_error err;
    if (k == (unsigned long long)-1 && PyErr_Occurred()) {
        return NULL;
    }
    CHECK(op);
    hs_py_error_clear(&err);
    return take_text(self->graph,
                     hs_node_ref_label(self->graph->g, self->id, k, 60, &err),
                     &err);
}

/* MARK: protocols */

static PyObject *
node_repr(PyObject *op)
{
    hs_py_node *self = (hs_py_node *)op;
    hs_error err;
    if (hs_py_graph_check_read(self->graph) < 0) {
        return NULL;
    }
    if (!hs_node_exists(self->graph->g, self->id)) {
        /* repr must not raise: lists of proxies are printed whole. */
        return PyUnicode_FromFormat(
            "<gone %llu>", (unsigned long long)hs_node_address(self->graph->g,
                                                               self->id));
    }
    hs_py_error_clear(&err);
    return take_text(self->graph,
                     hs_node_repr(self->graph->g, self->id,
                                  hs_py_graph_total(self->graph, self->id), 0,
                                  &err),
                     &err);
}

static Py_hash_t
node_hash(PyObject *op)
{
    PyObject *a = get_address(op, NULL);
    Py_hash_t h;
    if (!a) {
        return -1;
    }
    h = PyObject_Hash(a); /* hash(proxy) == hash(its address) */
    Py_DECREF(a);
    return h;
}

static PyObject *
node_richcompare(PyObject *a, PyObject *b, int op)
{
    uint64_t x, y;
    if ((op != Py_EQ && op != Py_NE) || (!is_node(b) && !PyLong_Check(b))
        || (!is_node(a) && !PyLong_Check(a))) {
        Py_RETURN_NOTIMPLEMENTED;
    }
    if (hs_py_node_address(a, &x) < 0 || hs_py_node_address(b, &y) < 0) {
        /* A negative or huge int is no address: simply not equal. */
        PyErr_Clear();
        return PyBool_FromLong(op == Py_NE);
    }
    return PyBool_FromLong((x == y) == (op == Py_EQ));
}

static Py_ssize_t
node_len(PyObject *op)
{
    uint64_t n;
    if (node_ok((hs_py_node *)op) < 0) {
        return -1;
    }
    hs_node_children(NODE_G(op), NODE_ID(op), &n);
    return (Py_ssize_t)n;
}

/* obj[i]: the proxy of ref i (negative i counts from the end). A
 * dangling ref has no record: KeyError, as in meliae. */
static PyObject *
node_item(PyObject *op, Py_ssize_t i)
{
    uint64_t n;
    const uint32_t *ids;
    hs_py_node *self = (hs_py_node *)op;
    CHECK(op);
    ids = hs_node_children(self->graph->g, self->id, &n);
    if (i < 0 || (uint64_t)i >= n) {
        PyErr_SetString(PyExc_IndexError, "ref index out of range");
        return NULL;
    }
    if (!hs_node_exists(self->graph->g, ids[i])) {
        return PyErr_Format(PyExc_KeyError,
                            "ref %zd (%llu) has no record in the dump", i,
                            (unsigned long long)hs_node_address(
                                self->graph->g, ids[i]));
    }
    return hs_py_node_new(self->graph, ids[i]);
}

static PyObject *
node_iter(PyObject *op)
{
    PyObject *c = get_c(op, NULL), *it;
    if (!c) {
        return NULL;
    }
    it = PyObject_GetIter(c);
    Py_DECREF(c);
    return it;
}

/* A proxy is always true, even with no refs (len() counts refs). */
static int
node_bool(PyObject *op)
{
    (void)op;
    return 1;
}

static PyGetSetDef node_getset[] = {
    {"address", get_address, NULL, "The object's address (id() in the "
     "dumped process).", NULL},
    {"node_id", get_node_id, NULL, "The library's dense node id.", NULL},
    {"manager", get_manager, NULL, "The ObjManager this proxy belongs to.",
     NULL},
    {"type_str", get_type_str, NULL, "The type's name as dumped (decoded, "
     "mojibake repaired).", NULL},
    {"size", get_size, NULL, "Size in bytes (collapsed dicts included).",
     NULL},
    {"len", get_len, NULL, "The record's len (str, bytes, containers), or "
     "None.", NULL},
    {"value", get_value, NULL, "The value: str, int, bytes (str in "
     "Python 2 dumps), or None.", NULL},
    {"name", get_name, NULL, "The name of a module, function or class, or "
     "None.", NULL},
    {"layout", get_layout, NULL, "The dict layout tag: 'kv', 'vk', "
     "'values', 'empty', 'unknown' or 'none'.", NULL},
    {"traceback", get_traceback, NULL, "Where the object was allocated, "
     "when the dumped process traced with tracemalloc: [(filename, "
     "lineno), ...], oldest frame first; None when not traced.", NULL},
    {"num_refs", get_num_refs, NULL, "Number of refs (len(obj)).", NULL},
    {"num_parents", get_num_parents, NULL, "Number of parents.", NULL},
    {"num_referrers", get_num_parents, NULL, "Alias of num_parents.", NULL},
    {"children", get_children, NULL, "Addresses of the refs, in order "
     "(dangling ones included).", NULL},
    {"ref_list", get_children, NULL, "Alias of children.", NULL},
    {"parents", get_parents, NULL, "Addresses of the parents, in order of "
     "first reference.", NULL},
    {"referrers", get_parents, NULL, "Alias of parents.", NULL},
    {"c", get_c, NULL, "The referenced objects as a NodeList of proxies "
     "(dangling refs left out).", NULL},
    {"p", get_p, NULL, "The parents as a NodeList of proxies.", NULL},
    {"total_size", get_total_size, set_total_size, "What "
     "compute_total_size() found, or 0.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

static PyMethodDef node_methods[] = {
    {"walk", (PyCFunction)(void (*)(void))node_walk,
     METH_VARARGS | METH_KEYWORDS, walk_doc},
    {"all", (PyCFunction)(void (*)(void))node_all,
     METH_VARARGS | METH_KEYWORDS, all_doc},
    {"compute_total_size", (PyCFunction)(void (*)(void))node_total,
     METH_VARARGS | METH_KEYWORDS, total_doc},
    {"refs_as_dict", node_refs_as_dict, METH_NOARGS, refs_as_dict_doc},
    {"refs_as_list", node_refs_as_list, METH_NOARGS, refs_as_list_doc},
    {"to_json", node_to_json, METH_NOARGS, to_json_doc},
    {"ref_label", node_ref_label, METH_O, ref_label_doc},
    {NULL, NULL, 0, NULL}};

PyDoc_STRVAR(node_doc,
"The proxy of one object of a loaded dump (meliae's _MemObjectProxy).\n\n"
"len(obj) is its number of refs, obj[i] the i-th referenced object,\n"
"iteration goes over obj.c. Proxies are equal (and hash alike) when\n"
"their addresses are, and equal to the address as an int.");

static PyType_Slot node_slots[] = {
    {Py_tp_new, (void *)hs_py_refuse_new},
    {Py_tp_dealloc, (void *)node_dealloc},
    {Py_tp_doc, (void *)node_doc},
    {Py_tp_repr, (void *)node_repr},
    {Py_tp_hash, (void *)node_hash},
    {Py_tp_richcompare, (void *)node_richcompare},
    {Py_tp_iter, (void *)node_iter},
    {Py_tp_methods, node_methods},
    {Py_tp_getset, node_getset},
    {Py_nb_bool, (void *)node_bool},
    {Py_sq_length, (void *)node_len},
    {Py_sq_item, (void *)node_item},
    {0, NULL}};

PyType_Spec hs_py_node_spec = {"heapscope._analyzer.Node",
                               sizeof(hs_py_node), 0,
                               Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
                               node_slots};
