//! How a lesson's process ends when it does not end at the bottom of `main`: quietly, with exit
//! status 0, when whoever read its output has gone (a closed pipe, `… | head -3`); and on
//! Ctrl-C, with the last words of whoever asked for them. Signals and exits live here only.

use std::io;

/// Write with `write`; a closed pipe is the reader saying "enough", not a fault: end quietly.
///
/// `cargo run --bin 03_conn_loop -- backlog | head -3`: once `head` has its three lines it closes
/// the pipe, and the next write fails with `BrokenPipe`, on Linux, macOS and Windows alike (Rust
/// ignores Unix's SIGPIPE, so no signal kills us first). Every Unix tool then ends without a word,
/// and so does a lesson: exit 0, nothing on stderr. Any other write error is ignored like
/// `println!` would not: a full disk behind `> file` loses lines, not the lesson.
pub fn or_quietly_on_closed_pipe(write: impl FnOnce() -> io::Result<()>) {
    if let Err(e) = write()
        && e.kind() == io::ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}

/// The exit code after Ctrl-C or SIGTERM: 128 + SIGINT (2), what a shell reports for Ctrl-C.
pub const INTERRUPTED: i32 = 130;

/// On Ctrl-C (SIGINT), SIGTERM or SIGHUP (Windows: Ctrl-C, Ctrl-Break, closing the console): run
/// `last_words`, then end with [`INTERRUPTED`]. The `ctrlc` crate runs them on a thread of its
/// own, not inside the signal handler, so they may take a lock, remove a file and print.
pub fn on_interrupt(last_words: impl Fn() + Send + 'static) -> Result<(), ctrlc::Error> {
    ctrlc::set_handler(move || {
        last_words();
        std::process::exit(INTERRUPTED);
    })
}
