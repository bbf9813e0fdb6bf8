//! Who said what: every line a lesson prints is tagged `[server]`, `[client]` or `[note]`, so the
//! two sides of a demo read apart even when they share one terminal.
//!
//! Printing only prints: the order of a demo's lines is the demo harness's business
//! ([`pair`](crate::pair)), never this module's. Colors only help a person at a terminal: they are
//! off when `NO_COLOR` is set (<https://no-color.org>) or when stdout is a pipe or a file, so
//! tests and transcripts see plain text. `--lanes` lays the lines out as two columns
//! ([`lanes`](crate::lanes)), also only on a terminal.

use std::fmt;
use std::io::IsTerminal;
use std::sync::OnceLock;

use colored::Colorize;

use crate::cli::Shared;
use crate::{lanes, lang};

/// Which side of the conversation a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
    /// The lesson speaking to the reader: an explanation, not part of the conversation.
    Note,
}

/// The terminal's width when `--lanes` was asked for and stdout is a terminal; else unset.
static LANES: OnceLock<usize> = OnceLock::new();

/// Set up the output once, at the start of `main`: the language, colors or not, lanes or not,
/// and what a closed pipe does.
pub fn init(shared: &Shared) {
    lang::init(shared.lang);

    // `cargo run --bin 03_conn_loop -- backlog | head -3`: when `head` has had enough and closes
    // the pipe, end quietly like every Unix tool does, instead of panicking on the next line.
    // Rust ignores SIGPIPE by default; this restores the default action. (Windows has no
    // SIGPIPE: a closed pipe is an error there, and `report` prints it in one line.)
    #[cfg(unix)]
    // SAFETY: SIG_DFL is a valid disposition for SIGPIPE, set before any other thread exists.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }

    let terminal = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    // Windows: a classic console (cmd.exe) draws colors only with virtual-terminal processing
    // on, and prints the escape codes otherwise; where it cannot be turned on, no colors.
    #[cfg(windows)]
    let no_color = no_color || (terminal && colored::control::set_virtual_terminal(true).is_err());
    if no_color || !terminal {
        colored::control::set_override(false);
    }
    if shared.lanes && terminal {
        let _ = LANES.set(lanes::terminal_width());
    }
}

/// Print one tagged line on stdout. Use the macros [`server!`](crate::server),
/// [`client!`](crate::client) and [`note!`](crate::note) rather than calling this.
///
/// `println!` locks stdout for the whole line, so the server thread and the client thread of a
/// demo never mix their words inside one line. Rust's stdout flushes at every newline, so each
/// line is out (and readable by a test or a second terminal) as soon as it is printed.
pub fn line(role: Role, text: fmt::Arguments) {
    let tag = match role {
        Role::Server => "[server]".cyan().bold(),
        Role::Client => "[client]".green().bold(),
        Role::Note => "[note]  ".yellow(),
    };
    match LANES.get() {
        Some(&width) => println!("{}", lanes::layout(role, &tag, &text.to_string(), width)),
        None => println!("{tag} {text}"),
    }
}

/// The one line a failed lesson prints, on stderr.
pub fn error(text: &str) {
    let tag = match lang::current() {
        lang::Lang::En => "error:",
        lang::Lang::Zh => "错误:",
    };
    eprintln!("{} {text}", tag.red().bold());
}

/// What the three line macros share: one text for both languages (bytes, numbers), or the
/// English then the Chinese. A second string literal is always the Chinese text.
#[doc(hidden)]
#[macro_export]
macro_rules! say_line {
    ($role:expr, $en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        match $crate::lang::current() {
            $crate::lang::Lang::En => $crate::say::line($role, format_args!($en $(, $arg)*)),
            $crate::lang::Lang::Zh => $crate::say::line($role, format_args!($zh $(, $arg)*)),
        }
    };
    ($role:expr, $text:literal $(, $arg:expr)* $(,)?) => {
        $crate::say::line($role, format_args!($text $(, $arg)*))
    };
}

/// `server!("accepted {addr}", "接受了 {addr}")`: a `[server]` line, in English or Chinese.
#[macro_export]
macro_rules! server {
    ($($arg:tt)*) => { $crate::say_line!($crate::say::Role::Server, $($arg)*) };
}

/// `client!("sending {n} bytes", "发送 {n} 字节")`: a `[client]` line, in English or Chinese.
#[macro_export]
macro_rules! client {
    ($($arg:tt)*) => { $crate::say_line!($crate::say::Role::Client, $($arg)*) };
}

/// `note!("...", "...")`: the lesson explaining what just happened, in English or Chinese.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => { $crate::say_line!($crate::say::Role::Note, $($arg)*) };
}
