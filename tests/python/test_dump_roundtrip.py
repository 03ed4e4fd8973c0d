"""Round trip on this interpreter: known structures are dumped and every
object gc.get_referents reaches is found, once, with its getsizeof size
and its attribute names (tests/python/programs/roundtrip.py)."""

import json

import dumper_util


def test_roundtrip(tmp_path):
    dumper_util.require_dumper()
    path = tmp_path / "rt.json"
    report = json.loads(dumper_util.run_program("roundtrip.py", path))
    assert report["header"]["heapscope_dump"] == 1
    assert report["result"][0] == report["records"]
    assert report["duplicates"] == 0
    assert report["dangling"] == 0
    assert report["missing"] == 0, report["missing_types"]
    assert report["sizes_compared"] > 10000
    assert report["size_types"] > 100
    assert report["size_mismatch"] == {}
    assert report["missing_attrs"] == {}
    assert report["failed_checks"] == []
    if dumper_util.analyzer_check(path) is None:
        return   # build/bin/heapscope not built: the json oracle suffices


def test_roundtrip_gzip_loads_in_analyzer(tmp_path):
    heapscope = dumper_util.require_dumper() and __import__("heapscope")
    path = tmp_path / "self.json.gz"
    heapscope.dump(str(path))
    with open(str(path), "rb") as f:
        assert f.read(2) == b"\x1f\x8b"
    dumper_util.analyzer_check(path)
