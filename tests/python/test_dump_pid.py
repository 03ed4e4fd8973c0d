"""`dump --pid`: a separately started process, waiting in a system call or
busy in Python, is dumped through gdb (heapscope._inject), and through
build/bin/heapscope. Then what an attacker or bad luck would try: a target
that is no Python, is stopped, belongs to another user who planted a
binary and modules; a Ctrl-C, a SIGTERM or a short --timeout during the
dump; a dump that fails with an OUT already there; a planted symbolic
link where the target's messages are read. The target must survive each
and answer afterwards.

Targets are reused within a module (gdb's attach costs a second) and each
wait is bounded."""

import os
import select
import shutil
import signal
import subprocess
import sys
import time

import pytest

import dumper_util

dumper_util.require_dumper()
from heapscope import _inject  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("gdb") is None,
                                reason="gdb is not installed")

TARGET = os.path.join(dumper_util.PROGRAMS, "target.py")
BIG = 400000   # extra objects x3: a dump of about a second

# The cases with a big target (signals, timeout, a death during the dump)
# take seconds each: they run on Debian's python3 and on the oldest and
# newest CPython (scripts/test-python.sh runs every one), or on all with
# HEAPSCOPE_SLOW=1.
slow_gdb = pytest.mark.skipif(
    not (os.environ.get("HEAPSCOPE_SLOW")
         or os.path.realpath(sys.executable).startswith("/usr/bin/")
         or sys.version_info[:2] in ((3, 8), (3, 13))),
    reason="slow gdb case: runs on /usr/bin/python3, 3.8 and 3.13 "
           "(HEAPSCOPE_SLOW=1 for all)")


class Target:
    """tests/python/programs/target.py, running; ask() talks to it."""

    def __init__(self, mode, *args, python=None, user=None, cwd=None):
        cmd = [python or sys.executable, TARGET, mode] + [str(a)
                                                          for a in args]
        if user is not None:
            cmd = ["runuser", "-u", user, "--"] + cmd
        self.proc = subprocess.Popen(
            cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=cwd,
            universal_newlines=True, bufsize=1)
        assert self.readline(120) == "ready"
        # runuser forks: the Python process is its child.
        self.pid = self.proc.pid if user is None else int(subprocess.check_output(
            ["pgrep", "-P", str(self.proc.pid)]).split()[0])

    def readline(self, timeout):
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        return self.proc.stdout.readline().strip() if ready else None

    def ask(self, word, timeout=20):
        self.proc.stdin.write(word + "\n")
        self.proc.stdin.flush()
        return self.readline(timeout)

    def answers(self):
        """Alive, running and answering (not crashed, not stopped)."""
        return self.proc.poll() is None and self.ask("ping") == "pong"

    def close(self):
        try:
            os.kill(self.pid, signal.SIGCONT)
            self.proc.stdin.close()
            self.proc.wait(10)
        except (OSError, subprocess.TimeoutExpired, ValueError):
            self.proc.kill()
            self.proc.wait()


@pytest.fixture(scope="module", params=["sleep", "busy"])
def target(request):
    t = Target(request.param)
    yield t
    t.close()


@pytest.fixture(scope="module")
def big():
    # Only made for the slow cases that use it.
    t = Target("sleep", BIG)
    yield t
    t.close()


heapscope_bin = dumper_util.heapscope_bin


def cli(*args, timeout=120, **kw):
    return subprocess.run([heapscope_bin(), "dump"] + [str(a) for a in args],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout, **kw)


def check_dump(path, pid):
    import dumpcheck
    d = dumpcheck.Dump(str(path))
    assert d.header["pid"] == pid
    assert d.duplicates == 0 and d.dangling() == []
    markers = [r for r in d.records.values() if r["type"] == "InjectMarker"]
    assert len(markers) == 1
    assert d.dict_keys(d.records[markers[0]["refs"][0]]) == {"tag"}
    lazy = [r for r in d.records.values() if r["type"] == "LazyTuple"]
    assert len(lazy) == 1 and lazy[0]["len"] == 3


def complete_dump(path, pid):
    """A big dump written whole: its header names pid, its last line is a
    full record, and its count of lines is the big target's at least."""
    with open(path) as f:
        first = f.readline()
        n = 1 + sum(1 for _ in f)
    assert '"pid": %d' % pid in first.replace('"pid":%d' % pid,
                                              '"pid": %d' % pid)
    assert n > 3 * BIG
    with open(path, "rb") as f:
        f.seek(-2, os.SEEK_END)
        assert f.read() == b"}\n"


def leftovers(folder):
    return [n for n in os.listdir(str(folder))
            if ".tmp-" in n or n.startswith(".heapscope-dump-")]


def wait_for(predicate, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def fake_dumper(tmp_path):
    """A build folder whose dumper fails: for a failed dump and for what
    a failed injection leaves behind."""
    pkg = tmp_path / "fake" / "heapscope"
    pkg.mkdir(parents=True)
    for name in ("__init__.py", "_dump.py"):
        (pkg / name).write_text(
            "def dump(*args, **kwargs):\n"
            "    raise RuntimeError('planted failure')\n")
    return str(tmp_path / "fake")


def test_inject(tmp_path, target):
    out = tmp_path / "pid.json"
    _inject.inject(target.pid, str(out), timeout=60)
    check_dump(out, target.pid)
    assert target.answers()
    # A second dump proves the first released the GIL.
    _inject.inject(target.pid, str(out), timeout=60)
    check_dump(out, target.pid)
    assert target.answers()
    # Nothing of heapscope stays in the target, and no code of its ran.
    assert target.ask("modules") == "modules"
    assert target.ask("lencalls") == "lencalls 0"
    assert leftovers(tmp_path) == []


def test_cli(tmp_path, target):
    out = tmp_path / "cli.json"
    proc = cli("--pid", target.pid, "-o", out, "--timeout", 60)
    assert proc.returncode == 0, proc.stderr
    check_dump(out, target.pid)
    assert target.answers()
    assert target.ask("lencalls") == "lencalls 0"


@pytest.mark.parametrize("how", ["--fork", "--no-fork"])
def test_cli_fork_or_not(tmp_path, target, how):
    """--fork: a clone of the target writes OUT (the default where safe);
    the message says which process wrote it."""
    out = tmp_path / "f.json"
    proc = cli("--pid", target.pid, "-o", out, how, "--timeout", 60)
    assert proc.returncode == 0, proc.stderr
    written_by = ("a clone of process %d" if how == "--fork"
                  else "process %d") % target.pid
    assert proc.stdout.rstrip().endswith("written by " + written_by)
    check_dump(out, target.pid)
    assert target.answers()
    assert target.ask("lencalls") == "lencalls 0"
    assert target.ask("modules") == "modules"
    assert leftovers(tmp_path) == []


def test_cli_relative_out_from_any_cwd(tmp_path, target):
    proc = cli("--pid", target.pid, "-o", "rel.json", cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    check_dump(tmp_path / "rel.json", target.pid)


def test_no_such_process(tmp_path):
    with pytest.raises(_inject.InjectError, match="no process"):
        _inject.inject(2 ** 22 + 12345, str(tmp_path / "x.json"), timeout=5)


def test_not_python(tmp_path):
    # `sleep` is no Python: refused from /proc, never run with Python
    # flags, never attached.
    sleeper = subprocess.Popen(["sleep", "300"])
    try:
        proc = cli("--pid", sleeper.pid, "-o", tmp_path / "s.json",
                   timeout=30)
        assert proc.returncode == 1
        assert "is not a Python process" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
        assert sleeper.poll() is None
        with open("/proc/%d/stat" % sleeper.pid) as f:
            assert f.read().rsplit(")", 1)[1].split()[0] == "S"
    finally:
        sleeper.kill()
        sleeper.wait()
    assert os.listdir(str(tmp_path)) == []


def test_stopped_target(tmp_path, target):
    os.kill(target.pid, signal.SIGSTOP)
    try:
        proc = cli("--pid", target.pid, "-o", tmp_path / "x.json",
                   "--timeout", 10, timeout=60)
    finally:
        os.kill(target.pid, signal.SIGCONT)
    assert proc.returncode == 1
    assert "is stopped" in proc.stderr and "kill -CONT %d" % target.pid \
        in proc.stderr, proc.stderr
    assert target.answers()
    assert os.listdir(str(tmp_path)) == []


def test_timeout_must_be_finite(tmp_path, target):
    for bad in ("inf", "nan", "0", "-1", "soon"):
        proc = cli("--pid", target.pid, "-o", tmp_path / "x.json",
                   "--timeout", bad)
        assert proc.returncode == 2, (bad, proc.stderr)
        assert "--timeout" in proc.stderr and "'%s'" % bad in proc.stderr
        assert "Traceback" not in proc.stderr
    with pytest.raises(_inject.InjectError, match="--timeout"):
        _inject.inject(target.pid, str(tmp_path / "x.json"),
                       timeout=float("inf"))


def test_failed_dump_keeps_out_and_leaves_nothing(tmp_path, target):
    # A failed dump neither deletes nor truncates an existing OUT, says
    # why, and leaves no module behind that would break the next dump.
    out = tmp_path / "keep.json"
    out.write_text("precious\n")
    with pytest.raises(_inject.InjectError, match="planted failure"):
        _inject.inject(target.pid, str(out), timeout=60,
                       pythonpath=fake_dumper(tmp_path))
    assert out.read_text() == "precious\n"
    assert target.ask("modules") == "modules"
    _inject.inject(target.pid, str(out), timeout=60)
    check_dump(out, target.pid)
    assert target.answers()
    assert leftovers(tmp_path) == []


def test_out_folder_missing(tmp_path, target):
    # Said before anything is done (test_dump_pid_user.py has a target
    # that cannot write OUT's folder).
    out = tmp_path / "afile" / "x.json"
    (tmp_path / "afile").write_text("")
    with pytest.raises(_inject.InjectError, match="no folder"):
        _inject.inject(target.pid, str(out), timeout=30)
    assert target.answers()


def test_planted_error_symlink(tmp_path):
    # A hostile target keeps planting links to a secret where the error
    # file used to be read (OUT.error) and in the result folder: the
    # secret is never read, the real error still comes through.
    secret = tmp_path / "secret"
    secret.write_text("hs-secret-7d1e\n")
    secret.chmod(0o600)
    t = Target("sleep", 0, tmp_path, secret)
    try:
        with pytest.raises(_inject.InjectError) as info:
            _inject.inject(t.pid, str(tmp_path / "out.json"), timeout=30,
                           pythonpath=fake_dumper(tmp_path))
        assert "hs-secret" not in str(info.value)
        assert "planted failure" in str(info.value)
        assert secret.read_text() == "hs-secret-7d1e\n"
        assert t.answers()
    finally:
        t.close()


def signal_during_dump(tmp_path, big, signo, when):
    """Runs the CLI in a session of its own (like a terminal's foreground
    job), sends signo to that whole group at `when`, and checks that the
    target survives and OUT ends up complete or untouched."""
    out = tmp_path / "big.json"
    proc = subprocess.Popen(
        [heapscope_bin(), "dump", "--pid", str(big.pid), "-o", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, start_new_session=True)
    try:
        when(out)
        os.killpg(proc.pid, signo)
        _, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "Traceback" not in err
    assert big.answers()
    if proc.returncode == 0:
        # The dump was complete before the signal could count: fine, and
        # said so on stdout, not as an interruption.
        complete_dump(out, big.pid)
        return
    assert proc.returncode == 1, err
    assert "interrupted by %s" % signal.Signals(signo).name in err, err
    if "will appear at %s" % out in err:
        assert wait_for(out.exists, 60)
        complete_dump(out, big.pid)
    else:
        assert "cancelled" in err and "%s is unchanged" % out in err, err
        assert not out.exists()
    assert wait_for(lambda: leftovers(tmp_path) == [], 30), \
        leftovers(tmp_path)
    assert big.answers()


@slow_gdb
def test_sigint_while_target_writes(tmp_path, big):
    def writing(out):
        assert wait_for(lambda: any(".tmp-" in n for n in os.listdir(
            str(out.parent))), 60), "the dump never started"
    signal_during_dump(tmp_path, big, signal.SIGINT, writing)


def gdb_attached_to(pid):
    for entry in os.listdir("/proc"):
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if argv[0].endswith(b"gdb") and str(pid).encode() in argv:
            return True
    return False


@slow_gdb
def test_sigterm_while_gdb_attaches(tmp_path, big):
    signal_during_dump(tmp_path, big, signal.SIGTERM, lambda out: wait_for(
        lambda: gdb_attached_to(big.pid), 60))


@slow_gdb
def test_target_killed_during_dump(tmp_path):
    # SIGTERM to the target while it writes: its partial OUT.tmp-<random>
    # is removed, the death is reported, an existing OUT is kept.
    t = Target("sleep", BIG)
    out = tmp_path / "dies.json"
    out.write_text("precious\n")
    try:
        proc = subprocess.Popen(
            [heapscope_bin(), "dump", "--pid", str(t.pid), "-o", str(out)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True)
        assert wait_for(lambda: any(".tmp-" in n for n in os.listdir(
            str(tmp_path))), 60), "the dump never started"
        os.kill(t.pid, signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        t.close()
    assert proc.returncode == 1
    assert "process %d ended during the dump" % t.pid in err, err
    assert "was removed" in err
    assert out.read_text() == "precious\n"
    assert leftovers(tmp_path) == []


@slow_gdb
def test_short_timeout(tmp_path, big):
    out = tmp_path / "t.json"
    proc = cli("--pid", big.pid, "-o", out, "--timeout", "0.4")
    assert proc.returncode == 1
    assert "--timeout 0.4s" in proc.stderr, proc.stderr
    assert big.answers()
    if "will appear at %s" % out in proc.stderr:
        assert wait_for(out.exists, 60)
        complete_dump(out, big.pid)
    else:
        assert "cancelled" in proc.stderr, proc.stderr
        time.sleep(2)
        assert not out.exists()
    assert wait_for(lambda: leftovers(tmp_path) == [], 30)
    assert big.answers()


def test_no_ptrace_capability(tmp_path, target):
    # root in a container without CAP_SYS_PTRACE: said, with the fix.
    if os.geteuid() != 0 or shutil.which("capsh") is None:
        pytest.skip("needs root and capsh (libcap2-bin)")
    proc = subprocess.run(
        ["capsh", "--drop=cap_sys_ptrace", "--", "-c",
         '"$0" dump --pid %d -o %s' % (target.pid, tmp_path / "x.json"),
         heapscope_bin()],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        universal_newlines=True, timeout=60)
    assert proc.returncode == 1
    assert "CAP_SYS_PTRACE" in proc.stderr and "--cap-add" in proc.stderr, \
        proc.stderr
    assert target.answers()


def test_gdb_missing_or_untrusted(tmp_path, target):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = cli("--pid", target.pid, "-o", tmp_path / "g.json",
               env=dict(os.environ, PATH=str(empty)))
    assert proc.returncode == 1
    assert "gdb not found" in proc.stderr and "apt-get install gdb" in \
        proc.stderr, proc.stderr
    # A gdb in a folder anyone may write to is not run.
    planted = tmp_path / "open"
    planted.mkdir()
    (planted / "gdb").write_text("#!/bin/sh\ntouch %s/ran\n" % planted)
    (planted / "gdb").chmod(0o755)
    planted.chmod(0o777)
    proc = cli("--pid", target.pid, "-o", tmp_path / "g.json",
               env=dict(os.environ, PATH="%s:%s" % (planted,
                                                   os.environ["PATH"])))
    assert proc.returncode == 1
    assert "may be changed by another user" in proc.stderr, proc.stderr
    assert not (planted / "ran").exists()
    assert target.answers()


def test_dumper_for_a_copied_interpreter(tmp_path, target):
    # A target running a copy of an interpreter gets the dumper built for
    # that interpreter, not another build of the same minor version.
    import shutil as sh
    from heapscope import _target
    exe = os.path.realpath(sys.executable)
    tag = "cpython-%d%d" % sys.version_info[:2]
    for name, interp in (("%s-0other" % tag, "/nonexistent/python"),
                         ("%s-1mine" % tag, exe)):
        pkg = tmp_path / "builds" / name / "heapscope"
        pkg.mkdir(parents=True)
        (pkg / "_dump.py").write_text("")
        (pkg / "_dumper.so").write_text("")
        (tmp_path / "builds" / name / "interpreter").write_text(interp)
    real = _target.examine(target.pid)
    copied = real._replace(exe=str(tmp_path / "copy-of-python"))
    sh.copy(exe, copied.exe)
    found = _inject.find_dumper(copied, [str(tmp_path / "builds")])
    assert os.path.basename(found) == "%s-1mine" % tag


def test_zombie(tmp_path):
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    assert wait_for(lambda: open("/proc/%d/stat" % child.pid).read()
                    .rsplit(")", 1)[1].split()[0] == "Z", 30)
    try:
        proc = cli("--pid", child.pid, "-o", tmp_path / "z.json", timeout=30)
    finally:
        child.wait()
    assert proc.returncode == 1
    assert "is a zombie" in proc.stderr, proc.stderr


def old_pythons():
    root = os.path.join(os.environ.get("PYENV_ROOT", "/root/.pyenv"),
                        "versions")
    found = []
    for prefix in ("2.7.", "3.6.", "3.7."):
        for d in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            exe = os.path.join(root, d, "bin", "python")
            if d.startswith(prefix) and os.access(exe, os.X_OK):
                found.append(exe)
                break
    return found


@pytest.mark.parametrize("python", old_pythons() or [None])
def test_unsupported_python(tmp_path, python):
    if python is None:
        pytest.skip("no pyenv 2.7, 3.6 or 3.7 here")
    old = subprocess.Popen([python, "-c", "import time; time.sleep(300)"])
    try:
        time.sleep(0.5)
        proc = cli("--pid", old.pid, "-o", tmp_path / "o.json", timeout=30)
        assert proc.returncode == 1
        assert "supports CPython 3.8-3.13" in proc.stderr, proc.stderr
        assert old.poll() is None
    finally:
        old.kill()
        old.wait()
