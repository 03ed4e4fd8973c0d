"""What every scenario shares: the run loop that dumps, and the kinds of
non-leaking churn a long-running service has beside its leak.

A scenario program defines EXPECT (the culprits, most bytes first, as
(owner type, substring of its path from a root)), step(i), one request,
and culprits(), the culprit objects themselves in EXPECT's order; it ends
with `scenario.main(step, culprits)`, which runs

    python3 PROGRAM.py OUTDIR

and writes OUTDIR/dump-1.json ... dump-3.json with heapscope's dumper:
the first after a warm-up that fills every cache, then after two equal
intervals in which the leak grows and the churn only turns over. Then
OUTDIR/culprits.json lists the culprits' addresses (their id(), which is
what the dumper writes), so that the test knows the answer exactly
without relying on the labels of any path.

The churn is deliberately bigger, in bytes of objects born after the
first dump and alive at the last, than the leak: the leak finder must
rank by growth, not by what is new.
"""
import collections
import gc
import json
import os
import sys

import heapscope

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), "leaks", "programs"))
from churn import LRUCache  # noqa: E402  (after the path is set)

# Requests before each dump: a warm-up, then two intervals.
SCHEDULE = (600, 600, 600)


def blob(i, base=200, spread=1800):
    """A payload whose size varies from one request to the next (so that
    caches at capacity still change in bytes while they turn over)."""
    return b"x" * (base + (i * 7919) % spread)


class SawtoothCache:
    """A cache pruned in bursts: it grows to `limit` entries, then drops
    all but the newest `keep` at once (like SQLAlchemy's LRUCache, which
    lets itself overflow by half before pruning)."""

    def __init__(self, limit, keep):
        self.limit, self.keep = limit, keep
        self.entries = {}

    def put(self, key, value):
        self.entries[key] = value
        if len(self.entries) > self.limit:
            newest = list(self.entries)[-self.keep:]
            self.entries = {k: self.entries[k] for k in newest}


# An LRU at capacity whose entries differ in size: the leak programs'
# bounded cache (one definition for both suites).
SizedLRU = LRUCache


def sqlite_engine(base, rows):
    """An in-memory SQLite engine with base's tables, filled with rows
    (ORM instances) and committed: a table filled once at start-up."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session
    engine = sa.create_engine("sqlite://")
    base.metadata.create_all(engine)
    with Session(engine) as s:
        s.add_all(rows)
        s.commit()
    return engine


class SlicedHistory:
    """A bounded history re-created by slicing: `self.items =
    self.items[-n:]` makes a new list (a new owner at each trim) holding
    the newest items."""

    def __init__(self, n):
        self.n = n
        self.items = []

    def add(self, item):
        self.items.append(item)
        if len(self.items) > 2 * self.n:
            self.items = self.items[-self.n:]


class FillOnceTable:
    """A table created lazily after the first dump that fills once, then
    stops growing (a one-time growth that is not a leak)."""

    def __init__(self, size):
        self.size = size
        self.rows = None

    def add(self, key, value):
        if self.rows is None:
            self.rows = {}
        if len(self.rows) < self.size:
            self.rows[key] = value


class InFlight:
    """Requests in flight: each lives for `depth` requests, then goes."""

    def __init__(self, depth):
        self.depth = depth
        self.queue = collections.deque()

    def add(self, item):
        self.queue.append(item)
        while len(self.queue) > self.depth:
            self.queue.popleft()


def stable_data(n):
    """Large data loaded at start-up that never changes."""
    return {"sku-%05d" % k: ("item %d" % k, k * 3, [k, k + 1, k + 2])
            for k in range(n)}


def run(outdir, step, culprits, schedule=SCHEDULE, fill_once=None):
    """Calls step(i) for each request and dumps after each stretch of
    SCHEDULE; fill_once(i), if given, runs after the first dump only.
    The culprits' addresses are written after the last dump (objects
    created now are not in any dump)."""
    os.makedirs(outdir, exist_ok=True)
    i = 0
    for n, count in enumerate(schedule, 1):
        for _ in range(count):
            step(i)
            if fill_once is not None and n > 1:
                fill_once(i)
            i += 1
        gc.collect()
        heapscope.dump(os.path.join(outdir, "dump-%d.json" % n))
    with open(os.path.join(outdir, "culprits.json"), "w") as f:
        json.dump([id(obj) for obj in culprits()], f)


def main(step, culprits, **kwargs):
    run(sys.argv[1], step, culprits, **kwargs)
