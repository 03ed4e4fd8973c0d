"""heapscope.dump() and `heapscope dump --pid` against a hostile or unusual
folder (issue 20): symlinks planted under the temporary names, a FIFO or a
device as the output, a planted error report."""

import errno
import os
import stat
import subprocess

import pytest

import dumper_util

dumper_util.require_dumper()
import heapscope  # noqa: E402
from heapscope import _inject  # noqa: E402

VICTIM_TEXT = b"a file the dumper must never touch\n"


def test_planted_temporary_symlinks_not_followed(tmp_path):
    # Before issue 20 the temporary was OUT.tmp-<pid>-<n>, n counting the
    # process's dumps: a user sharing the folder could plant them all.
    victim = tmp_path / "victim"
    victim.write_bytes(VICTIM_TEXT)
    out = tmp_path / "d.json"
    for n in range(200):
        os.symlink(str(victim), "%s.tmp-%d-%d" % (out, os.getpid(), n))
    result = heapscope.dump(str(out))
    assert victim.read_bytes() == VICTIM_TEXT
    assert stat.S_ISREG(os.lstat(str(out)).st_mode)
    assert os.path.getsize(str(out)) == result.bytes
    assert len(os.listdir(str(tmp_path))) == 202  # nothing of ours left


def test_fifo_written_not_replaced(tmp_path):
    fifo = tmp_path / "d.json"
    os.mkfifo(str(fifo))
    got = tmp_path / "got"
    # A reader in another process: the walk holds the GIL throughout.
    reader = subprocess.Popen(["sh", "-c", 'cat "$0" > "$1"', str(fifo),
                               str(got)])
    try:
        result = heapscope.dump(str(fifo))
        reader.wait(timeout=60)
    finally:
        if reader.poll() is None:
            reader.kill()
            reader.wait()
    assert stat.S_ISFIFO(os.lstat(str(fifo)).st_mode)
    assert os.path.getsize(str(got)) == result.bytes
    assert sorted(os.listdir(str(tmp_path))) == ["d.json", "got"]


def device(tmp_path, name, minor):
    """A character device node like /dev/null (minor 3) or /dev/full (7),
    in the test's own folder: the real /dev is never touched."""
    if os.geteuid() != 0:
        pytest.skip("making a device node needs root")
    path = tmp_path / name
    try:
        os.mknod(str(path), stat.S_IFCHR | 0o666, os.makedev(1, minor))
        with open(str(path), "wb"):
            pass
    except PermissionError as exc:  # no CAP_MKNOD, or a nodev mount
        pytest.skip("device nodes do not work here: %s" % exc)
    return path


def test_null_device_written_not_replaced(tmp_path):
    null = device(tmp_path, "null", 3)
    result = heapscope.dump(str(null))
    assert result.objects > 1000
    assert stat.S_ISCHR(os.lstat(str(null)).st_mode)
    assert os.listdir(str(tmp_path)) == ["null"]


def test_full_device_raises_and_stays(tmp_path):
    full = device(tmp_path, "full", 7)
    with pytest.raises(OSError) as info:
        heapscope.dump(str(full))
    assert info.value.errno == errno.ENOSPC
    assert stat.S_ISCHR(os.lstat(str(full)).st_mode)
    assert os.listdir(str(tmp_path)) == ["full"]


def test_rotation_keeps_devices_and_the_newest_dump(tmp_path):
    # dump_every(..., "/dev/null", keep=1) used to unlink the device on
    # its second dump, and a pattern without {n} its only dump. Now each
    # dump of a fixed name gets a name of its own (same.json, same.2.json)
    # and rotation removes the older one; a device keeps its name.
    null = device(tmp_path, "null", 3)
    trigger = heapscope._dump._Trigger(str(null), None, True, keep=1,
                                       fork=False)
    for _ in range(3):
        assert trigger.fire() == str(null)
    assert stat.S_ISCHR(os.lstat(str(null)).st_mode)
    same = tmp_path / "same.json"
    trigger = heapscope._dump._Trigger(str(same), None, True, keep=1,
                                       fork=False)
    assert trigger.fire() == str(same)
    assert trigger.fire() == str(tmp_path / "same.2.json")
    assert os.path.getsize(str(tmp_path / "same.2.json")) > 0
    assert not same.exists()
    assert trigger.written == [str(tmp_path / "same.2.json")]


def test_inject_keeps_special_output(tmp_path):
    # `heapscope dump --pid P -o /dev/null` used to unlink the output
    # before dumping. A failed dump --pid (here: the target is no Python)
    # leaves OUT as it was. (A planted OUT.error: test_dump_pid.py.)
    fifo = tmp_path / "out.json"
    os.mkfifo(str(fifo))
    target = subprocess.Popen(["sleep", "60"])
    try:
        with pytest.raises(_inject.InjectError):
            _inject.inject(target.pid, str(fifo), timeout=5)
    finally:
        target.kill()
        target.wait()
    assert stat.S_ISFIFO(os.lstat(str(fifo)).st_mode)
