#!/usr/bin/env bash
# Does a correct server that prints a flood of debug lines pass as fast as a quiet one? The
# issue's target: 10 MB of debug output costs at most twice the time, and changes no verdict.
#
#   bash benches/check-flood.sh              # lesson 05's server, 10 MB a start, 3 rounds
#   STAGE=1 MB=50 ROUNDS=5 bash benches/check-flood.sh
#
# The server is tests/python/exercises/0N_server.py run through tests/programs/right/
# debug_flood.py, which prints MB megabytes of 100-byte lines on a thread while the exercise
# serves. Every check starts the program anew, so a stage of 10 checks reads 10 x MB megabytes.
# Prints the mean wall time with and without the flood, their ratio, and each run's verdicts.
set -euo pipefail
cd "$(dirname "$0")/.."
stage=${STAGE:-5}
mb=${MB:-10}
rounds=${ROUNDS:-3}
cargo build -q --bins
check=target/debug/socket-lessons
server=tests/python/exercises/0${stage}_server.py
now() { date +%s.%N; }

# mean_time FLOOD_MB: the mean wall time of ROUNDS runs; stops if a check failed.
mean_time() {
    local total=0
    for _ in $(seq "$rounds"); do
        local start end out
        start=$(now)
        out=$(FLOOD_MB=$1 "$check" check "$stage" server --port 0 -- \
            python3 tests/programs/right/debug_flood.py "$server") || {
            echo "a check failed with FLOOD_MB=$1:" >&2
            echo "$out" | grep -A6 FAIL >&2
            exit 1
        }
        end=$(now)
        total=$(echo "$total + $end - $start" | bc -l)
    done
    echo "$total / $rounds" | bc -l
}

quiet=$(mean_time 0)
loud=$(mean_time "$mb")
printf 'stage %s server, %s rounds: quiet %.2f s, %s MB of debug lines a start %.2f s, ratio %.2f\n' \
    "$stage" "$rounds" "$quiet" "$mb" "$loud" "$(echo "$loud / $quiet" | bc -l)"
