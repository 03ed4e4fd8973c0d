"""Writes the dumps of this folder: a registry that keeps every event it
is given (the leak: the dicts made at the line marked LEAK), beside a
bounded cache, dumped three times with tracemalloc tracing one frame.

    PYTHONPATH=DUMPER_BUILD python3 -S -X tracemalloc=1 leak.py OUT_DIR
"""
import sys

import heapscope


class Registry:
    def __init__(self):
        self.events = []
        self.cache = {}

    def handle(self, i):
        event = {"id": i, "kind": "click"}   # LEAK: kept forever
        self.events.append(event)
        self.cache[i % 50] = "page %d" % i   # bounded: 50 entries


def main(out):
    registry = Registry()
    for n in range(1, 4):
        for i in range(300):
            registry.handle(n * 1000 + i)
        heapscope.dump("%s/dump-%d.json.gz" % (out, n))


main(sys.argv[1])
