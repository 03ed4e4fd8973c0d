"""Memory triggers (dump_on_threshold, dump_on_memory_error) and
triggers in forked workers (os.register_at_fork: a pre-fork server and
multiprocessing)."""

import json
import os
import subprocess
import sys

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402
from heapscope import _watch  # noqa: E402


def run(code, *args, timeout=120, ok=True):
    proc = subprocess.run([sys.executable, "-c", code] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)
    if ok:
        assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def complete(path, pid):
    with open(str(path)) as f:
        header = json.loads(f.readline())
        last = None
        for last in f:
            pass
    assert header["pid"] == pid
    assert last is not None and last.endswith("}\n")
    json.loads(last)


def test_parse_size():
    assert _watch.parse_size("2GiB") == 2 << 30
    assert _watch.parse_size("512M") == 512 << 20
    assert _watch.parse_size("1.5GB") == 1500000000
    assert _watch.parse_size(4096) == 4096
    for bad in ("2 parsecs", "", "-1M", 0, "0"):
        with pytest.raises(ValueError):
            _watch.parse_size(bad)


def test_levels_step_and_rearm():
    readings = iter([10, 100, 120, 150, 260, 270, 50, 110])
    levels = _watch._RssLevels(100, 100, read=lambda: next(readings))
    assert [levels.due() for _ in range(8)] == [
        False, True, False, False, True, False, False, True]
    readings = iter([100, 300, 90, 100])
    once = _watch._RssLevels(100, None, read=lambda: next(readings))
    assert [once.due() for _ in range(4)] == [True, False, False, True]


THRESHOLD = r"""
import json, os, sys, time
import heapscope
from heapscope import _watch
base = _watch.rss()
t = heapscope.dump_on_threshold(base + (40 << 20), sys.argv[1], every="40MiB",
                                interval=0.02)
def wait(n):
    deadline = time.time() + 60
    while len(t.written) < n and time.time() < deadline:
        time.sleep(0.02)
time.sleep(0.2)
quiet = len(t.written)
hog = [bytearray(b"x" * (50 << 20))]    # past the threshold
wait(1)
hog.append(bytearray(b"x" * (45 << 20)))   # past the next step
wait(2)
t.stop(60)
print(json.dumps({"quiet": quiet, "written": t.written,
                  "error": repr(t.last_error), "pid": os.getpid()}))
"""


def test_dump_on_threshold_and_each_step(tmp_path):
    out = json.loads(run(THRESHOLD, tmp_path / "rss-{n}.json").stdout)
    assert out["quiet"] == 0, "dumped below the threshold"
    assert out["error"] == "None"
    assert out["written"] == [str(tmp_path / "rss-1.json"),
                              str(tmp_path / "rss-2.json")]
    for path in out["written"]:
        complete(path, out["pid"])


MEMORY_ERROR = r"""
import os, resource, sys
import heapscope
trigger = heapscope.dump_on_memory_error(sys.argv[1], reserve="24MiB")
ballast = [{"i": i} for i in range(100000)]
if sys.argv[2] == "caught":
    try:
        bytearray(1 << 60)
    except MemoryError:
        pass
    print(len(trigger.written))
    sys.exit(0)
with open("/proc/self/statm") as f:
    vm = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
resource.setrlimit(resource.RLIMIT_AS, (vm + (48 << 20), resource.RLIM_INFINITY))
hog = []
while True:                  # until the address space runs out
    hog.append(bytearray(1 << 20))
"""


def test_uncaught_memory_error_dumps_within_the_reserve(tmp_path):
    """The address space is capped just above what the process uses, so
    the dump has only the reserve it gave back to work with."""
    path = tmp_path / "oom.json"
    proc = run(MEMORY_ERROR, path, "uncaught", ok=False)
    assert proc.returncode == 1 and "MemoryError" in proc.stderr
    assert path.exists(), proc.stderr[-2000:]
    with open(str(path)) as f:
        pid = json.loads(f.readline())["pid"]
    complete(path, pid)
    assert [n for n in os.listdir(str(tmp_path)) if ".tmp-" in n] == []


def test_caught_memory_error(tmp_path):
    """3.12+ sees every MemoryError raised (sys.monitoring); before, only
    uncaught ones reach a hook."""
    path = tmp_path / "caught.json"
    proc = run(MEMORY_ERROR, path, "caught")
    seen = sys.version_info >= (3, 12)
    assert proc.stdout.split() == ["1" if seen else "0"]
    assert path.exists() == seen


@pytest.mark.parametrize("how", ["os", "multiprocessing"])
def test_triggers_work_in_forked_workers(tmp_path, how):
    out = json.loads(dumper_util.run_program("prefork.py", how, tmp_path))
    parent, workers = out["parent"], out["workers"]
    assert len(set(workers)) == 2 and parent not in workers
    names = sorted(os.listdir(str(tmp_path)))
    for pid in workers:
        every = [n for n in names if n.startswith("every-%d-" % pid)]
        assert len(every) == 2, names          # its own, rotated: keep=2
        sig = "signal.pid%d.json" % pid        # no {pid}: the worker's own
        assert sig in names, names
        complete(tmp_path / sig, pid)
        for n in every:
            complete(tmp_path / n, pid)
    assert any(n.startswith("every-%d-" % parent) for n in names)
    assert "signal.json" not in names         # the parent got no signal
    assert [n for n in names if ".tmp-" in n] == []
