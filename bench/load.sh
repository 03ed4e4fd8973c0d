#!/usr/bin/env bash
# bench/load.sh: the parse against `wc -l`, on a synthetic and a real dump.
#   bench/load.sh [--small] [--base OLD_HEAPSCOPE] [--runs N] [--heapscope PATH]
#
# Three dumps, measured in one run so that their ratios compare:
#   * synthetic: bench/gen's service dump (service-7.8M.json; --small
#     service-300K.json), as bench/run.sh uses;
#   * real: bench/real_service.py (an asyncio service that has served
#     traffic) dumped by heapscope's own dumper under /usr/bin/python3,
#     about 7.5 M objects (real-7.5M.json; --small real-300K.json);
#   * real, meliae: the same heap as meliae's scanner writes it on
#     Python 3 (bench/to_meliae.py: no header, dicts without keys).
# On each: `wc -l` (best of 5) and `heapscope summary` with the snapshot
# snapshot off (HEAPSCOPE_NO_SNAPSHOT=1: every run parses), wall time and peak
# RSS, as ratios: time / wc -l, peak RSS / file size, and the CPU time
# (user + sys), which a busy machine disturbs less. --base OLD also
# times another build of heapscope on the same dumps, the two programs
# alternating run by run, and gives new / old (wall and CPU; the fastest
# run of each, and their summaries must be identical). The load average before
# and after goes with the table: the ratios mean little on a busy machine.
#
# Then, with build/tests/scan_levels beside the program's build, the line
# scan alone on each SIMD level (bench/scan_levels.c).
#
# The dumper is built with scripts/build-python.sh into
# bench/data/python (HS_PYTHON_DUMPER_ONLY: the dumper alone) for
# /usr/bin/python3 ($PYTHON to change), when its sources are newer.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export HEAPSCOPE_NO_SNAPSHOT=1

python="${PYTHON:-/usr/bin/python3}"
synthetic_objects=7800000 synthetic=service-7.8M.json
real_objects=7500000 real=real-7.5M.json real_meliae=real-7.5M-meliae.json
base=""

own_option() {
    took=1
    case "$1" in
    --small)
        synthetic_objects=300000 synthetic=service-300K.json
        real_objects=300000 real=real-300K.json
        real_meliae=real-300K-meliae.json ;;
    --base) [ $# -ge 2 ] || return 1; base=$2; took=2 ;;
    *) return 1 ;;
    esac
}
parse_options "$@"
[ -z "$base" ] || [ -x "$base" ] || die "--base $base: not an executable"

# ---- the dumps (cached) ----------------------------------------------------

# The dumper for $python, rebuilt when a source of it is newer.
dumper_path() {
    local out=$data/python so src
    so=$(ls "$out"/*/heapscope/_dumper*.so 2>/dev/null | head -n 1 || true)
    for src in "$root"/python/src/dumper/* "$root"/python/heapscope/*.py; do
        if [ -z "$so" ] || [ "$src" -nt "$so" ]; then
            say "building the dumper for $python"
            HS_PYTHON_DUMPER_ONLY=1 HS_PYTHON_BUILD_DIR=$out \
                sh "$root/scripts/build-python.sh" "$python" 2>/dev/null \
                | tail -n 1
            return
        fi
    done
    dirname "$(dirname "$so")"
}

# real_dumps OBJECTS NAME MELIAE_NAME: the service's dump and its meliae
# rewrite, made again when missing or older than their scripts.
real_dumps() {
    local dump=$data/$2 meliae=$data/$3 pypath start
    if [ ! -s "$dump" ] || [ "$here/real_service.py" -nt "$dump" ]; then
        pypath=$(dumper_path)
        say "dumping bench/real_service.py ($1 objects)"
        start=$EPOCHREALTIME
        PYTHONPATH=$pypath "$python" "$here/real_service.py" \
            --objects "$1" -o "$dump.tmp"
        mv "$dump.tmp" "$dump"
        say "dumped in $(elapsed "$start") s"
    fi
    if [ ! -s "$meliae" ] || [ "$dump" -nt "$meliae" ] \
            || [ "$here/to_meliae.py" -nt "$meliae" ]; then
        say "rewriting $2 as meliae's dialect"
        "$python" "$here/to_meliae.py" "$dump" "$meliae.tmp"
        mv "$meliae.tmp" "$meliae"
    fi
}

make_dump "$synthetic_objects" "$synthetic"
real_dumps "$real_objects" "$real" "$real_meliae"

# ---- measuring --------------------------------------------------------------

load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# time_dump KEY FILE: wc_KEY, lines_KEY, new_KEY_s/_rss (and old_KEY_s/_rss
# with --base), the programs alternating, each run kept at its fastest.
time_dump() {
    local key=$1 file=$2 t wc="" start r
    cat "$file" > /dev/null          # page cache warm
    for _ in 1 2 3 4 5; do
        start=$EPOCHREALTIME
        wc -l < "$file" > "$data/load-wc.out"
        t=$(elapsed "$start")
        wc=$(min "${wc:-$t}" "$t")
    done
    printf -v "wc_$key" '%s' "$wc"
    printf -v "lines_$key" '%s' "$(cat "$data/load-wc.out")"
    local total=$runs best_new="" best_old="" rss_new=0 rss_old=0
    local cpu_new="" cpu_old=""
    runs=1
    for r in $(seq "$total"); do
        say "$key: heapscope summary, run $r of $total"
        measure "new_$key" "$heapscope" summary "$file"
        best_new=$(min "${best_new:-9e9}" "$(eval echo "\$new_${key}_s")")
        cpu_new=$(min "${cpu_new:-9e9}" "$(eval echo "\$new_${key}_cpu")")
        rss_new=$(eval echo "\$new_${key}_rss")
        if [ -n "$base" ]; then
            measure "old_$key" "$base" summary "$file"
            best_old=$(min "${best_old:-9e9}" "$(eval echo "\$old_${key}_s")")
            cpu_old=$(min "${cpu_old:-9e9}" "$(eval echo "\$old_${key}_cpu")")
            rss_old=$(eval echo "\$old_${key}_rss")
            cmp -s "$data/new_$key.out" "$data/old_$key.out" \
                || die "$key: the two programs' summaries differ"
        fi
    done
    runs=$total
    printf -v "new_${key}_s" '%s' "$best_new"
    printf -v "new_${key}_rss" '%s' "$rss_new"
    printf -v "new_${key}_cpu" '%s' "$cpu_new"
    printf -v "old_${key}_cpu" '%s' "$cpu_old"
    printf -v "old_${key}_s" '%s' "$best_old"
    printf -v "old_${key}_rss" '%s' "$rss_old"
}

time_dump synthetic "$data/$synthetic"
time_dump real "$data/$real"
time_dump meliae "$data/$real_meliae"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the report -----------------------------------------------------------

mb() { calc "$1 / 1000000" %.0f; }

row() {  # row KEY FILE
    local key=$1 file=$2 bytes lines wc s rss cpu old old_cpu vs=""
    bytes=$(stat -c %s "$file")
    lines=$(eval echo "\$lines_$key")
    wc=$(eval echo "\$wc_$key")
    s=$(eval echo "\$new_${key}_s")
    rss=$(eval echo "\$new_${key}_rss")
    cpu=$(eval echo "\$new_${key}_cpu")
    if [ -n "$base" ]; then
        old=$(eval echo "\$old_${key}_s")
        old_cpu=$(eval echo "\$old_${key}_cpu")
        vs=" $old | $(calc "$s / $old")x | $old_cpu | $(calc "$cpu / $old_cpu")x |"
    fi
    printf '| %s | %s | %s | %.1f | %s | %s | %sx | %s | %s | %sx |%s\n' \
        "$(basename "$file")" "$lines" "$(mb "$bytes")" \
        "$(calc "$bytes / $lines" %.1f)" "$wc" "$s" \
        "$(calc "$s / $wc" %.1f)" "$cpu" "$(mb "$rss")" \
        "$(calc "$rss / $bytes")" "$vs"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
echo "heapscope summary (HEAPSCOPE_NO_SNAPSHOT=1) against wc -l, fastest of" \
     "$runs; heapscope $rev; $(nproc) CPUs ($cpu); $(date -u +%Y-%m-%d)."
echo "Load average (1, 5, 15 min): $load_before before, $load_after after."
[ -z "$base" ] || echo "old: $base"
echo
head="| dump | lines | MB | bytes/line | wc -l s | summary s | time / wc -l"
head="$head | CPU s | peak RSS MB | RSS / file |"
rule="|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
if [ -n "$base" ]; then
    head="$head old s | new / old | old CPU s | CPU new / old |"
    rule="$rule---:|---:|---:|---:|"
fi
echo "$head"
echo "$rule"
row synthetic "$data/$synthetic"
row real "$data/$real"
row meliae "$data/$real_meliae"

# The scan alone on each hs_simd level (bench/scan_levels.c, built beside
# the unit tests of the same build as the program), when it is there.
scan_levels=$(dirname "$heapscope")/../tests/scan_levels
if [ -x "$scan_levels" ]; then
    for file in "$data/$synthetic" "$data/$real" "$data/$real_meliae"; do
        say "scan_levels $(basename "$file")"
        echo
        echo "The line scan alone (hs_line_parse, no graph) on $(basename "$file"):"
        echo
        "$scan_levels" "$file" "$runs"
    done
fi
