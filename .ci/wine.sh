#!/usr/bin/env bash
# The Windows build, for real: cross-compiled (x86_64-pc-windows-gnu) and run under Wine. Every
# demo and the classroom runner must print what the Linux build prints (digits masked), and the
# test suite must pass through Wine. Where this machine cannot install Wine, say so in one line
# and skip this step only (exit 0).
#
# Where Wine differs from Windows, the tests are told once: SOCKET_LESSONS_WINE=1, read by
# tests/common/wine.rs and nowhere else. Where Windows differs from Linux, the comparison below
# says so once, in `windows_text`.
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
if [ ! -f "$system32/bcryptprimitives.dll" ] || [ .ci/bcryptprimitives.c -nt "$system32/bcryptprimitives.dll" ]; then
    x86_64-w64-mingw32-gcc -shared -O2 -o "$system32/bcryptprimitives.dll" \
        .ci/bcryptprimitives.c -ladvapi32
fi
echo "wine: set up in $(elapsed "$started") ($(wine --version))"

# --- Build: the lessons and the runner for Windows, and the same for Linux to compare with. ---
started=$(date +%s)
cargo build -q --release --bins --target "$target"
echo "wine: Windows release build in $(elapsed "$started")"
cargo build -q --release --bins

# --- Every demo and the runner: the same lines on Windows as on Linux. ----------------------
# Digits masked, as benches/demo-order.sh masks ports and timings: they change from run to run.
mask() { sed -E 's/[0-9]+/N/g'; }
# The one line where Windows prints other words than Linux, on purpose: lesson 04's segment
# counts, which Windows keeps only for an administrator (src/segments.rs).
windows_text() {
    sed -E 's/^(.*TCP segments[^:]*: ).*/\1COUNT/; s/^(.*TCP 报文段: ).*/\1COUNT/;
        s/^(.*(segments|报文段)[^:]*: ).*(not counted|不统计).*/\1COUNT/'
}
runs=0 same=0
for bin in 01_basic 02_comm_loop 03_conn_loop 04_sticky_demo 05_struct_pack 06_final_file socket-lessons; do
    for lang in en zh; do
        linux=$(./target/release/$bin --lang "$lang" </dev/null 2>&1 | mask | windows_text)
        windows=$(wine "./target/$target/release/$bin.exe" --lang "$lang" </dev/null 2>&1 |
            tr -d '\r' | mask | windows_text)
        runs=$((runs + 1))
        if [ "$linux" == "$windows" ]; then
            same=$((same + 1))
        else
            echo "wine: $bin --lang $lang prints other lines on Windows than on Linux:"
            diff <(echo "$linux") <(echo "$windows") || true
        fi
    done
done
echo "wine: $same of $runs demo runs print the same lines as on Linux (digits masked)"

# --- The test suite, through Wine. -------------------------------------------------------------
started=$(date +%s)
SOCKET_LESSONS_WINE=1 CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER=wine \
    cargo test -q --target "$target"
echo "wine: the test suite passed under Wine in $(elapsed "$started")"
[ "$same" -eq "$runs" ]
