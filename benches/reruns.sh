#!/usr/bin/env bash
# Does `cargo test` pass every time? Issue 14's check: warm reruns in a row, idle, then beside
# busy loops. One line a run: its exit code, the tests passed and failed, and its time.
#
#   bash benches/reruns.sh                    # 10 runs idle, then 5 beside two busy loops
#   IDLE=3 BUSY_RUNS=2 BUSY=3 bash benches/reruns.sh
#
# Exits non-zero if any run failed. Timing is measured here, never asserted in a test.
set -uo pipefail
cd "$(dirname "$0")/.."
idle=${IDLE:-10}
busy_runs=${BUSY_RUNS:-5}
busy=${BUSY:-2}
status=0

once() {
    local start out rc
    start=$(date +%s)
    out=$(cargo test 2>&1)
    rc=$?
    local counts
    counts=$(echo "$out" | grep -E "^test result" | awk '{p+=$4; f+=$6} END {print p" passed, "f" failed"}')
    echo "$1 run $2: exit $rc, $counts, $(($(date +%s) - start)) s"
    if [ "$rc" -ne 0 ]; then
        echo "$out" | grep -E "FAILED|panicked" | head -5
        status=1
    fi
}

cargo test >/dev/null 2>&1 # warm: build everything once, unmeasured
for i in $(seq "$idle"); do once idle "$i"; done

pids=()
stop_busy() { for pid in "${pids[@]:-}"; do [ -n "$pid" ] && kill "$pid" 2>/dev/null || true; done; }
trap stop_busy EXIT
for _ in $(seq "$busy"); do
    # A busy loop that ends by itself after an hour, should this script be killed.
    timeout 3600 sh -c 'while :; do :; done' &
    pids+=($!)
done
for i in $(seq "$busy_runs"); do once "busy ($busy loops)" "$i"; done
exit $status
