"""docs/query.md, run: every query of "The classic investigation, as
queries" on the log-leak dumps, its answer checked against the command
that answers the same question (diff, path, leaks), and the other
queries of the page run without error. Needs the CLI (HEAPSCOPE_BIN, set
by ctest, or build/bin/heapscope)."""

import json
import os
import re
import subprocess

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN") or os.path.join(
    ROOT, "build", "bin", "heapscope")
LEAK = os.path.join(ROOT, "tests", "data", "log-leak")
EARLY, MIDDLE, LATE = (os.path.join(LEAK, "memory-%d.json.gz" % t)
                       for t in (200, 400, 600))
DICT = 139862179544448      # a new dict the deque holds
DEQUE = 139862182498352     # the owner of the growth


def doc_queries():
    """{first comment line: sql} of every ```sql block in docs/query.md
    (a block of several queries gives one entry, its first comment)."""
    with open(os.path.join(ROOT, "docs", "query.md")) as f:
        text = f.read()
    out = {}
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        out[block.splitlines()[0].lstrip("- ").strip()] = block
    return out


QUERIES = doc_queries()


def heapscope(*args):
    if not os.path.exists(HEAPSCOPE):
        pytest.skip("no heapscope program at %s" % HEAPSCOPE)
    proc = subprocess.run([HEAPSCOPE] + list(args), capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def query(name, *dumps):
    """The rows of the documented query name, as dicts (after `--`: the
    SQL starts with a comment, which would read as an option)."""
    out = heapscope("query", "--json", "--", *dumps, QUERIES[name])
    return json.loads(out)


def test_every_investigation_step_is_documented():
    assert set(QUERIES) >= {
        "new objects per type (diff)", "parents of the new dicts (diff --new)",
        "the path to a root (path)", "the owner of the growth (leaks)",
        "what the owner retains per dump (leaks)"}


def test_new_objects_per_type_are_diffs():
    rows = query("new objects per type (diff)", EARLY, LATE)
    diff = json.loads(heapscope("diff", "--json", "--all", EARLY, LATE))
    new = {t["type"]: (t["new_objects"], t["new_objects_size"])
           for t in diff["types"]}
    assert rows
    for r in rows:
        assert new[r["type"]] == (r["new_objects"], r["bytes"])


def test_parents_of_new_dicts_are_diffs():
    rows = query("parents of the new dicts (diff --new)", EARLY, LATE)
    diff = json.loads(heapscope("diff", "--json", "--type", "dict", "--new",
                                "--limit", "0", EARLY, LATE))
    counts = {}
    for o in diff["new_objects"]:
        for p in o["parents"]:
            counts[p] = counts.get(p, 0) + 1
    assert {r["parent"]: r["new_dicts"] for r in rows} == counts


def test_path_cte_is_paths_expression():
    rows = query("the path to a root (path)", LATE)
    path = json.loads(heapscope("path", "--json", LATE, str(DICT)))
    first = path["paths"][0]
    assert rows == [{"steps": len(first["steps"]) - 1,
                     "path": first["expression"]}]


def test_owner_is_leaks_first_suspect():
    rows = query("the owner of the growth (leaks)", EARLY, LATE)
    leaks = json.loads(heapscope("leaks", "--json", EARLY, LATE))
    owner = leaks["suspects"][0]["owner"]
    assert (rows[0]["address"], rows[0]["type"]) == (owner["address"],
                                                     owner["type"])
    assert rows[0]["address"] == DEQUE


def test_retained_per_dump_is_leaks():
    rows = query("what the owner retains per dump (leaks)", EARLY, LATE)
    leaks = json.loads(heapscope("leaks", "--json", EARLY, LATE))
    per_dump = leaks["suspects"][0]["per_dump"]
    assert [(r["retained"], r["retained_count"]) for r in rows] == [
        (d["retained_size"], d["retained_count"]) for d in per_dump]


def test_the_other_queries_run():
    block = QUERIES["dicts with a log_text key whose owner is not a Logger"]
    heapscope("query", "--", EARLY, MIDDLE, LATE, block)
