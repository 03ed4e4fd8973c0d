# bench/lib.sh: what the benchmark scripts share, sourced by each
# (run.sh, navigate.sh, leaks.sh, scale.sh) after `set -euo pipefail`.
#
# Sets here (bench/), root (the repository), data (bench/data, made) and
# heapscope (build/bin/heapscope unless $HEAPSCOPE says otherwise), and
# defines:
#   die MSG... / say MSG...   error (exit 1) and progress, on stderr
#   usage                     lines 2-3 of the calling script, exit 2
#   parse_options "$@"        the command line (below), then the checks
#   check_runs N              --runs must be a positive integer
#   need_heapscope            the program exists (fail before generating)
#   need_gnu_time             /usr/bin/time, for peak RSS
#   calc EXPR [FORMAT]        floating-point arithmetic (bash has none)
#   elapsed START             seconds since START (an $EPOCHREALTIME)
#   min A B                   the smaller, 3 decimals
#   build_gen                 bench/data/gen_dump from bench/gen/*.c, if stale
#   make_dump OBJECTS NAME    bench/data/NAME from gen_dump, if missing or stale
#   measure LABEL CMD...      fastest wall time of $runs runs into ${LABEL}_s,
#                             largest peak RSS (bytes) into ${LABEL}_rss,
#                             least CPU time (user + sys) into ${LABEL}_cpu
export LC_ALL=C     # a "." in $EPOCHREALTIME and in awk's numbers

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
data="$here/data"
heapscope="${HEAPSCOPE:-$root/build/bin/heapscope}"
runs=1
bench_name=$(basename "$0")
mkdir -p "$data"

die() { echo "$bench_name: error: $*" >&2; exit 1; }
say() { echo "$bench_name: $*" >&2; }
usage() { sed -n '2,3p' "$0" | sed 's/^# *//' >&2; exit 2; }

check_runs() {
    case "$1" in ''|*[!0-9]*|0) die "--runs needs a positive integer" ;; esac
}

need_heapscope() {
    [ -x "$heapscope" ] || die "$heapscope not found or not executable;" \
        "build it first (cmake -B build && cmake --build build)" \
        "or pass --heapscope PATH"
}

need_gnu_time() {
    local sudo=""
    [ -x /usr/bin/time ] && return
    say "installing GNU time (the 'time' package) for peak RSS"
    [ "$(id -u)" -ne 0 ] && sudo=sudo
    $sudo apt-get install -y -qq time >&2 || die "cannot install 'time'"
}

# parse_options "$@": takes --runs N and --heapscope PATH, which every
# script has, and hands any other argument to the script's own_option
# function: own_option "$@" sets took to the arguments it used (1, or 2
# for an option with a value) or returns 1 for an unknown one, which,
# like -h and --help, prints the usage. Then fails early, before minutes
# of generating: --runs not a positive integer, no heapscope, no GNU time.
parse_options() {
    while [ $# -gt 0 ]; do
        case "$1" in
        --runs) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
        --heapscope) [ $# -ge 2 ] || usage; heapscope=$2; shift 2 ;;
        *) own_option "$@" || usage; shift "$took" ;;
        esac
    done
    check_runs "$runs"
    need_heapscope
    need_gnu_time
}

calc() { awk "BEGIN { printf \"${2:-%.2f}\", $1 }"; }
elapsed() { calc "$EPOCHREALTIME - $1" %.3f; }
min() { calc "$1 < $2 ? $1 : $2" %.3f; }

gen="$data/gen_dump"
build_gen() {
    local src
    for src in "$here"/gen/*.[ch]; do
        if [ ! -x "$gen" ] || [ "$src" -nt "$gen" ]; then
            say "building gen_dump"
            ${CC:-cc} -O2 -Wall -Wextra -o "$gen" "$here"/gen/*.c
            return
        fi
    done
}

make_dump() {  # make_dump OBJECTS NAME
    local dump="$data/$2" start
    build_gen
    if [ ! -s "$dump" ] || [ "$gen" -nt "$dump" ]; then
        say "generating $dump ($1 objects)"
        start=$EPOCHREALTIME
        "$gen" --objects "$1" -o "$dump.tmp"
        mv "$dump.tmp" "$dump"
        say "generated in $(elapsed "$start") s"
    fi
}

# grown_dump OLD EVENTS NEW: NEW is OLD plus a parentless LeakyObserver
# holding a deque of EVENTS new event dicts, each with a new str. The
# observer, the deque and event i have the same addresses whatever EVENTS
# is, so that dumps grown by different counts are one series of a leak.
# Made again when missing or older than OLD or this file.
grown_dump() {
    local old=$1 events=$2 new=$3
    if [ -s "$new" ] && [ "$new" -nt "$old" ] \
            && [ "$new" -nt "${BASH_SOURCE[0]}" ]; then
        return
    fi
    say "making $new ($old plus $events leaked events)"
    { cat "$old"; awk -v events="$events" 'BEGIN {
        base = 140733193388032      # 0x7fff00000000
        q = base - 256; o = base - 128
        printf "{\"address\": %.0f, \"type\": \"str\", \"size\": 57, \"len\": 8, \"value\": \"log_text\", \"refs\": []}\n", base
        for (i = 0; i < events; i++) {
            d = base + 64 + 128 * i; m = d + 64
            printf "{\"address\": %.0f, \"type\": \"str\", \"size\": 67, \"len\": 18, \"value\": \"request %08d done\", \"refs\": []}\n", m, i
            printf "{\"address\": %.0f, \"type\": \"dict\", \"size\": 184, \"len\": 1, \"refs\": [%.0f]}\n", d, m
        }
        printf "{\"address\": %.0f, \"type\": \"collections.deque\", \"size\": %d, \"refs\": [", q, 624 + 8 * events
        for (i = 0; i < events; i++) {
            printf "%s%.0f", i ? ", " : "", base + 64 + 128 * i
        }
        printf "]}\n"
        printf "{\"address\": %.0f, \"type\": \"LeakyObserver\", \"size\": 56, \"refs\": [%.0f]}\n", o, q
    }'; } > "$new.tmp"
    mv "$new.tmp" "$new"
}

# measure LABEL CMD...: runs CMD $runs times, its output in
# $data/$measure_prefix$LABEL.{out,err,time}; stops the script if it
# fails. With measure_prep set (a shell snippet), runs it, untimed, before
# each run.
measure_prefix=""
measure_prep=""
measure() {
    local label=$1 best="" cpu="" rss=0 start t kb c
    local base="$data/$measure_prefix$label"
    shift
    for _ in $(seq "$runs"); do
        [ -z "$measure_prep" ] || eval "$measure_prep"
        start=$EPOCHREALTIME
        if ! /usr/bin/time -f '%U %S %M' -o "$base.time" \
                "$@" > "$base.out" 2> "$base.err"; then
            cat "$base.err" >&2
            die "$label failed: $*"
        fi
        t=$(elapsed "$start")
        read -r c kb <<< "$(tail -n 1 "$base.time" \
                           | awk '{ printf "%.3f %d", $1 + $2, $3 }')"
        best=$(min "${best:-$t}" "$t")
        cpu=$(min "${cpu:-$c}" "$c")
        [ "$kb" -gt "$rss" ] && rss=$kb
    done
    printf -v "${label}_s" '%s' "$best"
    printf -v "${label}_cpu" '%s' "$cpu"
    printf -v "${label}_rss" '%s' "$((rss * 1024))"
}
