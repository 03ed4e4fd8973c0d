"""A process for `dump --pid` tests: holds a marker object and a tuple
subclass whose __len__ logs, then either sleeps in a system call or spins
in Python. usage: HS_TARGET_LEN_LOG=PATH target.py sleep|busy"""

import os
import sys
import time


class InjectMarker:
    def __init__(self):
        self.tag = "heapscope-inject-marker"


class LazyTuple(tuple):
    """Its __len__ leaves a trace (in $HS_TARGET_LEN_LOG): the dump must
    never call it (docs/dumper.md, Guarantees)."""

    def __len__(self):
        with open(os.environ["HS_TARGET_LEN_LOG"], "a") as f:
            f.write("__len__ ran\n")
        return tuple.__len__(self)


marker = InjectMarker()
lazy = LazyTuple((1, 2, 3))


def busy():
    n = 0
    while True:
        n = (n + 1) % 1000003


def main(mode):
    print("ready", flush=True)
    if mode == "busy":
        busy()
    else:
        while True:
            time.sleep(1000)


if __name__ == "__main__":
    main(sys.argv[1])
