#!/usr/bin/env bash
# Every lesson's demo, run again and again: does it print the same lines (ports and timings
# masked) every time? Issue 8's check that the demos' order is decided by the code, not by luck.
#
#   bash benches/demo-order.sh            # 200 runs of each demo, idle
#   RUNS=50 BUSY=3 bash benches/demo-order.sh   # 50 runs, with 3 busy loops beside them
#
# Prints, for each lesson, how many distinct outputs it gave in RUNS runs (1 is the goal), and
# how long the classroom runner takes to play every stage. Exits non-zero if any lesson gave
# more than one output.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-200}
busy=${BUSY:-0}
cargo build -q --bins

pids=()
stop_busy() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap stop_busy EXIT
for _ in $(seq "$busy"); do
    # A busy loop that ends by itself after ten minutes, should this script be killed.
    timeout 600 sh -c 'while :; do :; done' &
    pids+=($!)
done

# Ports, timings, and lesson 04's segment counts with the verdict drawn from them: they may
# change from run to run, and the lesson says so.
mask() {
    sed -E 's/:[0-9]+/:PORT/g; s/[0-9]+\.[0-9]+ (s|MiB)/T \1/g;
        s/(TCP segments[^:]*: ).*/\1N/; s/(TCP 报文段: ).*/\1N/; s/[0-9]+\.[0-9]{2} s/T s/g;
        s/( bytes in |字节, 用时).*/\1T/'
}
status=0
# The lessons of the one list (src/tools/lessons.rs), as the runner's table names them.
lessons=$(LC_ALL=C ./target/debug/socket-lessons list | awk '/^[0-9][0-9]  / && !seen[$2]++ {print $2}')
for lesson in $lessons; do
    distinct=$(for _ in $(seq "$runs"); do ./target/debug/$lesson | mask | md5sum; done | sort -u | wc -l)
    echo "$lesson: $distinct distinct output(s) in $runs runs, $busy busy loop(s) beside"
    [ "$distinct" -eq 1 ] || status=1
done
start=$(date +%s.%N)
./target/debug/socket-lessons >/dev/null
end=$(date +%s.%N)
echo "the classroom runner played every demo in $(awk "BEGIN { printf \"%.2f\", $end - $start }") s"
exit $status
