//! The small library the six lessons stand on. Each lesson in `src/bin/` is a whole program;
//! what it needs that is not its own lesson lives here, so the lesson file shows only its idea.
//!
//! # Layout
//! - [`cli`]: the arguments every lesson shares: `--host`/`--port`, `--lang`, `--lanes`.
//! - [`lang`]: English or Chinese, chosen once; [`tr!`] for a sentence in both.
//! - [`say`]: `[server]`/`[client]` tagged lines, colored on a terminal ([`server!`], [`client!`],
//!   [`note!`]); [`lanes`] lays them out in two columns for the projector.
//! - [`net`]: bind, accept and connect with their lines and friendly errors, the socket2
//!   listener that lesson 03 builds by hand, what a reset means, lesson 04's wait for bytes.
//! - [`names`]: what lesson 06 accepts in a peer's header: its JSON, a whole-number size, a
//!   file name every OS can save.
//! - [`pair`]: a lesson's server and client in one process, for `demo`, in a fixed order.
//! - [`save`]: lesson 06's disk and time: the file sent, the partial file put in place whole or
//!   not at all, Ctrl-C, the words for a peer that stalled or left.
//! - [`segments`]: lesson 04's TCP segment counters, where the OS has them.
//! - [`input`]: lines typed at a prompt (lessons 02 and 03), or scripted for `demo`.
//! - [`text`]: bytes shown as people read them, and never raw: Python byte literals, hex.
//! - [`frame`]: length-prefixed frames, lesson 05's cure, used from lesson 06 on.
//! - [`check`]: `cargo run -- check`, the course grading a student's own server or client.
//! - [`extras`]: tools around the lessons that are no lesson's idea (the compare table, the
//!   pack calculator, the progress bar, scratch folders). Skip them on a first reading.

pub mod check;
pub mod cli;
pub mod extras;
pub mod frame;
pub mod input;
pub mod lanes;
pub mod lang;
pub mod names;
pub mod net;
pub mod pair;
pub mod save;
pub mod say;
pub mod segments;
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
