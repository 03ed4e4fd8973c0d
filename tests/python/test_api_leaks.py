"""heapscope's own analyses on the manager: om.leaks(*later),
om.retained_size(obj), om.dominator(obj) and om.top(n), on dumps of real
leaking programs (tests/leaks/programs) made with heapscope's dumper by
the interpreter under test. The culprit must come first, and every
number must be what `heapscope leaks --json` and `heapscope top --json`
say for the same dumps (when the CLI is built: HEAPSCOPE_BIN, set by
ctest, or build/bin/heapscope)."""

import json
import os
import subprocess
import sys

import pytest

import api_util

heapscope = api_util.require_analyzer()
pytest.importorskip("heapscope._dumper")

PROGRAMS = os.path.join(api_util.ROOT, "tests", "leaks", "programs")
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN") or os.path.join(
    api_util.ROOT, "build", "bin", "heapscope")

# program, the culprit's type, what its path must contain
CASES = [
    ("listeners", "list", ".bus.listeners"),
    ("memo_cache", "dict", "._quotes"),
    ("callbacks", "dict", "._registry._callbacks"),
]


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    """Three dumps of each program, made by this interpreter."""
    base = tmp_path_factory.mktemp("leaky")
    out = {}
    for name, _, _ in CASES:
        folder = base / name
        folder.mkdir()
        proc = subprocess.run([sys.executable, os.path.join(PROGRAMS,
                                                            name + ".py"),
                               str(folder)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
        out[name] = [str(folder / ("dump-%d.json" % n)) for n in (1, 2, 3)]
    return out


def load_all(paths):
    return [heapscope.load(p, snapshot=False) for p in paths]


def cli_json(*args):
    if not os.access(HEAPSCOPE, os.X_OK):
        pytest.skip("the heapscope CLI is not built (%s)" % HEAPSCOPE)
    proc = subprocess.run([HEAPSCOPE] + list(args) + ["--no-snapshot"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def address(obj):
    return None if obj is None else obj.address


@pytest.mark.parametrize("name,owner_type,label", CASES)
def test_culprit_first(dumps, name, owner_type, label):
    first, second, last = load_all(dumps[name])
    report = first.leaks(second, last)
    culprit = report[0]
    assert culprit.rank == 1
    assert culprit.owner.type_str == owner_type, culprit.signature
    assert culprit.owner.manager is last
    assert label in culprit.path.expression, culprit.path.expression
    assert culprit.path.nodes[-1] == culprit.owner
    assert culprit.growing and culprit.growth_size > 0
    assert culprit.verdict == "grows"
    assert culprit.verdict_text == "grows at every dump"
    assert len(culprit.intervals) == 2
    assert all(objects > 0 for objects, _ in culprit.intervals)
    assert culprit.signature.startswith("module ")
    assert len(culprit.per_dump) == 3
    sizes = [d.retained_size for d in culprit.per_dump if d.obj is not None]
    assert sizes == sorted(sizes) and sizes[0] < sizes[-1]
    assert culprit.sample is not None and culprit.sample.manager is last
    assert culprit.types and culprit.types[0].count > 0
    assert report.candidates[0] > 0 and report.new[0] >= report.candidates[0]
    assert [d[0] for d in report.dumps] == [len(first), len(second),
                                            len(last)]


def test_owner_born_after_first_dump(dumps):
    first, second, last = load_all(dumps["callbacks"])
    culprit = first.leaks(second, last)[0]
    assert culprit.owner_is_new
    assert culprit.per_dump[0].obj is None
    assert culprit.per_dump[0].retained_size == 0
    assert culprit.per_dump[2].obj == culprit.owner


@pytest.mark.parametrize("name", [c[0] for c in CASES])
def test_leaks_match_cli(dumps, name):
    first, second, last = load_all(dumps[name])
    report = first.leaks(second, last, max_suspects=10, max_types=8)
    want = cli_json("leaks", "--json", "--top", "10", "--types", "8",
                    *dumps[name])
    assert [(d["objects"], d["size"]) for d in want["dumps"]] == \
        [tuple(d) for d in report.dumps]
    assert report.new == (want["new"]["objects"], want["new"]["size"])
    assert report.candidates == (want["candidates"]["objects"],
                                 want["candidates"]["size"])
    assert len(report) == len(want["suspects"])
    for got, w in zip(report, want["suspects"]):
        assert got.rank == w["rank"]
        assert got.owner.address == w["owner"]["address"]
        assert repr(got.owner) == w["owner"]["repr"]
        assert (got.owner_is_new, got.new_objects, got.new_size,
                got.growth_count, got.growth_size, got.growing) == (
            w["owner_is_new"], w["new_objects"], w["new_size"],
            w["growth_count"], w["growth_size"], w["growing"])
        assert (got.verdict, got.verdict_text, got.intervals_grown,
                got.min_interval_growth, got.recreated, got.items) == (
            w["verdict"], w["verdict_text"], w["intervals_grown"],
            w["min_interval_growth"], w["recreated"], w["items"])
        assert got.intervals == [(i["objects"], i["bytes"])
                                 for i in w["intervals"]]
        assert got.kept == [i["kept"] for i in w["intervals"]]
        assert [(address(d.obj), d.retained_size, d.retained_count)
                for d in got.per_dump] == \
            [(d["address"], d["retained_size"], d["retained_count"])
             for d in w["per_dump"]]
        assert [tuple(t) for t in got.types] == \
            [(t["type"], t["count"], t["size"]) for t in w["types"]]
        if w["path"] is None:
            assert got.path is None
        else:
            assert got.path.expression == w["path"]["expression"]
            assert [n.address for n in got.path.nodes] == \
                [s["address"] for s in w["path"]["steps"]]
            assert got.path.labels == [s["label"] for s in
                                       w["path"]["steps"][1:]]
        assert address(got.sample) == (w["sample"] or {}).get("address")
        assert got.signature == w["signature"]


def test_retained_sizes_match_cli_top(dumps):
    path = dumps["listeners"][2]
    om = heapscope.load(path, snapshot=False)
    want = cli_json("top", "--json", "--top", "40", path)
    top = om.top(40)
    assert [r.obj.address for r in top] == [o["address"] for o in
                                             want["objects"]]
    for row, w in zip(top, want["objects"]):
        assert om.retained_size(row.obj) == row.retained_size \
            == w["retained_size"]
        assert om.retained_count(row.obj.address) == row.retained_count \
            == w["retained_count"]
        assert row.root_kind == w["root_kind"]
        assert address(row.dominator) == (w["dominator"] or {}).get(
            "address")
        assert address(om.dominator(row.obj)) == address(row.dominator)
        assert row.label == w["label"]
    # Every object of the dump, not only the top ones, agrees with the
    # tree the CLI walks: the root retains everything.
    assert sum(om.retained_size(r.obj) for r in top
               if r.dominator is None and r.root_kind == "module") <= \
        want["total"]["size"]


def test_dominators(dumps):
    first, second, last = load_all(dumps["listeners"])
    owner = first.leaks(second, last)[0].owner
    bus = last.dominator(owner)
    assert bus.type_str == "EventBus"
    module = last.dominator(bus)
    assert module.type_str == "module" and module.name == "__main__"
    assert last.dominator(module) is None
    dom, kind, label = last.idom(module)
    assert (dom, kind, label) == (None, "module", None)
    # An object retains at least itself, its dominator at least as much.
    assert last.retained_size(owner) >= owner.size
    assert last.retained_size(bus) >= last.retained_size(owner)
    assert last.retained_count(owner) >= 1
    assert last.top(0) == []


def test_tree_follows_passes(dumps):
    path = dumps["listeners"][2]
    om = heapscope.load(path, snapshot=False)
    module = [m for m in om.get_all("module") if m.name == "__main__"][0]
    before = om.retained_size(module)
    om.remove_expensive_references()
    fresh = heapscope.load(path, snapshot=False)
    fresh.remove_expensive_references()
    after = om.retained_size(module)
    assert after == fresh.retained_size(module.address)
    assert after != before


def test_bad_arguments(dumps):
    om = heapscope.load(dumps["listeners"][0], snapshot=False)
    with pytest.raises(TypeError):
        om.leaks()
    with pytest.raises(TypeError):
        om.leaks(5)
    with pytest.raises(KeyError):
        om.retained_size(12345)
    with pytest.raises(KeyError):
        om.dominator(12345)
    with pytest.raises(ValueError):
        om.top(-1)
    meliae = heapscope.load(api_util.dump_path("py311"), snapshot=False)
    with pytest.raises(heapscope.HeapscopeError):
        om.leaks(meliae)


def test_series_checks(dumps, tmp_path):
    """As the CLI does: dumps of two processes are refused unless
    allow_mixed; dumps given out of run order are put in run order (by
    their headers' times) and the report says so."""
    import re
    first, second, third = load_all(dumps["listeners"])
    other = heapscope.load(dumps["memo_cache"][1], snapshot=False)
    with pytest.raises(heapscope.HeapscopeError, match="not one series"):
        first.leaks(other)
    first.leaks(other, allow_mixed=True)
    # The program dumps within a second: give the copies times apart.
    timed = []
    for n, path in enumerate(dumps["listeners"]):
        with open(path) as f:
            text = f.read()
        copy = tmp_path / ("timed-%d.json" % n)
        copy.write_text(re.sub(r'"time": \d+', '"time": %d' % (1000 + n),
                               text, count=1))
        timed.append(heapscope.load(str(copy), snapshot=False))
    in_order = timed[0].leaks(timed[1], timed[2])
    assert not in_order.reordered
    shuffled = timed[2].leaks(timed[0], timed[1])
    assert shuffled.reordered
    assert shuffled.order == timed
    assert [s.owner.address for s in shuffled] == \
        [s.owner.address for s in in_order]
