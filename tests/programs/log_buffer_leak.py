"""A leak as people meet it: log events buffered forever.

A LimitedHistoryLogObserver-like object keeps every event dict it sees
in a collections.deque with no maxlen, and the observer is reachable from
a module global (the "global log publisher" of a logging framework). The
program dumps its heap twice with heapscope's dumper, after EARLY and
after LATE events, so that `heapscope diff` shows dicts growing,
`diff --type dict --new` lists the event dicts, `show` their keys and
`path` leads from this module through the observer to the deque.

    python3 -S log_buffer_leak.py OUTDIR [N...]

Writes OUTDIR/memory-N.json.gz after N events, for each N (default 200,
400 and 600); the number in the name doubles as the "run time" of growth
charts.
"""
import collections
import gc
import os
import sys

import heapscope


class LogObserver:
    """Keeps every event: the leak (a deque without maxlen)."""

    def __init__(self):
        self.history = collections.deque()

    def __call__(self, event):
        self.history.append(event)


class Publisher:
    def __init__(self):
        self.observers = []

    def emit(self, i):
        event = {"log_text": "request %d served" % i,
                 "log_namespace": "service.http",
                 "log_level": "info",
                 "log_time": 1700000000 + i,
                 "log_failure": None,
                 "isError": False}
        for observer in self.observers:
            observer(event)


publisher = Publisher()
observer = LogObserver()
publisher.observers.append(observer)


def main():
    outdir = sys.argv[1]
    targets = [int(a) for a in sys.argv[2:]] or [200, 400, 600]
    done = 0
    for target in targets:
        while done < target:
            publisher.emit(done)
            done += 1
        gc.collect()
        heapscope.dump(os.path.join(outdir, "memory-%d.json.gz" % target))


if __name__ == "__main__":
    main()
