#!/bin/sh
# The dumper's test programs under valgrind, with Debian's python3: ASan
# cannot be preloaded into an uninstrumented interpreter, valgrind can.
#
#   scripts/valgrind-dumper.sh
#
# Builds the extension for /usr/bin/python3 (scripts/build-python.sh),
# then runs a subset of the programs behind tests/python/test_dump_*.py
# (round trip, heap unchanged, a long chain, borrowed __sizeof__; not the
# churning threads of test_dump_stress.py: valgrind runs one thread at a
# time, and the GIL's hand-offs under it can take minutes)
# under `valgrind --error-exitcode=1`: any invalid read or write, use of
# uninitialised memory, or block the dumper leaks definitely fails the
# run. PYTHONMALLOC=malloc makes every Python allocation visible to
# valgrind (pymalloc's arenas would hide them). About 1-2 minutes.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PY=/usr/bin/python3
P="$ROOT/tests/python/programs"
need=""
for p in valgrind python3-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" \
        || need="$need $p"
done
if [ -n "$need" ] && command -v apt-get >/dev/null; then
    echo "valgrind-dumper: installing:$need" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get update -qq && apt-get install -y -qq $need; } >&2
fi
build=$("$ROOT/scripts/build-python.sh" "$PY" | tail -n 1) || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export PYTHONPATH="$build:$ROOT/tests/python" PYTHONMALLOC=malloc \
    PYTHONDONTWRITEBYTECODE=1
failed=0
run() {
    name=$1
    shift
    log="$tmp/$name.log"
    if timeout 600 valgrind -q --error-exitcode=1 --leak-check=full \
           --show-leak-kinds=definite --errors-for-leak-kinds=definite \
           --log-file="$log" "$PY" "$@" >"$tmp/$name.out" 2>&1; then
        echo "ok    $name"
    else
        echo "FAIL  $name"
        cat "$tmp/$name.out" "$log" | tail -n 60
        failed=1
    fi
}
run roundtrip "$P/roundtrip.py" "$tmp/roundtrip.json"
run unchanged "$P/unchanged.py" "$tmp/unchanged.json"
run chain "$P/chain.py" "$tmp/chain.json" 20000
# Classes whose __sizeof__ the dumper must not apply to foreign memory.
run borrowed_sizeof "$P/quiet_walk.py" borrowed_sizeof "$tmp/borrowed.json"
exit $failed
