"""The CLI's output files against a hostile or unusual folder (issue 20).

`report -o`, `growth --svg` and `dot -o` write a temporary file beside the
output and rename it into place. Another user who plants symlinks under
the temporary names must not make them write anywhere else; an output
that exists and is not a regular file (a device, a FIFO, a
/proc/self/fd link) is written, not replaced; `-o -` is standard output.
The CLI is found through HEAPSCOPE_BIN (set by ctest) or
build/bin/heapscope; the dumps are tests/data/log-leak.
"""

import os
import stat
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))
LEAK = os.path.join(ROOT, "tests", "data", "log-leak")
DUMPS = [os.path.join(LEAK, "memory-%d.json.gz" % n) for n in (200, 400, 600)]
# An object of memory-200.json.gz (a module) to draw the neighbourhood of.
ADDR = "139862182970928"
VICTIM_TEXT = b"a file the writer must never touch\n"


def env():
    return dict(os.environ, HEAPSCOPE_NO_SNAPSHOT="1")


def run(*args, cwd=None):
    return subprocess.run([HEAPSCOPE] + list(args), capture_output=True,
                          timeout=120, env=env(), cwd=cwd)


def commands(out):
    """(arguments writing out, arguments writing the same to stdout)."""
    ext = os.path.splitext(out)[1]
    if ext == ".html":
        return ["report"] + DUMPS + ["-o", out], ["report"] + DUMPS
    if ext in (".svg", ".dot"):
        if "growth" in os.path.basename(out):
            return (["growth", "--svg", out] + DUMPS, None)
        return ["dot", DUMPS[0], ADDR, "-o", out], None
    raise AssertionError(out)


def run_with_pid(args, cwd, plant):
    """Runs heapscope with args, calling plant(pid) with the process id it
    will have before it starts (sh waits for a line, then execs it)."""
    proc = subprocess.Popen(["sh", "-c", 'read x; exec "$0" "$@"', HEAPSCOPE]
                            + args, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env(), cwd=cwd)
    plant(proc.pid)
    out, err = proc.communicate(b"go\n", timeout=120)
    return proc.returncode, out, err


# The temporary names the writers used before issue 20: predictable.
OLD_TEMPS = {
    "out.html": ["out.html.tmp-{pid}"],
    "growth.svg": ["growth.svg.tmp-{pid}"],
    "out.dot": ["out.dot.tmp-{pid}"],
    "out.svg": ["out.svg.tmp-{pid}.in.dot", "out.svg.tmp-{pid}.svg"],
}


@pytest.mark.parametrize("name", sorted(OLD_TEMPS))
def test_planted_temporary_symlinks_not_followed(tmp_path, name):
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    out = tmp_path / name
    args, _ = commands(str(out))
    planted = []

    def plant(pid):
        for pattern in OLD_TEMPS[name]:
            link = tmp_path / pattern.format(pid=pid)
            os.symlink(str(victim), str(link))
            planted.append(link)

    rc, _, err = run_with_pid(args, str(tmp_path), plant)
    assert rc == 0, err
    assert victim.read_bytes() == VICTIM_TEXT
    assert stat.S_ISREG(os.lstat(str(out)).st_mode)
    assert out.stat().st_size > 100
    for link in planted:
        assert os.path.islink(str(link))
    # Nothing of ours is left behind: only the output, victim and links.
    assert sorted(os.listdir(str(tmp_path))) == sorted(
        [name, "victim"] + [p.name for p in planted])


def test_dash_is_stdout(tmp_path):
    want = run("report", *DUMPS, "-o", str(tmp_path / "r.html"))
    assert want.returncode == 0, want.stderr
    got = run("report", *DUMPS, "-o", "-", cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert got.stdout == (tmp_path / "r.html").read_bytes()
    dot = run("dot", DUMPS[0], ADDR, "-o", "-", cwd=str(tmp_path))
    assert dot.returncode == 0, dot.stderr
    assert dot.stdout == run("dot", DUMPS[0], ADDR).stdout
    assert dot.stdout.startswith(b"digraph")
    assert sorted(os.listdir(str(tmp_path))) == ["r.html"]


def test_fd_link_written_not_replaced(tmp_path):
    want = run("report", *DUMPS).stdout
    got = run("report", *DUMPS, "-o", "/proc/self/fd/1", cwd=str(tmp_path))
    assert got.returncode == 0, got.stderr
    assert got.stdout == want
    assert os.listdir(str(tmp_path)) == []


def read_fifo(path, out):
    return subprocess.Popen(["sh", "-c", 'cat "$0" > "$1"', path, out])


@pytest.mark.parametrize("name", ["out.html", "growth.svg", "graph.svg"])
def test_fifo_written_not_replaced(tmp_path, name):
    fifo = tmp_path / name
    os.mkfifo(str(fifo))
    got = tmp_path / "got"
    reader = read_fifo(str(fifo), str(got))
    try:
        args, _ = commands(str(fifo))
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr
        reader.wait(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert stat.S_ISFIFO(os.lstat(str(fifo)).st_mode)
    plain = tmp_path / ("plain-" + name)
    args, _ = commands(str(plain))
    assert run(*args).returncode == 0
    assert got.read_bytes() == plain.read_bytes()


def device(tmp_path, name, minor):
    """A character device node like /dev/null (minor 3) or /dev/full (7),
    made in the test's own folder: the real /dev is never touched."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = tmp_path / name
    try:
        os.mknod(str(path), stat.S_IFCHR | 0o666, os.makedev(1, minor))
    except PermissionError as exc:
        pytest.skip("cannot make a device node here: %s" % exc)
    try:
        with open(str(path), "wb") as f:
            f.write(b"")
    except PermissionError as exc:  # a nodev mount
        pytest.skip("device nodes do not work here: %s" % exc)
    return path


def test_null_device_written_not_replaced(tmp_path):
    null = device(tmp_path, "null", 3)
    for args in (["report"] + DUMPS + ["-o", str(null)],
                 ["growth", "--svg", str(null)] + DUMPS):
        proc = run(*args)
        assert proc.returncode == 0, proc.stderr
        assert stat.S_ISCHR(os.lstat(str(null)).st_mode)
    assert sorted(os.listdir(str(tmp_path))) == ["null"]


def test_full_device_fails_cleanly(tmp_path):
    full = device(tmp_path, "full", 7)
    proc = run("report", *DUMPS, "-o", str(full))
    assert proc.returncode == 1
    assert proc.stderr.decode() == (
        "heapscope report: error: %s: cannot write: No space left on "
        "device\n" % full)
    assert stat.S_ISCHR(os.lstat(str(full)).st_mode)
    assert sorted(os.listdir(str(tmp_path))) == ["full"]

