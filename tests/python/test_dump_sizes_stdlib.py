"""Sizes as CPython computes them, for every type the standard library's
C modules define (hs_stdlib.c, hs_sizeof.c): each such module is imported,
an instance of each of its types is made where a recipe or a call without
arguments makes one, and every object of a stdlib C type on the heap is
compared too; the dump must record sys.getsizeof(obj) for each."""

import collections
import gc
import json
import os
import sys

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402

# Modules whose import has effects beyond this process's heap, or that
# exist only to test CPython itself.
SKIP = ("_test", "xx", "_xx", "_ctypes_test", "_tkinter", "_curses",
        "readline", "_crypt", "audioop", "nis", "ossaudiodev", "spwd")


def stdlib_c_modules():
    names = set(sys.builtin_module_names)
    for d in sys.path:
        if d.endswith("lib-dynload") and os.path.isdir(d):
            names.update(f.split(".")[0] for f in os.listdir(d)
                         if f.endswith(".so"))
    modules = []
    for name in sorted(names):
        if name.startswith(SKIP):
            continue
        try:
            modules.append(__import__(name))
        except Exception:
            pass   # not built here, or needs a device
    return modules


def c_types(modules):
    seen = set()
    for m in modules:
        for value in list(vars(m).values()):
            if isinstance(value, type) and value not in seen:
                seen.add(value)
    return seen


def recipes():
    """Instances whose size depends on their content."""
    import array
    import decimal
    import io
    import struct
    import xml.etree.ElementTree as ET
    element = ET.Element("b", x="1", y="2")
    element.extend([ET.Element("c") for _ in range(9)])
    made = [decimal.Decimal("1" * 1000), decimal.Decimal("2.5"), element,
            ET.Element("a"), collections.deque(range(300)),
            collections.OrderedDict((i, i) for i in range(50)),
            array.array("d", range(100)), io.BytesIO(b"x" * 5000),
            io.StringIO("y" * 3000), struct.Struct("100s"),
            bytearray(1000)]
    made.append(io.BufferedReader(io.BytesIO(b"z")))
    return made


def own_sizeof(tp):
    # A __sizeof__ that is not object's: the cases that need more than
    # basicsize + itemsize * ob_size.
    return any("__sizeof__" in vars(k) for k in tp.__mro__[:-1])


def test_every_stdlib_c_type_gets_getsizeof(tmp_path):
    modules = stdlib_c_modules()
    types = c_types(modules)
    held = recipes()
    for tp in sorted(types, key=lambda t: t.__qualname__):
        try:
            held.append(tp())
        except Exception:
            pass
    heap = [o for o in gc.get_objects() if type(o) in types]
    held.extend(heap)
    expected = {}
    for obj in held:
        try:
            expected[id(obj)] = (type(obj), sys.getsizeof(obj))
        except TypeError:
            pass   # a type whose __sizeof__ refuses (abstract bases)
    path = tmp_path / "sizes.json"
    heapscope.dump(str(path))
    wrong, compared = [], collections.Counter()
    with open(str(path)) as f:
        f.readline()
        for line in f:
            rec = json.loads(line)
            want = expected.get(rec["address"])
            if want is None:
                continue
            tp, size = want
            compared[tp] += 1
            if rec["size"] != size:
                wrong.append("%s.%s: dumped %d, sys.getsizeof %d"
                             % (tp.__module__, tp.__qualname__, rec["size"],
                                size))
    assert wrong == []
    names = {"%s.%s" % (t.__module__, t.__qualname__) for t in compared}
    for must in ("decimal.Decimal", "xml.etree.ElementTree.Element",
                 "collections.deque", "_io.BytesIO", "array.array"):
        assert must in names, sorted(names)
    with_own = [t for t in compared if own_sizeof(t)]
    assert len(with_own) >= 15, sorted(names)
    del held, heap
