#!/usr/bin/env python3
"""Benchmark: what one round of ``heapscope.leak_check`` (the engine of the
pytest plugin) costs on a heap of N objects, against one plain
``heapscope.dump()`` of the same heap, in one run.

    PYTHONPATH=build/python/<name> python3 bench/leak_check.py \
        [--objects N] [--rounds R] [--runs K]

The heap is N/2 dicts of one int each (N objects; default 100,000, the
size issue 17 names). A check of R rounds (default 5, no warm-up, an
empty loop body) makes R + 1 dumps and one `heapscope leaks` over them;
its cost per round is the check's time divided by R. CPU time counts this
process and its waited-for children (the heapscope program), so it says
what the check costs whatever else shares the machine. Each figure is
the fastest of --runs runs. Prints a markdown table: wall and CPU
seconds per round, and per round over one dump.
"""

import argparse
import os
import sys
import tempfile
import time

import heapscope


def cpu_seconds():
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def timed(fn):
    wall, cpu = time.perf_counter(), cpu_seconds()
    fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu


def one_check(rounds):
    check = heapscope.leak_check(rounds=rounds, warmup=0)
    with check:
        for _ in check:
            pass
    return check


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--objects", type=int, default=100000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    heap = [{"n": i} for i in range(args.objects // 2)]
    checks, dumps = [], []
    last = None
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "d.json")
        for _ in range(args.runs):
            dumps.append(timed(lambda: heapscope.dump(out)))
            box = []
            checks.append(timed(lambda: box.append(one_check(args.rounds))))
            last = box[0]
    if last.leaking:
        sys.exit("leak_check.py: the check failed on a heap that does not "
                 "grow:\n%s" % last.report)
    # "Dumps: N, objects: M ..." is the report's first line.
    objects = int(last.report.split(": ", 2)[2].split()[0])
    dump_wall = min(d[0] for d in dumps)
    dump_cpu = min(d[1] for d in dumps)
    round_wall = min(c[0] for c in checks) / args.rounds
    round_cpu = min(c[1] for c in checks) / args.rounds
    print("heap of %d objects (the last dump); %d rounds a check; fastest "
          "of %d runs; Python %s; %d CPUs; load average %.2f"
          % (objects, args.rounds, args.runs, sys.version.split()[0],
             os.cpu_count() or 1, os.getloadavg()[0]))
    print()
    print("| what | wall s | CPU s | wall / one dump |")
    print("|---|---:|---:|---:|")
    print("| one heapscope.dump() | %.3f | %.3f | 1.00x |"
          % (dump_wall, dump_cpu))
    print("| leak_check, a round | %.3f | %.3f | %.2fx |"
          % (round_wall, round_cpu, round_wall / dump_wall))
    del heap


if __name__ == "__main__":
    main()
