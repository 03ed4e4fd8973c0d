#!/usr/bin/env bash
# bench/smoke.sh: one benchmark script in its --small mode, as CI runs it.
#   bench/smoke.sh HEAPSCOPE SCRIPT [ARG...]
#
# Runs bench/SCRIPT --small --runs 1 --heapscope HEAPSCOPE [ARG...] and
# fails unless it exits 0 and prints a markdown table (a |---| rule) on
# stdout, which is then shown. Times nothing: the smoke run checks that
# the script still works (ctest label "bench", tests/CMakeLists.txt).
set -euo pipefail
[ $# -ge 2 ] || { sed -n '2,3p' "$0" | sed 's/^# *//' >&2; exit 2; }
heapscope=$1 script=$2
shift 2
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=$(bash "$here/$script" --small --runs 1 --heapscope "$heapscope" "$@")
echo "$out"
grep -q '^|---' <<< "$out" || {
    echo "smoke.sh: $script printed no table" >&2
    exit 1
}
