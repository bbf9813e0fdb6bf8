#!/usr/bin/env bash
# How long `check` takes, stage by stage, against correct programs: the lessons' own, and the
# Python exercises (tests/python/exercises). Issue 15 asks for under 10 s a stage and role.
#
#   bash benches/check-times.sh            # 3 rounds
#   ROUNDS=10 bash benches/check-times.sh
#
# Prints, for each stage and role, the number of checks and the slowest and mean wall time of a
# whole `check L ROLE` run, for the lesson program and for the Python exercise. Exits non-zero
# if a correct program failed a check.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${ROUNDS:-3}
cargo build -q --bins
check=target/debug/socket-lessons
status=0

now() { date +%s.%N; }

# time_runs LESSON ROLE COMMAND...: ROUNDS runs, "checks slowest mean" (seconds).
time_runs() {
    local lesson=$1 role=$2 slowest=0 total=0 checks=0
    shift 2
    for _ in $(seq "$rounds"); do
        local start end took out
        start=$(now)
        out=$("$check" check "$lesson" "$role" --port 0 --json -- "$@") || {
            echo "  FAILED: check $lesson $role -- $*" >&2
            status=1
        }
        end=$(now)
        took=$(echo "$end - $start" | bc)
        total=$(echo "$total + $took" | bc)
        slowest=$(echo "if ($took > $slowest) $took else $slowest" | bc)
        checks=$(printf '%s' "$out" | grep -c '"verdict"' || true)
    done
    printf '%s %.2f %.2f' "$checks" "$slowest" "$(echo "$total / $rounds" | bc -l)"
}

printf '%-7s %-7s %6s  %-22s %-22s\n' stage role checks "lesson (max / mean s)" "python (max / mean s)"
# Every lesson the checker has checks for, in the one list's order (.ci/lessons.sh).
for program in $(bash .ci/lessons.sh --checks); do
    lesson=$((10#${program:0:2})) bin=target/debug/$program
    for role in server client; do
        # Lesson 07's exercise is a server only.
        if [ "$lesson" = 7 ] && [ "$role" = client ]; then continue; fi
        extra=()
        if [ "$lesson" = 6 ] && [ "$role" = server ]; then extra=(--file '{file}' --once); fi
        if [ "$lesson" = 7 ]; then extra=(--file '{file}'); fi
        read -r n lmax lmean <<<"$(time_runs "$lesson" "$role" "$bin" "$role" --port '{port}' "${extra[@]}")"
        pmax=- pmean=-
        if command -v python3 >/dev/null; then
            py=tests/python/exercises/0${lesson}_${role}.py
            read -r _ pmax pmean <<<"$(time_runs "$lesson" "$role" python3 "$py")"
        fi
        printf '%-7s %-7s %6s  %-22s %-22s\n' "0$lesson" "$role" "$n" "$lmax / $lmean" "$pmax / $pmean"
    done
done
exit $status
