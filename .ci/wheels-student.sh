#!/usr/bin/env bash
# The Linux wheel on a student's laptop: `pip install` in a fresh venv, no Rust anywhere, then the
# commands the pages give. Run by .ci/wheels.sh under `env -i`, with PATH the venv's bin folder
# and the system's (/usr/bin:/bin), from the top of the repository:
#
#   bash .ci/wheels-student.sh FOLDER VERSION EXPECTED
#
# FOLDER holds the four wheels, as a teacher's shared folder would: pip picks this system's.
# EXPECTED holds what `cargo run --bin 01_basic -- --lang en|zh` printed (01_basic.en.txt,
# 01_basic.zh.txt). Prints one line per finding; exits non-zero at the first failure.
set -euo pipefail
wheels=$1 version=$2 expected=$3
bin=${PATH%%:*}
mapfile -t lessons < <(bash .ci/lessons.sh)
programs=(socket-lessons "${lessons[@]}")
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

fail() {
    echo "wheels: linux: FAILED: $*" >&2
    exit 1
}
say() { echo "wheels: linux: $*"; }
ms() { echo "$((($2 - $1) / 1000000)) ms"; }

if command -v cargo >/dev/null 2>&1; then
    fail "cargo is on this PATH ($(command -v cargo)): the test would not show that the wheel needs no Rust"
fi

# The student's one line as README gives it for a shared folder, then the first lesson; timed
# from the install to the demo's first line.
started=$(date +%s%N)
pip install -q --disable-pip-version-check --no-index --find-links "$wheels" socket-lessons ||
    fail "pip install --no-index --find-links $wheels socket-lessons"
installed=$(date +%s%N)
01_basic --lang en </dev/null | {
    IFS= read -r line
    date +%s%N >"$scratch/first"
    cat >/dev/null
}
say "pip install took $(ms "$started" "$installed"), 01_basic's first line came $(ms "$installed" "$(cat "$scratch/first")") later"

hash -r
for program in "${programs[@]}"; do
    found=$(command -v "$program") || fail "$program is not on PATH after pip install"
    [ "$found" = "$bin/$program" ] || fail "$program is $found, not the venv's $bin/$program"
    said=$("$program" --version)
    [ "$said" = "socket-lessons $version" ] ||
        fail "$program --version says '$said', not 'socket-lessons $version'"
done
say "all ${#programs[@]} programs on PATH in the venv, each reporting 'socket-lessons $version'"

# What `cargo run --bin 01_basic` prints, digits masked: ports change from run to run.
for lang in en zh; do
    01_basic --lang "$lang" </dev/null >"$scratch/01_basic.$lang.txt" 2>&1 ||
        fail "01_basic --lang $lang failed"
    diff -u <(sed -E 's/[0-9]+/N/g' "$expected/01_basic.$lang.txt") \
        <(sed -E 's/[0-9]+/N/g' "$scratch/01_basic.$lang.txt") ||
        fail "01_basic --lang $lang prints other lines than cargo run --bin 01_basic (digits masked)"
done
grep -q "read(5) returned 5 bytes: b'67abc'" <(04_sticky_demo --lang en </dev/null) ||
    fail "04_sticky_demo did not print b'67abc'"
say "01_basic prints what cargo run --bin 01_basic prints (en, zh); 04_sticky_demo prints b'67abc'"

# The checker, as README gives it: a good lesson 05 server passes; one that refuses a 60 KiB
# body (its limit cut to 1 KiB) fails, so the grading is shown to tell them apart.
socket-lessons check 5 server -- python3 tests/python/exercises/05_server.py \
    >"$scratch/good.txt" 2>&1 || {
    cat "$scratch/good.txt"
    fail "socket-lessons check 5 server did not pass the good lesson 05 server"
}
sed 's/^LIMIT = 64 \* 1024$/LIMIT = 1024/' tests/python/exercises/05_server.py >"$scratch/05_server.py"
status=0
socket-lessons check 5 server -- python3 "$scratch/05_server.py" >"$scratch/wrong.txt" 2>&1 ||
    status=$?
if [ "$status" -ne 1 ] || ! grep -q "^FAIL  05.server.big-body" "$scratch/wrong.txt"; then
    cat "$scratch/wrong.txt"
    fail "socket-lessons check 5 server did not fail a server with a 1 KiB limit (exit $status)"
fi
say "socket-lessons check 5 server: the good server passes ($(tail -n 1 "$scratch/good.txt")), a wrong one fails"

pip uninstall -q -y socket-lessons || fail "pip uninstall socket-lessons"
hash -r
for program in "${programs[@]}"; do
    if command -v "$program" >/dev/null 2>&1 || [ -e "$bin/$program" ]; then
        fail "$program is still there after pip uninstall"
    fi
done
say "pip uninstall removed all ${#programs[@]} programs"
