"""Deep chains: a 1 M-long linked list (10 M with HEAPSCOPE_SLOW=1) is
walked without recursion, every node written exactly once."""

import os

import pytest

import dumper_util


@pytest.mark.parametrize("n", [1000000] + (
    [10000000] if os.environ.get("HEAPSCOPE_SLOW") else []))
def test_long_linked_list(tmp_path, n):
    dumper_util.require_dumper()
    out = dumper_util.run_program("chain.py", tmp_path / "chain.json", n,
                                  timeout=1200)
    nodes, dicts, objects, _elapsed = out.split()
    assert int(nodes) == n // 2
    assert int(dicts) == n - n // 2
    assert int(objects) > n
