//! Every command a lesson prints as a hint runs as printed: the server a refused client names,
//! the runner's "run alone" commands and its last line, lesson 05's pointer to `compare`.
//!
//! The tests run the programs from Cargo's target folder, so the hints read `cargo run --bin X
//! -- ARGS` (installed, they read `X ARGS`: `cli::program` chooses). A test checks that form,
//! then runs program X with ARGS itself, as `cargo run` would; it does not call Cargo inside
//! `cargo test`.

mod common;

use std::process::Command;

#[cfg(unix)]
use common::Live;
use common::{program, run};

/// `cargo run --bin X -- A B` or `cargo run -- A B`: the program and its arguments, or a failed
/// test if the hint is not in that form.
fn command_of(hint: &str) -> Command {
    let words: Vec<&str> = hint.split_whitespace().collect();
    let (name, args) = match words.as_slice() {
        ["cargo", "run", "--bin", name, "--", args @ ..] => (*name, args),
        ["cargo", "run", "--bin", name] => (*name, &[][..]),
        ["cargo", "run", "--", args @ ..] => ("socket-lessons", args),
        _ => panic!("not a command Cargo runs: {hint:?}"),
    };
    let mut command = program(name);
    command.args(args);
    command
}

/// A client of every lesson, with no server: its one line names a server command that starts
/// a server on that very port, with the flags the client needs of it (`--tiny`).
#[cfg(unix)]
#[test]
fn the_server_a_refused_client_names_starts_on_its_port() {
    // Every lesson with a client of its own (07's is 06's), and 04's `--tiny`: 200 one-byte
    // writes, so the server must wait for 200 bytes, not the 17 of three writes.
    let mut clients: Vec<(&str, &[&str], &[&str])> = socket_lessons::tools::lessons::LESSONS
        .iter()
        .filter(|lesson| lesson.binary != "07_many_clients")
        .map(|lesson| (lesson.binary, &[][..], &[][..]))
        .collect();
    clients.push(("04_sticky_demo", &["--tiny"], &["--tiny"]));
    for (lesson, flags, server_flags) in clients {
        let refused = common::RefusedPort::for_a_server_later();
        let port = refused.port.to_string();
        let mut client = program(lesson);
        client.args(["client", "--port", &port]).args(flags);
        let error = run(client, "").assert_one_line_error();
        let (_, hint) = error
            .split_once("start the server first: ")
            .unwrap_or_else(|| panic!("no server command in {error:?}"));
        let words: Vec<&str> = hint.split_whitespace().collect();
        for flag in server_flags {
            assert!(words.contains(flag), "{lesson} {flags:?}: {hint}");
        }
        // And a flag the server does not need is not named.
        if server_flags.is_empty() {
            assert!(!words.contains(&"--tiny"), "{lesson}: {hint}");
        }
        let server = Live::server(command_of(hint));
        assert_eq!(server.port(), port, "{lesson}: {hint}");
    }
}

#[test]
fn every_command_the_runner_lists_runs() {
    let list = run(bin!("socket-lessons", "list"), "");
    list.assert_success();
    let mut commands: Vec<&str> = list
        .stdout
        .lines()
        .filter_map(|line| line.trim().strip_prefix("run alone: "))
        .collect();
    // The last two lines: one lesson, and everything with --pause (stdin is no terminal: no
    // pause).
    let lines: Vec<&str> = list.stdout.lines().collect();
    let [.., one, all] = lines.as_slice() else {
        panic!("no hints at the end of {list:?}")
    };
    let one = one
        .strip_prefix("play one lesson's stages: ")
        .and_then(|hint| hint.split(" (").next())
        .unwrap_or_else(|| panic!("no hint for one lesson: {one:?}"));
    let all = all
        .strip_prefix("everything, pausing before each stage: ")
        .unwrap_or_else(|| panic!("no hint for --pause: {all:?}"));
    commands.extend([one, all]);
    assert!(commands.len() > 10, "{commands:?}");
    for hint in commands {
        run(command_of(hint), "").assert_success();
    }
}

#[test]
fn lesson_05_points_to_a_compare_that_runs() {
    let demo = run(bin!("05_struct_pack"), "");
    let last = demo.stdout.lines().last().expect("a last line");
    let (_, hint) = last.split_once("side by side: ").expect("the pointer");
    run(command_of(hint), "").assert_success();
}
