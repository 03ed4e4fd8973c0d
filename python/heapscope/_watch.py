"""Dumps when memory runs short: dump_on_threshold (resident memory
crosses a level) and dump_on_memory_error (a MemoryError is raised).

Both fire an ordinary trigger (heapscope._dump._Trigger: unique names,
rotation, fork=). The threshold is checked from a daemon thread, so the
main thread does no work between checks; the memory-error trigger keeps
a reserve that it gives back just before it dumps, so the dump needs no
memory the process has not already got.
"""

import os
import re
import sys
import threading
import time

from . import _dump

_UNITS = {"": 1, "b": 1, "k": 1 << 10, "kib": 1 << 10, "kb": 10 ** 3,
          "m": 1 << 20, "mib": 1 << 20, "mb": 10 ** 6,
          "g": 1 << 30, "gib": 1 << 30, "gb": 10 ** 9,
          "t": 1 << 40, "tib": 1 << 40, "tb": 10 ** 12}


def parse_size(size):
    """Bytes from an int or a string such as "2GiB", "512M", "1.5GB"
    (K, M, G, T and KiB... are powers of 1024; KB, MB... of 1000)."""
    if isinstance(size, int) and not isinstance(size, bool):
        value = size
    else:
        m = re.match(r"^\s*([0-9]+(?:\.[0-9]*)?)\s*([A-Za-z]*)\s*$",
                     str(size))
        if m is None or m.group(2).lower() not in _UNITS:
            raise ValueError("not a size: %r (say 2GiB, 512M or a number "
                             "of bytes)" % (size,))
        value = int(float(m.group(1)) * _UNITS[m.group(2).lower()])
    if value <= 0:
        raise ValueError("a size must be above 0, not %r" % (size,))
    return value


def rss():
    """This process's resident memory in bytes (Linux /proc), or None."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


class _RssLevels:
    """When the next dump is due: at `threshold`, then at each further
    `step` (threshold + step, + 2 steps...); without a step, once per
    crossing (again after the process went back below the threshold)."""

    def __init__(self, threshold, step, read=rss):
        self.threshold = threshold
        self.step = step
        self.next = threshold
        self.read = read
        self.last = None

    def due(self):
        now = self.read()
        self.last = now
        if now is None:
            return False
        if now < self.threshold:
            self.next = self.threshold   # re-armed below the threshold
            return False
        if now < self.next:
            return False
        if self.step is None:
            self.next = float("inf")
        else:
            self.next = self.threshold + (
                (now - self.threshold) // self.step + 1) * self.step
        return True


def dump_on_threshold(rss, path, every=None, keep=None, *, interval=1.0,
                      compress=None, header=True, fork=None):
    """Dump to path ({pid}, {time}, {n}) when this process's resident
    memory reaches rss ("2GiB", or bytes), and again each time it has
    grown by `every` more (a size; None: once, until it falls back below
    rss). Checked every `interval` seconds from a daemon thread. keep
    and fork as dump_every's. Returns the thread: .stop(), .written,
    .last_error, and .levels.last (the last resident size read)."""
    if rss_unavailable():
        raise OSError("dump_on_threshold needs /proc/self/statm (Linux)")
    if interval <= 0:
        raise ValueError("interval must be positive")
    levels = _RssLevels(parse_size(rss),
                        parse_size(every) if every is not None else None)
    thread = _dump._Periodic(interval, _dump._Trigger(path, compress, header,
                                                      keep, fork),
                             check=levels.due, name="heapscope-threshold")
    thread.levels = levels
    thread.start()
    return thread


def rss_unavailable():
    return rss() is None


class _MemoryErrorTrigger(_dump._TriggerView):
    """Dumps when a MemoryError is raised: in any code on 3.12+ (a
    sys.monitoring RAISE callback), uncaught ones only before (the
    sys.excepthook and threading.excepthook chains)."""

    def __init__(self, trigger, reserve, min_interval):
        self.trigger = trigger
        self.reserve_bytes = reserve
        self.min_interval = min_interval
        self.last_time = None
        self.tool = None
        self._reserve = bytearray(reserve)
        self._previous = (sys.excepthook, threading.excepthook)

    def fire(self, exc):
        if not isinstance(exc, MemoryError):
            return
        now = time.monotonic()
        if self.last_time is not None and now - self.last_time \
                < self.min_interval:
            return   # the same shortage, seen again as it propagates
        self.last_time = now
        # The dump's own memory (its visited set, stack and buffers, a
        # few bytes per object) comes out of the reserve given back here.
        self._reserve = None
        try:
            self.trigger.fire()
        finally:
            try:
                self._reserve = bytearray(self.reserve_bytes)
            except MemoryError:
                self._reserve = None   # retried at the next one

    def install(self):
        monitoring = getattr(sys, "monitoring", None)
        if monitoring is not None:
            self.tool = next((i for i in range(6)
                              if monitoring.get_tool(i) is None), None)
        if self.tool is not None:
            monitoring.use_tool_id(self.tool, "heapscope")
            monitoring.register_callback(
                self.tool, monitoring.events.RAISE,
                lambda code, offset, exc: self.fire(exc))
            monitoring.set_events(self.tool, monitoring.events.RAISE)
            return
        previous_hook, previous_thread_hook = self._previous

        def excepthook(kind, value, tb):
            self.fire(value)
            previous_hook(kind, value, tb)

        def thread_excepthook(args):
            self.fire(args.exc_value)
            previous_thread_hook(args)

        sys.excepthook = excepthook
        threading.excepthook = thread_excepthook

    def stop(self):
        """Disarms: the hooks go, the reserve is given back."""
        if self.tool is not None:
            sys.monitoring.set_events(self.tool, 0)
            sys.monitoring.register_callback(
                self.tool, sys.monitoring.events.RAISE, None)
            sys.monitoring.free_tool_id(self.tool)
            self.tool = None
        else:
            sys.excepthook, threading.excepthook = self._previous
        self._reserve = None


def dump_on_memory_error(path, keep=None, *, reserve="32MiB",
                         min_interval=60.0, compress=None, header=True):
    """Dump to path ({pid}, {time}, {n}) when a MemoryError is raised:
    any MemoryError on 3.12+, an uncaught one (that ends the program or
    a thread) on 3.8-3.11. The dump is written in-process (a fork's
    copy-on-write could need as much memory again) from `reserve` bytes
    held meanwhile and given back to the allocator just before the walk;
    the walk needs about 3 bytes per object plus 700 KiB, so 32 MiB
    covers 10 M objects. At most one dump per min_interval seconds (one
    shortage raises many errors). Returns the trigger: .stop()."""
    trigger = _MemoryErrorTrigger(
        _dump._Trigger(path, compress, header, keep, fork=False),
        parse_size(reserve), min_interval)
    trigger.install()
    return trigger
