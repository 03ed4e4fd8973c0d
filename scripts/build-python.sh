#!/bin/sh
# Build heapscope's two extensions in place for ONE interpreter:
#
#   scripts/build-python.sh [PYTHON]        (default: python3)
#
# Output: build/python/<name>/heapscope/ (under $HS_PYTHON_BUILD_DIR
# instead of build/python when that is set, so that several build trees
# can share a checkout) holding the package's .py
# files (heapscope/meliae/ included), _dumper<EXT_SUFFIX> (the heap dumper),
# _analyzer<EXT_SUFFIX> (the binding of python/src/binding/ with the
# analyzer library lib/ compiled in) and _bin/heapscope (the program of
# cli/, which `python -m heapscope` and the pytest plugin run), importable with
# PYTHONPATH=build/python/<name>; the last line printed is that folder.
# HS_PYTHON_DUMPER_ONLY=1 stops after the dumper (bench/load.sh).
# <name> is the interpreter's cache_tag and a hash of its real path,
# "cpython-311-1f0e3c2a", so that two interpreters of one version (Debian's
# /usr/bin/python3 and pyenv's 3.11) never share a folder; the folder's
# file `interpreter` says whose it is. `heapscope dump --pid`
# (cli/cmd_dump.c) and tests/python/test_investigation.py derive the same
# name from the interpreter. Needs only cc and the interpreter's
# headers (no setuptools: pyenv's 3.12 and 3.13 have none); `pip install .`
# runs this script too (python/backend/). Exit status 3 means the headers
# are missing; 4 means the dumper was built but the analyzer or the
# program was not (lib/ or cli/ does not compile, libedit is missing):
# the errors are on stderr and no stale _analyzer or program is left.
#
# The objects of lib/ and cli/ do not depend on the interpreter: they are
# compiled once into build/python/lib-objs/ and cli-objs/ (two at a time;
# again when a source or any header is newer) and linked into every
# _analyzer and program.
set -eu
PY=${1:-python3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CC=${CC:-cc}

# One query gives everything the compile needs.
eval "$("$PY" - <<'PYEOF'
import hashlib, os, sys, sysconfig
inc = sysconfig.get_paths()["include"]
exe = os.path.realpath(sys.executable)
print("NAME='%s-%s'" % (sys.implementation.cache_tag,
                        hashlib.sha256(os.fsencode(exe)).hexdigest()[:8]))
print("EXE='%s'" % exe)
print("INC='%s'" % inc)
print("EXT='%s'" % sysconfig.get_config_var("EXT_SUFFIX"))
print("CFLAGS_PY='%s'" % (sysconfig.get_config_var("CCSHARED") or "-fPIC"))
PYEOF
)"
if [ ! -f "$INC/Python.h" ]; then
    echo "build-python: $PY: no Python.h in $INC (install the -dev package)" >&2
    exit 3
fi
PYBUILD=${HS_PYTHON_BUILD_DIR:-$ROOT/build/python}
OUT="$PYBUILD/$NAME"
PKG="$OUT/heapscope"
mkdir -p "$PKG"
echo "$EXE" > "$OUT/interpreter"
cp "$ROOT"/python/heapscope/*.py "$PKG/"
mkdir -p "$PKG/meliae"
cp "$ROOT"/python/heapscope/meliae/*.py "$PKG/meliae/"

# Python's headers are -isystem: their own warnings are not ours.
WARN="-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
-Wwrite-strings -Wformat=2 -Wundef"
$CC -std=gnu11 -O2 -g $CFLAGS_PY $WARN ${HS_WERROR:+-Werror} \
    -fvisibility=hidden -isystem "$INC" \
    -shared -o "$PKG/_dumper$EXT.tmp" \
    "$ROOT"/python/src/dumper/*.c -lz
mv "$PKG/_dumper$EXT.tmp" "$PKG/_dumper$EXT"
# HS_PYTHON_DUMPER_ONLY=1: the dumper is all that is needed (bench/load.sh
# dumps a heap and analyses it with the CMake build's program).
if [ -n "${HS_PYTHON_DUMPER_ONLY:-}" ]; then
    echo "$OUT"
    exit 0
fi

# The analyzer library, with the warnings its CMake build uses.
HSWARN="-Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes \
-Wmissing-prototypes -Wvla -Wwrite-strings -Wformat=2 -Wcast-qual -Wundef"
LIBWARN="$HSWARN -Wconversion"
# Compiles every .c under folder $1 into $2 (two at a time; again when a
# source, or any header of $1 or include/, is newer), then prints the
# objects of today's sources (not those of removed files). $3 is the
# flags. Object names are the sources' base names: unique in lib/ and in
# cli/, which include no header of each other.
compile_objs() {
    mkdir -p "$2"
    newest_h=$(ls -t $(find "$1" "$ROOT/include" -name '*.h') | head -n 1)
    export CC ROOT FLAGS="$3" OBJ="$2"
    find "$1" -name '*.c' | sort | while read -r src; do
        o="$2/$(basename "$src" .c).o"
        if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
            echo "$src"
        fi
    done | xargs -r -P 2 -I{} sh -c '
        o="$OBJ/$(basename "$1" .c).o"
        $CC $FLAGS -c "$1" -o "$o.tmp" && mv "$o.tmp" "$o"' sh {} >&2 \
        || return 1
    find "$1" -name '*.c' | sort | while read -r src; do
        echo "$2/$(basename "$src" .c).o"; done
}
build_analyzer() {
    LIBOBJS=$(compile_objs "$ROOT/lib" "$PYBUILD/lib-objs" \
        "-std=c11 -D_GNU_SOURCE -O2 -g $CFLAGS_PY $LIBWARN ${HS_WERROR:+-Werror} \
         -fvisibility=hidden -I $ROOT/include -I $ROOT/lib") || return 1
    # The library's symbols stay hidden (no HS_BUILDING_LIB): only
    # PyInit__analyzer is exported.
    $CC -std=gnu11 -O2 -g $CFLAGS_PY $WARN ${HS_WERROR:+-Werror} \
        -fvisibility=hidden -isystem "$INC" -I "$ROOT/include" \
        -shared -o "$PKG/_analyzer$EXT.tmp" \
        "$ROOT"/python/src/binding/*.c $LIBOBJS \
        -lz -lbz2 -lzstd -lsqlite3 -lpthread -lm || return 1
    mv "$PKG/_analyzer$EXT.tmp" "$PKG/_analyzer$EXT"
}
# The heapscope program, shipped in the package (heapscope/_bin/) so that
# a pip install has the command (heapscope/__main__.py runs it) and the
# pytest plugin its leak report. It depends on no interpreter: linked
# from the library's objects above and cli/'s, with the flags of its
# CMake build; the explorer's prompt needs libedit (Debian: libedit-dev).
build_cli() {
    EDIT=$(pkg-config --libs libedit 2>/dev/null || echo -ledit)
    CLIOBJS=$(compile_objs "$ROOT/cli" "$PYBUILD/cli-objs" \
        "-std=c11 -D_GNU_SOURCE -O2 -g $HSWARN ${HS_WERROR:+-Werror} \
         -I $ROOT/include") || return 1
    mkdir -p "$PKG/_bin"
    $CC -O2 -g -o "$PKG/_bin/heapscope.tmp" $CLIOBJS $LIBOBJS \
        $EDIT -lz -lbz2 -lzstd -lsqlite3 -lpthread -lm || return 1
    mv "$PKG/_bin/heapscope.tmp" "$PKG/_bin/heapscope"
    # Whose dumper the package holds, for `dump --pid` of a pip install.
    echo "$EXE" > "$PKG/_bin/interpreter"
}
rm -f "$PKG/_analyzer$EXT" "$PKG/_bin/heapscope"
if ! build_analyzer || ! build_cli; then
    echo "build-python: $PY: the analyzer or the heapscope program did not" \
         "build (see above)" >&2
    echo "$OUT"
    exit 4
fi
echo "$OUT"
