"""`make install` (issue 17): into a staging folder (DESTDIR) under a
prefix, the program, the library with its header and heapscope.pc, the
man page and the bash completion made from the command table and
docs/cli.md, and the Python dumper where `heapscope dump --pid` looks for
it (<prefix>/lib/heapscope/python/<name>/, cli/cmd_dump.c)."""
import glob
import os
import shutil
import subprocess

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BIN = os.environ.get("HEAPSCOPE_BIN") or os.path.join(ROOT, "build", "bin",
                                                      "heapscope")
BUILD = os.path.dirname(os.path.dirname(os.path.abspath(BIN)))
PREFIX = "/opt/heapscope-test"


def run(cmd, **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, **kw)
    assert res.returncode == 0, "%s: exit %d\n%s" % (
        " ".join(cmd), res.returncode, res.stdout[-3000:])
    return res.stdout


@pytest.fixture(scope="module")
def prefix(tmp_path_factory):
    if not os.path.exists(os.path.join(BUILD, "CMakeCache.txt")):
        pytest.skip("no CMake build tree at %s" % BUILD)
    stage = tmp_path_factory.mktemp("destdir")
    run(["cmake", "--install", BUILD, "--prefix", PREFIX],
        env=dict(os.environ, DESTDIR=str(stage)))
    return str(stage) + PREFIX


def commands():
    out = run([BIN, "--help"])
    table = out.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return [line.split()[0] for line in table.splitlines()]


def test_program_library_and_pkg_config(prefix, tmp_path):
    assert run([prefix + "/bin/heapscope", "-V"]).startswith("heapscope ")
    env = dict(os.environ, PKG_CONFIG_PATH=glob.glob(
        prefix + "/lib*/**/pkgconfig", recursive=True)[0])
    flags = run(["pkg-config", "--cflags", "--libs", "heapscope"],
                env=env).split()
    assert "-lheapscope" in flags
    src = tmp_path / "v.c"
    src.write_text('#include <heapscope.h>\n#include <stdio.h>\n'
                   'int main(void) { puts(hs_version()); return 0; }\n')
    run(["cc", str(src), "-o", str(tmp_path / "v")] + flags)
    libdir = [f[2:] for f in flags if f.startswith("-L")][0]
    assert run([str(tmp_path / "v")],
               env=dict(os.environ, LD_LIBRARY_PATH=libdir)).strip() == \
        run([BIN, "--version"]).split()[1]


def test_man_page_has_every_command_and_the_reference(prefix):
    page = prefix + "/share/man/man1/heapscope.1"
    with open(page) as f:
        text = f.read()
    for name in commands():
        assert ".SS %s\n" % name in text
    # The prose of docs/cli.md, and each command's --help, both in it.
    assert "Bad input" in text.replace("BAD INPUT", "Bad input")
    assert "--fail-on-growth" in text
    if shutil.which("man"):
        out = run(["man", "-l", page], env=dict(os.environ, MANWIDTH="80"))
        assert "heapscope leaks" in out


def test_bash_completion_from_the_command_table(prefix):
    script = prefix + "/share/bash-completion/completions/heapscope"
    complete = ('source %s; COMP_WORDS=(heapscope %s); COMP_CWORD=%d; '
                '_heapscope; echo "${COMPREPLY[*]}"')
    out = run(["bash", "-c", complete % (script, "le", 1)])
    assert out.split() == ["leaks"]
    assert sorted(run(["bash", "-c", complete % (script, "\"\"", 1)]).split()) \
        == sorted(commands() + ["help", "--help", "-V", "--version"])
    out = run(["bash", "-c", complete % (script, "leaks --fail", 2)])
    assert out.split() == ["--fail-on-growth"]


def test_dumper_where_dump_pid_looks(prefix):
    folders = glob.glob(prefix + "/lib/heapscope/python/cpython-*")
    assert folders
    for folder in folders:
        with open(folder + "/interpreter") as f:
            python = f.read().strip()
        assert os.path.exists(folder + "/heapscope/_inject.py")
        out = run([python, "-c", "import heapscope, sys; "
                   "print(heapscope.dump(sys.argv[1]).objects > 1000)",
                   folder + "/self.json"],
                  env=dict(os.environ, PYTHONPATH=folder))
        assert out.strip() == "True"
