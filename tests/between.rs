//! `socket-lessons between`: the relay between a client and a server, against the course's own
//! pairs and Python pairs: the material's sticky server differs between cuts, a framed pair
//! holds under every cut, a server whose `recv` is not looped differs under a cut that replays,
//! and a client that never connects, a server that floods or a pair that hangs is ended with one
//! line, leaving nothing running.

mod common;

use common::{Finished, peer_available, run};

/// `socket-lessons between ARGS...`, run to its end in English.
fn between(args: &[&str]) -> Finished {
    let mut command = bin!("socket-lessons", "between");
    command.args(args);
    run(command, "")
}

/// The material's sticky server (`recv(5)` three times, no waiting), the port from argv.
const STICKY_SERVER: &str = "python3 tests/python/sticky_server.py {port}";
/// The material's struct-section pair: the server's `recv(4)` and `recv(length)` are not looped.
const STRUCT_SERVER: &str = "python3 tests/python/struct_server.py {port}";
const STRUCT_CLIENT: &str = "python3 tests/python/struct_client.py {port}";
/// A good lesson 05 pair: one buffer on the server, frames written three ways by the client.
const GOOD_SERVER: &str = "python3 tests/python/between/05_server.py";
const GOOD_CLIENT: &str = "python3 tests/python/between/05_client.py";

#[test]
fn the_material_s_sticky_server_reads_differently_under_another_cut() {
    if !peer_available("python3") {
        return;
    }
    let out = between(&["4", "--server", STICKY_SERVER, "--compare"]);
    assert_eq!(out.status.code(), Some(1), "{out:#?}");
    let lines = out.lines();
    assert!(
        lines[0].starts_with("what the server printed differs: under --cut whole and --cut 1"),
        "{out:#?}"
    );
    // Whole, the reads are the material's; a byte at a time, each read is one byte.
    assert!(
        lines[1].starts_with("--cut whole") && lines[1].ends_with("--cut 1"),
        "{out:#?}"
    );
    assert!(lines[2].starts_with("≠b'12345'"), "{out:#?}");
    assert!(out.stdout.contains("b'67abc'"), "{out:#?}");
    let replay = lines.last().expect("a replay line");
    assert_eq!(lines[lines.len() - 2], "replay it:", "{out:#?}");
    assert!(
        replay.ends_with("--compare --cut whole --cut 1"),
        "{out:#?}"
    );
}

#[test]
fn the_course_s_own_lesson_05_pair_holds_under_every_cut() {
    let out = between(&["5", "--compare"]);
    out.assert_success();
    assert_eq!(
        out.lines(),
        ["your framing holds under 6 cuts: server and client printed the same each time"]
    );
}

#[test]
fn a_good_python_pair_holds_and_so_does_each_half_against_the_course() {
    if !peer_available("python3") {
        return;
    }
    for sides in [
        vec!["--server", GOOD_SERVER, "--client", GOOD_CLIENT],
        vec!["--server", GOOD_SERVER],
        vec!["--client", GOOD_CLIENT],
    ] {
        let mut args = vec!["5", "--compare"];
        args.extend(&sides);
        let out = between(&args);
        out.assert_success();
        assert!(
            out.stdout.starts_with("your framing holds under 6 cuts"),
            "{out:#?}"
        );
    }
}

#[test]
fn a_server_whose_recv_is_not_looped_differs_and_the_cut_given_replays_it() {
    if !peer_available("python3") {
        return;
    }
    let sides = ["--server", STRUCT_SERVER, "--client", STRUCT_CLIENT];
    let first = between(&[&["5", "--compare"], &sides[..]].concat());
    assert_eq!(first.status.code(), Some(1), "{first:#?}");
    // Whole, the server prints the messages; cut, its recv(4) returns less than 4 bytes.
    assert!(first.stdout.contains("1234567"), "{first:#?}");
    assert!(first.stdout.contains("struct.error"), "{first:#?}");
    replays(&sides, &first);
    // `boundary` depends on the relay's reads: its replay names the offsets it cut at.
    let around = between(
        &[
            &["5"],
            &sides[..],
            &["--compare", "--cut", "whole", "--cut", "boundary"],
        ]
        .concat(),
    );
    assert_eq!(around.status.code(), Some(1), "{around:#?}");
    assert!(
        around.lines().last().unwrap().contains("--cut at:1,"),
        "{around:#?}"
    );
    replays(&sides, &around);
}

/// The last line of `first` names a cut; replayed against `whole`, the difference is there again.
fn replays(sides: &[&str], first: &Finished) {
    let replay = first.lines().last().cloned().expect("a replay line");
    let cut = replay
        .rsplit("--cut ")
        .next()
        .expect("the replay names a cut")
        .to_string();
    let again = between(
        &[
            &["5"],
            sides,
            &["--compare", "--cut", "whole", "--cut", &cut],
        ]
        .concat(),
    );
    assert_eq!(
        again.status.code(),
        Some(1),
        "replaying --cut {cut}: {again:#?}"
    );
    assert!(again.stdout.contains("struct.error"), "{again:#?}");
}

#[test]
fn the_view_draws_two_lanes_at_80_columns_in_english_and_chinese() {
    let out = between(&["5", "--cut", "1"]);
    out.assert_success();
    for line in out.stdout.lines() {
        assert!(console::measure_text_width(line) <= 80, "{line:?}");
    }
    let lines = out.lines();
    assert_eq!(
        lines[0],
        "[relay] client ⇄ relay ⇄ server, --cut 1: both ways"
    );
    // The client's writes on the right, as the relay read them; the pieces on the left, one
    // byte each; the server's lines on the left, its messages whole.
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{}sent ", " ".repeat(41)))),
        "{out:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("delivered ") && l.contains("pieces, 1+1+1+1")),
        "{out:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("[server] length 07 00 00 00 = 7")),
        "{out:#?}"
    );
    common::assert_no_control_characters(&out.stdout);

    let zh = between(&["5", "--cut", "whole", "--lang", "zh"]);
    zh.assert_success();
    assert!(
        zh.stdout
            .starts_with("[中转] 客户端 ⇄ 中转 ⇄ 服务端, --cut whole"),
        "{zh:#?}"
    );
    assert!(zh.stdout.contains("送达"), "{zh:#?}");
    // Every line that starts with a tag speaks Chinese (continuation lines may be bytes only).
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for line in zh.stdout.lines() {
        let line = line.trim_start();
        if ["[中转]", "发出", "送达", "[server]", "[client]"]
            .iter()
            .any(|t| line.starts_with(t))
        {
            assert!(line.chars().any(cjk), "{line:?}\n{}", zh.stdout);
        }
    }
}

#[test]
fn a_client_that_never_connects_is_ended_with_one_line_and_nothing_is_left_running() {
    if !peer_available("python3") {
        return;
    }
    // A client that starts a process of its own, which never connects either; a mark on that
    // one's command line, to look for it among the processes afterwards.
    let mark = format!("never-connects-{}", std::process::id());
    let client = format!(
        "python3 -c \"import subprocess, sys; subprocess.run(['python3', '-c', 'import time; time.sleep(120)', sys.argv[1]])\" {mark}"
    );
    let out = between(&["5", "--client", &client, "--compare"]);
    assert_eq!(out.status.code(), Some(2), "{out:#?}");
    let error = out.assert_one_line_error();
    assert!(
        error.contains("the client did not connect within 10 s"),
        "{error}"
    );
    assert!(!running(&mark), "the client is still running");
}

#[test]
fn a_server_that_floods_or_a_pair_that_hangs_is_ended() {
    if !peer_available("python3") {
        return;
    }
    let flood = "python3 -c \"while True: print(12345)\"";
    let out = between(&["5", "--server", flood]);
    assert_eq!(out.status.code(), Some(2), "{out:#?}");
    assert!(
        out.stdout.contains("the server printed more than 256 KiB"),
        "{out:#?}"
    );
    assert!(out.stdout.contains("more lines, not shown"), "{out:#?}");

    // Accepts, never reads, never closes: the course's client waits for its close.
    let mark = format!("hangs-{}", std::process::id());
    let hang = format!(
        "python3 -c \"import socket,os,time; s=socket.socket(); s.bind(('127.0.0.1', int(os.environ['PORT']))); s.listen(); c=s.accept(); time.sleep(120)\" {mark}"
    );
    let out = between(&["5", "--server", &hang, "--compare"]);
    assert_eq!(out.status.code(), Some(2), "{out:#?}");
    assert!(
        out.assert_one_line_error().contains("nothing moved"),
        "{out:#?}"
    );
    assert!(!running(&mark), "the server is still running");
}

#[test]
fn a_mistaken_cut_or_lesson_is_one_line() {
    for args in [["5", "--cut", "halves"], ["9", "--cut", "1"]] {
        let out = between(&args);
        assert_eq!(out.status.code(), Some(2), "{out:#?}");
        assert!(!out.stderr.contains("panicked"), "{out:#?}");
    }
    // A program that cannot be started: one line, whichever side it is.
    for side in ["--server", "--client"] {
        let out = between(&["5", side, "no-such-program-here"]);
        assert!(
            out.assert_one_line_error().contains("cannot start"),
            "{out:#?}"
        );
    }
    let out = between(&["2", "--compare"]);
    assert!(
        out.assert_one_line_error()
            .contains("give your own with --client"),
        "{out:#?}"
    );
}

/// Is a process with `mark` on its command line running? (Linux's /proc; elsewhere the test
/// cannot look, and says no.)
fn running(mark: &str) -> bool {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return false;
    };
    entries.flatten().any(|entry| {
        std::fs::read(entry.path().join("cmdline"))
            .is_ok_and(|cmdline| String::from_utf8_lossy(&cmdline).contains(mark))
    })
}

#[test]
fn the_help_is_chinese_under_lang_zh() {
    let out = between(&["--help", "--lang", "zh"]);
    out.assert_success();
    for text in [
        "让课程站到你的客户端和服务端之间",
        "这两个程序属于哪一课",
        "怎样切",
        "每种切法运行一次",
    ] {
        assert!(out.stdout.contains(text), "{text}: {out:#?}");
    }
}
