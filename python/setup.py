"""`pip install .` (from this folder) for heapscope's Python package and
its dumper extension. Offline: pip install --no-build-isolation . uses the
interpreter's setuptools (Debian: python3-setuptools). Developers and the
tests use scripts/build-python.sh instead, which needs no setuptools."""

import glob
import os

from setuptools import Extension, setup

HERE = os.path.dirname(os.path.abspath(__file__))

setup(
    name="heapscope",
    version="0.1.0",
    description="Find memory leaks in Python programs: heap dumper",
    packages=["heapscope"],
    package_dir={"heapscope": "heapscope"},
    ext_modules=[
        Extension(
            "heapscope._dumper",
            sources=sorted(glob.glob(os.path.join("src", "dumper", "*.c"))),
            libraries=["z"],
            extra_compile_args=["-std=gnu11", "-fvisibility=hidden"],
        )
    ],
    python_requires=">=3.8",
)
