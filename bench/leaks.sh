#!/usr/bin/env bash
# bench/leaks.sh [--small] [--runs N] [--heapscope PATH]: time dominators
# (`heapscope top`) and `heapscope leaks` against the load (`heapscope info`).
#
# Uses the dumps of bench/navigate.sh (bench/data/service-7.8M.json and
# service-7.8M-grown.json: OLD plus a leaking observer with 200,000 new
# event dicts); run it once first to make them. Makes a third,
# service-7.8M-grown2.json (the same observer with 400,000), and times
# `leaks` over the three with 2 threads and with 1: both must name the
# same suspects. Prints a markdown table on stdout, progress on stderr.
# See bench/README.md (dominators and leaks).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export HEAPSCOPE_NO_SNAPSHOT=1
measure_prefix=lk-

old_name=service-7.8M.json new_name=service-7.8M-grown.json
last_name=service-7.8M-grown2.json grow_events=200000

own_option() {
    took=1
    case "$1" in
    --small) old_name=service-300K.json new_name=service-300K-grown.json
             last_name=service-300K-grown2.json grow_events=10000 ;;
    *) return 1 ;;
    esac
}
parse_options "$@"
old="$data/$old_name" new="$data/$new_name"
small_hint=""
[ "$old_name" = service-300K.json ] && small_hint=" --small"
[ -s "$old" ] && [ -s "$new" ] || die "missing $old or $new: run" \
    "bench/navigate.sh$small_hint first"
last="$data/$last_name"
grown_dump "$old" "$((2 * grow_events))" "$last"
cat "$old" "$new" "$last" > /dev/null  # warm the page cache

say "timing the loads (heapscope info)"
measure load_old "$heapscope" info --quiet "$old"
measure load_new "$heapscope" info --quiet "$new"
say "timing heapscope top (dominators and retained sizes)"
measure top "$heapscope" top --quiet "$new"
measure bytype "$heapscope" top --quiet --by-type "$new"
say "timing heapscope leaks OLD NEW"
measure leaks "$heapscope" leaks --quiet "$old" "$new"
say "timing heapscope leaks OLD NEW LAST, 2 threads, then 1"
measure load_last "$heapscope" info --quiet "$last"
measure leaks3 "$heapscope" leaks --quiet --threads 2 "$old" "$new" "$last"
measure leaks3_1 "$heapscope" leaks --quiet --threads 1 "$old" "$new" "$last"
# The suspects (rank, owner, verdict) must not depend on the threads.
same=no
cmp -s <(grep -E '^Suspect' "$data/lk-leaks3.out") \
       <(grep -E '^Suspect' "$data/lk-leaks3_1.out") && same=yes

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
loads3=$(calc "$loads + $load_last_s" %.3f)
echo "| info LAST (load) | $load_last_s | | 1.00x | $(mb "$load_last_rss") |"
echo "| leaks OLD NEW LAST, 2 threads | $leaks3_s | $(calc "$leaks3_s / $load_last_s")x (of LAST) | $(calc "$leaks3_s / $loads3")x | $(mb "$leaks3_rss") |"
echo "| leaks OLD NEW LAST, 1 thread | $leaks3_1_s | $(calc "$leaks3_1_s / $load_last_s")x (of LAST) | $(calc "$leaks3_1_s / $loads3")x | $(mb "$leaks3_1_rss") |"
echo
echo "Same suspects with 1 and 2 threads: $same. Load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
echo
grep -m 1 -E "^Suspect 1" "$data/lk-leaks3.out" || true
grep -m 1 -E "signature" "$data/lk-leaks3.out" || true
[ "$same" = yes ] || die "1 and 2 threads named different suspects"
