#!/usr/bin/env bash
# The Windows build, for real: cross-compiled (x86_64-pc-windows-gnu) and run under Wine. Every
# demo and the classroom runner must print what the Linux build prints (digits masked), and the
# test suite must pass through Wine. Where this machine cannot install Wine, say so in one line
# and skip this step only (exit 0).
#
# The demos are compared by tests/demos_match_linux.rs, which says where each OS fills in its own
# answer on purpose. Where Wine differs from Windows, the tests are told once: SOCKET_LESSONS_WINE=1,
# read by tests/common/wine.rs and nowhere else.
#
#   bash .ci/wine.sh        (from .ci/run; alone, it needs root or sudo for apt-get)
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-pc-windows-gnu
skip() {
    echo "skipping the Windows build under Wine: $*"
    exit 0
}
elapsed() { echo "$(($(date +%s) - $1)) s"; }

# --- Setup: Wine, mingw (the linker, and the stand-in DLL), Rust's Windows target. ----------
started=$(date +%s)
if ! command -v wine >/dev/null 2>&1 || ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1; then
    command -v apt-get >/dev/null 2>&1 || skip "no apt-get to install Wine and mingw with"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
            gcc-mingw-w64-x86-64 wine64 wine; } >/dev/null ||
        skip "apt-get could not install wine64, wine and gcc-mingw-w64-x86-64"
fi
command -v rustup >/dev/null 2>&1 || skip "no rustup to add the $target target with"
rustup target add "$target" >/dev/null 2>&1 || skip "rustup could not add the $target target"

# A Wine prefix of our own, inside target/ (ignored by git), made once and kept.
export WINEPREFIX="$PWD/target/wine-prefix"
export WINEDEBUG=-all
# No "install Mono/Gecko?" dialogs: nothing here needs them, and CI has no display.
export WINEDLLOVERRIDES="mscoree,mshtml="
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    wineboot -i >/dev/null 2>&1 || skip "wineboot could not create a Wine prefix"
fi
wineserver -w
# Rust >= 1.78 imports ProcessPrng from bcryptprimitives.dll, which Windows 10 and later have and
# Debian 12's Wine 8.0 does not: without it every program exits at once with status 53. The
# stand-in (.ci/bcryptprimitives.c) forwards it to advapi32's RtlGenRandom.
system32="$WINEPREFIX/drive_c/windows/system32"
if ! wine cmd /c exit 0 >/dev/null 2>&1; then
    skip "Wine is installed but cannot run a Windows program here"
fi
if [ ! -f "$system32/bcryptprimitives.dll" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
        .ci/bcryptprimitives.c -ladvapi32
fi
echo "wine: set up in $(elapsed "$started") ($(wine --version))"

# --- The Linux lines to compare with: every demo and the runner, in English and Chinese. ------
demos=target/linux-demos
mkdir -p "$demos"
cargo build -q --bins
# Every lesson of the list (tests/demos_match_linux.rs picks those it compares) and the runner.
for bin in $(bash .ci/lessons.sh) socket-lessons; do
    for lang in en zh; do
        ./target/debug/$bin --lang "$lang" </dev/null >"$demos/$bin.$lang.txt" 2>"$demos/stderr"
        cat "$demos/stderr" >>"$demos/$bin.$lang.txt"
    done
done
rm -f "$demos/stderr"

# --- Build for Windows: the lessons, the runner and every test. ------------------------------
started=$(date +%s)
cargo test -q --no-run --target "$target"
echo "wine: Windows build (lessons, runner, tests) in $(elapsed "$started")"

# --- Run them under Wine: the demos against the Linux lines, then the whole suite. -----------
# SOCKET_LESSONS_WINE=1: the one mark of Wine's own differences (tests/common/wine.rs).
export SOCKET_LESSONS_WINE=1 SOCKET_LESSONS_LINUX_DEMOS="$demos"
export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine
# The outside peers (nc, python3) are Linux programs here, which a Windows program does not find:
# their tests say "skipped" under Wine. The Linux run before this one requires them.
unset SOCKET_LESSONS_REQUIRE_PEERS
started=$(date +%s)
compared=$(cargo test -q --target "$target" --test demos_match_linux -- --nocapture 2>&1) || {
    echo "$compared"
    exit 1
}
echo "wine: $(grep "demo runs print" <<<"$compared")"
cargo test -q --no-fail-fast --target "$target" -- --skip every_demo_prints_what_it_prints_on_linux
echo "wine: the demos and the test suite passed under Wine in $(elapsed "$started")"
