"""The analysis objects in Jupyter (issue 17): _repr_html_ of Summary,
DiffResult, LeakReport, LeakSuspect and Path, _repr_svg_ of growth charts
and object graphs, tested on their output (no Jupyter needed): what they
show is what the text forms and the CLI say, and text from a dump is
escaped."""
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

import api_util

heapscope = api_util.require_analyzer()

LOG_LEAK = [os.path.join(api_util.ROOT, "tests", "data", "log-leak",
                         "memory-%d.json.gz" % n) for n in (200, 400, 600)]
HEAPSCOPE = os.environ.get("HEAPSCOPE_BIN") or os.path.join(
    api_util.ROOT, "build", "bin", "heapscope")


@pytest.fixture(scope="module")
def series():
    return [heapscope.load(p, snapshot=False) for p in LOG_LEAK]


def parses(html):
    """The fragment is well-formed markup (one root added)."""
    return ET.fromstring("<div>%s</div>" % html)


def test_summary_html():
    om = heapscope.load(api_util.dump_path("py311"), snapshot=False)
    s = om.summarize()
    html = s._repr_html_()
    root = parses(html)
    assert root.find("table/caption").text.startswith(
        "57251 objects, 121 types, 5865760 bytes; the first 20 types")
    first = [td.text for td in root.findall("table/tr")[1]]
    top = s.summaries[0]
    assert first == [str(top.count), "10", str(top.total_size), "29", "29",
                     str(top.max_size), top.type_str]
    # The same per cents as the text table.
    assert str(s).splitlines()[2].split()[1:6] == first[:5]


def test_dump_text_is_escaped():
    om = heapscope.load(['{"address": 1, "type": "<b>x&y</b>", "size": 9, '
                         '"refs": [2]}',
                         '{"address": 2, "type": "str", "size": 50, '
                         '"value": "<script>", "refs": []}'])
    for html in (om.summarize()._repr_html_(), om.path(om[2])._repr_html_()):
        parses(html)
        assert "<b>" not in html and "<script>" not in html
        assert "&lt;b&gt;x&amp;y&lt;/b&gt;" in html


def test_diff_html(series):
    d = series[0].diff(series[2])
    rows = parses(d._repr_html_()).findall("table/tr")
    assert len(rows) == 1 + min(len(d.rows), 20) + 1
    first = [td.text for td in rows[1]]
    r = d.rows[0]
    assert first[0] == r.type_str
    assert first[3] == "%+d" % (r.new_count - r.old_count)
    assert rows[-1][0].text == d.total.type_str


def test_leaks_and_path_html(series):
    report = series[0].leaks(*series[1:])
    html = report._repr_html_()
    parses(html)
    assert html.startswith("<p>Leak report over 3 dumps: ")
    top = report[0]
    assert top._repr_html_() in html
    cells = {row[0].text: row[1].text
             for row in parses(top._repr_html_()).findall("table/tr")[1:]}
    assert cells["owner"] == repr(top.owner)
    assert cells["verdict"] == top.verdict_text
    assert cells["path"] == top.path.expression
    assert cells["signature"] == top.signature
    path = parses(top.path._repr_html_()).find("table")
    assert path.find("caption").text.startswith(top.path.expression)
    assert len(path.findall("tr")) == 1 + len(top.path)


def test_growth_chart_svg(series):
    chart = series[0].growth(*series[1:], ntypes=3)
    svg = chart._repr_svg_()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "dict" in svg and repr(chart) == "<GrowthChart of 3 dumps>"
    with pytest.raises(TypeError):
        series[0].growth()


def test_object_graph_is_the_cli_dot(series):
    om = series[2]
    owner = series[0].leaks(*series[1:])[0].owner
    g = om.graph(owner)
    assert g.dot.startswith("digraph")
    if os.access(HEAPSCOPE, os.X_OK):
        cli = subprocess.run([HEAPSCOPE, "dot", "--no-snapshot", LOG_LEAK[2],
                              str(owner.address)], stdout=subprocess.PIPE,
                             universal_newlines=True, check=True).stdout
        assert g.dot == cli
    if shutil.which("dot"):
        assert ET.fromstring(g._repr_svg_()).tag.endswith("svg")
    else:
        assert g._repr_svg_() is None
    with pytest.raises(ValueError):
        om.graph(owner, parents=False, children=False)
