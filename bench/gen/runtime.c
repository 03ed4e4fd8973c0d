/*
 * runtime.c: everything a Python 3.11 service has before its data.
 */
#include "gen.h"

#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------------
 * The runtime: everything a Python 3.11 service has before its data.
 * --------------------------------------------------------------------- */

static const char *const STATIC_TYPES[] = {
    "object", "type", "int", "bool", "float", "complex", "str", "bytes",
    "bytearray", "list", "tuple", "dict", "set", "frozenset", "NoneType",
    "module", "function", "code", "cell", "frame", "generator", "coroutine",
    "method", "builtin_function_or_method", "method_descriptor",
    "wrapper_descriptor", "getset_descriptor", "member_descriptor",
    "classmethod", "staticmethod", "property", "range", "slice",
    "memoryview", "weakref.ReferenceType", "weakref.ProxyType",
    "collections.deque", "collections.OrderedDict", "collections.defaultdict",
    "decimal.Decimal", "datetime.datetime", "datetime.date",
    "datetime.timedelta", "_io.FileIO", "_io.BufferedReader",
    "_io.TextIOWrapper", "itertools.count", "functools.partial",
    "functools._lru_cache_wrapper", "re.Pattern", "_thread.lock",
    "_thread.RLock", "socket.socket", "select.epoll", "zlib.Compress",
    "_ssl._SSLContext", "BaseException", "Exception", "KeyError",
    "ValueError", "OSError", "StopIteration",
};
#define N_STATIC_TYPES (sizeof(STATIC_TYPES) / sizeof(STATIC_TYPES[0]))
#define T_OBJECT 0
#define T_TYPE 1

/* Non-ASCII names are UTF-8 bytes; octal escapes where a hex escape
 * would swallow the next letter. */
static const char *const MODULES[] = {
    "sys", "m\303\263dulo", "os", "posixpath", "json", "json.decoder",
    "re", "socket", "ssl",
    "logging", "asyncio.events", "asyncio.base_events", "http.client",
    "email.message", "urllib.parse", "encodings.utf_8", "decimal",
    "datetime", "collections", "functools", "typing", "threading",
    "twisted.internet.tcp", "twisted.internet.reactor",
    "twisted.logger._observer", "twisted.web.server", "app.handlers",
    "app.db", "app.cache", "app.auth",
};
#define N_MODULES (sizeof(MODULES) / sizeof(MODULES[0]))

const char *const WORDS[] = {
    "get", "set", "user", "item", "order", "session", "cache", "token",
    "query", "client", "server", "request", "response", "handle", "parse",
    "render", "load", "save", "close", "open", "send", "recv", "flush",
    "retry", "lookup", "update", "delete", "create", "validate", "encode",
};
_Static_assert(sizeof(WORDS) / sizeof(WORDS[0]) == N_WORDS, "N_WORDS");

/* Strings the units share, as interned strings and constants are. */
static const char *const SHARED_TEXT[] = {
    /* 0-3 HTTP methods */
    "GET", "POST", "PUT", "DELETE",
    /* 4-7 header values */
    "example.com", "api.example.com", "Mozilla/5.0 (X11; Linux x86_64)",
    "python-requests/2.31",
    /* 8-11 order statuses */
    "pending", "paid", "shipped", "cancelled",
    /* 12-19 tags */
    "vip", "beta", "staff", "trial", "eu", "us", "mobile", "caf\xc3\xa9",
    /* 20-23 log namespaces */
    "twisted.internet.tcp", "app.handlers", "app.db", "twisted.web.server",
    /* 24-27 log formats */
    "{log_source} stopped", "Connection lost: {reason}", "{request} {code}",
    "Starting factory {factory!r}",
    /* 28-32 keys of the value,key event dicts, then header names */
    "event", "text", "int key", "Content-Type", "application/json",
};
_Static_assert(sizeof(SHARED_TEXT) / sizeof(SHARED_TEXT[0]) == N_SHARED,
               "N_SHARED");

static const char *const CLASS_NAMES[CLS_COUNT] = {
    "Request", "Connection", "Order", "User", "Slotted", "Message", "Stats",
    "NamedConstant", "LimitedHistoryLogObserver", "\303\234n\303\257code",
};

runtime rt;

static uint64_t
static_type(size_t i)
{
    return ADDR_STATIC_TYPES + 416 * i;
}

static void
write_static_objects(gen *g)
{
    size_t i;

    for (i = 0; i < N_STATIC_TYPES; i++) {
        rec_begin(g, static_type(i), "type", 408);
        rec_name(g, STATIC_TYPES[i]);
        rec_end(g, NULL, 0);
    }
    rec_begin(g, ADDR_NONE, "NoneType", 16);
    rec_end(g, NULL, 0);
    rec_begin(g, ADDR_TRUE, "bool", 32);
    PUT_LIT(g, ", \"value\": \"True\"");
    rec_end(g, NULL, 0);
    rec_begin(g, ADDR_FALSE, "bool", 32);
    PUT_LIT(g, ", \"value\": \"False\"");
    rec_end(g, NULL, 0);
    for (i = 0; i <= SMALL_INT_MAX - SMALL_INT_MIN; i++) {
        int64_t v = (int64_t)i + SMALL_INT_MIN;
        rec_begin(g, small_int(v), "int", v == 0 ? 24 : 28);
        PUT_LIT(g, ", \"value\": ");
        put_i64(g, v);
        rec_end(g, NULL, 0);
    }
    unit_flush(g);
}

static void
write_shared_strings(gen *g)
{
    char buf[32];
    size_t i;

    for (i = 0; i < N_SHARED; i++) {
        rt.shared[i] = new_str(g, SHARED_TEXT[i]);
    }
    for (i = 0; i < sizeof(rt.peers) / sizeof(rt.peers[0]); i++) {
        snprintf(buf, sizeof(buf), "10.0.%u.%u", (unsigned)(i / 250),
                 (unsigned)(i % 250));
        rt.peers[i] = new_str(g, buf);
    }
    unit_flush(g);
}

static const char *
doc_text(gen *g)
{
    /* Long enough to be cut at 100 code points, with escaped newlines. */
    static const char *const docs[] = {
        "Return the value for key if key is in the cache, else default.\n\n"
        "    If default is not given, it defaults to None, so that this "
        "method never raises a KeyError.\n",
        "Handle one request.",
        "Create a composite member containing all canonical members present "
        "in `value`.\n\n        If non-member values are present, "
        "raise ValueError.",
    };
    return docs[rnd(g, 3)];
}

static uint64_t
new_function(gen *g, const char *name, uint64_t globals, uint64_t modname)
{
    uint64_t refs[9];
    size_t n = 0;
    uint64_t fname = new_str(g, name);
    uint64_t a;

    refs[n++] = new_leaf(g, "code", 200 + 8 * rnd(g, 400));
    refs[n++] = globals;
    refs[n++] = rt.builtins_dict;
    refs[n++] = modname;
    if (rnd(g, 4) == 0) {
        uint64_t defaults[2] = {ADDR_NONE, small_int((int64_t)rnd(g, 10))};
        refs[n++] = new_tuple(g, defaults, 1 + rnd(g, 2));
    }
    refs[n++] = rnd(g, 3) == 0 ? new_str(g, doc_text(g)) : ADDR_NONE;
    refs[n++] = fname;
    refs[n++] = fname;          /* qualname: the same interned str */
    a = alloc_addr(g, 152);
    rec_begin(g, a, "function", 152);
    PUT_LIT(g, ", \"name\": ");
    put_text(g, name);          /* function names use the text escaper */
    rec_end(g, refs, n);
    return a;
}

static uint64_t
new_named_function(gen *g, uint64_t globals, uint64_t modname)
{
    char name[64];
    const char *verb = WORDS[rnd(g, N_WORDS)];
    const char *noun = WORDS[rnd(g, N_WORDS)];

    /* One rnd() per statement: argument order is unspecified in C. */
    snprintf(name, sizeof(name), "%s_%s", verb, noun);
    return new_function(g, name, globals, modname);
}

typedef struct {
    const char *name;
    const char *record_type;    /* "type", or the metaclass name */
    uint64_t metaclass;         /* 0 for type: static, so not listed */
    uint64_t size;
    uint64_t base;
    int nmethods;
    int slots;
} class_spec;

static uint64_t
reserve_class(void)
{
    return ADDR_HEAP_CLASSES + 1712 * rt.nclasses++;
}

/* A heap class at SELF: tp_dict, mro and bases, then the type record. */
static uint64_t
new_class_at(gen *g, uint64_t self, const class_spec *s, uint64_t modname,
             uint64_t globals, const uint64_t *extra, size_t nextra)
{
    uint64_t d[32];
    uint64_t refs[5];
    uint64_t mro[3];
    size_t n = 0;
    size_t nref = 0;
    size_t nmro = 0;
    int i;

    d[n++] = modname;
    d[n++] = new_function(g, "__init__", globals, modname);
    for (i = 0; i < s->nmethods; i++) {
        d[n++] = new_named_function(g, globals, modname);
    }
    for (i = 0; i < 2; i++) {
        d[n++] = s->slots ? new_container(g, "member_descriptor", 64, &self,
                                          1, 0)
                          : new_container(g, "getset_descriptor", 64, &self,
                                          1, 0);
    }
    for (i = 0; (size_t)i < nextra && n < 31; i++) {
        d[n++] = extra[i];
    }
    d[n++] = ADDR_NONE;
    if (s->metaclass != 0) {
        refs[nref++] = s->metaclass;
    }
    refs[nref++] = new_dict_values(g, d, n);
    mro[nmro++] = self;
    if (s->base != static_type(T_OBJECT)) {
        mro[nmro++] = s->base;
    }
    mro[nmro++] = static_type(T_OBJECT);
    refs[nref++] = new_tuple(g, mro, nmro);
    refs[nref++] = new_tuple(g, &s->base, 1);
    refs[nref++] = s->base;
    rec_begin(g, self, s->record_type, s->size);
    rec_name(g, s->name);
    rec_end(g, refs, nref);
    return self;
}

/*
 * A module and its dict, at addresses chosen earlier (functions need the
 * dict as their globals).  VALUES holds what the dict refers to besides
 * its name, doc and functions.
 */
static void
write_module(gen *g, const char *name, uint64_t mod, uint64_t dict,
             int nfuncs, const uint64_t *values, size_t nvalues)
{
    uint64_t d[96];
    size_t n = 0;
    size_t i;
    uint64_t modname = new_str(g, name);

    d[n++] = modname;
    d[n++] = ADDR_NONE;
    for (i = 0; i < (size_t)nfuncs && n < 80; i++) {
        d[n++] = new_named_function(g, dict, modname);
    }
    for (i = 0; i < nvalues && n < 95; i++) {
        d[n++] = values[i];
    }
    rec_begin(g, dict, "dict", dict_size(n, 1));
    rec_len(g, n);
    rec_end(g, d, n);
    rec_begin(g, mod, "module", 72);
    rec_name(g, name);
    rec_end(g, &dict, 1);
    unit_flush(g);
}

static void
write_builtins(gen *g)
{
    uint64_t mod = alloc_addr(g, 72);
    uint64_t v[64];
    size_t n = 0;
    size_t i;

    rt.builtins_dict = alloc_addr(g, 4000);
    for (i = 0; i < 30; i++) {
        v[n++] = new_container(g, "builtin_function_or_method", 72, &mod, 1,
                               0);
    }
    for (i = 0; i < 20; i++) {
        v[n++] = static_type(i);
    }
    write_module(g, "builtins", mod, rt.builtins_dict, 0, v, n);
}

/* abc.ABCMeta, collections.abc's ABCMeta classes, enum and its enums. */
static void
write_abc_and_enum(gen *g)
{
    static const char *const abcs[] = {
        "Hashable", "Iterable", "Sized", "Container", "Callable", "Mapping",
        "Sequence", "Set", "MutableMapping", "Awaitable",
    };
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 1000);
    uint64_t modname = new_str(g, "abc");
    uint64_t v[16];
    size_t n = 0;
    size_t i;
    class_spec spec = {"ABCMeta", "type", 0, 1688, static_type(T_TYPE), 3, 0};

    rt.type_abcmeta = new_class_at(g, reserve_class(), &spec, modname, dict,
                                   NULL, 0);
    v[n++] = rt.type_abcmeta;
    spec.record_type = "ABCMeta";
    spec.metaclass = rt.type_abcmeta;
    spec.size = 920;            /* __sizeof__ fails: basic size + GC */
    spec.base = static_type(T_OBJECT);
    for (i = 0; i < sizeof(abcs) / sizeof(abcs[0]); i++) {
        spec.name = abcs[i];
        v[n++] = new_class_at(g, reserve_class(), &spec, modname, dict,
                              NULL, 0);
    }
    write_module(g, "abc", mod, dict, 4, v, n);
}

static void
write_enums(gen *g)
{
    static const char *const colors[] = {"RED", "GREEN", "BLUE"};
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 1000);
    uint64_t modname = new_str(g, "enum");
    class_spec spec = {"EnumType", "type", 0, 1688, static_type(T_TYPE), 4,
                       0};
    uint64_t v[4];
    uint64_t enum_base;
    uint64_t color;
    size_t i;

    rt.type_enumtype = new_class_at(g, reserve_class(), &spec, modname, dict,
                                    NULL, 0);
    spec.name = "Enum";
    spec.record_type = "EnumType";
    spec.metaclass = rt.type_enumtype;
    spec.size = 920;
    spec.base = static_type(T_OBJECT);
    enum_base = new_class_at(g, reserve_class(), &spec, modname, dict, NULL,
                             0);
    /* Members refer to their class, so reserve its address first. */
    color = reserve_class();
    for (i = 0; i < 3; i++) {
        uint64_t m[5] = {small_int((int64_t)i + 1), new_str(g, colors[i]),
                         color, small_int(0), color};
        rt.color[i] = new_instance(g, "Color", 40, m, 5);
    }
    spec.name = "Color";
    spec.size = 920 + 40 * 3;   /* meliae multiplies by len(cls) */
    spec.base = enum_base;
    spec.nmethods = 0;
    new_class_at(g, color, &spec, modname, dict, rt.color, 3);
    v[0] = rt.type_enumtype;
    v[1] = enum_base;
    v[2] = color;
    write_module(g, "enum", mod, dict, 6, v, 3);
}

/* app.models: the classes the units instantiate; app.state: the roots. */
static void
write_app_modules(gen *g)
{
    static const char *const levels[] = {
        "debug", "info", "warn", "error", "critical",
    };
    uint64_t mod = alloc_addr(g, 72);
    uint64_t dict = alloc_addr(g, 2000);
    uint64_t modname = new_str(g, "app.models");
    class_spec spec = {NULL, "type", 0, 1688, 0, 0, 0};
    uint64_t v[CLS_COUNT + 8];
    size_t n = 0;
    size_t i;

    spec.base = static_type(T_OBJECT);
    for (i = 0; i < CLS_COUNT; i++) {
        spec.name = CLASS_NAMES[i];
        spec.nmethods = 1 + (int)rnd(g, 5);
        spec.slots = i == CLS_SLOTTED;
        rt.cls[i] = new_class_at(g, reserve_class(), &spec, modname, dict,
                                 NULL, 0);
        v[n++] = rt.cls[i];
    }
    for (i = 0; i < 3; i++) {
        /* Its type string is written as mojibake, as meliae does. */
        uint64_t u[2] = {new_str(g, "\xc3\xa9t\xc3\xa9"),
                         rt.cls[CLS_UNICODE]};
        v[n++] = new_instance(g, CLASS_NAMES[CLS_UNICODE], 40, u, 2);
    }
    for (i = 0; i < 5; i++) {
        uint64_t m[2] = {new_str(g, levels[i]), rt.cls[CLS_NAMED_CONSTANT]};
        rt.level[i] = new_instance(g, "NamedConstant", 40, m, 2);
        v[n++] = rt.level[i];
    }
    write_module(g, "app.models", mod, dict, 8, v, n);

    rt.root_list = alloc_addr(g, 56);
    mod = alloc_addr(g, 72);
    dict = alloc_addr(g, 184);
    write_module(g, "app.state", mod, dict, 2, &rt.root_list, 1);
}

/* Library modules, each with functions and a couple of classes. */
static void
write_library_modules(gen *g)
{
    char name[64];
    size_t i;

    for (i = 0; i < rt.nmodules; i++) {
        uint64_t mod = alloc_addr(g, 72);
        uint64_t dict = alloc_addr(g, 1168);
        uint64_t modname;
        uint64_t v[8];
        size_t n = 0;
        size_t k;
        size_t nclasses = rnd(g, 4);
        class_spec spec = {NULL, "type", 0, 1688, 0, 2, 0};

        if (i < N_MODULES) {
            snprintf(name, sizeof(name), "%s", MODULES[i]);
        } else {
            snprintf(name, sizeof(name), "%s%u", MODULES[i % N_MODULES],
                     (unsigned)(i / N_MODULES));
        }
        modname = new_str(g, name);
        spec.base = static_type(T_OBJECT);
        for (k = 0; k < nclasses; k++) {
            char cname[64];
            int initial = 'A' + (int)rnd(g, 26);
            snprintf(cname, sizeof(cname), "%c%s%s", initial,
                     WORDS[rnd(g, N_WORDS)], k % 2 ? "Error" : "Handler");
            spec.name = cname;
            spec.size = k % 2 ? 920 : 1688;   /* exception classes: 920 */
            spec.base = k % 2 ? static_type(N_STATIC_TYPES - 5)
                              : static_type(T_OBJECT);
            v[n++] = new_class_at(g, reserve_class(), &spec, modname, dict,
                                  NULL, 0);
        }
        v[n++] = new_int(g, (int64_t)rnd(g, 100000) + 1000);
        v[n++] = modname;
        write_module(g, name, mod, dict, 4 + (int)rnd(g, 30), v, n);
    }
}

void
write_runtime(gen *g, uint64_t objects)
{
    rt.nmodules = (size_t)(objects / 100000);
    rt.nmodules = rt.nmodules < 3 ? 3 : rt.nmodules > 80 ? 80 : rt.nmodules;
    write_static_objects(g);
    write_shared_strings(g);
    write_builtins(g);
    write_abc_and_enum(g);
    write_enums(g);
    write_app_modules(g);
    write_library_modules(g);
}

