"""The objects whose labels heapscope must get right, in one heap dump.

    python3 -S labels_objects.py OUT.json

Each object is a global of this module, so a test finds it by a path
from __main__ and checks the labels `show`, `path` and the Python API
print for its refs:

  triple   a tuple (a, b, c) of three distinct strs: [0] is a, [2] is c
  ordered  a list [a, b, c] likewise
  point    an instance of Point, __slots__ = ('y', 'x', 'z'), all set
  partial  a Point with only y set (x and z unset: not in its refs; the
           dump lists them in "unset_slots")
  derived  an instance of Derived(Base): Derived's __slots__ ('d', 'c')
           then Base's ('b', 'a'), each sorted, in its refs; c and a unset
  loose    an instance of Loose(Base), a class without __slots__: Base's
           slots, then its __dict__
  mixed    an instance of Mixed, __slots__ = ('x', '__dict__'), with an
           attribute in its __dict__
  adder    a function with a closure (n, scale) and defaults (bias)
  the root logger's handlers list, reachable both as logging.root.handlers
           and as labels_pkg.api.root.handlers (equally short)

The dump is made by heapscope.dump from inside main(), so heapscope's
own dump() frame is live on the stack while the heap is walked.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import labels_pkg.api  # noqa: E402  (after the path is set)
import heapscope  # noqa: E402


class Point:
    __slots__ = ("y", "x", "z")

    def __init__(self, x=None, y=None, z=None):
        for name, value in (("x", x), ("y", y), ("z", z)):
            if value is not None:
                setattr(self, name, value)


class Mixed:
    __slots__ = ("x", "__dict__")

    def __init__(self):
        self.x = "mixed-x"
        self.extra = "mixed-extra"


class Base:
    __slots__ = ("b", "a")


class Derived(Base):
    __slots__ = ("d", "c")


class Loose(Base):
    pass


def make_adder(n, scale):
    def adder(v, bias="adder-bias"):
        return v * scale + n + len(bias)
    return adder


triple = ("triple-a", "triple-b", "triple-c")
ordered = ["list-a", "list-b", "list-c"]
point = Point(x="point-x", y="point-y", z="point-z")
partial = Point(y="partial-y")
mixed = Mixed()
derived = Derived()
derived.d, derived.b = "derived-d", "derived-b"
loose = Loose()
loose.a, loose.extra = "loose-a", "loose-extra"
adder = make_adder(10 ** 30, 10 ** 31)


def main(out):
    kept = ["main-local"]
    heapscope.dump(out)
    return kept


if __name__ == "__main__":
    main(sys.argv[1])
