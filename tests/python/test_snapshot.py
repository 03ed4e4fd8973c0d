"""The snapshot from the command line (issue #8).

On every shared dump (meliae's own, Python 2.7 and 3.11), in a scratch
folder: `summary`, `summary --classic`, `records`, `records
--no-collapse`, `show` and `path` print byte for byte the same whether
the dump is parsed or its snapshot is mapped; `info` says which happened; a
touched dump or a damaged snapshot is reported on stderr, naming the reason,
and the dump is loaded afresh (with the same output). An answer from an
snapshot says so on stderr. Snapshots get the dump's permissions; one another
user could have planted or changed (another owner, group or other write
bits, a FIFO, a symlink, an untrusted cache folder) is reported, left
alone and never blocks (issue 20). The CLI is found through
HEAPSCOPE_BIN (set by ctest) or build/bin/heapscope.
"""

import os
import re
import shutil
import stat
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
    monkeypatch.delenv("HEAPSCOPE_NO_SNAPSHOT", raising=False)
    monkeypatch.delenv("HEAPSCOPE_NO_INDEX", raising=False)  # its old name
    path = tmp_path / request.param
    shutil.copy(os.path.join(DATA, request.param), path)
    return str(path)


def answered_from(snapshot, stderr):
    """Whether stderr is exactly the note that the answer came from
    snapshot."""
    return re.fullmatch(rb"heapscope [a-z]+: answered from snapshot "
                        + re.escape(snapshot.encode())
                        + rb" \(built \d{4}-\d\d-\d\d \d\d:\d\d:\d\d "
                        rb"UTC\)\n", stderr) is not None


def commands(path):
    first = run("records", "--no-snapshot", path).stdout.split(b"\n", 1)[0]
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
    fresh = outputs(cmds, "--no-snapshot")
    assert not os.path.exists(dump + ".hsidx")  # --no-snapshot writes nothing
    idx = run("snapshot", dump)
    assert idx.returncode == 0, idx.stderr
    assert os.path.exists(dump + ".hsidx")
    idx = run("snapshot", "--no-collapse", dump)
    assert idx.returncode == 0, idx.stderr
    assert os.path.exists(dump + ".nocollapse.hsidx")
    info = run("info", dump)
    assert b"snapshot            used " in info.stdout
    mapped = outputs(cmds)
    assert mapped == fresh
    for cmd in cmds:
        snapshot = dump + (".nocollapse.hsidx" if "--no-collapse" in cmd
                        else ".hsidx")
        assert answered_from(snapshot, run(*cmd).stderr), cmd


def test_touched_dump_is_stale(dump):
    assert run("snapshot", dump).returncode == 0
    before = run("summary", dump).stdout
    st = os.stat(dump)
    os.utime(dump, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    proc = run("info", dump)
    assert proc.returncode == 0
    assert b"stale: the dump's modification time changed" in proc.stderr
    assert b"snapshot            used" not in proc.stdout
    assert run("summary", dump).stdout == before
    # info did not rewrite it (small dumps get a snapshot only on request)
    assert b"stale" in run("summary", dump).stderr
    assert run("snapshot", dump).returncode == 0
    proc = run("info", dump)
    assert answered_from(dump + ".hsidx", proc.stderr)
    assert b"snapshot            used" in proc.stdout


@pytest.mark.parametrize("variable", ["HEAPSCOPE_NO_SNAPSHOT",
                                      "HEAPSCOPE_NO_INDEX"])
def test_environment_turns_snapshots_off(dump, variable):
    # HEAPSCOPE_NO_INDEX is the variable's old name (docs/cli.md): both
    # keep every command from using or writing a snapshot.
    assert run("snapshot", dump).returncode == 0
    env = dict(os.environ, **{variable: "1"})
    proc = run("info", dump, env=env)
    assert proc.returncode == 0 and proc.stderr == b""
    assert b"snapshot " not in proc.stdout
    # ...and so does the option's old spelling (the golden case
    # snapshot-no-index-alias shows it for a rejected snapshot).
    assert run("index", dump).returncode == 0  # the command's old name
    proc = run("info", "--no-index", dump)
    assert proc.stderr == b"" and b"snapshot " not in proc.stdout


@pytest.mark.parametrize("damage", ["truncate", "flip"])
def test_damaged_index_rejected(dump, damage):
    assert run("snapshot", dump).returncode == 0
    before = run("summary", "--no-snapshot", dump).stdout
    snapshot = dump + ".hsidx"
    size = os.path.getsize(snapshot)
    with open(snapshot, "r+b") as f:
        if damage == "truncate":
            f.truncate(size // 2)
        else:
            f.seek(size // 3)
            byte = f.read(1)
            f.seek(size // 3)
            f.write(bytes([byte[0] ^ 0x10]))
    proc = run("summary", dump)
    assert proc.returncode == 0
    assert proc.stdout == before
    if damage == "truncate":
        assert b"not used: truncated" in proc.stderr
        return
    # summary checks only the node arrays it reads (a lazy open): a flip
    # elsewhere leaves its answer true, and it may still use the
    # snapshot; a command that reads the rest refuses it.
    assert (b"not used: damaged" in proc.stderr
            or answered_from(snapshot, proc.stderr))
    proc = run("info", dump)
    assert proc.returncode == 0
    assert b"not used: damaged" in proc.stderr


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
        proc = run("snapshot", str(dump))
        assert proc.returncode == 0, proc.stderr
        assert str(cache / "heapscope") in proc.stdout.decode()
        assert b"used" in run("info", str(dump)).stdout
        assert os.listdir(str(folder)) == [DUMPS[0]]
    finally:
        folder.chmod(0o755)


def test_stdin_has_no_index():
    proc = run("snapshot", "-")
    assert proc.returncode == 2
    assert b"stdin cannot have a snapshot" in proc.stderr


# MARK: snapshots nobody else can plant or read (issue 20, item 3)


def test_index_has_the_dumps_permissions(dump):
    # A dump only its owner may read must not get a world-readable snapshot
    # holding all its strings.
    os.chmod(dump, 0o600)
    assert run("snapshot", dump).returncode == 0
    assert stat.S_IMODE(os.stat(dump + ".hsidx").st_mode) == 0o600
    os.chmod(dump, 0o640)
    assert run("snapshot", dump).returncode == 0
    assert stat.S_IMODE(os.stat(dump + ".hsidx").st_mode) & 0o077 == 0o040


def test_index_in_cache_is_private(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "ro"
    folder.mkdir()
    dump = folder / DUMPS[0]
    shutil.copy(os.path.join(DATA, DUMPS[0]), dump)
    os.chmod(str(dump), 0o644)
    folder.chmod(0o555)
    try:
        assert run("snapshot", str(dump)).returncode == 0
        (snapshot,) = os.listdir(str(cache / "heapscope"))
        mode = os.stat(str(cache / "heapscope" / snapshot)).st_mode
        assert stat.S_IMODE(mode) == 0o600
    finally:
        folder.chmod(0o755)


def plant(dump, how):
    """A snapshot that matches dump (same size and mtime: a copy of a real
    one) but was put there, or can be changed, by someone else."""
    assert run("snapshot", dump).returncode == 0
    snapshot = dump + ".hsidx"
    if how == "fifo":
        os.unlink(snapshot)
        os.mkfifo(snapshot)
    elif how == "symlink":
        os.rename(snapshot, dump + ".elsewhere")
        os.symlink(os.path.basename(dump) + ".elsewhere", snapshot)
    elif how == "group-writable":
        os.chmod(snapshot, 0o664)
    elif how == "other-writable":
        os.chmod(snapshot, 0o646)
    elif how == "foreign":
        if os.geteuid() != 0:
            pytest.skip("chown to another user needs root")
        os.chown(snapshot, 65534, 65534)
    return snapshot


@pytest.mark.parametrize("how", ["foreign", "group-writable",
                                 "other-writable", "fifo", "symlink"])
def test_planted_index_ignored(dump, how):
    fresh = run("summary", "--no-snapshot", dump).stdout
    snapshot = plant(dump, how)
    before = os.lstat(snapshot)
    # A FIFO must not block: the timeout fails the test instead.
    proc = subprocess.run([HEAPSCOPE, "summary", dump], capture_output=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == fresh
    err = proc.stderr.decode()
    assert "snapshot %s not used: " % snapshot in err
    assert {"foreign": "owned by another user (uid 65534)",
            "group-writable": "writable by its group",
            "other-writable": "writable by others",
            "fifo": "not a regular file",
            "symlink": "a symbolic link"}[how] in err
    assert "answered from snapshot" not in err
    # Left alone: it is not ours to replace.
    after = os.lstat(snapshot)
    assert (after.st_ino, after.st_mode, after.st_uid) == \
        (before.st_ino, before.st_mode, before.st_uid)
    # `snapshot` builds ours in the cache folder, which later commands use
    # (still naming the planted one).
    proc = run("snapshot", dump)
    assert proc.returncode == 0, proc.stderr
    (ours,) = [line.split()[1] for line in proc.stdout.decode().splitlines()
               if line.startswith("snapshot ")]
    assert ours.startswith(os.environ["XDG_CACHE_HOME"])
    proc = run("summary", dump)
    assert proc.stdout == fresh
    assert "snapshot %s not used" % snapshot in proc.stderr.decode()
    assert ("answered from snapshot %s " % ours) in proc.stderr.decode()


@pytest.mark.parametrize("how", ["group-writable", "foreign"])
def test_untrusted_cache_folder_ignored(tmp_path, monkeypatch, how):
    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    folder = tmp_path / "ro"
    folder.mkdir()
    dump = folder / DUMPS[0]
    shutil.copy(os.path.join(DATA, DUMPS[0]), dump)
    fresh = run("summary", "--no-snapshot", str(dump)).stdout
    folder.chmod(0o555)
    try:
        assert run("snapshot", str(dump)).returncode == 0
        shared = cache / "heapscope"
        if how == "foreign":
            if os.geteuid() != 0:
                pytest.skip("chown to another user needs root")
            os.chown(str(shared), 65534, 65534)
        else:
            shared.chmod(0o770)
        proc = run("summary", str(dump))
        assert proc.returncode == 0
        assert proc.stdout == fresh
        assert ("cache folder %s not used: " % shared) in proc.stderr.decode()
        assert b"answered from snapshot" not in proc.stderr
        proc = run("snapshot", str(dump))
        assert proc.returncode == 1
        assert ("cache folder %s not used: " % shared) in proc.stderr.decode()
    finally:
        folder.chmod(0o755)


SITES = os.path.join(ROOT, "tests", "data", "sites-leak")


def test_sites_round_trip(tmp_path, monkeypatch):
    """A dump with allocation sites (a process tracing with tracemalloc)
    gets a snapshot like any other, and every answer that reads the sites
    is the same from it as from a parse (issue 15)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HEAPSCOPE_NO_SNAPSHOT", raising=False)
    monkeypatch.delenv("HEAPSCOPE_NO_INDEX", raising=False)
    dumps = []
    for name in ("dump-1.json.gz", "dump-3.json.gz"):
        shutil.copy(os.path.join(SITES, name), tmp_path / name)
        dumps.append(str(tmp_path / name))
    last = dumps[-1]
    import gzip
    with gzip.open(last, "rt") as f:   # `records` writes no sites
        traced = next(line for line in f if ',"tb":' in line)
    addr = traced.split('"address": ', 1)[1].split(",", 1)[0]
    cmds = [["summary", "--by-site", last],
            ["summary", "--by-site", "--depth", "3", last],
            ["top", "--by-site", last],
            ["show", last, addr],
            ["diff", "--by-site", dumps[0], last],
            ["leaks", "--json", dumps[0], last]]
    fresh = outputs(cmds, "--no-snapshot")
    assert all(code == 0 for code, _ in fresh), fresh
    for path in dumps:
        made = run("snapshot", path)
        assert made.returncode == 0, made.stderr
        assert os.path.exists(path + ".hsidx")
    assert outputs(cmds) == fresh
    assert answered_from(last + ".hsidx",
                         run("summary", "--by-site", last).stderr)


# Dominator trees kept beside the snapshot (DUMP.hsdom): the first command
# that computes one keeps it, the next ones read it back; the answers are
# byte for byte those of a fresh computation.

def tree_commands(path):
    first = run("top", "--no-snapshot", "--csv", "--top", "1", path).stdout
    addr = first.splitlines()[1].split(b",")[1].decode()
    return [["top", path], ["top", "--by-type", path],
            ["top", "--tree", "--json", path], ["dominators", path, addr],
            ["report", path]]


def read_back(tree, stderr):
    return (b"dominator tree read from " + tree.encode() + b"\n") in stderr


def test_tree_kept_and_read_back(dump):
    cmds = tree_commands(dump)
    fresh = outputs(cmds, "--no-snapshot")
    tree = dump + ".hsdom"
    assert not os.path.exists(tree)  # --no-snapshot keeps nothing
    assert run("snapshot", dump).returncode == 0
    first = run(*cmds[0])
    assert first.returncode == 0 and not read_back(tree, first.stderr)
    assert stat.S_IMODE(os.stat(tree).st_mode) == \
        stat.S_IMODE(os.stat(dump + ".hsidx").st_mode)
    assert outputs(cmds) == fresh
    for cmd in cmds:
        assert read_back(tree, run(*cmd).stderr), cmd
    # --classic changes the graph after the snapshot: its own tree.
    proc = run("top", "--classic", dump)
    assert proc.returncode == 0 and not read_back(tree, proc.stderr)


def test_tree_of_a_stale_snapshot_unused(dump):
    assert run("snapshot", dump).returncode == 0
    assert run("top", dump).returncode == 0
    st = os.stat(dump)
    os.utime(dump, ns=(st.st_atime_ns, st.st_mtime_ns + 1))
    proc = run("top", dump)
    assert proc.returncode == 0 and b"dominator tree" not in proc.stderr
    # A new snapshot has a new id: the old tree is replaced, not used.
    assert run("snapshot", dump).returncode == 0
    proc = run("top", dump)
    assert b"dominator tree" not in proc.stderr
    assert read_back(dump + ".hsdom", run("top", dump).stderr)


def test_damaged_tree_recomputed(dump):
    assert run("snapshot", dump).returncode == 0
    fresh = run("top", "--no-snapshot", dump).stdout
    assert run("top", dump).returncode == 0
    tree = dump + ".hsdom"
    with open(tree, "r+b") as f:
        f.seek(os.path.getsize(tree) - 3)
        byte = f.read(1)
        f.seek(-1, 1)
        f.write(bytes([byte[0] ^ 0x10]))
    proc = run("top", dump)
    assert proc.returncode == 0 and proc.stdout == fresh
    assert ("%s: not used: damaged (a checksum does not match); computing "
            "the tree" % tree).encode() in proc.stderr
    proc = run("top", dump)  # kept again, whole
    assert proc.stdout == fresh and read_back(tree, proc.stderr)


@pytest.mark.parametrize("how", ["group-writable", "symlink", "fifo"])
def test_planted_tree_left_alone(dump, how):
    assert run("snapshot", dump).returncode == 0
    fresh = run("top", "--no-snapshot", dump).stdout
    assert run("top", dump).returncode == 0
    tree = dump + ".hsdom"
    if how == "group-writable":
        os.chmod(tree, 0o664)
    elif how == "symlink":
        os.rename(tree, dump + ".tree-elsewhere")
        os.symlink(os.path.basename(dump) + ".tree-elsewhere", tree)
    else:
        os.unlink(tree)
        os.mkfifo(tree)
    before = os.lstat(tree)
    proc = subprocess.run([HEAPSCOPE, "top", dump], capture_output=True,
                          timeout=60)
    assert proc.returncode == 0 and proc.stdout == fresh
    assert ("%s: not used: not trusted: " % tree).encode() in proc.stderr
    assert {"group-writable": b"writable by its group",
            "symlink": b"a symbolic link",
            "fifo": b"not a regular file"}[how] in proc.stderr
    after = os.lstat(tree)
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_leaks_keeps_and_reads_back_every_tree(tmp_path, monkeypatch):
    # Three dumps of one process: the first leaks keeps each dump's tree
    # (the last one's computed inside the leak finder), the next reads all
    # three back, and the report is the same as from the dumps.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    dumps = []
    for n in (200, 400, 600):
        path = tmp_path / ("memory-%d.json.gz" % n)
        shutil.copy(os.path.join(ROOT, "tests", "data", "log-leak",
                                 path.name), path)
        assert run("snapshot", str(path)).returncode == 0
        dumps.append(str(path))
    fresh = run("leaks", "--no-snapshot", *dumps)
    assert fresh.returncode == 0, fresh.stderr
    first = run("leaks", *dumps)
    assert first.stdout == fresh.stdout
    assert b"dominator tree read from" not in first.stderr
    second = run("leaks", *dumps)
    assert second.stdout == fresh.stdout
    for path in dumps:
        assert read_back(path + ".hsdom", second.stderr), path
