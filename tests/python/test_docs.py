"""The docs stand alone and stay true to the tree (issue 20 item 9, issue
21): nothing cites a file outside the repository, every relative link in
README.md and docs/ resolves, every "docs/format.md §N" citation names a
section that exists, and docs/architecture.md names every lib/ module."""
import os
import re
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def tracked():
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, stdout=subprocess.PIPE,
                         universal_newlines=True)
    if out.returncode != 0:   # an export without git: walk the tree
        for d, _, names in os.walk(ROOT):
            if "/." in d or "/build" in d:
                continue
            for n in names:
                yield os.path.relpath(os.path.join(d, n), ROOT)
        return
    yield from out.stdout.split()


def text_files():
    for f in tracked():
        if f.startswith(("tests/fuzz/corpus/", "tests/data/")) or \
                f.endswith((".gz", ".png", ".zst", ".bz2")):
            continue
        try:
            with open(os.path.join(ROOT, f), encoding="utf-8") as fh:
                yield f, fh.read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue


def test_nothing_cites_outside_the_repository():
    bad = []
    outside = re.compile(r"\.\./shared|shared/(docs|data)|"
                         r"(?<![\w/])(FORMAT|STYLE|DESIGN)\.md")
    for f, t in text_files():
        if f == "tests/python/test_docs.py" or f == "scripts/cite-local.py":
            continue
        for m in outside.finditer(t):
            bad.append("%s:%d: %s" % (f, t.count("\n", 0, m.start()) + 1,
                                      m.group(0)))
    assert bad == []


def markdown_files():
    yield "README.md"
    for n in sorted(os.listdir(os.path.join(ROOT, "docs"))):
        if n.endswith(".md"):
            yield "docs/" + n
    for f in tracked():
        if f.endswith("README.md") and f != "README.md":
            yield f


def test_relative_links_resolve():
    bad = []
    link = re.compile(r"\]\(([^)\s]+)\)")
    for f in markdown_files():
        t = open(os.path.join(ROOT, f), encoding="utf-8").read()
        for m in link.finditer(t):
            target = m.group(1).split("#")[0]
            if not target or re.match(r"[a-z]+:", target):
                continue
            path = os.path.normpath(os.path.join(ROOT, os.path.dirname(f),
                                                 target))
            if not os.path.exists(path):
                bad.append("%s: %s" % (f, m.group(1)))
    assert bad == []


def test_format_citations_name_real_sections():
    fmt = open(os.path.join(ROOT, "docs", "format.md"),
               encoding="utf-8").read()
    sections = set(re.findall(r"^#{3,4} (\d+(?:\.\d+)?)\.? ", fmt, re.M))
    assert {"1", "1.1", "2.2", "4.9", "6"} <= sections
    bad = []
    cite = re.compile(r"docs/format\.md §(\d+(?:\.\d+)?)")
    for f, t in text_files():
        for m in cite.finditer(t):
            if m.group(1).rstrip(".") not in sections:
                bad.append("%s: §%s" % (f, m.group(1)))
    assert bad == []


def test_architecture_names_every_lib_module():
    arch = open(os.path.join(ROOT, "docs", "architecture.md"),
                encoding="utf-8").read()
    missing = []
    for d, _, names in os.walk(os.path.join(ROOT, "lib")):
        for n in names:
            if n.endswith(".c") and n[:-2] not in arch:
                missing.append(os.path.relpath(os.path.join(d, n), ROOT))
    assert missing == []
