"""A dump leaves the heap as it found it: no new GC objects, no new
allocated blocks, instance sizes the same, no __dict__ materialised."""

import json

import dumper_util


def test_heap_unchanged(tmp_path):
    dumper_util.require_dumper()
    report = json.loads(dumper_util.run_program("unchanged.py",
                                                tmp_path / "u.json"))
    assert report["objects"] > 10000
    # The dump returns one tuple, as the control call does.
    assert report["dump_gc_delta"] == report["control_gc_delta"]
    # Allocated blocks: the result tuple and its ints, as the control's;
    # a materialised __dict__ per Holder would add 1000 blocks. The slack
    # of 16 absorbs the interpreter's own caches (3.12 was seen 3 blocks
    # over the control once in a loaded run), far below 1000.
    assert report["dump_blocks_delta"] <= report["control_blocks_delta"] + 16
    assert report["sizes_equal"]


def test_overhead_is_small(tmp_path):
    dumper_util.require_dumper()
    report = json.loads(dumper_util.run_program("unchanged.py",
                                                tmp_path / "u.json"))
    stats = report["stats"]
    # Fixed buffers (~0.3 MiB) plus a few bytes per object.
    assert stats["peak_mem"] < 400 * 1024 + 16 * stats["objects"]
