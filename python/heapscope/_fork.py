"""Fork snapshots: heapscope.dump(path, fork=True).

The walk runs in a clone of the process (python/src/dumper/hs_fork.c);
this module decides whether that is safe, and reaps the clone from a
thread of its own, on its exact pid, so that the application's SIGCHLD
handler and os.wait() calls never see it.
"""

import errno
import os
import signal
import sys
import threading
import _thread

from ._dump import DumpResult


def unsafe_reason():
    """Why a fork dump would not be safe in this process, or None.

    The clone is made without glibc's fork(), so it must not call malloc;
    the one allocation the walk cannot avoid (the int a builtin C
    __sizeof__ returns) then has to go to pymalloc, which the GIL guards.
    """
    if not sys.platform.startswith("linux"):
        return "fork dumps need Linux (a clone that sends no SIGCHLD)"
    tracemalloc = sys.modules.get("tracemalloc")
    if tracemalloc is not None and tracemalloc.is_tracing():
        return ("tracemalloc is tracing: its allocator takes a lock that "
                "another thread may hold at the moment of the fork")
    if hasattr(sys, "gettotalrefcount"):
        return "a debug build of Python allocates through debug hooks"
    if sys.flags.dev_mode:
        return "-X dev installs the debug hooks on Python's allocators"
    malloc = ("" if sys.flags.ignore_environment
              else os.environ.get("PYTHONMALLOC", ""))
    if malloc not in ("", "pymalloc"):
        return ("PYTHONMALLOC=%s: the object allocator is not pymalloc"
                % malloc)
    return None


def wanted(fork):
    """fork=None (the triggers' default) means: when safe."""
    if fork is None:
        return unsafe_reason() is None
    return bool(fork)


class ForkDump:
    """A dump being written by a clone of this process.

    Returned by heapscope.dump(path, fork=True) as soon as the clone
    exists. wait() returns the path once the dump is complete, or raises
    the clone's error; done() says whether it has ended. pid is the
    clone's; result is DumpResult(objects, bytes) once complete.
    """

    def __init__(self, path, pid, report_fd, tmp, on_done=None):
        self.path = path
        self.pid = pid
        self.result = None
        self._tmp = tmp
        self._error = None
        self._on_done = on_done
        self._ended = threading.Event()
        # A bare thread: threading.Thread.start() waits until the new
        # thread runs, which costs the caller milliseconds while the
        # clone keeps a core busy; and like a daemon it never delays exit.
        _thread.start_new_thread(self._reap, (report_fd,))

    def _reap(self, report_fd):
        from . import _dumper
        try:
            status, outcome, err, objects, nbytes = _dumper.fork_wait(
                self.pid, report_fd)
            if outcome == 0:
                self.result = DumpResult(objects, nbytes)
            else:
                self._error = self._failure(status, outcome, err)
        except BaseException as exc:   # reported by wait(), never lost
            self._error = exc
        finally:
            # The owner's bookkeeping (a trigger's rotation) first, so
            # that whoever wait()s finds it done.
            try:
                if self._on_done is not None:
                    self._on_done(self)
            finally:
                self._ended.set()

    def _failure(self, status, outcome, err):
        if outcome > 0:
            if err == errno.ENOMEM:
                return MemoryError("heapscope: the fork dump to %s ran out "
                                   "of memory" % self.path)
            if err == errno.EBUSY:
                return RuntimeError("heapscope: cannot dump while the "
                                    "garbage collector is running")
            return OSError(err, os.strerror(err), self.path)
        # The clone ended without a report: killed, most likely by the
        # OOM killer (it volunteers), or by a signal sent to the group.
        if self._tmp is not None:
            try:
                os.unlink(self._tmp)
            except OSError:
                pass
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            how = "was killed by %s" % name
            if sig == signal.SIGKILL:
                how += " (the OOM killer, if memory ran short)"
        else:
            how = "ended with status %d" % os.WEXITSTATUS(status)
        return RuntimeError("heapscope: the dump process %d %s; %s was not "
                            "written" % (self.pid, how, self.path))

    def done(self):
        """True once the clone has ended (and been reaped)."""
        return self._ended.is_set()

    def join(self, timeout=None):
        """Waits for the end like wait(), without raising; returns
        done()."""
        return self._ended.wait(timeout)

    def wait(self, timeout=None):
        """The path once the dump is complete; raises the clone's error,
        or TimeoutError after timeout seconds (the dump goes on)."""
        if not self._ended.wait(timeout):
            raise TimeoutError("heapscope: the fork dump to %s is still "
                               "being written (pid %d)"
                               % (self.path, self.pid))
        if self._error is not None:
            raise self._error
        return self.path

    @property
    def error(self):
        """The clone's error once it ended, else None."""
        return self._error

    def __repr__(self):
        state = ("running" if not self.done() else
                 "failed" if self._error is not None else "complete")
        return "<heapscope.ForkDump %s pid=%d %s>" % (self.path, self.pid,
                                                      state)


def start(path, fd, tmp, gzip, header, on_done=None):
    """Clones the process to dump into fd (see _dump._dump_path); closes
    fd in this process. Raises at once if the clone cannot be made."""
    from . import _dumper
    try:
        pid, report_fd = _dumper.fork_dump(fd, tmp, path, gzip, header)
    finally:
        os.close(fd)
    return ForkDump(path, pid, report_fd, tmp, on_done)
