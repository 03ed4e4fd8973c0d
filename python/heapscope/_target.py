"""What process `heapscope dump --pid` is asked to dump, read from /proc.

Nothing of the target is executed: not its binary (it may belong to
another user, or be no Python at all), not its modules. The Python version
comes from the name of the libpython it mapped (/proc/PID/maps) or, for an
interpreter linked statically, from the `Py_Version` symbol of its ELF
file (3.11+), read as data. Every refusal here happens before gdb touches
the process, and says how to fix it.
"""

import collections
import os
import pwd
import re
import struct

SUPPORTED = ((3, 8), (3, 13))
CAP_SYS_PTRACE = 19

Target = collections.namedtuple(
    "Target", "pid uid gid exe version version_source start_time")


class TargetError(Exception):
    pass


def _read(path, limit=1 << 20):
    with open(path, "rb") as f:
        return f.read(limit)


def _status_fields(pid):
    fields = {}
    for line in _read("/proc/%d/status" % pid).decode("ascii",
                                                      "replace").splitlines():
        key, _, rest = line.partition(":")
        fields[key] = rest.split()
    return fields


def _stat(pid):
    # The command name (field 2) may hold spaces and parentheses: the
    # fields after it start at the last ')'.
    text = _read("/proc/%d/stat" % pid).decode("ascii", "replace")
    return text[text.rindex(")") + 2:].split()


def start_time(pid):
    """The process's start time in clock ticks (field 22 of stat), which
    tells a process from a later one that reused its pid; None if gone."""
    try:
        return int(_stat(pid)[19])
    except (OSError, ValueError, IndexError):
        return None


def still_running(target):
    """The same process, not ended (a zombie has ended: its heap is gone)."""
    try:
        fields = _stat(target.pid)
        return int(fields[19]) == target.start_time and fields[0] not in "ZX"
    except (OSError, ValueError, IndexError):
        return False


def _user(uid):
    try:
        return "%s (uid %d)" % (pwd.getpwuid(uid).pw_name, uid)
    except KeyError:
        return "uid %d" % uid


def _has_cap(capeff_hex, cap):
    return bool(int(capeff_hex, 16) >> cap & 1)


def _ptrace_scope():
    try:
        return int(_read("/proc/sys/kernel/yama/ptrace_scope").strip())
    except (OSError, ValueError):
        return None   # no Yama: only the classic uid rules apply


def _is_ancestor(pid):
    # Yama's scope 1 lets a process trace its descendants only; the
    # injector and gdb are children of the caller, so an ancestor of the
    # caller does not count, but the caller's descendants do.
    p = pid
    me = os.getpid()
    for _ in range(4096):
        if p == me:
            return True
        if p <= 1:
            return False
        try:
            p = int(_stat(p)[1])
        except (OSError, ValueError, IndexError):
            return False
    return False


def check_state(pid):
    """Refuses zombies, stopped and already traced processes; returns the
    target's /proc/PID/status fields."""
    if not os.path.isdir("/proc/%d" % pid):
        raise TargetError("no process %d" % pid)
    try:
        state = _stat(pid)[0]
        fields = _status_fields(pid)
    except (OSError, ValueError, IndexError):
        raise TargetError("no process %d" % pid)
    if state in ("Z", "X"):
        raise TargetError(
            "process %d is a zombie: it has exited and only waits for its "
            "parent to reap it; there is no heap left to dump" % pid)
    tracer = int(fields.get("TracerPid", ["0"])[0])
    if tracer != 0:
        raise TargetError(
            "process %d is already traced by process %d (a debugger or "
            "strace): detach that first, only one tracer may attach"
            % (pid, tracer))
    if state in ("T", "t"):
        raise TargetError(
            "process %d is stopped (SIGSTOP or Ctrl-Z): resume it with "
            "`kill -CONT %d` and dump again (gdb's call into a stopped "
            "process cannot complete, and cutting it short would crash it)"
            % (pid, pid))
    return fields


def check_permission(pid, fields):
    """The ptrace rules (uids, CAP_SYS_PTRACE, Yama), said before gdb
    fails with a less helpful message."""
    uid = int(fields["Uid"][1])
    me = _status_fields(os.getpid())
    my_uid = os.geteuid()
    has_cap = _has_cap(me["CapEff"][0], CAP_SYS_PTRACE)
    scope = _ptrace_scope()
    # Without CAP_SYS_PTRACE the kernel wants the same uid, and no
    # capability in the target that the caller lacks.
    more_caps = int(fields["CapPrm"][0], 16) & ~int(me["CapPrm"][0], 16)
    if not has_cap and my_uid == 0 and (uid != my_uid or more_caps):
        raise TargetError(
            "this root has no CAP_SYS_PTRACE (a container started without "
            "it?), which dumping process %d (%s) needs: run the container "
            "with --cap-add=SYS_PTRACE, or dump from the host"
            % (pid, _user(uid)))
    if not has_cap and uid != my_uid:
        raise TargetError(
            "process %d belongs to %s, you are %s: only root (or a "
            "process with CAP_SYS_PTRACE) may dump another user's process; "
            "run `sudo heapscope dump --pid %d ...`"
            % (pid, _user(uid), _user(my_uid), pid))
    if scope == 3:
        raise TargetError(
            "kernel.yama.ptrace_scope is 3: ptrace is disabled for everyone "
            "until the next reboot, so no process can be dumped")
    if scope == 2 and not has_cap:
        raise TargetError(
            "kernel.yama.ptrace_scope is 2: only root (CAP_SYS_PTRACE) may "
            "attach; run heapscope dump as root")
    if scope == 1 and not has_cap and not _is_ancestor(pid):
        raise TargetError(
            "kernel.yama.ptrace_scope is 1: only a parent may attach to "
            "process %d; run heapscope dump as root, or allow it with "
            "`sysctl kernel.yama.ptrace_scope=0`" % pid)


_LIBPYTHON = re.compile(rb"/libpython(\d+)\.(\d+)[a-z]*\.so[.\d]*$")


def _version_from_maps(pid):
    for line in _read("/proc/%d/maps" % pid, 64 << 20).splitlines():
        m = _LIBPYTHON.search(line)
        if m:
            return ((int(m.group(1)), int(m.group(2))),
                    os.fsdecode(line.split(None, 5)[-1]))
    return None


def _elf_symbols(f, names):
    """The file offsets of the named dynamic symbols defined in an ELF64
    little-endian file: {name: (file offset, size)}."""
    head = f.read(64)
    if head[:4] != b"\x7fELF" or head[4] != 2 or head[5] != 1:
        return None
    shoff, = struct.unpack_from("<Q", head, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", head, 0x3A)
    if shoff == 0 or shentsize < 64 or shnum > 4096:
        return None
    f.seek(shoff)
    raw = f.read(shentsize * shnum)
    sections = []
    for i in range(shnum):
        (_, stype, _, addr, off, size, link, _, _,
         entsize) = struct.unpack_from("<IIQQQQIIQQ", raw, i * shentsize)
        sections.append((stype, addr, off, size, link, entsize))
    found = {}
    for stype, _, off, size, link, entsize in sections:
        if stype != 11 or entsize < 24 or link >= len(sections):  # DYNSYM
            continue
        f.seek(sections[link][2])
        strtab = f.read(min(sections[link][3], 64 << 20))
        f.seek(off)
        table = f.read(min(size, 256 << 20))
        for k in range(0, len(table) - 23, entsize):
            name, _, _, shndx, value, symsize = struct.unpack_from(
                "<IBBHQQ", table, k)
            end = strtab.find(b"\0", name)
            sym = strtab[name:end]
            if sym in names and 0 < shndx < len(sections):
                sec = sections[shndx]
                found[sym] = (value - sec[1] + sec[2], symsize)
    return found


def _version_from_elf(pid):
    # /proc/PID/exe opens the very file the process runs (even if it was
    # replaced or deleted since); it is only read.
    names = {b"Py_Version", b"PyGILState_Ensure", b"Py_AddPendingCall",
             b"PyRun_SimpleString"}
    try:
        with open("/proc/%d/exe" % pid, "rb") as f:
            syms = _elf_symbols(f, names)
            if not syms or b"PyGILState_Ensure" not in syms:
                return None
            if b"Py_Version" not in syms:
                return ((None, None), "its executable (a statically linked "
                        "Python older than 3.11, whose version cannot be "
                        "read without running it)")
            f.seek(syms[b"Py_Version"][0])
            hexversion, = struct.unpack("<Q", f.read(8))
    except (OSError, struct.error):
        return None
    return ((hexversion >> 24 & 0xFF, hexversion >> 16 & 0xFF),
            "Py_Version in its executable")


def python_version(pid):
    """((major, minor), where it was read) of the CPython process pid runs;
    TargetError when it runs none, or one dump --pid does not support."""
    try:
        found = _version_from_maps(pid) or _version_from_elf(pid)
        exe = os.readlink("/proc/%d/exe" % pid)
    except OSError as exc:
        raise TargetError("cannot read /proc/%d: %s" % (pid, exc.strerror))
    if found is None:
        raise TargetError(
            "process %d (%s) is not a Python process: it maps no libpython "
            "and its executable exports no CPython API; nothing was done "
            "to it" % (pid, exe))
    version, source = found
    if version[0] is None:
        raise TargetError("process %d runs %s: %s" % (pid, exe, source))
    if not SUPPORTED[0] <= version <= SUPPORTED[1]:
        raise TargetError(
            "process %d runs Python %d.%d (from %s); dump --pid supports "
            "CPython %d.%d-%d.%d" % ((pid,) + version + (source,)
                                     + SUPPORTED[0] + SUPPORTED[1]))
    return version, source


def examine(pid):
    """Every check that can be made before attaching; returns a Target."""
    fields = check_state(pid)
    check_permission(pid, fields)
    version, source = python_version(pid)
    exe = os.readlink("/proc/%d/exe" % pid)
    return Target(pid, int(fields["Uid"][3]), int(fields["Gid"][3]), exe,
                  version, source, start_time(pid))
