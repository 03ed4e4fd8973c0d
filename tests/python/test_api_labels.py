"""Labels and paths the analysis API gives, on a dump that this
interpreter's heapscope dumper makes of tests/programs/labels_objects.py
(its objects are globals of its __main__; the dump is taken from inside
main(), so heapscope's own dump() frames are live while it is written):

  - a tuple's and a list's items are labelled by index ([0] is the first
    item, although the dump lists it last), on every CPython;
  - __slots__ members by name, a '__dict__' slot as .__dict__, down a
    chain of slotted bases and with slots unset (the dumper lists those);
  - refs_as_dict() refuses a tuple or a function (their refs are no key,
    value pairs);
  - no path starts at or goes through heapscope's own frames, and they
    dominate nothing but themselves;
  - logging.root, not labels_pkg.api.root, of two one-step paths.
"""

import os
import subprocess
import sys

import pytest

import api_util

heapscope = api_util.require_analyzer()
pytest.importorskip("heapscope._dumper")

PROGRAM = os.path.join(api_util.ROOT, "tests", "programs",
                       "labels_objects.py")


@pytest.fixture(scope="module")
def om(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("labels") / "labels.json")
    proc = subprocess.run([sys.executable, "-S", PROGRAM, out],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return heapscope.load(out, snapshot=False)


@pytest.fixture(scope="module")
def main(om):
    mains = [m for m in om.get_all("module") if m.name == "__main__"]
    assert len(mains) == 1
    return mains[0].refs_as_dict()


def labelled(obj):
    """{label: child proxy} of obj's refs."""
    return {obj.ref_label(k): child for k, child in enumerate(obj.c)}


def test_tuple_and_list_items_by_index(main):
    for name, prefix in (("triple", "triple-"), ("ordered", "list-")):
        seq = main[name]
        got = {label: child.value for label, child in labelled(seq).items()}
        assert got == {"[0]": prefix + "a", "[1]": prefix + "b",
                       "[2]": prefix + "c"}


def test_slots_by_name(main):
    got = {label: child.value for label, child in
           labelled(main["point"]).items() if label != "__class__"}
    assert got == {".x": "point-x", ".y": "point-y", ".z": "point-z"}
    # Only y is set; the dump says x and z are unset.
    assert main["partial"].ref_label(0) == ".y"
    mixed = labelled(main["mixed"])
    assert mixed[".x"].value == "mixed-x"
    assert mixed[".__dict__"].type_str == "dict"
    derived = {label: child.value for label, child in
               labelled(main["derived"]).items() if label != "__class__"}
    assert derived == {".d": "derived-d", ".b": "derived-b"}
    loose = labelled(main["loose"])
    assert loose[".a"].value == "loose-a"
    assert loose[".__dict__"].type_str == "dict"


class _Base:
    __slots__ = ("b", "a")


class _Derived(_Base):
    __slots__ = ("d", "c")


def test_unset_slots_listed(tmp_path):
    """The record of a slotted instance lists its unset slots' positions
    in traversal order (each class's slots sorted: _Derived's c, d, then
    _Base's a, b; c and a are unset); a dump for
    meliae's loader (header=False) has no such key."""
    import json
    from heapscope._dump import dump_reachable
    obj = _Derived()
    obj.d, obj.b = "d", "b"
    for header, want in ((True, [0, 2]), (False, None)):
        out = tmp_path / ("d%d.json" % header)
        dump_reachable(str(out), [obj], header=header)
        with open(str(out)) as f:
            recs = [json.loads(line) for line in f]
        rec = [r for r in recs if r.get("address") == id(obj)][0]
        assert rec.get("unset_slots") == want


def test_refs_as_dict_refuses_non_dicts(main):
    for name in ("triple", "adder", "point"):
        with pytest.raises(heapscope.HeapscopeError, match="not a dict"):
            main[name].refs_as_dict()
    labels = labelled(main["adder"])
    assert labels[".__closure__"].type_str == "tuple"
    assert labels[".__defaults__"].type_str == "tuple"


def _dumper_frame(node):
    return node.type_str == "frame" and node.value in ("dump", "_dump_path")


def test_no_path_through_the_dumper(om):
    local = [s for s in om.get_all("str") if s.value == "main-local"]
    assert len(local) == 1
    paths = om.paths(local[0], 5)
    assert paths
    for path in paths:
        assert not any(_dumper_frame(n) for n in path.nodes), path
    frames = [p for p in paths if p.nodes[0].type_str == "frame"]
    assert len(frames) == 1
    assert frames[0].root_kind == "called the dumper"
    assert frames[0].nodes[0].value == "main"


def test_dumper_dominates_nothing(om):
    """heapscope's own frames retain only themselves: the program's stack
    below them is not theirs. The frame that called dump() is a root of
    the dominator tree ("called the dumper") and retains its locals."""
    own = [f for f in om.get_all("frame") if _dumper_frame(f)]
    assert own
    for frame in own:
        assert om.retained_count(frame) == 1
        assert om.retained_size(frame) == frame.size
    main_frame = [f for f in om.get_all("frame") if f.value == "main"]
    assert len(main_frame) == 1
    dom, kind, label = om.idom(main_frame[0])
    assert dom is None and kind == "called the dumper"
    # The str is also a constant of main's code: its list is main's alone.
    local = [s for s in om.get_all("str") if s.value == "main-local"][0]
    kept = [p for p in local.p if p.type_str == "list" and len(p.c) == 1]
    assert len(kept) == 1
    chain = kept[0]
    while om.dominator(chain) is not None:
        chain = om.dominator(chain)
    assert chain.address == main_frame[0].address


def test_import_name_first(om):
    root = om.get_all("RootLogger")
    assert len(root) == 1
    paths = om.paths(root[0], 2)
    assert [p.expression for p in paths] == ["logging.root",
                                             "labels_pkg.api.root"]
