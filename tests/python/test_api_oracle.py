"""heapscope.load() against the pure-Python oracle (tests/oracle/meliae_ref.py)
on both shared dumps, in each state of meliae's pipelines:

* raw:       load(collapse=False)
* default:   load() (collapse, parents)
* classic:   load(collapse=False), collapse_instance_dicts(),
             compute_referrers(), remove_expensive_references(),
             guess_intern_dict()

Compared: the summary text (by size and by count, every type too),
get_all order, repr of sample objects, refs_as_dict, iter_recursive_refs
order, compute_total_size (with and without exclusions) and summarize(obj).
The oracle is loaded once per dump and its results recorded state by state.
"""

import warnings

import pytest

from api_util import dump_path, require_analyzer

import meliae_ref as ref  # noqa: E402  (path set by api_util)

STATES = ("raw", "default", "classic")
SAMPLE_TYPES = ("dict", "Request", "Connection", "module", "type", "str",
                "bytes", "int", "bool", "function", "tuple", "list",
                "NoneType", "frame", "unicode", "instance", "<ex-reference>")
DICT_TYPES = {"py311": ("dict", "Request", "module"),
              "py27": ("dict", "Connection", "Request", "module")}
WALK_TYPES = ("Request", "Connection", "dict", "module")


def norm(value):
    """A refs_as_dict key or value, comparable across the two loaders.

    NOTE: the library gives None for a key whose record is NoneType, where
    docs/format.md 4.9 and the oracle give the record (meliae: the proxy); a
    deliberate difference (docs/python.md), so both become None here.
    """
    if isinstance(value, ref.Record) and value.type == "NoneType":
        return None
    if isinstance(value, ref.Record) or hasattr(value, "node_id"):
        return ("object", value.address)
    if isinstance(value, bytes):
        return value.decode("latin-1")   # the oracle keeps code points
    return value


def samples(om):
    """Records to compare: the first few of each sample type by get_all
    order, and every 1009th object in file order."""
    out = []
    for type_ in SAMPLE_TYPES:
        out.extend(om.get_all(type_)[:4])
    out.extend(list(om.objs.values())[::1009])
    return out


def refs_dict(om, rec):
    """refs_as_dict as a dict of normalized keys and values. Where two
    keys give the same Python value, meliae keeps the later pair only;
    heapscope keeps it too and keys the earlier pair by its proxy
    (docs/python.md): such proxies (keys with a value or a name) are
    left out here, so that the rest compares with meliae's."""
    try:
        items = om.refs_as_dict(rec).items()
    except Exception as e:     # RefsError, HeapscopeError
        return ("error", type(e).__name__ != "KeyError")
    return dict((norm(k), norm(v)) for k, v in items
                if not (hasattr(k, "node_id")
                        and (k.value is not None or k.name is not None)))


def untagged(om, rec):
    """An object with no dict layout tag (not a dict, nor an owner that
    collapse merged one into), in any dialect: its refs are not key, value
    pairs, and heapscope says so where the oracle pairs them as meliae
    would (lib/analysis/hs_refs_dict.c, NOTE)."""
    return rec.tag is None and rec.type != "dict"


def record_state(om, dump):
    """Everything compared, from the oracle in its current state."""
    state = {
        "summary": str(om.summarize()),
        "summary_count": om.summarize().text(by_count=True),
        "summary_all": om.summarize().text(top=None),
        "get_all": {t: [r.address for r in om.get_all(t)]
                    for t in ("dict", "Request", "tuple", "type", "str",
                              "Connection", "function")},
        "repr": [(r.address, om.repr_of(r)) for r in samples(om)],
        "refs_as_dict": [],
        "walks": [],
    }
    for type_ in DICT_TYPES[dump]:
        for rec in om.get_all(type_)[:15]:
            want = refs_dict(om, rec)
            if untagged(om, rec):
                want = ("error", True)
            state["refs_as_dict"].append((rec.address, want))
    for type_ in WALK_TYPES:
        for rec in om.get_all(type_)[:2]:
            walk = [r.address for r in om.iter_recursive_refs(rec)]
            excluding = walk[1:4]
            total_ex = om.compute_total_size(rec, excluding)
            total = om.compute_total_size(rec)
            state["walks"].append({
                "address": rec.address, "walk": walk, "total": total,
                "excluding": excluding, "total_ex": total_ex,
                "summary": str(om.summarize(rec)),
                "repr": om.repr_of(rec)})
            rec.total_size = 0
    return state


_ORACLE = {}


def oracle(dump):
    if dump not in _ORACLE:
        om = ref.load(dump_path(dump), collapse=False)
        states = {"raw": record_state(om, dump)}
        om.collapse_instance_dicts()
        om.compute_parents()
        states["default"] = record_state(om, dump)
        om.remove_expensive_references()
        om.guess_intern_dict()
        states["classic"] = record_state(om, dump)
        _ORACLE[dump] = states
    return _ORACLE[dump]


def heapscope_state(dump, state):
    heapscope = require_analyzer()
    if state == "default":
        return heapscope.load(dump_path(dump))
    om = heapscope.load(dump_path(dump), collapse=False)
    if state == "classic":
        om.collapse_instance_dicts()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            om.compute_referrers()
        om.remove_expensive_references()
        assert om.guess_intern_dict() is None
    return om


@pytest.fixture(scope="module", params=[(d, s) for d in ("py311", "py27")
                                        for s in STATES],
                ids=lambda p: "%s-%s" % p)
def pair(request):
    dump, state = request.param
    return dump, heapscope_state(dump, state), oracle(dump)[state]


def test_summary_text(pair):
    _, om, want = pair
    s = om.summarize()
    assert str(s) == want["summary"]
    assert repr(s) == want["summary"]
    assert s.text(None) == want["summary_all"]
    assert str(s.by_count()) == want["summary_count"]
    assert str(s.by_size()) == want["summary"]


def test_get_all_order(pair):
    _, om, want = pair
    for type_, addresses in want["get_all"].items():
        got = om.get_all(type_)
        assert list(got.addresses()) == addresses, type_
        assert [o.address for o in got] == addresses, type_


def test_repr(pair):
    _, om, want = pair
    for address, text in want["repr"]:
        assert repr(om[address]) == text


def test_refs_as_dict(pair):
    dump, om, want = pair
    checked = 0
    for address, pairs in want["refs_as_dict"]:
        got = refs_dict(om, om[address])
        assert got == pairs, address
        checked += isinstance(pairs, dict)
    if dump == "py27":
        assert checked > 10


def test_iter_recursive_refs_and_total_size(pair):
    _, om, want = pair
    for w in want["walks"]:
        obj = om[w["address"]]
        assert [o.address for o in obj.iter_recursive_refs()] == w["walk"]
        assert list(obj.walk().addresses()) == w["walk"]
        assert obj.compute_total_size(w["excluding"]) == w["total_ex"]
        assert om.compute_total_size(obj) is obj
        assert obj.total_size == w["total"]
        assert repr(obj) == w["repr"]
        assert str(om.summarize(obj)) == w["summary"]
        assert str(obj.summarize()) == w["summary"]
        obj.total_size = 0


def test_golden_summaries(pair):
    """The golden files hold meliae's own tables for default and classic."""
    import os
    dump, om, _ = pair
    if om.has_parents and len(om) == len(om.nodes()) and \
            om.load_stats["collapsed"] == 0:
        pytest.skip("meliae's golden tables are of collapsed loads")
    golden = dump_path(dump).replace(".json.gz", ".summary.txt")
    if not os.path.exists(golden):
        pytest.skip("no golden summary")
    with open(golden) as f:
        text = f.read()
    assert str(om.summarize()) in text
