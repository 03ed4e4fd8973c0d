#!/usr/bin/env python3
"""One-off: point citations of the shared design docs at their copies in
docs/ (format.md for FORMAT.md's numbered sections, style.md for
STYLE.md's numbered rules)."""
import re
import subprocess
import sys

files = subprocess.run(["git", "ls-files"], stdout=subprocess.PIPE,
                       universal_newlines=True, check=True).stdout.split()
subs = [
    (r"shared/docs/FORMAT\.md,? sections? (\d+(?:\.\d+)?) and (\d+)",
     r"docs/format.md §\1 and §\2"),
    (r"shared/docs/FORMAT\.md,? sections? (\d+(?:\.\d+)?)", r"docs/format.md §\1"),
    (r"shared/docs/FORMAT\.md", "docs/format.md"),
    (r"(?<![/\w])FORMAT\.md sections (\d+) and (\d+)", r"docs/format.md §\1 and §\2"),
    (r"(?<![/\w])FORMAT\.md,? sections? (\d+)", r"docs/format.md §\1"),
    (r"(?<![/\w])FORMAT\.md", "docs/format.md"),
    (r"(?<![/\w])STYLE\.md", "docs/style.md"),
]
changed = 0
for f in files:
    if f.startswith(("docs/format.md", "docs/style.md", "tests/fuzz/corpus",
                     "tests/data")) or f == "scripts/cite-local.py":
        continue
    try:
        t = open(f, encoding="utf-8").read()
    except (UnicodeDecodeError, IsADirectoryError):
        continue
    n = t
    for a, b in subs:
        n = re.sub(a, b, n)
    n = n.replace("docs/docs/format.md", "docs/format.md")
    if n != t:
        open(f, "w", encoding="utf-8").write(n)
        changed += 1
        print(f)
print(changed, "files", file=sys.stderr)
