"""What every leak scenario runs beside its leak: work that does not leak.

- a bounded LRU cache with turnover: it holds at most CACHE_MAX entries
  and each step adds one, so its entries outlive one dump (more of them
  than the leak adds) while the cache never grows;
- a lookup table built lazily after the first dump, that stops growing;
- requests in flight: objects that live for a few steps, then go.

`run(outdir, step)` calls step(i) and the churn as SCHEDULE says before
each dump, and writes OUTDIR/dump-1.json ... dump-3.json with
heapscope's dumper (the first dump after a warm-up, so that the cache is
already full).
"""
import collections
import gc
import os
import sys

import heapscope

CACHE_MAX = 900
# Steps before each dump: a warm-up that fills the cache, then two
# intervals (the leak grows in both, the cache only turns over).
SCHEDULE = (1000, 1000, 600)


class LRUCache:
    """A bounded cache: old entries are evicted, so it turns over."""

    def __init__(self, maxsize):
        self.maxsize = maxsize
        self.entries = collections.OrderedDict()

    def put(self, key, value):
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.maxsize:
            self.entries.popitem(last=False)


class Session:
    def __init__(self, n):
        self.user = "user-%d" % n
        self.token = "t%08x" % (n * 2654435761 % 2 ** 32)
        self.scores = [n % 7, n % 11]


page_cache = LRUCache(CACHE_MAX)
lookup = None          # created after the first dump, then stops growing
in_flight = collections.deque()


def churn(i):
    global lookup
    page_cache.put("/page/%d" % i, {"body": "page %d" % i, "hits": i})
    in_flight.append(Session(i))
    if len(in_flight) > 20:
        in_flight.popleft()
    if i >= SCHEDULE[0]:
        if lookup is None:
            lookup = {}
        if len(lookup) < 150:
            lookup["code-%d" % i] = ("country", i % 250)


def run(outdir, step):
    i = 0
    for n, steps in enumerate(SCHEDULE, 1):
        for _ in range(steps):
            step(i)
            churn(i)
            i += 1
        gc.collect()
        heapscope.dump(os.path.join(outdir, "dump-%d.json" % n))


def main(step):
    run(sys.argv[1], step)
