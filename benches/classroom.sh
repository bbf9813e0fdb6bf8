#!/usr/bin/env bash
# A classroom on one machine: lessons 06 and 07 serving a file to a whole class over a link
# shaped like a classroom network (issue 16). Linux only, as root: it makes a network namespace
# of its own, whose loopback is cut to MTU 1500 and 100 Mbit/s, runs everything inside it, and
# deletes it at the end. No packet leaves the namespace.
#
#   bash benches/classroom.sh               # everything below, about three minutes
#   CLIENTS=10 MIB=2 bash benches/classroom.sh   # a smaller class, a smaller file
#
# What it measures and prints, each from the same run:
#  1. CLIENTS (40) of lesson 06's client fetching one MIB (8) MiB file at once, from 06's server
#     and from 07's: how many succeed, when the last one finishes, against the link's limit
#     (CLIENTS x MIB MiB at 100 Mbit/s), and each server's peak memory (VmHWM).
#  2. A client that connects and never reads, with --timeout 1, 2 and 5, on 06 and on 07: when
#     the server drops it, counted from the connect, while one other client fetches the file
#     (07 serves it at once, 06 only once the stalled one is dropped). On plain loopback, so
#     that the stalled client's socket buffers fill at once.
#  3. --rate 1MiB on an 8 MiB file, on plain loopback: how long lesson 06's client takes; then
#     Ctrl-C halfway, and whether the partial file is gone.
# Exits non-zero if a target of issue 16 is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
clients=${CLIENTS:-40}
mib=${MIB:-8}
ns=${NS:-cls16}

cargo build -q --release --bin 06_final_file --bin 07_many_clients
bin=$PWD/target/release
work=$(mktemp -d)
server=
cleanup() {
    [ -n "$server" ] && kill "$server" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up mtu 1500
tc -n "$ns" qdisc add dev lo root tbf rate 100mbit burst 32kb latency 50ms
inside() { ip netns exec "$ns" "$@"; }

head -c $((mib * 1024 * 1024)) /dev/urandom >"$work/class.bin"
truncate -s 64M "$work/huge.bin"
status=0
now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

# Start a server, `inside` the namespace or on the `host`'s loopback, on a port the OS picks;
# its stdout lines go to $work/NAME.log, each with the time it was printed. Sets $server (its
# pid: `ip netns exec` execs the command) and $port, from its `listening on` line.
start_server() {
    local log=$work/$1.log where=$2
    shift 2
    : >"$log"
    # A plain command (not a shell function) started with `&`: `$!` is the server itself.
    [ "$where" = inside ] && set -- ip netns exec "$ns" "$@"
    "$@" --port 0 > >(while IFS= read -r line; do echo "$(now) $line"; done >>"$log") &
    server=$!
    for _ in $(seq 100); do
        port=$(grep -m1 -o 'listening on 127.0.0.1:[0-9]*' "$log" | cut -d: -f2 || true)
        [ -n "$port" ] && return
        sleep 0.05
    done
    echo "the server did not start: $*" >&2
    exit 1
}
stop_server() {
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=
    sleep 0.1
}
peak_mib() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
# Which program $server is: the check that the peak is the server's, not a shell's.
program() { tr '\0' ' ' <"/proc/$server/cmdline" | cut -d' ' -f1 | xargs basename; }

echo "classroom: $clients clients, a $mib MiB file, a link of 100 Mbit/s with MTU 1500 (netns $ns)"
limit=$(echo "$clients * $mib * 1048576 * 8 / 100000000" | bc -l)
printf '  the link'"'"'s limit: %.1f s for all of them\n' "$limit"

# 1. The whole class at once.
class() {
    local lesson=$1
    start_server "$lesson" inside "$bin/$lesson" server --file "$work/class.bin"
    local start
    start=$(now)
    for k in $(seq "$clients"); do
        mkdir -p "$work/out-$lesson-$k"
        (
            if inside "$bin/06_final_file" client --port $port --out "$work/out-$lesson-$k" \
                >"$work/c-$lesson-$k.out" 2>"$work/c-$lesson-$k.err"; then
                echo "ok $(now)" >"$work/c-$lesson-$k.end"
            else
                echo "failed $(now)" >"$work/c-$lesson-$k.end"
            fi
        ) &
    done
    wait_clients "$lesson"
    local ok last peak
    ok=$(grep -l '^ok' "$work"/c-"$lesson"-*.end | wc -l)
    last=$(awk '{ print $2 }' "$work"/c-"$lesson"-*.end | sort -n | tail -1)
    peak=$(peak_mib)
    [ "$(program)" = "$lesson" ] || { echo "the peak would not be the server's" >&2; exit 1; }
    printf '  %-16s %2d of %d succeeded; the last client ended after %6.2f s; server peak RSS %s MiB\n' \
        "$lesson" "$ok" "$clients" "$(elapsed "$start" "$last")" "$peak"
    grep -h '^error' "$work"/c-"$lesson"-*.err | sed -E 's/[0-9][0-9.]* s/N s/' | sort | uniq -c | sed 's/^/      /' || true
    stop_server
    rm -rf "$work"/out-"$lesson"-*
    if [ "$lesson" = 07_many_clients ]; then
        [ "$ok" -eq "$clients" ] || status=1
        [ "$(echo "$(elapsed "$start" "$last") <= 1.25 * $limit" | bc -l)" -eq 1 ] || status=1
        [ "$(echo "$peak <= 16" | bc -l)" -eq 1 ] || status=1
    fi
}
wait_clients() {
    for _ in $(seq 1200); do
        [ "$(ls "$work"/c-"$1"-*.end 2>/dev/null | wc -l)" -ge "$clients" ] && return
        sleep 0.1
    done
    echo "the clients did not end within 120 s" >&2
    exit 1
}
echo "1. $clients clients at once"
class 06_final_file
class 07_many_clients

# 2. A stalled client.
echo "2. a client that never reads, while another fetches the 64 MiB file (plain loopback)"
for timeout in 1 2 5; do
    for lesson in 06_final_file 07_many_clients; do
        start_server "$lesson" host "$bin/$lesson" server --timeout "$timeout" --file "$work/huge.bin"
        # bash opens the connection, and the sleep it becomes holds it, never reading.
        bash -c "exec 3<>/dev/tcp/127.0.0.1/$port; exec sleep $((timeout + 20))" &
        stalled=$!
        connected=$(now)
        mkdir -p "$work/out-stall"
        other_ok=failed
        "$bin/06_final_file" client --port "$port" --out "$work/out-stall" >/dev/null 2>&1 && other_ok=ok
        done_at=$(now)
        for _ in $(seq 200); do grep -q "stopped sending" "$work/$lesson.log" && break; sleep 0.05; done
        dropped=$(grep -m1 "stopped sending" "$work/$lesson.log" | awk '{ print $1 }' || true)
        took=$(elapsed "$connected" "${dropped:-$(now)}")
        printf '  %-16s --timeout %s: the stalled client dropped after %5.2f s; the other: %s after %5.2f s\n' \
            "$lesson" "$timeout" "$took" "$other_ok" "$(elapsed "$connected" "$done_at")"
        { [ -n "$dropped" ] && [ "$other_ok" = ok ] && [ "$(echo "$took <= $timeout + 1" | bc -l)" -eq 1 ]; } || status=1
        kill "$stalled" 2>/dev/null || true
        wait "$stalled" 2>/dev/null || true
        stop_server
        rm -rf "$work/out-stall"
    done
done

# 3. --rate, and Ctrl-C halfway.
echo "3. --rate 1MiB, an 8 MiB file (plain loopback)"
head -c $((8 * 1024 * 1024)) /dev/urandom >"$work/eight.bin"
start_server rate host "$bin/06_final_file" server --rate 1MiB --file "$work/eight.bin"
mkdir -p "$work/out-rate"
start=$(now)
"$bin/06_final_file" client --port "$port" --out "$work/out-rate" >/dev/null
took=$(elapsed "$start" "$(now)")
printf '  the client took %.2f s (the target: 8 s +- 10 %%)\n' "$took"
[ "$(echo "$took >= 7.2 && $took <= 8.8" | bc -l)" -eq 1 ] || status=1
rm -rf "${work:?}/out-rate"/*
"$bin/06_final_file" client --port "$port" --out "$work/out-rate" >/dev/null 2>"$work/int.err" &
client=$!
sleep 4
parts=$(ls -A "$work/out-rate")
kill -INT "$client"
code=0
wait "$client" || code=$?
left=$(ls -A "$work/out-rate")
printf '  Ctrl-C after 4 s: the partial file was %s; exit code %s; left in --out: %s\n' \
    "${parts:-not there}" "$code" "${left:-nothing}"
sed 's/^/      /' "$work/int.err"
[ -z "$left" ] && [ -n "$parts" ] || status=1
stop_server
exit $status
