"""meliae.loader on heapscope: ``load(source)`` returns an ObjManager with
meliae's methods (summarize, get_all, collapse_instance_dicts,
compute_referrers, remove_expensive_references, guess_intern_dict, ...)
and proxies with meliae's attributes (.c, .p, refs_as_dict(), ...).

Differences from meliae, all fixes (FORMAT.md section 5): parents are
always computed and uncapped; dicts of meliae's Python 3 dumps give the
right keys or say they were not recorded; bools read as bools; nothing
crashes on odd counts, empty files or non-ASCII names. Progress goes to
stderr only on a terminal unless show_prog=True.
"""

from heapscope._analysis import (HeapscopeError, MemObject, ObjManager,
                                 Summary, TypeSummary, load)

__all__ = ["load", "ObjManager", "MemObject", "Summary", "TypeSummary",
           "HeapscopeError"]
