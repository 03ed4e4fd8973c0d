"""heapscope: find memory leaks in Python programs.

The dumper (``dump``, ``dump_on_signal``, ``dump_every``,
``dump_on_threshold``, ``dump_on_memory_error``) writes the live heap; the analyzer (``load``) reads such dumps, and meliae's, with
meliae's API on top of heapscope's C library.

    import heapscope
    heapscope.dump("mem.json.gz")                      # one dump, now
    heapscope.dump_on_signal(signal.SIGUSR2, "mem-{pid}-{time}.json")
    stopper = heapscope.dump_every(600, "mem-{n}.json", keep=6)

    om = heapscope.load("mem.json.gz")                 # analyse one
    print(om.summarize())

    with heapscope.leak_check(rounds=5) as check:      # fail on a leak
        for _ in check:
            handle_request()

`python -m heapscope ARGS` runs the heapscope program; installing the
package enables its pytest plugin (heapscope.pytest_plugin).

Dumps are JSON lines in meliae's format with heapscope's additions
(docs/format.md §6; docs/dumper.md, docs/python.md).
Existing meliae scripts need one change: ``from heapscope.meliae import
loader``.
"""

from heapscope._dump import DumpResult, dump, dump_every, dump_on_signal
from heapscope._leakcheck import LeakCheck, LeakError, leak_check
from heapscope._version import __version__
from heapscope._watch import dump_on_memory_error, dump_on_threshold

__all__ = ["DumpResult", "dump", "dump_every", "dump_on_signal",
           "dump_on_threshold", "dump_on_memory_error",
           "leak_check", "LeakCheck", "LeakError", "load",
           "ObjManager", "MemObject", "NodeList", "Summary", "DiffResult",
           "Path", "Retainer", "LeakReport", "LeakSuspect", "GrowthChart",
           "ObjectGraph", "HeapscopeError"]

_ANALYSIS = frozenset(__all__[__all__.index("load"):])


def __dir__():
    # The analysis names are attributes too, made on first use.
    return sorted(set(globals()) | _ANALYSIS)


def __getattr__(name):
    # The analyzer is imported on first use, so that `import heapscope`
    # in a program to be dumped creates no analysis objects at all.
    if name in _ANALYSIS:
        from heapscope import _analysis
        return getattr(_analysis, name)
    raise AttributeError("module 'heapscope' has no attribute %r" % (name,))
