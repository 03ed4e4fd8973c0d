"""A small service that leaks, for `make demo`: it dumps its own heap
three times with heapscope's dumper, and `heapscope leaks` finds why.

Its log observer was meant to keep a short history, but the deque it
keeps events in has no maxlen: every event dict stays forever (the leak
heapscope was first built to find). Beside it, a bounded response cache that
turns over and requests in flight, which do not leak.

    PYTHONPATH=$(scripts/build-python.sh /usr/bin/python3) \\
        /usr/bin/python3 examples/leaky_service.py OUTDIR
    build/bin/heapscope leaks OUTDIR/mem-1.json OUTDIR/mem-2.json OUTDIR/mem-3.json
"""
import collections
import gc
import os
import sys

import heapscope


class LimitedHistoryLogObserver:
    """Meant to keep the last events; the deque has no maxlen (the bug)."""

    def __init__(self):
        self._buffer = collections.deque()

    def __call__(self, event):
        self._buffer.append(event)


class LogBeginner:
    def __init__(self):
        self._initialBuffer = LimitedHistoryLogObserver()
        self.observers = [self._initialBuffer]

    def emit(self, event):
        for observer in self.observers:
            observer(event)


class ResponseCache:
    """Bounded: at most 500 responses, the oldest evicted (no leak)."""

    def __init__(self):
        self.entries = collections.OrderedDict()

    def put(self, key, value):
        self.entries[key] = value
        if len(self.entries) > 500:
            self.entries.popitem(last=False)


globalLogBeginner = LogBeginner()
cache = ResponseCache()


def serve(i, in_flight):
    request = {"path": "/item/%d" % (i % 700), "id": i}
    in_flight.append(request)
    if len(in_flight) > 10:
        in_flight.popleft()
    cache.put(request["path"], "<html>item %d</html>" % (i % 700))
    if i % 3 == 0:
        globalLogBeginner.emit({"log_text": "served %s" % request["path"],
                                "log_namespace": "service.http",
                                "log_level": "info",
                                "log_time": 1700000000 + i})


def main():
    outdir = sys.argv[1]
    in_flight = collections.deque()
    i = 0
    for n, steps in enumerate((1500, 1500, 1500), 1):
        for _ in range(steps):
            serve(i, in_flight)
            i += 1
        gc.collect()
        path = os.path.join(outdir, "mem-%d.json" % n)
        heapscope.dump(path)
        print("dumped %s after %d requests" % (path, i))


if __name__ == "__main__":
    main()
