"""`dump --pid`: a separately started process, sleeping in a system call
or busy in Python, is dumped through gdb (heapscope._inject), and through
build/bin/heapscope when its dump subcommand is built."""

import os
import shutil
import subprocess
import sys

import pytest

import dumper_util

dumper_util.require_dumper()
from heapscope import _inject  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("gdb") is None,
                                reason="gdb is not installed")


@pytest.fixture(params=["sleep", "busy"])
def target(request, tmp_path):
    log = tmp_path / "len.log"
    env = dict(os.environ, HS_TARGET_LEN_LOG=str(log))
    proc = subprocess.Popen(
        [sys.executable, os.path.join(dumper_util.PROGRAMS, "target.py"),
         request.param], stdout=subprocess.PIPE, universal_newlines=True,
        env=env)
    assert proc.stdout.readline().strip() == "ready"
    proc.len_log = log
    yield proc
    proc.kill()
    proc.wait()


def check_dump(path, pid):
    import dumpcheck
    d = dumpcheck.Dump(str(path))
    assert d.header["pid"] == pid
    assert d.duplicates == 0 and d.dangling() == []
    markers = [r for r in d.records.values() if r["type"] == "InjectMarker"]
    assert len(markers) == 1
    assert d.dict_keys(d.records[markers[0]["refs"][0]]) == {"tag"}
    lazy = [r for r in d.records.values() if r["type"] == "LazyTuple"]
    assert len(lazy) == 1 and lazy[0]["len"] == 3


def check_no_code_ran(target):
    # The target's LazyTuple.__len__ logs every call.
    assert not target.len_log.exists(), target.len_log.read_text()


def test_inject(tmp_path, target):
    out = tmp_path / "pid.json"
    try:
        _inject.inject(target.pid, str(out), timeout=60)
    except _inject.InjectError as exc:
        if "ptrace" in str(exc) or "Operation not permitted" in str(exc):
            pytest.skip("ptrace not permitted here: %s" % exc)
        raise
    check_dump(out, target.pid)
    assert target.poll() is None   # the target lives on
    # A second dump proves the first released the GIL.
    _inject.inject(target.pid, str(out), timeout=60)
    check_dump(out, target.pid)
    check_no_code_ran(target)


def test_cli(tmp_path, target):
    exe = dumper_util.HEAPSCOPE_BIN
    if not os.access(exe, os.X_OK) or subprocess.run(
            [exe, "dump", "--help"], stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL).returncode != 0:
        pytest.skip("build/bin/heapscope has no dump subcommand yet")
    out = tmp_path / "cli.json"
    proc = subprocess.run([exe, "dump", "--pid", str(target.pid), "-o",
                           str(out), "--timeout", "60"],
                          stderr=subprocess.PIPE, universal_newlines=True)
    assert proc.returncode == 0, proc.stderr
    check_dump(out, target.pid)
    check_no_code_ran(target)


def test_no_such_process(tmp_path):
    with pytest.raises(_inject.InjectError):
        _inject.inject(2 ** 22 + 12345, str(tmp_path / "x.json"), timeout=5)
