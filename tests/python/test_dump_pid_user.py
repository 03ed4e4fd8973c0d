"""`dump --pid` across users, as root dumps other users' processes on a
server: the target belongs to a test user who planted an interpreter of
their own (a copy of this one, with a standard library whose hashlib is
theirs) and modules in the shared folder root works in (hashlib.py, a
heapscope package). Whatever root runs must run none of them; the dump
still works. And a non-root user is told plainly that another user's
process needs root.

Needs root (useradd, runuser) and an interpreter the test user can run
(pyenv's under /root cannot be); the user is created and removed here."""

import os
import pwd
import shutil
import subprocess
import sys
import sysconfig
import tempfile

import pytest

import dumper_util
from test_dump_pid import Target, check_dump, cli, heapscope_bin

pytestmark = pytest.mark.skipif(shutil.which("gdb") is None,
                                reason="gdb is not installed")

USER = "hs-dumptest"
PLANTED = '''import os
open(os.path.join({markers!r}, "ran-as-%d-{name}" % os.geteuid()), "w").close()
'''


def _runs_as(user, python):
    return subprocess.run(["runuser", "-u", user, "--", python, "-c",
                           "pass"], stderr=subprocess.DEVNULL).returncode == 0


@pytest.fixture(scope="module")
def user():
    if os.geteuid() != 0:
        pytest.skip("needs root (to create a user and dump its process)")
    if not (shutil.which("useradd") and shutil.which("runuser")):
        pytest.skip("needs useradd and runuser")
    created = False
    try:
        pwd.getpwnam(USER)
    except KeyError:
        subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", USER],
                       check=True)
        created = True
    try:
        if not _runs_as(USER, os.path.realpath(sys.executable)):
            pytest.skip("%s cannot run %s (pyenv's interpreters live "
                        "under /root)" % (USER, sys.executable))
        yield pwd.getpwnam(USER)
    finally:
        if created:
            subprocess.run(["userdel", USER])


def plant(path, markers, name):
    with open(path, "w") as f:
        f.write(PLANTED.format(markers=markers, name=name))


@pytest.fixture(scope="module")
def shared(user):
    """A folder of the test user's, holding their interpreter and their
    planted modules; markers/ collects ran-as-UID-NAME files."""
    top = tempfile.mkdtemp(prefix="hs-shared-")
    markers = os.path.join(top, "markers")
    os.mkdir(markers)
    os.chmod(markers, 0o777)
    # Their interpreter: a copy of this one, with a standard library of
    # links to the real one, except a hashlib of theirs.
    ver = "python%d.%d" % sys.version_info[:2]
    os.makedirs(os.path.join(top, "pfx", "bin"))
    lib = os.path.join(top, "pfx", "lib", ver)
    os.makedirs(lib)
    exe = os.path.join(top, "pfx", "bin", ver)
    shutil.copy2(os.path.realpath(sys.executable), exe)
    stdlib = sysconfig.get_paths()["stdlib"]
    for name in os.listdir(stdlib):
        if name != "hashlib.py":
            os.symlink(os.path.join(stdlib, name), os.path.join(lib, name))
    plant(os.path.join(lib, "hashlib.py"), markers, "stdlib-hashlib")
    # Modules in the folder root works in.
    plant(os.path.join(top, "hashlib.py"), markers, "cwd-hashlib")
    os.mkdir(os.path.join(top, "heapscope"))
    for name in ("__init__.py", "_inject.py", "_target.py"):
        plant(os.path.join(top, "heapscope", name), markers, "cwd-" + name)
    for root, dirs, files in os.walk(top):
        for name in dirs + files:
            os.lchown(os.path.join(root, name), user.pw_uid, user.pw_gid)
    os.chown(top, user.pw_uid, user.pw_gid)
    os.chmod(top, 0o755)
    yield top, exe, markers
    shutil.rmtree(top)


def ran_as_root(markers):
    return [n for n in os.listdir(markers) if n.startswith("ran-as-0-")]


def test_root_dumps_planted_interpreter_from_planted_cwd(user, shared):
    top, exe, markers = shared
    t = Target("sleep", python=exe, user=USER, cwd=top)
    try:
        out = os.path.join(top, "out.json")
        proc = cli("--pid", t.pid, "-o", out, cwd=top)
        assert ran_as_root(markers) == []
        assert proc.returncode == 0, proc.stderr
        check_dump(out, t.pid)
        # Written by the target, as its user, not by root.
        assert os.stat(out).st_uid == user.pw_uid
        assert t.answers()
    finally:
        t.close()
    assert ran_as_root(markers) == []


def test_user_dumps_own_process(user, shared):
    top, exe, markers = shared
    t = Target("busy", user=USER, cwd=top)
    try:
        out = os.path.join(top, "own.json")
        proc = subprocess.run(
            ["runuser", "-u", USER, "--", heapscope_bin(), "dump", "--pid",
             str(t.pid), "-o", out], cwd=top, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        if "ptrace_scope" in proc.stderr:
            pytest.skip("this kernel lets only root attach: %s"
                        % proc.stderr.strip())
        assert proc.returncode == 0, proc.stderr
        check_dump(out, t.pid)
        assert t.answers()
    finally:
        t.close()


def test_user_cannot_dump_roots_process(user, shared):
    top, exe, markers = shared
    t = Target("sleep")
    try:
        proc = subprocess.run(
            ["runuser", "-u", USER, "--", heapscope_bin(), "dump", "--pid",
             str(t.pid), "-o", os.path.join(top, "no.json")], cwd=top,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            universal_newlines=True, timeout=60)
        assert proc.returncode == 1
        assert "belongs to root (uid 0)" in proc.stderr, proc.stderr
        assert "sudo heapscope dump" in proc.stderr
        assert "No symbol table" not in proc.stderr
        assert t.answers()
    finally:
        t.close()
    assert not os.path.exists(os.path.join(top, "no.json"))
    assert ran_as_root(markers) == []


def test_target_cannot_write_out(user, shared):
    # OUT in root's folder, which the target's user cannot write: the
    # error comes back at once (not after --timeout), says whose and
    # where, and nothing is printed on the target's stderr.
    top, exe, markers = shared
    folder = tempfile.mkdtemp(prefix="hs-rootonly-")
    os.chmod(folder, 0o755)
    t = Target("sleep", user=USER, cwd=top)
    try:
        proc = cli("--pid", t.pid, "-o", os.path.join(folder, "x.json"),
                   "--timeout", 30, timeout=120)
        assert proc.returncode == 1
        assert "cannot write %s" % folder in proc.stderr, proc.stderr
        assert "uid %d" % user.pw_uid in proc.stderr
        assert "Traceback" not in proc.stderr
        assert os.listdir(folder) == []
        assert t.answers()
    finally:
        t.close()
        shutil.rmtree(folder)
