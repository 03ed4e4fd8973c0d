"""The classic manual leak hunt, reproduced with heapscope's commands.

tests/programs/log_buffer_leak.py is a service whose log observer keeps
every event dict in a collections.deque. Given two of its dumps, a person
with meliae would: compare the type counts (dicts grow), list the new
dicts, look at one (its keys say it is a log event), and ask what holds it
(a module global, through the observer, to the deque). Each step is one
command here, and each finding is asserted.

The stored dumps (tests/data/log-leak/) were written by heapscope's dumper
from that program; when the dumper is built (scripts/build-python.sh), the
program is also run afresh and the same findings asserted on its dumps.
"""

import glob
import hashlib
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
STORED = os.path.join(ROOT, "tests", "data", "log-leak")
PROGRAM = os.path.join(ROOT, "tests", "programs", "log_buffer_leak.py")
EVENT_KEYS = ["log_text", "log_namespace", "log_level", "log_time",
              "log_failure", "isError"]


def heapscope(*args, check=True):
    proc = subprocess.run([HEAPSCOPE] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def heapscope_json(command, *args):
    return json.loads(heapscope(command, "--json", *args).stdout)


def investigate(early, late, events):
    # 1. diff: dict is the type that grew most, by about one per event.
    diff = heapscope_json("diff", early, late)
    top = diff["types"][0]
    assert top["type"] == "dict"
    assert events - 5 <= top["count_delta"] <= events + 5
    assert top["new_objects"] >= events - 5

    # 2. diff --type dict --new: the new dicts, each held by one deque.
    new = heapscope_json("diff", "--type", "dict", "--new", "--limit", "0",
                         early, late)
    assert new["new_objects_matching"] == top["new_objects"]
    parents = {tuple(o["parents"]) for o in new["new_objects"]}
    event_dicts = [o for o in new["new_objects"] if len(o["parents"]) == 1]
    assert len(event_dicts) >= events - 5
    deques = {o["parents"][0] for o in event_dicts}
    assert len(deques) == 1, parents
    (deque,) = deques

    # 3. show: a new dict's keys are those of a log event.
    sample = event_dicts[0]["address"]
    shown = heapscope_json("show", late, sample)
    assert [p["key"] for p in shown["refs_as_dict"]] == EVENT_KEYS
    values = {p["key"]: p["value"] for p in shown["refs_as_dict"]}
    assert values["isError"] is False and values["log_failure"] is None
    assert values["log_text"].startswith("request ")
    assert shown["parents"][0]["address"] == deque
    assert shown["parents"][0]["type"] == "collections.deque"

    # 4. path: from a module, through the observer, to the deque.
    path = heapscope_json("path", late, sample)
    steps = path["paths"][0]["steps"]
    assert [s["type"] for s in steps] == ["module", "LogObserver",
                                          "collections.deque", "dict"]
    assert [s["label"] for s in steps[:3]] == [None, ".observer", ".history"]
    assert steps[2]["address"] == deque
    assert path["paths"][0]["expression"].startswith(
        "__main__.observer.history[")

    # The text outputs say the same to a person.
    text = heapscope("diff", "--top", "1", early, late).stdout
    assert text.splitlines()[-1].endswith("  dict")
    text = heapscope("path", late, sample).stdout
    assert "__main__.observer.history[" in text.splitlines()[1]


def test_stored_dumps():
    investigate(os.path.join(STORED, "memory-200.json.gz"),
                os.path.join(STORED, "memory-600.json.gz"), 400)


def test_growth_ranks_dict_first():
    dumps = sorted(glob.glob(os.path.join(STORED, "memory-*.json.gz")),
                   key=lambda p: int(p.rsplit("-", 1)[1].split(".")[0]))
    growth = heapscope_json("growth", *dumps)
    assert growth["time_source"] == "file name"
    assert [d["time"] for d in growth["dumps"]] == [200, 400, 600]
    top = growth["types"][0]
    assert top["type"] == "dict" and top["steady"]
    assert top["counts"][0] < top["counts"][1] < top["counts"][2]


def _dumper_path():
    # The folder scripts/build-python.sh builds for this interpreter.
    exe = os.fsencode(os.path.realpath(sys.executable))
    name = "%s-%s" % (sys.implementation.cache_tag,
                      hashlib.sha256(exe).hexdigest()[:8])
    path = os.path.join(os.environ.get("HS_PYTHON_BUILD_DIR")
                        or os.path.join(ROOT, "build", "python"), name)
    return path if os.path.isdir(os.path.join(path, "heapscope")) else None


@pytest.mark.skipif(_dumper_path() is None,
                    reason="heapscope's dumper is not built for this Python "
                           "(scripts/build-python.sh)")
def test_fresh_dumps(tmp_path):
    env = dict(os.environ, PYTHONPATH=_dumper_path())
    subprocess.run([sys.executable, "-S", PROGRAM, str(tmp_path), "100",
                    "350"], check=True, env=env, timeout=120)
    investigate(tmp_path / "memory-100.json.gz",
                tmp_path / "memory-350.json.gz", 250)
