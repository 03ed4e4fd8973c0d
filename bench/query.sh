#!/usr/bin/env bash
# bench/query.sh: time `heapscope query` (SQL over the dump) and `export
# --sqlite` against `heapscope summary`, on the 7.8 M-object dump.
#
#   bench/query.sh [--small] [--runs N] [--heapscope PATH] [--no-export]
#
# The dump is bench/data/service-7.8M.json (bench/run.sh's; --small: 300 K
# objects), with its snapshot index built first, so that every command
# maps the index as a second command on a dump does. Measured in one run,
# page cache warm, fastest of --runs:
#   * `summary`: the yardstick (map the index, summarize);
#   * `query "SELECT 1"`: map the index and open the SQL session, the
#     cost every query pays before its own work;
#   * `SELECT type, count(*), sum(size) FROM objects GROUP BY type`, which
#     reads every object (rows come grouped by type: no sort);
#   * an address lookup: `SELECT address, type, ... FROM objects WHERE
#     address = A`, A a leaked-looking dict (the first ref of the first
#     deque);
#   * a 3-step join along edges, up from A: its parent, grandparent and
#     great-grandparent through `edges.dst` lookups;
#   * `export --sqlite`: every table into a file (dominators included),
#     its time and size (skipped with --no-export).
# Each query's time "once loaded" is its wall time less SELECT 1's.
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
say "writing the snapshot index"
"$heapscope" index --quiet "$dump" > /dev/null
cat "$dump" "$dump.hsidx" > /dev/null

addr=$(grep -m 1 '"type": "collections.deque"' "$dump" \
       | sed 's/.*"refs": \[\([0-9]*\).*/\1/')
[ -n "$addr" ] || die "no deque in $dump"

group="SELECT type, count(*), sum(size) FROM objects GROUP BY type"
# Not SELECT *: that reads retained and idom, and so computes the
# dominator tree (as `top` does) before the one row.
lookup="SELECT address, type, size, len, value, refs, parents FROM objects
        WHERE address = $addr"
join="SELECT o.type, o.address FROM edges e1
      JOIN edges e2 ON e2.dst = e1.src JOIN edges e3 ON e3.dst = e2.src
      JOIN objects o ON o.address = e3.src WHERE e1.dst = $addr"

say "timing summary and the queries"
measure summary "$heapscope" summary --quiet "$dump"
measure base "$heapscope" query --quiet "$dump" "SELECT 1"
measure group "$heapscope" query --quiet "$dump" "$group"
measure lookup "$heapscope" query --quiet "$dump" "$lookup"
measure join "$heapscope" query --quiet "$dump" "$join"
if [ "$export" = 1 ]; then
    say "timing export --sqlite"
    out="$data/query-export.db"
    measure_prep="rm -f '$out'"
    measure export "$heapscope" export --quiet --sqlite "$out" "$dump"
    measure_prep=""
fi

# ---- the report -----------------------------------------------------------

ms() { calc "($1 - $base_s) * 1000" %.0f; }
row() {  # row LABEL SECONDS NOTE
    printf '| %s | %s | %sx | %s |\n' "$1" "$2" \
        "$(calc "$2 / $summary_s" %.2f)" "$3"
}
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
echo "$(basename "$dump"): $(wc -l < "$dump") lines; index mapped by every"
echo "command. $(nproc) CPUs ($cpu); $(date -u +%Y-%m-%d); address $addr."
echo
echo "| command | wall s | / summary | once loaded |"
echo "|---|---:|---:|---|"
row "summary" "$summary_s" ""
row "query SELECT 1 (map + session)" "$base_s" ""
row "query GROUP BY type (every object)" "$group_s" "$(ms "$group_s") ms"
row "query address lookup" "$lookup_s" "$(ms "$lookup_s") ms"
row "query 3-step join along edges" "$join_s" "$(ms "$join_s") ms"
if [ "$export" = 1 ]; then
    row "export --sqlite" "$export_s" \
        "$(calc "$(stat -c %s "$out") / 1000000" %.0f) MB file, peak RSS $(calc "$export_rss / 1000000" %.0f) MB"
fi
echo
echo "GROUP BY rows: $(($(wc -l < "$data/query-group.out") - 3)) types;" \
     "join's answer: $(sed -n 3p "$data/query-join.out" | tr -s ' ')"
