#!/usr/bin/env bash
# bench/navigate.sh: time `heapscope path` and `heapscope diff` against the
# load time, on the large synthetic meliae dumps.
#
#   bench/navigate.sh [--small] [--runs N] [--heapscope PATH]
#
# Two dumps of one growing process: OLD is bench/data/service-7.8M.json
# (the dump of bench/run.sh, generated here too if missing) and NEW is OLD
# with 400 K objects appended (service-7.8M-grown.json): a new observer
# object (no parents: a root) holding a deque of 200 K new log-event dicts,
# each with a new message str, so NEW holds every object of OLD at the
# same address plus the growth.  --small starts from 300 K objects.
#
# Measured in one run, page cache warm, fastest of --runs:
#   * `heapscope info OLD` and `info NEW`: the load alone (info does nothing
#     else worth timing), the yardstick for the rest;
#   * `heapscope path NEW ADDR`: ADDR is the first log-event dict of the
#     first deque (a leaked object 3 steps below a module);
#   * `heapscope path --max 10 NEW ADDR`;
#   * `heapscope diff OLD NEW`: two loads plus the diff;
#   * `heapscope diff --type dict --new OLD NEW`: plus listing new dicts.
# Prints a markdown table with each command's wall time, its ratio to the
# load time of what it loads, and peak RSS.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Time the parse, not the snapshot (bench/scale.sh times that).
export HEAPSCOPE_NO_SNAPSHOT=1
measure_prefix=nav-

old_objects=7800000 grow_events=200000
old_name=service-7.8M.json new_name=service-7.8M-grown.json

own_option() {
    took=1
    case "$1" in
    --small) old_objects=300000 grow_events=10000
             old_name=service-300K.json new_name=service-300K-grown.json ;;
    *) return 1 ;;
    esac
}
parse_options "$@"

# ---- the dumps (cached, as bench/run.sh caches them) ----------------------

make_dump "$old_objects" "$old_name"
old="$data/$old_name" new="$data/$new_name"

# grow EVENTS: NEW = OLD + an observer, its deque and EVENTS event dicts
# (with their message strs and two shared key strs), at addresses above
# any gen_dump uses, in meliae's 3.11 format (str keys: values-only).
grown_dump "$old" "$grow_events" "$new"
cat "$old" "$new" > /dev/null

# The target: the first ref (a log-event dict) of the first deque in NEW.
target=$(grep -m 1 '"type": "collections.deque"' "$new" \
         | sed 's/.*"refs": \[\([0-9]*\).*/\1/')
[ -n "$target" ] || die "no deque in $new"

# ---- measuring ------------------------------------------------------------

say "timing the loads (heapscope info)"
measure load_old "$heapscope" info --quiet "$old"
measure load_new "$heapscope" info --quiet "$new"
say "timing heapscope path"
measure path "$heapscope" path --quiet "$new" "$target"
measure path10 "$heapscope" path --quiet --max 10 "$new" "$target"
say "timing heapscope diff"
measure diff "$heapscope" diff --quiet "$old" "$new"
measure diffnew "$heapscope" diff --quiet --type dict --new "$old" "$new"

# ---- the report -----------------------------------------------------------

mb() { calc "$1 / 1000000" %.0f; }
row() {  # row LABEL SECONDS RSS LOAD_SECONDS
    printf '| %s | %s | %sx | %s |\n' "$1" "$2" "$(calc "$2 / $4" %.2f)" \
        "$(mb "$3")"
}
loads=$(calc "$load_old_s + $load_new_s" %.3f)
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "OLD $(basename "$old"): $(wc -l < "$old") lines, $(mb "$(stat -c %s "$old")") MB;" \
     "NEW $(basename "$new"): $(wc -l < "$new") lines, $(mb "$(stat -c %s "$new")") MB."
echo "$(nproc) CPUs ($cpu); $(date -u +%Y-%m-%d); path target $target."
echo
echo "| command | wall s | / load of its dumps | peak RSS MB |"
echo "|---|---:|---:|---:|"
row "info OLD (load)" "$load_old_s" "$load_old_rss" "$load_old_s"
row "info NEW (load)" "$load_new_s" "$load_new_rss" "$load_new_s"
row "path NEW ADDR" "$path_s" "$path_rss" "$load_new_s"
row "path --max 10 NEW ADDR" "$path10_s" "$path10_rss" "$load_new_s"
row "diff OLD NEW" "$diff_s" "$diff_rss" "$loads"
row "diff --type dict --new OLD NEW" "$diffnew_s" "$diffnew_rss" "$loads"
echo
echo "path's first line: $(sed -n 2p "$data/nav-path.out" | sed 's/^ *//')"
echo "diff's totals: $(sed -n 3p "$data/nav-diff.out")"
