"""meliae.loader on heapscope: ``load(source)`` returns an ObjManager with
meliae's methods (summarize, get_all, collapse_instance_dicts,
compute_referrers, remove_expensive_references, guess_intern_dict, ...)
and proxies with meliae's attributes (.c, .p, refs_as_dict(), ...).

Differences from meliae, all fixes (docs/format.md §5): parents are
always computed and uncapped; dicts of meliae's Python 3 dumps give the
right keys where the dump has them; bools read as bools; nothing
crashes on odd counts, empty files or non-ASCII names. Progress goes to
stderr only on a terminal unless show_prog=True.

What a meliae script relies on is kept here, where heapscope's own API
(heapscope.load) differs: ``load`` takes an iterable of JSON lines;
``om.objs.keys()``, ``values()`` and ``items()`` are lists; ``.value``
of a module, class or function is its name; empty ``children`` and
``parents`` are ``()``; and ``refs_as_dict()`` of a dict whose keys the
dump did not record (meliae's Python 3 dumps) returns its values under
placeholder keys, with one warning per process, instead of raising, so
that a script runs to its end (docs/python.md, "The meliae package").
"""

import itertools
import warnings

from heapscope import _analysis
from heapscope._analysis import HeapscopeError, Summary, TypeSummary

__all__ = ["load", "ObjManager", "MemObject", "Summary", "TypeSummary",
           "HeapscopeError", "UnrecordedKey", "KeysNotRecordedWarning"]


class UnrecordedKey(str):
    """The placeholder key of a value whose key the dump did not record:
    the text ``<key #N not recorded>``, N counting the object's values
    from 0 in ref order, so keys are distinct and the same on every run.
    A str, so scripts that sort, format or print keys keep working;
    ``isinstance(k, UnrecordedKey)`` tells it from a real key."""

    __slots__ = ("index",)

    def __new__(cls, index):
        self = str.__new__(cls, "<key #%d not recorded>" % index)
        self.index = index
        return self


class KeysNotRecordedWarning(UserWarning):
    """refs_as_dict() met a dict whose keys the dump did not record."""


_KEYS_WARNING = (
    "this dump did not record dict keys (meliae's scanner writes only the "
    "values of str-keyed dicts on Python 3), so refs_as_dict() gives the "
    "values under placeholder keys '<key #0 not recorded>', '<key #1 not "
    "recorded>', ...; dump with heapscope's dumper (heapscope.dump() or "
    "heapscope.meliae.scanner.dump_all_objects()) to get the keys. "
    "(Warned once per process.)")
# next() on a count is one C call under the GIL: the first caller, and
# only it, gets 0, even with threads.
_keys_warnings = itertools.count()

# meliae's rule for a dict's values (docs/format.md 4.9): only these types read
# as their value; refs_as_list gives any record's value.
_VALUE_TYPES = frozenset(("int", "long", "bytes", "str", "unicode", "float"))

_node_value = _analysis.MemObject.value
_node_children = _analysis.MemObject.children
_node_parents = _analysis.MemObject.parents


class MemObject(_analysis.MemObject):
    """heapscope's proxy with meliae's conventions where they differ
    (this module's docstring)."""

    __slots__ = ()

    @property
    def value(self):
        """The record's value; for a module, class or function, which
        have a name instead, the name (meliae keeps it as the value)."""
        v = _node_value.__get__(self)
        return self.name if v is None else v

    @property
    def children(self):
        """Addresses of the refs, in order; () when there are none."""
        return _node_children.__get__(self) or ()

    @property
    def parents(self):
        """Addresses of the parents; () when there are none."""
        return _node_parents.__get__(self) or ()

    ref_list = children
    referrers = parents

    def refs_as_dict(self):
        """The refs as {key: value} (heapscope's refs_as_dict). Where the
        dump did not record the keys, each value (not the class, see
        _is_value) goes under an :class:`UnrecordedKey` instead of
        raising, and a :class:`KeysNotRecordedWarning` says once per
        process how to get the keys."""
        try:
            return _analysis.MemObject.refs_as_dict(self)
        except HeapscopeError as e:
            if getattr(e, "reason", None) != "unsupported":
                raise
        if next(_keys_warnings) == 0:
            warnings.warn(_KEYS_WARNING, KeysNotRecordedWarning, stacklevel=2)
        return self._unkeyed_dict()

    def _is_value(self, k, item):
        """Whether ref k (item, as refs_as_list gives it) is one of the
        values refs_as_dict() would have keyed."""
        label = self.ref_label(k)
        if self.layout == "values":
            # The library's own rule: a dict's refs, an owner's merged
            # dict refs, not the class after them.
            return label in ("[?]", ".?")
        # Refs that are no pairs (3.11 inline-values instances, lists):
        # all but the class, and the <ex-reference> that
        # remove_expensive_references put in place of a class, module or
        # frame, which stands for no value.
        return label != "__class__" and not (
            isinstance(item, _analysis.MemObject)
            and item.type_str == "<ex-reference>")

    def _unkeyed_dict(self):
        out = {}
        for k, item in enumerate(self.refs_as_list()):
            if not self._is_value(k, item):
                continue
            if not isinstance(item, (_analysis.MemObject, bool)) \
                    and item is not None:
                child = self[k]
                if child.type_str not in _VALUE_TYPES:
                    item = child
            out[UnrecordedKey(len(out))] = item
        return out


class ObjMapping(_analysis.ObjMapping):
    """``om.objs`` as meliae's collection: keys(), values() and items()
    are lists (index them, sort them, read them twice), and the iter*
    methods stay lazy."""

    __slots__ = ()

    def keys(self):
        return list(self._om.addresses())

    def values(self):
        return list(self._om.nodes())

    def items(self):
        nodes = self._om.nodes()
        return list(zip(nodes.addresses(), nodes))

    def itervalues(self):
        return iter(self._om.nodes())

    def iteritems(self):
        nodes = self._om.nodes()
        return zip(nodes.addresses(), nodes)


class ObjManager(_analysis.ObjManager):
    """heapscope's manager, making this module's proxies."""

    @property
    def objs(self):
        """address -> proxy over every object (meliae's collection)."""
        return ObjMapping(self)


def load(source, using_json=None, show_prog=None, collapse=True,
         max_parents=None, *, dialect=None, threads=0, skip_bad_lines=False,
         keep_address_index=True, snapshot=None, keep_index=None,
         index=None):
    """heapscope.load (same arguments) returning this module's
    ObjManager. source may be a path, a file object or an iterable of
    JSON lines (a list, a generator), as in meliae."""
    del using_json, max_parents
    keep_address_index, snapshot = _analysis._old_names(
        keep_address_index, snapshot, keep_index, index)
    return _analysis._load(source, ObjManager, MemObject, show_prog,
                           collapse, dialect, threads, skip_bad_lines,
                           keep_address_index, snapshot)
