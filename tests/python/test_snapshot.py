"""The snapshot index from the command line (issue #8).

On every shared dump (meliae's own, Python 2.7 and 3.11), in a scratch
folder: `summary`, `summary --classic`, `records`, `records
--no-collapse`, `show` and `path` print byte for byte the same whether
the dump is parsed or its index is mapped; `info` says which happened; a
touched dump or a damaged index is reported on stderr, naming the reason,
and the dump is loaded afresh (with the same output). The CLI is found
through HEAPSCOPE_BIN (set by ctest) or build/bin/heapscope.
"""

import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
DATA = os.environ.get("HS_MELIAE_DATA",
                      os.path.join(ROOT, "tests", "data", "meliae"))
DUMPS = ["meliae-py311-service.json.gz", "meliae-py27-service.json.gz"]


def run(*args, env=None):
    proc = subprocess.run([HEAPSCOPE] + list(args), capture_output=True,
                          timeout=120, env=env)
    return proc


@pytest.fixture(params=DUMPS)
def dump(request, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HEAPSCOPE_NO_INDEX", raising=False)
    path = tmp_path / request.param
    shutil.copy(os.path.join(DATA, request.param), path)
    return str(path)


def commands(path):
    first = run("records", "--no-index", path).stdout.split(b"\n", 1)[0]
    addr = first.split(b'"address": ', 1)[1].split(b",", 1)[0].decode()
    return [
        ["summary", path],
        ["summary", "--classic", path],
        ["summary", "--by-count", path],
        ["records", path],
        ["records", "--no-collapse", path],
        ["show", path, addr],
        ["path", path, addr],
    ]


def outputs(cmds, *extra):
    out = []
    for cmd in cmds:
        proc = run(cmd[0], *extra, *cmd[1:])
        out.append((proc.returncode, proc.stdout))
    return out


def test_round_trip_outputs_identical(dump):
    cmds = commands(dump)
    fresh = outputs(cmds, "--no-index")
    assert not os.path.exists(dump + ".hsidx")  # --no-index writes nothing
    idx = run("index", dump)
    assert idx.returncode == 0, idx.stderr
    assert os.path.exists(dump + ".hsidx")
    idx = run("index", "--no-collapse", dump)
    assert idx.returncode == 0, idx.stderr
    assert os.path.exists(dump + ".nocollapse.hsidx")
    info = run("info", dump)
    assert b"index               used " in info.stdout
    mapped = outputs(cmds)
    assert mapped == fresh
    for cmd in cmds:
        assert run(*cmd).stderr == b""


def test_touched_dump_is_stale(dump):
    assert run("index", dump).returncode == 0
    before = run("summary", dump).stdout
    st = os.stat(dump)
    os.utime(dump, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    proc = run("info", dump)
    assert proc.returncode == 0
    assert b"stale: the dump's modification time changed" in proc.stderr
    assert b"index               used" not in proc.stdout
    assert run("summary", dump).stdout == before
    # info did not rewrite it (small dumps get an index only on request)
    assert b"stale" in run("summary", dump).stderr
    assert run("index", dump).returncode == 0
    proc = run("info", dump)
    assert proc.stderr == b"" and b"index               used" in proc.stdout


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_index_rejected(dump, damage):
    assert run("index", dump).returncode == 0
    before = run("summary", "--no-index", dump).stdout
    index = dump + ".hsidx"
    size = os.path.getsize(index)
    with open(index, "r+b") as f:
        if damage == "truncate":
            f.truncate(size // 2)
        else:
            f.seek(size // 3)
            byte = f.read(1)
            f.seek(size // 3)
            f.write(bytes([byte[0] ^ 0x10]))
    proc = run("summary", dump)
    assert proc.returncode == 0
    want = b"truncated" if damage == "truncate" else b"damaged"
    assert b"not used: " + want in proc.stderr
    assert proc.stdout == before


def test_read_only_folder_uses_cache(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "ro"
    folder.mkdir()
    dump = folder / DUMPS[0]
    shutil.copy(os.path.join(DATA, DUMPS[0]), dump)
    folder.chmod(0o555)
    try:
        # (root could write there, but heapscope leaves such folders alone)
        proc = run("index", str(dump))
        assert proc.returncode == 0, proc.stderr
        assert str(cache / "heapscope") in proc.stdout.decode()
        assert b"used" in run("info", str(dump)).stdout
        assert os.listdir(str(folder)) == [DUMPS[0]]
    finally:
        folder.chmod(0o755)


def test_stdin_has_no_index():
    proc = run("index", "-")
    assert proc.returncode == 2
    assert b"stdin cannot have an index" in proc.stderr
