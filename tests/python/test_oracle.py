"""Tests of the pure-Python reference loader, tests/oracle/meliae_ref.py.

The oracle is what heapscope's C code is compared against, so it is held
to meliae's own golden outputs on the shared dumps and to the numbers that
docs/format.md states, then to small hand-written dumps, one or
more per rule.  Section numbers refer to docs/format.md.
"""

import bz2
import gzip
import json
import os
import re
import shutil
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ORACLE_DIR = os.path.join(HERE, "..", "oracle")
ORACLE = os.path.join(ORACLE_DIR, "meliae_ref.py")
sys.path.insert(0, ORACLE_DIR)

import meliae_ref as ref  # noqa: E402

DATA = os.environ.get("HS_MELIAE_DATA", os.path.join(
    HERE, "..", "data", "meliae"))
PY311 = os.path.join(DATA, "meliae-py311-service.json.gz")
PY27 = os.path.join(DATA, "meliae-py27-service.json.gz")

needs_data = pytest.mark.skipif(not os.path.exists(PY311),
                                reason="shared dumps not found")


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------

def rec(address, type_, size, refs=(), name=None, len_=None, value=None):
    """One dump line in the scanner's exact key order and separators."""
    parts = ['"address": %d' % address, '"type": %s' % json.dumps(type_),
             '"size": %d' % size]
    if name is not None:
        parts.append('"name": %s' % json.dumps(name))
    if len_ is not None:
        parts.append('"len": %d' % len_)
    if value is not None:
        parts.append('"value": %s' % json.dumps(value))
    parts.append('"refs": [%s]' % ", ".join(str(r) for r in refs))
    return "{" + ", ".join(parts) + "}"


@pytest.fixture
def dump(tmp_path):
    """Write lines (or raw bytes) to a file and return its path."""
    counter = [0]

    def write(content, name=None):
        counter[0] += 1
        path = tmp_path / (name or "dump%d.json" % counter[0])
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text("".join(line + "\n" for line in content))
        return str(path)
    return write


def golden_blocks(path):
    """The three meliae outputs of a .summary.txt, without `== ` lines."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    return re.split(r"^== .*\n", text, flags=re.M)[1:]


_cache = {}


def loaded(path, **kwargs):
    """Load each shared dump once per session; tests must not mutate it."""
    key = (path, tuple(sorted(kwargs.items())))
    if key not in _cache:
        _cache[key] = ref.load(path, **kwargs)
    return _cache[key]


# --------------------------------------------------------------------------
# Golden summaries: all six tables, byte for byte (4.6)
# --------------------------------------------------------------------------

@needs_data
@pytest.mark.parametrize("path", [PY311, PY27], ids=["py311", "py27"])
@pytest.mark.parametrize("block", [0, 1, 2],
                         ids=["load", "by_count", "classic"])
def test_golden_summary(path, block):
    expected = golden_blocks(path.replace(".json.gz", ".summary.txt"))
    assert len(expected) == 3
    if block == 2:
        om = ref.classic_pipeline(path)
    else:
        om = loaded(path)
    got = om.summarize().text(by_count=(block == 1))
    assert got == expected[block].rstrip("\n")


@needs_data
@pytest.mark.parametrize("path", [PY311, PY27], ids=["py311", "py27"])
def test_cli_summary_matches_golden(path):
    expected = golden_blocks(path.replace(".json.gz", ".summary.txt"))
    for block, flags in enumerate([[], ["--by-count"], ["--classic"]]):
        out = subprocess.run(
            [sys.executable, ORACLE, "summary"] + flags + [path],
            stdout=subprocess.PIPE, check=True).stdout.decode("utf-8")
        assert out.rstrip("\n") == expected[block].rstrip("\n")


# --------------------------------------------------------------------------
# Facts docs/format.md states about the shared dumps
# --------------------------------------------------------------------------

@needs_data
def test_py311_raw_counts_and_tags():
    om = loaded(PY311, collapse=False)
    assert len(om) == 60307
    assert om.dialect == "py311"
    assert om.duplicates == 0
    assert om.dangling_refs() == 0
    assert om.type_count("dict") == 9097
    assert om.tag_counts() == {"VALUES": 6859, "VK": 2109, "EMPTY": 129}


@needs_data
def test_py311_key_census():
    # Section 1.1: which optional keys the 3.11 records carry.
    om = loaded(PY311, collapse=False)
    census = {}
    for r in om:
        key = ("name" if r.name is not None else
               "len+value" if r.len is not None and r.value is not None else
               "len" if r.len is not None else
               "value" if r.value is not None else "none")
        census[key] = census.get(key, 0) + 1
    assert census == {"len+value": 19078, "len": 10554, "value": 10001,
                      "name": 1760, "none": 18914}


@needs_data
def test_py311_collapse():
    om = ref.load(PY311, collapse=False)
    assert om.collapse_instance_dicts() == 3056
    assert om.type_count("dict") == 6041
    assert len(om) == 57251
    # meliae would leave these 2,309 refs dangling; heapscope redirects.
    assert om.redirected == 2309
    assert om.dangling_refs() == 0
    request = om[140549144549328]
    assert request.type == "Request" and request.size == 144
    assert request.tag == ref.TAG_VALUES
    assert om[140549148427920].size == 40      # Connection, inline values
    assert om.type_count("Request") == 3000
    modules = [r for r in om if r.type == "module"]
    assert sum(1 for r in modules if r.tag is not None) == 56
    assert len(modules) == 65


@needs_data
def test_py27_dialect_dangling_and_collapse():
    om = ref.load(PY27, collapse=False)
    assert om.dialect == "py2"
    assert set(om.tag_counts()) == {"KV"}
    nonempty = [r for r in om if r.type == "dict" and r.len]
    assert len(nonempty) == 11547
    assert all(len(r.refs) == 2 * r.len for r in nonempty)
    # Exactly one dangling ref: the scanner's frame -> its own object list.
    assert om.dangling_refs() == 1
    holders = [r for r in om for a in r.refs if a not in om.objs]
    assert [(h.type, h.value) for h in holders] == [
        ("frame", "dump_all_objects")]
    assert om.collapse_instance_dicts() == 6153
    assert om.redirected == 1079
    assert om.dangling_refs() == 1             # no new ones
    assert om.type_count("Connection") == 3000
    assert om[140239820241088].size == 352


@needs_data
def test_py311_parents_uncapped():
    om = loaded(PY311)
    assert len(om.parents_of(om[9804992])) == 976          # None
    assert om.repr_of(om[9804992]) == "NoneType(9804992 16B 976par)"


@needs_data
def test_py311_classic_pipeline_facts():
    om = ref.classic_pipeline(PY311)
    summary = om.summarize()
    assert (summary.count, len(summary.types)) == (57252, 122)
    assert om.repr_of(om[0]).startswith("<ex-reference>(0 0B ")
    counts = {}
    for r in om:
        for a in r.refs:
            child = om.objs.get(a)
            if child is not None and child.type in ("ABCMeta", "EnumType"):
                counts[child.type] = counts.get(child.type, 0) + 1
    assert counts == {"ABCMeta": 448, "EnumType": 76}
    assert om.guess_intern_dict() is None


@needs_data
def test_py27_classic_pipeline_facts():
    om = ref.classic_pipeline(PY27)
    counts = {}
    for r in om:
        for a in r.refs:
            child = om.objs.get(a)
            if child is not None and child.type in ("ABCMeta", "classobj"):
                counts[child.type] = counts.get(child.type, 0) + 1
    assert counts == {"ABCMeta": 152, "classobj": 3036}
    assert om.guess_intern_dict() is None


@needs_data
def test_py311_reprs_and_refs_as_dict():
    om = loaded(PY311)
    assert om.repr_of(om[140549144549328]) == \
        "Request(140549144549328 144B 5refs 1par)"
    assert om.repr_of(om[421541792]).endswith(" 'Request')")
    assert om.repr_of(om[9805984]).endswith(" 'True')")           # bool
    assert om.repr_of(om[140549148131424]) == \
        "bytes(140549148131424 44B 1par b'\"/caf\\xc3\\xa9/%d\"')"
    assert om.repr_of(om[140549144491472]) == \
        "str(140549144491472 83B 1par '/café/2999')"
    with pytest.raises(ref.RefsError, match="keys not recorded"):
        om.refs_as_dict(om[140549144549328])
    # A value,key dict comes out the right way round.
    assert om.refs_as_dict(om[140549144549632]) == {
        "event": 0, "text": "stopping protocol 0", 7: "int key"}


@needs_data
def test_py27_refs_as_dict():
    om = loaded(PY27)
    conn = om[140239820241088]
    assert om.repr_of(conn) == "Connection(140239820241088 352B 7refs 1par)"
    assert om.refs_as_dict(conn) == {"peer": "10.0.0.0", "buf": "", "id": 0}


@needs_data
def test_stats_cli():
    out = subprocess.run([sys.executable, ORACLE, "stats", PY27],
                         stdout=subprocess.PIPE, check=True).stdout
    stats = json.loads(out.decode("utf-8"))
    assert stats["objects"] == 61123
    assert stats["dangling_refs"] == 1
    assert stats["dialect"] == "py2"
    assert stats["collapsed"] == 6153
    assert stats["dict_tags"] == {"KV": 11563}


# --------------------------------------------------------------------------
# Reading and tolerances (1.3, 1.4)
# --------------------------------------------------------------------------

SMALL = [rec(1, "list", 72, [2, 3], len_=2),
         rec(2, "str", 50, value="a", len_=1),
         rec(3, "int", 28, value=5)]


def test_duplicates_first_wins(dump):
    path = dump(SMALL + [rec(2, "float", 24), '{"address": 3}'])
    om = ref.load(path)
    assert om.duplicates == 2
    assert len(om) == 3
    assert om[2].type == "str"


def test_dangling_refs_kept_but_not_walked(dump):
    path = dump([rec(1, "list", 72, [99, 2, 99], len_=3),
                 rec(2, "str", 50, value="a", len_=1)])
    om = ref.load(path)
    assert om[1].refs == [99, 2, 99]
    assert om.dangling_refs() == 2
    assert om.total_refs() == 3
    assert [r.address for r in om.iter_recursive_refs(om[1])] == [1, 2]
    assert om.parents_of(om[2]) == [om[1]]
    assert om.compute_total_size(om[1]) == 122


def test_tolerances(dump):
    lines = ["[", "", rec(1, "list", 72, [2], len_=1) + ",",
             "  " + rec(2, "str", 50, value="a", len_=1) + "  ,", "]", ""]
    data = "\r\n".join(lines).encode("ascii")
    om = ref.load(dump(data))
    assert [r.address for r in om] == [1, 2]


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "zstd"])
def test_compression_by_magic(dump, kind):
    plain = "".join(line + "\n" for line in SMALL).encode("ascii")
    if kind == "gzip":
        data = gzip.compress(plain)
    elif kind == "bzip2":
        data = bz2.compress(plain)
    else:
        if shutil.which("zstd") is None:
            pytest.skip("no zstd command")
        data = subprocess.run(["zstd", "-q", "-c"], input=plain,
                              stdout=subprocess.PIPE, check=True).stdout
    # A misleading name: detection is by content only.
    om = ref.load(dump(data, name="dump.txt"))
    assert len(om) == 3


def test_truncated_gzip_is_an_error(dump):
    plain = "".join(line + "\n" for line in SMALL * 50).encode("ascii")
    with pytest.raises(ref.DumpError, match="truncated"):
        ref.load(dump(gzip.compress(plain)[:-30]))


def test_empty_file(dump):
    om = ref.load(dump(b""))
    assert len(om) == 0
    assert om.summarize().text() == (
        "Total 0 objects, 0 types, Total size = 0.0MiB (0 bytes)\n"
        " Index   Count   %      Size   % Cum     Max Kind")


def test_missing_key_names_the_line(dump):
    path = dump([rec(1, "int", 28, value=5), '{"address": 2, "type": "x"}'])
    with pytest.raises(ref.DumpError, match="line 2: missing 'size'"):
        ref.load(path)


def test_keys_in_any_order_and_unknown_keys(dump):
    path = dump(['{"refs": [], "extra": 1, "size": 3, "type": "t", '
                 '"address": 7, "name": "n", "value": 4}'])
    om = ref.load(path)
    assert (om[7].type, om[7].size, om[7].name, om[7].value) == \
        ("t", 3, "n", 4)


def test_mojibake_repair(dump):
    path = dump([
        '{"address": 1, "type": "\\u00c3\\u009cn\\u00c3\\u00afcode", '
        '"size": 1, "refs": []}',
        '{"address": 2, "type": "module", "size": 72, '
        '"name": "m\\u00c3\\u00b3dulo", "refs": []}',
        # Function names are written by the text escaper: left alone.
        '{"address": 3, "type": "function", "size": 1, '
        '"name": "\\u00c3\\u00b3", "refs": []}',
        # Not valid UTF-8: unchanged.
        '{"address": 4, "type": "x\\u00ff", "size": 1, "refs": []}',
        # bytes values are never repaired.
        '{"address": 5, "type": "bytes", "size": 1, "len": 2, '
        '"value": "\\u00c3\\u00b3", "refs": []}',
    ])
    om = ref.load(path, collapse=False)
    assert om[1].type == "Ünïcode"
    assert om[2].name == "módulo"
    assert om[3].name == "\u00c3\u00b3"
    assert om[4].type == "x\u00ff"
    assert om[5].value == "\u00c3\u00b3"
    assert om.repr_of(om[5]) == "bytes(5 1B b'\\xc3\\xb3')"


def test_surrogates(dump):
    path = dump(['{"address": 1, "type": "str", "size": 1, "len": 3, '
                 '"value": "\\ud835\\udccf\\ud835x", "refs": []}'])
    om = ref.load(path)
    assert om[1].value == "\U0001d4cf\ufffdx"


def test_header_line_sets_dialect(dump):
    header = '{"heapscope_dump": 1, "python": "3.11.2", "pointer_size": 8}'
    om = ref.load(dump([header, rec(1, "dict", 64, [2, 3], len_=1),
                        rec(2, "str", 50, value="k", len_=1),
                        rec(3, "int", 28, value=1)]))
    assert om.dialect == "heapscope"
    assert len(om) == 3
    assert om[1].tag == ref.TAG_KV
    assert om.refs_as_dict(om[1]) == {"k": 1}
    with pytest.raises(ref.DumpError, match="version"):
        ref.load(dump(['{"heapscope_dump": 99}']))


def test_dialect_detection(dump):
    kv = [rec(1, "dict", 64, [2, 3], len_=1),
          rec(2, "str", 50, value="k", len_=1), rec(3, "int", 28, value=1)]
    assert ref.load(dump(kv)).dialect == "heapscope"
    values = [rec(1, "dict", 64, [3], len_=1), rec(3, "int", 28, value=1)]
    assert ref.load(dump(values)).dialect == "py3"
    assert ref.load(dump(values + [rec(4, "EnumType", 1000, name="E")])) \
        .dialect == "py311"
    assert ref.load(dump(values + [rec(4, "ABCMeta", 920, name="A")])) \
        .dialect == "py311"
    assert ref.load(dump(values + [rec(4, "long", 36),
                                   rec(5, "unicode", 52, len_=0, value="")])
                    ).dialect == "py2"


def test_dict_tags(dump):
    om = ref.load(dump([rec(1, "dict", 1, [5, 6], len_=1),      # VK
                        rec(2, "dict", 1, [5], len_=1),         # VALUES
                        rec(3, "dict", 1, [], len_=0),          # EMPTY
                        rec(4, "dict", 1, [5, 5, 5], len_=2),   # UNKNOWN
                        rec(5, "int", 28, value=1),
                        rec(6, "str", 50, value="k", len_=1)]),
                   collapse=False, dialect="py311")
    assert [om[a].tag for a in (1, 2, 3, 4)] == \
        ["VK", "VALUES", "EMPTY", "UNKNOWN"]
    assert om[5].tag is None


# --------------------------------------------------------------------------
# collapse_instance_dicts (4.2)
# --------------------------------------------------------------------------

def test_collapse_shapes(dump):
    path = dump([
        rec(1, "Request", 40, [2, 3]),                 # new-style
        rec(2, "dict", 100, [10], len_=1),
        rec(3, "type", 1688, name="Request"),
        rec(4, "module", 72, [5], name="m"),           # module shape
        rec(5, "dict", 200, [10], len_=1),
        rec(6, "instance", 72, [7, 8]),                # old-style
        rec(7, "classobj", 104, name="Old"),
        rec(8, "dict", 280, [10], len_=1),
        rec(9, "collections.deque", 600, [11, 3]),     # matches, as meliae
        rec(10, "int", 28, value=0),
        rec(11, "dict", 64, [], len_=0),
        rec(12, "tuple", 56, [13, 3], len_=2),         # skipped type
        rec(13, "dict", 64, [], len_=0),
        rec(14, "bytes", 33, [15, 3]),                 # bytes is not skipped
        rec(15, "dict", 64, [], len_=0),
        rec(16, "Abstract", 40, [17, 18]),             # metaclass'd: no
        rec(17, "dict", 64, [], len_=0),
        rec(18, "ABCMeta", 920, name="Abstract"),
        rec(19, "Broken", 40, [2, 999]),               # missing child: no
    ])
    om = ref.load(path, collapse=False, dialect="py3")
    assert om.collapse_instance_dicts() == 5
    assert (om[1].refs, om[1].size) == ([10, 3], 140)
    assert (om[4].refs, om[4].size) == ([10], 272)
    assert (om[6].type, om[6].refs, om[6].size) == ("Old", [10, 7], 352)
    assert (om[9].refs, om[9].size) == ([3], 664)
    assert om[14].refs == [3]
    for gone in (2, 5, 8, 11, 15):
        assert gone not in om.objs
    for kept in (13, 17):
        assert kept in om.objs
    assert om[1].tag == "VALUES" and om[9].tag == "EMPTY"
    assert om[19].refs == [1, 999]                     # redirected to owner
    assert om.parents_of(om[10]) == [om[1], om[4], om[6]]


def test_collapse_redirects_and_merges_once(dump):
    path = dump([
        rec(1, "function", 152, [4, 2]),               # globals -> dict 2
        rec(2, "dict", 100, [2, 3], len_=2),           # refers to itself
        rec(3, "type", 900, name="A"),
        rec(4, "A", 40, [2, 3]),                       # owner of dict 2
        rec(5, "A", 40, [2, 3]),                       # same dict: no merge
    ])
    om = ref.load(path, collapse=False, dialect="py3")
    assert om.collapse_instance_dicts() == 1
    assert om[4].refs == [4, 3, 3]                     # self-ref redirected
    assert om[4].size == 140
    assert om[5].refs == [4, 3] and om[5].size == 40
    assert om[1].refs == [4, 4]
    assert om.redirected == 3
    assert om.dangling_refs() == 0
    assert om.collapse_instance_dicts() == 0


def test_default_load_collapses_and_computes_parents(dump):
    om = ref.load(dump([rec(1, "A", 40, [2, 3]),
                        rec(2, "dict", 100, [], len_=0),
                        rec(3, "type", 900, name="A")]))
    assert len(om) == 2
    assert om[3].parents == [om[1]]


# --------------------------------------------------------------------------
# compute_parents (4.3)
# --------------------------------------------------------------------------

def test_parents_order_self_and_no_cap(dump):
    lines = [rec(1, "list", 1, [1, 1000, 1000], len_=3)]
    lines += [rec(a, "list", 1, [1000], len_=1) for a in range(200, 50, -1)]
    lines.append(rec(1000, "NoneType", 16))
    om = ref.load(dump(lines))
    assert om.parents_of(om[1]) == [om[1]]
    parents = [p.address for p in om.parents_of(om[1000])]
    assert parents == [1] + list(range(200, 50, -1))


# --------------------------------------------------------------------------
# remove_expensive_references (4.4)
# --------------------------------------------------------------------------

EXPENSIVE = [
    rec(1, "function", 152, [2, 3, 4, 5, 6], name="f"),
    rec(2, "code", 480),
    rec(3, "dict", 100, [], len_=0),
    rec(4, "dict", 100, [], len_=0),
    rec(5, "str", 50, value="m", len_=1),
    rec(6, "NoneType", 16),
    rec(7, "list", 72, [8, 9, 6, 8, 10], len_=5),
    rec(8, "module", 72, [3, 12], name="mod"),
    rec(9, "type", 408, name="object"),
    rec(10, "frame", 400, value="f"),
    rec(11, "_LRUNode", 56, [11, 13, 8, 6]),
    rec(12, "int", 28, value=1),
    rec(13, "_LRUNode", 56, [11]),
]


def test_remove_expensive_references(dump):
    om = ref.load(dump(EXPENSIVE), collapse=False)
    om.remove_expensive_references()
    assert om[1].refs == [2, 5, 6, 0]
    assert om[7].refs == [6, 0]
    assert om[11].refs == [8, 6]                   # no 0 appended
    assert om[13].refs == []
    assert om[8].refs == [3, 12]                   # nothing else filtered
    assert om[0].type == "<ex-reference>" and om[0].size == 0
    assert list(om.objs)[-1] == 0
    # Parents are recomputed, never stale.
    assert om.parents_of(om[0]) == [om[1], om[7]]
    assert om.parents_of(om[8]) == [om[11]]
    assert om.parents_of(om[4]) == []
    assert om.repr_of(om[0]) == "<ex-reference>(0 0B 2par)"


def test_remove_expensive_references_idempotent(dump):
    om = ref.load(dump(EXPENSIVE), collapse=False)
    om.remove_expensive_references()
    once = {r.address: list(r.refs) for r in om}
    om.remove_expensive_references()
    assert {r.address: list(r.refs) for r in om} == once
    assert len(om) == len(EXPENSIVE) + 1


# --------------------------------------------------------------------------
# guess_intern_dict (4.5)
# --------------------------------------------------------------------------

def test_guess_intern_dict_never_fails(dump):
    strs = [rec(a, "str", 50, value="s%d" % a, len_=2) for a in (10, 11)]
    om = ref.load(dump([rec(1, "dict", 100, [10], len_=1),      # odd
                        rec(2, "dict", 100, [99, 99], len_=1),  # missing
                        rec(3, "dict", 100, [], len_=0)] + strs),
                  collapse=False, dialect="py2")
    assert om.guess_intern_dict() is None


def test_guess_intern_dict_finds_first_parentless(dump):
    strs = [rec(a, "str", 50, value="s%d" % a, len_=2) for a in (10, 11)]
    lines = [rec(1, "list", 72, [2], len_=1),
             rec(2, "dict", 100, [10, 10], len_=1),     # has a parent
             rec(3, "dict", 100, [10, 11], len_=1),     # key != value
             rec(4, "dict", 100, [10, 10, 11, 11], len_=2),
             rec(5, "dict", 100, [11, 11], len_=1)] + strs
    om = ref.load(dump(lines), collapse=False, dialect="py2")
    assert om.guess_intern_dict() is om[4]


# --------------------------------------------------------------------------
# summarize (4.6)
# --------------------------------------------------------------------------

def test_zero_size_summary(dump):
    om = ref.load(dump([rec(1, "a", 0), rec(2, "a", 0), rec(3, "b", 0)]))
    assert om.summarize().text() == (
        "Total 3 objects, 2 types, Total size = 0.0MiB (0 bytes)\n"
        " Index   Count   %      Size   % Cum     Max Kind\n"
        "     0       2  66         0   0   0       0 a\n"
        "     1       1  33         0   0   0       0 b")
    assert om.summarize().types["a"].line() == \
        "a: 2, 0 bytes, 0.000 avg bytes, 0.000 std dev, 0 max @ 1"


def test_summary_ties_go_by_type_string(dump):
    lines = [rec(1, "zeta", 10), rec(2, "Alpha", 10), rec(3, "beta", 10),
             rec(4, "big", 5), rec(5, "big", 5)]
    om = ref.load(dump(lines))
    kinds = [t.type for t in om.summarize().by_size()]
    assert kinds == ["big", "Alpha", "beta", "zeta"]
    assert [t.type for t in om.summarize().by_count()] == \
        ["big", "Alpha", "beta", "zeta"]


def test_summary_percentages_truncate(dump):
    om = ref.load(dump([rec(1, "a", 2), rec(2, "b", 1)]))
    assert om.summarize().text().splitlines()[2:] == [
        "     0       1  50         2  66  66       2 a",
        "     1       1  50         1  33 100       1 b"]


def test_summary_columns_widen(dump):
    om = ref.load(dump([rec(1, "X", 1193593360)]))
    assert om.summarize().text() == (
        "Total 1 objects, 1 types, Total size = 1138.3MiB "
        "(1193593360 bytes)\n"
        " Index   Count   %       Size   % Cum        Max Kind\n"
        "     0       1 100 1193593360 100 100 1193593360 X")


def test_summary_top_and_all(dump):
    om = ref.load(dump([rec(a, "t%02d" % a, a) for a in range(1, 26)]))
    summary = om.summarize()
    assert len(summary.text().splitlines()) == 22
    assert len(summary.text(top=None).splitlines()) == 27
    assert len(summary.text(top=3).splitlines()) == 5


def test_type_summary_line_and_max_address(dump):
    om = ref.load(dump([rec(1, "a", 4), rec(2, "a", 8), rec(3, "a", 8)]))
    assert om.summarize().types["a"].line() == \
        "a: 3, 20 bytes, 6.667 avg bytes, 1.886 std dev, 8 max @ 2"


def test_summarize_subtree(dump):
    om = ref.load(dump([rec(1, "list", 10, [2], len_=1),
                        rec(2, "list", 20, [3], len_=1),
                        rec(3, "int", 30, value=1)]))
    assert om.summarize(om[2]).count == 2
    assert om.summarize(om[1], excluding=[3]).total == 30


# --------------------------------------------------------------------------
# get_all, walks, repr, refs_as_dict (4.7 - 4.10)
# --------------------------------------------------------------------------

def test_iter_recursive_refs_order(dump):
    om = ref.load(dump([rec(1, "list", 1, [2, 3], len_=2),
                        rec(2, "list", 1, [4], len_=1),
                        rec(3, "list", 1, [4, 1], len_=2),
                        rec(4, "int", 1, value=1)]))
    walk = [r.address for r in om.iter_recursive_refs(om[1])]
    assert walk == [1, 3, 4, 2]
    assert list(om.iter_recursive_refs(om[1], excluding=[1])) == []
    assert [r.address for r in
            om.iter_recursive_refs(om[1], excluding=[3])] == [1, 2, 4]


def test_get_all_order(dump):
    om = ref.load(dump([rec(1, "a", 5), rec(2, "a", 5, [1]),
                        rec(3, "a", 5), rec(4, "a", 9), rec(5, "b", 99),
                        rec(6, "c", 1, [3])]))
    assert [r.address for r in om.get_all("a")] == [4, 2, 1, 3]
    assert [r.address for r in om.all(om[6], "a")] == [3]


def test_repr_total_size_units():
    assert ref.format_total(800) == "800.0Btot"
    assert ref.format_total(801) == "0.8Ktot"
    assert ref.format_total(1782579) == "1.7Mtot"
    assert ref.format_total(5 * 1024 ** 4) == "5120.0Gtot"


def test_repr_values(dump):
    om = ref.load(dump([rec(1, "str", 60, value="it's", len_=4),
                        rec(2, "int", 28, value=-3),
                        rec(3, "module", 72, name="sys"),
                        rec(4, "bytes", 40, value="a'\u0000", len_=3)]))
    assert om.repr_of(om[1]) == "str(1 60B 'it\\'s')"
    assert om.repr_of(om[2]) == "int(2 28B -3)"
    assert om.repr_of(om[3]) == "module(3 72B 'sys')"
    assert om.repr_of(om[4]) == "bytes(4 40B b'a\\'\\x00')"
    om[2].total_size = 28
    assert om.repr_of(om[2]) == "int(2 28B -3 28.0Btot)"


def test_refs_as_dict_rules(dump):
    lines = [
        rec(1, "dict", 100, [3, 10, 4, 11], len_=2),     # VK: value, key
        rec(2, "dict", 100, [3], len_=1),                # VALUES
        rec(5, "dict", 100, [3, 10, 4], len_=2),         # UNKNOWN
        rec(6, "A", 40, [3, 10, 12]),                    # odd: class dropped
        rec(7, "list", 72, [3, 4, 13, 14], len_=4),
        rec(8, "dict", 100, [3, 99], len_=1),            # missing child
        rec(3, "bool", 32, value="True"),
        rec(4, "NoneType", 16),
        rec(10, "str", 50, value="k", len_=1),
        rec(11, "int", 28, value=7),
        rec(12, "type", 900, name="A"),
        rec(13, "frame", 400, value="f"),
        rec(14, "tuple", 40, len_=0),
    ]
    om = ref.load(dump(lines), collapse=False, dialect="py311")
    assert om.refs_as_dict(om[1]) == {"k": True, 7: None}
    with pytest.raises(ref.RefsError, match="keys not recorded"):
        om.refs_as_dict(om[2])
    with pytest.raises(ref.RefsError):
        om.refs_as_dict(om[5])
    with pytest.raises(ref.RefsError):
        om.refs_as_dict(om[8])
    assert om.refs_as_dict(om[6]) == {"True": "k"}     # keys stay text
    assert om.refs_as_list(om[7]) == [True, None, "f", om[14]]
    with pytest.raises(ref.RefsError):
        om.refs_as_list(om[8])


def test_refs_as_dict_kv_and_odd_module(dump):
    lines = [rec(1, "dict", 100, [10, 11, 12, 13], len_=2),
             rec(2, "module", 72, [10], name="m"),
             rec(10, "str", 40, value="a", len_=1),
             rec(11, "float", 24),
             rec(12, "type", 900, name="K"),
             rec(13, "bool", 24, value="False")]
    om = ref.load(dump(lines), collapse=False, dialect="py2")
    assert om.refs_as_dict(om[1]) == {"a": om[11], "K": False}
    with pytest.raises(ref.RefsError, match="odd"):
        om.refs_as_dict(om[2])


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def test_cli_modes(dump):
    path = dump([rec(1, "A", 40, [2, 3]), rec(2, "dict", 100, [], len_=0),
                 rec(3, "type", 900, name="A")])

    def run(*args):
        return subprocess.run([sys.executable, ORACLE] + list(args),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run("summary", path).stdout.decode().startswith(
        "Total 2 objects, 2 types")
    assert run("summary", "--no-collapse", path).stdout.decode().startswith(
        "Total 3 objects, 3 types")
    assert run("summary", "--classic", path).stdout.decode().startswith(
        "Total 3 objects, 3 types")
    assert run("summary", "--classic", "--no-collapse", path).returncode == 2
    bad = run("summary", dump(["{"]))
    assert bad.returncode == 1 and b"line 1" in bad.stderr


def test_cli_reads_compressed_stdin(dump):
    data = gzip.compress("".join(line + "\n" for line in SMALL).encode())
    out = subprocess.run([sys.executable, ORACLE, "summary", "--top", "1",
                          "-"], input=data, stdout=subprocess.PIPE,
                         check=True).stdout.decode()
    assert out.splitlines()[0].startswith("Total 3 objects, 3 types")
    assert len(out.splitlines()) == 3
