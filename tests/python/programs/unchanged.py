"""The heap before and after a dump: gc object count, allocated blocks,
instance sizes, and whether 3.11+ instance dicts were materialised.
Prints a JSON report. usage: unchanged.py DUMP_PATH"""

import gc
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import fixtures  # noqa: E402
from heapscope import _dumper  # noqa: E402


class Holder:
    def __init__(self, i):
        self.payload = [i]       # a GC value: a materialised dict is tracked
        self.name = "h%d" % i


def snapshot(objs):
    return (len(gc.get_objects()), sys.getallocatedblocks(),
            [sys.getsizeof(o) for o in objs])


def main(path):
    objs = [Holder(i) for i in range(1000)]
    built, holder, thread = fixtures.build()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    gc.collect()
    gc.disable()
    # A control run of the same shape: a call returning a 2-tuple.
    c0 = snapshot(objs)
    control = divmod(7, 3)
    c1 = snapshot(objs)
    b0 = snapshot(objs)
    result = _dumper.dump_fd(fd, False, True)
    b1 = snapshot(objs)
    os.close(fd)
    gc.enable()
    report = {
        "objects": result[0],
        "control_gc_delta": c1[0] - c0[0],
        "dump_gc_delta": b1[0] - b0[0],
        "control_blocks_delta": c1[1] - c0[1],
        "dump_blocks_delta": b1[1] - b0[1],
        "sizes_equal": b0[2] == b1[2],
        "stats": _dumper.last_stats(),
    }
    del control
    fixtures.finish(built, holder, thread)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
