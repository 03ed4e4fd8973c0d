"""The dumper on a failing disk: ENOSPC at the Nth write or at close, and
short writes, injected by tests/fault/hs_fault.c (LD_PRELOAD). Every
failure raises OSError(ENOSPC) and leaves nothing under the final name nor
a temporary beside it; short writes give a whole dump."""

import errno
import os
import shutil
import subprocess
import sys

import pytest

import dumper_util
import dumpcheck

dumper_util.require_dumper()

SHIM_SRC = os.path.join(dumper_util.ROOT, "tests", "fault", "hs_fault.c")

PROGRAM = r"""
import errno, json, sys
import heapscope
try:
    r = heapscope.dump(sys.argv[1], compress=sys.argv[2])
    print(json.dumps({"ok": r.objects}))
except OSError as e:
    print(json.dumps({"errno": e.errno, "message": str(e)}))
"""


@pytest.fixture(scope="module")
def shim(tmp_path_factory):
    cc = shutil.which("cc") or shutil.which("gcc")
    if not cc:
        pytest.skip("no C compiler for the fault shim")
    out = str(tmp_path_factory.mktemp("shim") / "hs_fault.so")
    subprocess.run([cc, "-shared", "-fPIC", "-O2", "-o", out, SHIM_SRC,
                    "-ldl"], check=True)
    return out


def dump_with(shim, path, compress, **faults):
    env = dict(os.environ, LD_PRELOAD=shim)
    env.update({"HS_FAULT_" + k.upper(): str(v) for k, v in faults.items()})
    p = subprocess.run([sys.executable, "-c", PROGRAM, str(path), compress],
                       env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       universal_newlines=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    import json
    return json.loads(p.stdout)


@pytest.mark.parametrize("compress", ["none", "gzip"])
@pytest.mark.parametrize("fault", [{"write_enospc": 1}, {"write_enospc": 3},
                                   {"close_enospc": 1}])
def test_full_disk_leaves_nothing(tmp_path, shim, compress, fault):
    path = tmp_path / "d.json"
    r = dump_with(shim, path, compress, **fault)
    assert r.get("errno") == errno.ENOSPC, r
    assert os.listdir(str(tmp_path)) == []


@pytest.mark.parametrize("compress", ["none", "gzip"])
def test_short_writes_give_a_whole_dump(tmp_path, shim, compress):
    path = tmp_path / ("d.json.gz" if compress == "gzip" else "d.json")
    r = dump_with(shim, path, compress, write_short=1000)
    assert r.get("ok", 0) > 1000, r
    d = dumpcheck.Dump(str(path))
    assert len(d.records) == r["ok"] and d.dangling() == []
    assert os.listdir(str(tmp_path)) == [path.name]
