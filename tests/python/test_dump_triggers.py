"""Triggers: dump_on_signal and dump_every."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402
import heapscope._fork  # noqa: E402


def test_dump_on_signal(tmp_path):
    pattern = str(tmp_path / "sig-{pid}-{n}.json")
    old = heapscope.dump_on_signal(signal.SIGUSR2, pattern)
    try:
        os.kill(os.getpid(), signal.SIGUSR2)
        deadline = time.time() + 10
        want = tmp_path / ("sig-%d-1.json" % os.getpid())
        while not want.exists() and time.time() < deadline:
            time.sleep(0.01)
        assert want.exists()
    finally:
        signal.signal(signal.SIGUSR2, old)


# The handler re-entered by a signal that arrives during the rename of the
# dump it started: os.replace sends the signal to the process, and the
# handler runs in the same thread at the next bytecode, lock held. (An
# in-process dump: a fork dump's clone renames in C.)
REENTRANT = r"""
import json, os, signal, sys
import heapscope
from heapscope import _dump
real_replace = os.replace
def replace_and_signal(src, dst):
    os.kill(os.getpid(), signal.SIGUSR2)
    real_replace(src, dst)
_dump.os.replace = replace_and_signal
heapscope.dump_on_signal(signal.SIGUSR2, sys.argv[1], fork=False)
trigger = signal.getsignal(signal.SIGUSR2).trigger
os.kill(os.getpid(), signal.SIGUSR2)
_dump.os.replace = real_replace
print(json.dumps({"count": trigger.count, "skipped": trigger.skipped,
                  "written": trigger.written}))
"""


def test_dump_on_signal_mid_dump_skips_instead_of_deadlocking(tmp_path):
    proc = subprocess.run([sys.executable, "-c", REENTRANT,
                           str(tmp_path / "re-{n}.json")],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    r = json.loads(proc.stdout)
    assert r == {"count": 1, "skipped": 1,
                 "written": [str(tmp_path / "re-1.json")]}, r
    assert "in progress; this trigger's dump is skipped" in proc.stderr
    assert sorted(os.listdir(str(tmp_path))) == ["re-1.json"]


def test_dump_on_signal_rejects_bad_pattern():
    with pytest.raises(KeyError):
        heapscope.dump_on_signal(signal.SIGUSR2, "x-{nope}.json")


def test_dump_every_keeps_newest(tmp_path):
    pattern = str(tmp_path / "every-{n}-{time}.json.gz")
    thread = heapscope.dump_every(0.05, pattern, keep=2)
    try:
        deadline = time.time() + 30
        while thread.trigger.count < 4 and time.time() < deadline:
            time.sleep(0.02)
    finally:
        thread.stop()
    assert not thread.is_alive()
    assert thread.last_error is None
    kept = sorted(os.listdir(str(tmp_path)))
    assert len(kept) == 2, kept
    assert all(k.endswith(".json.gz") for k in kept)
    assert thread.written == [str(tmp_path / k) for k in
                              sorted(kept, key=lambda k: int(k.split("-")[1]))]


def wait_until(cond, seconds=30):
    deadline = time.time() + seconds
    while not cond() and time.time() < deadline:
        time.sleep(0.02)
    return cond()


def header_of(path):
    with open(path) as f:
        return json.loads(f.readline())


@pytest.mark.parametrize("fork", [False, True])
def test_same_second_names_stay_unique(tmp_path, fork):
    """{time} repeats within a second: every dump still gets its own
    file, and rotation keeps the newest."""
    if fork and heapscope._fork.unsafe_reason():
        pytest.skip(heapscope._fork.unsafe_reason())
    pattern = str(tmp_path / "mem-{time}.json")
    thread = heapscope.dump_every(0.02, pattern, keep=3, fork=fork)
    try:
        assert wait_until(lambda: len(thread.written) >= 5
                          or thread.trigger.count >= 5)
    finally:
        thread.stop(60)
    assert thread.last_error is None
    names = thread.trigger._names
    assert len(names) == thread.trigger.count      # one name per dump
    kept = sorted(os.listdir(str(tmp_path)))
    assert len(kept) == 3, kept
    assert sorted(os.path.basename(p) for p in thread.written) == kept
    newest = thread.written[-1]
    assert os.path.exists(newest) and header_of(newest)["pid"] == os.getpid()


@pytest.mark.parametrize("fork", [False, True])
def test_fixed_name_keep_one_keeps_the_newest(tmp_path, fork):
    if fork and heapscope._fork.unsafe_reason():
        pytest.skip(heapscope._fork.unsafe_reason())
    pattern = str(tmp_path / "mem.json.gz")
    thread = heapscope.dump_every(0.02, pattern, keep=1, fork=fork)
    try:
        assert wait_until(lambda: thread.trigger.count >= 3)
    finally:
        thread.stop(60)
    assert thread.last_error is None
    kept = os.listdir(str(tmp_path))
    assert len(kept) == 1 and thread.written == [str(tmp_path / kept[0])]
    n = thread.trigger.count
    assert kept[0] == ("mem.json.gz" if n == 1 else "mem.%d.json.gz" % n)


def test_signal_trigger_forks_by_default_where_safe(tmp_path):
    why = heapscope._fork.unsafe_reason()
    pattern = str(tmp_path / "auto-{n}.json")
    old = heapscope.dump_on_signal(signal.SIGUSR2, pattern)
    try:
        trigger = signal.getsignal(signal.SIGUSR2).trigger
        os.kill(os.getpid(), signal.SIGUSR2)
        assert wait_until(lambda: trigger.written)
    finally:
        signal.signal(signal.SIGUSR2, old)
    assert (trigger.pending is None) == (why is not None)
    assert trigger.written == [str(tmp_path / "auto-1.json")]
    assert header_of(trigger.written[0])["pid"] == os.getpid()
