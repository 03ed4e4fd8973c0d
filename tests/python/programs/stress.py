"""The dumper under stress. Prints one JSON report on stdout.

usage: stress.py threads OUT_PREFIX DUMPS   dump while 4 threads churn
       stress.py signal OUT_PATTERN SIGNALS dump_on_signal under heavy
                                             work, signals sent from a
                                             thread as fast as they come
       stress.py big OUT MEGABYTES          MEGABYTES of objects dumped
                                             twice; memory before, between
                                             and after
"""

import gc
import json
import os
import signal
import sys
import threading
import time

import heapscope


def rss_kib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


class Churn(threading.Thread):
    """Builds and drops linked structures (dicts, lists, instances,
    strings) in a loop: what a busy server's other threads do."""

    class Node:
        def __init__(self, i, nxt):
            self.i = i
            self.nxt = nxt
            self.tag = "n%d" % i

    def __init__(self, stop):
        super().__init__(daemon=True)
        self.stop = stop
        self.rounds = 0

    def run(self):
        keep = []
        while not self.stop.is_set():
            head = None
            for i in range(200):
                head = self.Node(i, head)
            keep.append({"head": head, "items": [str(i) * 3 for i in
                                                 range(50)]})
            if len(keep) > 20:
                del keep[:10]
            self.rounds += 1


def threads(prefix, ndumps):
    stop = threading.Event()
    workers = [Churn(stop) for _ in range(4)]
    for w in workers:
        w.start()
    time.sleep(0.05)
    paths = []
    for n in range(ndumps):
        path = "%s-%d.json" % (prefix, n)
        heapscope.dump(path)
        paths.append(path)
        time.sleep(0.02)
    stop.set()
    for w in workers:
        w.join()
    return {"paths": paths, "rounds": sum(w.rounds for w in workers)}


def signal_storm(pattern, nsignals):
    old = heapscope.dump_on_signal(signal.SIGUSR2, pattern)
    trigger = signal.getsignal(signal.SIGUSR2).trigger
    done = threading.Event()

    def sender():
        # Each signal as soon as the previous one was handled (a dump
        # started, or skipped because one was in progress): some arrive
        # while a dump (or its rename) is in progress.
        for n in range(nsignals):
            os.kill(os.getpid(), signal.SIGUSR2)
            deadline = time.time() + 2
            while (trigger.count + trigger.skipped <= n
                   and time.time() < deadline):
                time.sleep(0.001)
        done.set()

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    heavy = []
    while not done.is_set():      # heavy work in the main thread
        heavy.append([{"k": i, "v": [i] * 8} for i in range(2000)])
        if len(heavy) > 10:
            heavy.clear()
    t.join()
    signal.signal(signal.SIGUSR2, old)
    if trigger.pending is not None:   # a fork dump (the default) may still run
        trigger.pending.join(60)
    return {"paths": list(trigger.written), "count": trigger.count,
            "skipped": trigger.skipped, "error": repr(trigger.last_error)}


def big(out, megabytes):
    # About 100 bytes an object: tuples of a str and an int, in lists.
    per = 100000
    data = []
    while rss_kib() < megabytes * 1024:
        data.append([("x%d" % i, i * 7) for i in range(per)])
    gc.collect()
    before = (rss_kib(), sys.getallocatedblocks(), len(gc.get_objects()))
    times, sizes, mems = [], [], []
    for n in range(2):
        t0 = time.time()
        r = heapscope.dump(out)
        times.append(time.time() - t0)
        sizes.append(os.path.getsize(out))
        mems.append((rss_kib(), sys.getallocatedblocks(),
                     len(gc.get_objects())))
        objects = r.objects
        os.unlink(out)
    return {"before": before, "after": mems, "seconds": times,
            "bytes": sizes, "objects": objects}


def main(mode, out, n):
    report = {"threads": threads, "signal": signal_storm, "big": big}[mode](
        out, int(n))
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(*sys.argv[1:])
