"""Allocation sites in the Python API (docs/format.md §7, docs/python.md):
node.traceback and the sites of om.leaks(), on tests/data/sites-leak
(three dumps of leak.py, run from /tmp/sites-leak with tracemalloc)."""

import os

import api_util  # noqa: F401
import heapscope

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))), "data")
LEAK = os.path.join(DATA, "sites-leak")
FILE = "/tmp/sites-leak/leak.py"


def dumps():
    return [heapscope.load(os.path.join(LEAK, "dump-%d.json.gz" % n))
            for n in (1, 2, 3)]


def test_node_traceback():
    om = heapscope.load(os.path.join(DATA, "sites.json"))
    assert om[2000].traceback == [("/srv/app/main.py", 12),
                                  ("/srv/app/cache.py", 40)]
    assert om[4000].traceback == [("/srv/app/main.py", 12)]
    assert om[1000].traceback is None


def test_no_sites_no_traceback():
    om = heapscope.load(os.path.join(DATA, "small.json"))
    assert all(node.traceback is None for node in om.objs.values())


def test_leak_sites():
    first, second, last = dumps()
    suspect = first.leaks(second, last)[0]
    assert suspect.sites[0].file == FILE
    assert suspect.sites[0].line == 18      # the event dict: the leak
    assert suspect.sites[0].count == 300
    assert 0.8 < suspect.sites[0].share <= 1.0
    assert suspect.signature.endswith("@ leak.py:18")
    # The sample was made there too.
    assert suspect.sample.traceback == [(FILE, 18)]


def test_leaks_without_sites():
    old = heapscope.load(os.path.join(DATA, "log-leak", "memory-200.json.gz"))
    new = heapscope.load(os.path.join(DATA, "log-leak", "memory-600.json.gz"))
    assert old.leaks(new)[0].sites is None


def test_summarize_by_site():
    om = heapscope.load(os.path.join(DATA, "sites.json"))
    s = om.summarize(by="site")
    assert [(r.frames, r.count, r.size) for r in s] == [
        ([("/srv/app/cache.py", 40)], 2, 142),
        ([("/srv/app/main.py", 12)], 1, 48)]
    assert (s.total_count, s.untraced_count) == (5, 2)
    deep = om.summarize(by="site", depth=2)
    assert deep[0].frames == [("/srv/app/main.py", 12),
                              ("/srv/app/cache.py", 40)]
    assert "/srv/app/cache.py:40 <- /srv/app/main.py:12" in str(deep)


def test_summarize_by_site_leak_line():
    om = dumps()[2]
    rows = {tuple(r.frames): r for r in om.summarize(by="site")}
    assert rows[((FILE, 18),)].count == 900      # 300 events a dump
