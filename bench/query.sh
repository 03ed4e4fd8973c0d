#!/usr/bin/env bash
# bench/query.sh: time `heapscope query` (SQL over the dump) and `export
# --sqlite` against `heapscope summary`, on the 7.8 M-object dump.
#
#   bench/query.sh [--small] [--runs N] [--heapscope PATH] [--no-export]
#
# The dump is bench/data/service-7.8M.json (bench/run.sh's; --small: 300 K
# objects), with its snapshot built first, so that every command
# maps the snapshot as a second command on a dump does. Measured in one run,
# page cache warm, fastest of --runs, wall time and CPU time (user + sys:
# what to compare on a machine shared with other work):
#   * `summary`: the yardstick (map the snapshot, summarize);
#   * `query "SELECT 1"`: map the snapshot and open the SQL session, what
#     every query pays before its own work;
#   * `SELECT type, count(*), sum(size) FROM objects GROUP BY type`, which
#     reads every object (rows come grouped by type: no sort);
#   * the same two with --no-snapshot: parsing the dump, then the work (the
#     cost of a first command on a dump);
#   * in one process with --timer (each statement's own time, "once
#     loaded"): an address lookup (`SELECT address, type, ... FROM objects
#     WHERE address = A`, A a leaked-looking dict: the first ref of the
#     first deque; not SELECT *, which reads retained and idom and so
#     computes the dominator tree), a 3-step join along edges up from A
#     (parent, grandparent, great-grandparent through `edges.dst`
#     lookups), the GROUP BY twice (the first builds the grouping by
#     type), and the `types` table;
#   * `export --sqlite`: every table into a file (dominators included),
#     its time and size (skipped with --no-export).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
measure_prefix=query-

objects=7800000 name=service-7.8M.json export=1
own_option() {
    took=1
    case "$1" in
    --small) objects=300000 name=service-300K.json ;;
    --no-export) export=0 ;;
    *) return 1 ;;
    esac
}
parse_options "$@"

make_dump "$objects" "$name"
dump="$data/$name"
say "writing the snapshot"
"$heapscope" snapshot --quiet "$dump" > /dev/null
cat "$dump" "$dump.hsidx" > /dev/null

addr=$(grep -m 1 '"type": "collections.deque"' "$dump" \
       | sed 's/.*"refs": \[\([0-9]*\).*/\1/')
[ -n "$addr" ] || die "no deque in $dump"

group="SELECT type, count(*), sum(size) FROM objects GROUP BY type"
lookup="SELECT address, type, size, len, value, refs, parents FROM objects
        WHERE address = $addr"
join="SELECT o.type, o.address FROM edges e1
      JOIN edges e2 ON e2.dst = e1.src JOIN edges e3 ON e3.dst = e2.src
      JOIN objects o ON o.address = e3.src WHERE e1.dst = $addr"
types="SELECT type, count, size FROM types"

say "timing summary and the queries"
measure summary "$heapscope" summary --quiet "$dump"
measure base "$heapscope" query --quiet "$dump" "SELECT 1"
measure group "$heapscope" query --quiet "$dump" "$group"
measure summary_parse "$heapscope" summary --quiet --no-snapshot "$dump"
measure group_parse "$heapscope" query --quiet --no-snapshot "$dump" "$group"
measure timer "$heapscope" query --quiet --timer "$dump" \
    "$lookup; $join; $group; $group; $types"
if [ "$export" = 1 ]; then
    say "timing export --sqlite"
    out="$data/query-export.db"
    measure_prep="rm -f '$out'"
    measure export "$heapscope" export --quiet --sqlite "$out" "$dump"
    measure_prep=""
fi

# ---- the report -----------------------------------------------------------

# statement N's milliseconds in the last --timer run
stmt_ms() {
    sed -n "s/.*statement $1: \([0-9.]*\) ms.*/\1/p" "$data/query-timer.err"
}
row() {  # row LABEL WALL CPU NOTE
    printf '| %s | %s | %sx | %s | %sx | %s |\n' "$1" "$2" \
        "$(calc "$2 / $summary_s" %.2f)" "$3" \
        "$(calc "$3 / $summary_cpu" %.2f)" "$4"
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "$(basename "$dump"): $(wc -l < "$dump") lines; snapshot mapped by every"
echo "command. $(nproc) CPUs ($cpu); load average $(cut -d' ' -f1 /proc/loadavg);"
echo "$(date -u +%Y-%m-%d); address $addr."
echo
echo "| command | wall s | / summary | CPU s | / summary | |"
echo "|---|---:|---:|---:|---:|---|"
row "summary" "$summary_s" "$summary_cpu" ""
row "query SELECT 1 (map + session)" "$base_s" "$base_cpu" ""
row "query GROUP BY type" "$group_s" "$group_cpu" "every object"
if [ "$export" = 1 ]; then
    row "export --sqlite" "$export_s" "$export_cpu" \
        "$(calc "$(stat -c %s "$out") / 1000000" %.0f) MB file, peak RSS $(calc "$export_rss / 1000000" %.0f) MB"
fi
# The first command on a dump parses it: ratios to summary --no-snapshot.
summary_s=$summary_parse_s summary_cpu=$summary_parse_cpu
row "summary --no-snapshot (parse)" "$summary_parse_s" "$summary_parse_cpu" ""
row "query --no-snapshot GROUP BY type" "$group_parse_s" "$group_parse_cpu" \
    "every object"
echo
echo "Once loaded (--timer, one process):"
echo
echo "| statement | ms | rows read from the tables |"
echo "|---|---:|---:|"
i=0
for label in "address lookup" "3-step join along edges" \
             "GROUP BY type, first (builds the grouping)" \
             "GROUP BY type, again" "SELECT ... FROM types"; do
    i=$((i + 1))
    printf '| %s | %s | %s |\n' "$label" "$(stmt_ms $i)" \
        "$(sed -n "s/.*statement $i: .* ms, \([0-9]*\) row.*/\1/p" \
           "$data/query-timer.err")"
done
echo
echo "join's answer: $(grep -A3 '^type' "$data/query-timer.out" | sed -n 3p \
                      | tr -s ' ')"
