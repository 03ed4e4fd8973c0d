"""heapscope's navigation commands against the pure-Python oracle.

show, all and their walks are compared, object for object, with
tests/oracle/meliae_ref.py on meliae's own dumps (docs/format.md §4.7-§4.10):
get_all and obj.all orders, compute_total_size with exclusions, the repr,
and refs_as_dict for every dialect. The CLI is found through
HEAPSCOPE_BIN (set by ctest) or build/bin/heapscope.
"""

import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))

import meliae_ref as ref  # noqa: E402

HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
DATA = os.environ.get("HS_MELIAE_DATA",
                      os.path.join(ROOT, "tests", "data", "meliae"))
PY311 = os.path.join(DATA, "meliae-py311-service.json.gz")
PY27 = os.path.join(DATA, "meliae-py27-service.json.gz")
DUMPS = {"py311": PY311, "py27": PY27}

_oracles = {}


def oracle(name):
    if name not in _oracles:
        _oracles[name] = ref.load(DUMPS[name])
    return _oracles[name]


def run_json(*args):
    proc = subprocess.run([HEAPSCOPE] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def addresses(objects):
    return [o["address"] for o in objects]


@pytest.mark.parametrize("dump,type_", [
    ("py311", "Request"), ("py311", "dict"), ("py311", "tuple"),
    ("py311", "type"), ("py27", "Connection"), ("py27", "dict"),
    ("py27", "str"), ("py27", "instancemethod")])
def test_get_all_order(dump, type_):
    got = run_json("all", "--json", DUMPS[dump], type_)
    want = oracle(dump).get_all(type_)
    assert got["count"] == len(want)
    assert addresses(got["objects"]) == [r.address for r in want]


def test_get_all_repr():
    om = oracle("py311")
    got = run_json("all", "--json", "--limit", "300", PY311, "str")
    want = om.get_all("str")[:300]
    assert [o["repr"] for o in got["objects"]] == [om.repr_of(r)
                                                   for r in want]


def _sample(om, type_, count):
    recs = [r for r in om.objs.values() if r.type == type_]
    step = max(1, len(recs) // count)
    return recs[::step][:count]


@pytest.mark.parametrize("dump", ["py311", "py27"])
def test_all_reachable_from(dump):
    om = oracle(dump)
    start = om.get_all("Request")[0]
    exclude = [start.refs[-1]]          # the class: do not walk the heap
    got = run_json("all", "--json", "--reachable-from", start.address,
                   "--exclude", ",".join(map(str, exclude)), DUMPS[dump],
                   "str")
    want = om.all(start, "str", excluding=exclude)
    assert addresses(got["objects"]) == [r.address for r in want]


@pytest.mark.parametrize("dump", ["py311", "py27"])
def test_total_size(dump):
    om = oracle(dump)
    for rec in _sample(om, "dict", 4) + om.get_all("Request")[:2]:
        got = run_json("show", "--json", "--total", DUMPS[dump], rec.address)
        want = sum(r.size for r in om.iter_recursive_refs(rec))
        assert got["total_size"] == want
        assert got["total_objects"] == sum(1 for _ in
                                           om.iter_recursive_refs(rec))
        excl = rec.refs[:1]
        got = run_json("show", "--json", "--total", "--exclude",
                       ",".join(map(str, excl)), DUMPS[dump], rec.address)
        assert got["total_size"] == sum(
            r.size for r in om.iter_recursive_refs(rec, excl))


def _literal(value):
    """The oracle's refs_as_dict value as heapscope's JSON writes it."""
    if isinstance(value, ref.Record):
        return {"address": value.address, "type": value.type}
    return value


@pytest.mark.parametrize("dump,type_", [
    ("py311", "dict"), ("py27", "dict"), ("py27", "Connection"),
    ("py311", "Request")])
def test_refs_as_dict(dump, type_):
    om = oracle(dump)
    for rec in _sample(om, type_, 12):
        got = run_json("show", "--json", "--limit", "1", DUMPS[dump],
                       rec.address)
        try:
            want = ref.refs_as_dict(om, rec)
        except ref.RefsError:
            assert got["refs_as_dict"] is None
            assert got["refs_as_dict_error"]
            continue
        pairs = [(k if not isinstance(k, ref.Record) else
                  {"address": k.address, "type": k.type}, _literal(v))
                 for k, v in want.items()]
        assert [(p["key"], p["value"]) for p in got["refs_as_dict"]] == pairs


def test_refs_as_dict_py27_connection():
    rec = oracle("py27").get_all("Connection")[0]
    got = run_json("show", "--json", PY27, rec.address)
    assert {p["key"]: p["value"] for p in got["refs_as_dict"]} == {
        "peer": "10.0.0.0", "buf": "", "id": 0}


def test_refs_as_dict_values_dict():
    om = oracle("py311")
    rec = next(r for r in om.objs.values()
               if r.type == "dict" and r.tag == ref.TAG_VALUES)
    got = run_json("show", "--json", PY311, rec.address)
    assert got["refs_as_dict"] is None
    assert got["refs_as_dict_error"] == "keys not recorded in this dump"
