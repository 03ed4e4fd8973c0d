"""om.sql(query, *later): SQL over loaded dumps from Python (docs/query.md),
row for row what `heapscope query --json` prints for the same dumps (when
the CLI is built: HEAPSCOPE_BIN, set by ctest, or build/bin/heapscope),
and refused or bad SQL raising HeapscopeError."""

import json
import os
import subprocess

import pytest

import api_util

heapscope = api_util.require_analyzer()
from heapscope.meliae import loader  # noqa: E402

HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN") or os.path.join(
    api_util.ROOT, "build", "bin", "heapscope")
LEAK = os.path.join(api_util.ROOT, "tests", "data", "log-leak")
EARLY = os.path.join(LEAK, "memory-200.json.gz")
LATE = os.path.join(LEAK, "memory-600.json.gz")

QUERIES = [
    "SELECT type, count(*) AS n, sum(size) AS bytes FROM objects "
    "WHERE dump = 2 AND new GROUP BY type ORDER BY bytes DESC",
    "SELECT dump, retained, retained_count, idom FROM objects "
    "WHERE address = 139862182498352 ORDER BY dump",
    "SELECT src, dst, label, position FROM edges "
    "WHERE src = 139862182498352 AND dump = 2 ORDER BY position LIMIT 5",
    "SELECT dump, objects, size FROM dumps",
]


@pytest.fixture(scope="module")
def dumps():
    return loader.load(EARLY), loader.load(LATE)


@pytest.mark.parametrize("sql", QUERIES)
def test_rows_are_the_clis(dumps, sql):
    early, late = dumps
    names, rows = early.sql_rows(sql, [late])
    assert early.sql(sql, late) == rows
    if not os.path.exists(HEAPSCOPE):
        pytest.skip("no heapscope program")
    out = subprocess.run([HEAPSCOPE, "query", "--json", EARLY, LATE, sql],
                         capture_output=True, text=True, check=True).stdout
    assert [tuple(r.values()) for r in json.loads(out)] == rows
    assert all(list(r) == list(names) for r in json.loads(out))


def test_one_dump_and_values(dumps):
    early, _ = dumps
    rows = early.sql("SELECT value, len, name FROM objects WHERE type = "
                     "'module' AND name = '__main__'")
    assert rows == [(None, None, "__main__")]
    assert early.sql("SELECT count(*) FROM objects") == [(len(early),)]


@pytest.mark.parametrize("sql", [
    "ATTACH 'x.db' AS x", "CREATE TABLE t(a)", "PRAGMA journal_mode = WAL",
    "SELECT load_extension('x')", "SELEC 1", "SELECT nosuch FROM objects"])
def test_refused_and_bad_sql_raise(dumps, sql):
    with pytest.raises(heapscope.HeapscopeError):
        dumps[0].sql(sql)


def test_one_statement_at_a_time(dumps):
    with pytest.raises(ValueError):
        dumps[0].sql("SELECT 1; SELECT 2")
    with pytest.raises(TypeError):
        dumps[0].sql("SELECT 1", "not a dump")
