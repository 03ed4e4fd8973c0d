"""Dumper benchmark: build a heap of about 2.9 M objects, dump it, report
objects/s, MB/s and the extra peak memory per object.

    PYTHONPATH=build/python/<name> python3 bench/dump_bench.py [--gzip] [--fork] [--floats]
    ... bench/dump_bench.py --tracing   # the same, untraced and traced

--fork adds fork snapshots of the same heap (fork_figures): the caller's
pause against the in-process dump's, and the extra memory copy-on-write
costs while the caller keeps allocating during the clone's walk.
--floats dumps a heap of 2 M floats instead (their text is the dumper's
costliest value: hs_float.c).
(--tracing runs the benchmark twice in child processes, without and with
PYTHONTRACEMALLOC=1, so that the traced dump writes allocation sites,
and prints both and their ratios: objects/s and file bytes per object.)

(<name>: the folder scripts/build-python.sh prints last.)

Extra memory is measured twice: by the walk itself (every byte it
allocates goes through hs_dump_mem.c: visited set, stack, buffers, zlib) and
as the process's peak RSS growth during the dump (VmHWM after resetting
it through /proc/self/clear_refs), which also catches anything else.
"""

import argparse
import gc
import os
import sys
import time

import heapscope
from heapscope import _dumper


class Request:
    def __init__(self, i):
        self.path = "/item/%d" % i
        self.serial = 10 ** 12 + i
        self.headers = [i, "h%d" % i]
        self.weight = i * 0.5


def build(n_requests):
    reqs = [Request(i) for i in range(n_requests)]
    cache = {("key", i): {"v": i * 3.25, "tag": "t%d" % i}
             for i in range(n_requests // 8)}
    return reqs, cache


def build_floats(n):
    """A heap of floats (--floats): half computed (17 significant digits,
    as measurements and averages have), half prices with two decimals."""
    import random
    rng = random.Random(1)
    return ([rng.random() * 1000 for _ in range(n // 2)],
            [rng.randrange(100000) / 100 for _ in range(n // 2)])


def status(field):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def reset_peak():
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def pss(pid):
    """Proportional set size: shared pages split between their users, so
    the parent's and the clone's add up to what both occupy."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def churn(heap, handle, step):
    """Keeps allocating and replacing objects (as a service would) while
    the clone walks, or stays idle (step 0); returns the peak of both
    processes' Pss and the objects replaced."""
    reqs = heap[0]
    peak = 0
    i = 0
    while not handle.done():
        if step:
            for _ in range(2000):
                reqs[i % len(reqs)] = Request(i)   # new ones, old ones freed
                i += step
        else:
            time.sleep(0.005)
        peak = max(peak, pss(os.getpid()) + pss(handle.pid))
    return peak, i // step if step else 0


def fork_figures(heap, out, inproc_seconds, runs=5):
    pauses = []
    for _ in range(runs):
        t = time.perf_counter()
        handle = heapscope.dump(out, fork=True)
        pauses.append(time.perf_counter() - t)
        t = time.perf_counter()
        handle.wait()
        clone = time.perf_counter() - t + pauses[-1]
    pauses.sort()
    median = pauses[len(pauses) // 2]
    print("fork pause     median %.1f ms, max %.1f ms of %d = %.1f %% "
          "(%.1f %% max) of the in-process dump; clone's walk %.2f s"
          % (median * 1e3, pauses[-1] * 1e3, runs,
             100 * median / inproc_seconds, 100 * pauses[-1] / inproc_seconds,
             clone))
    for step, what in ((0, "caller idle during the walk"),
                       (7, "caller replacing objects during the walk")):
        gc.collect()
        before = pss(os.getpid())
        handle = heapscope.dump(out, fork=True)
        peak, replaced = churn(heap, handle, step)
        handle.wait()
        print("copy-on-write  %s%s: both processes' Pss peaked %.0f MB "
              "over the caller's %.0f MB = +%.1f %%"
              % (what, " (%d Requests)" % replaced if step else "",
                 (peak - before) / 1e6, before / 1e6,
                 100 * (peak - before) / before))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--requests", type=int, default=330000)
    ap.add_argument("--gzip", action="store_true")
    ap.add_argument("--fork", action="store_true",
                    help="also fork snapshots of the same heap")
    ap.add_argument("--out", default="/tmp/heapscope-bench.json")
    ap.add_argument("--tracing", action="store_true")
    ap.add_argument("--floats", action="store_true",
                    help="a heap of 2 M floats instead of the Requests")
    args = ap.parse_args()
    if args.tracing:
        return compare_tracing(args)
    heap = build_floats(2000000) if args.floats else build(args.requests)
    gc.collect()
    out = args.out + (".gz" if args.gzip else "")
    rss0 = status("VmRSS")
    peak_ok = reset_peak()
    t = time.perf_counter()
    result = heapscope.dump(out)
    elapsed = time.perf_counter() - t
    hwm = status("VmHWM")
    stats = _dumper.last_stats()
    n = result.objects
    print("python %s, %s" % (sys.version.split()[0],
                             "gzip" if args.gzip else "plain"))
    print("objects        %d" % n)
    print("time           %.2f s" % elapsed)
    print("objects/s      %.0f" % (n / elapsed))
    print("MB/s (JSON)    %.1f" % (stats["raw_bytes"] / elapsed / 1e6))
    print("MB/s (file)    %.1f" % (result.bytes / elapsed / 1e6))
    print("walk peak      %d bytes = %.2f bytes/object (visited set %d, "
          "stack peak %d)" % (stats["peak_mem"], stats["peak_mem"] / n,
                              stats["visited_bytes"],
                              stats["stack_peak_bytes"]))
    if peak_ok:
        print("RSS peak growth %d bytes = %.2f bytes/object"
              % (hwm - rss0, (hwm - rss0) / n))
    print("C __sizeof__ calls %d" % stats["sizeof_ccalls"])
    print("traced         %d objects, %d tracebacks, %d frames"
          % (stats["traced"], stats["tracebacks"], stats["site_frames"]))
    print("file bytes/obj %.2f" % (result.bytes / n))
    if args.fork:
        fork_figures(heap, out, elapsed)
    os.unlink(out)
    del heap


def run_child(args, traced):
    import subprocess
    env = dict(os.environ)
    env.pop("PYTHONTRACEMALLOC", None)
    if traced:
        env["PYTHONTRACEMALLOC"] = "1"
    cmd = [sys.executable, __file__, "--requests", str(args.requests),
           "--out", args.out + (".traced" if traced else "")]
    if args.gzip:
        cmd.append("--gzip")
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE,
                         universal_newlines=True).stdout
    print(out, end="")
    fields = dict(line.split(None, 1) for line in out.splitlines()
                  if line.startswith(("objects/s", "objects ")))
    per = [line for line in out.splitlines()
           if line.startswith("file bytes/obj")][0].split()[-1]
    return float(fields["objects/s"]), float(per), int(fields["objects"])


def compare_tracing(args):
    print("--- untraced")
    rate0, per0, n0 = run_child(args, False)
    print("--- traced (PYTHONTRACEMALLOC=1)")
    rate1, per1, n1 = run_child(args, True)
    print("--- traced / untraced")
    print("objects/s      %.2f (%.0f vs %.0f)" % (rate1 / rate0, rate1, rate0))
    print("file bytes/obj +%.2f (%.2f vs %.2f)" % (per1 - per0, per1, per0))


if __name__ == "__main__":
    main()
