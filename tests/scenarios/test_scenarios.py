"""The scenario suite: `heapscope leaks` on leaks of real libraries.

Each program in tests/scenarios/ (README.md lists them) reproduces a
leak from a public bug report with a Debian-packaged library, beside
non-leaking churn that outweighs it in bytes, and dumps itself three
times with heapscope's dumper. Its EXPECT names the culprits, biggest
first: the owner's type and a substring of its path from a root.

The program also writes the culprits' addresses after its last dump.
For each program, on our dumps and on the same dumps rewritten in the
shape meliae gives on Python 3 (no dict keys, so no attribute names):
the culprits are the first suspects of `heapscope leaks --json` (by
address; the first is EXPECT's first; with two leaks, the top two are
the two culprits), with EXPECT's types, and on our dumps the path names
the library's attribute.

Programs where today's ranking (or dump) fails are in XFAIL, strict, so
that the suite passes today and says when a fix makes them pass.

Runs on /usr/bin/python3 only: the libraries are Debian's packages
(scripts/deps.sh installs them).
"""
import ast
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON = "/usr/bin/python3"
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))

# The dumper's build and meliae's shape are test_leaks.py's (one copy).
sys.path.insert(0, os.path.join(ROOT, "tests", "python"))
from test_leaks import dumper, meliae_shape  # noqa: E402,F401

NOT_PROGRAMS = {"scenario.py"}
PROGRAMS = sorted(f[:-3] for f in os.listdir(HERE)
                  if f.endswith(".py") and not f.startswith("test_")
                  and f not in NOT_PROGRAMS)

# (program, dump kind) -> why today's code fails it (issue 14). The
# numbers are the suspects' as tests/scenarios/README.md reports them.
XFAIL = {}


def expected(name):
    """The program's EXPECT, read without importing the program (its
    libraries are imported by /usr/bin/python3 in its own process)."""
    with open(os.path.join(HERE, name + ".py")) as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and \
                [t.id for t in node.targets if isinstance(t, ast.Name)] \
                == ["EXPECT"]:
            return ast.literal_eval(node.value)
    raise AssertionError("%s.py has no EXPECT" % name)


@pytest.fixture(scope="module")
def runs(dumper, tmp_path_factory):
    """name -> {"heapscope": [3 dumps], "meliae": [3 dumps], "culprits":
    [addresses]}, each program run once, when a test first needs it."""
    base = tmp_path_factory.mktemp("scenarios")
    done = {}

    def get(name):
        if name not in done:
            out = base / name
            env = dict(os.environ, PYTHONPATH=os.pathsep.join([dumper, HERE]))
            proc = subprocess.run([PYTHON, os.path.join(HERE, name + ".py"),
                                   str(out)], env=env,
                                  stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE,
                                  universal_newlines=True, timeout=300)
            # Not an AssertionError: an xfail must not hide a crash.
            if proc.returncode != 0:
                raise RuntimeError("%s.py failed:\n%s"
                                   % (name, proc.stderr[-3000:]))
            ours = [str(out / ("dump-%d.json" % n)) for n in (1, 2, 3)]
            theirs = []
            for src in ours:
                dst = src[:-len(".json")] + "-meliae.json"
                meliae_shape(src, dst)
                theirs.append(dst)
            with open(str(out / "culprits.json")) as f:
                culprits = json.load(f)
            if len(culprits) != len(expected(name)):
                raise RuntimeError("%s.py: %d culprits for %d EXPECT"
                                   % (name, len(culprits),
                                      len(expected(name))))
            done[name] = {"heapscope": ours, "meliae": theirs,
                          "culprits": culprits}
        return done[name]
    return get


def leaks(paths, top=8):
    proc = subprocess.run([HEAPSCOPE, "leaks", "--json", "--top", str(top)]
                          + list(paths), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=300)
    if proc.returncode != 0:
        raise RuntimeError("heapscope leaks failed:\n" + proc.stderr)
    return json.loads(proc.stdout)


def describe(suspects, culprits):
    """The suspects as the failure message (and the report) shows them."""
    return "; ".join("#%d %s%s at %s: growth %+d B, new %d B, retained %s" % (
        s["rank"], "(culprit) " if s["owner"]["address"] in culprits else "",
        s["owner"]["type"], s["path"]["expression"], s["growth_size"],
        s["new_size"], [d["retained_size"] for d in s["per_dump"]])
        for s in suspects)


def cases():
    for name in PROGRAMS:
        for kind in ("heapscope", "meliae"):
            marks = []
            if (name, kind) in XFAIL:
                marks.append(pytest.mark.xfail(
                    strict=True, raises=AssertionError,
                    reason="issue 14: " + XFAIL[name, kind]))
            yield pytest.param(name, kind, marks=marks,
                               id="%s-%s" % (name, kind))


@pytest.mark.parametrize("name,kind", cases())
def test_culprits_first(runs, name, kind):
    """The culprits are the first suspects, EXPECT's first one first, by
    address (the program wrote them), type and, on our dumps, path."""
    run = runs(name)
    expect, culprits = expected(name), run["culprits"]
    suspects = leaks(run[kind])["suspects"]
    top = suspects[:len(expect)]
    note = describe(suspects[:len(expect) + 2], culprits)
    assert [s["owner"]["address"] for s in top[:1]] == culprits[:1], note
    assert sorted(s["owner"]["address"] for s in top) == sorted(culprits), \
        note
    by_address = {s["owner"]["address"]: s for s in top}
    for address, (want_type, want_path) in zip(culprits, expect):
        s = by_address[address]
        assert s["owner"]["type"] == want_type, note
        assert s["growing"] and s["growth_size"] > 0, note
        if kind == "heapscope":
            assert want_path in s["path"]["expression"], note


@pytest.mark.parametrize("name", PROGRAMS)
def test_churn_outweighs_leak(runs, name):
    """The scenario is a hard one: of the candidates (objects born after
    the first dump and alive in the later ones), the churn's outweigh the
    leaks' in bytes. Checks the program, not the ranking."""
    run = runs(name)
    report = leaks(run["heapscope"], top=100)
    found = [s for s in report["suspects"]
             if s["owner"]["address"] in run["culprits"]]
    assert len(found) == len(run["culprits"]), \
        describe(report["suspects"][:5], run["culprits"])
    leak = sum(s["new_size"] for s in found)
    total = report["candidates"]["size"]
    assert total - leak > leak, \
        "candidates %d B, of which the leaks %d B" % (total, leak)
