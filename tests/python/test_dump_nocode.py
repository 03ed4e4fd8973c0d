"""The walk runs no Python code and creates no objects, whatever the heap
holds: one test per kind of hostile object (tests/python/programs/
hostile_kinds.py), each dumped in its own process by quiet_walk.py, which
says what ran or grew during the walk and what the records got wrong;
then heapscope's public entry points, in this process, with a tuple
subclass whose __len__ logs (`dump --pid`: test_dump_pid.py)."""

import json
import os
import signal
import time

import pytest

import dumper_util

KINDS = [
    "tuple_len", "list_len", "dict_len", "set_len", "python_sizeof",
    "borrowed_sizeof", "eq_key_class_dict", "getattr_kinds", "repr_kinds",
    "hash_eq_kinds", "del_kinds", "iter_kinds", "descriptor_kinds",
    "metaclass_kinds", "class_override", "scalar_subclasses",
    "uname_warnings",
]


@pytest.mark.parametrize("kind", KINDS)
def test_walk_runs_no_code(kind, tmp_path):
    dumper_util.require_dumper()
    report = json.loads(dumper_util.run_program(
        "quiet_walk.py", kind, tmp_path / "d.json"))
    assert report["hits"] == [], "hostile methods ran during the walk"
    assert report["events"] == [], "Python code ran during the walk"
    assert report["audit"] == [], "audited actions during the walk"
    # The dump leaves its result tuple behind, as the control call does;
    # every hostile call would keep a new list alive (2 blocks).
    assert report["dump_gc"] == report["control_gc"]
    assert report["dump_blocks"] <= report["control_blocks"]
    assert report["records"] == []
    assert report["after"] == []


class LoggingTuple(tuple):
    """A tuple whose __len__ logs: none of heapscope's entry points may
    call it (it stands for platform.uname_result's)."""
    calls = []

    def __len__(self):
        LoggingTuple.calls.append(1)
        return tuple.__len__(self)


def wait_for(path, seconds=20):
    deadline = time.time() + seconds
    while not path.exists() and time.time() < deadline:
        time.sleep(0.01)
    return path.exists()


def test_entry_points_run_no_code(tmp_path):
    """heapscope.dump (path and stream), dump_on_signal and dump_every,
    in this process, with a logging tuple subclass on the heap."""
    dumper_util.require_dumper()
    import heapscope
    keep = LoggingTuple((1, 2, 3))
    del LoggingTuple.calls[:]
    heapscope.dump(str(tmp_path / "path.json"))
    with open(str(tmp_path / "stream.json"), "wb") as stream:
        heapscope.dump(stream)
    old = heapscope.dump_on_signal(signal.SIGUSR2, str(tmp_path / "sig.json"))
    try:
        os.kill(os.getpid(), signal.SIGUSR2)
        assert wait_for(tmp_path / "sig.json")
    finally:
        signal.signal(signal.SIGUSR2, old)
    every = heapscope.dump_every(0.05, str(tmp_path / "every-{n}.json"))
    try:
        assert wait_for(tmp_path / "every-1.json")
    finally:
        every.stop(10)
    assert LoggingTuple.calls == []
    with open(str(tmp_path / "path.json")) as f:
        recs = [json.loads(line) for line in f]
    mine = [r for r in recs if r.get("address") == id(keep)]
    assert mine and mine[0]["len"] == 3


def test_meliae_size_of_is_the_recorded_size(tmp_path):
    """heapscope.meliae.scanner.size_of gives what the dump records, and
    runs a class's Python __sizeof__ no more than the dump does."""
    dumper_util.require_dumper()
    import heapscope
    from heapscope.meliae import scanner
    calls = []

    class Sized(list):
        def __sizeof__(self):
            calls.append(1)
            return 1 << 40

    obj = Sized([1, 2, 3])
    heapscope.dump(str(tmp_path / "d.json"))
    with open(str(tmp_path / "d.json")) as f:
        rec = [r for r in map(json.loads, f) if r.get("address") == id(obj)]
    assert rec and scanner.size_of(obj) == rec[0]["size"]
    assert calls == []
