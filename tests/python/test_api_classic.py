"""The classic meliae investigation, unchanged but for its import line.

programs/classic_leak.py (a service whose log observer keeps every event
dict in a deque reachable from a module global) dumps itself twice with
heapscope's dumper; programs/meliae_classic.py, a meliae script as people
wrote them, runs on the two dumps with `from meliae import loader`
replaced by `from heapscope.meliae import loader` and nothing else. It
must print both summaries, the new dicts' count, the keys of a log event
and its owners: the deque, then the observer.
"""

import os
import re
import subprocess
import sys

import pytest

from api_util import PROGRAMS, require_analyzer

EVENT_KEYS = ["log_format", "log_level", "log_namespace", "log_text",
              "log_time", "peer"]


def run(*args):
    proc = subprocess.run([sys.executable] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    require_analyzer()
    pytest.importorskip("heapscope._dumper")
    out = tmp_path_factory.mktemp("classic")
    run(os.path.join(PROGRAMS, "classic_leak.py"), out, 300, 900)
    return out / "memory-300.json.gz", out / "memory-900.json.gz"


def ported_script(tmp_path):
    with open(os.path.join(PROGRAMS, "meliae_classic.py")) as f:
        original = f.read().splitlines(True)
    ported = [line.replace("from meliae import loader",
                           "from heapscope.meliae import loader")
              for line in original]
    changed = [i for i, (a, b) in enumerate(zip(original, ported)) if a != b]
    assert len(changed) == 1 and "import" in ported[changed[0]]
    path = tmp_path / "classic.py"
    path.write_text("".join(ported))
    return path


def test_classic_session(dumps, tmp_path):
    out = run(ported_script(tmp_path), *dumps).splitlines()
    # Two summaries (2 header lines + 20 rows each), then the findings.
    assert out[0].startswith("Total ") and out[22].startswith("Total ")
    assert out[1].split() == ["Index", "Count", "%", "Size", "%", "Cum",
                              "Max", "Kind"]
    rows = {line.split()[-1]: int(line.split()[1]) for line in out[2:22]}
    rows2 = {line.split()[-1]: int(line.split()[1]) for line in out[24:44]}
    assert 590 <= rows2["dict"] - rows["dict"] <= 610
    findings = out[44:]
    assert findings[0] == "600 new dicts"
    assert findings[1].startswith("dict(") and "12refs 1par" in findings[1]
    assert findings[2] == repr(EVENT_KEYS)
    assert findings[3].startswith("[collections.deque(")
    # 900 events; on 3.12+ deque is a heap type and also refers to its
    # class, which remove_expensive_references turns into a ref to 0.
    assert re.search(r" 90[01]refs 1par\)", findings[3]), findings[3]
    assert findings[4].startswith("[LimitedHistoryLogObserver(")
    assert "module(" in findings[5] and "'__main__'" in findings[5]


def test_same_findings_through_the_api(dumps):
    """What the script does by hand, with heapscope's bulk operations."""
    import heapscope
    early, late = heapscope.load(str(dumps[0])), heapscope.load(str(dumps[1]))
    new = late.get_all("dict").difference(early.get_all("dict"))
    assert len(new) == 600
    assert new.type_counts() == {"dict": 600}
    diff = early.diff(late)
    assert diff.rows[0].type_str == "dict"
    assert set(diff.new_objects("dict").addresses()) >= set(new.addresses())
    event = new[0]
    assert sorted(event.refs_as_dict()) == EVENT_KEYS
    assert event.refs_as_dict()["log_namespace"] == "service.protocol"
    path = late.path(event)
    assert path is not None and path.root_kind == "module"
    assert path[0].name == "__main__" and path[-1] == event
    text = str(path)
    assert ".globalLogBuffer._buffer[" in text, text
