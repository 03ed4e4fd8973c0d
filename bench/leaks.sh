#!/usr/bin/env bash
# bench/leaks.sh [--small] [--runs N] [--heapscope PATH]: time dominators
# (`heapscope top`) and `heapscope leaks` against the load (`heapscope info`).
#
# Uses the dumps of bench/navigate.sh (bench/data/service-7.8M.json and
# service-7.8M-grown.json: OLD plus a leaking observer with 200,000 new
# event dicts); run it once first to make them. Prints a markdown table on
# stdout, progress on stderr. See bench/README-leaks.md.
set -euo pipefail
export LC_ALL=C
export HEAPSCOPE_NO_INDEX=1

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
heapscope="${HEAPSCOPE:-$root/build/bin/heapscope}"
old_name=service-7.8M.json new_name=service-7.8M-grown.json
runs=1

die() { echo "leaks.sh: error: $*" >&2; exit 1; }
say() { echo "leaks.sh: $*" >&2; }
usage() { sed -n '2,3p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2; exit 2; }

while [ $# -gt 0 ]; do
    case "$1" in
    --small) old_name=service-300K.json new_name=service-300K-grown.json ;;
    --runs) [ $# -ge 2 ] || usage; runs=$2; shift ;;
    --heapscope) [ $# -ge 2 ] || usage; heapscope=$2; shift ;;
    *) usage ;;
    esac
    shift
done
case "$runs" in ''|*[!0-9]*|0) die "--runs needs a positive integer" ;; esac
[ -x "$heapscope" ] || die "$heapscope not found; build it first"
[ -x /usr/bin/time ] || die "needs GNU time (Debian package 'time')"
old="$data/$old_name" new="$data/$new_name"
[ -s "$old" ] && [ -s "$new" ] || die "missing $old or $new: run" \
    "bench/navigate.sh${old_name/service-7.8M.json/} first"
cat "$old" "$new" > /dev/null  # warm the page cache

calc() { awk "BEGIN { printf \"${2:-%.2f}\", $1 }"; }
elapsed() { calc "$EPOCHREALTIME - $1" %.3f; }
min() { calc "$1 < $2 ? $1 : $2" %.3f; }

measure() {  # measure LABEL CMD...: fastest wall of $runs, largest RSS
    local label=$1 best="" rss=0 start t kb
    shift
    for _ in $(seq "$runs"); do
        start=$EPOCHREALTIME
        if ! /usr/bin/time -f '%M' -o "$data/lk-$label.time" \
                "$@" > "$data/lk-$label.out" 2> "$data/lk-$label.err"; then
            cat "$data/lk-$label.err" >&2
            die "$label failed: $*"
        fi
        t=$(elapsed "$start")
        kb=$(tail -n 1 "$data/lk-$label.time")
        best=${best:-$t}
        best=$(min "$best" "$t")
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    printf -v "${label}_s" '%s' "$best"
    printf -v "${label}_rss" '%s' "$((rss * 1024))"
}

say "timing the loads (heapscope info)"
measure load_old "$heapscope" info --quiet "$old"
measure load_new "$heapscope" info --quiet "$new"
say "timing heapscope top (dominators and retained sizes)"
measure top "$heapscope" top --quiet "$new"
measure bytype "$heapscope" top --quiet --by-type "$new"
say "timing heapscope leaks OLD NEW"
measure leaks "$heapscope" leaks --quiet "$old" "$new"

loads=$(calc "$load_old_s + $load_new_s" %.3f)
mb() { calc "$1 / 1048576" %.0f; }
echo "OLD $old_name, NEW $new_name; $(nproc) CPUs; $(date +%F)."
echo
echo "| command | wall s | / load of NEW | / loads of its dumps | peak RSS MB |"
echo "|---|---:|---:|---:|---:|"
echo "| info OLD (load) | $load_old_s | | 1.00x | $(mb "$load_old_rss") |"
echo "| info NEW (load) | $load_new_s | 1.00x | 1.00x | $(mb "$load_new_rss") |"
echo "| top NEW | $top_s | $(calc "$top_s / $load_new_s")x | $(calc "$top_s / $load_new_s")x | $(mb "$top_rss") |"
echo "| top --by-type NEW | $bytype_s | $(calc "$bytype_s / $load_new_s")x | $(calc "$bytype_s / $load_new_s")x | $(mb "$bytype_rss") |"
echo "| leaks OLD NEW | $leaks_s | $(calc "$leaks_s / $load_new_s")x | $(calc "$leaks_s / $loads")x | $(mb "$leaks_rss") |"
echo
grep -m 1 -E "^Suspect 1" "$data/lk-leaks.out" || true
grep -m 1 -E "signature" "$data/lk-leaks.out" || true
