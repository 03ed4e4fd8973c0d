"""The manager and proxy API: meliae's names and behaviour, the bulk
NodeList operations, errors and loading from file objects."""

import gzip
import io
import threading

import pytest

from api_util import dump_path, require_analyzer

REQUEST = 140549144549328       # a Request of the 3.11 dump


@pytest.fixture(scope="module")
def om():
    return require_analyzer().load(dump_path("py311"))


def test_manager_basics(om):
    assert len(om) == 57251 == len(om.objs)
    assert REQUEST in om and om[REQUEST] in om
    assert 1 not in om and "x" not in om
    with pytest.raises(KeyError):
        om[1]
    assert om.objs[REQUEST] == REQUEST
    assert om.objs.get(1) is None
    assert list(om.objs)[:3] == list(om.addresses()[:3])
    assert len(om.objs.values()) == len(om)
    first = next(iter(om.objs.items()))
    assert first[1].address == first[0]
    assert sum(om.type_counts().values()) == len(om)
    assert om.dialect == "py311"
    assert om.load_stats["objects"] == 57251


def test_proxy_attributes(om):
    r = om[REQUEST]
    assert (r.type_str, r.size, r.num_refs, r.num_parents) == \
        ("Request", 144, 5, 1)
    assert r.len is None and r.value is None and r.name is None
    assert len(r) == 5 and r.children == r.ref_list
    assert [c.address for c in r.c] == r.children
    assert r.parents == r.referrers == [p.address for p in r.p]
    assert r.num_referrers == r.num_parents
    assert r[0].value == "/café/2999" and r[-1] == r[4]
    assert r[-1].name == "Request" and r[-1].type_str == "type"
    with pytest.raises(IndexError):
        r[5]
    assert [o.address for o in r] == r.children
    assert repr(r) == "Request(140549144549328 144B 5refs 1par)"
    assert repr(r[-1]) == "type(421541792 1688B 4refs 3004par 'Request')"
    assert r.to_json().startswith('{"address": 140549144549328, "type": '
                                  '"Request", "size": 144')
    assert r.manager is om and bool(r[0])


def test_values(om):
    assert om[9805984].value == "True"                  # bool: the text
    assert om[10861192].value == 0                      # int
    b = om[140549148131424]
    assert b.type_str == "bytes" and b.value == b'"/caf\xc3\xa9/%d"'
    assert repr(b).endswith("""b'"/caf\\xc3\\xa9/%d"')""")


def test_equality_and_hashing(om):
    a, b = om[REQUEST], om[REQUEST]
    assert a is not b and a == b and hash(a) == hash(b) == hash(REQUEST)
    assert a == REQUEST and REQUEST == a and a != om[9805984]
    assert len({a, b, REQUEST}) == 1
    dicts = om.get_all("dict")
    addrs = set(d.address for d in dicts)
    assert dicts[0] in addrs and set(dicts) == addrs
    assert not (set(om.get_all("Request")) & addrs)


def test_nodelist(om):
    dicts = om.get_all("dict")
    assert len(dicts) == 6041 and dicts[-1] == dicts[len(dicts) - 1]
    assert isinstance(dicts[:3], type(dicts)) and len(dicts[:3]) == 3
    assert list(dicts[1:7:2].addresses()) == list(dicts.addresses()[1:7:2])
    assert dicts[0] in dicts and 1 not in dicts
    assert dicts.total_size() == 1732912
    assert dicts.type_counts() == {"dict": 6041}
    rest = dicts.difference(dicts[:10])
    assert len(rest) == 6031 and rest[0] == dicts[10]
    assert len(dicts.difference(list(dicts.addresses()[:5]))) == 6036
    walk = om[REQUEST].walk()
    assert walk.of_type("Request")[0] == REQUEST
    assert repr(dicts[:2]).startswith("[dict(140549148320896 147544B")


def test_summary_object(om):
    s = om.summarize()
    assert s.total_count == 57251 and s.total_size == 5865760
    top = s.summaries[0]
    assert (top.type_str, top.count, top.total_size, top.max_size,
            top.max_address) == ("dict", 6041, 1732912, 147544,
                                 140549148320896)
    assert repr(top) == ("dict: 6041, 1732912 bytes, 286.858 avg bytes, "
                         "1911.212 std dev, 147544 max @ 140549148320896")
    assert s.by_count().summaries[0].type_str == "str"
    assert s.type_summaries["Request"].count == 3000


def test_values_dict_error(om):
    heapscope = require_analyzer()
    d = om[140549148192192]             # a str-keyed dict: values only
    with pytest.raises(heapscope.HeapscopeError) as e:
        d.refs_as_dict()
    assert "keys not recorded" in str(e.value)
    assert e.value.reason == "unsupported"


def test_py27_refs_as_dict():
    heapscope = require_analyzer()
    om = heapscope.load(dump_path("py27"))
    conn = om[140239820241088]
    assert repr(conn) == "Connection(140239820241088 352B 7refs 1par)"
    assert conn.refs_as_dict() == {"peer": "10.0.0.0", "buf": "", "id": 0}
    assert om.refs_as_dict(conn.address) == conn.refs_as_dict()


def test_load_errors(tmp_path):
    heapscope = require_analyzer()
    bad = tmp_path / "bad.json"
    bad.write_text('{"address": 1, "type": "x", "size": 1, "refs": []}\n'
                   '{"address": 2, "type": \n')
    with pytest.raises(heapscope.HeapscopeError) as e:
        heapscope.load(str(bad))
    assert e.value.line == 2 and e.value.path == str(bad)
    assert str(e.value).startswith(str(bad) + ":2: ")
    with pytest.raises(heapscope.HeapscopeError) as e:
        heapscope.load(str(tmp_path / "missing.json"))
    assert e.value.reason
    with pytest.raises(TypeError):
        heapscope.load(42)


def test_load_file_objects(tmp_path):
    heapscope = require_analyzer()
    lines = ('{"address": 1, "type": "dict", "size": 64, "len": 1, '
             '"refs": [2, 3]}\n'
             '{"address": 2, "type": "str", "size": 50, "len": 1, '
             '"value": "k", "refs": []}\n'
             '{"address": 3, "type": "bool", "size": 28, "value": "True", '
             '"refs": []}\n')
    for source in (io.BytesIO(gzip.compress(lines.encode())),
                   io.StringIO(lines)):
        om = heapscope.load(source)
        assert len(om) == 3
    path = tmp_path / "d.json"
    path.write_text(lines)
    with open(str(path), "rb") as f:
        om = heapscope.load(f)
    assert om.dialect == "heapscope"
    assert om[1].refs_as_dict() == {"k": True}
    assert om[1].refs_as_list() == ["k", True]
    assert heapscope.load(path, collapse=False, dialect="py2").dialect == "py2"


def test_empty_dump(tmp_path):
    heapscope = require_analyzer()
    path = tmp_path / "empty.json"
    path.write_text("")
    om = heapscope.load(str(path), show_prog=True)
    assert len(om) == 0
    assert str(om.summarize()).splitlines()[0] == \
        "Total 0 objects, 0 types, Total size = 0.0MiB (0 bytes)"


def test_load_in_threads():
    """The GIL is released while loading: two loads in threads finish and
    agree (and the main thread keeps running meanwhile)."""
    heapscope = require_analyzer()
    results = []
    threads = [threading.Thread(
        target=lambda: results.append(len(heapscope.load(
            dump_path("py311")))))
        for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [57251, 57251]


def test_meliae_package(tmp_path):
    require_analyzer()
    from heapscope.meliae import loader, scanner
    om = loader.load(dump_path("py311"), show_prog=False)
    assert isinstance(om, loader.ObjManager)
    pytest.importorskip("heapscope._dumper")
    path = tmp_path / "self.json"
    scanner.dump_all_objects(str(path))
    me = loader.load(str(path))
    assert me.dialect == "heapscope" and len(me) > 1000
    assert scanner.size_of([]) > 0


def test_gone_proxy():
    heapscope = require_analyzer()
    om = heapscope.load(dump_path("py311"), collapse=False)
    d = om[REQUEST][0]                       # its __dict__, before collapse
    assert d.type_str == "dict"
    om.collapse_instance_dicts()
    with pytest.raises(ReferenceError):
        d.size
    assert repr(d).startswith("<gone ")
