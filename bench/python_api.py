#!/usr/bin/env python3
"""Benchmark: heapscope.load() + summarize() against the pure-Python
reference loader (tests/oracle/meliae_ref.py), on the same dump, in one run.

    PYTHONPATH=build/python/<name> python3 bench/python_api.py \
        [--runs N] [--objects N] [DUMP]

Without DUMP, bench/data/service-<N>.json is used, generated with
bench/data/gen_dump --objects N (default 300000; gen_dump is built from
bench/gen/ as bench/run.sh builds it). Each side is timed as the
fastest of --runs runs (default 3) of: load the dump (meliae's default:
collapse and parents), summarize(), str() of the summary. The two
summary texts must be equal. Each side runs in its own child process
(this script with --side), so that each peak RSS is its own. Prints the
times, the ratio and the peak RSS of each side.
"""

import argparse
import glob
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))


def ensure_dump(objects):
    data = os.path.join(HERE, "data")
    path = os.path.join(data, "service-%dK.json" % (objects // 1000))
    if os.path.exists(path):
        return path
    gen = os.path.join(data, "gen_dump")
    if not os.access(gen, os.X_OK):
        sources = sorted(glob.glob(os.path.join(HERE, "gen", "*.c")))
        subprocess.check_call([os.environ.get("CC", "cc"), "-O2", "-o", gen]
                              + sources)
    with open(path + ".tmp", "wb") as out:
        subprocess.check_call([gen, "--objects", str(objects)], stdout=out)
    os.rename(path + ".tmp", path)
    return path


def heapscope_side(path):
    import heapscope
    # index=False: time the parse, as the reference does, every run (the
    # snapshot index would serve the second run from the first one's).
    om = heapscope.load(path, show_prog=False, index=False)
    return str(om.summarize()), len(om)


def oracle_side(path):
    import meliae_ref
    om = meliae_ref.load(path)
    return str(om.summarize()), len(om)


def best_of(runs, fn, path):
    best, result = None, None
    for _ in range(runs):
        t = time.perf_counter()
        result = fn(path)
        elapsed = time.perf_counter() - t
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_side(side, path, runs):
    """This script in a child process, timing one side."""
    out = subprocess.check_output([sys.executable, __file__, "--side", side,
                                   "--runs", str(runs), path])
    return json.loads(out.decode())


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--objects", type=int, default=300000)
    ap.add_argument("--side", choices=("heapscope", "oracle"))
    args = ap.parse_args(argv)
    path = args.dump or ensure_dump(args.objects)
    if args.side:
        fn = heapscope_side if args.side == "heapscope" else oracle_side
        best, (text, n) = best_of(args.runs, fn, path)
        json.dump({"seconds": best, "text": text, "objects": n,
                   "rss_mb": peak_rss_mb()}, sys.stdout)
        return 0

    hs = run_side("heapscope", path, args.runs)
    orc = run_side("oracle", path, args.runs)
    if hs["text"] != orc["text"]:
        print("summary texts differ:\n%s\n---\n%s" % (hs["text"],
                                                       orc["text"]))
        return 1
    import heapscope._analyzer as an
    print("dump: %s (%.1f MB, %d objects after collapse)"
          % (os.path.relpath(path, ROOT), os.path.getsize(path) / 1e6,
             hs["objects"]))
    print("python %s, library %s, best of %d runs, %d CPUs"
          % (sys.version.split()[0], an.LIBRARY_VERSION, args.runs,
             os.cpu_count()))
    print()
    print("| load() + summarize() + str() | wall s | peak RSS MB |")
    print("|---|---:|---:|")
    print("| heapscope.load (C library) | %.3f | %.0f |"
          % (hs["seconds"], hs["rss_mb"]))
    print("| oracle (tests/oracle/meliae_ref.py) | %.3f | %.0f |"
          % (orc["seconds"], orc["rss_mb"]))
    print()
    print("ratio oracle / heapscope: %.1fx; summary texts identical "
          "(%d lines)" % (orc["seconds"] / hs["seconds"],
                          len(hs["text"].splitlines())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
