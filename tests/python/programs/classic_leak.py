"""The leak of the classic meliae story, as a program that dumps itself.

A long-running service publishes log events to observers; one observer
keeps every event dict in a collections.deque without maxlen, and it is
reachable from a module global. The program dumps its heap with
heapscope's own dumper after EARLY events and again after LATE events:

    python classic_leak.py OUTDIR [EARLY LATE]     (default 300 900)

writes OUTDIR/memory-EARLY.json.gz and OUTDIR/memory-LATE.json.gz.
tests/python/test_api_classic.py runs meliae_classic.py on the two dumps.
"""
import collections
import gc
import os
import sys

import heapscope


class LimitedHistoryLogObserver(object):
    """Meant to keep a limited history; the deque has no maxlen."""

    def __init__(self):
        self._buffer = collections.deque()

    def __call__(self, event):
        self._buffer.append(event)


class LogPublisher(object):
    def __init__(self, *observers):
        self._observers = list(observers)

    def __call__(self, text, **kw):
        event = dict(kw)
        event["log_text"] = text
        event["log_namespace"] = "service.protocol"
        event["log_level"] = "info"
        event["log_format"] = "{log_text}"
        for observer in self._observers:
            observer(event)


globalLogBuffer = LimitedHistoryLogObserver()
globalLogPublisher = LogPublisher(globalLogBuffer)


def serve(first, last):
    for i in range(first, last):
        globalLogPublisher("connection %d lost" % i, peer="10.0.%d.%d"
                           % (i // 256 % 256, i % 256), log_time=1.5 * i)


def main():
    outdir = sys.argv[1]
    early, late = [int(a) for a in sys.argv[2:4]] or [300, 900]
    serve(0, early)
    gc.collect()
    heapscope.dump(os.path.join(outdir, "memory-%d.json.gz" % early))
    serve(early, late)
    gc.collect()
    heapscope.dump(os.path.join(outdir, "memory-%d.json.gz" % late))


if __name__ == "__main__":
    main()
