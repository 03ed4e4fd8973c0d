#!/usr/bin/env python3
"""The documented limits of docs/limits.md, as tests of the CLI.

  chain      a linked list a million long: path, show --total and
             all --reachable-from walk it without recursion
  dup-refs   one record whose refs repeat one address N times, streamed
             through a pipe (`summary -`): 10^7 here (HS_LIMITS_DUP_REFS
             to change; 10^8 was measured by hand, see docs/limits.md)
  self-only  a dump whose one object refers only to itself
  no-roots   a dump whose objects all have parents (one cycle): path
             fails (exit 1) saying that no root reaches the object
  long-line  (in tests/golden: a 100 MB string and a million refs)

Usage: run_limits.py --heapscope PATH [CASE...]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def run(args, stdin=None, timeout=600):
    t0 = time.time()
    p = subprocess.run([HS] + args, stdin=stdin, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=timeout)
    print("  heapscope %s: exit %d, %.2f s" % (" ".join(args[:2]),
                                               p.returncode, time.time() - t0))
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def rec(addr, typ, size, refs, extra=""):
    return ('{"address": %d, "type": "%s", "size": %d%s, "refs": [%s]}\n'
            % (addr, typ, size, extra, ", ".join(map(str, refs))))


def chain(tmp):
    n = 1000000
    path = os.path.join(tmp, "chain.json")
    with open(path, "w") as f:
        # head (address 16) -> 24 -> ... -> tail; the head is the only root.
        for i in range(n):
            addr = 16 + 8 * i
            f.write(rec(addr, "Node", 48, [addr + 8] if i + 1 < n else []))
    tail = str(16 + 8 * (n - 1))
    rc, out, err = run(["path", path, tail])
    check(rc == 0 and out.count("\n") >= n, "chain: path: %d %s" % (rc, err))
    rc, out, err = run(["show", "--total", path, "16"])
    check(rc == 0 and "48000000" in out.replace(",", ""),
          "chain: show --total: %d %s %s" % (rc, out[:300], err))
    rc, out, err = run(["all", "--reachable-from", "16", path, "Node"])
    check(rc == 0 and str(n) in out.replace(",", ""),
          "chain: all --reachable-from: %d %s %s" % (rc, out[:300], err))


def dup_refs(tmp):
    n = int(os.environ.get("HS_LIMITS_DUP_REFS", "10000000"))
    p = subprocess.Popen([HS, "summary", "-"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t0 = time.time()

    def feed():
        p.stdin.write(rec(8, "str", 50, [], ', "value": "x"').encode())
        p.stdin.write(b'{"address": 16, "type": "list", "size": 72, '
                      b'"refs": [8')
        chunk = b", 8" * 100000
        for _ in range((n - 1) // 100000):
            p.stdin.write(chunk)
        p.stdin.write(b", 8" * ((n - 1) % 100000) + b"]}\n")
        p.stdin.close()

    t = threading.Thread(target=feed)
    t.start()
    out = p.stdout.read()
    err = p.stderr.read()
    p.wait()
    t.join()
    print("  summary - of %d duplicate refs: exit %d, %.1f s"
          % (n, p.returncode, time.time() - t0))
    check(p.returncode == 0 and b"Total 2 objects" in out,
          "dup-refs: %d %s %s" % (p.returncode, out[:200], err[:300]))


def self_only(tmp):
    path = os.path.join(tmp, "self.json")
    with open(path, "w") as f:
        f.write(rec(8, "list", 72, [8], ', "len": 1'))
    rc, out, err = run(["summary", path])
    check(rc == 0 and "Total 1 objects" in out, "self-only: summary " + err)
    rc, out, err = run(["show", "--total", path, "8"])
    check(rc == 0 and "72" in out, "self-only: show " + err)
    rc, out, err = run(["path", path, "8"])
    # It has a parent (itself), so it is no root: garbage held by a cycle,
    # an error that says so.
    check(rc == 1 and "no root reaches 8" in err and "garbage" in err,
          "self-only: path: %d %r %r" % (rc, out, err))


def no_roots(tmp):
    path = os.path.join(tmp, "noroots.json")
    with open(path, "w") as f:
        f.write(rec(8, "list", 72, [16], ', "len": 1'))
        f.write(rec(16, "dict", 232, [24, 8], ', "len": 1'))
        f.write(rec(24, "str", 50, [8], ', "value": "k"'))
    rc, out, err = run(["path", path, "16"])
    check(rc == 1 and "no root reaches 16" in err and "garbage" in err,
          "no-roots: path: %d %r %r" % (rc, out, err))
    rc, out, err = run(["summary", path])
    check(rc == 0 and "Total 3 objects" in out, "no-roots: summary " + err)


CASES = {"chain": chain, "dup-refs": dup_refs, "self-only": self_only,
         "no-roots": no_roots}


def main():
    global HS
    ap = argparse.ArgumentParser()
    ap.add_argument("--heapscope", required=True)
    ap.add_argument("cases", nargs="*")
    a = ap.parse_args()
    HS = a.heapscope
    with tempfile.TemporaryDirectory() as tmp:
        for name in a.cases or CASES:
            print(name)
            CASES[name](tmp)
    print("limits: %s" % ("%d failures" % len(failures) if failures
                          else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
