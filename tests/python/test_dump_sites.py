"""Allocation sites: with tracemalloc tracing, each traced object's record
names the traceback tracemalloc keeps for it (docs/format.md §7), read
without running code or creating objects (programs/sites.py)."""

import json
import subprocess
import sys

import pytest

import dumper_util


def sites_report(tmp_path, *args):
    dumper_util.require_dumper()
    return json.loads(dumper_util.run_program("sites.py", tmp_path / "s.json",
                                              *args))


def managed_dict_miss(c):
    # CPython 3.11's get_object_traceback() looks for the block at the GC
    # header, but instances with a managed dict start 16 bytes earlier,
    # at their pre-header: it answers None where the dump has the site.
    return (sys.version_info[:2] == (3, 11) and c["want"] is None
            and c["type"] == "Plain")


def test_tracebacks_equal_tracemalloc(tmp_path):
    report = sites_report(tmp_path)
    assert report["stats"]["sites_unavailable"] is None
    assert report["stats"]["traced"] > 20
    traced = 0
    for c in report["compared"]:
        assert c["got"] != "absent", c
        if not managed_dict_miss(c):
            # None too: an object from a free list (lists, dicts, tuples
            # are recycled) was never allocated anew, so never traced.
            assert c["got"] == c["want"], c
        if c["got"] is not None:
            # The line that made it is in its traceback.
            assert [report["file"], c["line"]] in c["got"], c
            traced += 1
    assert traced >= len(report["compared"]) // 2


def test_one_frame(tmp_path):
    """tracemalloc's default depth: one frame, the allocating line."""
    report = sites_report(tmp_path, 1)
    for c in report["compared"]:
        if not managed_dict_miss(c):
            assert c["got"] == c["want"], c
        assert c["got"] is None or len(c["got"]) == 1


def test_walk_quiet_with_sites(tmp_path):
    report = sites_report(tmp_path)
    assert report["events"] == [], "Python code ran during the walk"
    # The dump's result tuple and its two ints at most.
    assert report["gc_delta"] <= 1
    assert report["blocks_delta"] <= report["control_blocks_delta"] + 8


def test_no_tracing_no_sites(tmp_path):
    """Without tracing the dump is what it always was."""
    dumper_util.require_dumper()
    path = tmp_path / "plain.json"
    code = ("import heapscope, sys; heapscope.dump(sys.argv[1]); "
            "from heapscope import _dumper; s = _dumper.last_stats(); "
            "print(s['traced'], s['tracebacks'], s['sites_unavailable'])")
    out = subprocess.run([sys.executable, "-c", code, str(path)],
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout.split()
    assert out == ["0", "0", "None"]
    text = path.read_text()
    assert ',"tb":' not in text and '{"heapscope_frame"' not in text


def test_meliae_dump_has_no_sites(tmp_path):
    """header=False is the dump for meliae's loader: tracing or not, no
    table lines and no "tb" (meliae rejects them), and the reason said."""
    dumper_util.require_dumper()
    path = tmp_path / "meliae.json"
    code = ("import tracemalloc; tracemalloc.start(3); "
            "import heapscope, sys; keep = [object() for _ in range(50)]; "
            "heapscope.dump(sys.argv[1], header=False); "
            "from heapscope import _dumper; s = _dumper.last_stats(); "
            "print(s['traced'], s['sites_unavailable'])")
    out = subprocess.run([sys.executable, "-c", code, str(path)],
                         stdout=subprocess.PIPE, universal_newlines=True,
                         check=True).stdout
    assert out.startswith("0 header=False"), out
    text = path.read_text()
    assert ',"tb":' not in text and '{"heapscope_frame"' not in text
    assert '"heapscope_dump"' not in text


def test_sites_load_in_analyzer(tmp_path):
    report = sites_report(tmp_path)
    assert report["stats"]["tracebacks"] > 0
    checked = dumper_util.analyzer_check(tmp_path / "s.json")
    if checked is None:
        pytest.skip("analyzer CLI not built")
