"""heapscope query from the outside: Ctrl-C stops a runaway statement
(exit 1, "interrupted", the rows before it printed), hostile SQL creates
no file, and the SQL comes from an argument, -f FILE or stdin alike;
export --csv and --sqlite hold what queries see.
Needs the CLI (HEAPSCOPE_BIN, set by ctest, or build/bin/heapscope)."""

import os
import re
import signal
import subprocess
import time

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN") or os.path.join(
    ROOT, "build", "bin", "heapscope")
SMALL = os.path.join(ROOT, "tests", "data", "small.json")
RUNAWAY = ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
           "SELECT count(*) FROM c")


@pytest.fixture(autouse=True)
def program():
    if not os.path.exists(HEAPSCOPE):
        pytest.skip("no heapscope program at %s" % HEAPSCOPE)


def run(*args, stdin=None):
    return subprocess.run([HEAPSCOPE, "query", "--no-snapshot"] + list(args),
                          input=stdin, capture_output=True, text=True)


def test_ctrl_c_stops_the_statement():
    proc = subprocess.Popen([HEAPSCOPE, "query", "--no-snapshot", SMALL,
                             "SELECT 42 AS before; " + RUNAWAY],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    time.sleep(1.0)
    assert proc.poll() is None, "the runaway query ended by itself"
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 1
    assert "interrupted" in err
    assert "42" in out


@pytest.mark.parametrize("sql", [
    "ATTACH '{p}' AS x", "VACUUM INTO '{p}'", "SELECT load_extension('{p}')",
    "PRAGMA temp_store_directory = '{p}'",
    "SELECT 1; CREATE TABLE t AS SELECT '{p}'"])
def test_hostile_sql_creates_no_file(tmp_path, sql):
    path = str(tmp_path / "made.db")
    proc = run(SMALL, sql.format(p=path))
    assert proc.returncode == 1
    assert "refused" in proc.stderr
    assert os.listdir(str(tmp_path)) == []


def test_sql_from_argument_file_and_stdin(tmp_path):
    sql = "SELECT type, count(*) FROM objects GROUP BY type;\n"
    script = tmp_path / "q.sql"
    script.write_text(sql)
    outs = [run(SMALL, sql), run("-f", str(script), SMALL),
            run("-f", "-", SMALL, stdin=sql), run(SMALL, "-", stdin=sql)]
    assert all(p.returncode == 0 for p in outs), [p.stderr for p in outs]
    assert len({p.stdout for p in outs}) == 1


def terminal(text):
    """text as stdout shows it: control characters as \\xHH (a file
    holds them as they are)."""
    return re.sub("[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]",
                  lambda m: "\\x%02x" % ord(m.group()), text)


def test_export_holds_what_queries_see(tmp_path):
    leak = os.path.join(ROOT, "tests", "data", "log-leak")
    dumps = [os.path.join(leak, "memory-%d.json.gz" % t) for t in (200, 600)]
    db = str(tmp_path / "out.db")
    proc = subprocess.run([HEAPSCOPE, "export", "--csv", str(tmp_path / "csv"),
                           "--sqlite", db] + dumps, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(str(tmp_path))) == ["csv", "out.db"]
    import sqlite3
    con = sqlite3.connect(db)
    for table in ("dumps", "types", "objects", "edges"):
        sql = "SELECT * FROM %s" % table
        with open(str(tmp_path / "csv" / (table + ".csv")), newline="") as f:
            assert terminal(f.read()) == run("--csv", *dumps, sql).stdout
        want = run("--csv", *dumps, "SELECT count(*) FROM %s" % table)
        assert "%d\n" % con.execute(
            "SELECT count(*) FROM %s" % table).fetchone()[0] == \
            want.stdout.splitlines(True)[1]
