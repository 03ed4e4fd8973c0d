"""`pip install` as README.md documents it, offline (issue 17): a fresh
venv of Debian's python3 and one of a pyenv CPython (the newest found,
3.13 when there: it has no setuptools) get the checkout, another of
Debian's python3 the sdist, each with `pip install --no-index`, so no
package index is ever asked. Then the
installed command (`dump --pid` too), `python -m heapscope`, the dumper
and the analyzer run,
and the pytest plugin that the install enabled (no -p) fails the leaking
tests of programs/leak_suite.py, naming the leak, and passes the clean
ones."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tarfile

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SUITE = os.path.join(HERE, "programs", "leak_suite.py")
DUMP = os.path.join(os.environ.get("HS_MELIAE_DATA")
                    or os.path.join(ROOT, "tests", "data", "meliae"),
                    "meliae-py311-service.json.gz")
DIST = "/usr/lib/python3/dist-packages"
PYENV = os.path.join(os.environ.get("PYENV_ROOT", "/root/.pyenv"),
                     "versions")


def run(cmd, env=None, ok=(0,), **kw):
    res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         universal_newlines=True, env=env, **kw)
    assert res.returncode in ok, "%s: exit %d\n%s" % (
        " ".join(cmd), res.returncode, res.stdout[-4000:])
    return res.stdout


def version_h():
    with open(os.path.join(ROOT, "include", "heapscope.h")) as f:
        return re.search(r'HS_VERSION_STRING "([^"]+)"', f.read()).group(1)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    """A folder shared by the module's tests: build-python.sh's objects
    (lib/ and cli/ compiled once for both installs), a link farm of
    Debian's pytest for interpreters without one (as test-python.sh)."""
    d = tmp_path_factory.mktemp("pip")
    ptp = d / "pytest-path"
    ptp.mkdir()
    for m in ("pytest", "_pytest", "pluggy", "iniconfig", "packaging", "py",
              "py.py", "attr", "attrs", "exceptiongroup", "tomli"):
        if os.path.exists(os.path.join(DIST, m)):
            os.symlink(os.path.join(DIST, m), str(ptp / m))
    return d


def environment(work):
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["HS_PYTHON_BUILD_DIR"] = str(work / "objs")
    env["PIP_NO_INDEX"] = "1"          # offline: never ask an index
    env["PIP_NO_CACHE_DIR"] = "1"
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def install(python, what, work, name):
    venv = work / name
    env = environment(work)
    run([python, "-m", "venv", str(venv)], env=env)
    run([str(venv / "bin" / "pip"), "install", "--no-index", what], env=env)
    return venv, env


def check_installed(venv, env, work):
    py = str(venv / "bin" / "python")
    # The command on PATH and python -m run the C program.
    assert run([str(venv / "bin" / "heapscope"), "-V"], env=env) == \
        "heapscope %s\n" % version_h()
    assert run([str(venv / "bin" / "heapscope"), "--version"], env=env) == \
        "heapscope %s\n" % version_h()
    out = run([py, "-m", "heapscope", "summary", "--top", "3", DUMP],
              env=env, cwd=str(work))
    assert out.startswith("Total 57251 objects, 121 types"), out
    out = run([py, "-m", "heapscope", "nonsense"], env=env, ok=(2,))
    assert "unknown command 'nonsense'" in out
    # The package: version, public names, the dumper and the analyzer.
    code = ("import heapscope, sys; p = sys.argv[1]; "
            "heapscope.dump(p); om = heapscope.load(p); "
            "print(heapscope.__version__, len(om) > 1000, "
            "sorted(n for n in dir(heapscope) if not n.startswith('_')))")
    out = run([py, "-c", code, str(venv / "self.json")], env=env,
              cwd=str(work))
    assert out.startswith("%s True [" % version_h()), out
    for name in ("dump", "load", "leak_check", "LeakError", "ObjManager",
                 "LeakReport"):
        assert "'%s'" % name in out


def check_plugin(venv, env, work):
    """The plugin comes with the install: no -p, no conftest."""
    env = dict(env, PYTHONPATH=str(work / "pytest-path"),
               PYTHONDONTWRITEBYTECODE="1")
    out = run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-rA",
               "-p", "no:cacheprovider", SUITE], env=env, ok=(1,),
              cwd=str(work))
    results = {test: result for result, test in
               re.findall(r"^(PASSED|FAILED) \S+::(\w+)", out, re.M)}
    assert results == {
        "test_leaking_marked": "FAILED", "test_leaking_fixture": "FAILED",
        "test_clean_marked": "PASSED", "test_clean_ignored": "PASSED",
        "test_clean_fixture": "PASSED", "test_clean_context_manager": "PASSED",
        "test_clean_context_manager_catches": "PASSED",
        "test_unmarked_leaking": "PASSED"}, out
    # The failure names the culprit: its path from the module, what it
    # holds, the verdict.
    marked = out[out.index("_ test_leaking_marked _"):]
    assert "heapscope: this test leaks (3 rounds after 2 of warm-up" in marked
    assert "grows at every dump" in marked
    assert "path: leak_suite._handlers" in marked
    assert "made of: 20 Handler" in marked
    # --heapscope-no-leaks checks the unmarked test too.
    out = run([str(venv / "bin" / "python"), "-m", "pytest", "-q", "-rA",
               "-p", "no:cacheprovider", "--heapscope-no-leaks",
               "--heapscope-rounds", "2", SUITE + "::test_unmarked_leaking",
               SUITE + "::test_clean_context_manager"], env=env, ok=(1,),
              cwd=str(work))
    assert re.search(r"^FAILED \S+::test_unmarked_leaking", out, re.M), out
    assert re.search(r"^PASSED \S+::test_clean_context_manager$", out,
                     re.M), out
    assert "(2 rounds after 2 of warm-up" in out


def newest_pyenv():
    found = []
    for minor in range(8, 14):
        found += sorted(glob.glob(os.path.join(PYENV, "3.%d.*" % minor,
                                               "bin", "python")))
    return found[-1] if found else None


def check_dump_pid(venv, env, work):
    """The installed program finds the package's dumper for `dump --pid`
    (heapscope/_bin/interpreter names the interpreter it was built for)."""
    if not shutil.which("gdb"):
        pytest.skip("no gdb for dump --pid")
    target = subprocess.Popen([str(venv / "bin" / "python"), "-c",
                               "import sys, time; print(); sys.stdout.flush();"
                               " time.sleep(120)"], stdout=subprocess.PIPE)
    try:
        target.stdout.readline()             # the target runs
        out = str(work / "target.json")
        run([str(venv / "bin" / "heapscope"), "dump", "--pid",
             str(target.pid), "-o", out, "--timeout", "60"], env=env)
        assert "objects" in run([str(venv / "bin" / "heapscope"), "info",
                                 "--no-index", out], env=env)
    finally:
        target.kill()
        target.wait()


def test_debian_python3_installs_the_checkout(work):
    if not os.path.exists("/usr/bin/python3"):
        pytest.skip("no /usr/bin/python3")
    venv, env = install("/usr/bin/python3", ROOT, work, "debian")
    check_installed(venv, env, work)
    check_plugin(venv, env, work)
    check_dump_pid(venv, env, work)


def sdist(work):
    """The sdist, made by the backend itself (no `build` package
    offline): what README.md's `make sdist` runs."""
    out = work / "dist"
    out.mkdir(exist_ok=True)
    name = run([sys.executable, "-c",
                "import sys; sys.path.insert(0, 'python/backend'); "
                "import heapscope_backend as b; print(b.build_sdist(sys.argv[1]))",
                str(out)], cwd=ROOT).strip()
    path = out / name
    with tarfile.open(str(path)) as tf:
        top = {n.split("/")[1] for n in tf.getnames() if "/" in n}
    assert {"lib", "include", "cli", "python", "pyproject.toml",
            "PKG-INFO", "scripts"} <= top
    return str(path)


def test_pyenv_python_installs_the_checkout(work):
    python = newest_pyenv()
    if python is None:
        pytest.skip("no pyenv CPython 3.8-3.13")
    venv, env = install(python, ROOT, work, "pyenv")
    check_installed(venv, env, work)
    check_plugin(venv, env, work)


def test_the_sdist_installs_alike(work):
    """The sdist holds what the build needs (lib/, include/, cli/) and
    installs the same package; here into Debian's python3."""
    if not os.path.exists("/usr/bin/python3"):
        pytest.skip("no /usr/bin/python3")
    venv, env = install("/usr/bin/python3", sdist(work), work, "sdist")
    check_installed(venv, env, work)


def test_versions_agree():
    """heapscope.h's version is the wheel's, the program's and
    heapscope.__version__'s; CMake's project version too."""
    with open(os.path.join(ROOT, "python", "heapscope", "_version.py")) as f:
        assert '__version__ = "%s"' % version_h() in f.read()
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        assert "project(heapscope VERSION %s " % version_h() in f.read()
