"""How the analysis objects show in Jupyter: the HTML behind the
``_repr_html_`` methods of Summary, DiffResult, LeakReport, LeakSuspect
and Path (heapscope/_analysis.py). Tables only, no script or style sheet
(a notebook's own style applies); every text from a dump is escaped,
since a type name or a value can hold any markup."""

from html import escape

# As many rows as the text forms print by default.
MAX_ROWS = 20


def _table(caption, headers, rows, numeric=()):
    """An HTML table; the columns numbered in numeric are right-aligned."""
    align = ' style="text-align:right"'
    out = ["<table>", "<caption>%s</caption>" % escape(caption), "<tr>"]
    out += ["<th%s>%s</th>" % (align if i in numeric else "", escape(h))
            for i, h in enumerate(headers)]
    out.append("</tr>")
    for row in rows:
        out.append("<tr>" + "".join(
            "<td%s>%s</td>" % (align if i in numeric else "",
                               escape(str(v)))
            for i, v in enumerate(row)) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def _percent(part, whole):
    # Cut, not rounded: the per cents of meliae's table (Summary's text).
    return "%d" % (100 * part // whole) if whole else "0"


def summary_html(summary):
    rows = []
    cumulative = 0
    for ts in summary.summaries[:MAX_ROWS]:
        cumulative += ts.total_size
        rows.append((ts.count, _percent(ts.count, summary.total_count),
                     ts.total_size,
                     _percent(ts.total_size, summary.total_size),
                     _percent(cumulative, summary.total_size), ts.max_size,
                     ts.type_str))
    caption = "%d objects, %d types, %d bytes%s" % (
        summary.total_count, len(summary.summaries), summary.total_size,
        "; the first %d types" % MAX_ROWS
        if len(summary.summaries) > MAX_ROWS else "")
    return _table(caption, ("count", "%", "size", "%", "cum %", "max",
                            "type"), rows, numeric=range(6))


def diff_html(diff):
    rows = [(r.type_str, r.old_count, r.new_count,
             "%+d" % (r.new_count - r.old_count), r.old_size, r.new_size,
             "%+d" % (r.new_size - r.old_size))
            for r in diff.rows[:MAX_ROWS] + [diff.total]]
    caption = "per-type change from the old dump to the new%s" % (
        "; the first %d types and the total" % MAX_ROWS
        if len(diff.rows) > MAX_ROWS else "")
    return _table(caption, ("type", "old", "new", "+count", "old size",
                            "new size", "+size"), rows,
                  numeric=range(1, 7))


def path_html(path):
    rows = [("", repr(path.nodes[0]))]
    rows += [(label, repr(node))
             for label, node in zip(path.labels, path.nodes[1:])]
    return _table("%s (root: %s)" % (path.expression, path.root_kind),
                  ("step", "object"), rows)


def suspect_html(s):
    made_of = ", ".join("%d %s (%d bytes)" % (t.count, t.type_str, t.size)
                        for t in s.types)
    if s.grows_in_place:
        made_of = ("itself: no new object, a larger one took its place at "
                   "every interval" if s.recreated
                   else "itself: no new object, it grows in place")
    per_interval = "; ".join("%+d objects, %+d bytes" % i
                             for i in s.intervals)
    rows = [("owner", repr(s.owner)),
            ("verdict", s.verdict_text),
            ("growth", "%+d objects, %+d bytes from the first dump to the "
             "last" % (s.growth_count, s.growth_size)),
            ("per interval", per_interval),
            ("made of", made_of),
            ("path", s.path.expression if s.path is not None else "none"),
            ("sample", repr(s.sample) if s.sample is not None else "none"),
            ("signature", s.signature)]
    return _table("suspect %d" % s.rank, ("", ""), rows)


def leaks_html(report):
    head = "<p>%s</p>" % escape(
        "Leak report over %d dumps: %d suspect%s, most likely first"
        % (len(report.dumps), len(report),
           "" if len(report) == 1 else "s"))
    return "\n".join([head] + [suspect_html(s) for s in report])
