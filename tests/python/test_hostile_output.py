"""Dumps are untrusted: nothing in one may command the terminal or a
spreadsheet (issue 20, item 5).

A dump whose type names, module names, dict keys and values carry
terminal escapes (OSC window title, OSC 52 clipboard write, ESC[2J, CR,
BEL, a C1 CSI in UTF-8) goes through every command that prints text; no
control character but tab and newline may reach stdout. CSV fields that
a spreadsheet would run as formulas are neutralised."""
import json
import os
import re
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))

EVIL = "x\x1b]0;owned\x07\x1b]52;c;ZWNobyBoaQ==\x07\x1b[2J\r\x08\x7f\u009b1m"
# Any C0 control but tab and newline, DEL, or a C1 control (UTF-8 C2 80-9F).
CONTROL = re.compile(rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]")


def rec(addr, typ, size, refs, **extra):
    r = {"address": addr, "type": typ, "size": size}
    r.update(extra)
    r["refs"] = refs
    return json.dumps(r) + "\n"


def write_dump(path, grow):
    with open(path, "w") as f:
        f.write(rec(100, "module", 900, [200], name="mod" + EVIL))
        f.write(rec(200, "dict", 1000, [300, 400] + [1000 + i for i in
                                                     range(2 * grow)],
                    len=1 + grow))
        f.write(rec(300, "str", 60, [], value="key" + EVIL, len=10))
        f.write(rec(400, "Evil" + EVIL, 64, [500]))
        f.write(rec(500, "=HYPERLINK(\"http://x\")", 32, [],
                    value="=1+2", len=4))
        for i in range(grow):
            f.write(rec(1000 + 2 * i, "str", 50, [], value="k%d" % i, len=2))
            f.write(rec(1001 + 2 * i, "Leak" + EVIL, 200, []))


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile")
    paths = []
    for k, grow in enumerate((10, 40, 90)):
        p = str(d / ("evil-%d.json" % k))
        write_dump(p, grow)
        paths.append(p)
    return paths


def run(*args, stdin=None):
    p = subprocess.run([HEAPSCOPE] + list(args), input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    return p


COMMANDS = [
    ("summary", lambda d: ["summary", d[0]]),
    ("summary-csv", lambda d: ["summary", "--csv", d[0]]),
    ("info", lambda d: ["info", d[0]]),
    ("show-module", lambda d: ["show", d[0], "100"]),
    ("show-dict", lambda d: ["show", "--no-collapse", d[0], "200"]),
    ("show-evil", lambda d: ["show", d[0], "400"]),
    ("all", lambda d: ["all", d[0], "Evil" + EVIL]),
    ("all-csv", lambda d: ["all", "--csv", d[0], "str"]),
    ("diff", lambda d: ["diff", d[0], d[2]]),
    ("diff-csv", lambda d: ["diff", "--csv", d[0], d[2]]),
    ("path", lambda d: ["path", d[0], "500"]),
    ("growth", lambda d: ["growth"] + d),
    ("growth-csv", lambda d: ["growth", "--csv"] + d),
    ("dot", lambda d: ["dot", d[0], "400"]),
    ("top", lambda d: ["top", d[0]]),
    ("top-csv", lambda d: ["top", "--csv", d[0]]),
    ("top-types", lambda d: ["top", "--by-type", d[0]]),
    ("dominators", lambda d: ["dominators", d[0], "500"]),
    ("leaks", lambda d: ["leaks"] + d),
]


@pytest.mark.parametrize("name,args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_no_control_character_reaches_stdout(dumps, name, args):
    p = run(*args(dumps))
    assert p.returncode == 0, p.stderr.decode()
    assert p.stdout, "printed nothing"
    bad = CONTROL.search(p.stdout)
    assert bad is None, "%s printed %r" % (name, p.stdout[max(
        0, bad.start() - 40):bad.end() + 10])


def test_explore_script(dumps):
    p = run("explore", dumps[0],
            stdin=b"go 400\nshow\np\nc\nup\ngo 100\nshow\ntop\nfind Evil\n")
    assert p.returncode == 0, p.stderr.decode()
    assert CONTROL.search(p.stdout) is None


def test_escapes_are_shown_not_dropped(dumps):
    """The filter shows what was there: a user must still see that the type
    name holds an escape."""
    out = run("summary", dumps[0]).stdout.decode()
    assert "Evilx\\x1b]0;owned\\x07" in out


def test_csv_formulas_neutralised(dumps):
    out = run("summary", "--csv", dumps[0]).stdout.decode()
    assert "\"'=HYPERLINK(\"\"http://x\"\")\"" in out
    assert "\n=" not in out and ",=" not in out
    out = run("all", "--csv", dumps[0], "=HYPERLINK(\"http://x\")")
    text = out.stdout.decode()
    assert "\"'=1+2\"" in text and ",=1+2" not in text
