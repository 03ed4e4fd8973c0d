#!/usr/bin/env bash
# bench/run.sh: time heapscope on a large synthetic meliae dump.
#
#   bench/run.sh [--small] [--oracle] [--check] [--runs N] [--heapscope PATH]
#
# Builds bench/gen_dump if needed, generates bench/data/service-7.8M.json
# once (--small: service-300K.json, a check CI can run in seconds), warms
# the page cache, then measures on that one file, in one run:
#   * `wc -l` wall time: the floor for anything that reads every line;
#   * `heapscope summary FILE`: wall time and peak RSS;
#   * `heapscope summary --classic FILE`: the same;
#   * with --oracle, the pure-Python oracle (tests/oracle/meliae_ref.py)
#     on the same file, and whether its output equals heapscope's.
# Results go to stdout as a markdown table (progress to stderr), with the
# ratios the targets are stated in.  Ratios against `wc -l` measured in the
# same run are comparable across machines; raw seconds are not.
# --check also validates the generated dump (bench/check_dump.py).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Time the parse, not the snapshot (bench/scale.sh times that).
export HEAPSCOPE_NO_SNAPSHOT=1

oracle="$root/tests/oracle/meliae_ref.py"
python="${PYTHON:-python3}"
objects=7800000
name=service-7.8M.json
with_oracle=0
check=0

# meliae's figures for a dump of this shape (7.8 M objects): seconds and
# peak bytes for load()+summarize(), then for the classic pipeline.
meliae_summary_s=78
meliae_summary_rss=1760000000
meliae_classic_s=148
meliae_classic_rss=2400000000
target_wc_ratio=12
target_rss_ratio=0.6

own_option() {
    took=1
    case "$1" in
    --small) objects=300000; name=service-300K.json ;;
    --oracle) with_oracle=1 ;;
    --check) check=1 ;;
    *) return 1 ;;
    esac
}
parse_options "$@"

# ---- the generator and the dump (cached) ----------------------------------

make_dump "$objects" "$name"
dump="$data/$name"
if [ "$check" = 1 ]; then
    say "checking the dump"
    "$python" "$here/check_dump.py" "$dump" >&2
fi
bytes=$(stat -c %s "$dump")

# ---- measuring ------------------------------------------------------------

# Warm the page cache so every command reads from memory.
cat "$dump" > /dev/null


# wc -l takes a fraction of a second: take the best of 5.
say "timing wc -l"
wc_s=""
for _ in 1 2 3 4 5; do
    start=$EPOCHREALTIME
    lines=$(wc -l < "$dump")
    t=$(elapsed "$start")
    wc_s=${wc_s:-$t}
    wc_s=$(min "$wc_s" "$t")
done

say "timing heapscope summary"
measure summary "$heapscope" summary "$dump"
say "timing heapscope summary --classic"
measure classic "$heapscope" summary --classic "$dump"
if [ "$with_oracle" = 1 ]; then
    say "timing the oracle (slow)"
    measure oracle "$python" "$oracle" summary "$dump"
    measure oracle_classic "$python" "$oracle" summary --classic "$dump"
fi

# ---- the report -----------------------------------------------------------

mb() { calc "$1 / 1000000" %.0f; }
same() { cmp -s "$data/$1.out" "$data/$2.out" && echo yes || echo NO; }

row() {  # row LABEL SECONDS RSS [MELIAE_S MELIAE_RSS]
    local s=$2 rss=$3 vs=""
    if [ $# -ge 5 ]; then
        vs="$(calc "$4 / $s" %.1f)x faster,"
        vs="$vs $(calc "$5 / $rss" %.1f)x less memory"
    fi
    printf '| %s | %s | %sx | %s | %s | %sx | %s |\n' \
        "$1" "$s" "$(calc "$s / $wc_s" %.1f)" \
        "$(calc "$lines / $s / 1000000")" "$(mb "$rss")" \
        "$(calc "$rss / $bytes")" "$vs"
}

cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
rev=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo "no commit")
echo "Benchmark of $(basename "$dump"): $lines lines, $(mb "$bytes") MB," \
     "$(calc "$bytes / $lines" %.1f) bytes/line."
echo "heapscope $rev; $(nproc) CPUs ($cpu); $(date -u +%Y-%m-%d)."
echo
echo "| command | wall s | time / wc -l | M objects/s | peak RSS MB" \
     "| RSS / file | vs meliae |"
echo "|---|---:|---:|---:|---:|---:|---|"
printf '| wc -l | %s | 1x | %s | | | |\n' "$wc_s" \
    "$(calc "$lines / $wc_s / 1000000")"
# meliae's figures are for the full-size dump only.
vs_summary=() vs_classic=()
if [ "$objects" = 7800000 ]; then
    vs_summary=("$meliae_summary_s" "$meliae_summary_rss")
    vs_classic=("$meliae_classic_s" "$meliae_classic_rss")
fi
row "heapscope summary" "$summary_s" "$summary_rss" "${vs_summary[@]}"
row "heapscope summary --classic" "$classic_s" "$classic_rss" \
    "${vs_classic[@]}"
if [ "$with_oracle" = 1 ]; then
    row "oracle summary" "$oracle_s" "$oracle_rss"
    row "oracle summary --classic" "$oracle_classic_s" "$oracle_classic_rss"
fi
echo
echo "Targets: summary time / wc -l <= ${target_wc_ratio}x (now" \
     "$(calc "$summary_s / $wc_s" %.1f)x; --classic" \
     "$(calc "$classic_s / $wc_s" %.1f)x); peak RSS / file size <=" \
     "${target_rss_ratio}x (now $(calc "$summary_rss / $bytes")x;" \
     "--classic $(calc "$classic_rss / $bytes")x)."
echo "meliae on a dump of this shape: ${meliae_summary_s} s and" \
     "$(mb "$meliae_summary_rss") MB for load()+summarize()," \
     "${meliae_classic_s} s and $(mb "$meliae_classic_rss") MB for the" \
     "classic pipeline."
if [ "$with_oracle" = 1 ]; then
    echo "Output identical to the oracle's: summary $(same summary oracle)," \
         "--classic $(same classic oracle_classic)."
fi
