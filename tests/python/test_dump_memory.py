"""Memory the objects do not explain: the header's memory members
(hs_memfacts.c, docs/format.md §6) and what `heapscope info` and
`heapscope leaks` make of them, for a leak in Python objects and for one
in native memory (ctypes malloc, mmap)."""

import json
import os
import subprocess
import sys

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402
import heapscope._fork  # noqa: E402


def header(path):
    with open(str(path)) as f:
        return json.loads(f.readline())


heapscope_bin = dumper_util.heapscope_bin


def cli(*args):
    proc = subprocess.run([heapscope_bin()] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_header_members_taken_before_the_walk(tmp_path):
    path = tmp_path / "h.json"
    heapscope.dump(str(path))
    h = header(path)
    with open("/proc/self/statm") as f:
        rss = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    assert 0 < h["rss"] <= 2 * rss
    assert h["allocated_blocks"] > 1000
    assert h["pymalloc_arenas"] >= 1
    assert h["pymalloc_arena_bytes"] >= h["pymalloc_block_bytes"] > 0
    info = json.loads(cli("info", "--json", path))
    assert info["rss_bytes"] == h["rss"]
    assert 0 < info["rss_explained"] < 100
    assert info["object_bytes"] > 0
    # summary states the same share, in its JSON and under its table.
    summary = json.loads(cli("summary", "--json", path))
    assert summary["memory"] == {
        "rss_bytes": h["rss"], "object_bytes": info["object_bytes"],
        "rss_explained": round(info["rss_explained"], 1)}
    last = cli("summary", path).splitlines()[-1]
    assert last.startswith("Python objects: ")
    assert last.endswith("(%.1f %%)" % info["rss_explained"])


def test_fork_dump_states_the_process_memory(tmp_path):
    if heapscope._fork.unsafe_reason():
        pytest.skip(heapscope._fork.unsafe_reason())
    ballast = bytearray(40 << 20)
    path = tmp_path / "f.json"
    heapscope.dump(str(path), fork=True).wait(60)
    assert header(path)["rss"] > 40 << 20    # the process's, not the clone's
    del ballast


def test_no_header_no_members(tmp_path):
    path = tmp_path / "n.json"
    heapscope.dump(str(path), header=False)
    assert "rss_bytes" not in json.loads(cli("info", "--json", path))
    assert "memory" not in json.loads(cli("summary", "--json", path))
    assert "Python objects" not in cli("summary", path)


def test_small_growth_gets_no_verdict(tmp_path):
    # 4 MB of native memory over two intervals: under 8 MiB, the resident
    # set's noise (arenas, caches) could do as much; no place is named.
    paths = dumper_util.run_program("memory_growth.py", "small",
                                    tmp_path).split()
    memory = json.loads(cli("leaks", "--json", *paths))["memory"]
    assert 0 < memory["rss_growth"] < 8 << 20, memory
    assert memory["growth_in"] == "too_small", memory
    line = [l for l in cli("leaks", *paths).splitlines()
            if l.startswith("Memory from")]
    assert "too little growth to say where" in line[0]
    assert "C extensions" not in line[0]


@pytest.mark.parametrize("kind,verdict", [
    ("python", "python_objects"), ("native", "outside_python_objects")])
def test_leaks_says_where_the_growth_is(tmp_path, kind, verdict):
    paths = dumper_util.run_program("memory_growth.py", kind,
                                    tmp_path).split()
    report = json.loads(cli("leaks", "--json", *paths))
    memory = report["memory"]
    assert memory["growth_in"] == verdict, memory
    assert memory["rss_growth"] > 100 << 20
    text = cli("leaks", *paths)
    line = [l for l in text.splitlines() if l.startswith("Memory from")]
    assert len(line) == 1, text
    if kind == "native":
        assert "outside Python objects; look at C extensions" in line[0]
        assert memory["object_growth"] < 10 << 20
    else:
        assert line[0].endswith("the growth is in Python objects")
    # SQL has each dump's resident set beside its objects' size.
    rows = json.loads(cli("query", "--json", *paths,
                          "SELECT dump, rss FROM dumps ORDER BY dump"))
    assert [r["rss"] for r in rows] == [json.loads(cli("info", "--json", p))["rss_bytes"]
                   for p in paths]
    # The report says the same, and what share of the last dump's
    # resident set its objects are.
    page = tmp_path / "report.html"
    cli("report", "-o", page, *paths)
    html = page.read_text()
    memory_note = html[html.index('<p class="note memory">'):]
    memory_note = memory_note[:memory_note.index("</p>")]
    assert "Memory of the last dump: resident set " in memory_note
    assert " % of it)." in memory_note
    if kind == "native":
        assert "the growth is outside Python objects; look at C extensions" \
            in memory_note
    else:
        assert memory_note.endswith("the growth is in Python objects.")
