#!/usr/bin/env bash
# Runs each libFuzzer target of build-fuzz (built by `make fuzz`) for
# SECONDS, one after the other: one fuzzer process at a time.
#
#   scripts/fuzz.sh SECONDS [TARGET...]  (targets: line load diff index html tree)
#
# Each target grows a working corpus in build-fuzz/corpus/<target>, seeded
# from tests/fuzz/corpus/<target>; crashes land in build-fuzz/artifacts/.
# Appends "target seconds executions" to build-fuzz/fuzz-log.txt, the
# running total reported in the hardening notes. Exits 1 on a crash.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
B="$ROOT/build-fuzz"
secs=${1:?usage: fuzz.sh SECONDS [TARGET...]}
shift
[ $# -gt 0 ] || set -- line load diff index html tree
mkdir -p "$B/artifacts"
status=0
for t in "$@"; do
    mkdir -p "$B/corpus/$t"
    log="$B/fuzz-$t.log"
    dict=-dict="$ROOT/tests/fuzz/meliae.dict"
    [ "$t" != index ] || dict=-runs=-1 # binary input: no JSON tokens
    "$B/fuzz/fuzz_$t" -max_total_time="$secs" -max_len=65536 -timeout=20 \
        -rss_limit_mb=2048 -print_final_stats=1 "$dict" \
        -artifact_prefix="$B/artifacts/$t-" \
        "$B/corpus/$t" "$ROOT/tests/fuzz/corpus/$t" >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    took=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\2/p' "$log")
    echo "$t ${took:-$secs} ${runs:-0} rc=$rc" | tee -a "$B/fuzz-log.txt"
    [ $rc -eq 0 ] || { status=1; tail -n 40 "$log"; }
done
exit $status
