#!/bin/sh
# Build heapscope's dumper extension in place for ONE interpreter:
#
#   scripts/build-python.sh [PYTHON]        (default: python3)
#
# Output: build/python/<cache_tag>/heapscope/ holding the package's .py
# files and _dumper<EXT_SUFFIX>, importable with
# PYTHONPATH=build/python/<cache_tag>. Needs only cc and the interpreter's
# headers (no setuptools: pyenv's 3.12 and 3.13 have none); setup.py is
# for `pip install .`. Exit status 3 means the headers are missing.
set -eu
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}

# One query gives everything the compile needs.
eval "$("$PY" - <<'PYEOF'
import sys, sysconfig
inc = sysconfig.get_paths()["include"]
print("TAG=%s" % sys.implementation.cache_tag)
print("INC='%s'" % inc)
print("EXT='%s'" % sysconfig.get_config_var("EXT_SUFFIX"))
print("CFLAGS_PY='%s'" % (sysconfig.get_config_var("CCSHARED") or "-fPIC"))
PYEOF
)"
if [ ! -f "$INC/Python.h" ]; then
    echo "build-python: $PY: no Python.h in $INC (install the -dev package)" >&2
    exit 3
fi
OUT="$ROOT/build/python/$TAG"
PKG="$OUT/heapscope"
mkdir -p "$PKG"
cp "$ROOT"/python/heapscope/*.py "$PKG/"

# Python's headers are -isystem: their own warnings are not ours.
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
-Wwrite-strings -Wformat=2 -Wundef"
$CC -std=gnu11 -O2 -g $CFLAGS_PY $WARN ${HS_WERROR:+-Werror} \
    -fvisibility=hidden -isystem "$INC" \
    -shared -o "$PKG/_dumper$EXT.tmp" \
    "$ROOT"/python/src/dumper/*.c -lz
mv "$PKG/_dumper$EXT.tmp" "$PKG/_dumper$EXT"
echo "$OUT"
