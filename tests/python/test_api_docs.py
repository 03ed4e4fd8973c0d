"""The examples of docs/python.md, run as doctests on the shared dumps.

Code fences become blank lines first, so that a closing ``` does not read
as expected output.
"""

import doctest
import os

from api_util import ROOT, dump_path, require_analyzer


def test_python_md_examples():
    require_analyzer()
    path = os.path.join(ROOT, "docs", "python.md")
    with open(path, encoding="utf-8") as f:
        text = "".join("\n" if line.startswith("```") else line
                       for line in f)
    globs = {"DUMP311": dump_path("py311"), "DUMP27": dump_path("py27")}
    test = doctest.DocTestParser().get_doctest(text, globs, "python.md",
                                               path, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.attempted > 30
    assert result.failed == 0
