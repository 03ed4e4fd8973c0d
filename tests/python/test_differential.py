"""Differential test of heapscope's parser against Python's json module.

For each dump, `heapscope records --no-collapse DUMP` (the dump as
heapscope read it, re-encoded) is compared record by record with what
json.loads reads from the original lines, after applying heapscope's
documented decoding (docs/format.md):

* §1.3: a lone surrogate becomes U+FFFD; mojibake is repaired in `type`
  and in the `name` of every record that is not a function; values of
  bytes-like records (`bytes` in Python 3 dumps, `str` in Python 2 dumps)
  are compared as latin-1 bytes;
* §1.4: blank lines and `[` / `]` lines are skipped, one trailing comma is
  dropped, and of several records with one address the first wins;
* §6: a heapscope header line is not a record.

Every field of every record must be equal: address, type, size, len,
name, value and refs (in order, duplicates kept).
"""

import glob
import gzip
import bz2
import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", ".."))
HEAPSCOPE = (os.environ.get("HS_HEAPSCOPE") or os.environ.get("HEAPSCOPE_BIN")
             or os.path.join(REPO, "build", "bin", "heapscope"))


def shared_data_dir():
    for d in (os.environ.get("HS_MELIAE_DATA"),
              os.path.join(REPO, "tests", "data", "meliae")):
        if d and os.path.isdir(d):
            return d
    return None


def dumps():
    found = []
    data = shared_data_dir()
    if data:
        found += sorted(glob.glob(os.path.join(data, "*.json.gz")))
    local = os.path.join(REPO, "tests", "data")
    found += [os.path.join(local, name) for name in
              ("small.json", "any-order.json", "array-form.json",
               "dup-dangling.json", "header.json")]
    return found


DUMPS = dumps()

needs_binary = pytest.mark.skipif(
    not os.access(HEAPSCOPE, os.X_OK),
    reason="heapscope binary not built (%s); run `make` first" % HEAPSCOPE)


# --------------------------------------------------------------------------
# The reference decoding
# --------------------------------------------------------------------------

def open_dump(path):
    with open(path, "rb") as f:
        magic = f.read(4)
    if magic[:2] == b"\x1f\x8b":
        return gzip.open(path, "rb")
    if magic[:3] == b"BZh":
        return bz2.open(path, "rb")
    return open(path, "rb")


def no_lone_surrogates(text):
    # json.loads already joined the valid pairs; what is left is lone.
    return "".join("\ufffd" if 0xD800 <= ord(c) <= 0xDFFF else c
                   for c in text)


def repair_mojibake(text):
    if all(ord(c) <= 0xFF for c in text) and any(ord(c) >= 0x80
                                                 for c in text):
        try:
            return text.encode("latin-1").decode("utf-8")
        except UnicodeDecodeError:
            pass
    return text


def as_bytes_if_possible(text):
    if all(ord(c) <= 0xFF for c in text):
        return text.encode("latin-1")
    return text


def decode_record(obj, dialect):
    """The fields of one json.loads'ed record, decoded as heapscope does."""
    rtype = repair_mojibake(no_lone_surrogates(obj["type"]))
    name = obj.get("name")
    if name is not None:
        name = no_lone_surrogates(name)
        if rtype != "function":
            name = repair_mojibake(name)
    value = obj.get("value")
    if isinstance(value, str):
        value = no_lone_surrogates(value)
        bytes_like = "str" if dialect == "py2" else "bytes"
        if rtype == bytes_like:
            value = as_bytes_if_possible(value)
    return {"address": obj["address"], "type": rtype, "size": obj["size"],
            "len": obj.get("len"), "name": name, "value": value,
            "refs": [int(r) for r in obj["refs"]]}


def expected_records(path, dialect):
    """(line number, decoded record) of each record heapscope keeps."""
    seen = set()
    out = []
    with open_dump(path) as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.decode("utf-8", "surrogateescape").strip()
            if line in ("", "[", "]"):
                continue
            if line.endswith(","):
                line = line[:-1]
            obj = json.loads(line)
            if "heapscope_dump" in obj:
                continue
            if obj["address"] in seen:
                continue
            seen.add(obj["address"])
            out.append((lineno, decode_record(obj, dialect)))
    return out


# --------------------------------------------------------------------------
# What heapscope says
# --------------------------------------------------------------------------

def run(*args):
    proc = subprocess.run([HEAPSCOPE] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, check=False)
    assert proc.returncode == 0, (
        "heapscope %s failed (%d): %s" % (" ".join(args), proc.returncode,
                                          proc.stderr.decode(errors="replace")))
    return proc.stdout


def heapscope_records(path, dialect):
    out = []
    for line in run("records", "--no-collapse", "--quiet",
                    path).decode("ascii").splitlines():
        out.append(decode_record(json.loads(line), dialect))
    return out


def heapscope_dialect(path):
    return json.loads(run("info", "--json", "--quiet", path))["dialect"]


# --------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------

FIELDS = ("address", "type", "size", "len", "name", "value", "refs")


def describe(value):
    text = repr(value)
    return text if len(text) <= 200 else text[:200] + "..."


@needs_binary
@pytest.mark.parametrize("path", DUMPS, ids=os.path.basename)
def test_records_match_json_module(path):
    if not os.path.exists(path):
        pytest.skip("dump not found: %s" % path)
    dialect = heapscope_dialect(path)
    want = expected_records(path, dialect)
    got = heapscope_records(path, dialect)
    problems = []
    if len(got) != len(want):
        problems.append("heapscope gave %d records, json.loads %d"
                        % (len(got), len(want)))
    for (lineno, w), g in zip(want, got):
        for field in FIELDS:
            if w[field] != g[field]:
                problems.append(
                    "line %d (address %s), field %r:\n"
                    "      json:      %s\n      heapscope: %s"
                    % (lineno, w["address"], field, describe(w[field]),
                       describe(g[field])))
        if len(problems) >= 10:
            problems.append("(stopped after 10 mismatches)")
            break
    assert not problems, "%s (dialect %s):\n  %s" % (
        path, dialect, "\n  ".join(problems))


def test_reference_decoding():
    """The reference rules themselves, on docs/format.md's examples."""
    assert repair_mojibake("\u00c3\u009cn\u00c3\u00afcode") == "\u00dcn\u00efcode"
    assert repair_mojibake("caf\u00e9") == "caf\u00e9"
    assert repair_mojibake("plain") == "plain"
    assert no_lone_surrogates(json.loads('"\\ud835\\udccf\\ud800"')) == \
        "\U0001d4cf\ufffd"
    rec = decode_record(json.loads(
        '{"address": 1, "type": "bytes", "size": 37, "len": 4, '
        '"value": "\\u00ff\\u0000ab", "refs": [2, 2]}'), "py311")
    assert rec["value"] == b"\xff\x00ab" and rec["refs"] == [2, 2]
    rec = decode_record(json.loads(
        '{"address": 1, "type": "str", "size": 37, "value": "\\u00e9", '
        '"refs": []}'), "py2")
    assert rec["value"] == b"\xe9"
    rec = decode_record(json.loads(
        '{"address": 1, "type": "function", "size": 1, '
        '"name": "\\u00c3\\u00a9", "refs": []}'), "py3")
    assert rec["name"] == "\u00c3\u00a9"
