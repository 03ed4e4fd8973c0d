"""Shared helpers of the dumper's tests (not a conftest, so other test
suites in this folder are not affected)."""

import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = os.path.join(HERE, "programs")
HEAPSCOPE_BIN = (os.environ.get("HEAPSCOPE_BIN")
                 or os.path.join(ROOT, "build", "bin", "heapscope"))


def require_dumper():
    return pytest.importorskip("heapscope._dumper")


def run_program(name, *args, timeout=120):
    """Runs tests/python/programs/NAME with this interpreter; returns
    stdout. A crash fails the test instead of killing pytest."""
    proc = subprocess.run([sys.executable, os.path.join(PROGRAMS, name)]
                          + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)
    assert proc.returncode == 0, "%s exited %d:\n%s" % (
        name, proc.returncode, proc.stderr[-3000:])
    return proc.stdout


def heapscope_bin():
    """build/bin/heapscope (or HEAPSCOPE_BIN); skips when it is not built."""
    if not os.access(HEAPSCOPE_BIN, os.X_OK):
        pytest.skip("build/bin/heapscope is not built")
    return HEAPSCOPE_BIN


def analyzer_check(path):
    """Loads a dump with the analyzer CLI when it has been built."""
    if not os.access(HEAPSCOPE_BIN, os.X_OK):
        return None
    out = {}
    for cmd in ("info", "summary"):
        proc = subprocess.run([HEAPSCOPE_BIN, cmd, str(path)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=120)
        assert proc.returncode == 0, "heapscope %s: %s" % (cmd, proc.stderr)
        out[cmd] = proc.stdout
    return out
