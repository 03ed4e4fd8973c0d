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
  bomb       a 3 KB zstd file holding one 100 MB line: refused at
             --max-line, with memory bounded by the limit, not the line
  not-dump   files that are no dump (noise, a JSON array, one CSV line,
             xz, a pickle, CR-only line ends, a forged header): exit 1
             with what the file looks like; empty and blank files are
             empty dumps; two dumps joined warn in every command
  wrap       sizes whose sum passes 2^63-1 are refused; at the edge,
             totals and retained sizes are exact

Usage: run_limits.py --heapscope PATH [CASE...]
"""
import argparse
import json
import os
import pickle
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


def bomb(tmp):
    path = os.path.join(tmp, "bomb.json.zst")
    line = 100 << 20
    with open(path, "wb") as out:
        z = subprocess.Popen(["zstd", "-q", "-c"], stdin=subprocess.PIPE,
                             stdout=out)
        z.stdin.write(b'{"address": 8, "type": "str", "size": 60, '
                      b'"value": "')
        chunk = b"a" * (1 << 20)
        for _ in range(line >> 20):
            z.stdin.write(chunk)
        z.stdin.write(b'", "refs": []}\n')
        z.stdin.close()
        z.wait()
    print("  %d bytes of zstd for a %d MB line"
          % (os.path.getsize(path), line >> 20))
    # 65 MiB is just past a power of two: a window that doubled past the
    # limit would reach 128 MiB before refusing the line.
    limit = 65 << 20
    rc, out, err = run(["summary", "--quiet", "--no-snapshot", "--max-line",
                        str(limit), path])
    check(rc == 1 and ("line longer than %d bytes" % limit) in err
          and "--max-line" in err, "bomb: %d %r" % (rc, err[:300]))
    rc, out, err = run(["summary", "--quiet", "--no-snapshot", "--max-line",
                        "128M", path])
    check(rc == 0 and "Total 1 objects" in out, "bomb: raised limit " + err)


def bomb_rss(tmp):
    """The window stops at the limit: run in a child of its own so that
    its peak RSS is its alone."""
    if os.environ.get("ASAN_OPTIONS") is not None:
        print("  skipped under AddressSanitizer (shadow memory)")
        return
    path = os.path.join(tmp, "bomb.json.zst")
    if not os.path.exists(path):
        bomb(tmp)
    limit = 65 << 20
    pid = os.fork()
    if pid == 0:
        os.execv(HS, [HS, "summary", "--quiet", "--no-snapshot", "--max-line",
                      str(limit), path])
    _, status, ru = os.wait4(pid, 0)
    rss = ru.ru_maxrss << 10
    print("  peak RSS %d MB for a %d MB limit" % (rss >> 20, limit >> 20))
    check(os.waitstatus_to_exitcode(status) == 1 and rss < limit + (30 << 20),
          "bomb: peak %d MB with a %d MB limit" % (rss >> 20, limit >> 20))


def not_dump(tmp):
    def write(name, data):
        path = os.path.join(tmp, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    rec1 = rec(8, "int", 28, []).encode()
    cases = [
        ("noise.bin", bytes(range(256)) * 4, "binary data"),
        ("array.json", b'[{"address": 8}]', "a JSON array"),
        ("one.csv", b"address,type,size", "text with no meliae record"),
        ("x.xz", subprocess.run(["xz", "-c"], input=rec1 * 10,
                                stdout=subprocess.PIPE).stdout,
         "xz-compressed"),
        ("t.pickle", pickle.dumps({"a": [1, 2]}, protocol=4),
         "a Python pickle"),
        ("cr.json", rec1.replace(b"\n", b"\r") * 3, "end with CR alone"),
        ("hprof", b"JAVA PROFILE 1.0.2\0" + bytes(40), "Java HPROF"),
    ]
    for name, data, said in cases:
        path = write(name, data)
        for cmd in ("summary", "leaks"):
            args = [cmd, "--quiet", path] + ([path] if cmd == "leaks" else [])
            rc, out, err = run(args)
            check(rc == 1 and said in err and "\x1b" not in err,
                  "not-dump %s %s: %d %r" % (cmd, name, rc, err))
    for name, data in (("empty.json", b""), ("blank.json", b"\n\n")):
        rc, out, err = run(["summary", "--quiet", write(name, data)])
        check(rc == 0 and "Total 0 objects" in out,
              "not-dump %s: %d %r" % (name, rc, err))
    for what, header in (
            ("pointer_size", b'{"heapscope_dump": 1, "pointer_size": 7}\n'),
            ("python", b'{"heapscope_dump": 1, "python": "\\u001b]0;x"}\n'),
            ("python", b'{"heapscope_dump": 1, "python": "99.1"}\n')):
        rc, out, err = run(["summary", "--quiet",
                            write("header.json", header + rec1)])
        check(rc == 1 and ("impossible %s" % what) in err,
              "not-dump header %s: %d %r" % (what, rc, err))
    # Two dumps in one file: every command says so, not only info.
    joined = write("joined.json", (rec1 + rec(16, "list", 72, [8]).encode())
                   * 2)
    for args in (["summary"], ["top"], ["path", joined, "8"][:1] + ["8"]):
        cmd = [args[0], "--quiet", joined] + args[1:]
        rc, out, err = run(cmd)
        check(rc == 0 and "2 records repeat an earlier address" in err,
              "not-dump joined %s: %d %r" % (args[0], rc, err))


def wrap(tmp):
    """Sizes that would wrap a 64-bit sum are refused; the largest total
    that cannot wrap loads, and a parent retains at least its child."""
    big = (1 << 64) - 1
    path = os.path.join(tmp, "wrap.json")
    with open(path, "w") as f:
        f.write(rec(8, "str", big, []) + rec(16, "list", big, [8]))
    for cmd in (["summary"], ["top"], ["diff", path]):
        rc, out, err = run([cmd[0], "--quiet", path] + cmd[1:])
        check(rc == 1 and "add up to more than 2^63-1 bytes" in err,
              "wrap %s: %d %r %r" % (cmd[0], rc, out[:200], err))
    edge = (1 << 63) - 1
    with open(path, "w") as f:
        f.write(rec(8, "str", edge - 72, []) + rec(16, "list", 72, [8]))
    rc, out, err = run(["summary", "--quiet", path])
    check(rc == 0 and "(%d bytes)" % edge in out, "wrap edge: " + err)
    rc, out, err = run(["top", "--quiet", "--json", path])
    objs = json.loads(out)["objects"] if rc == 0 else []
    ret = {o["address"]: o["retained_size"] for o in objs}
    check(ret.get(16) == edge and ret.get(8) == edge - 72,
          "wrap edge top: %r %s" % (ret, err))


CASES = {"chain": chain, "dup-refs": dup_refs, "self-only": self_only,
         "no-roots": no_roots, "bomb": bomb, "bomb-rss": bomb_rss,
         "not-dump": not_dump, "wrap": wrap}


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
