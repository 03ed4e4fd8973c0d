"""The PEP 517 build backend of `pip install .` (pyproject.toml at the
repository's root names it): wheels and sdists with no build dependency.

Why not setuptools: the installs must work offline, and pyenv's 3.12 and
3.13 have no setuptools while 3.8-3.11 have no `wheel` (which
setuptools' bdist_wheel needs before setuptools 70.1), so every
`pip install .` with setuptools needs a package index or a Debian
package. This backend needs only the standard library, so pip's build
isolation installs nothing and `pip install .` works offline as it is.

The compiling is scripts/build-python.sh's, the same build the tests use:
the two extensions and the heapscope program (cli/, linked to lib/) into
one folder, which the wheel then holds as it is. Interpreter, compiler
and folders: build-python.sh's (CC, HS_PYTHON_BUILD_DIR).
"""

import base64
import hashlib
import io
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile

NAME = "heapscope"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
# What an sdist holds: all that build-python.sh compiles, and the docs.
SDIST_PARTS = ("pyproject.toml", "README.md", "include", "lib", "cli",
               "python/heapscope", "python/src", "python/backend",
               "scripts/build-python.sh", "docs")
ENTRY_POINTS = """[console_scripts]
heapscope = heapscope.__main__:main

[pytest11]
heapscope = heapscope.pytest_plugin
"""


def version():
    """The library's version (include/heapscope.h), which the program
    prints and heapscope.__version__ repeats (a test holds them equal)."""
    with open(os.path.join(ROOT, "include", "heapscope.h")) as f:
        return re.search(r'#define HS_VERSION_STRING "([^"]+)"',
                         f.read()).group(1)


def _metadata():
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    return ("Metadata-Version: 2.1\nName: %s\nVersion: %s\n"
            "Summary: Find memory leaks in Python programs: heap dumper, "
            "analyzer, pytest plugin\n"
            "Requires-Python: >=3.8\n"
            "Description-Content-Type: text/markdown\n\n%s"
            % (NAME, version(), readme))


def _dist_info():
    return "%s-%s.dist-info" % (NAME, version())


def _tag():
    # The wheel holds extensions of this interpreter and a program of this
    # platform: cp311-cp311-linux_x86_64.
    py = "cp%d%d" % sys.version_info[:2]
    abi = py + ("t" if sysconfig.get_config_var("Py_GIL_DISABLED") else "")
    plat = re.sub(r"[-.]", "_", sysconfig.get_platform())
    return "%s-%s-%s" % (py, abi, plat)


def _dist_info_files():
    wheel = ("Wheel-Version: 1.0\nGenerator: heapscope_backend\n"
             "Root-Is-Purelib: false\nTag: %s\n" % _tag())
    return {"METADATA": _metadata(), "WHEEL": wheel,
            "entry_points.txt": ENTRY_POINTS}


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory,
                                     config_settings=None):
    folder = os.path.join(metadata_directory, _dist_info())
    os.makedirs(folder, exist_ok=True)
    for name, text in _dist_info_files().items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as f:
            f.write(text)
    return _dist_info()


def _compile():
    """Runs build-python.sh for this interpreter; returns its folder."""
    run = subprocess.run(
        ["sh", os.path.join(ROOT, "scripts", "build-python.sh"),
         sys.executable], stdout=subprocess.PIPE, universal_newlines=True)
    if run.returncode != 0:
        why = {3: "the Python headers are missing (Debian: python3-dev)",
               4: "the analyzer or the heapscope program did not compile "
                  "(above: a missing zlib1g-dev, libbz2-dev, libzstd-dev, libsqlite3-dev "
                  "or libedit-dev?)"}
        raise SystemExit("heapscope: build-python.sh failed: %s"
                         % why.get(run.returncode,
                                   "exit status %d" % run.returncode))
    return run.stdout.strip().splitlines()[-1]


def _package_files(built):
    """(archive name, path) of every file of the built package."""
    top = os.path.join(built, NAME)
    for folder, dirs, names in os.walk(top):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for n in sorted(names):
            if n.endswith((".tmp", ".pyc")):
                continue
            path = os.path.join(folder, n)
            yield os.path.relpath(path, built), path


def _record_line(name, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest())
    return "%s,sha256=%s,%d\n" % (name, digest.rstrip(b"=").decode(),
                                  len(data))


def _zip_add(zf, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = (0o100000 | mode) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def build_wheel(wheel_directory, config_settings=None,
                metadata_directory=None):
    built = _compile()
    wheel_name = "%s-%s-%s.whl" % (NAME, version(), _tag())
    record = ""
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name),
                         "w") as zf:
        for name, path in _package_files(built):
            with open(path, "rb") as f:
                data = f.read()
            # The program and the extensions stay executable (pip keeps
            # the bit: `heapscope` execs heapscope/_bin/heapscope).
            mode = 0o755 if os.access(path, os.X_OK) else 0o644
            _zip_add(zf, name, data, mode)
            record += _record_line(name, data)
        for n, text in _dist_info_files().items():
            name = "%s/%s" % (_dist_info(), n)
            _zip_add(zf, name, text.encode("utf-8"), 0o644)
            record += _record_line(name, text.encode("utf-8"))
        record += "%s/RECORD,,\n" % _dist_info()
        _zip_add(zf, "%s/RECORD" % _dist_info(), record.encode(), 0o644)
    return wheel_name


def _sdist_files():
    for part in SDIST_PARTS:
        path = os.path.join(ROOT, part)
        if os.path.isfile(path):
            yield part
            continue
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for n in sorted(names):
                if not n.endswith((".pyc", ".tmp")):
                    yield os.path.relpath(os.path.join(folder, n), ROOT)


def build_sdist(sdist_directory, config_settings=None):
    base = "%s-%s" % (NAME, version())
    name = base + ".tar.gz"
    with tarfile.open(os.path.join(sdist_directory, name), "w:gz",
                      format=tarfile.PAX_FORMAT) as tf:
        pkg_info = _metadata().encode("utf-8")
        info = tarfile.TarInfo(base + "/PKG-INFO")
        info.size = len(pkg_info)
        info.mtime = int(time.time())
        info.mode = 0o644
        tf.addfile(info, io.BytesIO(pkg_info))
        for rel in _sdist_files():
            tf.add(os.path.join(ROOT, rel), arcname=base + "/" + rel,
                   recursive=False)
    return name
