"""heapscope: find memory leaks in Python programs.

This package holds the heap dumper (``dump``, ``dump_on_signal``,
``dump_every``); the analysis bindings live beside it.

    import heapscope
    heapscope.dump("mem.json.gz")                      # one dump, now
    heapscope.dump_on_signal(signal.SIGUSR2, "mem-{pid}-{time}.json")
    stopper = heapscope.dump_every(600, "mem-{n}.json", keep=6)

Dumps are JSON lines in meliae's format with heapscope's additions
(shared/docs/FORMAT.md, section 6; docs/dumper.md).
"""

from heapscope._dump import DumpResult, dump, dump_every, dump_on_signal

__all__ = ["DumpResult", "dump", "dump_every", "dump_on_signal"]
