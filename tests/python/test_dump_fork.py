"""Fork snapshots: heapscope.dump(path, fork=True) (hs_fork.c, _fork.py).

The clone must write a faithful dump of a busy multi-threaded heap, run
no Python code, stay invisible to the application's SIGCHLD handler and
os.wait(), and report its errors (and its death) through wait()."""

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
from heapscope import _fork  # noqa: E402

pytestmark = pytest.mark.skipif(_fork.unsafe_reason() is not None,
                                reason="fork dumps unsafe here: %s"
                                % _fork.unsafe_reason())


def records(path):
    with open(str(path)) as f:
        header = json.loads(f.readline())
        return header, [json.loads(line) for line in f]


def test_handle_returns_path_and_the_dump_is_this_process(tmp_path):
    path = tmp_path / "f.json"
    keep = ["fork-marker-%d" % os.getpid()]
    handle = heapscope.dump(str(path), fork=True)
    assert isinstance(handle, _fork.ForkDump) and handle.pid != os.getpid()
    assert handle.wait(60) == str(path) and handle.done()
    assert handle.error is None and handle.result.objects > 1000
    header, recs = records(path)
    assert header["pid"] == os.getpid()
    assert len(recs) == handle.result.objects
    assert any(r.get("value") == keep[0] for r in recs)
    assert os.listdir(str(tmp_path)) == ["f.json"]


def test_busy_threads_faithful_dump_and_no_disturbance(tmp_path):
    path = tmp_path / "busy.json"
    report = json.loads(dumper_util.run_program("fork_busy.py", path))
    assert report["path"] == str(path)
    assert report["clone_ran"] == [], "Python code ran in the clone"
    assert report["sigchld"] == 0, "the application got a SIGCHLD"
    assert report["wait_any"] == "no child", "os.waitpid(-1) saw the clone"
    assert report["peer_eof"], "a socket closed by the parent stayed open"
    header, recs = records(path)
    assert header["pid"] == report["pid"]
    assert len(recs) == report["objects"]
    # Faithful: every ref names a record, every record once.
    addresses = [r["address"] for r in recs]
    assert len(set(addresses)) == len(addresses)
    known = set(addresses)
    dangling = [ref for r in recs for ref in r.get("refs", ())
                if ref not in known]
    assert dangling == []
    info = dumper_util.analyzer_check(path)
    if info is not None:
        fields = dict(line.split(None, 1) for line in
                      info["info"].splitlines() if line.strip())
        assert fields["dangling_refs"].strip() == "0"
        assert fields["duplicates"].strip() == "0"


def test_write_error_is_raised_by_wait():
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    handle = heapscope.dump("/dev/full", fork=True)
    with pytest.raises(OSError) as err:
        handle.wait(60)
    assert err.value.errno == 28   # ENOSPC


def test_killed_clone_is_reported_and_leaves_no_file(tmp_path):
    ballast = [{"i": i} for i in range(300000)]
    path = tmp_path / "killed.json"
    handle = heapscope.dump(str(path), fork=True)
    os.kill(handle.pid, signal.SIGKILL)
    with pytest.raises(RuntimeError) as err:
        handle.wait(60)
    assert "killed by SIGKILL" in str(err.value)
    assert str(path) in str(err.value)
    assert os.listdir(str(tmp_path)) == []
    del ballast


def test_failure_before_the_clone_leaves_nothing(tmp_path):
    with pytest.raises(OSError):
        heapscope.dump(str(tmp_path / "no" / "such" / "dir.json"), fork=True)
    with pytest.raises(TypeError):
        heapscope.dump(sys.stderr, fork=True)


def test_application_children_stay_its_own(tmp_path):
    """The application's own wait() gets its child, never the clone."""
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; time.sleep(0.3)"])
    handle = heapscope.dump(str(tmp_path / "a.json"), fork=True)
    pid, status = os.wait()
    assert pid == child.pid
    child.returncode = status
    assert handle.wait(60) == str(tmp_path / "a.json")


UNSAFE = r"""
import sys, tracemalloc, heapscope
tracemalloc.start()
try:
    heapscope.dump(sys.argv[1], fork=True)
except ValueError as exc:
    print(exc)
"""


def test_refused_while_tracemalloc_traces(tmp_path):
    proc = subprocess.run([sys.executable, "-c", UNSAFE,
                           str(tmp_path / "never.json")], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "tracemalloc is tracing" in proc.stdout
    assert os.listdir(str(tmp_path)) == []
