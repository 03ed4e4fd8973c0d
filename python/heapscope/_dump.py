"""Python side of the dumper: files, atomic renames and triggers.

Everything here runs before or after the C walk (heapscope._dumper), where
creating Python objects cannot disturb the snapshot.
"""

import os
import shutil
import stat
import tempfile
import threading
import time
from collections import namedtuple

DumpResult = namedtuple("DumpResult", "objects bytes")

_COMPRESSIONS = (None, "gzip", "none")
# Attempts at a free temporary name: 64 random bits each, so only someone
# filling the folder on purpose makes them all collide.
_TEMP_TRIES = 64


def _dumper():
    # Imported lazily so that importing heapscope for analysis works where
    # the extension was not built; relatively, so that `dump --pid` can
    # load this module under a private package name (heapscope._inject).
    from . import _dumper
    return _dumper


def _fork():
    return _fork_module


def _want_gzip(name, compress):
    if compress not in _COMPRESSIONS:
        raise ValueError("compress must be None, 'gzip' or 'none', not %r"
                         % (compress,))
    if compress is None:
        return name is not None and str(name).endswith(".gz")
    return compress == "gzip"


def _create_temp(path):
    """A new file beside path, so the rename is atomic: a random name
    (a pid-based one is predictable, and a symlink planted under it would
    make the dumper, often root, write anywhere), created exclusively and
    never through a symlink."""
    for _ in range(_TEMP_TRIES):
        tmp = "%s.tmp-%s" % (path, os.urandom(8).hex())
        try:
            return tmp, os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL
                                | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
        except FileExistsError:
            continue
    raise FileExistsError("no free temporary name beside %s" % path)


def _is_special(path):
    # An existing device, FIFO or /proc/self/fd link: renaming over it
    # would put a regular file in place of /dev/full or of a FIFO's reader.
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _dump_path(path, gzip, header, roots, fork=False, on_done=None):
    path = os.fspath(path)
    if _is_special(path):
        # Written directly; no O_CREAT: had it vanished meanwhile, a
        # regular file must not appear in its place.
        fd = os.open(path, os.O_WRONLY | os.O_NOCTTY | os.O_CLOEXEC)
        if fork:
            return _fork().start(path, fd, None, gzip, header, on_done)
        try:
            return DumpResult(*_dumper().dump_fd(fd, gzip, header, roots))
        finally:
            os.close(fd)
    tmp, fd = _create_temp(path)
    if fork:
        try:
            return _fork().start(path, fd, tmp, gzip, header, on_done)
        except BaseException:
            os.unlink(tmp)
            raise
    try:
        try:
            objects, nbytes = _dumper().dump_fd(fd, gzip, header, roots)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return DumpResult(objects, nbytes)


def _dump_stream(stream, gzip, header, roots):
    # The walk writes to a descriptor; a caller's stream may be any Python
    # object (GzipFile, BytesIO, a socket file), so the dump goes to an
    # anonymous temporary file first and is copied afterwards.
    with tempfile.TemporaryFile() as tmp:
        tmp.flush()
        objects, nbytes = _dumper().dump_fd(tmp.fileno(), gzip, header,
                                            roots)
        tmp.seek(0)
        if _is_text(stream):
            if gzip:
                raise ValueError("gzip output needs a binary stream")
            while True:
                chunk = tmp.read(1 << 20)
                if not chunk:
                    break
                stream.write(chunk.decode("ascii"))
        else:
            shutil.copyfileobj(tmp, stream, 1 << 20)
    return DumpResult(objects, nbytes)


def _is_text(stream):
    import io
    if isinstance(stream, io.TextIOBase):
        return True
    mode = getattr(stream, "mode", "")
    return isinstance(mode, str) and "b" not in mode and mode != ""


def dump(path_or_file, *, compress=None, header=True, fork=False):
    """Write every live object, one JSON line each; return (objects, bytes).

    path_or_file: a path (str or os.PathLike), written atomically through a
    temporary name in the same directory (random, created exclusively), or
    written directly when it exists and is not a regular file (a device,
    a FIFO); or a writable file object (text or binary), written after
    the walk. compress: None (gzip when the path
    ends in ".gz"), "gzip" or "none". header: write the
    {"heapscope_dump": 1, ...} first line and the "unset_slots" of
    slotted instances (meliae's loader rejects both); header=False
    writes only what meliae's loader reads.
    fork: True dumps from a clone of the process (Linux; docs/dumper.md
    "Fork snapshots"): this call returns a ForkDump handle as soon as
    the clone exists, and its wait() returns the path once the clone
    has written it. Only for paths.
    """
    if fork:
        return _dump_forked(path_or_file, compress, header)
    return dump_reachable(path_or_file, None, compress=compress,
                          header=header)


def _dump_forked(path, compress, header, on_done=None):
    if not (isinstance(path, (str, bytes)) or hasattr(path, "__fspath__")):
        raise TypeError("dump(fork=True) needs a path, not %s"
                        % type(path).__name__)
    why = _fork().unsafe_reason()
    if why is not None:
        raise ValueError("heapscope: no fork dump here: %s" % why)
    name = os.fsdecode(os.fspath(path))
    return _dump_path(name, _want_gzip(name, compress), bool(header), None,
                      fork=True, on_done=on_done)


def dump_reachable(path_or_file, roots, *, compress=None, header=True):
    """dump() of only the objects in the sequence roots and what they
    reach (every live object when roots is None): meliae's
    dump_all_referenced. The sequence itself is not written unless its
    items reach it."""
    if isinstance(path_or_file, (str, bytes)) or hasattr(path_or_file,
                                                         "__fspath__"):
        name = os.fsdecode(os.fspath(path_or_file))
        return _dump_path(name, _want_gzip(name, compress), bool(header),
                          roots)
    if not hasattr(path_or_file, "write"):
        raise TypeError("dump() needs a path or a writable file object, not %s"
                        % type(path_or_file).__name__)
    gzip = _want_gzip(getattr(path_or_file, "name", None)
                      if compress is None else None, compress)
    return _dump_stream(path_or_file, gzip, bool(header), roots)


def _notice(text):
    # Straight to the descriptor: the handler may have interrupted a write
    # to sys.stderr, and a buffered stream refuses a reentrant write.
    try:
        os.write(2, text.encode("utf-8", "replace"))
    except OSError:
        pass


def _expand(pattern, n):
    # {pid}, {time} (Unix seconds) and {n} (1, 2, ... per trigger).
    return pattern.format(pid=os.getpid(), time=int(time.time()), n=n)


def _tagged(path, tag):
    """path with ".TAG" before the first dot of its file name:
    mem-17.json -> mem-17.2.json."""
    head, tail = os.path.split(path)
    dot = tail.find(".", 1)
    stem, ext = (tail, "") if dot < 0 else (tail[:dot], tail[dot:])
    return os.path.join(head, "%s.%s%s" % (stem, tag, ext))


def _atfork():
    return _atfork_module


class _Trigger:
    """State shared by the signal and timer triggers."""

    def __init__(self, pattern, compress, header, keep=None, fork=None):
        if keep is not None and keep < 1:
            raise ValueError("keep must be at least 1")
        _expand(pattern, 0)   # reject unknown fields now, not at dump time
        self.pattern = pattern
        self.compress = compress
        self.header = header
        self.keep = keep
        self.fork = fork
        self.count = 0
        self.skipped = 0
        self.written = []
        self.last_error = None
        self.pending = None    # the ForkDump being written, if any
        self._names = set()    # every name this trigger has given a dump
        self._lock = threading.Lock()
        self._child_tag = None   # "pid<PID>" in a child made by os.fork
        _atfork().track(self)

    def _after_fork_child(self):
        # In a child made by os.fork (a pre-fork server's worker, a
        # multiprocessing Process): a dump the parent had in progress
        # holds the lock forever here, and the parent's dumps are not this
        # child's to rotate, so the child starts afresh. A pattern without
        # {pid} gets the child's pid, so that workers never share names.
        self._lock = threading.Lock()
        self.count = 0
        self.skipped = 0
        self.written = []
        self.last_error = None
        self.pending = None
        self._names = set()
        if "{pid}" not in self.pattern:
            self._child_tag = "pid%d" % os.getpid()

    def fire(self):
        # Never wait for the lock: a Python signal handler runs in the
        # thread it interrupts, which may be this trigger's own dump in
        # its Python part (the rename, the rotation), and would then wait
        # for itself forever. A trigger that finds a dump in progress is
        # skipped (that dump shows the heap of the same moment), counted
        # and reported on stderr. A fork dump holds the lock until its
        # clone has ended (_fork_ended releases it).
        if not self._lock.acquire(blocking=False):
            self.skipped += 1
            _notice("heapscope: a dump to %s is in progress; this trigger's "
                    "dump is skipped\n" % self.pattern)
            return None
        forked = None
        try:
            forked = self._dump_locked()
            return forked
        finally:
            if not isinstance(forked, _fork().ForkDump):
                self._lock.release()

    def _unique(self, path):
        # Two dumps of one trigger never share a name ({time} within one
        # second, a pattern without {n}): the later one gets a counter
        # before the extension (mem-17.json, mem-17.2.json), so no dump
        # replaces another and rotation never deletes the newest. A
        # device or FIFO is written, not created: its name stays.
        if path not in self._names or _is_special(path):
            self._names.add(path)
            return path
        k = 2
        while _tagged(path, k) in self._names:
            k += 1
        path = _tagged(path, k)
        self._names.add(path)
        return path

    def _dump_locked(self):
        self.count += 1
        path = _expand(self.pattern, self.count)
        if self._child_tag is not None and not _is_special(path):
            path = _tagged(path, self._child_tag)
        path = self._unique(path)
        try:
            # Decided at each dump: tracemalloc may have started since.
            if _fork().wanted(self.fork):
                self.pending = _dump_forked(path, self.compress, self.header,
                                            on_done=self._fork_ended)
                return self.pending
            dump(path, compress=self.compress, header=self.header)
        except Exception as exc:   # a trigger must not kill the host
            self.last_error = exc
            return None
        self._kept(path)
        return path

    def _fork_ended(self, handle):
        # In the fork dump's reaper thread, once its clone has ended.
        try:
            if handle.error is not None:
                self.last_error = handle.error
            else:
                self._kept(handle.path)
        finally:
            self._lock.release()

    def _kept(self, path):
        if path in self.written:   # a device or FIFO, written again
            self.written.remove(path)
        self.written.append(path)
        while self.keep is not None and len(self.written) > self.keep:
            old = self.written.pop(0)
            # Only our own dumps go: a device or FIFO the pattern names
            # (/dev/null) was written to, not created, and must stay.
            if old == path or _is_special(old) or os.path.islink(old):
                continue
            try:
                os.unlink(old)
            except OSError:
                pass


def dump_on_signal(signum, pattern, *, compress=None, header=True,
                   fork=None):
    """Dump to pattern ({pid}, {time}, {n}) whenever signum arrives.

    Installs a Python-level handler (so it must be called from the main
    thread); the dump runs in the main thread between bytecodes, never
    inside the signal handler's C context. A signal that arrives while a
    dump is still running (the walk or its rename) is skipped, with a
    notice on stderr, rather than waiting: the handler runs in the very
    thread that is dumping. fork: dump from a clone of the process
    (dump(fork=True)); None, the default, forks where that is safe
    (docs/dumper.md). Returns the previous handler.
    """
    import signal
    trigger = _Trigger(pattern, compress, header, fork=fork)

    def handler(signo, frame):
        trigger.fire()

    handler.trigger = trigger
    return signal.signal(signum, handler)


class _TriggerView:
    """What a trigger's owner (a thread, the memory-error hook) shows of
    its _Trigger: the dumps kept, those skipped, the last failure."""

    @property
    def written(self):
        return list(self.trigger.written)

    @property
    def skipped(self):
        return self.trigger.skipped

    @property
    def last_error(self):
        return self.trigger.last_error


class _Periodic(_TriggerView, threading.Thread):
    """A daemon thread that fires trigger every `seconds`, or, given
    check, at each tick where check() is true (dump_on_threshold)."""

    def __init__(self, seconds, trigger, check=None,
                 name="heapscope-dump-every"):
        super().__init__(name=name, daemon=True)
        self.seconds = seconds
        self.trigger = trigger
        self.check = check
        self.successor = None   # the thread that goes on in a forked child
        self._stop_event = threading.Event()
        _atfork().track(self)

    def _after_fork_child(self):
        # Threads do not survive os.fork: a running one is replaced in
        # the child by a new thread on the same trigger (reset by its own
        # hook); stop() on this object stops that one.
        if (self.successor is not None or self._stop_event.is_set()
                or not self._started.is_set()):
            return   # a successor (a grandchild's case) restarts itself
        self.successor = _Periodic(self.seconds, self.trigger, self.check,
                                   self.name)
        self.successor.start()

    def run(self):
        while not self._stop_event.wait(self.seconds):
            if self.check is not None and not self.check():
                continue
            done = self.trigger.fire()
            if isinstance(done, _fork().ForkDump):
                # The next period starts when this clone has ended, not
                # while it still writes (that tick would be skipped).
                done.join()

    def stop(self, timeout=None):
        """Stop dumping; waits for a dump in progress to finish."""
        if self.successor is not None:
            self.successor.stop(timeout)
        self._stop_event.set()
        if threading.current_thread() is not self:
            self.join(timeout)
        pending = self.trigger.pending
        if pending is not None:
            pending.join(timeout)



def dump_every(seconds, pattern, keep=None, *, compress=None, header=True,
               fork=None):
    """Dump every `seconds` from a daemon thread; keep the newest `keep`.

    Returns the thread; call .stop() to end it. Its .written lists the
    dumps kept and .last_error the last failure, if any. fork: as
    dump_on_signal's (None: fork where safe).
    """
    if seconds <= 0:
        raise ValueError("seconds must be positive")
    thread = _Periodic(seconds, _Trigger(pattern, compress, header, keep,
                                         fork))
    thread.start()
    return thread


# Imported here, at the end, and not when first needed: a first import
# in a trigger's thread could be under way when the application forks,
# leaving a half-made module in the child (a pre-fork server's worker
# then failed with "partially initialized module"). _fork imports
# DumpResult from this module, which exists by now.
from . import _atfork as _atfork_module  # noqa: E402
from . import _fork as _fork_module  # noqa: E402
