"""Leak checks of a piece of code run in rounds: the context manager
``heapscope.leak_check`` and what the pytest plugin builds on.

    with heapscope.leak_check(rounds=5) as check:
        for _ in check:          # warmup + rounds times
            handle_request()     # raises LeakError if something grows

The heap is dumped (heapscope's dumper, to temporary files) after the
warm-up and after every round, and `heapscope leaks --fail-on-growth`
judges the series: only what grows at every round fails, so a cache that
fills during the warm-up, or one that turns over at capacity, does not.
"""

import gc
import json
import os
import shutil
import subprocess
import tempfile
import tracemalloc

from heapscope._dump import dump


class LeakError(AssertionError):
    """What a leak check found growing at every round. str() is the leak
    report of ``heapscope leaks`` (owner, verdict, path, sample; when
    tracemalloc traces, where each failing suspect's sample was
    allocated); the same text is ``report``."""

    def __init__(self, report):
        AssertionError.__init__(self, report)
        self.report = report


class LeakCheck(object):
    """``warmup + rounds`` runs of a loop body, judged for leaks.

    Iterate over it (``for _ in check:``) and run the code once per item;
    the iteration ends with the verdict, raising :class:`LeakError` when
    something grew at every round. ``ignore``: owner types (or glob
    patterns of signatures) never to fail on, as ``leaks --ignore``;
    ``min_growth``: the objects a round must add for a suspect to fail
    (1: every leaked object counts). ``report`` holds the leak report
    text once the check ran, ``leaking`` whether it failed.
    """

    def __init__(self, rounds=5, warmup=2, ignore=(), min_growth=1):
        # Three dumps are the fewest that tell growth from turnover: the
        # one after the warm-up and one per round.
        if int(rounds) < 2:
            raise ValueError("a leak check needs rounds >= 2, not %r"
                             % (rounds,))
        if int(warmup) < 0 or int(min_growth) < 1:
            raise ValueError("warmup must be >= 0 and min_growth >= 1")
        if isinstance(ignore, str):
            ignore = [ignore]
        self.rounds = int(rounds)
        self.warmup = int(warmup)
        self.ignore = list(ignore)
        self.min_growth = int(min_growth)
        self.report = None
        self.leaking = None
        self._started = False

    def __enter__(self):
        return self

    def __exit__(self, kind, value, tb):
        if kind is None and self._started and self.leaking is None:
            raise RuntimeError("leak_check: the loop stopped before its "
                               "last round; nothing was checked")
        if kind is None and not self._started:
            raise RuntimeError("leak_check: iterate over the check "
                               "(`for _ in check:`) to run the rounds")
        return False

    def __iter__(self):
        __tracebackhide__ = True   # pytest: the verdict, not our frames
        self._started = True
        folder = tempfile.mkdtemp(prefix="heapscope-leakcheck-")
        # Every name is made before the first dump: a list that grew
        # between dumps would be a leak of the check's own.
        paths = [os.path.join(folder, "round-%d.json" % k if k else
                              "warmup.json")
                 for k in range(self.rounds + 1)]
        try:
            if self.warmup == 0:
                self._snapshot(paths[0])
            for i in range(self.warmup + self.rounds):
                yield i
                k = i - self.warmup + 1
                if k >= 0:
                    self._snapshot(paths[k])
            self._judge(paths)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    @staticmethod
    def _snapshot(path):
        # Garbage in cycles is not kept: collected now, it cannot look
        # like growth.
        gc.collect()
        dump(path, header=True)

    def _command(self, paths):
        from heapscope.__main__ import program
        cmd = [program(), "leaks", "--fail-on-growth", "--quiet",
               "--no-snapshot", "--min-growth", str(self.min_growth),
               "--top", "3"]
        for pattern in self.ignore:
            cmd += ["--ignore", pattern]
        return cmd + paths

    def _judge(self, paths):
        __tracebackhide__ = True
        run = subprocess.run(self._command(paths), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, universal_newlines=True)
        if run.returncode not in (0, 3):
            raise RuntimeError("heapscope leaks failed (exit status %d): %s"
                               % (run.returncode, run.stderr.strip()))
        self.report = run.stdout
        self.leaking = run.returncode == 3
        if self.leaking:
            if tracemalloc.is_tracing():
                self.report += _allocation_sites(self._command(paths))
            raise LeakError(self.report)


def _live_object(address, type_name):
    """The live object at address if its type is type_name (a dump's
    type: tp_name, "collections.deque"), found among the objects the
    collector tracks and what they refer to (never by address alone:
    the object may have died, its memory reused)."""
    short = type_name.rsplit(".", 1)[-1]
    for o in gc.get_objects():
        for candidate in [o] + gc.get_referents(o):
            if id(candidate) == address:
                return (candidate if type(candidate).__name__ == short
                        else None)
    return None


def _allocation_sites(command):
    """Where tracemalloc saw the sample of every failing suspect
    allocated, as lines to append to the report."""
    run = subprocess.run(command + ["--json"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, universal_newlines=True)
    try:
        suspects = json.loads(run.stdout)["suspects"]
    except (ValueError, KeyError):
        return ""
    lines = []
    for s in suspects:
        sample = s.get("sample")
        if not s.get("fails") or not sample:
            continue
        obj = _live_object(sample["address"], sample["type"])
        tb = tracemalloc.get_object_traceback(obj) if obj is not None \
            else None
        if obj is None:
            where = "    unknown: it is no longer alive"
        elif tb is None:
            where = ("    unknown: tracemalloc has no trace of it (made "
                     "before tracing started, taken from one of CPython's "
                     "free lists, or on 3.11 an instance with inline "
                     "attributes)")
        else:
            where = "\n".join("    " + line for line in tb.format())
        lines.append("Suspect %d's sample %s was allocated at "
                     "(tracemalloc, most recent call last):\n%s"
                     % (s["rank"], sample["repr"], where))
    return "\n" + "\n".join(lines) + "\n" if lines else ""


def leak_check(rounds=5, warmup=2, ignore=(), min_growth=1):
    """A :class:`LeakCheck`, for ``with heapscope.leak_check() as check:
    for _ in check: ...``."""
    return LeakCheck(rounds, warmup, ignore, min_growth)
