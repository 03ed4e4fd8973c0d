"""heapscope.dump()'s interface: paths, streams, gzip, header, errors,
atomic output."""

import gzip
import io
import json
import os

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402
from heapscope import _dumper  # noqa: E402


def lines(path):
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(str(path), "rt") as f:
        return f.read().splitlines()


def test_returns_objects_and_bytes(tmp_path):
    path = tmp_path / "d.json"
    result = heapscope.dump(str(path))
    assert result.objects > 1000
    assert result.bytes == os.path.getsize(str(path))
    recs = lines(path)
    assert len(recs) == result.objects + 1
    header = json.loads(recs[0])
    assert header["heapscope_dump"] == 1 and header["pid"] == os.getpid()
    json.loads(recs[-1])


def test_pathlike_and_no_header(tmp_path):
    path = tmp_path / "d.json"
    result = heapscope.dump(path, header=False)
    recs = lines(path)
    assert len(recs) == result.objects
    assert "address" in json.loads(recs[0])


def test_gzip_by_name_and_by_option(tmp_path):
    a = tmp_path / "a.json.gz"
    b = tmp_path / "b.json"
    c = tmp_path / "c.json.gz"
    heapscope.dump(str(a))
    heapscope.dump(str(b), compress="gzip")
    heapscope.dump(str(c), compress="none")
    for p in (a, b):
        with open(str(p), "rb") as f:
            assert f.read(2) == b"\x1f\x8b"
    with open(str(c), "rb") as f:
        assert f.read(1) == b"{"
    with gzip.open(str(b), "rt") as f:
        json.loads(f.readline())


def test_streams(tmp_path):
    buf = io.BytesIO()
    result = heapscope.dump(buf)
    assert len(buf.getvalue()) == result.bytes
    text = io.StringIO()
    heapscope.dump(text)
    assert text.getvalue().startswith('{"heapscope_dump": 1')
    zbuf = io.BytesIO()
    with gzip.GzipFile(fileobj=zbuf, mode="wb") as gz:
        heapscope.dump(gz)   # plain JSON into the caller's gzip stream
    assert gzip.decompress(zbuf.getvalue()).startswith(b'{"heapscope_dump"')
    with open(str(tmp_path / "f.json"), "wb") as f:
        heapscope.dump(f, compress="gzip")
    with gzip.open(str(tmp_path / "f.json"), "rt") as f:
        json.loads(f.readline())


def test_bad_arguments():
    with pytest.raises(ValueError):
        heapscope.dump("x.json", compress="bz2")
    with pytest.raises(TypeError):
        heapscope.dump(42)


def test_error_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        heapscope.dump(str(tmp_path / "missing-dir" / "d.json"))
    target = tmp_path / "is-a-dir"
    target.mkdir()
    with pytest.raises(OSError):
        heapscope.dump(str(target))
    assert sorted(os.listdir(str(tmp_path))) == ["is-a-dir"]


def test_write_error_is_reported():
    fd = os.open("/dev/full", os.O_WRONLY)
    try:
        with pytest.raises(OSError) as info:
            _dumper.dump_fd(fd, False, True)
        assert "No space" in str(info.value)
    finally:
        os.close(fd)


def test_every_line_parses_and_links(tmp_path):
    path = tmp_path / "d.json"
    heapscope.dump(str(path), header=False)
    recs = [json.loads(line) for line in lines(path)]
    addrs = {r["address"] for r in recs}
    assert len(addrs) == len(recs)
    assert all(ref in addrs for r in recs for ref in r["refs"])


def test_sizeof_matches_getsizeof():
    import sys
    class K:
        pass
    samples = [1, 2 ** 200, "abc", "\u20ac" * 9, b"xy", [1, 2], (1,), {1: 2},
               {"a": 1}, {1, 2}, frozenset(), 1.5, K(), K, int, sys,
               bytearray(10), len, None, True]
    for obj in samples:
        assert _dumper.sizeof(obj) == sys.getsizeof(obj), repr(obj)
