"""Allocation sites reach the analyzer through every way a dump is made,
not only a direct heapscope.dump(): dump_on_signal and dump_every in a
process tracing with tracemalloc (programs/traced_triggers.py), and
`heapscope dump --pid` of a separately started traced process. Each dump
must name the line that made the program's objects, with its count, in
`heapscope summary --by-site`."""

import csv
import io
import os
import shutil
import subprocess
import sys

import pytest

import dumper_util

dumper_util.require_dumper()


heapscope_bin = dumper_util.heapscope_bin


def sites_of(path):
    """{(file, line): objects} from `summary --by-site --csv --all`."""
    proc = subprocess.run([heapscope_bin(), "summary", "--by-site", "--csv",
                           "--all", str(path)], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    return {(row["file"], int(row["line"])): int(row["count"])
            for row in csv.DictReader(io.StringIO(proc.stdout))}


def run_traced(program, *args):
    cmd = [sys.executable, "-X", "tracemalloc=4",
           os.path.join(dumper_util.PROGRAMS, program)] + [str(a)
                                                           for a in args]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def test_signal_and_periodic_dumps_carry_sites(tmp_path):
    import json
    report = json.loads(run_traced("traced_triggers.py", tmp_path).stdout)
    assert report["signal_error"] == "None"
    assert report["every_error"] == "None"
    assert len(report["signal"]) == 1
    assert len(report["every"]) == 2     # keep=2
    site = (report["file"], report["line"])
    for path in report["signal"] + report["every"]:
        sites = sites_of(path)
        # The 300 Tickets (and the list comprehension's list) were made
        # on that line; nothing else of the program was.
        assert sites.get(site, 0) >= report["tickets"], (path, site, sorted(
            k for k in sites if k[0] == report["file"]))


@pytest.mark.skipif(shutil.which("gdb") is None, reason="gdb is not installed")
def test_dump_pid_of_a_traced_process_carries_sites(tmp_path):
    target = os.path.join(dumper_util.PROGRAMS, "target.py")
    objects = 2000
    proc = subprocess.Popen([sys.executable, "-X", "tracemalloc=4", target,
                             "sleep", str(objects)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, universal_newlines=True,
                            bufsize=1)
    try:
        assert proc.stdout.readline().strip() == "ready"
        out = tmp_path / "pid.json"
        dumped = subprocess.run([heapscope_bin(), "dump", "--pid",
                                 str(proc.pid), "-o", str(out), "--timeout",
                                 "60"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE,
                                universal_newlines=True, timeout=120)
        assert dumped.returncode == 0, dumped.stderr
        with open(target) as f:
            line = next(i for i, text in enumerate(f, 1)
                        if "ballast.extend(" in text)
        sites = sites_of(out)
        # A [i, str(i)] list and the str per object, on that line (the
        # small ints are cached, never allocated there).
        assert sites.get((target, line), 0) >= 2 * objects, sorted(
            k for k in sites if k[0] == target)
        # The target goes on, and no code of heapscope stayed in it.
        proc.stdin.write("modules\n")
        proc.stdin.flush()
        assert proc.stdout.readline().strip() == "modules"
    finally:
        proc.stdin.close()
        proc.wait(20)
