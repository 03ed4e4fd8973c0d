"""The pictures of the analysis API (``om.growth(...)``, ``om.graph(obj)``):
text made by the C library (python/src/binding/hs_py_charts.c), shown as
SVG by Jupyter through ``_repr_svg_``."""

import subprocess


class GrowthChart(object):
    """``first.growth(*later)``: a line chart of the object counts of the
    types that grew most over the dumps, against the dump's number
    (``heapscope growth --svg``). ``svg`` is the chart's text."""

    def __init__(self, svg, ndumps):
        self.svg = svg
        self.ndumps = ndumps

    def _repr_svg_(self):
        return self.svg

    def save(self, path):
        """Writes the SVG to path."""
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.svg)

    def __repr__(self):
        return "<GrowthChart of %d dumps>" % self.ndumps


class ObjectGraph(object):
    """``om.graph(obj)``: the objects near obj and the references between
    them (``heapscope dot``). ``dot`` is the Graphviz text; ``svg()``
    draws it with Graphviz's ``dot`` program (Debian: graphviz)."""

    def __init__(self, dot, center):
        self.dot = dot
        self.center = center

    def svg(self):
        """The graph drawn as SVG by Graphviz; OSError when its ``dot``
        program is missing, RuntimeError when it fails."""
        run = subprocess.run(["dot", "-Tsvg"], input=self.dot.encode(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        if run.returncode != 0:
            raise RuntimeError("Graphviz's dot failed: %s"
                               % run.stderr.decode(errors="replace").strip())
        return run.stdout.decode("utf-8", "replace")

    def _repr_svg_(self):
        # No Graphviz: Jupyter falls back to repr(), which says so.
        try:
            return self.svg()
        except OSError:
            return None

    def __repr__(self):
        return ("<ObjectGraph around %r: %d lines of Graphviz text; "
                ".svg() draws it with Graphviz's dot>"
                % (self.center, self.dot.count("\n")))
