"""Every --json parses, whatever the dump holds (issue 20, item 8).

The dumps here carry quotes, backslashes, every kind of control character
and invalid UTF-8 in the header's `python` field, type names, module
names, dict keys and values. Each command's --json output must still be
one (or, for query, a series of) JSON document(s) that Python's json
module reads, since scripts feed it straight to a parser."""
import json
import os
import struct
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN",
                           os.path.join(ROOT, "build", "bin", "heapscope"))

# As JSON escapes, so the dump line itself stays valid JSON: a quote, a
# backslash, C0 controls (NUL last, since the header's value is a C
# string), DEL and a C1 control.
EVIL = '\\"q\\\\b\\u0001\\t\\n\\r\\u001b[2J\\u007f\\u009b/\\u2028'
# Raw bytes that are no UTF-8: a lone continuation byte, a cut sequence,
# an overlong form and a surrogate's encoding.
BAD_UTF8 = b"\x80\xc3(\xc0\xaf\xed\xa0\x80\xff"


def line(addr, typ, size, refs, extra=b""):
    return (b'{"address": %d, "type": "%s", "size": %d%s, "refs": [%s]}\n'
            % (addr, typ, size, extra,
               b", ".join(b"%d" % r for r in refs)))


def write_dump(path, grow):
    evil = EVIL.encode()
    with open(path, "wb") as f:
        # The reader refuses a header whose python is no CPython 3 version
        # (docs/format.md), so the header holds only what it accepts; the
        # rest of the header's text comes back through the same writer.
        f.write(b'{"heapscope_dump": 1, "python": "3.12.1+", '
                b'"pointer_size": 8, "time": 1, "pid": 7, "rss": 100000}\n')
        f.write(line(100, b"module", 900, [200],
                     b', "name": "mod' + evil + BAD_UTF8 + b'"'))
        f.write(line(200, b"dict", 1000,
                     [300, 400] + [1000 + i for i in range(2 * grow)],
                     b', "len": %d' % (1 + grow)))
        f.write(line(300, b"str", 60, [],
                     b', "value": "key' + evil + BAD_UTF8 + b'", "len": 10'))
        f.write(line(400, b"Evil" + evil + BAD_UTF8, 64, [500, 600]))
        f.write(line(500, b"bytes", 40, [],
                     b', "value": "b' + evil + BAD_UTF8 + b'", "len": 8'))
        f.write(line(600, b"int", 28, [], b', "value": 12345678901234567890'))
        for i in range(grow):
            f.write(line(1000 + 2 * i, b"str", 50, [],
                         b', "value": "k%d\\"' % i + BAD_UTF8 + b'", "len": 2'))
            f.write(line(1001 + 2 * i, b"Leak" + evil + BAD_UTF8, 200, []))
    return path


@pytest.fixture(scope="module")
def dumps(tmp_path_factory):
    d = tmp_path_factory.mktemp("hostile-json")
    # The paths are hostile too: every output names its dumps.
    return [write_dump(str(d / ("evil\"\\-%d.json" % k)), grow)
            for k, grow in enumerate((10, 40, 90))]


EVIL_TYPE = "Evil" + json.loads('"' + EVIL + '"')

# Every command that takes --json, and each of its --json layouts.
COMMANDS = [
    ("summary", lambda d: ["summary", "--json", d[0]]),
    ("summary-by-site", lambda d: ["summary", "--json", "--by-site", d[0]]),
    ("info", lambda d: ["info", "--json", d[0]]),
    ("show-module", lambda d: ["show", "--json", d[0], "100"]),
    ("show-dict", lambda d: ["show", "--json", "--no-collapse", d[0],
                             "200"]),
    ("show-evil", lambda d: ["show", "--json", "--total", d[0], "400"]),
    ("show-bytes", lambda d: ["show", "--json", d[0], "500"]),
    ("all", lambda d: ["all", "--json", d[0], "str"]),
    ("diff", lambda d: ["diff", "--json", d[0], d[2]]),
    ("diff-new", lambda d: ["diff", "--json", "--new", d[0], d[2]]),
    ("path", lambda d: ["path", "--json", d[0], "500"]),
    ("growth", lambda d: ["growth", "--json"] + d),
    ("dot", lambda d: ["dot", "--json", d[0], "400"]),
    ("top", lambda d: ["top", "--json", d[0]]),
    ("top-tree", lambda d: ["top", "--json", "--tree", d[0]]),
    ("top-types", lambda d: ["top", "--json", "--by-type", d[0]]),
    ("dominators", lambda d: ["dominators", "--json", d[0], "500"]),
    ("leaks", lambda d: ["leaks", "--json"] + d),
    ("query", lambda d: ["query", "--json", d[0],
                         "SELECT * FROM objects; SELECT * FROM types"]),
]


def documents(text):
    """The JSON documents of text, one after another (query prints one
    array per statement)."""
    dec = json.JSONDecoder()
    docs, i = [], 0
    while True:
        while i < len(text) and text[i] in " \t\r\n":
            i += 1
        if i == len(text):
            return docs
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)


@pytest.mark.parametrize("name,args", COMMANDS, ids=[c[0] for c in COMMANDS])
def test_json_parses(dumps, name, args):
    p = subprocess.run([HEAPSCOPE] + args(dumps), stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, timeout=120)
    assert p.returncode == 0, p.stderr.decode(errors="replace")
    # The output is UTF-8 (invalid input bytes escaped, never copied).
    text = p.stdout.decode("utf-8")
    docs = documents(text)
    assert docs, "%s printed no JSON" % name
    if name == "query":
        assert len(docs) == 2


def test_info_python_kept(dumps):
    p = subprocess.run([HEAPSCOPE, "info", "--json", "--no-snapshot",
                        dumps[0]],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    assert json.loads(p.stdout.decode("utf-8"))["python"] == "3.12.1+"


# MARK: a snapshot whose python field the reader did not check

M64 = (1 << 64) - 1


def fmix64(x):
    """hs_hash_u64 (lib/util/hs_hash.h): MurmurHash3's finalizer."""
    x ^= x >> 33
    x = (x * 0xff51afd7ed558ccd) & M64
    x ^= x >> 33
    x = (x * 0xc4ceb9fe1a85ec53) & M64
    return x ^ (x >> 33)


def checksum(data, seed):
    """hs_checksum (lib/util/hs_checksum.c): four lanes of Fletcher sums
    over 64-bit words, folded with the length."""
    a, b = [seed, 0, 0, 0], [0, 0, 0, 0]
    padded = bytes(data) + bytes(-len(data) % 32)
    for i in range(0, len(padded), 32):
        words = struct.unpack_from("<4Q", padded, i)
        for k in range(4):
            a[k] = (a[k] + words[k]) & M64
            b[k] = (b[k] + a[k]) & M64
    h = fmix64(a[0] ^ 0x9e3779b97f4a7c15)
    for v in a[1:] + b:
        h = fmix64(h ^ v)
    return fmix64(h ^ len(data))


def plant_python(index, python):
    """Rewrites the python field of a snapshot (its META section,
    lib/load/hs_snapfmt.h) and seals it again, as a crafted snapshot would
    be: the checksums catch damage, not malice."""
    buf = bytearray(open(index, "rb").read())
    nsections, = struct.unpack_from("<I", buf, 28)
    nchunks, = struct.unpack_from("<Q", buf, 40)
    tables = 128 + 32 * nsections
    for s in range(nsections):
        sid, elem, off, count, first = struct.unpack_from("<IIQQQ", buf,
                                                          128 + 32 * s)
        if sid != 1:  # HS_SNAP_META
            continue
        size = elem * count
        at = buf.index(b"3.12.1+\0", off, off + size)
        buf[at:at + 32] = python.ljust(32, b"\0")[:32]
        assert size <= 256 << 10  # one chunk (HS_SNAP_CHUNK)
        struct.pack_into("<Q", buf, tables + 8 * first,
                         checksum(buf[off:off + size], sid))
    struct.pack_into("<Q", buf, 80, 0)  # table_checksum
    seal = checksum(buf[128:tables + 8 * nchunks], checksum(buf[:128], 0))
    struct.pack_into("<Q", buf, 80, seal)
    with open(index, "wb") as f:
        f.write(buf)


def test_info_python_from_crafted_index(tmp_path):
    """info's python once went into --json unescaped. A dump cannot make
    it hostile (the reader refuses such a header), and an index that
    does, checksums resealed, is refused the same way: the dump is
    loaded instead, and the JSON holds the dump's own version."""
    dump = str(tmp_path / "d.json")
    write_dump(dump, 3)
    p = subprocess.run([HEAPSCOPE, "snapshot", dump],
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert p.returncode == 0, p.stderr
    plant_python(dump + ".hsidx", b'3"\\\x01\n\xff\xc3(')
    p = subprocess.run([HEAPSCOPE, "info", "--json", dump],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    assert b"not used: damaged: the python version" in p.stderr, p.stderr
    assert b"answered from snapshot" not in p.stderr
    info = json.loads(p.stdout.decode("utf-8"))
    assert info["python"] == "3.12.1+"


def test_type_names_kept(dumps):
    p = subprocess.run([HEAPSCOPE, "summary", "--json", "--all", dumps[0]],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=120)
    types = [t["type"] for t in json.loads(p.stdout)["types"]]
    assert any(t.startswith(EVIL_TYPE) for t in types), types
