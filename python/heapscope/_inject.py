"""Dump a running CPython process that was started without heapscope.

    python -m heapscope._inject --pid PID -o OUT [--timeout S] [--pythonpath DIR]

`heapscope dump --pid` (cli/cmd_dump.c) finds the target's interpreter and
the dumper built for it, then runs this module with that interpreter. It
attaches gdb (batch mode) to the target and makes the target itself run

    import heapscope; heapscope.dump(OUT)

with DIR on sys.path. The code is copied into a fresh anonymous mapping
(mmap is a bare system call, safe wherever the target is stopped, unlike
malloc), then run in one of two ways:

* the stopped thread does not hold the GIL (it sleeps, waits on a lock or
  blocks in I/O with the GIL released, the usual case for servers):
  PyGILState_Ensure, PyRun_SimpleString, PyGILState_Release, as a gdb
  inferior call. The thread's interrupted system call is restarted by the
  kernel afterwards (or returns EINTR, which CPython retries).
* it holds the GIL (it is running Python code): the code must not run in
  the middle of a bytecode, so it is queued with Py_AddPendingCall and gdb
  detaches; the interpreter runs it at its next safe point (pending calls
  run in the main thread), normally within microseconds. A thread that
  holds the GIL inside a long C call delays the dump until it returns; the
  --timeout then reports that.

The dump is written atomically (OUT appears complete or not at all; an
existing OUT stays until the new one replaces it, and one that is not a
regular file, such as /dev/null, is refused); a failure inside the target
is written to OUT + ".error" (created exclusively) and reported.

Permissions: ptrace. Root, or the target's user when
/proc/sys/kernel/yama/ptrace_scope is 0 (at 1, only a parent may attach:
run as root or grant CAP_SYS_PTRACE; at 3, nobody may). Containers need
CAP_SYS_PTRACE and a seccomp profile that allows ptrace.
"""

import argparse
import os
import stat
import subprocess
import sys
import time

GDB_SCRIPT = r'''
import os
import gdb

def value(expr):
    return int(gdb.parse_and_eval(expr))

code = os.environ["HEAPSCOPE_INJECT_CODE"].encode("utf-8") + b"\0"
size = (len(code) + 4095) // 4096 * 4096
gdb.execute("set confirm off")
# PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
addr = value("(long)mmap(0, %d, 3, 0x22, -1, 0)" % size)
if addr == -1 or addr == 0:
    raise gdb.GdbError("heapscope: mmap in the target failed")
gdb.selected_inferior().write_memory(addr, code)
if value("(int)PyGILState_Check()"):
    rc = value("(int)Py_AddPendingCall((void *)PyRun_SimpleString, "
               "(void *)%d)" % addr)
    print("heapscope-inject: pending %d" % rc)
else:
    state = value("(int)PyGILState_Ensure()")
    rc = value("(int)PyRun_SimpleString((char *)%d)" % addr)
    gdb.parse_and_eval("(void)PyGILState_Release(%d)" % state)
    value("(int)munmap(%d, %d)" % (addr, size))
    print("heapscope-inject: ran %d" % rc)
gdb.execute("detach")
'''

TARGET_CODE = """\
import sys
sys.path.insert(0, {path!r})
try:
    import heapscope
    heapscope.dump({out!r}{compress})
except BaseException as exc:
    import os
    # Created exclusively, never through a planted symlink.
    fd = os.open({err!r}, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                 | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("%s: %s" % (type(exc).__name__, exc))
finally:
    try:
        sys.path.remove({path!r})
    except ValueError:
        pass
"""


class InjectError(Exception):
    pass


def target_code(out, pythonpath, compress=None):
    return TARGET_CODE.format(
        path=pythonpath, out=out, err=out + ".error",
        compress="" if compress is None else ", compress=%r" % compress)


def ptrace_hint():
    try:
        with open("/proc/sys/kernel/yama/ptrace_scope") as f:
            scope = f.read().strip()
    except OSError:
        return ""
    if scope == "0" or os.geteuid() == 0:
        return ""
    return (" (kernel.yama.ptrace_scope is %s: run as root, or grant "
            "CAP_SYS_PTRACE)" % scope)


def run_gdb(pid, code, timeout, gdb="gdb"):
    env = dict(os.environ, HEAPSCOPE_INJECT_CODE=code)
    cmd = [gdb, "-nx", "-q", "-batch", "-p", str(pid),
           "-ex", "python exec(%r)" % GDB_SCRIPT]
    try:
        proc = subprocess.run(cmd, env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, timeout=timeout)
    except FileNotFoundError:
        raise InjectError("gdb not found (apt-get install gdb)")
    except subprocess.TimeoutExpired:
        raise InjectError("gdb did not finish in %gs" % timeout)
    text = proc.stdout + proc.stderr
    if "heapscope-inject:" not in proc.stdout:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        detail = "; ".join(lines[-3:]) if lines else "no output"
        raise InjectError("gdb could not run the dump in process %d: %s%s"
                          % (pid, detail, ptrace_hint()))
    return proc.stdout


def identity(path):
    """What tells a new file under path from the one there before."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino, st.st_ctime_ns)


def read_error(err, uid):
    """The target's error report, or None. Opened without following a
    symlink or blocking on a FIFO, and believed only if the target's user
    (or we) wrote it: we may be root, and must not print a file someone
    planted under the name."""
    try:
        fd = os.open(err, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK
                     | os.O_CLOEXEC)
    except OSError:
        return None
    with os.fdopen(fd) as f:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid not in (uid,
                                                             os.geteuid()):
            return None
        return f.read(4096)


def wait_for(out, timeout, before=None, uid=None):
    """Waits until a new dump is in place at out (one that was not there
    before: the old one stays until the new one is complete)."""
    err = out + ".error"
    uid = os.geteuid() if uid is None else uid
    deadline = time.time() + timeout
    while time.time() < deadline:
        msg = read_error(err, uid)
        if msg is not None:
            os.unlink(err)
            raise InjectError("the dump failed in the target: %s" % msg)
        now = identity(out)
        if now is not None and now != before:
            return
        time.sleep(0.02)
    raise InjectError("no dump after %gs: the target may hold the GIL in a "
                      "long C call or be stopped" % timeout)


def inject(pid, out, timeout=60.0, pythonpath=None, compress=None,
           gdb="gdb"):
    """Makes process pid dump its heap to out; returns out once written."""
    out = os.path.abspath(out)
    if pythonpath is None:
        pythonpath = os.path.dirname(os.path.dirname(
            os.path.abspath(__file__)))
    if not os.path.isdir("/proc/%d" % pid):
        raise InjectError("no process %d" % pid)
    if os.path.exists(out) and not os.path.isfile(out):
        # A device or FIFO: the target would write it with nobody here to
        # tell when it is done. Never unlinked (it may be /dev/null).
        raise InjectError("%s is not a regular file (a device or FIFO): "
                          "dump to a file" % out)
    # The old dump stays until the new one replaces it; a stale error
    # report of ours goes (unlinking a planted symlink removes only it).
    try:
        os.unlink(out + ".error")
    except FileNotFoundError:
        pass
    before = identity(out)
    uid = os.stat("/proc/%d" % pid).st_uid
    start = time.time()
    run_gdb(pid, target_code(out, pythonpath, compress), timeout, gdb)
    wait_for(out, max(1.0, timeout - (time.time() - start)), before, uid)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(prog="heapscope dump",
                                 description="Dump a running process.")
    ap.add_argument("--pid", type=int, required=True)
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--timeout", type=float, default=60.0)
    ap.add_argument("--pythonpath")
    ap.add_argument("--compress", choices=("gzip", "none"))
    args = ap.parse_args(argv)
    try:
        inject(args.pid, args.output, args.timeout, args.pythonpath,
               args.compress)
    except InjectError as exc:
        print("heapscope dump: error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
