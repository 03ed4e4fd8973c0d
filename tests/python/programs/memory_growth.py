"""Grows by 60 MB twice, between three dumps, either in Python objects
or in native memory no object accounts for (libc malloc through ctypes,
and an anonymous mmap whose object is a few dozen bytes); "small" grows
native memory by 2 MB twice, under what heapscope calls a growth.
usage: memory_growth.py python|native|small FOLDER; prints the dumps'
paths."""

import ctypes
import mmap
import os
import sys

import heapscope

STEP = 60 << 20
kept = []


def grow_python():
    # About 60 MB of small objects: lists of str, as a cache that leaks.
    kept.append([("row %d " % i) * 4 for i in range(STEP // 120)])


def grow_native(step=STEP):
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.memset.argtypes = (ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t)
    half = step // 2
    block = libc.malloc(half)
    libc.memset(block, 1, half)          # touched: resident
    kept.append(block)                   # an int holds 30 MB
    m = mmap.mmap(-1, half)
    m.write(b"\1" * half)
    kept.append(m)


def main(kind, folder):
    grow = {"python": grow_python, "native": grow_native,
            "small": lambda: grow_native(2 << 20)}[kind]
    paths = []
    for n in range(1, 4):
        path = os.path.join(folder, "%s-%d.json" % (kind, n))
        heapscope.dump(path, fork=False)
        paths.append(path)
        if n < 3:
            grow()
    print("\n".join(paths))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
