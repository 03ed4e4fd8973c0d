#!/bin/sh
# Build the dumper and the analyzer binding and run their tests
# (tests/python/test_dump_*.py, tests/python/test_api_*.py) on every CPython
# 3.8-3.13 found, or on the interpreters given:
#
#   scripts/test-python.sh [PYTHON...]
#
# Found by default: each pyenv version 3.8-3.13 (under $PYENV_ROOT or
# /root/.pyenv; none is fine) and /usr/bin/python3. pytest comes from
# Debian's python3-pytest: its pure-Python packages are linked into
# build/python/pytest-path, which goes on PYTHONPATH, rather than all of
# dist-packages (which holds modules compiled for Debian's 3.11 only).
# Prints one summary line per interpreter; exits 1 if any failed.
# HS_PYTHON_BUILD_DIR (default build/python) is where the extensions,
# the pytest links and the logs go (scripts/build-python.sh): each
# interpreter's log is test-<name>.log, named after its build folder.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1

need=""
for p in python3-pytest python3-dev gdb zlib1g-dev libbz2-dev libzstd-dev libsqlite3-dev \
         python3-exceptiongroup \
         python3-tomli; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || need="$need $p"
done
if [ -n "$need" ] && command -v apt-get >/dev/null; then
    echo "test-python: installing:$need" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq $need; } >&2 \
        || echo "test-python: could not install$need" >&2
fi

# pytest and its pure-Python dependencies, for interpreters without them.
DIST=/usr/lib/python3/dist-packages
PYBUILD=${HS_PYTHON_BUILD_DIR:-$ROOT/build/python}
PTP="$PYBUILD/pytest-path"
rm -rf "$PTP"
mkdir -p "$PTP"
for m in pytest _pytest pluggy iniconfig packaging py py.py attr attrs \
         exceptiongroup tomli; do
    [ -e "$DIST/$m" ] && ln -s "$DIST/$m" "$PTP/$m"
done

if [ $# -gt 0 ]; then
    set -- "$@"
else
    PYENV_VERSIONS="${PYENV_ROOT:-/root/.pyenv}/versions"
    set --
    for minor in 8 9 10 11 12 13; do
        for d in "$PYENV_VERSIONS"/3."$minor".*; do
            [ -x "$d/bin/python" ] && set -- "$@" "$d/bin/python"
        done
    done
    [ -x /usr/bin/python3 ] && set -- "$@" /usr/bin/python3
fi
if [ $# -eq 0 ]; then
    echo "test-python: no CPython 3.8-3.13 found" >&2
    exit 1
fi

summary=""
failed=0
for py in "$@"; do
    ver=$("$py" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' \
          2>/dev/null) || ver="?"
    case "$ver" in
        3.8.*|3.9.*|3.10.*|3.11.*|3.12.*|3.13.*) ;;
        *) summary="$summary
  SKIP  $py ($ver): not CPython 3.8-3.13"; continue ;;
    esac
    echo "=== $py ($ver)"
    out=$("$ROOT/scripts/build-python.sh" "$py" 2>&1)
    rc=$?
    if [ $rc -eq 3 ]; then
        echo "$out"
        summary="$summary
  SKIP  $py ($ver): headers missing"
        continue
    elif [ $rc -eq 4 ]; then
        # The dumper built, the analyzer did not: test the dumper anyway
        # (the analyzer's tests then fail on import), and say why.
        echo "$out"
        note="analyzer build failed; "
    elif [ $rc -ne 0 ]; then
        echo "$out"
        summary="$summary
  FAIL  $py ($ver): build failed"
        failed=1
        continue
    fi
    build=$(echo "$out" | tail -n 1)
    [ $rc -eq 4 ] || note=""
    log="$PYBUILD/test-$(basename "$build").log"
    HEAPSCOPE_PYTHONPATH="$build" PYTHONPATH="$build:$PTP" \
        PYTHONDONTWRITEBYTECODE=1 \
        "$py" -m pytest -q -p no:cacheprovider -p no:warnings "$ROOT"/tests/python/test_dump_*.py "$ROOT"/tests/python/test_api_*.py 2>&1 \
        | tee "$log"
    last=$(tail -n 1 "$log")
    if [ -n "$note" ] \
       || echo "$last" | grep -Eq '[0-9]+ (failed|errors?)([ ,]|$)' \
       || ! echo "$last" | grep -q passed; then
        summary="$summary
  FAIL  $py ($ver): $note$last"
        failed=1
    else
        summary="$summary
  ok    $py ($ver): $last"
    fi
done
echo
echo "dumper test summary:$summary"
exit $failed
