"""Shared helpers of the analysis API's tests (test_api_*.py). Not a
conftest, so the other suites in this folder are not affected."""

import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAMS = os.path.join(HERE, "programs")
DATA = os.environ.get("HS_MELIAE_DATA") or os.path.join(
    ROOT, "tests", "data", "meliae")
DUMPS = {
    "py311": os.path.join(DATA, "meliae-py311-service.json.gz"),
    "py27": os.path.join(DATA, "meliae-py27-service.json.gz"),
}

sys.path.insert(0, os.path.join(ROOT, "tests", "oracle"))


def require_analyzer():
    """heapscope with its analyzer extension. Under scripts/test-python.sh
    (HEAPSCOPE_PYTHONPATH set) it was just built, so failing to import it
    is a failure; elsewhere the tests are skipped without it."""
    if os.environ.get("HEAPSCOPE_PYTHONPATH"):
        import heapscope._analyzer  # noqa: F401
    else:
        pytest.importorskip("heapscope._analyzer")
    import heapscope
    return heapscope


def dump_path(name):
    path = DUMPS[name]
    if not os.path.exists(path):
        pytest.skip("shared dump %s not found (set HS_MELIAE_DATA)" % path)
    return path
