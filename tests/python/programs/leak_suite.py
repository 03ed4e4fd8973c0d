"""A test suite for heapscope's pytest plugin (test_pip_install.py runs it
with the plugin an install enabled): `test_leaking_*` leak and must fail
naming the leak, `test_clean_*` must pass though they allocate on first
use, fill caches to capacity and turn them over. Not named test_*.py:
pytest runs it only when given it."""

import functools

import pytest

import heapscope


class Handler(object):
    def __init__(self, n):
        self.n = n


_handlers = []          # the leak: handlers registered, never removed
_settings = {}          # filled on first use only (warm-up)
_recent = []            # a bounded history, at capacity after warm-up


def register_handlers():
    for i in range(20):
        _handlers.append(Handler(i))


@functools.lru_cache(maxsize=64)
def lookup(n):
    return {"n": n, "text": "item %d" % n}


def work():
    if not _settings:
        _settings.update({i: "setting-%d" % i for i in range(300)})
    for i in range(500):
        lookup(i % 200)               # a full cache turning over
    _recent.append([Handler(i) for i in range(10)])
    del _recent[:-3]                  # keeps the last 3 rounds
    garbage = [Handler(i) for i in range(100)]
    garbage.append(garbage)           # a cycle: garbage, not growth
    del garbage


@pytest.mark.heapscope_no_leaks(rounds=3, warmup=2)
def test_leaking_marked():
    register_handlers()


@pytest.mark.heapscope_no_leaks(rounds=3, warmup=2)
def test_clean_marked():
    work()


@pytest.mark.heapscope_no_leaks(rounds=3, ignore=["list"])
def test_clean_ignored():
    register_handlers()               # its owner's type is ignored


def test_clean_fixture(heapscope_leaks):
    for _ in heapscope_leaks:
        work()


def test_leaking_fixture(heapscope_leaks):
    for _ in heapscope_leaks:
        register_handlers()


def test_clean_context_manager():
    with heapscope.leak_check(rounds=3) as check:
        for _ in check:
            work()
    assert check.leaking is False


def test_clean_context_manager_catches():
    with pytest.raises(heapscope.LeakError) as caught:
        with heapscope.leak_check(rounds=3, warmup=1) as check:
            for _ in check:
                register_handlers()
    assert "_handlers" in str(caught.value)
    assert check.leaking is True


def test_unmarked_leaking():
    register_handlers()               # checked under --heapscope-no-leaks
