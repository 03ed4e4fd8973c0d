#!/usr/bin/env bash
# bench/smoke_python.sh: the Python benchmarks at a small size, as CI runs
# them (ctest bench.python, label bench). Times nothing: each script must
# run on Debian's python3 and print its figures; python_api.py must find
# heapscope's summary equal to the reference loader's.
#   bench/smoke_python.sh [PYTHON]
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
py=${1:-/usr/bin/python3}
ext=$(sh "$here/../scripts/build-python.sh" "$py" | tail -n 1)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
expect() { # expect WHAT PATTERN TEXT
    grep -qE "$2" <<< "$3" || { echo "smoke_python.sh: $1: no '$2' in:" >&2
                                echo "$3" >&2; exit 1; }
}
run() { PYTHONPATH="$ext" "$py" "$@"; }

text=$(run "$here/dump_bench.py" --requests 3000 --out "$out/d.json")
echo "$text"
expect dump_bench.py '^objects/s +[0-9]+' "$text"
text=$(run "$here/dump_bench.py" --requests 3000 --out "$out/d.json" --tracing)
echo "$text"
expect "dump_bench.py --tracing" '^traced +[1-9][0-9]* objects' "$text"
expect "dump_bench.py --tracing" '^objects/s +[0-9.]+ \(' "$text"
# Makes bench/data/service-20K.json (gen_dump) the first time.
text=$(run "$here/python_api.py" --objects 20000 --runs 1)
echo "$text"
expect python_api.py 'summary texts identical' "$text"
text=$(run "$here/leak_check.py" --objects 20000 --runs 1)
echo "$text"
expect leak_check.py '^\| leak_check, a round \| [0-9.]+ \| [0-9.]+ \| [0-9.]+x \|$' "$text"
