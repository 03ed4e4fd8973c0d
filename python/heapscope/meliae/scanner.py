"""meliae.scanner on heapscope's dumper.

``dump_all_objects(filename)`` writes every live object (heapscope.dump),
and so does ``dump_gc_objects``: heapscope's dumper always writes each
object once, with no duplicates or dangling refs, which is what
dump_gc_objects approximated. filename may be a path or a file object.
``dump_all_referenced(outf, obj)`` writes obj and what it reaches.
``size_of(obj)`` is the size heapscope's dumps record for obj.
"""

from heapscope._dump import dump as _dump
from heapscope._dump import dump_reachable as _dump_reachable

__all__ = ["dump_all_objects", "dump_gc_objects", "dump_all_referenced",
           "size_of"]


def dump_all_objects(outf):
    """Write every live object to outf (a path or a file object), one
    meliae-format JSON line each, with heapscope's header line."""
    _dump(outf)


def dump_gc_objects(outf, recurse_depth=1):
    """meliae's variant from gc.get_objects(); heapscope writes the whole
    heap once (recurse_depth is accepted and ignored)."""
    del recurse_depth
    _dump(outf)


def dump_all_referenced(outf, obj, is_pending=False):
    """Write obj and everything it references, recursively, to outf (a
    path or a file object), with heapscope's header line. is_pending:
    obj is a list of objects to write (with what they reference), the
    list itself left out, as in meliae."""
    roots = obj if is_pending else (obj,)
    _dump_reachable(outf, roots)


def size_of(obj):
    """The size heapscope's dumps record for obj, computed by the dumper's
    C code: sys.getsizeof(obj), except that a __sizeof__ written in Python
    is never run (its builtin base's C size stands in, docs/dumper.md)."""
    from heapscope import _dumper
    return _dumper.sizeof(obj)
