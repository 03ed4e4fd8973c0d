"""The walk runs no Python code and creates no objects, whatever the heap
holds: one test per kind of hostile object (tests/python/programs/
hostile_kinds.py), each dumped in its own process by quiet_walk.py, which
says what ran or grew during the walk and what the records got wrong."""

import json

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
