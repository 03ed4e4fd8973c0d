"""Triggers: dump_on_signal and dump_every."""

import os
import signal
import time

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402


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
