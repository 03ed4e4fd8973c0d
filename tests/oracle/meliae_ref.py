#!/usr/bin/env python3
"""Reference loader for meliae heap dumps: the oracle for heapscope's C code.

This module re-implements, slowly and plainly, the loader semantics of
docs/format.md (section numbers below refer to it), with heapscope's
fixes instead of meliae's defects.  It is used two ways:

* differential tests: the C analyzer must print what this prints;
* the baseline of the benchmark in bench/.

Clarity wins over speed everywhere; the one concession is __slots__ on
Record, so that a dump of a few million lines still fits in memory.  Only
the standard library is used, and the code runs on Python 3.8 to 3.13.

File order is the iteration order of every pass (section 1.2): records
live in a dict keyed by address, whose insertion order is file order.
Parents are computed lazily: every pass that changes refs drops them, and
the next reader recomputes them (section 4.1 allows "on first use").

Command line:
    meliae_ref.py summary [--by-count] [--classic] [--no-collapse]
                          [--top N | --all] DUMP
    meliae_ref.py stats DUMP
"""

import argparse
import bz2
import gzip
import io
import json
import math
import os
import re
import shutil
import subprocess
import sys

# --------------------------------------------------------------------------
# Records and errors
# --------------------------------------------------------------------------

UINT64_MAX = 2 ** 64 - 1

# Address 0 never appears in scanner output; it is reserved for the
# record that remove_expensive_references adds (section 4.4).
NULL_ADDRESS = 0
NULL_TYPE = "<ex-reference>"

# Layout tags of exact dict records (section 2.2).
TAG_KV = "KV"
TAG_VK = "VK"
TAG_VALUES = "VALUES"
TAG_EMPTY = "EMPTY"
TAG_UNKNOWN = "UNKNOWN"

DIALECTS = ("py2", "py3", "py311", "heapscope")
HEADER_VERSIONS = (1,)


class DumpError(Exception):
    """A dump that cannot be read; names the line when there is one."""

    def __init__(self, message, line=None):
        if line is not None:
            message = "line %d: %s" % (line, message)
        super().__init__(message)
        self.line = line


class RefsError(ValueError):
    """refs_as_dict / refs_as_list cannot give a correct answer."""


class Record:
    """One object of the dump.

    refs keeps dangling addresses (section 1.4); parents is a list of
    Records in order of first reference, or None until computed.
    """

    __slots__ = ("address", "type", "size", "name", "len", "value", "refs",
                 "parents", "total_size", "tag")

    def __init__(self, address, type_, size, refs, name=None, len_=None,
                 value=None):
        self.address = address
        self.type = type_
        self.size = size
        self.refs = refs
        self.name = name
        self.len = len_
        self.value = value
        self.parents = None
        self.total_size = 0
        self.tag = None

    def __repr__(self):
        return "<Record %s %d>" % (self.type, self.address)


# --------------------------------------------------------------------------
# Reading lines (section 1.4)
# --------------------------------------------------------------------------

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


def _open_source(path):
    """Open PATH ("-" is stdin) as a binary stream of decompressed bytes.

    Compression is detected by content, never by name.  Returns the stream
    and a function that closes it and reports a decompressor failure.
    """
    if path == "-":
        raw = io.BytesIO(sys.stdin.buffer.read())   # pipes cannot seek
    else:
        raw = open(path, "rb")
    magic = raw.read(4)
    raw.seek(0)
    if magic.startswith(GZIP_MAGIC):
        stream = gzip.GzipFile(fileobj=raw, mode="rb")
    elif magic.startswith(BZIP2_MAGIC):
        stream = bz2.BZ2File(raw, mode="rb")
    elif magic.startswith(ZSTD_MAGIC):
        return _zstd_stream(path, raw)
    else:
        stream = raw

    def close():
        stream.close()
        raw.close()
    return stream, close


def _zstd_stream(path, raw):
    """Decompress with the zstd command: the stdlib has none before 3.14."""
    if shutil.which("zstd") is None:
        raw.close()
        raise DumpError("zstd-compressed dump, but no zstd command found")
    if path == "-":
        # Already in memory; feeding a pipe while reading one could block.
        proc = subprocess.run(["zstd", "-dcq"], input=raw.getvalue(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        raw.close()
        if proc.returncode != 0:
            raise DumpError("zstd failed: %s" % _text(proc.stderr))
        return io.BytesIO(proc.stdout), lambda: None
    raw.close()
    proc = subprocess.Popen(["zstd", "-dcq", "--", path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)

    def close():
        proc.stdout.close()
        err = proc.stderr.read()
        proc.stderr.close()
        if proc.wait() != 0:
            raise DumpError("zstd failed: %s" % _text(err))
    return proc.stdout, close


def _text(data):
    return data.decode("utf-8", "replace").strip()


def iter_json_lines(path):
    """Yield (line number, parsed JSON object) for each meaningful line.

    Skips blank lines and the lines "[" and "]" of the JSON-array form,
    drops one "," after the closing brace, and accepts \\r\\n endings.
    """
    stream, close = _open_source(path)
    try:
        for number, raw in enumerate(stream, 1):
            line = raw.strip()
            if line in (b"", b"[", b"]"):
                continue
            if line.endswith(b","):
                line = line[:-1]
            try:
                obj = json.loads(line.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise DumpError("invalid JSON: %s" % e, number)
            if not isinstance(obj, dict):
                raise DumpError("not a JSON object", number)
            yield number, obj
    except EOFError as e:
        _close_quietly(close)
        raise DumpError("truncated compressed input: %s" % e)
    except BaseException:
        # The first error is the one to report, not a decompressor's
        # complaint about the pipe we stopped reading.
        _close_quietly(close)
        raise
    close()


def _close_quietly(close):
    try:
        close()
    except DumpError:
        pass


# --------------------------------------------------------------------------
# Decoding fields (section 1.3)
# --------------------------------------------------------------------------

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(s):
    """json joins surrogate pairs itself; a lone surrogate becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", s)


def repair_mojibake(s):
    """Undo the C-string escaper's byte-per-escape output of UTF-8 text.

    Applies only when every code point is <= 0xFF, one is >= 0x80, and the
    bytes are valid (strict) UTF-8; otherwise S is returned unchanged.
    """
    if not any(ord(c) >= 0x80 for c in s):
        return s
    if any(ord(c) > 0xFF for c in s):
        return s
    try:
        return s.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return s


def _field_int(obj, key, number, lo, hi):
    value = obj[key]
    if type(value) is not int or not lo <= value <= hi:
        raise DumpError("bad %r: %r" % (key, value), number)
    return value


def record_from_json(obj, number):
    """Build a Record from one parsed line, or raise DumpError."""
    for key in ("address", "type", "size", "refs"):
        if key not in obj:
            raise DumpError("missing %r" % key, number)
    address = _field_int(obj, "address", number, 0, UINT64_MAX)
    size = _field_int(obj, "size", number, -2 ** 63, 2 ** 63 - 1)
    type_ = obj["type"]
    refs = obj["refs"]
    if not isinstance(type_, str):
        raise DumpError("bad 'type': %r" % (type_,), number)
    if not isinstance(refs, list) or not all(
            type(r) is int and 0 <= r <= UINT64_MAX for r in refs):
        raise DumpError("bad 'refs'", number)
    type_ = repair_mojibake(clean_text(type_))
    rec = Record(address, type_, size, refs)
    if "name" in obj:
        name = obj["name"]
        if not isinstance(name, str):
            raise DumpError("bad 'name': %r" % (name,), number)
        name = clean_text(name)
        # Function names come from the text escaper: never mojibake.
        rec.name = name if type_ == "function" else repair_mojibake(name)
    if "len" in obj:
        rec.len = _field_int(obj, "len", number, -2 ** 63, 2 ** 63 - 1)
    if "value" in obj:
        value = obj["value"]
        rec.value = clean_text(value) if isinstance(value, str) else value
    return rec


# --------------------------------------------------------------------------
# Dialect and dict layout (section 2.2)
# --------------------------------------------------------------------------

PY2_TYPES = ("unicode", "classobj", "instance", "long")


def detect_dialect(records, has_header):
    """Return the dialect of a list of Records, by the tests of 2.2."""
    if has_header:
        return "heapscope"
    types = set(r.type for r in records)
    if sum(1 for t in PY2_TYPES if t in types) >= 2:
        return "py2"
    dicts = [r for r in records if r.type == "dict"]
    if (any(r.len is not None and r.len > 0 for r in dicts) and
            not any(r.len is not None and 0 < r.len == len(r.refs)
                    for r in dicts)):
        return "heapscope"
    if "EnumType" in types or any(r.type == "ABCMeta" and r.size == 920
                                  for r in records):
        return "py311"
    return "py3"


def dict_tag(rec, dialect):
    """The layout tag of an exact dict record (2.2)."""
    if dialect in ("py2", "heapscope"):
        return TAG_KV
    nrefs = len(rec.refs)
    # EMPTY is tested first: a len-0 dict would otherwise also be 2 x len.
    if rec.len == 0:
        return TAG_EMPTY
    if rec.len is None:
        return TAG_UNKNOWN
    if nrefs == 2 * rec.len:
        return TAG_VK
    if nrefs == rec.len:
        return TAG_VALUES
    return TAG_UNKNOWN


# --------------------------------------------------------------------------
# The manager: load and passes (section 4)
# --------------------------------------------------------------------------

# collapse_instance_dicts never collapses these (Python 2 names, as meliae
# has them: bytes, set and weakref.ReferenceType are *not* in the list).
COLLAPSE_SKIP = frozenset(("str", "dict", "tuple", "list", "type", "function",
                           "wrapper_descriptor", "code", "classobj", "int",
                           "weakref"))

NOREF_TYPES = frozenset(("module", "frame", "type"))
LRU_TYPE = "_LRUNode"


class ObjManager:
    """A loaded dump: records in file order, keyed by address."""

    def __init__(self):
        self.objs = {}            # address -> Record, in file order
        self.dialect = None
        self.header = None        # the heapscope header object, if any
        self.duplicates = 0       # records skipped for a repeated address
        self.lines = 0            # meaningful lines read
        self.collapsed = 0        # total of collapse_instance_dicts calls
        self.redirected = 0       # refs to merged dicts sent to the owner
        self._parents_valid = False

    # ---- loading --------------------------------------------------------

    def read(self, path, dialect=None):
        """Parse every line of PATH (sections 1.4, 2.2)."""
        first = True
        for number, obj in iter_json_lines(path):
            self.lines += 1
            if first and "heapscope_dump" in obj:
                if obj["heapscope_dump"] not in HEADER_VERSIONS:
                    raise DumpError("unknown heapscope_dump version %r"
                                    % (obj["heapscope_dump"],), number)
                self.header = obj
                first = False
                continue
            first = False
            if "address" not in obj:
                raise DumpError("missing 'address'", number)
            address = _field_int(obj, "address", number, 0, UINT64_MAX)
            if address in self.objs:
                # First wins; like meliae, read nothing but the address.
                self.duplicates += 1
                continue
            self.objs[address] = record_from_json(obj, number)
        records = list(self.objs.values())
        if dialect is None:
            dialect = detect_dialect(records, self.header is not None)
        elif dialect not in DIALECTS:
            raise ValueError("unknown dialect %r" % (dialect,))
        self.dialect = dialect
        for rec in records:
            if rec.type == "dict":
                rec.tag = dict_tag(rec, dialect)

    def __len__(self):
        return len(self.objs)

    def __getitem__(self, address):
        return self.objs[address]

    def __iter__(self):
        return iter(self.objs.values())

    # ---- parents (4.3) --------------------------------------------------

    def compute_parents(self):
        """Record each resolving ref as a parent, in order of first ref.

        No cap.  A record's refs are handled together, so a repeated ref
        can only repeat the record just appended to the child's list.
        """
        for rec in self.objs.values():
            rec.parents = []
        for rec in self.objs.values():
            for ref in rec.refs:
                child = self.objs.get(ref)
                if child is None:
                    continue      # dangling: never a parent
                if not child.parents or child.parents[-1] is not rec:
                    child.parents.append(rec)
        self._parents_valid = True

    compute_referrers = compute_parents

    def _refs_changed(self):
        self._parents_valid = False

    def ensure_parents(self):
        if not self._parents_valid:
            self.compute_parents()

    def parents_of(self, rec):
        self.ensure_parents()
        return rec.parents

    # ---- collapse_instance_dicts (4.2) ----------------------------------

    def _collapse_match(self, rec):
        """Return (dict record, extra refs) if REC owns an instance dict."""
        if rec.type in COLLAPSE_SKIP:
            return None
        if rec.type == "module" and len(rec.refs) == 1:
            child = self.objs.get(rec.refs[0])
            if child is not None and child.type == "dict":
                return child, []
            return None
        if len(rec.refs) != 2:
            return None
        c0 = self.objs.get(rec.refs[0])
        c1 = self.objs.get(rec.refs[1])
        if c0 is None or c1 is None:
            return None           # meliae: KeyError
        if c0.type == "dict" and c1.type == "type":
            return c0, [c1.address]
        if rec.type == "instance" and c0.type == "classobj" \
                and c1.type == "dict":
            return c1, [c0.address]
        return None

    def collapse_instance_dicts(self):
        """Merge each instance's or module's dict into it; return the count.

        heapscope fix: refs to a merged dict are redirected to its owner,
        and a dict already merged is never merged into a second owner.
        """
        owner_of = {}             # merged dict address -> owner address
        for rec in list(self.objs.values()):
            match = self._collapse_match(rec)
            if match is None:
                continue
            dct, extra = match
            if dct.address in owner_of:
                continue
            if rec.type == "instance":
                classname = self.objs[extra[0]].name
                if isinstance(classname, str):
                    rec.type = classname
            rec.refs = dct.refs + extra
            rec.size += dct.size
            rec.total_size = 0
            rec.tag = dct.tag
            owner_of[dct.address] = rec.address
        for address in owner_of:
            del self.objs[address]
        if owner_of:
            for rec in self.objs.values():
                self.redirected += sum(1 for ref in rec.refs
                                       if ref in owner_of)
                rec.refs = [owner_of.get(ref, ref) for ref in rec.refs]
            self._refs_changed()
        self.collapsed += len(owner_of)
        return len(owner_of)

    # ---- remove_expensive_references (4.4) ------------------------------

    def remove_expensive_references(self):
        """Cut refs to modules, frames and types, and function globals.

        Idempotent: a function whose last ref is 0 was already pruned
        (address 0 never occurs in scanner output), and other records no
        longer refer to the noref set after one call.
        """
        noref = set(r.address for r in self.objs.values()
                    if r.type in NOREF_TYPES)
        lru = set(r.address for r in self.objs.values()
                  if r.type == LRU_TYPE)
        if NULL_ADDRESS not in self.objs:
            self.objs[NULL_ADDRESS] = Record(NULL_ADDRESS, NULL_TYPE, 0, [])
        for rec in self.objs.values():
            if rec.type == "function":
                if not rec.refs or rec.refs[-1] != NULL_ADDRESS:
                    rec.refs = rec.refs[0:1] + rec.refs[3:] + [NULL_ADDRESS]
            elif rec.type == LRU_TYPE:
                rec.refs = [ref for ref in rec.refs if ref not in lru]
            elif any(ref in noref for ref in rec.refs):
                rec.refs = [ref for ref in rec.refs if ref not in noref]
                rec.refs.append(NULL_ADDRESS)
        self._refs_changed()

    # ---- guess_intern_dict (4.5) ----------------------------------------

    def _is_intern_dict(self, rec):
        refs = rec.refs
        if len(refs) % 2 != 0:
            return False
        for i in range(0, len(refs), 2):
            if refs[i] != refs[i + 1]:
                return False
            child = self.objs.get(refs[i])
            if child is None or child.type != "str":
                return False
        return True

    def guess_intern_dict(self):
        """Return the first parentless dict mapping each str to itself."""
        self.ensure_parents()
        for rec in self.objs.values():
            if rec.type == "dict" and rec.refs and not rec.parents \
                    and self._is_intern_dict(rec):
                return rec
        return None

    # ---- queries (4.6, 4.7, 4.10) ---------------------------------------

    def iter_recursive_refs(self, rec, excluding=()):
        """Depth-first walk from REC, in exactly the order of 4.10."""
        seen = set(excluding)
        stack = [rec.address]
        while stack:
            address = stack.pop()
            if address in seen:
                continue
            seen.add(address)
            node = self.objs.get(address)
            if node is None:
                continue
            for ref in node.refs:
                if ref not in seen:
                    stack.append(ref)
            yield node

    def compute_total_size(self, rec, excluding=()):
        """Sum of sizes over the walk; stored in rec.total_size (uint64)."""
        total = sum(n.size for n in self.iter_recursive_refs(rec, excluding))
        rec.total_size = total & UINT64_MAX
        return rec.total_size

    def summarize(self, rec=None, excluding=()):
        if rec is None:
            return Summary(self.objs.values())
        return Summary(self.iter_recursive_refs(rec, excluding))

    def get_all(self, type_):
        return self._sorted_for_all(r for r in self.objs.values()
                                    if r.type == type_)

    def all(self, rec, type_, excluding=()):
        return self._sorted_for_all(
            r for r in self.iter_recursive_refs(rec, excluding)
            if r.type == type_)

    def _sorted_for_all(self, records):
        self.ensure_parents()
        # sorted() is stable with reverse=True too: ties keep file order.
        return sorted(records, reverse=True,
                      key=lambda r: (r.size, len(r.refs), len(r.parents)))

    # ---- counts for `stats` and tests -----------------------------------

    def total_refs(self):
        return sum(len(r.refs) for r in self.objs.values())

    def dangling_refs(self):
        return sum(1 for r in self.objs.values() for ref in r.refs
                   if ref not in self.objs)

    def tag_counts(self):
        counts = {}
        for rec in self.objs.values():
            if rec.type == "dict":
                counts[rec.tag] = counts.get(rec.tag, 0) + 1
        return counts

    def type_count(self, type_):
        return sum(1 for r in self.objs.values() if r.type == type_)

    # ---- display (4.8, 4.9) ---------------------------------------------

    def is_bytes_like(self, rec):
        """bytes in Python 3 dumps, str in Python 2 ones."""
        return rec.type == ("str" if self.dialect == "py2" else "bytes")

    def repr_of(self, rec):
        return object_repr(rec, self.parents_of(rec), self.is_bytes_like(rec))

    def refs_as_dict(self, rec):
        return refs_as_dict(self, rec)

    def refs_as_list(self, rec):
        return [_child_value(self, self._child(ref), any_value=True)
                for ref in rec.refs]

    def _child(self, address):
        child = self.objs.get(address)
        if child is None:
            raise RefsError("no record for referenced address %d" % address)
        return child


def load(path, collapse=True, dialect=None):
    """meliae's load(): read, then collapse (default) and compute parents.

    With collapse=False parents are computed on first use instead.
    """
    om = ObjManager()
    om.read(path, dialect)
    if collapse:
        om.collapse_instance_dicts()
        om.ensure_parents()
    return om


# --------------------------------------------------------------------------
# refs_as_dict (4.9)
# --------------------------------------------------------------------------

# Value records that stand for their own value when they have one.
VALUE_TYPES = frozenset(("int", "long", "bytes", "str", "unicode", "float"))


def _child_value(om, child, any_value=False):
    if child.type == "bool":
        return child.value == "True"      # compared as text (meliae: bytes)
    if child.value is not None and (any_value or child.type in VALUE_TYPES):
        return child.value
    if child.type == "NoneType":
        return None
    return child


def _key_of(child):
    if child.value is not None:
        return child.value
    if child.name is not None:
        return child.name
    return child


def refs_as_dict(om, rec):
    """Map keys to values for a dict-like record, or raise RefsError.

    KV dicts (Python 2, heapscope dumps) are paired as meliae does; VK
    dicts are swapped; VALUES dicts never recorded their keys.
    """
    if rec.tag == TAG_VALUES:
        raise RefsError("keys not recorded in this dump")
    if rec.tag == TAG_UNKNOWN:
        raise RefsError("dict layout unknown (len does not match refs)")
    refs = rec.refs
    if len(refs) % 2 == 1 and rec.type not in ("dict", "module"):
        refs = refs[:-1]          # the class ref of a collapsed instance
    if len(refs) % 2 == 1:
        raise RefsError("odd number of refs (%d)" % len(refs))
    result = {}
    for i in range(0, len(refs), 2):
        key_ref, value_ref = refs[i], refs[i + 1]
        if rec.tag == TAG_VK:
            key_ref, value_ref = value_ref, key_ref
        key = _key_of(om._child(key_ref))
        result[key] = _child_value(om, om._child(value_ref))
    return result


# --------------------------------------------------------------------------
# Object repr (4.8)
# --------------------------------------------------------------------------

_SHORT_ESCAPES = {"\\": "\\\\", "'": "\\'", "\t": "\\t", "\n": "\\n",
                  "\r": "\\r"}


def text_repr(s):
    """Python's repr of a str, but always single-quoted."""
    out = []
    for c in s:
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif c.isprintable():
            out.append(c)
        elif ord(c) <= 0xFF:
            out.append("\\x%02x" % ord(c))
        elif ord(c) <= 0xFFFF:
            out.append("\\u%04x" % ord(c))
        else:
            out.append("\\U%08x" % ord(c))
    return "'" + "".join(out) + "'"


def bytes_repr(s):
    """b'...' for a bytes-like value: one code point <= 0xFF per byte."""
    # Code points above 0xFF cannot come from the C-string escaper; they
    # are shown as their UTF-8 bytes rather than rejected.
    data = b"".join(bytes((ord(c),)) if ord(c) <= 0xFF
                    else c.encode("utf-8", "replace") for c in s)
    out = []
    for b in data:
        c = chr(b)
        if c in _SHORT_ESCAPES:
            out.append(_SHORT_ESCAPES[c])
        elif 0x20 <= b < 0x7F:
            out.append(c)
        else:
            out.append("\\x%02x" % b)
    return "b'" + "".join(out) + "'"


def format_total(total):
    t = float(total)
    units = "BKMG"
    step = 0
    while t > 800.0 and step < 3:
        t /= 1024
        step += 1
    return "%.1f%stot" % (t, units[step])


def object_repr(rec, parents, bytes_like):
    parts = ["%d %dB" % (rec.address, rec.size)]
    if rec.refs:
        parts.append("%drefs" % len(rec.refs))
    if parents:
        parts.append("%dpar" % len(parents))
    shown = rec.value if rec.value is not None else rec.name
    if isinstance(shown, str):
        parts.append(bytes_repr(shown) if bytes_like and rec.value is shown
                     else text_repr(shown))
    elif shown is not None:
        parts.append(str(shown))
    if rec.total_size != 0:
        parts.append(format_total(rec.total_size))
    return "%s(%s)" % (rec.type, " ".join(parts))


# --------------------------------------------------------------------------
# summarize (4.6)
# --------------------------------------------------------------------------

class TypeSummary:
    __slots__ = ("type", "count", "total", "sumsq", "max_size",
                 "max_address")

    def __init__(self, rec):
        # The max starts at the first object, so an address always exists.
        self.type = rec.type
        self.count = 0
        self.total = 0
        self.sumsq = 0
        self.max_size = rec.size
        self.max_address = rec.address

    def add(self, rec):
        self.count += 1
        self.total += rec.size
        self.sumsq += rec.size * rec.size
        if rec.size > self.max_size:
            self.max_size = rec.size
            self.max_address = rec.address

    def line(self):
        avg = self.total / self.count
        variance = self.sumsq / self.count - avg * avg
        std = math.sqrt(max(variance, 0.0))
        return ("%s: %d, %d bytes, %.3f avg bytes, %.3f std dev, "
                "%d max @ %d" % (self.type, self.count, self.total, avg, std,
                                 self.max_size, self.max_address))


def _pct(part, whole):
    """A percentage in double precision, truncated toward zero."""
    if whole == 0:
        return 0
    return int(part * 100.0 / whole)


# (label, minimum width) of each numeric column, then " Kind".
COLUMNS = (("Index", 6), ("Count", 8), ("%", 4), ("Size", 10), ("%", 4),
           ("Cum", 4), ("Max", 8))


class Summary:
    def __init__(self, records):
        self.types = {}
        self.count = 0
        self.total = 0
        for rec in records:
            ts = self.types.get(rec.type)
            if ts is None:
                ts = self.types[rec.type] = TypeSummary(rec)
            ts.add(rec)
            self.count += 1
            self.total += rec.size

    def by_size(self):
        # Ties go by type string; code point order is UTF-8 byte order.
        rows = sorted(self.types.values(), key=lambda t: t.type)
        return sorted(rows, key=lambda t: (t.total, t.count), reverse=True)

    def by_count(self):
        rows = sorted(self.types.values(), key=lambda t: t.type)
        return sorted(rows, key=lambda t: (t.count, t.total), reverse=True)

    def text(self, by_count=False, top=20):
        """meliae's summary text; top=None shows every type."""
        rows = self.by_count() if by_count else self.by_size()
        if top is not None:
            rows = rows[:top]
        table = []
        cum = 0
        for index, ts in enumerate(rows):
            cum += ts.total
            table.append((index, ts.count, _pct(ts.count, self.count),
                          ts.total, _pct(ts.total, self.total),
                          _pct(cum, self.total), ts.max_size))
        widths = []
        for col, (label, minimum) in enumerate(COLUMNS):
            longest = max([len(str(row[col])) for row in table] + [0])
            widths.append(max(minimum, longest + 1))
        lines = [
            "Total %d objects, %d types, Total size = %.1fMiB (%d bytes)"
            % (self.count, len(self.types), self.total / 1024.0 / 1024.0,
               self.total),
            "".join(label.rjust(w) for (label, _), w in zip(COLUMNS, widths))
            + " Kind",
        ]
        for row, ts in zip(table, rows):
            lines.append("".join(str(v).rjust(w) for v, w in zip(row, widths))
                         + " " + ts.type)
        return "\n".join(lines)

    def __str__(self):
        return self.text()


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def classic_pipeline(path):
    """The investigation pipeline of summary block 3."""
    om = load(path, collapse=False)
    om.collapse_instance_dicts()
    om.compute_parents()
    om.remove_expensive_references()
    om.guess_intern_dict()
    return om


def stats(path):
    """Counts of the raw dump, then after collapse_instance_dicts."""
    om = load(path, collapse=False)
    raw_dicts = om.type_count("dict")
    result = {
        "objects": len(om),
        "lines": om.lines,
        "refs": om.total_refs(),
        "duplicates": om.duplicates,
        "dangling_refs": om.dangling_refs(),
        "dialect": om.dialect,
        "dict_records": raw_dicts,
        "dict_tags": om.tag_counts(),
    }
    result["collapsed"] = om.collapse_instance_dicts()
    result["redirected_refs"] = om.redirected
    result["objects_after_collapse"] = len(om)
    result["dict_records_after_collapse"] = om.type_count("dict")
    result["dangling_refs_after_collapse"] = om.dangling_refs()
    return result


def _parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="meliae_ref.py",
        description="Pure-Python reference loader for meliae dumps.")
    sub = parser.add_subparsers(dest="command")
    sub.required = True
    p = sub.add_parser("summary", help="print meliae's summarize() text")
    p.add_argument("--by-count", action="store_true")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--classic", action="store_true",
                      help="load(collapse=False), collapse, parents, "
                           "remove_expensive_references, guess_intern_dict")
    mode.add_argument("--no-collapse", action="store_true")
    rows = p.add_mutually_exclusive_group()
    rows.add_argument("--top", type=int, default=20, metavar="N")
    rows.add_argument("--all", action="store_true")
    p.add_argument("dump")
    p = sub.add_parser("stats", help="print counts as a JSON object")
    p.add_argument("dump")
    return parser.parse_args(argv)


def main(argv=None):
    args = _parse_args(argv)
    if args.command == "summary" and args.top < 0:
        sys.stderr.write("meliae_ref.py: error: --top needs N >= 0\n")
        return 2
    try:
        if args.command == "stats":
            print(json.dumps(stats(args.dump), indent=2, sort_keys=True))
            return 0
        if args.classic:
            om = classic_pipeline(args.dump)
        else:
            om = load(args.dump, collapse=not args.no_collapse)
        top = None if args.all else args.top
        print(om.summarize().text(by_count=args.by_count, top=top))
    except BrokenPipeError:
        # The reader went away (`| head`): quietly stop writing.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (DumpError, OSError) as e:
        sys.stderr.write("meliae_ref.py: error: %s: %s\n" % (args.dump, e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
