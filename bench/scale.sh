#!/usr/bin/env bash
# bench/scale.sh: the snapshot and the scale figures of issue #8.
#
#   bench/scale.sh [--small] [--real] [--runs N] [--big|--big-only] [--objects N] [--heapscope PATH]
#
# On bench/data/service-7.8M.json (made by bench/run.sh's generator), with
# the page cache warm (--small: service-300K.json, the CI smoke run),
# fastest of --runs runs (default 3):
#   * first load with the snapshot written (`heapscope info`, no snapshot yet),
#     on one thread (--threads 1) and on every core: their ratio;
#   * reopen through the snapshot (`heapscope info`, `heapscope summary`):
#     their time as a share of the first load;
#   * the snapshot's size and bytes per object;
#   * `top` three ways: from the dump (`--no-snapshot`: the load and the
#     dominator tree), through the snapshot with the tree computed and kept
#     (DUMP.hsdom removed first), and through the snapshot with the tree
#     read back: against a load without parents (`summary --no-snapshot`)
#     and with them (`info --no-snapshot`, what top loads).
# --real runs the same on the real program's dump of bench/load.sh
# (bench/data/real-7.5M.json; --small: real-300K.json; run load.sh once
# first) instead of the generated one.
# --big also loads a synthetic dump of --objects objects (default 100 M),
# generated on the fly and piped into `heapscope summary -` and, in a
# second run, `heapscope info -` (no file on disk, no snapshot; --big-only
# skips the 7.8 M part): wall time,
# peak RSS, bytes per object and per reference. That run takes minutes and
# most of the machine's memory: run nothing else meanwhile.
# Results go to stdout as markdown (progress to stderr).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
unset HEAPSCOPE_NO_SNAPSHOT HEAPSCOPE_NO_INDEX
measure_prefix=scale-
runs=3
big=0
small=1
big_objects=100000000
real=0
objects=7800000 name=service-7.8M.json

own_option() {
    took=1
    case "$1" in
    --small) objects=300000 name=service-300K.json
             [ "$real" = 0 ] || name=real-300K.json ;;
    --real) real=1; [ "$objects" = 300000 ] && name=real-300K.json \
                || name=real-7.5M.json ;;
    --big) big=1 ;;
    --big-only) big=1; small=0 ;;
    --objects) [ $# -ge 2 ] || usage; big_objects=$2; took=2 ;;
    *) return 1 ;;
    esac
}
parse_options "$@"

if [ "$real" = 1 ]; then
    small_hint=""
    [ "$name" = real-300K.json ] && small_hint=" --small"
    [ -s "$data/$name" ] || die "missing $data/$name: run" \
        "bench/load.sh$small_hint first"
else
    make_dump "$objects" "$name"
fi
dump="$data/$name"
snapshot="$dump.hsidx"
tree="$dump.hsdom"

if [ "$small" = 1 ]; then
cat "$dump" > /dev/null
say "first load, one thread (snapshot written)"
measure_prep='rm -f "$snapshot"; sync' measure first1 "$heapscope" info --threads 1 "$dump"
say "first load, every core (snapshot written)"
measure_prep='rm -f "$snapshot"; sync' measure first "$heapscope" info "$dump"
grep -q '^snapshot  *written' "$data/scale-first.out" || die "no snapshot written"
say "parse alone, one thread and every core (--no-snapshot)"
measure parse1 "$heapscope" info --no-snapshot --threads 1 "$dump"
measure parse "$heapscope" info --no-snapshot "$dump"
say "reopen through the snapshot"
measure reopen "$heapscope" info "$dump"
grep -q '^snapshot  *used' "$data/scale-reopen.out" || die "snapshot not used"
measure reopen_summary "$heapscope" summary "$dump"
measure parse_summary "$heapscope" summary --no-snapshot "$dump"
say "top: from the dump, through the snapshot (tree computed), tree read back"
measure top_parse "$heapscope" top --no-snapshot "$dump"
measure_prep='rm -f "$tree"' measure top_cold "$heapscope" top "$dump"
measure_prep=
grep -q "dominator tree read from" "$data/scale-top_cold.err" \
    && die "top read a tree that was removed"
measure top_warm "$heapscope" top "$dump"
grep -q "dominator tree read from" "$data/scale-top_warm.err" \
    || die "top did not read the tree back"
cmp -s "$data/scale-top_parse.out" "$data/scale-top_warm.out" \
    || die "top's answers differ with the tree read back"
ibytes=$(stat -c %s "$snapshot")
tbytes=$(stat -c %s "$tree")
objects=$(awk '$1 == "objects" { print $2 }' "$data/scale-first.out")
refs=$(awk '$1 == "references" { print $2 }' "$data/scale-first.out")
open_s=$(awk '$1 == "load_seconds" { print $2 }' "$data/scale-reopen.out")

cpus=$(nproc)
echo "Snapshot on $name: $objects objects, $refs references."
echo "heapscope $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo ?); $cpus CPUs; $(date +%F); fastest of $runs runs."
echo
echo "| command | wall s | peak RSS MB | vs first load |"
echo "|---|---:|---:|---:|"
row() { echo "| $1 | $2 | $(calc "$3 / 1e6" %.0f) | $(calc "$2 / $first_s * 100" %.1f) % |"; }
row "\`info\`, first load, 1 thread, snapshot written" "$first1_s" "$first1_rss"
row "\`info\`, first load, $cpus threads, snapshot written" "$first_s" "$first_rss"
row "\`info --no-snapshot --threads 1\` (parse only)" "$parse1_s" "$parse1_rss"
row "\`info --no-snapshot\` (parse only)" "$parse_s" "$parse_rss"
row "\`info\`, reopen through the snapshot" "$reopen_s" "$reopen_rss"
row "\`summary\`, reopen through the snapshot" "$reopen_summary_s" "$reopen_summary_rss"
row "\`summary --no-snapshot\`" "$parse_summary_s" "$parse_summary_rss"
row "\`top --no-snapshot\` (parse, tree)" "$top_parse_s" "$top_parse_rss"
row "\`top\`, reopen, tree computed and kept" "$top_cold_s" "$top_cold_rss"
row "\`top\`, reopen, tree read back" "$top_warm_s" "$top_warm_rss"
echo
echo "* first load on $cpus threads vs 1: $(calc "$first1_s / $first_s") x faster (target >= 1.6x); parse only: $(calc "$parse1_s / $parse_s") x"
echo "* reopen (\`info\`) / first load: $(calc "$reopen_s / $first_s * 100" %.1f) % (target <= 5 %); of which mapping and checking the snapshot: $open_s s"
echo "* reopen + \`summary\` / \`summary --no-snapshot\`: $(calc "$reopen_summary_s / $parse_summary_s * 100" %.1f) % (target <= 2 %); peak RSS of \`summary --no-snapshot\` / file: $(calc "$parse_summary_rss / $(stat -c %s "$dump")" %.3f)x (target <= 0.5x)"
echo "* \`top\` with the tree read back: $(calc "$top_warm_s / $parse_summary_s * 100" %.1f) % of \`summary --no-snapshot\`, $(calc "$top_warm_s / $parse_s * 100" %.1f) % of \`info --no-snapshot\` (target <= 10 % of a load)"
echo "* \`top --no-snapshot\`: $(calc "$top_parse_s / $parse_summary_s")x \`summary --no-snapshot\`, $(calc "$top_parse_s / $parse_s")x \`info --no-snapshot\` (target <= 1.25x a load); with the snapshot and the tree computed: $(calc "$top_cold_s / $parse_s")x"
# The tree alone (bench/tree_time.c, built beside the unit tests): how
# much of `top --no-snapshot` over the load is the tree itself.
tree_time=$(dirname "$heapscope")/../tests/tree_time
if [ -x "$tree_time" ]; then
    tt=$("$tree_time" "$dump" "$runs" | awk '/^fastest/ { print $5 }')
    echo "* the dominator tree alone (bench/tree_time.c, fastest of $runs): $tt s, $(calc "$tt / $parse_s * 100" %.1f) % of \`info --no-snapshot\`"
fi
echo "* snapshot: $ibytes bytes, $(calc "$ibytes / $objects" %.1f) bytes per object; stored tree: $tbytes bytes, $(calc "$tbytes / $objects" %.1f) bytes per object"
phases() { awk '$1 ~ /^(parse|resolve|passes)_seconds$/ { printf "%s %s s, ", $1, $2 }' "$1"; }
echo "* phases of the last first load, 1 thread: $(phases "$data/scale-first1.out")$cpus threads: $(phases "$data/scale-first.out")"
echo "* load average when done: $(cut -d' ' -f1-3 /proc/loadavg) (other jobs on the same cores slow the $cpus-thread runs)"
fi

[ "$big" = 1 ] || exit 0

# ---- the big run: generated on the fly, piped in --------------------------
avail=$(free -b | awk '/^Mem:/ { print $7 }')
say "big run: $big_objects objects; $(calc "$avail / 2^30" %.1f) GiB available"
for cmd in summary info; do
    say "gen_dump --objects $big_objects | heapscope $cmd -"
    start=$EPOCHREALTIME
    "$gen" --objects "$big_objects" \
        | /usr/bin/time -f '%M' -o "$data/scale-big-$cmd.time" \
              "$heapscope" "$cmd" --quiet - > "$data/scale-big-$cmd.out" \
              2> "$data/scale-big-$cmd.err" \
        || { cat "$data/scale-big-$cmd.err" >&2; die "big $cmd failed"; }
    printf -v "big_${cmd}_s" '%s' "$(elapsed "$start")"
    printf -v "big_${cmd}_rss" '%s' "$(( $(tail -n 1 "$data/scale-big-$cmd.time") * 1024 ))"
done
bo=$(awk '$1 == "objects" { print $2 }' "$data/scale-big-info.out")
br=$(awk '$1 == "references" { print $2 }' "$data/scale-big-info.out")
bin=$(awk '$1 == "input_bytes" { print $2 }' "$data/scale-big-info.out")
echo
echo "Synthetic dump of $big_objects records ($(calc "$bin / 1e9" %.1f) GB of JSON, generated and piped in): $bo live objects, $br references."
echo
echo "| command | wall s | peak RSS GB | peak RSS per object | peak RSS per object, less the edges |"
echo "|---|---:|---:|---:|---:|"
# summary keeps children only (4 bytes a ref); info also parents (8).
for cmd in summary info; do
    s_var="big_${cmd}_s"; r_var="big_${cmd}_rss"
    per_ref=4; [ "$cmd" = info ] && per_ref=8
    echo "| gen_dump piped into \`heapscope $cmd -\` | ${!s_var} | $(calc "${!r_var} / 1e9") | $(calc "${!r_var} / $bo" %.1f) B | $(calc "(${!r_var} - $per_ref * $br) / $bo" %.1f) B + $per_ref B a ref |"
done
echo
echo "Phases of the info run: $(awk '$1 ~ /_seconds$/ { printf "%s %s s, ", $1, $2 }' "$data/scale-big-info.out")"
