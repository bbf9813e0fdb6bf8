/* A stand-in for Windows' bcryptprimitives.dll, for Wine only (.ci/wine.sh builds it).
 *
 * Rust's standard library (1.78 and later) gets its random numbers from ProcessPrng in
 * bcryptprimitives.dll, which every Windows since 10 has. Debian 12's Wine 8.0 has no such DLL,
 * so every Rust program exits at once with status 53 and no output. This DLL gives Wine the one
 * function, forwarded to RtlGenRandom (exported by advapi32 as SystemFunction036), which Wine
 * has. It is never shipped, and never used on real Windows.
 *
 * Build: x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

/* RtlGenRandom's real name: advapi32's export number 036. */
BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

/* BOOL ProcessPrng(PBYTE pbData, SIZE_T cbData): always TRUE on Windows. RtlGenRandom takes a
 * ULONG length, so a larger request is filled in pieces. */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG piece = length > 0x80000000u ? 0x80000000u : (ULONG)length;
        if (!SystemFunction036(data, piece)) {
            return FALSE;
        }
        data += piece;
        length -= piece;
    }
    return TRUE;
}
