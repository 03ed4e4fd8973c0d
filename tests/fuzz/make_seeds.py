#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets (tests/fuzz/corpus/<target>/).

Seeds are small plain excerpts of real dumps (meliae Python 2.7 and 3.11
from tests/data/meliae, heapscope's own from tests/data/log-leak), the hand-
made dumps of tests/data, and nasty inputs written here. The index seeds
are the snapshots `heapscope snapshot` writes for the load seeds (both
pipelines), and the tree seeds the dominator trees `heapscope top` keeps
beside those, so the heapscope program is needed for them ($HEAPSCOPE_BIN,
default build/bin/heapscope). Crashers found by fuzzing are added by hand
as crash-<what> files and never regenerated. Run once; rerunning rewrites
only the seed-* files.

Usage: [HEAPSCOPE_BIN=...] make_seeds.py [SHARED_DATA]
"""
import bz2
import glob
import gzip
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    ROOT, "tests", "data", "meliae")
CORPUS = os.path.join(HERE, "corpus")


def lines_of(path):
    with gzip.open(path, "rb") as f:
        return f.read().split(b"\n")


def put(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


DUMPS = {
    "py27": os.path.join(DATA, "meliae-py27-service.json.gz"),
    "py311": os.path.join(DATA, "meliae-py311-service.json.gz"),
    "hs": os.path.join(ROOT, "tests", "data", "log-leak", "memory-200.json.gz"),
    "hs600": os.path.join(ROOT, "tests", "data", "log-leak",
                          "memory-600.json.gz"),
}

NASTY_LINES = [
    b"",
    b"[",
    b"]",
    b'{"address": 1, "type": "str", "size": 1, "refs": []}',
    b'{"address": 18446744073709551615, "type": "x", "size": '
    b'18446744073709551615, "len": -9223372036854775808, "refs": [0]}',
    b'{"address": 18446744073709551616, "type": "x", "size": 1, "refs": []}',
    b'{"address": -1, "type": "x", "size": -1, "refs": [-1]}',
    b'{"address": 1, "type": "\\ud800\\udc00\\udfff\\ud800", "size": 1, '
    b'"value": "\\u0000\\"\\\\\\/\\b\\f\\n\\r\\t", "refs": []}',
    b'{"address": 1, "type": "\xc3\x28\xf0\x9f\x98", "size": 1, "refs": []}',
    b'{"address": 1, "type": "int", "size": 1, "value": '
    b'123456789012345678901234567890, "refs": []}',
    b'{"address": 1, "type": "int", "size": 1, "value": -0, "refs": []}',
    b'{"address": 1e3, "type": "x", "size": 1.5, "refs": [1E2]}',
    b'{"refs": [1, 2, 3], "type": "list", "address": 7, "size": 88, '
    b'"extra": [[[[[[[[[[{"a": [{"b": null}]}]]]]]]]]]], "len": 3}',
    b'{"address": 1, "type": "x", "size": 1, "refs": [1,2,3,],}',
    b'{"address": 1, "address": 2, "type": "x", "type": "y", "size": 1, '
    b'"refs": [], "refs": [5]}',
    b'{"heapscope_dump": 1, "python": "3.11.7", "pointer_size": 8, '
    b'"time": 1795737847, "pid": 12533}',
    b'{"heapscope_dump": 99, "python": "' + b"9" * 100 + b'", '
    b'"pointer_size": 3, "time": -1, "pid": -1}',
    b'{"address": 1, "type": "x", "size": 1, "refs": [' + b"1, " * 500
    + b"1]}",
    b'{"address": 1, "type": "' + b"\\u00e9" * 300 + b'", "size": 1, '
    b'"refs": []}',
    b"{" * 200,
    b"[" * 200 + b"]" * 200,
    b'{"address": 1, "type": "x", "size": 1, "refs": []} trailing',
    b'{"address": 1, "type": "x", "size": 1, "refs": []},',
    b'\x00{"address": 1}',
    b'{"address":1,"type":"x","size":1,"refs":[]}',
    b' { "address" : 1 , "type" : "x" , "size" : 1 , "refs" : [ ] } ',
    # allocation sites (docs/format.md §7)
    b'{"heapscope_frame": 1, "file": "\\/a.py", "line": 3}',
    b'{"heapscope_traceback": 2, "frames": [1, 2]}',
    b'{"address": 4000, "type": "Item", "size": 48, "refs": [5000],"tb":2}',
    b'{"heapscope_traceback": 2, "frames": [1, ',
]


HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
MAX_INDEX = 64 << 10  # keep the corpus small: libFuzzer's -max_len


def load_seed_copies(tmp):
    """(name, path) of a copy in tmp of each load seed, for the heapscope
    program to write beside."""
    if not os.access(HEAPSCOPE, os.X_OK):
        sys.exit("make_seeds.py: %s not built (set HEAPSCOPE_BIN)"
                 % HEAPSCOPE)
    load = os.path.join(CORPUS, "load")
    for name in sorted(os.listdir(load)):
        if name.startswith("seed-"):
            dump = os.path.join(tmp, name)
            shutil.copy(os.path.join(load, name), dump)
            yield name, dump


def index_seeds():
    """The index of every small load seed, default and --no-collapse."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, dump in load_seed_copies(tmp):
            # seeds are not named *.hsidx: .gitignore drops those
            for flags, suffix, seed in (
                    ([], ".hsidx", ""),
                    (["--no-collapse"], ".nocollapse.hsidx", "-nocollapse")):
                done = subprocess.run([HEAPSCOPE, "snapshot"] + flags + [dump],
                                      stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL)
                index = dump + suffix
                if done.returncode == 0 and \
                        os.path.getsize(index) <= MAX_INDEX:
                    with open(index, "rb") as f:
                        put("index", name[5:] + seed, f.read())


def tree_seeds():
    """Each small load seed, a line %%, then the dominator tree that
    `heapscope top` keeps beside the seed's snapshot (DUMP.hsdom)."""
    with tempfile.TemporaryDirectory() as tmp:
        for name, dump in load_seed_copies(tmp):
            with open(dump, "rb") as f:
                text = f.read()
            if not text.endswith(b"\n") or text.startswith(b"\x1f\x8b"):
                continue  # a whole last line, plain text: the seed's split
            for cmd in (["snapshot"], ["top", "--quiet"]):
                subprocess.run([HEAPSCOPE] + cmd + [dump],
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            tree = dump + ".hsdom"
            if os.path.exists(tree) and \
                    os.path.getsize(tree) + len(text) <= MAX_INDEX:
                with open(tree, "rb") as f:
                    put("tree", name[5:], text + b"\n%%\n" + f.read())


HTML_TEXTS = [
    b"",
    b"plain text",
    b"<script>alert('x')</script> & \"quoted\"",
    b"&amp; &lt; &#39; &#x3c; &",
    b"\x00\x01\x7f",
    b"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
    b"\xc3\x28 \xa0\xa1 \xe2\x28\xa1 \xf0\x28\x8c\xbc \xc0\xaf "
    b"\xed\xa0\x80 \xf4\x90\x80\x80 \xf8\x88\x80\x80\x80 \xe2\x82",
    b"<" * 100 + b"\xff" * 100,
]

HTML_DUMPS = {
    "script-type": b'{"address": 1, "type": "<script>x</script>", "size": '
                   b'16, "refs": [2]}\n{"address": 2, "type": "str", '
                   b'"size": 50, "value": "\\u0000<b>&\\"\'", '
                   b'"refs": []}\n',
    "bytes-value": b'{"address": 1, "type": "module", "size": 72, "name": '
                   b'"m\xff<", "refs": [2]}\n{"address": 2, "type": "bytes", '
                   b'"size": 40, "value": "\xc3\x28\xed\xa0\x80", '
                   b'"refs": []}\n',
    "two-dumps": b'{"address": 8, "type": "list", "size": 72, "refs": []}\n'
                 b'%%\n{"address": 8, "type": "list", "size": 80, '
                 b'"refs": [16, 24]}\n{"address": 16, "type": "A<&>", '
                 b'"size": 48, "refs": []}\n{"address": 24, "type": "A<&>", '
                 b'"size": 48, "refs": []}\n',
}


def html_seeds(dumps):
    """Texts to escape (the first byte picks a short capacity) and dumps
    (starting with '{') for the report."""
    for i, text in enumerate(HTML_TEXTS):
        put("html", "text-%02d" % i, bytes([i * 37 % 256]) + text)
    for name, data in HTML_DUMPS.items():
        put("html", "dump-" + name, data)
    if "hs" in dumps and "hs600" in dumps:
        put("html", "dump-log-leak",
            b"\n".join(dumps["hs"][:120]) + b"\n%%\n"
            + b"\n".join(dumps["hs600"][:160]) + b"\n")


def main():
    dumps = {k: lines_of(v) for k, v in DUMPS.items() if os.path.exists(v)}
    # line: one line each of many kinds, from every dump.
    n = 0
    for key, lines in dumps.items():
        seen = set()
        for line in lines:
            m = re.search(rb'"type": "([^"]*)"', line)
            t = m.group(1) if m else line[:8]
            if line and t not in seen and len(line) < 4096 and len(seen) < 60:
                seen.add(t)
                put("line", "%s-%03d" % (key, n), line)
                n += 1
    for i, line in enumerate(NASTY_LINES):
        put("line", "nasty-%02d" % i, line)
    # load: slices of real dumps, tests/data, nasty dumps.
    for key, lines in dumps.items():
        for start, count in ((0, 60), (len(lines) // 2, 120),
                             (len(lines) - 80, 80)):
            put("load", "%s-%d" % (key, start),
                b"\n".join(lines[max(start, 0):start + count]) + b"\n")
    for path in sorted(glob.glob(os.path.join(ROOT, "tests", "data",
                                              "*.json"))):
        with open(path, "rb") as f:
            put("load", "data-" + os.path.basename(path), f.read())
    nasty = {
        "self-only": b'{"address": 8, "type": "list", "size": 72, "len": 1, '
                     b'"refs": [8]}\n',
        "no-roots": b'{"address": 8, "type": "list", "size": 72, "refs": [16]}'
                    b'\n{"address": 16, "type": "dict", "size": 72, '
                    b'"refs": [8]}\n',
        "dups": b'{"address": 8, "type": "list", "size": 72, "refs": ['
                + b"8, " * 300 + b"8]}\n",
        "chain": b"".join(b'{"address": %d, "type": "Node", "size": 48, '
                          b'"refs": [%d]}\n' % (8 * i, 8 * i + 8)
                          for i in range(1, 200)),
        "instance-dicts": b'{"address": 1, "type": "module", "size": 72, '
                          b'"name": "m", "refs": [2]}\n'
                          b'{"address": 2, "type": "dict", "size": 9, '
                          b'"len": 1, "refs": [3, 4]}\n'
                          b'{"address": 3, "type": "str", "size": 5, '
                          b'"value": "k", "refs": []}\n'
                          b'{"address": 4, "type": "C", "size": 5, '
                          b'"refs": [5, 6]}\n'
                          b'{"address": 5, "type": "dict", "size": 5, '
                          b'"len": 1, "refs": [3, 4]}\n'
                          b'{"address": 6, "type": "type", "size": 5, '
                          b'"name": "C", "refs": [5]}\n',
        "gzip": gzip.compress(b'{"address": 1, "type": "str", "size": 1, '
                              b'"value": "x", "refs": []}\n' * 3, mtime=0),
        "gzip-cut": gzip.compress(b'{"address": 1, "type": "x", "size": 1, '
                                  b'"refs": []}\n' * 50, mtime=0)[:40],
        "bzip2": bz2.compress(b'{"address": 1, "type": "list", "size": 1, '
                              b'"refs": [1, 2]}\n' * 3),
        "bzip2-magic": b"BZh91AY&SY" + b"\x00" * 20,
        "zstd-magic": b"\x28\xb5\x2f\xfd" + b"\x00" * 20,
    }
    zstd = shutil.which("zstd")
    if zstd:
        nasty["zstd"] = subprocess.run(
            [zstd, "-q", "-c"], input=nasty["dups"], stdout=subprocess.PIPE,
            check=True).stdout
    for name, data in nasty.items():
        put("load", "nasty-" + name, data)
    # diff: pairs of slices of one process's dumps, OLD %% NEW.
    pairs = [("hs", "hs600", 0, 150), ("hs", "hs600", 5000, 200),
             ("py311", "py311", 0, 100), ("py27", "py311", 0, 50)]
    for a, b, start, count in pairs:
        if a in dumps and b in dumps:
            put("diff", "%s-%s-%d" % (a, b, start),
                b"\n".join(dumps[a][start:start + count]) + b"\n%%\n"
                + b"\n".join(dumps[b][start:start + count + 20]) + b"\n")
    one = b'{"address": 8, "type": "str", "size": 50, "value": "a", ' \
          b'"refs": []}\n'
    two = b'{"address": 8, "type": "str", "size": 50, "value": "b", ' \
          b'"refs": []}\n{"address": 16, "type": "list", "size": 72, ' \
          b'"refs": [8]}\n'
    put("diff", "nasty-reused-address", one + b"%%\n" + two)
    put("diff", "nasty-empty-old", b"%%\n" + two)
    put("diff", "nasty-no-separator", two)
    html_seeds(dumps)
    index_seeds()
    tree_seeds()


if __name__ == "__main__":
    main()
