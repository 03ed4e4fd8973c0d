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


def shortest_g(v):
    """The dumper's rule for a float's value, stated plainly: %g at the
    least precision that reads back as the same double."""
    for prec in range(1, 18):
        text = "%.*g" % (prec, v)
        if float(text) == v:
            return text
    raise AssertionError(v)


def test_float_values_are_the_shortest_round_trip(tmp_path):
    heapscope = dumper_util.require_dumper() and __import__("heapscope")
    import dumpcheck
    import random
    import struct
    rng = random.Random(19)
    floats = [float("inf"), float("-inf"), 0.0, -0.0, 5e-324, 2.2250738585072014e-308,
              2.225073858507201e-308, 1.7976931348623157e308, 0.1, 1e16, 1e15,
              123456789012345680.0, 1500000.0, 0.0125, 1e-5, 0.0001, 0.00012,
              12345.678, 1e14, 123456789012345.0, 1234567890123456.0, 3.0,
              100.0, 19.99, -2.5, 1e22, 1e23, 5e-7, -1.5e-300, 2.5e-310]
    for _ in range(30000):
        floats.append(struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0])
        floats.append(rng.randrange(10 ** 7) / 10 ** rng.randrange(12))
        floats.append(rng.randrange(10 ** 15) * 10.0 ** rng.randrange(-25, 10))
        floats.append(rng.random() * 10 ** rng.randrange(-30, 30))
        floats.append(rng.randrange(1, 10 ** 5) * 2.0 ** rng.randrange(-1100, -1020))
    floats = [v for v in floats if v == v]
    path = str(tmp_path / "floats.json")
    heapscope.dump(path)
    dump = dumpcheck.Dump(path)
    wrong = []
    for v in floats:
        rec = dump.get(v)
        assert rec is not None and rec["type"] == "float"
        if rec["value"] != ("inf" if v == float("inf") else
                            "-inf" if v == float("-inf") else shortest_g(v)):
            wrong.append((v.hex(), rec["value"]))
    assert wrong == []
