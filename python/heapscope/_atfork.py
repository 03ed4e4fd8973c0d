"""Triggers armed before os.fork keep working in the children (gunicorn,
uwsgi and multiprocessing workers made by fork).

Each trigger and trigger thread registers here; the first registration
installs one os.register_at_fork hook, which in a forked child calls
their _after_fork_child(): triggers start afresh (their lock, their
files), threads are started again. Held weakly: a trigger replaced or
stopped and dropped by its owner is not resurrected in children. Nothing
is registered until a trigger is made, so a process that only dumps
(`dump --pid`'s target) gets no at-fork hook.
"""

import os
import threading
import weakref

_armed = weakref.WeakSet()
_lock = threading.Lock()
_installed = [False]


def track(obj):
    with _lock:
        _armed.add(obj)
        if not _installed[0] and hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_after_fork_child)
            _installed[0] = True


def _after_fork_child():
    global _lock
    # The parent's lock may have been held by another thread at the fork.
    _lock = threading.Lock()
    # Triggers first, so that restarted threads find them reset.
    objs = list(_armed)
    objs.sort(key=lambda o: isinstance(o, threading.Thread))
    for obj in objs:
        try:
            obj._after_fork_child()
        except Exception:   # a trigger must not break the child's start
            pass
