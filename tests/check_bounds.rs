//! A program that prints without end: the checker keeps its last lines, not all of them (it
//! stays under 100 MB where it once took gigabytes), and ends at its own deadline. Alone in
//! its file, so that the largest child this test process waited for is that checker.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

#[test]
fn a_program_that_prints_forever_leaves_the_checker_under_100_mb() {
    if !common::peer_available("python3") {
        return;
    }
    let forever = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs/wrong/forever.py");
    let status = Command::new(env!("CARGO_BIN_EXE_socket-lessons"))
        .args([
            "check", "1", "server", "--port", "0", "--json", "--", "python3",
        ])
        .arg(&forever)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("the checker runs");
    // Both checks fail (no port is ever printed), at the checker's deadline.
    assert_eq!(status.code(), Some(1));
    // SAFETY: getrusage fills the struct we give it; zeroed is a valid start for it.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage);
        usage
    };
    // ru_maxrss: kilobytes on Linux, bytes on macOS.
    let kib = if cfg!(target_os = "macos") {
        usage.ru_maxrss / 1024
    } else {
        usage.ru_maxrss
    };
    assert!(kib < 100 * 1024, "the checker grew to {kib} KiB");
}
