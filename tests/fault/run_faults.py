#!/usr/bin/env python3
"""I/O fault injection on the heapscope CLI (docs/style.md 38).

Runs the CLI with the hs_fault.c shim preloaded (see its header for the
variables) and checks that every fault gives a clear error, a non-zero
exit and no crash, and that no file is left under the final name of an
output (nor a temporary beside it). Short reads and writes, which are
legal, must not change the output at all.

Usage: run_faults.py --heapscope PATH --shim PATH
"""
import argparse
import gzip
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TDATA = os.path.join(ROOT, "tests", "data")
LOG = os.path.join(TDATA, "log-leak")
ADDR = "139862179544448"  # an object of memory-600 (golden dot-log-event)

failures = []


def run(args, env=None, stdin=None, stdout=subprocess.PIPE):
    full = dict(os.environ)
    full.update(env or {})
    # The shim comes before a gcc ASan runtime in the library list.
    full["ASAN_OPTIONS"] = (full.get("ASAN_OPTIONS", "")
                            + ":verify_asan_link_order=0").lstrip(":")
    return subprocess.run([HS] + args, env=full, stdin=stdin, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=300)


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def shim(**faults):
    env = {"LD_PRELOAD": SHIM}
    env.update({"HS_FAULT_" + k.upper(): str(v) for k, v in faults.items()})
    return env


def clean_error(p, what, cmd):
    """A fault's outcome: exit 1, one clear message naming the cause."""
    err = p.stderr.decode(errors="replace")
    check(p.returncode == 1, "%s: exit %d, want 1 (%s)" % (what, p.returncode,
                                                          err[-500:]))
    check(err.startswith("heapscope %s: error: " % cmd),
          "%s: message %r" % (what, err[:200]))
    check("Sanitizer" not in err and err.count("\n") <= 2,
          "%s: noisy stderr %r" % (what, err[-500:]))
    return err


def input_faults(tmp):
    """EIO at each read in turn, and short reads, on plain, gzip and
    stdin input; a big plain file takes the parallel slicing path."""
    plain = os.path.join(tmp, "plain.json")
    with gzip.open(os.path.join(LOG, "memory-200.json.gz")) as f, \
            open(plain, "wb") as out:
        out.write(f.read())
    big = os.path.join(tmp, "big.json")
    with open(plain, "rb") as f, open(big, "wb") as out:
        text = f.read()
        # 36 MiB: over the 32 MiB at which a plain file is cut in slices.
        # Records repeat, so every copy after the first is a duplicate;
        # the header line may only come first.
        out.write(text)
        body = text[text.index(b"\n") + 1:]
        while out.tell() < 36 << 20:
            out.write(body)
    inputs = [("plain", plain, None), ("gzip",
              os.path.join(LOG, "memory-200.json.gz"), None),
              ("stdin", "-", plain), ("big", big, None)]
    for name, path, stdin_path in inputs:
        def go(env):
            if stdin_path:
                with open(stdin_path, "rb") as f:
                    return run(["summary", path], env, stdin=f)
            return run(["summary", path], env)
        want = go({})
        check(want.returncode == 0, "%s: clean run failed" % name)
        p = go(shim(read_short=7 if name != "big" else 4093))
        check(p.returncode == 0 and p.stdout == want.stdout,
              "%s: short reads changed the output" % name)
        ns = [1, 2, 3, 5, 8, 13, 40] if name != "big" else [1, 2, 9, 30]
        for n in ns:
            p = go(shim(read_eio=n))
            what = "%s: EIO at read %d" % (name, n)
            if p.returncode == 0:  # fewer reads than n: must be whole
                check(p.stdout == want.stdout, what + ": wrong output")
                continue
            err = clean_error(p, what, "summary")
            check("Input/output error" in err, what + ": cause not named: "
                  + err[:200])


def leftovers(d, final):
    names = sorted(os.listdir(d))
    return [n for n in names if n == final or ".tmp-" in n]


def output_faults(tmp):
    """ENOSPC and short writes on the atomic output files, and ENOSPC on
    stdout (/dev/full)."""
    m200 = os.path.join(LOG, "memory-200.json.gz")
    m600 = os.path.join(LOG, "memory-600.json.gz")
    jobs = [("dot", ["dot", "--max-nodes", "8", m600, ADDR, "-o"], "g.dot"),
            ("growth", ["growth", "--top", "1", m200, m600, "--svg"],
             "g.svg"),
            ("report", ["report", "--top", "3", m200, m600, "-o"],
             "r.html")]
    for cmd, args, final in jobs:
        d = tempfile.mkdtemp(dir=tmp)
        out = os.path.join(d, final)
        want = run(args + [out])
        check(want.returncode == 0, "%s: clean run failed" % cmd)
        with open(out, "rb") as f:
            good = f.read()
        os.unlink(out)
        p = run(args + [out], shim(write_short=100))
        with open(out, "rb") as f:
            check(p.returncode == 0 and f.read() == good,
                  "%s: short writes changed the file" % cmd)
        os.unlink(out)
        for what, env in (("ENOSPC at write", shim(write_enospc=1)),
                          ("ENOSPC at close", shim(close_enospc=1))):
            p = run(args + [out], env)
            err = clean_error(p, "%s: %s" % (cmd, what), cmd)
            # the file asked for, not the temporary written first
            check("error: %s: cannot write: No space left on device" % out
                  in err and ".tmp-" not in err,
                  "%s: %s: cause or file not named: %s" % (cmd, what, err))
            check(leftovers(d, final) == [], "%s: %s: left %s" % (
                cmd, what, leftovers(d, final)))
    with open("/dev/full", "wb") as full:
        p = run(["summary", m200], stdout=full)
    err = clean_error(p, "stdout on a full disk", "summary")
    check("No space left on device" in err, "stdout: cause not named")


def main():
    global HS, SHIM
    ap = argparse.ArgumentParser()
    ap.add_argument("--heapscope", required=True)
    ap.add_argument("--shim", required=True)
    a = ap.parse_args()
    HS, SHIM = a.heapscope, a.shim
    with tempfile.TemporaryDirectory() as tmp:
        input_faults(tmp)
        output_faults(tmp)
    print("io faults: %s" % ("%d failures" % len(failures) if failures
                             else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
