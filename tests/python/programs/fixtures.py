"""Known structures for the dumper's round-trip tests.

build() returns a dict of named objects; EXPECT_ATTRS says which
attribute names a reader must recover for which of them.
"""

import asyncio
import collections
import ctypes
import enum
import sys
import threading


class Plain:
    """3.11+: attributes in inline values (no __dict__ materialised)."""

    def __init__(self, i):
        self.ident = i
        self.label = "plain-%d" % i
        self.items = [i, i + 1]


class Materialised:
    def __init__(self):
        self.alpha = 1
        self.beta = "two"


class Wide:
    """More attributes than shared keys hold (30), so a real dict."""

    def __init__(self):
        for i in range(40):
            setattr(self, "attr_%02d" % i, i)


class Slotted:
    __slots__ = ("x", "y")

    def __init__(self):
        self.x = [1]
        self.y = "why"


class SlotsAndDict:
    __slots__ = ("s", "__dict__")

    def __init__(self):
        self.s = "slot"
        self.extra = "dict attr"


class Deleted:
    def __init__(self):
        self.keep = 1
        self.gone = 2
        del self.gone


class Ünïcode:
    def __init__(self):
        self.naïve = "café"


class Color(enum.Enum):
    RED = 1
    GREEN = 2


class Level(enum.IntEnum):
    LOW = 10
    HIGH = 20


class Perm(enum.Flag):
    R = 4
    W = 2


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_double)]


class IntOrFloat(ctypes.Union):   # a class whose metatype is non-heap
    _fields_ = [("i", ctypes.c_int), ("f", ctypes.c_float)]


class DictSub(dict):
    def __init__(self):
        super().__init__(k1="v1", k2=2)
        self.own = "attribute"


def make_closure():
    captured = ["captured", "list"]

    def inner():
        return captured
    return inner


def gen():
    local_in_gen = ["gen", "local"]
    yield local_in_gen
    yield 2


async def coro():
    await asyncio.sleep(0)


def make_exception():
    try:
        def fail():
            marker = {"in": "traceback frame"}
            raise ValueError("boom %s" % marker)
        fail()
    except ValueError as exc:
        return exc


class Holder:
    """A second thread parks here; its frames hold `sentinel`."""

    def __init__(self):
        self.ready = threading.Event()
        self.release = threading.Event()
        self.sentinel = None

    def run(self):
        sentinel = ["only", "in", "thread", "frame"]
        self.sentinel_id = id(sentinel)
        self.ready.set()
        self.release.wait()
        return sentinel


def build():
    g = gen()
    next(g)
    c = coro()
    holder = Holder()
    thread = threading.Thread(target=holder.run, daemon=True)
    thread.start()
    holder.ready.wait()
    m = Materialised()
    m.__dict__   # noqa: B018 - force the dict into existence
    objs = {
        "str_dict": {"alpha": 1, "beta": [1, 2], "gamma": None},
        "mixed_dict": {1: "one", (2, 3): "tuple key", None: 0.5, "s": b"x"},
        "plain": [Plain(i) for i in range(5)],
        "materialised": m,
        "wide": Wide(),
        "slotted": Slotted(),
        "slots_dict": SlotsAndDict(),
        "deleted": Deleted(),
        "unicode": Ünïcode(),
        "closure": make_closure(),
        "generator": g,
        "coroutine": c,
        "exception": make_exception(),
        "enums": [Color.RED, Level.HIGH, Perm.R | Perm.W],
        "ctypes": [Point(1, 2.5), IntOrFloat(7), (Point * 3)()],
        "astral": "\U0001d4cf" * 150 + "tail",
        "astral_mixed": "a\U0001F600b\u00e9c\u4e2d" * 30,
        "control": "line\nbreak\t\"quoted\"/slash\\",
        "bytes": bytes(range(256)),
        "big_ints": [10 ** 100, -(10 ** 50), 2 ** 63, -(2 ** 63), 2 ** 64,
                     2 ** 100000, 0, -1, 12345678901234567],
        "floats": [1.5, -0.0, 1e300, float("inf"), float("nan"), 0.1],
        "bools": [True, False],
        "ordered": collections.OrderedDict(a=1, b=2),
        "default": collections.defaultdict(list, z=[1]),
        "deque": collections.deque(range(100)),
        "dict_sub": DictSub(),
        "frozen": frozenset({"f1", "f2"}),
        "set": {"s1", 2, 3.0},
        "bytearray": bytearray(b"abc" * 100),
        "nested_list": [[i] * 3 for i in range(50)],
    }
    return objs, holder, thread


# name -> (object path, attribute names a reader must recover)
EXPECT_ATTRS = {
    "plain": {"ident", "label", "items"},
    "materialised": {"alpha", "beta"},
    "wide": {"attr_%02d" % i for i in range(40)},
    "slots_dict": {"extra"},
    "deleted": {"keep"},
    "unicode": {"naïve"},
    "dict_sub": {"own"},
}


def finish(objs, holder, thread):
    objs["coroutine"].close()
    holder.release.set()
    thread.join()


if __name__ == "__main__":
    print(sorted(build()[0]))
    sys.exit(0)
