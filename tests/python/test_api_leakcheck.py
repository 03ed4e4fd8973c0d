"""heapscope.leak_check, the engine of the pytest plugin (issue 17): its
verdicts, its misuse errors, and a heap of 100 K objects (what a round
costs there is bench/leak_check.py's to measure). The plugin itself runs in test_pip_install.py,
from a real install."""
import os

import pytest

import api_util

heapscope = api_util.require_analyzer()

_kept = []


class Item(object):
    pass


def leak():
    _kept.extend(Item() for _ in range(30))


def test_leak_found_and_clean_code_passes():
    with pytest.raises(heapscope.LeakError) as caught:
        with heapscope.leak_check(rounds=3, warmup=1) as check:
            for _ in check:
                leak()
    assert check.leaking is True
    assert "grows at every dump" in caught.value.report
    assert "test_api_leakcheck._kept" in str(caught.value)
    with heapscope.leak_check(rounds=3, warmup=0) as check:
        for _ in check:
            scratch = [object() for _ in range(1000)]
            del scratch
    assert check.leaking is False and "Leak report" in check.report


class Slotted(object):
    # 3.11's tracemalloc finds no trace of instances with inline
    # attributes; slotted ones it traces on every version.
    __slots__ = ("n",)


def test_allocation_site_when_tracemalloc_traces():
    import tracemalloc
    tracemalloc.start(3)
    try:
        with pytest.raises(heapscope.LeakError) as caught:
            with heapscope.leak_check(rounds=2, warmup=1) as check:
                for _ in check:
                    _kept.extend(Slotted() for _ in range(30))
    finally:
        tracemalloc.stop()
    site = caught.value.report.split("was allocated at (tracemalloc, most "
                                     "recent call last):\n", 1)[1]
    assert 'test_api_leakcheck.py", line' in site
    assert "Slotted() for _ in range(30)" in site


def test_ignore_and_min_growth():
    with heapscope.leak_check(rounds=2, warmup=1, ignore=["list"]) as check:
        for _ in check:
            leak()
    assert check.leaking is False
    with heapscope.leak_check(rounds=2, warmup=1, min_growth=1000) as check:
        for _ in check:
            leak()
    assert check.leaking is False


def test_misuse_is_an_error():
    with pytest.raises(ValueError):
        heapscope.leak_check(rounds=1)
    with pytest.raises(ValueError):
        heapscope.leak_check(warmup=-1)
    with pytest.raises(RuntimeError, match="iterate over the check"):
        with heapscope.leak_check():
            pass
    with pytest.raises(RuntimeError, match="stopped before its last round"):
        with heapscope.leak_check(rounds=2) as check:
            for i in check:
                if i == 1:
                    break


def test_every_temporary_dump_is_removed(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    with pytest.raises(heapscope.LeakError):
        with heapscope.leak_check(rounds=2, warmup=0) as check:
            for _ in check:
                leak()
    assert os.listdir(str(tmp_path)) == []


def test_rounds_on_100k_objects():
    """A check over a heap of 100 K objects that does not grow passes, and
    its report counts them all. What a round costs is measured by
    bench/leak_check.py (bench/README.md), not timed here."""
    heap = [{"n": i} for i in range(50000)]    # 100 K objects: dicts, ints
    check = heapscope.leak_check(rounds=5, warmup=0)
    with check:
        for _ in check:
            pass
    objects = int(check.report.split(": ", 2)[2].split()[0])
    assert objects >= 100000, check.report
    assert check.leaking is False, check.report
    del heap
