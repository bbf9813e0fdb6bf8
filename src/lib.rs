//! The small library the lessons stand on. Each lesson in `src/bin/` is a whole program;
//! what it needs that is not its own lesson lives here, so the lesson file shows only its idea.
//!
//! # Layout
//! One folder a layer: a module uses only modules of its own layer or the layers above it in this
//! list (an arrow only goes down), and no two modules use each other.
//! 1. **[`words`]**: [`words::lang`], English or Chinese, chosen once, [`tr!`] for a sentence
//!    in both and [`words::lang::pick`] for an `[english, chinese]` pair; [`words::text`], bytes
//!    shown as people read them, never raw (Python's notation, hex; `Bytes(n)`,
//!    `Message(&buf[..n])`: values a print takes); [`words::cli`], the arguments every lesson
//!    shares (`--host`/`--port`, `--lang`, `--lanes`); [`words::help`], `--help` in Chinese;
//!    [`words::exit`], how the process ends: quietly when its reader has gone, and on Ctrl-C.
//! 2. **[`output`]**: [`output::say`], `[server]`/`[client]` tagged lines, colored on a terminal
//!    ([`server!`], [`client!`], [`note!`]), wrapped to its width; [`output::lanes`] lays them out
//!    in two columns.
//! 3. **[`sockets`]**: [`sockets::net`], the words around the socket calls the lessons make
//!    (friendly errors, the `listening on` line, what a reset means) and lesson 03's listener in
//!    one call; [`sockets::addrs`], this machine's addresses a classroom can use;
//!    [`sockets::oserror`], an OS's error in the course's words; [`sockets::wait`], lessons 02's
//!    and 04's waits; [`sockets::segments`], lesson 04's TCP segment counters; [`sockets::frame`],
//!    length-prefixed frames, lesson 05's cure, used from lesson 06 on; [`sockets::receiving`],
//!    lesson 06's client end, which says "no, thank you" with a reset. A read or a write names
//!    its peer on its own line: `sock.read(&mut buf).peer(Peer::Client)?` ([`sockets::net::Talk`]).
//! 4. **[`demo`]**: a lesson's server and client in one process, taking turns; [`demo::input`],
//!    lines typed at a prompt (lessons 02 and 03), or scripted for the demo.
//! 5. **[`transfer`]**: lessons 06 and 07 around their header: [`transfer::conn`], their one
//!    connection type (a deadline and a pace); [`transfer::offer`], what a file server offers;
//!    [`transfer::header`], what a peer's header may say; [`transfer::disk`], the file sent and
//!    the folder saved into; [`transfer::partial`], the partial file, put in place whole or not at all;
//!    [`transfer::deadline`], one deadline for a peer that moves no byte; [`transfer::rate`],
//!    `--rate`, a transfer slowed down to watch.
//! 6. **[`tools`]**: [`tools::lessons`], the one list of lessons; [`tools::runner`], the
//!    classroom runner that plays its stages (`cargo run`);
//!    [`tools::check`], `cargo run -- check`, the course grading a student's own program;
//!    [`tools::between`], `cargo run -- between`, the course between a student's client and
//!    server, cutting the stream each way;
//!    [`tools::shows`], the side shows around the lessons (the compare table, the pack
//!    calculator, the progress bar, scratch folders). Skip them on a first reading.

pub mod words;

pub mod output;

pub mod sockets;

pub mod demo;

pub mod transfer;

pub mod tools;

use std::process::ExitCode;

/// The one error type of the course.
///
/// A boxed `std::error::Error` is enough here: a lesson never recovers from an error by its
/// type, it only tells the user what went wrong. Where a lesson *does* branch on an error
/// (a reset connection, a read timeout) it looks at the `std::io::Error` before boxing it.
pub type Error = Box<dyn std::error::Error + Send + Sync>;

/// `Result` with the course's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

/// `runner_entry!();` at the end of a lesson: `play`, the one way in of the classroom runner
/// (`cargo run`), which compiles the lesson file in. It parses a stage's command line with the
/// lesson's own `Cli` and hands it to the lesson's own `run`, exactly as `main` does, so a
/// stage of the runner is a lesson and its arguments, and the lesson exports nothing else.
#[macro_export]
macro_rules! runner_entry {
    () => {
        /// The classroom runner's way in: this lesson's parser and `run`, as in `main`.
        #[allow(dead_code)] // `main` does not call it; the runner does.
        pub fn play(args: &[&str]) -> $crate::Result<()> {
            run(<Cli as ::clap::Parser>::try_parse_from(args)?)
        }
    };
}

/// Turn what a lesson's `main` did into an exit code: on error, one line on stderr and exit 1.
///
/// This is why no student sees a panic or a `Debug` dump for an ordinary mistake: every error
/// is printed with `Display`, which the friendly messages of [`sockets::net`] fill in; an OS error that
/// reaches here as it came is put in words by [`sockets::oserror::words`].
pub fn report(result: Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // An OS error that no lesson put in words: the course's words for its kind.
            match error.downcast_ref::<std::io::Error>() {
                Some(e) => output::say::error(&sockets::oserror::words(e)),
                None => output::say::error(&error.to_string()),
            }
            ExitCode::FAILURE
        }
    }
}
