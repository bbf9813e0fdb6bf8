#!/usr/bin/env bash
# The course as Python wheels (pyproject.toml): `pip install` puts `socket-lessons` and the seven
# lesson programs on PATH, no Rust needed. Builds four wheels into target/wheels/, then tests them
# as a student's laptop would meet them:
#
#   Linux x86_64    manylinux_2_17 (manylinux2014): zig links against glibc 2.17's symbols, so
#                   a laptop with an older Linux than this machine's takes it too;
#   Windows x86_64  cross-built with mingw (x86_64-pc-windows-gnu), as .ci/wine.sh builds;
#   macOS arm64     cross-built with zig (macOS 11 and later),
#   macOS x86_64    and for Intel Macs (macOS 10.12 and later).
#
# Tested: the Linux wheel in a fresh venv with no cargo on PATH (.ci/wheels-student.sh); the
# Windows wheel's programs under Wine, if Wine is installed (.ci/wine.sh installs it), else one
# line says so; the macOS programs are read, not run (no Mac here): Mach-O executables of their
# architecture that load system libraries only. Exits non-zero on any failure.
#
# Installs what it needs: maturin and ziglang from PyPI into a venv of its own
# (target/wheel-tools), the Rust targets with rustup, mingw with apt-get if missing. One release
# build per target, kept in target/ for the next run; maturin's own output goes to
# target/wheel-logs/, shown only when a build fails.
#
#   bash .ci/wheels.sh        (from .ci/run, after the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

out=target/wheels
tools=target/wheel-tools
logs=target/wheel-logs
tests=target/wheel-test
# Pinned, so that a rerun builds the same wheels; raise them together and rerun this script.
maturin_req="maturin==1.16.0"
zig_req="ziglang==0.17.1"

fail() {
    echo "wheels: FAILED: $*" >&2
    exit 1
}
say() { echo "wheels: $*"; }
elapsed() { echo "$(($(date +%s) - $1)) s"; }
size() { python3 -c "import os, sys; print(f'{os.path.getsize(sys.argv[1]) / 1e6:.1f} MB')" "$1"; }
all_started=$(date +%s)

# --- Setup: a venv with maturin and zig, the Rust targets, mingw. -----------------------------
started=$(date +%s)
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_install() {
    command -v apt-get >/dev/null 2>&1 || fail "$1 is missing, and there is no apt-get to install $2 with"
    { $sudo apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2"; } \
        >/dev/null || fail "apt-get could not install $2"
}
command -v python3 >/dev/null 2>&1 || apt_install python3 python3
# Debian's python3 makes a venv only with python3-venv (ensurepip) installed.
python3 -c "import ensurepip" 2>/dev/null || apt_install "python3's venv" python3-venv
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 ||
    apt_install "mingw (the Windows linker)" gcc-mingw-w64-x86-64
command -v rustup >/dev/null 2>&1 || fail "no rustup to add the Windows and macOS targets with"
rustup target add x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin >/dev/null 2>&1 ||
    fail "rustup could not add the Windows and macOS targets"
[ -x "$tools/bin/python" ] || python3 -m venv "$tools"
"$tools/bin/python" -m pip install -q --disable-pip-version-check "$maturin_req" "$zig_req" ||
    fail "pip could not install $maturin_req and $zig_req"
# maturin finds zig as `python -m ziglang`, with the python first on PATH.
export PATH="$PWD/$tools/bin:$PATH"
say "set up in $(elapsed "$started") ($(maturin --version), zig $(python -m ziglang version))"

# --- Build: one release build per target. ------------------------------------------------------
rm -rf "$out"
mkdir -p "$out" "$logs"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || fail "no version in Cargo.toml"

# build NAME MATURIN-ARGS...: the wheel's path in $wheel.
build() {
    local name=$1 started log
    shift
    started=$(date +%s)
    log="$logs/$name.log"
    if ! maturin build --release --out "$out" "$@" >"$log" 2>&1; then
        tail -n 30 "$log" >&2
        fail "maturin could not build the $name wheel (the whole log: $log)"
    fi
    wheel=$(sed -n 's/^.*Built wheel to //p' "$log" | tail -n 1)
    [ -f "$wheel" ] || fail "maturin built the $name wheel, but where? (see $log)"
    say "$name: $(basename "$wheel"), $(size "$wheel"), built in $(elapsed "$started")"
}
# --zig: glibc 2.17's symbols; maturin then checks the programs use no newer one (auditwheel).
build linux --zig --compatibility manylinux2014
linux_wheel=$wheel
build windows --target x86_64-pc-windows-gnu
windows_wheel=$wheel
build macos-arm64 --zig --target aarch64-apple-darwin
macos_arm64_wheel=$wheel
build macos-x86_64 --zig --target x86_64-apple-darwin
macos_x86_64_wheel=$wheel
[[ $linux_wheel == *manylinux_2_17_x86_64.whl ]] || fail "the Linux wheel is not manylinux_2_17"

# --- What every wheel must hold: the runner and the lessons' programs, nothing else to run. -----
mapfile -t lessons < <(bash .ci/lessons.sh)
programs=(socket-lessons "${lessons[@]}")
rm -rf "$tests"
mkdir -p "$tests"
# unpack WHEEL DIR [SUFFIX]: the wheel's programs (`*.data/scripts/`) into DIR, and a failure
# unless they are exactly those programs.
unpack() {
    python3 - "$@" "${programs[@]}" <<'EOF'
import os, sys, zipfile
wheel, folder, suffix, programs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
os.makedirs(folder)
with zipfile.ZipFile(wheel) as z:
    scripts = [n for n in z.namelist() if '.data/scripts/' in n]
    found = sorted(os.path.basename(n) for n in scripts)
    wanted = sorted(p + suffix for p in programs)
    if found != wanted:
        sys.exit(f"{wheel}: holds {found}, not {wanted}")
    for name in scripts:
        path = os.path.join(folder, os.path.basename(name))
        with open(path, 'wb') as f:
            f.write(z.read(name))
        os.chmod(path, 0o755)
EOF
}

# --- Linux: installed as a student does, in a fresh venv with no cargo on PATH. --------------
started=$(date +%s)
cargo build -q --bins
mkdir -p "$tests/expected"
for lang in en zh; do
    cargo run -q --bin 01_basic -- --lang "$lang" </dev/null >"$tests/expected/01_basic.$lang.txt" 2>&1
done
python3 -m venv "$tests/venv"
env -i HOME="$PWD/$tests" PATH="$PWD/$tests/venv/bin:/usr/bin:/bin" \
    bash .ci/wheels-student.sh "$out" "$version" "$tests/expected" ||
    fail "the Linux wheel, installed in a fresh venv (above)"
say "linux: installed, run, graded and uninstalled in a fresh venv in $(elapsed "$started")"

# --- Windows: the wheel's programs under Wine. -------------------------------------------------
windows="$tests/windows"
unpack "$windows_wheel" "$windows" .exe
# The Wine prefix .ci/wine.sh makes, made here if it has not run.
export WINEPREFIX="$PWD/target/wine-prefix" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
no_wine=""
if ! command -v wine >/dev/null 2>&1; then
    no_wine="Wine is not installed (bash .ci/wine.sh installs it)"
elif [ ! -f "$WINEPREFIX/system.reg" ] && ! wineboot -i >/dev/null 2>&1; then
    no_wine="wineboot could not create a Wine prefix"
elif ! wine cmd /c exit 0 >/dev/null 2>&1; then
    no_wine="Wine is installed but cannot run a Windows program here"
fi
if [ -n "$no_wine" ]; then
    say "windows: skipped running the Windows wheel's programs: $no_wine"
else
    started=$(date +%s)
    # Debian 12's Wine lacks bcryptprimitives.dll, which Rust's programs import (.ci/wine.sh says
    # more): the stand-in, beside the programs, where Windows looks for a DLL first.
    x86_64-w64-mingw32-gcc -shared -O2 -o "$windows/bcryptprimitives.dll" \
        .ci/bcryptprimitives.c -ladvapi32
    for program in "${programs[@]}"; do
        said=$(wine "$windows/$program.exe" --version </dev/null 2>&1 | tr -d '\r')
        [ "$said" = "socket-lessons $version" ] ||
            fail "under Wine, $program.exe --version says '$said', not 'socket-lessons $version'"
    done
    sticky=$(wine "$windows/04_sticky_demo.exe" --lang en </dev/null 2>&1 | tr -d '\r')
    grep -q "read(5) returned 5 bytes: b'67abc'" <<<"$sticky" || {
        echo "$sticky"
        fail "under Wine, the Windows wheel's 04_sticky_demo.exe did not print b'67abc'"
    }
    for lang in en zh; do
        wine "$windows/01_basic.exe" --lang "$lang" </dev/null 2>&1 | tr -d '\r' |
            sed -E 's/[0-9]+/N/g' >"$tests/01_basic.windows.$lang.txt"
        sed -E 's/[0-9]+/N/g' "$tests/expected/01_basic.$lang.txt" |
            diff -u - "$tests/01_basic.windows.$lang.txt" ||
            fail "under Wine, the Windows wheel's 01_basic --lang $lang prints other lines (digits masked)"
    done
    # Ctrl-C mid-transfer (src/words/exit.rs, SetConsoleCtrlHandler): Wine turns SIGINT into the
    # console's Ctrl-C event. Lesson 07 (the Linux build) sends slowly enough to be caught.
    head -c 20000000 /dev/zero >"$tests/big.bin"
    mkdir -p "$tests/received"
    target/debug/07_many_clients server --port 0 --file "$tests/big.bin" --rate 100KiB \
        </dev/null >"$tests/server.txt" 2>&1 &
    server=$!
    trap 'kill "$server" 2>/dev/null || true' EXIT
    wait_for() { # wait_for WHAT COMMAND...: up to 30 s for COMMAND to succeed
        local what=$1 deadline=$(($(date +%s) + 30))
        shift
        until "$@"; do
            [ "$(date +%s)" -lt "$deadline" ] || fail "under Wine, 30 s without $what"
            sleep 0.2
        done
    }
    wait_for "lesson 07's server listening" grep -q "listening on" "$tests/server.txt"
    port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$tests/server.txt" | head -n 1)
    wine "$windows/06_final_file.exe" client --port "$port" --out "$tests/received" --lang en \
        </dev/null >"$tests/client.txt" 2>&1 &
    client=$!
    partial_exists() { compgen -G "$tests/received/.big.bin-*.part" >/dev/null; }
    wait_for "a partial file" partial_exists
    kill -INT "$client"
    status=0
    wait "$client" || status=$?
    kill "$server" 2>/dev/null || true
    if [ "$status" -ne 130 ] || compgen -G "$tests/received/*" >/dev/null ||
        ! grep -q "^error: interrupted: removed the partial file" "$tests/client.txt"; then
        cat "$tests/client.txt"
        fail "under Wine, Ctrl-C did not remove 06_final_file.exe's partial file and exit 130 (exit $status)"
    fi
    say "windows: ${#programs[@]} programs report $version, 04_sticky_demo prints b'67abc', 01_basic as on Linux, Ctrl-C removes lesson 06's partial file, under Wine in $(elapsed "$started")"
fi

# --- macOS: no Mac here, so the programs are read, not run. -----------------------------------
# Each must be a 64-bit Mach-O executable for its CPU, loading only libraries every macOS has in
# /usr/lib (libSystem, and the libiconv Rust's standard library links): no framework and no
# libobjc, which a cross build cannot link (the ctrlc crate's Apple dependencies did). An arm64
# Mac kills a program that is not signed: the linker's ad-hoc signature must be there, and its
# SHA-256 of every 4 KiB page must match the page (as it would not after a later strip).
for arch in arm64 x86_64; do
    wheel_var="macos_${arch}_wheel"
    folder="$tests/macos-$arch"
    unpack "${!wheel_var}" "$folder" ""
    loads=$(python3 - "$arch" "$folder" "${programs[@]}" <<'EOF'
import hashlib, os, struct, sys
arch, folder, programs = sys.argv[1], sys.argv[2], sys.argv[3:]
CPU = {'arm64': 0x0100000C, 'x86_64': 0x01000007}  # CPU_TYPE_ARM64, CPU_TYPE_X86_64
MH_MAGIC_64, MH_EXECUTE = 0xFEEDFACF, 2
LOAD_DYLIB = {0xC, 0x18 | 0x80000000, 0x1F | 0x80000000}  # LC_LOAD_DYLIB, _WEAK_, _REEXPORT_
LC_CODE_SIGNATURE, CODE_DIRECTORY = 0x1D, 0xFADE0C02


def signature_fault(data, offset, size):
    """What is wrong with the code signature at data[offset:offset + size], or None."""
    blob = data[offset:offset + size]
    _magic, _length, count = struct.unpack_from('>III', blob)
    for i in range(count):
        _slot, at = struct.unpack_from('>II', blob, 12 + 8 * i)
        if struct.unpack_from('>I', blob, at)[0] != CODE_DIRECTORY:
            continue
        hashes, _, _, slots, limit, hash_size, hash_type, _, page_bits = struct.unpack_from(
            '>IIIIIBBBB', blob, at + 16)
        if hash_type != 2:  # SHA-256
            return f'hash type {hash_type}'
        page = 1 << page_bits
        for n in range(slots):
            want = blob[at + hashes + n * hash_size:at + hashes + (n + 1) * hash_size]
            got = hashlib.sha256(data[n * page:min((n + 1) * page, limit)]).digest()
            if got[:hash_size] != want:
                return f'page {n} does not match its hash'
        return None
    return 'no code directory'

SYSTEM = {'/usr/lib/libSystem.B.dylib', '/usr/lib/libiconv.2.dylib', '/usr/lib/libcharset.1.dylib'}
seen = set()
for program in programs:
    data = open(os.path.join(folder, program), 'rb').read()
    magic, cpu, _sub, filetype, ncmds = struct.unpack_from('<IiiII', data)
    if (magic, cpu, filetype) != (MH_MAGIC_64, CPU[arch], MH_EXECUTE):
        sys.exit(f'{program}: not a 64-bit Mach-O {arch} executable '
                 f'(magic {magic:#x}, cpu {cpu:#x}, type {filetype})')
    offset, loads, fault = 32, [], 'not signed'
    for _ in range(ncmds):
        cmd, size = struct.unpack_from('<II', data, offset)
        if cmd in LOAD_DYLIB:
            (name_at,) = struct.unpack_from('<I', data, offset + 8)
            loads.append(data[offset + name_at:offset + size].split(b'\0')[0].decode())
        if cmd == LC_CODE_SIGNATURE:
            fault = signature_fault(data, *struct.unpack_from('<II', data, offset + 8))
        offset += size
    if not set(loads) <= SYSTEM or '/usr/lib/libSystem.B.dylib' not in loads:
        sys.exit(f'{program}: loads {loads}, not only {sorted(SYSTEM)}')
    if arch == 'arm64' and fault:
        sys.exit(f'{program}: its code signature: {fault}')
    seen.update(loads)
print(', '.join(sorted(os.path.basename(lib) for lib in seen)))
EOF
    ) || fail "the macOS $arch wheel"
    signed=""
    [ "$arch" = x86_64 ] || signed=", signed ad hoc"
    say "macos-$arch: 8 Mach-O $arch executables$signed, loading $loads (read, not run: no Mac here)"
done

say "4 wheels built and tested in $(elapsed "$all_started"):"
for wheel in "$out"/*.whl; do
    echo "  $(basename "$wheel")  $(size "$wheel")"
done
