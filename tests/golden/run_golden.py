#!/usr/bin/env python3
"""Golden CLI tests: run heapscope, compare stdout, stderr and exit status.

Each case is a folder under tests/golden/cases/ holding:
  cmd     the arguments after `heapscope`, shell-quoted, on one line;
          $DATA is tests/data/meliae (meliae's real dumps), $T is tests/data,
          $TMP a scratch folder holding derived inputs (see make_inputs)
  stdin   optional: fed to standard input
  stdout, stderr, exit   the expected results
Paths in the output are written back as $DATA, $T and $TMP, so the stored
files do not depend on where the checkout lives.

Besides the cases, the six summary tables of meliae itself (the
*.summary.txt files beside meliae's dumps) must come out byte for byte.

Usage: run_golden.py --heapscope PATH [--update] [CASE...]
--update rewrites the expected files from the current output (review the
diff before committing).
"""
import argparse
import bz2
import gzip
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(HERE, "cases")
TDATA = os.path.join(ROOT, "tests", "data")
DATA = os.environ.get("HS_MELIAE_DATA",
                      os.path.join(ROOT, "tests", "data", "meliae"))


def make_inputs(tmp):
    """Derived inputs: compressed, cut short and damaged copies."""
    with open(os.path.join(TDATA, "small.json"), "rb") as f:
        small = f.read()
    with open(os.path.join(tmp, "small.json.gz"), "wb") as f:
        f.write(gzip.compress(small))
    with open(os.path.join(tmp, "small.bz2"), "wb") as f:
        f.write(bz2.compress(small))
    zstd = shutil.which("zstd")
    if zstd:
        subprocess.run([zstd, "-q", "-f", "-o", os.path.join(tmp, "small.zst"),
                        os.path.join(TDATA, "small.json")], check=True)
    # A gzip stream cut in the middle: a dumper killed mid-write.
    gz = gzip.compress(small * 20)
    with open(os.path.join(tmp, "cut.json.gz"), "wb") as f:
        f.write(gz[: len(gz) // 2])
    # A gzip stream with damaged deflate data.
    bad = bytearray(gzip.compress(small * 20))
    for i in range(20, 60):
        bad[i] ^= 0x55
    with open(os.path.join(tmp, "corrupt.json.gz"), "wb") as f:
        f.write(bytes(bad))
    with open(os.path.join(tmp, "garbage.bin"), "wb") as f:
        f.write(bytes(range(256)) * 64)
    open(os.path.join(tmp, "empty.json"), "wb").close()
    # bzip2 and zstd streams cut short, and damaged: varied records, so
    # that the first half of the stream decodes to something.
    big = "".join('{"address": %d, "type": "str", "size": %d, "len": %d, '
                  '"value": "v%d", "refs": []}\n'
                  % (4096 + 48 * i, 50 + len(str(i)), len(str(i)) + 1, i * 7919)
                  for i in range(60000)).encode()
    bz = bz2.compress(big)
    with open(os.path.join(tmp, "cut.bz2"), "wb") as f:
        f.write(bz[: len(bz) // 2])
    bad = bytearray(bz)
    for i in range(len(bad) // 2, len(bad) // 2 + 40):
        bad[i] ^= 0x5A
    with open(os.path.join(tmp, "corrupt.bz2"), "wb") as f:
        f.write(bytes(bad))
    if zstd:
        zpath = os.path.join(tmp, "big.zst")
        subprocess.run([zstd, "-q", "-f", "-o", zpath, "-"], input=big,
                       check=True)
        with open(zpath, "rb") as f:
            zs = f.read()
        with open(os.path.join(tmp, "cut.zst"), "wb") as f:
            f.write(zs[: len(zs) // 2])
        bad = bytearray(zs)
        for i in range(len(bad) // 2, len(bad) // 2 + 40):
            bad[i] ^= 0x5A
        with open(os.path.join(tmp, "corrupt.zst"), "wb") as f:
            f.write(bytes(bad))
    # Absurd but valid: one list of a million refs, one 100 MB string.
    with open(os.path.join(tmp, "huge-lines.json"), "w") as f:
        n = 1000000
        f.write('{"address": 1, "type": "list", "size": %d, "len": %d, '
                '"refs": [%s]}\n' % (56 + 8 * n, n,
                                     ", ".join(["2"] * n)))
        f.write('{"address": 2, "type": "str", "size": 104857649, '
                '"len": 104857600, "value": "%s", "refs": []}\n'
                % ("x" * 104857600))
    # Files large enough to be parsed in parallel slices (32 MiB and up):
    # errors, warnings, headers and duplicates must read exactly as when
    # one thread parses them (the same cases run with --threads 1).
    make_big(tmp)
    # Snapshots to reject (the snapshot-* cases): junk, and one cut
    # inside its header, each beside a copy of small.json.
    for name, data in (("junk-snapshot", bytes(range(256)) * 4),
                       ("cut-snapshot", b"\x89HSINDX\n" + bytes(92))):
        with open(os.path.join(tmp, name + ".json"), "wb") as f:
            f.write(small)
        with open(os.path.join(tmp, name + ".json.hsidx"), "wb") as f:
            f.write(data)
    # Two gzip members back to back read as one dump.
    with open(os.path.join(tmp, "two-members.json.gz"), "wb") as f:
        lines = small.splitlines(keepends=True)
        f.write(gzip.compress(b"".join(lines[:3])))
        f.write(gzip.compress(b"".join(lines[3:])))


def big_lines(n, bad_at=None, dup_of=None):
    """n records (about 100 bytes each), 1-based line bad_at malformed,
    line dup_of[1] repeating the address of line dup_of[0]."""
    out = []
    for i in range(1, n + 1):
        addr = 1000003 * i if not (dup_of and i == dup_of[1]) \
            else 1000003 * dup_of[0]
        kind = "str" if i % 3 else "dict"
        line = ('{"address": %d, "type": "%s", "size": %d, "len": 1, '
                '"value": "line %d padding padding", "refs": [%d]}'
                % (addr, kind if not (dup_of and i == dup_of[1]) else "int",
                   40 + i % 50, i, 1000003 * (i % n + 1)))
        if i == bad_at:
            line = line.replace('"refs": [', '"refs": [,')
        out.append(line)
    return "\n".join(out)


def make_big(tmp):
    n = 360000  # about 38 MB
    with open(os.path.join(tmp, "big-bad-line.json"), "w") as f:
        f.write(big_lines(n, bad_at=300001) + "\n")
    with open(os.path.join(tmp, "big-truncated.json"), "w") as f:
        f.write(big_lines(n) + '\n{"address": 5, "type": "str", "si')
    with open(os.path.join(tmp, "big-header.json"), "w") as f:
        f.write('{"heapscope_dump": 1, "python": "3.12.1", "pointer_size": 8, '
                '"time": 1732650000, "pid": 4242}\n' + big_lines(n) + "\n")
    with open(os.path.join(tmp, "big-dup.json"), "w") as f:
        f.write(big_lines(n, dup_of=(10, 300001)) + "\n")


def substitute(text, tmp):
    return (text.replace("$DATA", DATA).replace("$TMP", tmp)
            .replace("$T", TDATA))


# Measurements that differ from run to run are masked before comparing.
MASKS = [
    (re.compile(r"^(peak_rss_bytes|[a-z]+_seconds)( +)\S+$", re.M), r"\1\2N"),
    (re.compile(r'"(peak_rss_bytes|[a-z]+_seconds)": [0-9.]+'), r'"\1": N'),
]


def unsubstitute(text, tmp):
    # DATA lies inside TDATA: the longer path goes first.
    text = (text.replace(tmp, "$TMP").replace(DATA, "$DATA")
            .replace(TDATA, "$T"))
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text


def run_case(heapscope, name, tmp, update):
    folder = os.path.join(CASES, name)
    with open(os.path.join(folder, "cmd")) as f:
        args = shlex.split(substitute(f.read().strip(), tmp))
    stdin = None
    if os.path.exists(os.path.join(folder, "stdin")):
        with open(os.path.join(folder, "stdin"), "rb") as f:
            stdin = substitute(f.read().decode(), tmp).encode()
    # Snapshots (DUMP.hsidx) must not appear beside the test dumps: only
    # the snapshot-* cases use them, with the cache folder in $TMP.
    env = dict(os.environ, XDG_CACHE_HOME=os.path.join(tmp, "cache"))
    env.pop("HEAPSCOPE_NO_INDEX", None)  # the old name of the variable
    if not name.startswith("snapshot-"):
        env["HEAPSCOPE_NO_SNAPSHOT"] = "1"
    else:
        env.pop("HEAPSCOPE_NO_SNAPSHOT", None)
    proc = subprocess.run([heapscope] + args, input=stdin, env=env,
                          capture_output=True, cwd=HERE, timeout=120)
    got = {
        "stdout": unsubstitute(proc.stdout.decode("utf-8", "replace"), tmp),
        "stderr": unsubstitute(proc.stderr.decode("utf-8", "replace"), tmp),
        "exit": "%d\n" % proc.returncode,
    }
    failures = []
    for key, text in got.items():
        path = os.path.join(folder, key)
        if update:
            with open(path, "w") as f:
                f.write(text)
            continue
        try:
            with open(path) as f:
                want = f.read()
        except FileNotFoundError:
            want = None
        if want != text:
            failures.append((key, want, text))
    return failures


def meliae_parity(heapscope):
    """The six tables of meliae's summary.txt files, byte for byte.
    Returns (tables checked, failure messages)."""
    failures = []
    checked = 0
    variants = [([], 0), (["--by-count"], 1), (["--classic"], 2)]
    for dump in ("meliae-py311-service", "meliae-py27-service"):
        with open(os.path.join(DATA, dump + ".summary.txt")) as f:
            blocks = re.split(r"^== .*\n", f.read(), flags=re.M)[1:]
        assert len(blocks) == 3, dump
        for args, index in variants:
            proc = subprocess.run(
                [heapscope, "summary"] + args
                + [os.path.join(DATA, dump + ".json.gz")],
                capture_output=True, text=True, timeout=120)
            checked += 1
            want = blocks[index].rstrip("\n")
            got = proc.stdout.rstrip("\n")
            if proc.returncode != 0 or got != want or proc.stderr:
                failures.append("%s %s: output differs from meliae's\n"
                                "--- meliae\n%s\n--- heapscope (exit %d)\n%s%s"
                                % (dump, " ".join(args) or "(default)", want,
                                   proc.returncode, got, proc.stderr))
    return checked, failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--heapscope", required=True)
    ap.add_argument("--update", action="store_true")
    ap.add_argument("cases", nargs="*")
    opts = ap.parse_args()
    heapscope = os.path.abspath(opts.heapscope)
    names = opts.cases or sorted(os.listdir(CASES))
    passed = failed = 0
    with tempfile.TemporaryDirectory(prefix="hs-golden-") as tmp:
        make_inputs(tmp)
        for name in names:
            failures = run_case(heapscope, name, tmp, opts.update)
            if failures:
                failed += 1
                print("FAIL %s" % name)
                for key, want, got in failures:
                    print("  %s differs\n  --- expected\n%s  --- got\n%s"
                          % (key, want, got))
            else:
                passed += 1
    checked, problems = meliae_parity(heapscope)
    for problem in problems:
        print("FAIL meliae parity: " + problem)
    failed += len(problems)
    passed += checked - len(problems)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
