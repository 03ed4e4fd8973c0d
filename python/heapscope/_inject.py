"""Dump a running CPython process that was started without heapscope.

    python -I -S /abs/path/heapscope/_inject.py --pid PID -o OUT
        [--timeout S] [--pythonpath DIR | --python-root ROOT] [--python EXE]

`heapscope dump --pid` (cli/cmd_dump.c) runs this file by its absolute
path, isolated (-I: no cwd, no PYTHON* variables, no user site), with an
interpreter it trusts (never the target's own binary). heapscope._target
checks the process from /proc first, without running anything of it; then
gdb (batch mode, its own session, run from /) attaches and makes the
target run a tiny bootstrap, which only starts a thread and returns:

* the stopped thread does not hold the GIL (it sleeps, waits on a lock or
  blocks in I/O, the usual case for servers): PyGILState_Ensure,
  PyRun_SimpleString(bootstrap), PyGILState_Release, as gdb calls;
* it holds the GIL (it is running Python code): the bootstrap must not
  run in the middle of a bytecode, so it is queued with Py_AddPendingCall
  and runs at the interpreter's next safe point.

gdb detaches as soon as the bootstrap is in; the dump itself runs in the
target's new thread, after gdb is gone. So a signal, a Ctrl-C or a short
--timeout can never cut a call into the target short (which leaves it to
crash later): while gdb is inside the target, SIGINT and SIGTERM are held
here, gdb is never killed, and the wait is said on stderr.

The bootstrap loads heapscope's dumper by absolute path under a private
module name (never `import heapscope` from the target's sys.path) and
removes it from sys.modules afterwards, success or not. It talks back
through a fresh private folder beside OUT (mkdtemp, handed to the target's
user): it first claims the dump by creating `claim` (O_EXCL), then writes
`result`. The injector reads `result` without following links, only as a
regular file of the target's user, at most 4 KiB. When the injector gives
up (--timeout, a signal) it creates `claim` itself: if that succeeds, the
dump never starts; if the target claimed first, the dump goes on and the
message says where it will appear. OUT is replaced only by a complete
dump (heapscope.dump's rename), never deleted or truncated here.
"""

import argparse
import errno
import os
import re
import select
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

if __name__ == "__main__":
    # Run by path, isolated: heapscope is this file's own package, found by
    # its absolute location (sys.path holds neither the cwd nor this folder).
    sys.path.insert(0, os.path.dirname(os.path.dirname(
        os.path.abspath(__file__))))

from heapscope import _target  # noqa: E402

GDB_SCRIPT = r'''
import os
import gdb

def value(expr):
    return int(gdb.parse_and_eval(expr))

def call(expr, void=False):
    # The injector watches how long gdb stays between these two lines.
    print("heapscope-inject: in", flush=True)
    try:
        if void:   # a void function: int() of its value is an invalid cast
            gdb.parse_and_eval("(void)" + expr)
            return None
        return value(expr)
    finally:
        print("heapscope-inject: out", flush=True)

code = os.environ["HEAPSCOPE_INJECT_CODE"].encode("utf-8") + b"\0"
size = (len(code) + 4095) // 4096 * 4096
gdb.execute("set confirm off")
try:
    gdb.parse_and_eval("PyGILState_Ensure")
except gdb.error:
    raise gdb.GdbError("heapscope: no CPython symbols in the process")
# mmap is a bare system call, safe wherever the target stopped (malloc
# is not). PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS.
addr = call("(long)mmap(0, %d, 3, 0x22, -1, 0)" % size)
if addr == -1 or addr == 0:
    raise gdb.GdbError("heapscope: mmap in the target failed")
gdb.selected_inferior().write_memory(addr, code)
if call("(int)PyGILState_Check()"):
    rc = call("(int)Py_AddPendingCall((void *)PyRun_SimpleString, "
              "(void *)%d)" % addr)
    print("heapscope-inject: queued %d" % rc, flush=True)
else:
    state = call("(int)PyGILState_Ensure()")
    rc = call("(int)PyRun_SimpleString((char *)%d)" % addr)
    call("PyGILState_Release(%d)" % state, void=True)
    call("(int)munmap(%d, %d)" % (addr, size))
    print("heapscope-inject: ran %d" % rc, flush=True)
gdb.execute("detach")
'''

# Runs inside the target, as the string given to PyRun_SimpleString: one
# exec() in a fresh namespace, so nothing is bound in __main__, and
# nothing escapes (an exception from a pending call would surface in the
# target's own code). The dump runs in a thread of its own.
BOOTSTRAP = r'''
def bootstrap(pkgdir, name, out, channel, compress, fork):
    import os, sys, time, _thread

    def create(fname, text):
        fd = os.open(os.path.join(channel, fname), os.O_WRONLY | os.O_CREAT
                     | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, text.encode("utf-8", "replace")[:4000])
        finally:
            os.close(fd)

    def report(text):
        try:
            create("result.part", text)
            os.rename(os.path.join(channel, "result.part"),
                      os.path.join(channel, "result"))
        except OSError:
            pass   # the caller gave up and removed the channel

    def load():
        import importlib, types
        pkg = types.ModuleType(name)
        pkg.__path__ = [pkgdir]
        sys.modules[name] = pkg
        return importlib.import_module(name + "._dump")

    def untraced():
        # gdb may still be detaching: a clone made while it traces this
        # process would be taken for one of its threads.
        for _ in range(1000):
            with open("/proc/self/status") as f:
                if any(line.split() == ["TracerPid:", "0"] for line in f):
                    return
            time.sleep(0.01)

    def dump_with(module):
        # fork None: a clone where that is safe (docs/dumper.md); the
        # target then pauses only for the clone, not for the walk.
        fork_now = fork
        if fork_now is None:
            # A dumper built before fork dumps existed has no _fork.
            forks = getattr(module, "_fork", None)
            fork_now = forks is not None and forks().unsafe_reason() is None
        if not fork_now:
            return "ok %d %d in-process" % tuple(
                module.dump(out, compress=compress))
        untraced()
        handle = module.dump(out, compress=compress, fork=True)
        handle.wait()
        return "ok %d %d fork" % tuple(handle.result)

    def unload():
        for key in list(sys.modules):
            if key == name or key.startswith(name + "."):
                del sys.modules[key]

    def dump():
        try:
            create("claim", "started")
        except OSError:
            return   # cancelled: the caller claimed first, or is gone
        interrupted = False
        try:
            text = dump_with(load())
        except BaseException as exc:
            interrupted = isinstance(exc, KeyboardInterrupt)
            text = "error %s: %s" % (type(exc).__name__, exc)
        finally:
            unload()
        report(text)
        if interrupted:   # the program's Ctrl-C, not ours: hand it back
            _thread.interrupt_main()

    try:
        _thread.start_new_thread(dump, ())
    except BaseException as exc:
        report("error %s: %s" % (type(exc).__name__, exc))

bootstrap(%(args)s)
'''

RESULT_MAX = 4096


class InjectError(Exception):
    pass


def bootstrap_code(pkgdir, out, channel, compress=None, fork=None):
    """The one statement the target runs (PyRun_SimpleString)."""
    # A private module name per build folder: the target's own heapscope,
    # if it has one, is neither used nor touched.
    name = "_heapscope_pid_dump_" + "".join(
        c if c.isalnum() else "_" for c in os.path.basename(pkgdir))
    args = ", ".join(repr(a) for a in (os.path.join(pkgdir, "heapscope"),
                                       name, out, channel, compress,
                                       fork))
    source = BOOTSTRAP.replace("%(args)s", args)
    return "exec(compile(%r, '<heapscope dump --pid>', 'exec'), {})" % source


def _dumper_dirs(roots):
    for root in roots:
        try:
            names = sorted(os.listdir(root))
        except OSError:
            continue
        for name in names:
            d = os.path.join(root, name)
            pkg = os.path.join(d, "heapscope")
            if os.path.isfile(os.path.join(pkg, "_dump.py")) and any(
                    f.startswith("_dumper") and f.endswith(".so")
                    for f in os.listdir(pkg)):
                yield d


def _interpreter_of(d):
    try:
        with open(os.path.join(d, "interpreter")) as f:
            return f.read().strip()
    except OSError:
        return ""


def _same_file_content(a, b):
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            if os.fstat(fa.fileno()).st_size != os.fstat(fb.fileno()).st_size:
                return False
            while True:
                ca, cb = fa.read(1 << 20), fb.read(1 << 20)
                if ca != cb:
                    return False
                if not ca:
                    return True
    except OSError:
        return False


def find_dumper(target, roots, python=None):
    """The build folder (scripts/build-python.sh) whose dumper fits the
    target: built for its interpreter (or for `python`), else for the
    same CPython minor version (their ABI is the same)."""
    tag = "cpython-%d%d-" % target.version
    dirs = [d for d in _dumper_dirs(roots)
            if os.path.basename(d).startswith(tag)]
    want = os.path.realpath(python) if python else target.exe
    for d in dirs:
        if _interpreter_of(d) == want:
            return d
    if python is None and dirs:
        # A copy of a built-for interpreter (a venv's, a user's) is that
        # interpreter: its dumper fits exactly, where one of another patch
        # release only shares the ABI.
        for d in dirs:
            if _same_file_content(_interpreter_of(d),
                                  "/proc/%d/exe" % target.pid):
                return d
        return dirs[0]
    raise InjectError(
        "no dumper built for %s (Python %d.%d, which process %d runs) in %s:"
        " build one with scripts/build-python.sh %s"
        % (want, target.version[0], target.version[1], target.pid,
           ", ".join(roots), python or "/path/to/python%d.%d"
           % target.version))


def _check_dumper_dir(target, pythonpath):
    if not list(_dumper_dirs([os.path.dirname(os.path.abspath(pythonpath))
                              ])) and not os.path.isfile(
            os.path.join(pythonpath, "heapscope", "_dump.py")):
        raise InjectError("%s holds no heapscope dumper (build one with "
                          "scripts/build-python.sh)" % pythonpath)
    base = os.path.basename(os.path.abspath(pythonpath))
    if base.startswith("cpython-") and not base.startswith(
            "cpython-%d%d-" % target.version):
        raise InjectError(
            "%s was built for another Python than process %d runs (%d.%d)"
            % (pythonpath, target.pid, target.version[0], target.version[1]))


def ptrace_hint(text):
    if "ptrace" in text or "not permitted" in text:
        return (" (ptrace was refused: run as root with CAP_SYS_PTRACE; "
                "see kernel.yama.ptrace_scope)")
    return ""


class _HeldSignals:
    """SIGINT, SIGTERM and SIGHUP are noted, not acted on, until the target
    is safe (gdb has detached); the first one says so on stderr."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

    def __init__(self, pid):
        self.pid = pid
        self.received = None
        self.saved = {}

    def _note(self, signo, frame):
        # A second signal can arrive while the first one's message is being
        # written: mark first, and write with os.write, which takes no lock
        # (sys.stderr.write would raise "reentrant call" there).
        first = self.received is None
        self.received = signo
        if first:
            msg = ("heapscope dump: %s received: stopping as soon as process "
                   "%d is safe (gdb's calls into it are never cut short)\n"
                   % (signal.Signals(signo).name, self.pid))
            try:
                os.write(2, msg.encode("utf-8", "replace"))
            except OSError:
                pass

    def __enter__(self):
        try:
            for s in self.SIGNALS:
                self.saved[s] = signal.signal(s, self._note)
        except ValueError:
            pass   # not the main thread: signals are the caller's business
        return self

    def __exit__(self, *exc):
        for s, h in self.saved.items():
            signal.signal(s, h)


def run_gdb(target, code, gdb, deadline, timeout):
    """Runs gdb until it has detached; never kills it. Returns its
    stdout; InjectError when the bootstrap did not go in."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("PYTHON")}
    env["HEAPSCOPE_INJECT_CODE"] = code
    cmd = [gdb, "-nx", "-q", "-batch",
           "-eiex", "set python ignore-environment on",
           "-iex", "set auto-load off",
           "-iex", "set debuginfod enabled off",
           # Should the target get a signal during a call, gdb restores
           # its registers rather than leave the call's frame behind.
           "-ex", "set unwindonsignal on",
           "-p", str(target.pid),
           "-ex", "python exec(%r)" % GDB_SCRIPT]
    try:
        proc = subprocess.Popen(
            cmd, env=env, cwd="/", stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            start_new_session=True)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise InjectError("gdb not found: install it (apt-get install "
                              "gdb), dump --pid drives the target with it")
        raise InjectError("cannot run %s: %s" % (gdb, exc.strerror))
    # Read with a timer: a call that outlasts the timeout (the main thread
    # waits for a GIL that another thread keeps in a long C call) is said,
    # and waited for.
    said = False
    inside_since = None
    got = {proc.stdout.fileno(): b"", proc.stderr.fileno(): b""}
    fd_out = proc.stdout.fileno()
    open_fds = list(got)
    while open_fds:
        ready, _, _ = select.select(open_fds, [], [], 0.5)
        for fd in ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                open_fds.remove(fd)
            got[fd] += chunk
        if fd_out in ready:
            last = got[fd_out].rstrip(b"\n").rsplit(b"\n", 1)[-1]
            inside = last == b"heapscope-inject: in"
            inside_since = (inside_since or time.monotonic()) if inside \
                else None
        now = time.monotonic()
        if (not said and inside_since is not None and now > deadline
                and now - inside_since > 1.0):
            said = True
            sys.stderr.write(
                "heapscope dump: --timeout %gs passed while gdb's call into "
                "process %d has not returned (a thread keeps the GIL in a "
                "long C call?); waiting for it, since cutting it short "
                "would crash the process\n" % (timeout, target.pid))
            sys.stderr.flush()
    proc.wait()
    stdout = got[fd_out].decode("utf-8", "replace")
    err = got[proc.stderr.fileno()].decode("utf-8", "replace")
    if ("heapscope-inject: queued 0" not in stdout
            and "heapscope-inject: ran 0" not in stdout):
        lines = [ln for ln in (stdout + err).splitlines()
                 if ln.strip() and not ln.startswith("heapscope-inject:")]
        detail = "; ".join(lines[-3:]) if lines else (
            "no output, exit status %d" % proc.returncode)
        raise InjectError("gdb could not start the dump in process %d: %s%s"
                          % (target.pid, detail, ptrace_hint(detail)))
    return stdout


def _read_result(path, uid):
    """The target's result file, or None: never through a link, only a
    regular file owned by the target's user, at most RESULT_MAX bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != uid:
            return None
        return os.read(fd, RESULT_MAX).decode("utf-8", "replace")
    finally:
        os.close(fd)


def _claim(channel):
    """True if the injector claimed the dump first (it will not run)."""
    try:
        os.close(os.open(os.path.join(channel, "claim"),
                         os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
                         | os.O_CLOEXEC, 0o600))
        return True
    except OSError:
        return False


def _remove_partial(out, target, since):
    """The temporary file of a dump cut short by the target's end:
    heapscope.dump names it OUT.tmp-<16 random hex digits> (unpredictable,
    so that nobody can plant it), so it is known by that shape, by being a
    regular file of the target's user, and by being written since the
    injection began."""
    d, base = os.path.split(out)
    shape = re.compile(re.escape(base) + r"\.tmp-[0-9a-f]{16}\Z")
    removed = []
    for name in os.listdir(d):
        if not shape.match(name):
            continue
        path = os.path.join(d, name)
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode) and st.st_uid == target.uid \
                    and st.st_mtime >= since:
                os.unlink(path)
                removed.append(name)
        except OSError:
            pass
    return removed


def _failure_hint(text, out, target):
    if "PermissionError" in text or "Errno 13" in text:
        return (": process %d (uid %d) cannot write %s; choose an OUT in a "
                "folder that user can write" % (target.pid, target.uid,
                                                os.path.dirname(out)))
    return ""


def _gave_up(why, channel, out, target):
    if _claim(channel):
        return InjectError("%s; the dump was cancelled before it started, "
                           "%s is unchanged" % (why, out))
    return InjectError("%s; process %d is still writing the dump: it will "
                       "appear at %s when complete (nothing else is changed)"
                       % (why, target.pid, out))


def wait_result(channel, out, target, deadline, timeout, held, since):
    path = os.path.join(channel, "result")
    while True:
        text = _read_result(path, target.uid)
        if text is not None:
            if text.startswith("ok "):
                return text
            text = text[len("error "):] if text.startswith("error ") else text
            raise InjectError("the dump failed in process %d: %s%s"
                              % (target.pid, text,
                                 _failure_hint(text, out, target)))
        if not _target.still_running(target):
            removed = _remove_partial(out, target, since)
            raise InjectError(
                "process %d ended during the dump%s; %s is unchanged"
                % (target.pid, " (its partial %s was removed)"
                   % ", ".join(removed) if removed else "", out))
        if held.received is not None:
            raise _gave_up("interrupted by %s"
                           % signal.Signals(held.received).name,
                           channel, out, target)
        if time.monotonic() > deadline:
            raise _gave_up("no dump within --timeout %gs" % timeout,
                           channel, out, target)
        time.sleep(0.02)


def _make_channel(out, target):
    try:
        channel = tempfile.mkdtemp(prefix=".heapscope-dump-",
                                   dir=os.path.dirname(out))
    except OSError as exc:
        raise InjectError("cannot create a folder in %s (%s): choose an OUT "
                          "in a folder that you and process %d can write"
                          % (os.path.dirname(out), exc.strerror, target.pid))
    if os.geteuid() != target.uid:
        os.chown(channel, target.uid, target.gid)
    return channel


def inject(pid, out, timeout=60.0, pythonpath=None, compress=None,
           gdb="gdb", python=None, roots=None, fork=None):
    """Makes process pid dump its heap to out; returns the result line
    ("ok OBJECTS BYTES HOW", HOW "fork" or "in-process"). fork None: a
    fork dump where safe. InjectError says why not, and what to do."""
    if not (0 < timeout < float("inf")):
        raise InjectError("--timeout must be a finite number of seconds "
                          "above 0, not %r" % timeout)
    with _HeldSignals(pid) as held:
        return _inject(pid, out, timeout, pythonpath, compress, gdb, python,
                       roots, held, fork)


def _inject(pid, out, timeout, pythonpath, compress, gdb, python, roots,
            held, fork=None):
    deadline = time.monotonic() + timeout
    out = os.path.abspath(out)
    if not os.path.isdir(os.path.dirname(out)):
        raise InjectError("no folder %s for OUT" % os.path.dirname(out))
    try:
        target = _target.examine(pid)
    except _target.TargetError as exc:
        raise InjectError(str(exc))
    if pythonpath is not None:
        _check_dumper_dir(target, pythonpath)
    else:
        if roots is None:
            here = os.path.dirname(os.path.abspath(__file__))
            roots = [os.path.dirname(os.path.dirname(here))]
        pythonpath = find_dumper(target, roots, python)
    pythonpath = os.path.abspath(pythonpath)
    since = time.time() - 1   # mtimes may be coarser than time()
    channel = _make_channel(out, target)
    try:
        code = bootstrap_code(pythonpath, out, channel, compress, fork)
        if held.received is None:
            run_gdb(target, code, gdb, deadline, timeout)
        return wait_result(channel, out, target, deadline, timeout, held,
                           since)
    finally:
        shutil.rmtree(channel, ignore_errors=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="heapscope dump",
                                 description="Dump a running process.")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--pythonpath")
    ap.add_argument("--python-root", action="append")
    ap.add_argument("--python")
    ap.add_argument("--compress", choices=("gzip", "none"))
    ap.add_argument("--gdb", default="gdb")
    ap.add_argument("--fork", choices=("auto", "yes", "no"), default="auto")
    args = ap.parse_args(argv)
    try:
        result = inject(args.pid, args.output, args.timeout, args.pythonpath,
                        args.compress, gdb=args.gdb, python=args.python,
                        roots=args.python_root,
                        fork={"auto": None, "yes": True, "no": False}[args.fork])
    except InjectError as exc:
        print("heapscope dump: error: %s" % exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print("heapscope dump: error: %s" % exc, file=sys.stderr)
        return 1
    _, objects, nbytes, how = result.split()
    print("%s: %s objects, %s bytes, written by %s %d"
          % (os.path.abspath(args.output), objects, nbytes,
             "a clone of process" if how == "fork" else "process", args.pid))
    return 0


if __name__ == "__main__":
    sys.exit(main())
