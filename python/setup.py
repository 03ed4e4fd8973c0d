"""`pip install .` (from this folder) for heapscope's Python package: the
dumper extension (heapscope._dumper) and the analyzer extension
(heapscope._analyzer: python/src/binding/ with the C library of ../lib
compiled in). Offline: pip install --no-build-isolation . uses the
interpreter's setuptools (Debian: python3-setuptools). Developers and the
tests use scripts/build-python.sh instead, which needs no setuptools.
Needs zlib, libbz2 and libzstd headers (Debian: zlib1g-dev, libbz2-dev,
libzstd-dev)."""

import glob
import os

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def rel(*parts):
    """A path under the repository, relative to this folder (setuptools
    wants relative source paths)."""
    return os.path.relpath(os.path.join(ROOT, *parts), HERE)


LIB_SOURCES = sorted(
    rel(os.path.relpath(p, ROOT))
    for p in glob.glob(os.path.join(ROOT, "lib", "**", "*.c"), recursive=True))

setup(
    name="heapscope",
    version="0.1.0",
    description="Find memory leaks in Python programs: heap dumper and "
                "meliae-compatible analyzer",
    packages=["heapscope", "heapscope.meliae"],
    package_dir={"heapscope": "heapscope"},
    ext_modules=[
        Extension(
            "heapscope._dumper",
            sources=sorted(glob.glob(os.path.join("src", "dumper", "*.c"))),
            libraries=["z"],
            extra_compile_args=["-std=gnu11", "-fvisibility=hidden"],
        ),
        Extension(
            "heapscope._analyzer",
            sources=sorted(glob.glob(os.path.join("src", "binding", "*.c")))
            + LIB_SOURCES,
            include_dirs=[rel("include"), rel("lib")],
            define_macros=[("_GNU_SOURCE", None)],
            libraries=["z", "bz2", "zstd", "sqlite3", "pthread", "m"],
            extra_compile_args=["-std=gnu11", "-fvisibility=hidden"],
        ),
    ],
    python_requires=">=3.8",
)
