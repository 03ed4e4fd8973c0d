"""heapscope's analysis API: meliae's ObjManager and proxies, backed by C.

``heapscope.load(path)`` returns an :class:`ObjManager`. Everything that
touches many objects runs in the C library (include/heapscope.h) through
``heapscope._analyzer``; this module holds only the conveniences that
are cheaper to read in Python than in C: argument handling, meliae's
aliases, the summary table's text and the small result classes.

Bulk results are ``NodeList`` objects: arrays of node ids in C that make
a proxy only for the item you index or iterate (docs/python.md).
"""

import collections
import io
import os
import sys
import tempfile
import warnings

try:
    from collections.abc import Mapping
except ImportError:  # pragma: no cover - Python 2 is not supported
    from collections import Mapping

from heapscope import _analyzer, _notebook
from heapscope._charts import GrowthChart, ObjectGraph
from heapscope._analyzer import HeapscopeError, NodeList

__all__ = ["load", "ObjManager", "MemObject", "NodeList", "Summary",
           "TypeSummary", "DiffResult", "DiffRow", "Path", "Retainer",
           "LeakReport", "LeakSuspect", "LeakDump", "LeakType", "LeakSite",
           "SiteSummary", "SiteStat", "GrowthChart", "ObjectGraph",
           "HeapscopeError"]

_DIALECTS = {
    None: _analyzer.DIALECT_AUTO,
    "auto": _analyzer.DIALECT_AUTO,
    "py2": _analyzer.DIALECT_PY2,
    "py3": _analyzer.DIALECT_PY3,
    "py311": _analyzer.DIALECT_PY311,
    "heapscope": _analyzer.DIALECT_HEAPSCOPE,
}


# --------------------------------------------------------------------------
# Proxies
# --------------------------------------------------------------------------

class MemObject(_analyzer.Node):
    """The proxy of one dumped object (meliae's ``_MemObjectProxy``).

    A small C object (the manager and a node id); every attribute reads
    the C graph. ``repr`` is meliae's: ``dict(140478455628136 1048B
    24refs 1par)``. Proxies compare and hash by address.
    """

    __slots__ = ()

    def iter_recursive_refs(self, excluding=None):
        """Iterate over everything reachable from this object, itself
        first, in meliae's order (see ``walk``, which returns the same
        objects as a NodeList)."""
        return iter(self.walk(excluding))

    def summarize(self, excluding=None):
        """``manager.summarize(self, excluding)``."""
        return self.manager.summarize(self, excluding)


# --------------------------------------------------------------------------
# summarize (docs/format.md 4.6)
# --------------------------------------------------------------------------

SiteStat = collections.namedtuple("SiteStat", "frames count size")


class SiteSummary(list):
    """``om.summarize(by="site")``: a :class:`SiteStat` per allocation
    site, most bytes first; frames: [(filename, lineno), ...], oldest
    first (the allocating line last). total_count and total_size: every
    live object; untraced_count and untraced_size: those with no site."""

    def __init__(self, rows, totals):
        list.__init__(self, [SiteStat(list(f), c, s) for f, c, s in rows])
        (self.total_count, self.total_size, self.untraced_count,
         self.untraced_size) = totals

    def __str__(self):
        lines = ["%d objects, %d bytes; %d not traced, %d bytes"
                 % (self.total_count, self.total_size, self.untraced_count,
                    self.untraced_size)]
        for row in self[:20]:
            lines.append("%8d %10d %s" % (row.count, row.size, " <- ".join(
                "%s:%d" % f for f in reversed(row.frames))))
        return "\n".join(lines)


class TypeSummary(object):
    """One type's totals; ``repr`` is meliae's per-type line."""

    __slots__ = ("type_str", "count", "total_size", "sq_sum", "max_size",
                 "max_address", "_line")

    def __init__(self, type_str, count, total_size, sq_sum, max_size,
                 max_address, line):
        self.type_str = type_str
        self.count = count
        self.total_size = total_size
        self.sq_sum = sq_sum
        self.max_size = max_size
        self.max_address = max_address
        self._line = line

    @property
    def avg(self):
        return self.total_size / float(self.count) if self.count else 0.0

    @property
    def std_dev(self):
        if not self.count:
            return 0.0
        avg = self.avg
        variance = self.sq_sum / self.count - avg * avg
        return max(variance, 0.0) ** 0.5

    def __repr__(self):
        return self._line


class Summary(object):
    """What ``summarize()`` returns (meliae's ``_ObjSummary``).

    ``str()`` (and ``repr()``) is meliae's table of the top 20 types, made
    by the C library (the text of ``heapscope summary``). ``summaries`` is
    the list of :class:`TypeSummary`, sorted by size until ``by_count()``
    re-sorts it; ``type_summaries`` maps type strings to them.
    """

    def __init__(self, handle):
        self._handle = handle
        self.total_count = handle.total_count
        self.total_size = handle.total_size
        self.summaries = [TypeSummary(*row) for row in handle.rows()]
        self.type_summaries = dict((ts.type_str, ts)
                                   for ts in self.summaries)

    def _sort(self, by_count):
        self._handle.sort(by_count)
        self.summaries = [self.type_summaries[row[0]]
                          for row in self._handle.rows()]
        return self

    def by_size(self):
        """Sort by (total size, count), descending. Returns self."""
        return self._sort(False)

    def by_count(self):
        """Sort by (count, total size), descending. Returns self."""
        return self._sort(True)

    def text(self, max_rows=20):
        """The table with at most max_rows rows (None: all)."""
        return self._handle.text(max_rows)

    def __str__(self):
        return self.text()

    __repr__ = __str__

    def _repr_html_(self):
        return _notebook.summary_html(self)


# --------------------------------------------------------------------------
# om.objs
# --------------------------------------------------------------------------

class ObjMapping(Mapping):
    """``om.objs``: address -> proxy over every live object, file order.

    Iteration goes over an array of addresses made in C; values() is a
    NodeList, so nothing makes a proxy per object unless asked to.
    """

    __slots__ = ("_om",)

    def __init__(self, om):
        self._om = om

    def __getitem__(self, address):
        return self._om[address]

    def __contains__(self, address):
        return address in self._om

    def __len__(self):
        return len(self._om)

    def __iter__(self):
        return iter(self._om.addresses())

    def values(self):
        return self._om.nodes()

    def items(self):
        nodes = self._om.nodes()
        return zip(nodes.addresses(), nodes)

    # meliae's Python 2 names
    def iterkeys(self):
        return iter(self)

    def itervalues(self):
        return iter(self.values())

    def iteritems(self):
        return iter(self.items())

    def get(self, address, default=None):
        return self._om.find(address, default)


# --------------------------------------------------------------------------
# heapscope's own analyses: results
# --------------------------------------------------------------------------

DiffRow = collections.namedtuple(
    "DiffRow", "type_str old_count old_size new_count new_size added_count "
    "added_size gone_count gone_size kept_count kept_size")


class DiffResult(object):
    """``old.diff(new)``: per-type rows and the new and gone objects."""

    def __init__(self, handle):
        self._d = handle
        self.old = handle.old
        self.new = handle.new
        self.rows = [DiffRow(*r) for r in handle.rows()]
        self.total = DiffRow(*handle.total())

    def new_objects(self, type_str=None):
        """Objects of NEW not in OLD (of type_str), largest first, as a
        NodeList of NEW."""
        return self._d.new_objects(type_str)

    def is_new(self, obj):
        return self._d.is_new(obj)

    def is_gone(self, obj):
        return self._d.is_gone(obj)

    def text(self, max_rows=20):
        """A table of the top growers: count and size before, after and
        the change."""
        head = ("%10s %10s %10s %12s %12s %12s  %s"
                % ("old", "new", "+count", "old size", "new size", "+size",
                   "type"))
        lines = [head]
        for r in self.rows[:max_rows] + [self.total]:
            lines.append("%10d %10d %+10d %12d %12d %+12d  %s"
                         % (r.old_count, r.new_count,
                            r.new_count - r.old_count, r.old_size,
                            r.new_size, r.new_size - r.old_size, r.type_str))
        return "\n".join(lines)

    __str__ = text

    def _repr_html_(self):
        return _notebook.diff_html(self)


class Path(object):
    """A chain of referrers from a root to an object: ``nodes`` (a
    NodeList, root first), ``root_kind`` ("module", "no parents", or
    "called the dumper" / "held only by the dumper" for what only the
    dumper's own frames and modules refer to, which are never roots or
    steps) and
    ``labels`` (how each step reads: ``.attr``, ``['key']``, ``[3]``)."""

    def __init__(self, root_kind, nodes):
        self.root_kind = root_kind
        self.nodes = nodes
        self.labels = []
        for parent, child in zip(nodes, nodes[1:]):
            k = parent.children.index(child.address)
            self.labels.append(parent.ref_label(k))

    def __len__(self):
        return len(self.nodes)

    def __iter__(self):
        return iter(self.nodes)

    def __getitem__(self, i):
        return self.nodes[i]

    @property
    def expression(self):
        """The path as ``heapscope path`` and ``leaks`` write it:
        ``__main__.observer.history[599]`` (a root that is no module
        reads ``<type@address>``), keys cut at 40 bytes."""
        return self.nodes.path_expression()

    def __str__(self):
        return repr(self.nodes[0]) + "".join(self.labels)

    def __repr__(self):
        return "<Path %s>" % (self,)

    def _repr_html_(self):
        return _notebook.path_html(self)


def _root_kind(node):
    # What hs_paths_find calls a path's root: a root with parents has
    # only the dumper's own frames and modules among them.
    if node.type_str == "module":
        return "module"
    if node.num_parents == 0:
        return "no parents"
    return ("called the dumper" if node.type_str == "frame"
            else "held only by the dumper")


Retainer = collections.namedtuple(
    "Retainer", "obj retained_size retained_count dominator root_kind label")
Retainer.__doc__ = """One row of ``om.top()``: an object, the bytes and
objects it retains, its immediate dominator (None under the virtual root,
root_kind then saying why) and how it hangs under it (``.history[12]``)."""

LeakDump = collections.namedtuple("LeakDump",
                                  "obj retained_size retained_count")
LeakDump.__doc__ = """A suspect's owner in one dump: its proxy there (None
before it was born) and what it retained then, less the suspects below."""

LeakType = collections.namedtuple("LeakType", "type_str count size")
# An allocating line of a suspect's new objects (dumps with allocation
# sites): share is size over the bytes of all its new objects.
LeakSite = collections.namedtuple("LeakSite", "file line count size share")


class LeakSuspect(object):
    """One owner of growth (``heapscope leaks --json``'s suspect).

    owner: the proxy in the last dump; owner_is_new; new_objects and
    new_size: the candidates it holds; growth_count and growth_size: how
    what it retains grew from the first dump to the last; verdict
    (``"grows"``: its object count rose in every interval of three dumps
    or more, ``"grew"``: in some only, or over two dumps, ``"bounded"``:
    flat or falling after the second dump) with verdict_text as the
    reports print it, and growing (verdict == "grows"); intervals: per
    interval, (objects, bytes) gained; kept: per interval, of the objects
    it retained at its start, those alive at its end; intervals_grown;
    recreated: found in
    earlier dumps by its place, not its address; grows_in_place: it holds
    no new object but its own size rose at every interval (a buffer never
    drained; its verdict reads bytes); items: items of growth
    grouped under it; per_dump: a
    :class:`LeakDump` per dump; types: what the growth is made of
    (:class:`LeakType`, largest first); path: a :class:`Path` from a root
    to the owner, or None; sample: one new object it holds, or None;
    signature: the path as types and labels, stable across runs (with
    sites: ending ``@ name.py:line``); sites: where the new objects it
    holds were allocated (:class:`LeakSite`, most bytes first), or None
    when the dumps have no allocation sites (docs/format.md §7).
    """

    def __init__(self, rank, data):
        self.rank = rank
        self.owner = data["owner"]
        self.owner_is_new = data["owner_is_new"]
        self.new_objects = data["new_objects"]
        self.new_size = data["new_size"]
        self.growth_count = data["growth_count"]
        self.growth_size = data["growth_size"]
        self.growing = data["growing"]
        self.verdict = data["verdict"]
        self.verdict_text = data["verdict_text"]
        self.intervals_grown = data["intervals_grown"]
        self.min_interval_growth = data["min_interval_growth"]
        self.recreated = data["recreated"]
        self.grows_in_place = data["grows_in_place"]
        self.items = data["items"]
        self.per_dump = [LeakDump(*d) for d in data["per_dump"]]
        self.intervals = [(b[2] - a[2], b[1] - a[1]) for a, b in
                          zip(data["per_dump"], data["per_dump"][1:])]
        self.kept = data["kept"]
        self.types = [LeakType(*t) for t in data["types"]]
        nodes = data["path"]
        self.path = Path(_root_kind(nodes[0]), nodes) if len(nodes) else None
        self.sample = data["sample"]
        self.signature = data["signature"]
        self.sites = None
        if data["sites"] is not None:
            lines, base = data["sites"]
            self.sites = [LeakSite(f, n, c, b, b / base if base else 0.0)
                          for f, n, c, b in lines]

    def __repr__(self):
        return "<LeakSuspect %d: %r %s, %+d bytes; %s>" % (
            self.rank, self.owner, self.verdict_text, self.growth_size,
            self.signature)

    def _repr_html_(self):
        return _notebook.suspect_html(self)


class LeakReport(list):
    """``om.leaks(*later)``: the suspects, most likely leak first, as a
    list of :class:`LeakSuspect`; ``dumps`` is (objects, bytes) per dump,
    ``new`` the objects of the last dump not in the first and
    ``candidates`` those of them already alive in the second (objects,
    bytes); ``order`` the managers in the run order used and
    ``reordered`` whether that differs from the order given."""

    def __init__(self, data):
        list.__init__(self, [LeakSuspect(i + 1, d)
                             for i, d in enumerate(data["suspects"])])
        self.dumps = data["dumps"]
        self.new = data["new"]
        self.candidates = data["candidates"]

    def _repr_html_(self):
        return _notebook.leaks_html(self)


def _run_order(managers, allow_mixed):
    """managers in run order by their headers' times (a stable sort, so
    dumps without a time keep their place among equals), after checking
    that the headers name one process."""
    for m in managers:
        if not isinstance(m, _analyzer.Graph):
            raise TypeError("leaks() takes loaded dumps, not %s"
                            % type(m).__name__)
    pids = [(m, m.load_stats["pid"]) for m in managers]
    known = [(m, pid) for m, pid in pids if pid >= 0]
    if not allow_mixed and any(pid != known[0][1] for _, pid in known):
        raise HeapscopeError(
            "these dumps are not one series: their headers name processes "
            "%s (pass allow_mixed=True to compare them anyway)"
            % ", ".join(str(pid) for _, pid in known))
    times = [m.load_stats["dump_time"] for m in managers]
    if any(t <= 0 for t in times):
        return list(managers)
    order = sorted(range(len(managers)), key=lambda i: times[i])
    return [managers[i] for i in order]


# --------------------------------------------------------------------------
# The manager
# --------------------------------------------------------------------------

def _node(om, obj):
    """obj as a proxy of om: a proxy, or an address."""
    if isinstance(obj, _analyzer.Node) and obj.manager is om:
        return obj
    return om[obj]


class ObjManager(_analyzer.Graph):
    """A loaded dump (meliae's ``ObjManager``), made by :func:`load`.

    ``om[address]``, ``address in om``, ``len(om)`` and ``om.objs`` reach
    the objects; meliae's passes and queries are methods, as are
    heapscope's own analyses (``diff``, ``path``).
    """

    def __getitem__(self, address):
        obj = self.find(address)
        if obj is None:
            raise KeyError(address)
        return obj

    def __iter__(self):
        return iter(self.nodes())

    @property
    def objs(self):
        """A read-only mapping of address to proxy over every object."""
        return ObjMapping(self)

    def compute_referrers(self):
        """Deprecated alias of compute_parents(), as in meliae."""
        warnings.warn("compute_referrers is deprecated; use compute_parents",
                      DeprecationWarning, stacklevel=2)
        return self.compute_parents()

    def summarize(self, obj=None, excluding=None, by="type", depth=1):
        """Counts and sizes by type of every object, or of what obj
        reaches (``obj.walk(excluding)``); a :class:`Summary`. by="site":
        every live object by allocation site instead (dumps made with
        tracemalloc on), the last ``depth`` frames; a
        :class:`SiteSummary`."""
        if by == "site":
            if obj is not None:
                raise ValueError("summarize(by='site') covers every object")
            return SiteSummary(*self.site_summary(depth))
        if by != "type":
            raise ValueError("by must be 'type' or 'site', not %r" % (by,))
        if obj is None:
            return Summary(self.summary())
        return Summary(self.summary(_node(self, obj).walk(excluding)))

    def compute_total_size(self, obj):
        """Compute obj's total size (stored on it, shown by repr);
        returns obj."""
        obj = _node(self, obj)
        obj.compute_total_size()
        return obj

    def refs_as_dict(self, obj):
        return _node(self, obj).refs_as_dict()

    def refs_as_list(self, obj):
        return _node(self, obj).refs_as_list()

    # ---- heapscope's own analyses ----------------------------------------

    def diff(self, other):
        """Compare this dump (the earlier) with other (a later dump of
        the same process): a :class:`DiffResult`."""
        return DiffResult(_analyzer.Graph.diff(self, other))

    def paths(self, obj, max_paths=10, exclude_types=()):
        """Up to max_paths shortest paths from distinct roots to obj,
        shortest first, as :class:`Path` objects; [] when no root reaches
        obj (garbage held by a cycle)."""
        found = _analyzer.Graph.paths(self, obj, max_paths,
                                      list(exclude_types))
        return [Path(kind, nodes) for kind, nodes in found]

    def path(self, obj, exclude_types=()):
        """The shortest path from a root to obj (a :class:`Path`), or
        None."""
        found = self.paths(obj, 1, exclude_types)
        return found[0] if found else None

    def leaks(self, *later, max_suspects=10, max_types=8,
              allow_mixed=False):
        """The leak report over this dump and later dumps of the same
        process (``heapscope leaks``): a :class:`LeakReport`, whose first
        item is the most likely leak. Computes every dump's dominator
        tree, GIL released.

        As the CLI does: dumps whose headers name different processes
        raise HeapscopeError unless allow_mixed is true (growth between
        two programs means nothing), and dumps whose header times show
        them out of order are put in run order (``report.reordered`` says
        so; ``report.order`` gives the managers in the order used)."""
        series = _run_order((self,) + tuple(later), allow_mixed)
        first, rest = series[0], series[1:]
        report = LeakReport(first.leaks_data(rest, max_suspects, max_types))
        report.order = list(series)
        report.reordered = report.order != [self] + list(later)
        return report

    def sql(self, query, *later):
        """Runs one SQL statement over this dump (dump 1) and later dumps
        of the same process (2, 3, ..., in run order), through the tables
        of ``heapscope query`` (docs/query.md): a list of row tuples;
        ``self.sql_rows(query, later)`` gives the column names too.
        Read-only; a bad or refused statement raises HeapscopeError."""
        return self.sql_rows(query, later)[1]

    def growth(self, *later, ntypes=8):
        """A :class:`GrowthChart` of the ntypes types that grew most over
        this dump and later dumps of the same process, in run order
        (``heapscope growth --svg``); it shows as SVG in Jupyter."""
        return GrowthChart(self.growth_svg(later, ntypes), 1 + len(later))

    def graph(self, obj, parents=True, children=False, depth=3,
              max_nodes=50):
        """An :class:`ObjectGraph` of the objects within depth steps of
        obj, to its referrers (parents) and or its referents (children),
        at most max_nodes of them (``heapscope dot``); it shows as SVG in
        Jupyter when Graphviz is installed."""
        obj = _node(self, obj)
        return ObjectGraph(self.neighbourhood_dot(obj, parents, children,
                                                  depth, max_nodes), obj)

    def retained_size(self, obj):
        """The bytes obj retains: itself and everything it dominates
        (what freeing it would free). The first call computes the
        dominator tree (GIL released); it is kept until a pass rewrites
        the graph."""
        return self.retained(obj)[0]

    def retained_count(self, obj):
        """The number of objects obj retains, itself included."""
        return self.retained(obj)[1]

    def dominator(self, obj):
        """obj's immediate dominator (a proxy), or None when only the
        virtual root dominates it (a root, or an object that separate
        roots reach)."""
        return self.idom(obj)[0]

    def top(self, n=10):
        """The n objects that retain the most, largest first, as
        :class:`Retainer` rows (``heapscope top``)."""
        rows = []
        for obj in self.top_retainers(n):
            size, count = self.retained(obj)
            dom, kind, label = self.idom(obj)
            rows.append(Retainer(obj, size, count, dom, kind, label))
        return rows


# --------------------------------------------------------------------------
# load
# --------------------------------------------------------------------------

def _source_path(source):
    """(path, temporary file to delete or None, whether a snapshot may
    be kept for it) for a load source: only a dump named by its path
    may have one; a descriptor's or a copy's would be lost or wasted."""
    if isinstance(source, (str, bytes)) or hasattr(source, "__fspath__"):
        path = os.fspath(source)
        return path, None, path not in ("-", b"-")
    if hasattr(source, "fileno"):
        try:
            fd = source.fileno()
        except (OSError, io.UnsupportedOperation):
            fd = None
        if fd is not None:
            return "/proc/self/fd/%d" % fd, None, False
    if hasattr(source, "read"):
        # A file object without a descriptor (BytesIO, a decompressing
        # reader): copy it out, the library reads files.
        tmp = _copy_out(_chunks(source))
        return tmp, tmp, False
    if hasattr(source, "__iter__"):
        # meliae's load() takes any iterable of JSON lines (a list, a
        # generator); so does this, through the same copy.
        tmp = _copy_out(_lines(source))
        return tmp, tmp, False
    raise TypeError("load: a path, a file object or an iterable of lines "
                    "is needed, not %s" % type(source).__name__)


def _chunks(stream):
    data = stream.read(1 << 20)
    while data:
        yield data
        data = stream.read(1 << 20)


def _lines(iterable):
    """Each item of iterable as one line: str or bytes, a newline added
    where it has none (meliae's examples list lines without one)."""
    for i, line in enumerate(iterable):
        if not isinstance(line, (str, bytes)):
            raise TypeError("load: line %d is %s, not str or bytes"
                            % (i + 1, type(line).__name__))
        yield line
        if not line.endswith("\n" if isinstance(line, str) else b"\n"):
            yield b"\n"


def _copy_out(pieces):
    """A temporary file holding pieces (str as UTF-8, or bytes); its
    name. The library reads files, not Python objects."""
    tmp = tempfile.NamedTemporaryFile(prefix="heapscope-", delete=False)
    try:
        with tmp:
            for data in pieces:
                tmp.write(data.encode("utf-8") if isinstance(data, str)
                          else data)
    except BaseException:
        os.unlink(tmp.name)
        raise
    return tmp.name


def _want_snapshot(snapshot):
    if snapshot is None:
        # The CLI's rule: on, unless HEAPSCOPE_NO_SNAPSHOT (or its old
        # name HEAPSCOPE_NO_INDEX) says otherwise.
        return not (os.environ.get("HEAPSCOPE_NO_SNAPSHOT")
                    or os.environ.get("HEAPSCOPE_NO_INDEX"))
    return bool(snapshot)


def _old_names(keep_address_index, snapshot, keep_index, index):
    """The arguments' current values from their old spellings
    (keep_index, index), which are still accepted (docs/python.md)."""
    if keep_index is not None:
        keep_address_index = keep_index
    if index is not None and snapshot is None:
        snapshot = index
    return keep_address_index, snapshot


def load(source, using_json=None, show_prog=None, collapse=True,
         max_parents=None, *, dialect=None, threads=0, skip_bad_lines=False,
         keep_address_index=True, snapshot=None, keep_index=None,
         index=None):
    """Load a meliae-format dump and return an :class:`ObjManager`.

    source: a path ("-" for stdin), a file object or, as in meliae, an
    iterable of JSON lines (a list, a generator; str or bytes, newlines
    optional); plain, gzip, bzip2 and zstd input are detected by content.
    collapse: merge instance dicts into their owners (meliae's default).
    Parents are always computed. show_prog: progress on stderr (None:
    only on a terminal). using_json and max_parents are accepted for
    meliae's callers and ignored (one C parser; no parent cap). dialect
    forces "py2", "py3", "py311" or "heapscope"; threads=0 loads on one
    thread per CPU (at most 8); skip_bad_lines skips malformed lines
    instead of failing; keep_address_index=False frees the address
    index after loading (rebuilt on the first lookup). The GIL is
    released while the library loads.

    snapshot: go through the snapshot, as the CLI does
    (docs/architecture.md): a valid snapshot of the dump (DUMP.hsidx, or
    under $XDG_CACHE_HOME/heapscope) is mapped instead of parsing, and a
    fresh load of a dump of 16 MiB or more writes one, so the next load
    is instant. None (the default) means yes unless the environment sets
    HEAPSCOPE_NO_SNAPSHOT (or HEAPSCOPE_NO_INDEX); False always parses.
    Only dumps given by path have snapshots. ``om.snapshot_report`` says
    what happened. keep_index and index are the old names of
    keep_address_index and snapshot, still accepted.

    Raises HeapscopeError (with path, line, column and offset) for a
    dump that cannot be read.
    """
    del using_json, max_parents
    keep_address_index, snapshot = _old_names(keep_address_index, snapshot,
                                              keep_index, index)
    return _load(source, ObjManager, MemObject, show_prog, collapse,
                 dialect, threads, skip_bad_lines, keep_address_index,
                 snapshot)


def _load(source, manager_class, proxy_class, show_prog, collapse, dialect,
          threads, skip_bad_lines, keep_address_index, snapshot):
    """load() making managers and proxies of the given classes (the
    meliae package's own, heapscope.meliae.loader)."""
    if dialect not in _DIALECTS:
        raise ValueError("unknown dialect %r" % (dialect,))
    if show_prog is None:
        show_prog = hasattr(sys.stderr, "isatty") and sys.stderr.isatty()
    flags = 0
    if not collapse:
        flags |= _analyzer.LOAD_NO_COLLAPSE
    if skip_bad_lines:
        flags |= _analyzer.LOAD_SKIP_BAD_LINES
    if not keep_address_index:
        flags |= _analyzer.LOAD_NO_ADDRESS_INDEX
    path, tmp, snapshottable = _source_path(source)
    try:
        return _analyzer.load(manager_class, path, proxy_class, flags,
                              _DIALECTS[dialect], threads, bool(show_prog),
                              snapshottable and _want_snapshot(snapshot))
    except HeapscopeError as e:
        if tmp is None:
            raise
        # The copy is gone when the caller reads the error: name what
        # they passed instead (its lines are the copy's lines).
        raise _renamed(e, "<%s>" % type(source).__name__) from None
    finally:
        if tmp is not None:
            os.unlink(tmp)


def _renamed(error, name):
    """error (a HeapscopeError about a temporary copy) as one about
    name, with the same line, column, offset, code and reason."""
    text = str(error)
    if error.path and text.startswith(error.path):
        text = name + text[len(error.path):]
    out = HeapscopeError(text)
    for attr in ("code", "reason", "line", "column", "offset"):
        setattr(out, attr, getattr(error, attr, None))
    out.path = name
    return out

