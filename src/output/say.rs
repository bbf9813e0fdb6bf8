//! Who said what: every line a lesson prints is tagged `[server]`, `[client]` or `[note]`, so the
//! two sides of a demo read apart even when they share one terminal.
//!
//! Printing only prints: the order of a demo's lines is the demo harness's business
//! ([`demo`](crate::demo)), never this module's. Colors only help a person at a terminal: they are
//! off when `NO_COLOR` is set (<https://no-color.org>) or when stdout is a pipe or a file, so
//! tests and transcripts see plain text. On a terminal, lines are wrapped to its width at word
//! boundaries, a table takes its narrower layout where a row would not fit ([`fits`]), and
//! `--lanes` lays lines out as two columns ([`lanes`]).

use std::fmt;
use std::io::{IsTerminal, Write};
use std::sync::OnceLock;

use colored::Colorize;

use crate::output::lanes::{self, Lane};
use crate::words::cli::Shared;
use crate::{words::exit, words::lang, words::text};

/// Which side of the conversation a line belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
    /// The lesson speaking to the reader: an explanation, not part of the conversation.
    Note,
}

/// How lines are laid out on a terminal: its width, and whether `--lanes` was asked for. Unset
/// when stdout is a pipe or a file: a line is then written whole, one line of text.
static TERMINAL: OnceLock<(usize, bool)> = OnceLock::new();

/// Set up the output once, at the start of `main`: the language, colors or not, lanes or not.
pub fn init(shared: &Shared) {
    lang::init(shared.lang);
    let terminal = std::io::stdout().is_terminal();
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    // Windows: a classic console (cmd.exe) draws colors only with virtual-terminal processing
    // on, and prints the escape codes otherwise; where it cannot be turned on, no colors.
    #[cfg(windows)]
    let no_color = no_color || (terminal && colored::control::set_virtual_terminal(true).is_err());
    if no_color || !terminal {
        colored::control::set_override(false);
    }
    if terminal {
        let width = lanes::terminal_width();
        let _ = TERMINAL.set((width, shared.lanes));
        // A peer's message is shown whole when it fits on one line of this terminal.
        text::set_line_width(width);
    }
}

/// The columns a line has on this terminal; `None` when stdout is a pipe or a file, where a
/// line is one line of text however long. For a table that has a narrower layout for a
/// narrow terminal ([`fits`]).
fn width() -> Option<usize> {
    TERMINAL.get().map(|&(width, _)| width)
}

/// Does a tagged line of `text` fit on one line of the terminal (always, on a pipe)? A table
/// prints a row a line where it does, and its narrower layout where it does not, so that the
/// terminal never folds a row into two and no cell is split.
pub fn fits(text: &str) -> bool {
    width().is_none_or(|width| TAG_WIDTH + lanes::text_width(text) <= width)
}

/// `rows` as a table's lines: each cell padded to its column's width in terminal columns (a
/// Chinese character takes two, so `format!("{:<8}")` would not line them up), the cells of a
/// row joined by `separator`.
pub fn table(rows: &[Vec<String>], separator: &str) -> Vec<String> {
    let mut widths = Vec::new();
    for row in rows {
        widths.resize(widths.len().max(row.len()), 0);
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(lanes::text_width(cell));
        }
    }
    rows.iter()
        .map(|row| {
            let last = row.len().saturating_sub(1);
            let cells = row
                .iter()
                .zip(&widths)
                .enumerate()
                .map(|(i, (cell, &width))| {
                    // The last cell is not padded: no spaces at the end of a line.
                    let pad = if i == last {
                        0
                    } else {
                        width - lanes::text_width(cell)
                    };
                    format!("{cell}{}", " ".repeat(pad))
                });
            cells.collect::<Vec<_>>().join(separator)
        })
        .collect()
}

/// The columns a tag and its space take before a line's text: `[server] `, `[note]   `.
pub const TAG_WIDTH: usize = 9;

/// After a line typed at a [`prompt`]: if it did not end with Enter (Ctrl-D, Ctrl-Z, the end
/// of the input), the cursor is still on the prompt's line, so the next line starts a new one
/// instead of being drawn after the prompt and wrapped as if it began at the left edge.
pub fn typed(line: &[u8]) {
    // Windows ends the input with Ctrl-Z, then Enter: that Enter has already begun a new line.
    let enter_ends_the_input = cfg!(windows) && line.is_empty();
    if TERMINAL.get().is_some() && !line.ends_with(b"\n") && !enter_ends_the_input {
        plain("");
    }
}

/// Print one tagged line on stdout. Use the macros [`server!`](crate::server),
/// [`client!`](crate::client) and [`note!`](crate::note) rather than calling this.
///
/// The line is written under stdout's lock, so the server thread and the client thread of a
/// demo never mix their words inside one line. Rust's stdout flushes at every newline, so each
/// line is out (and readable by a test or a second terminal) as soon as it is printed.
pub fn line(role: Role, text: fmt::Arguments) {
    let (tag, lane) = match role {
        Role::Server => ("[server]".cyan().bold(), Lane::Left),
        Role::Client => ("[client]".green().bold(), Lane::Right),
        Role::Note => ("[note]  ".yellow().bold(), Lane::Across),
    };
    // The tag as text with its color codes (none under NO_COLOR or on a pipe): a `ColoredString`
    // taken as `&str` is its plain text, and the color would be lost exactly on a terminal.
    let tag = tag.to_string();
    // On a terminal the line is wrapped here, at a space or between two Chinese characters,
    // under its text: the terminal itself would cut a word anywhere ("r|eads").
    match TERMINAL.get() {
        Some(&(width, true)) => plain(&lanes::layout(lane, &tag, &text.to_string(), width)),
        Some(&(width, false)) => plain(&lanes::hang(&tag, &text.to_string(), 0, width)),
        None => plain(&format!("{tag} {text}")),
    }
}

/// Print one untagged line on stdout (the runner's headings). Unlike `println!`, which panics
/// when the reader has closed the pipe, a closed pipe ends the process quietly ([`exit`]).
pub fn plain(text: &str) {
    exit::or_quietly_on_closed_pipe(|| writeln!(std::io::stdout().lock(), "{text}"));
}

/// A prompt (`message>>> `), written without a newline and flushed so it shows before the
/// person types: under `--lanes` in its side's lane, so that the typing lines up with that
/// side's lines. A closed pipe ends quietly, as for a line.
pub fn prompt(role: Role, text: &str) {
    let lane = match role {
        Role::Server => Lane::Left,
        Role::Client => Lane::Right,
        Role::Note => Lane::Across,
    };
    let margin = match TERMINAL.get() {
        Some(&(width, true)) => lanes::bounds(lane, width).0,
        _ => 0,
    };
    exit::or_quietly_on_closed_pipe(|| {
        let mut out = std::io::stdout().lock();
        write!(out, "{}{text}", " ".repeat(margin))?;
        out.flush()
    });
}

/// Print `text` under a `lead` (an indent, a label), wrapped on a terminal like every tagged
/// line, continuation lines under the text: the runner's idea and watch-for lines.
pub fn hanging(lead: &str, text: &str) {
    plain(&hung(lead, text));
}

/// What [`hanging`] prints, as text, for a tool that builds its page before printing it (the
/// checker's list): on a terminal, wrapped to its width; on a pipe, one line.
pub fn hung(lead: &str, text: &str) -> String {
    match TERMINAL.get() {
        Some(&(width, _)) => lanes::hang(lead, text, 0, width),
        None => format!("{lead} {text}"),
    }
}

/// The one line a failed lesson prints, on stderr.
pub fn error(text: &str) {
    let tag = match lang::current() {
        lang::Lang::En => "error:",
        lang::Lang::Zh => "错误:",
    };
    let tag = tag.red().bold().to_string();
    // On a terminal, wrapped like every line, so the terminal never cuts the hint's words.
    let line = match std::io::stderr().is_terminal() {
        true => lanes::hang(
            &tag,
            text,
            0,
            lanes::terminal_width_of(&console::Term::stderr()),
        ),
        false => format!("{tag} {text}"),
    };
    eprintln!("{line}");
}

/// What the three line macros share: one text for both languages (bytes, numbers), or the
/// English then the Chinese. A second string literal is always the Chinese text.
#[doc(hidden)]
#[macro_export]
macro_rules! say_line {
    ($role:expr, $en:literal, $zh:literal $(, $arg:expr)* $(,)?) => {
        match $crate::words::lang::current() {
            $crate::words::lang::Lang::En => $crate::output::say::line($role, format_args!($en $(, $arg)*)),
            $crate::words::lang::Lang::Zh => $crate::output::say::line($role, format_args!($zh $(, $arg)*)),
        }
    };
    ($role:expr, $text:literal $(, $arg:expr)* $(,)?) => {
        $crate::output::say::line($role, format_args!($text $(, $arg)*))
    };
}

/// `server!("accepted {addr}", "接受了 {addr}")`: a `[server]` line, in English or Chinese.
#[macro_export]
macro_rules! server {
    ($($arg:tt)*) => { $crate::say_line!($crate::output::say::Role::Server, $($arg)*) };
}

/// `client!("sending {n} bytes", "发送 {n} 字节")`: a `[client]` line, in English or Chinese.
#[macro_export]
macro_rules! client {
    ($($arg:tt)*) => { $crate::say_line!($crate::output::say::Role::Client, $($arg)*) };
}

/// `note!("...", "...")`: the lesson explaining what just happened, in English or Chinese.
#[macro_export]
macro_rules! note {
    ($($arg:tt)*) => { $crate::say_line!($crate::output::say::Role::Note, $($arg)*) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_lines_up_by_columns_not_characters() {
        let rows = [
            vec!["旧套接字".to_string(), "x".to_string(), "end".to_string()],
            vec![
                "off".to_string(),
                "yy".to_string(),
                "地址已被占用".to_string(),
            ],
        ];
        let lines = table(&rows, " | ");
        // 旧套接字 is 4 characters but 8 columns: "off" is padded to 8 columns, not 4.
        assert_eq!(
            lines,
            ["旧套接字 | x  | end", "off      | yy | 地址已被占用"]
        );
    }

    #[test]
    fn on_a_pipe_every_row_fits() {
        // No terminal in a unit test: a row is one line of text however long.
        assert!(fits(&"x".repeat(500)));
    }
}
