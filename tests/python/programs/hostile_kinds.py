"""Hostile objects for the dumper's no-code tests (quiet_walk.py).

Every dunder method defined here calls hit(), which records its name and
allocates, so a walk that runs any of them is seen three ways: HITS is not
empty, the profile hook saw a Python call, the heap grew. build(KIND)
returns a Case: the objects to keep alive during the dump and a check that
reads the dump's records afterwards (the fields the dumper must get from
the C structures, not from the hostile methods).
"""

import collections
import functools
import platform
import sys
import types
import warnings
import weakref

HITS = []


def hit(name):
    # A list per call: a GC object and a pymalloc block, so a call that
    # slipped past the hooks still shows in the heap counts.
    HITS.append([name])


class Case:
    def __init__(self, keep, check=None, after=None):
        self.keep = keep
        self.check = check or (lambda recs: [])
        self.after = after or (lambda: [])


def expect(recs, obj, **fields):
    """Problems with obj's record: missing, or a field differing."""
    rec = recs.get(id(obj))
    if rec is None:
        return ["%s: no record" % type(obj).__name__]
    return ["%s.%s: %r, want %r" % (rec["type"], k, rec.get(k), v)
            for k, v in sorted(fields.items()) if rec.get(k) != v]


def base_size(obj, base, twin):
    """What the dumper must record for obj, whose class overrides
    __sizeof__: its builtin base's C __sizeof__ (called here directly on
    obj, which runs no hostile code) plus what sys.getsizeof adds in front
    of objects of that layout (measured on twin, an instance of a class
    with obj's layout that does not override __sizeof__)."""
    return (base.__sizeof__(obj) + sys.getsizeof(twin)
            - type(twin).__sizeof__(twin))


# MARK: the dunder methods every hostile class gets


def _recording(name, result):
    def method(self, *args):
        hit(name)
        if isinstance(result, BaseException):
            raise result
        return result(self, *args) if callable(result) else result
    method.__name__ = name
    return method


CONTAINER_DUNDERS = {
    "__len__": 7, "__iter__": lambda self: iter(()),
    "__getitem__": KeyError("hostile"), "__contains__": True,
    "__reversed__": lambda self: iter(()), "__length_hint__": 3,
    "__sizeof__": 1 << 40, "__repr__": "<hostile>", "__str__": "hostile",
    "__eq__": False, "__ne__": True, "__hash__": 42, "__bool__": True,
    "__getattr__": AttributeError("hostile"), "__format__": "hostile",
    "__dir__": (), "__reduce__": RuntimeError("hostile"),
}


def hostile_class(name, bases=(), skip=(), **extra):
    ns = {k: _recording(k, v) for k, v in CONTAINER_DUNDERS.items()
          if k not in skip}
    ns.update(extra)
    return type(name, bases, ns)


# MARK: kinds


def tuple_len():
    T = hostile_class("HostileTuple", (tuple,))
    N = collections.namedtuple("N", "a b c")
    NT = hostile_class("HostileNamedTuple", (N,))
    objs = [T((1, 2, 3)), T(), T(range(40)), NT(1, [2], "3")]

    def check(recs):
        return sum((expect(recs, o, len=tuple.__len__(o)) for o in objs), [])
    return Case(objs, check)


def list_len():
    L = hostile_class("HostileList", (list,))
    objs = [L([1, 2, 3]), L(), L(range(100))]

    def check(recs):
        return sum((expect(recs, o, len=list.__len__(o)) for o in objs), [])
    return Case(objs, check)


def dict_len():
    D = hostile_class("HostileDict", (dict,), skip=("__getitem__",),
                      __missing__=_recording("__missing__", None),
                      __getitem__=_recording("__getitem__", None),
                      keys=_recording("keys", ()),
                      items=_recording("items", ()))
    OD = hostile_class("HostileOrderedDict", (collections.OrderedDict,))
    DD = hostile_class("HostileDefaultDict", (collections.defaultdict,))
    objs = [D(a=1, b=[2]), D(), OD(x=1), DD(list, y=2), D({i: i for i in
                                                            range(50)})]

    def check(recs):
        probs = sum((expect(recs, o, len=dict.__len__(o)) for o in objs), [])
        # The items are still written as key, value pairs.
        rec = recs.get(id(objs[0]))
        b = dict.__getitem__(objs[0], "b")
        if rec is not None and not {id("a"), id(b)} <= set(
                rec["refs"]):
            probs.append("HostileDict: items missing from refs")
        return probs
    return Case(objs, check)


def set_len():
    S = hostile_class("HostileSet", (set,))
    F = hostile_class("HostileFrozenset", (frozenset,))
    objs = [S({1, 2, 3}), S(), F({"a", "b"}), F(range(30))]

    def check(recs):
        return sum((expect(recs, o, len=set.__len__(o) if isinstance(o, set)
                           else frozenset.__len__(o)) for o in objs), [])
    return Case(objs, check)


def python_sizeof():
    """__sizeof__ written in Python: never called; the size is what the
    builtin base's C __sizeof__ computes."""
    pairs = []
    for base, args in ((list, ([1, 2, 3],)), (dict, ({"k": 1},)),
                       (set, ({1, 2},)), (int, (10 ** 30,)), (str, ("x" * 50,)),
                       (object, ()), (collections.deque, ([1, 2],))):
        H = hostile_class("Sizeof_" + base.__name__, (base,))
        twin = type("Twin_" + base.__name__, (base,), {})
        pairs.append((H(*args), twin(*args), base))

    class Meta(type):
        __sizeof__ = _recording("__sizeof__", 1 << 40)

    class WithMeta(metaclass=Meta):
        pass

    class TwinMeta(type):
        pass

    class WithTwinMeta(metaclass=TwinMeta):
        pass

    def check(recs):
        probs = []
        for obj, twin, base in pairs:
            probs += expect(recs, obj, size=base_size(obj, base, twin))
        probs += expect(recs, WithMeta, size=sys.getsizeof(WithTwinMeta))
        return probs
    return Case([p[:2] for p in pairs] + [WithMeta, WithTwinMeta], check)


def borrowed_sizeof():
    """A builtin's __sizeof__ put in a class that does not have the
    builtin's layout: sys.getsizeof raises TypeError; the dumper must not
    apply the builtin's formula (or call its C code) to the wrong memory.
    The three slots cover the fields those formulas would read."""
    cases = []
    for base in (list, dict, set, int, str, collections.deque):
        B = type("Borrowed_" + base.__name__, (),
                 {"__slots__": ("a", "b", "c", "d"),
                  "__sizeof__": base.__sizeof__})
        T = type("Twin_" + base.__name__, (), {"__slots__": ("a", "b", "c",
                                                             "d")})
        pair = []
        for cls in (B, T):
            o = cls()
            o.a, o.b, o.c, o.d = [1], (2,), {3: 3}, "4" * 100
            pair.append(o)
        cases.append(pair)

    def check(recs):
        return sum((expect(recs, b, size=sys.getsizeof(t))
                    for b, t in cases), [])
    return Case(cases, check)


def eq_key_class_dict():
    """A class namespace holding keys whose hash equals hash('__sizeof__'):
    looking '__sizeof__' up in it by hash compares with ==, which calls
    the key's __eq__."""
    class Key:
        __hash__ = lambda self: hash("__sizeof__")  # noqa: E731
        __eq__ = _recording("__eq__", False)

    class StrKey(str):
        __hash__ = lambda self: hash("__sizeof__")  # noqa: E731
        __eq__ = _recording("__eq__", False)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # 3.13: non-string key warning
        C = type("EqKeyClass", (), {Key(): 1, "x": 2})
        D = type("StrKeyClass", (list,), {StrKey("__sizeof__"): 1})
    twin = type("Twin", (list,), {})([1, 2])
    objs = [C(), D([1, 2]), twin]

    def check(recs):
        # StrKey's __eq__ says it is not '__sizeof__': list's is found.
        return expect(recs, objs[1], size=base_size(objs[1], list, twin))
    return Case(objs, check)


def getattr_kinds():
    class GetAttr:
        __getattr__ = _recording("__getattr__", AttributeError("x"))
        __getattribute__ = _recording("__getattribute__", AttributeError("x"))
        __setattr__ = _recording("__setattr__", None)
        __delattr__ = _recording("__delattr__", None)

    class Attrs:
        def __init__(self):
            self.a, self.b = [1], "b"
        __getattribute__ = _recording("__getattribute__", AttributeError("x"))

    class HostileModule(types.ModuleType):
        __getattr__ = _recording("__getattr__", AttributeError("x"))
        __getattribute__ = _recording("__getattribute__", None)
        __repr__ = _recording("__repr__", "m")

    mod = HostileModule("hostile_module")
    # PEP 562 module __getattr__ and __dir__.
    pep562 = types.ModuleType("hostile_pep562")
    pep562.__getattr__ = _recording("__getattr__", AttributeError("x"))
    pep562.__dir__ = _recording("__dir__", ())
    sys.modules["hostile_module"] = mod
    sys.modules["hostile_pep562"] = pep562
    attrs = Attrs()
    proxy_target = GetAttr()
    objs = [GetAttr(), attrs, mod, pep562, proxy_target,
            weakref.proxy(proxy_target)]

    def check(recs):
        return (expect(recs, mod, name="hostile_module")
                + expect(recs, pep562, name="hostile_pep562"))
    return Case(objs, check)


def repr_kinds():
    class R:
        __repr__ = _recording("__repr__", "r")
        __str__ = _recording("__str__", "s")
        __format__ = _recording("__format__", "f")
        __bytes__ = _recording("__bytes__", b"b")
        __bool__ = _recording("__bool__", True)
        __index__ = _recording("__index__", 1)
        __int__ = _recording("__int__", 1)
        __float__ = _recording("__float__", 1.0)
    return Case([R() for _ in range(5)])


def hash_eq_kinds():
    class HE:
        __hash__ = _recording("__hash__", 1)
        __eq__ = _recording("__eq__", True)
        __ne__ = _recording("__ne__", False)
        __lt__ = _recording("__lt__", False)
    keys = [HE() for _ in range(4)]
    d = {}
    s = set()
    for k in keys:             # equal hashes, __eq__ True: one entry each
        dict.__setitem__(d, k, k)
        set.add(s, k)
    del HITS[:]                # those calls were ours, not the dumper's
    return Case([keys, d, s, {"plain": keys[0]}])


def del_kinds():
    class Del:
        __del__ = _recording("__del__", None)

    def callback(ref):
        hit("weakref callback")

    objs = [Del() for _ in range(3)]
    refs = [weakref.ref(o, callback) for o in objs]
    fin = [weakref.finalize(o, hit, "finalize") for o in objs]
    cycle = Del()
    cycle.self = cycle
    return Case([objs, refs, fin, cycle])


def iter_kinds():
    class It:
        __iter__ = _recording("__iter__", lambda self: self)
        __next__ = _recording("__next__", StopIteration())
        __getitem__ = _recording("__getitem__", IndexError())
        __len__ = _recording("__len__", 0)
        __reversed__ = _recording("__reversed__", lambda self: self)
        __length_hint__ = _recording("__length_hint__", 0)

    def gen():
        hit("generator body")
        yield 1
    g = gen()                  # created, never started
    return Case([It(), It(), g, [It()], (It(),), {"k": It()}])


def descriptor_kinds():
    class DataDescr:
        __get__ = _recording("__get__", None)
        __set__ = _recording("__set__", None)
        __delete__ = _recording("__delete__", None)
        __set_name__ = _recording("__set_name__", None)

    def getter(self):
        hit("property")

    class WithDescr:
        d = DataDescr()
        p = property(getter)
        __dict__ = property(getter)   # shadows the instance dict
        __class_getitem__ = classmethod(_recording("__class_getitem__", 0))

        def __init__(self):
            object.__setattr__(self, "v", [1])

    class Lazy:
        c = functools.cached_property(getter)

    class Slots:
        __slots__ = ("a", "b")
        s = property(getter)
    sl = Slots()
    sl.a = [1]
    del HITS[:]                # __set_name__ ran at class creation
    return Case([WithDescr(), Lazy(), sl, DataDescr()])


def metaclass_kinds():
    M = hostile_class("HostileMeta", (type,),
                      __instancecheck__=_recording("__instancecheck__", True),
                      __subclasscheck__=_recording("__subclasscheck__", True),
                      __call__=_recording("__call__", None))

    class Mro(type):
        def mro(cls):
            return (cls, list, object)

    A = M("MetaA", (), {})
    B = M("MetaB", (list,), {"attr": 1})
    C = Mro("MroList", (list,), {})
    instances = [type.__call__(B, [1, 2]), list.__new__(C)]
    list.__init__(instances[1], [3])

    def check(recs):
        return (expect(recs, A, name="MetaA")
                + expect(recs, B, name="MetaB")
                + expect(recs, instances[0], len=2)
                + expect(recs, instances[1], len=1))
    return Case([A, B, C, instances], check)


def class_override():
    class Liar:
        @property
        def __class__(self):
            hit("__class__")
            return list

    class LiarDict(dict):
        @property
        def __class__(self):
            hit("__class__")
            return int
    objs = [Liar(), LiarDict(a=1)]

    def check(recs):
        return (expect(recs, objs[0], type="Liar")
                + expect(recs, objs[1], type="LiarDict", len=1))
    return Case(objs, check)


def scalar_subclasses():
    extra = ("__int__", "__index__", "__float__", "__bytes__", "__complex__",
             "__abs__", "__neg__", "__round__")
    ns = {k: _recording(k, AttributeError("x")) for k in extra}
    S = hostile_class("HostileStr", (str,), **ns)
    I = hostile_class("HostileInt", (int,), **ns)
    B = hostile_class("HostileBytes", (bytes,), **ns)
    F = hostile_class("HostileFloat", (float,), **ns)
    C = hostile_class("HostileComplex", (complex,), **ns)
    BA = hostile_class("HostileBytearray", (bytearray,), **ns)
    s, i, big = S("h\u00e9llo"), I(-12345), I(3 ** 200)
    b, f, c, ba = B(b"by\x00tes"), F(2.5), C(1 + 2j), BA(b"abc")

    def check(recs):
        return (expect(recs, s, len=5, value="h\u00e9llo")
                + expect(recs, i, value=-12345)
                + expect(recs, big, value=str(int.__int__(big)))
                + expect(recs, b, len=6, value="by\u0000tes")
                + expect(recs, f, value="2.5"))
    return Case([s, i, big, b, f, c, ba], check)


def uname_warnings():
    """The real heap that showed the bug: platform.uname() with its
    processor not resolved yet (3.9+ resolves it lazily, running
    `uname -p`, from uname_result.__len__ and __iter__), and warnings
    already shown once, which catch_warnings (entered by a lazy __len__
    elsewhere in the heap) invalidates in every __warningregistry__."""
    u = platform.uname()

    def lazy_len(self):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple.__len__(self)

    Lazy = type("LazyTuple", (tuple,), {"__len__": lazy_len})

    def warn_once():
        warnings.warn("shown once", UserWarning)

    warnings.simplefilter("default")
    shown = []
    warnings.showwarning = lambda *a, **k: shown.append(a[0])
    warn_once()
    registry = warn_once.__globals__.get("__warningregistry__")
    lazy = Lazy((1, 2))

    def after():
        probs = []
        if "processor" in getattr(u, "__dict__", {}):
            probs.append("uname_result.processor was resolved")
        del shown[:]
        warn_once()            # suppressed while the registry holds it
        if shown:
            probs.append("a __warningregistry__ was reset: %r shown again"
                         % str(shown[0]))
        return probs
    return Case([u, lazy, registry], after=after)


KINDS = {f.__name__: f for f in (
    tuple_len, list_len, dict_len, set_len, python_sizeof, borrowed_sizeof,
    eq_key_class_dict, getattr_kinds, repr_kinds, hash_eq_kinds, del_kinds,
    iter_kinds, descriptor_kinds, metaclass_kinds, class_override,
    scalar_subclasses, uname_warnings)}


def build(kind):
    case = KINDS[kind]()
    del HITS[:]
    return case
