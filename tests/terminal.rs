//! What a person at a terminal sees, seen on a terminal: each program run on a pseudo-terminal
//! 80 columns wide, the way tmux or a projector's terminal would show it. The tags in their
//! sides' colors, nothing faint, no line wider than the terminal, no word cut in two.
//!
//! Every other test reads the programs through a pipe, where colors are off and lines are not
//! wrapped: only here is the terminal's path taken.

// A pseudo-terminal is a Unix device (openpty). Windows has its own console path, turned on in
// src/output/say.rs (virtual-terminal mode); it is seen under Wine, not here.
#![cfg(unix)]

mod common;

use std::collections::HashSet;
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use common::{DEADLINE, Live, run};
use socket_lessons::tools::lessons::LESSONS;

/// The width of a projector's terminal, and of every terminal in these tests.
const COLUMNS: u16 = 80;

/// Run `command` to its end on a new pseudo-terminal `columns` wide (stdin, stdout and stderr),
/// and return what it drew, line ends as `\n`, color codes kept.
fn on_terminal(command: Command, columns: u16) -> String {
    on_terminal_typing(command, columns, b"")
}

/// [`on_terminal`] for a program that must fail.
fn on_terminal_failing(command: Command, columns: u16) -> String {
    on_terminal_as(command, columns, b"", false)
}

/// [`on_terminal`], with `typed` typed at the terminal's keyboard once the program has started
/// (`\x04` is Ctrl-D, the end of the input).
fn on_terminal_typing(command: Command, columns: u16, typed: &[u8]) -> String {
    on_terminal_as(command, columns, typed, true)
}

/// [`on_terminal_typing`], for a program that `succeeds` or must fail.
fn on_terminal_as(mut command: Command, columns: u16, typed: &[u8], succeeds: bool) -> String {
    let (mut master, mut slave) = (-1, -1);
    let size = libc::winsize { ws_row: 50, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty writes two file descriptors into the two ints it is given and reads the
    // window size; the name and the terminal settings may be null (the system's defaults).
    let opened = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            &size as *const libc::winsize as *mut libc::winsize,
        )
    };
    assert_eq!(opened, 0, "openpty: {}", std::io::Error::last_os_error());
    // SAFETY: both descriptors were just opened by openpty, and nothing else owns them.
    let (master, slave) = unsafe { (File::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    // Colors as a person's terminal has them, unless the test asks for NO_COLOR.
    if !command.get_envs().any(|(name, _)| name == "NO_COLOR") {
        command.env_remove("NO_COLOR");
    }
    let stdio = || Stdio::from(slave.try_clone().expect("a copy of the terminal"));
    command
        .env("LC_ALL", "C")
        .env("TERM", "xterm-256color")
        .env_remove("COLUMNS")
        .stdin(stdio())
        .stdout(stdio())
        .stderr(stdio());
    let mut child = command.spawn().expect("the program starts");
    // The terminal ends (a read fails, EIO on Linux) when no process holds it any more: the
    // test's own copies go now, the child's when it ends.
    drop(command);
    drop(slave);
    // The terminal's keyboard: what is written to its master side is typed.
    let mut keyboard = master.try_clone().expect("the terminal's keyboard");
    keyboard.write_all(typed).expect("typing");
    let (send, drawn) = mpsc::channel();
    thread::spawn(move || {
        let (mut master, mut bytes) = (master, Vec::new());
        let mut buf = [0; 4096];
        while let Ok(n @ 1..) = master.read(&mut buf) {
            bytes.extend_from_slice(&buf[..n]);
        }
        let _ = send.send(bytes);
    });
    let bytes = drawn.recv_timeout(DEADLINE * 3).unwrap_or_else(|_| {
        let _ = child.kill();
        panic!("the program did not end on its terminal")
    });
    let status = child.wait().expect("the program ends");
    let drawn = String::from_utf8_lossy(&bytes).replace("\r\n", "\n");
    assert_eq!(status.success(), succeeds, "{status}:\n{drawn}");
    drawn
}

/// `text` without its color codes (`ESC [ ... m`).
fn plain(text: &str) -> String {
    console::strip_ansi_codes(text).into_owned()
}

/// The parameters of every color code in `text`: `ESC[1;36m` gives 1 and 36.
fn sgr_codes(text: &str) -> Vec<u32> {
    let mut codes = Vec::new();
    for (at, _) in text.match_indices("\x1b[") {
        let rest = &text[at + 2..];
        let end = rest.find(|c: char| !c.is_ascii_digit() && c != ';');
        if let Some(end) = end.filter(|&end| rest[end..].starts_with('m')) {
            codes.extend(
                rest[..end]
                    .split(';')
                    .filter_map(|code| code.parse::<u32>().ok()),
            );
        }
    }
    codes
}

/// The color codes right before the first `tag` on a line of `drawn`.
fn color_of(drawn: &str, tag: &str) -> Vec<u32> {
    let line = drawn
        .lines()
        .find(|line| plain(line).starts_with(tag))
        .unwrap_or_else(|| panic!("no {tag} line in:\n{drawn}"));
    sgr_codes(&line[..line.find(tag).expect("the tag")])
}

/// Every line `drawn` is at most [`COLUMNS`] wide, in terminal columns.
fn assert_within_columns(drawn: &str, what: &str) {
    for line in plain(drawn).lines() {
        let width = console::measure_text_width(line);
        assert!(
            width <= usize::from(COLUMNS),
            "{what}: a line of {width} columns on an {COLUMNS}-column terminal:\n{line}"
        );
    }
}

/// The English words of `text`, without the punctuation around them.
fn words(text: &str) -> HashSet<String> {
    text.split_whitespace()
        .map(|word| word.trim_matches(|c: char| !c.is_ascii_alphanumeric()))
        .filter(|word| {
            word.len() > 1 && word.is_ascii() && word.chars().any(|c| c.is_ascii_alphabetic())
        })
        .map(str::to_string)
        .collect()
}

/// No English word on the terminal is a piece of a word: every word drawn is a word the same
/// program prints through a pipe, where no line is wrapped.
fn assert_no_word_cut(drawn: &str, piped: &str, what: &str) {
    let whole = words(piped);
    let cut: Vec<String> = words(&plain(drawn))
        .into_iter()
        .filter(|word| !whole.contains(word))
        .collect();
    assert!(cut.is_empty(), "{what}: cut words {cut:?} in:\n{drawn}");
}

/// Run the program `bin!` gives, with `args`, on an 80-column terminal and through a pipe:
/// every line fits, no word is cut. Returns what the terminal showed.
fn fits_80(name: &str, command: impl Fn() -> Command) -> String {
    let drawn = on_terminal(command(), COLUMNS);
    assert_within_columns(&drawn, name);
    let piped = run(command(), "");
    piped.assert_success();
    assert_no_word_cut(&drawn, &piped.stdout, name);
    drawn
}

#[test]
fn each_side_has_its_color_on_a_terminal_and_none_without_one() {
    let drawn = on_terminal(bin!("01_basic"), COLUMNS);
    // cyan for the server, green for the client, yellow for the lesson's notes; bold, which a
    // projector keeps.
    assert_eq!(color_of(&drawn, "[server]"), [1, 36], "{drawn:?}");
    assert_eq!(color_of(&drawn, "[client]"), [1, 32], "{drawn:?}");
    let notes = on_terminal(bin!("05_struct_pack"), COLUMNS);
    assert_eq!(color_of(&notes, "[note]"), [1, 33], "{notes:?}");

    // NO_COLOR (https://no-color.org) on a terminal, and a pipe: plain text.
    let mut no_color = bin!("01_basic");
    no_color.env("NO_COLOR", "1");
    let drawn = on_terminal(no_color, COLUMNS);
    assert!(!drawn.contains('\x1b'), "{drawn:?}");
    let piped = run(bin!("01_basic"), "");
    assert!(!piped.stdout.contains('\x1b'), "{piped:?}");
}

#[test]
fn the_runner_at_80_columns_in_both_languages() {
    for lang in ["en", "zh"] {
        let drawn = fits_80("the runner", || bin!("socket-lessons", "--lang", lang));
        // Every stage played: its heading, and both sides' tags in their colors.
        let stages: usize = LESSONS.iter().map(|lesson| lesson.stages.len()).sum();
        assert_eq!(drawn.matches("== ").count(), stages, "{drawn}");
        assert_eq!(color_of(&drawn, "[server]"), [1, 36], "{lang}");
        assert_eq!(color_of(&drawn, "[client]"), [1, 32], "{lang}");
        // Nothing faint (SGR 2): "watch for" is read by a whole room.
        assert!(
            !sgr_codes(&drawn).contains(&2),
            "{lang}: dim text in {drawn:?}"
        );
        // Lesson 03's table: one row a line, each cell whole.
        let in_use = match lang {
            "en" => "address in use",
            _ => "地址已被占用 (address in use)",
        };
        let rows: Vec<String> = plain(&drawn)
            .lines()
            .filter(|line| line.contains(" | ") && !line.contains("SO_REUSEADDR"))
            .map(str::to_string)
            .collect();
        assert_eq!(rows.len(), 5, "{lang}: {rows:#?}");
        let in_use = rows.iter().filter(|row| row.ends_with(in_use)).count();
        assert_eq!(in_use, 3, "{lang}: {rows:#?}");
    }
}

#[test]
fn the_list_and_the_checks_at_80_columns() {
    for lang in ["en", "zh"] {
        fits_80("list", || bin!("socket-lessons", "list", "--lang", lang));
        fits_80("check", || bin!("socket-lessons", "check", "--lang", lang));
    }
}

/// A way to build one program's command, as many times as a test runs it.
type Program = fn() -> Command;

#[test]
fn the_side_shows_at_80_columns() {
    let shows: [(&str, Program); 7] = [
        ("02 longline", || bin!("02_comm_loop", "longline")),
        ("03 reuseaddr", || bin!("03_conn_loop", "reuseaddr")),
        ("03 backlog", || {
            bin!("03_conn_loop", "backlog", "--clients", "8")
        }),
        ("04 demo", || bin!("04_sticky_demo")),
        ("05 pack", || bin!("05_struct_pack", "pack", "-2147483648")),
        ("05 unpack", || {
            bin!("05_struct_pack", "unpack", "ff ff ff 7f")
        }),
        ("05 compare", || bin!("05_struct_pack", "compare")),
    ];
    for (name, command) in shows {
        fits_80(name, command);
        fits_80(name, || {
            let mut command = command();
            command.args(["--lang", "zh"]);
            command
        });
    }
}

#[test]
fn after_ctrl_d_at_a_prompt_the_next_line_starts_on_its_own() {
    let server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    let port = server.port();
    // A narrow pane, as two panes side by side: the line after the prompt must wrap from the
    // left edge, so it must start there.
    let drawn = on_terminal_typing(bin!("02_comm_loop", "client", "--port", &port), 59, b"\x04");
    let lines: Vec<String> = plain(&drawn).lines().map(str::to_string).collect();
    let prompt = lines
        .iter()
        .position(|line| line.starts_with("message>>>"))
        .unwrap_or_else(|| panic!("no prompt in {lines:#?}"));
    assert_eq!(lines[prompt].trim_end(), "message>>>", "{lines:#?}");
    assert!(lines[prompt + 1].starts_with("[client] "), "{lines:#?}");
    for line in &lines {
        assert!(console::measure_text_width(line) <= 59, "{lines:#?}");
    }
    drop(server);
}

#[test]
fn an_error_on_a_terminal_is_wrapped_like_every_line() {
    let refused = common::RefusedPort::new();
    let port = refused.port.to_string();
    let client = || bin!("04_sticky_demo", "client", "--tiny", "--port", &port);
    let drawn = on_terminal_failing(client(), 59);
    let piped = run(client(), "");
    assert!(piped.stderr.contains("--tiny"), "{piped:?}");
    for line in plain(&drawn).lines() {
        assert!(console::measure_text_width(line) <= 59, "{drawn}");
    }
    assert_no_word_cut(&drawn, &(piped.stdout + &piped.stderr), "a refused client");
}

#[test]
fn the_pause_says_how_its_keys_work_in_letters_a_room_can_read() {
    for (lang, keys) in [("en", "s, Enter: skip"), ("zh", "s 再回车: 跳过")] {
        // `q` and Enter at the first pause: the runner quits before playing anything.
        let drawn = on_terminal_typing(
            bin!("socket-lessons", "1", "--pause", "--lang", lang),
            COLUMNS,
            b"q\n",
        );
        assert!(plain(&drawn).contains(keys), "{lang}: {drawn:?}");
        assert!(
            !sgr_codes(&drawn).contains(&2),
            "{lang}: dim text in {drawn:?}"
        );
        assert!(!plain(&drawn).contains("[server]"), "{lang}: {drawn:?}");
        assert_within_columns(&drawn, "the pause");
    }
}
