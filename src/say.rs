//! Who said what: every line a lesson prints is tagged `[server]`, `[client]` or `[note]`, so the
//! two sides of a demo read apart even when they share one terminal.
//!
//! Colors only help a person at a terminal: they are off when `NO_COLOR` is set
//! (<https://no-color.org>) or when stdout is a pipe or a file, so tests and transcripts see
//! plain text.

use std::fmt;
use std::io::IsTerminal;

use colored::Colorize;

/// Which side of the conversation a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
    /// The lesson speaking to the reader: an explanation, not part of the conversation.
    Note,
}

/// Set up the output once, at the start of `main`: colors or not, and what a closed pipe does.
pub fn init() {
    // `cargo run --bin 03_conn_loop -- backlog | head -3`: when `head` has had enough and closes
    // the pipe, end quietly like every Unix tool does, instead of panicking on the next line.
    // Rust ignores SIGPIPE by default; this restores the default action.
    #[cfg(unix)]
    // SAFETY: SIG_DFL is a valid disposition for SIGPIPE, set before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }

    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    if no_color || !std::io::stdout().is_terminal() {
        colored::control::set_override(false);
    }
}

/// Print one tagged line on stdout. Use the macros [`server!`](crate::server),
/// [`client!`](crate::client) and [`note!`](crate::note) rather than calling this.
///
/// In a demo, a line from the client side first waits until the server thread has nothing more
/// to say (see [`pair`](crate::pair)), so the two sides' lines keep the conversation's order.
/// `println!` locks stdout for the whole line, so the server thread and the client thread of a
/// demo never mix their words inside one line. Rust's stdout is line-buffered, so each line is
/// out (and readable by a test or a second terminal) as soon as it is printed.
pub fn line(role: Role, text: fmt::Arguments) {
    // In a demo, the client's lines wait for the server's: see `pair` for why.
    crate::pair::wait_for_server();
    let tag = match role {
        Role::Server => "[server]".cyan().bold(),
        Role::Client => "[client]".green().bold(),
        Role::Note => "[note]  ".yellow(),
    };
    println!("{tag} {text}");
}

/// The one line a failed lesson prints, on stderr.
pub fn error(text: &str) {
    eprintln!("{} {text}", "error:".red().bold());
}

/// `server!("listening on {addr}")`: a `[server]` line, with `format!` arguments.
#[macro_export]
macro_rules! server {
    ($($arg:tt)*) => { $crate::say::line($crate::say::Role::Server, format_args!($($arg)*)) };
}

/// `client!("sending {msg:?}")`: a `[client]` line, with `format!` arguments.
#[macro_export]
macro_rules! client {
    ($($arg:tt)*) => { $crate::say::line($crate::say::Role::Client, format_args!($($arg)*)) };
}

/// `note!("...")`: the lesson explaining what just happened, with `format!` arguments.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => { $crate::say::line($crate::say::Role::Note, format_args!($($arg)*)) };
}
