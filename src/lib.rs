//! The small library the six lessons stand on. Each lesson in `src/bin/` is a whole program;
//! what it needs that is not its own lesson lives here, so the lesson file shows only its idea.
//!
//! # Layout
//! - [`cli`]: the `--host`/`--port` arguments every lesson shares.
//! - [`say`]: `[server]`/`[client]` tagged lines, colored on a terminal ([`server!`], [`client!`],
//!   [`note!`]).
//! - [`net`]: friendly errors for bind/connect, the `listening on` line, and the socket2
//!   listener that lesson 03 builds by hand (SO_REUSEADDR, `listen(backlog)`).
//! - [`pair`]: a lesson's server and client in one process, for `demo`.
//! - [`input`]: lines typed at a prompt (lessons 02 and 03), or scripted for `demo`.
//! - [`text`]: bytes shown as people read them: Python byte literals, hex.
//! - [`frame`]: length-prefixed frames, the cure that lesson 05 teaches.

pub mod cli;
pub mod frame;
pub mod input;
pub mod net;
pub mod pair;
pub mod say;
pub mod text;

use std::process::ExitCode;

/// The one error type of the course.
///
/// A boxed `std::error::Error` is enough here: a lesson never recovers from an error by its
/// type, it only tells the user what went wrong. Where a lesson *does* branch on an error
/// (a reset connection, a read timeout) it looks at the `std::io::Error` before boxing it.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// `Result` with the course's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// Turn what a lesson's `main` did into an exit code: on error, one line on stderr and exit 1.
///
/// This is why no student sees a panic or a `Debug` dump for an ordinary mistake: every error
/// is printed with `Display`, which the friendly messages of [`net`] fill in.
pub fn report(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            say::error(&error.to_string());
            ExitCode::FAILURE
        }
    }
}
