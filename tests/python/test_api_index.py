"""heapscope.load() through the snapshot (snapshot=True, the default):
the first load of a big dump writes DUMP.hsidx, the second maps it, and
both give the same answers as a plain parse (snapshot=False). Every test
keeps XDG_CACHE_HOME in its temporary folder, and none may leave an
snapshot beside the shared dumps."""

import io
import os
import stat

import pytest

import api_util

heapscope = api_util.require_analyzer()

# hs_graph_open writes a snapshot only for dumps of 16 MiB of text or more.
INDEX_MIN_BYTES = 16 << 20


def write_big_dump(path):
    """A dump just over the snapshot threshold: a module holding a list of
    dicts, each with a str key and a str value, plus their strs."""
    n = 60000
    base = 1 << 20
    lines = ['{"address": 1, "type": "module", "size": 72, "name": '
             '"__main__", "refs": [2]}',
             '{"address": 2, "type": "list", "size": %d, "len": %d, '
             '"refs": [%s]}' % (8 * n, n, ", ".join(
                 str(base + 3 * i) for i in range(n)))]
    for i in range(n):
        d, k, v = base + 3 * i, base + 3 * i + 1, base + 3 * i + 2
        lines.append('{"address": %d, "type": "dict", "size": 232, "len": 1, '
                     '"refs": [%d, %d]}' % (d, k, v))
        lines.append('{"address": %d, "type": "str", "size": 60, "len": 11, '
                     '"value": "key-%07d", "refs": []}' % (k, i))
        lines.append('{"address": %d, "type": "str", "size": 90, "len": 40, '
                     '"value": "%s", "refs": []}' % (v, ("v%07d" % i) * 5))
    text = "\n".join(lines) + "\n"
    assert len(text) > INDEX_MIN_BYTES
    with open(path, "w") as f:
        f.write(text)


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("HEAPSCOPE_NO_SNAPSHOT", raising=False)
    monkeypatch.delenv("HEAPSCOPE_NO_INDEX", raising=False)  # its old name
    return folder


@pytest.fixture
def big(tmp_path, cache):
    path = tmp_path / "big.json"
    write_big_dump(str(path))
    return path


def answers(om):
    """What a script would look at, as plain data."""
    dicts = om.get_all("dict")
    first = dicts[0]
    return {
        "len": len(om),
        "summary": str(om.summarize()),
        "dicts": list(dicts.addresses()[:50]),
        "refs": first.refs_as_dict(),
        "parents": [p.address for p in first.p],
        "path": om.path(first).expression,
        "retained": om.retained_size(om[2]),
        "objects": om.load_stats["objects"],
        "dialect": om.dialect,
    }


def test_second_load_is_served_from_the_index(big):
    first = heapscope.load(str(big))
    report = first.snapshot_report
    assert report["written"] and not report["used"], report
    assert report["path"] == str(big) + ".hsidx"
    assert os.path.getsize(report["path"]) == report["bytes"] > 0
    second = heapscope.load(str(big))
    again = second.snapshot_report
    assert again["used"] and not again["written"], again
    assert again["path"] == report["path"]
    parsed = heapscope.load(str(big), snapshot=False)
    assert parsed.snapshot_report is None
    want = answers(parsed)
    assert answers(second) == want
    assert answers(first) == want
    assert want["refs"] == {"key-0000000": "v0000000" * 5}


def test_passes_on_a_mapped_graph_match_a_parse(big):
    heapscope.load(str(big))
    mapped = heapscope.load(str(big))
    assert mapped.snapshot_report["used"]
    parsed = heapscope.load(str(big), snapshot=False)
    for om in (mapped, parsed):
        om.remove_expensive_references()
    assert str(mapped.summarize()) == str(parsed.summarize())
    assert mapped.retained_size(mapped[2]) == parsed.retained_size(parsed[2])
    assert [p.address for p in mapped[2].p] == [p.address for p in
                                                 parsed[2].p]


def test_index_false_and_environment_parse(big, monkeypatch):
    om = heapscope.load(str(big), snapshot=False)
    assert om.snapshot_report is None
    assert not os.path.exists(str(big) + ".hsidx")
    monkeypatch.setenv("HEAPSCOPE_NO_SNAPSHOT", "1")
    om = heapscope.load(str(big))
    assert om.snapshot_report is None
    assert not os.path.exists(str(big) + ".hsidx")
    # An explicit snapshot=True wins over the environment.
    om = heapscope.load(str(big), snapshot=True)
    assert om.snapshot_report["written"]


def test_old_names_still_work(big, monkeypatch):
    # Before the snapshot was called so: index=, keep_index=, index_report
    # and HEAPSCOPE_NO_INDEX (docs/python.md keeps them).
    om = heapscope.load(str(big), index=False, keep_index=False)
    assert om.index_report is None and om.snapshot_report is None
    assert not os.path.exists(str(big) + ".hsidx")
    monkeypatch.setenv("HEAPSCOPE_NO_INDEX", "1")
    assert heapscope.load(str(big)).index_report is None
    assert not os.path.exists(str(big) + ".hsidx")
    om = heapscope.load(str(big), index=True)
    assert om.index_report is om.snapshot_report
    assert om.index_report["written"]


def test_read_only_folder_uses_the_cache(tmp_path, cache):
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "big.json"
    write_big_dump(str(path))
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    try:
        report = heapscope.load(str(path)).snapshot_report
        assert report["written"], report
        assert report["path"].startswith(str(cache)), report
        assert heapscope.load(str(path)).snapshot_report["used"]
        assert os.listdir(str(folder)) == ["big.json"]
    finally:
        folder.chmod(0o755)


def test_file_objects_never_get_an_index(big, cache):
    with open(str(big), "rb") as f:
        om = heapscope.load(f)
    assert om.snapshot_report is None
    om = heapscope.load(io.BytesIO(b'{"address": 1, "type": "int", '
                                   b'"size": 28, "value": 3, "refs": []}\n'))
    assert om.snapshot_report is None and len(om) == 1
    assert not os.path.exists(str(big) + ".hsidx")
    assert not cache.exists() or not list(cache.rglob("*.hsidx"))


def test_small_and_shared_dumps_get_no_index(cache):
    path = api_util.dump_path("py311")
    before = sorted(os.listdir(os.path.dirname(path)))
    om = heapscope.load(path)
    report = om.snapshot_report
    assert not report["used"] and not report["written"], report
    assert sorted(os.listdir(os.path.dirname(path))) == before
    assert not cache.exists() or not list(cache.rglob("*.hsidx"))


# The dominator tree kept beside the snapshot (DUMP.hsdom), as the CLI
# keeps it: the first question computes and keeps it, a later session
# reads it back (the file is not written again), and the answers are a
# parse's.

def retainers(om):
    return [(r.obj.address, r.retained_size, r.retained_count)
            for r in om.top(5)]


def test_tree_kept_and_read_back(big):
    tree = str(big) + ".hsdom"
    want = retainers(heapscope.load(str(big), snapshot=False))
    assert not os.path.exists(tree)
    assert retainers(heapscope.load(str(big))) == want  # writes both
    kept = os.stat(tree)
    assert stat.S_IMODE(kept.st_mode) == \
        stat.S_IMODE(os.stat(str(big) + ".hsidx").st_mode)
    again = heapscope.load(str(big))
    assert again.snapshot_report["used"]
    assert retainers(again) == want
    after = os.stat(tree)
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino,
                                                 kept.st_mtime_ns)


def test_tree_not_kept_after_a_pass(big):
    tree = str(big) + ".hsdom"
    parsed = heapscope.load(str(big), snapshot=False)
    parsed.remove_expensive_references()
    om = heapscope.load(str(big))
    om.remove_expensive_references()  # the edges are no longer the snapshot's
    assert retainers(om) == retainers(parsed)
    assert not os.path.exists(tree)


def test_damaged_or_planted_tree(big):
    tree = str(big) + ".hsdom"
    want = retainers(heapscope.load(str(big), snapshot=False))
    heapscope.load(str(big)).top(1)
    with open(tree, "r+b") as f:
        f.seek(-3, 2)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0x10]))
    with pytest.warns(RuntimeWarning, match="not used: damaged"):
        assert retainers(heapscope.load(str(big))) == want
    assert retainers(heapscope.load(str(big))) == want  # kept again, whole
    os.chmod(tree, 0o666)
    before = os.stat(tree)
    with pytest.warns(RuntimeWarning, match="not used: not trusted"):
        assert retainers(heapscope.load(str(big))) == want
    after = os.stat(tree)
    assert (after.st_ino, after.st_mode, after.st_mtime_ns) == \
        (before.st_ino, before.st_mode, before.st_mtime_ns)


def test_tree_still_kept_after_compute_parents(big):
    tree = str(big) + ".hsdom"
    heapscope.load(str(big)).top(1)
    kept = os.stat(tree)
    om = heapscope.load(str(big))
    om.compute_parents()  # the edges stay: the kept tree is still theirs
    om.top(1)
    after = os.stat(tree)
    assert (after.st_ino, after.st_mtime_ns) == (kept.st_ino,
                                                 kept.st_mtime_ns)
