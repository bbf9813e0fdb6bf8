//! Every transcript in `lessons/*.md` and `lessons/zh/*.md` (a ```` ```console ```` block:
//! `$ command`, then what it prints, stdout and stderr as one stream, and `? failed` where it
//! must fail) is run against the real programs and must match, so the text cannot drift from the
//! code. `[..]` in a line stands for what changes from run to run: ports, timings.
//!
//! The pages show bytes as the programs print them, `b'\x0f\x00\x00\x00'` included: the text is
//! compared as it is, with no rewriting of backslashes (a general tool would read them as
//! Windows paths and turn them into `/`).
//!
//! The English pages run in English whatever the machine's locale (`LC_ALL=C`); the Chinese
//! pages ask for Chinese on their command lines (`--lang zh`), as a reader would.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

/// One `$ command` of a page, with what it must print and whether it must fail.
struct Transcript {
    /// `lessons/01_basic.md:27`, for the failure message.
    place: String,
    /// The program and its arguments.
    words: Vec<String>,
    expected: Vec<String>,
    fails: bool,
}

/// Every transcript of the page at `path`.
fn transcripts(path: &Path) -> Vec<Transcript> {
    let text = std::fs::read_to_string(path).expect("the page reads");
    let mut found: Vec<Transcript> = Vec::new();
    let mut in_block = false;
    for (number, line) in (1..).zip(text.lines()) {
        if !in_block {
            in_block = line.trim_end() == "```console";
            continue;
        }
        if line.starts_with("```") {
            in_block = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            found.push(Transcript {
                place: format!("{}:{number}", path.display()),
                words: split(command),
                expected: Vec::new(),
                fails: false,
            });
        } else if let Some(transcript) = found.last_mut() {
            if line == "? failed" {
                transcript.fails = true;
            } else {
                transcript.expected.push(line.to_string());
            }
        }
    }
    for transcript in &mut found {
        while transcript.expected.last().is_some_and(String::is_empty) {
            transcript.expected.pop();
        }
    }
    found
}

/// A command line split as a shell would: words, and "quoted words" kept whole.
fn split(command: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let (mut quoted, mut started) = (false, false);
    for c in command.chars() {
        match c {
            '"' => (quoted, started) = (!quoted, true),
            ' ' if !quoted => {
                if started {
                    words.push(std::mem::take(&mut word));
                }
                started = false;
            }
            _ => (started, word) = (true, word + c.encode_utf8(&mut [0; 4])),
        }
    }
    if started {
        words.push(word);
    }
    words
}

/// Does `line` match `pattern`, where each `[..]` in the pattern stands for any text?
fn matches(pattern: &str, line: &str) -> bool {
    let mut parts = pattern.split("[..]");
    let first = parts.next().unwrap_or_default();
    let Some(mut rest) = line.strip_prefix(first) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if i == parts.len() - 1 {
            return rest.ends_with(part);
        }
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Where Cargo put the lesson programs: beside the one it built for this test.
fn programs() -> PathBuf {
    Path::new(env!("CARGO_BIN_EXE_01_basic"))
        .parent()
        .expect("a folder")
        .to_path_buf()
}

/// Run `words`, stdout and stderr into one pipe, as a terminal shows them; its text and status.
fn run(words: &[String]) -> (String, bool) {
    let program = programs().join(format!("{}{}", words[0], std::env::consts::EXE_SUFFIX));
    let (mut reader, writer) = std::io::pipe().expect("a pipe");
    let mut child = Command::new(&program)
        .args(&words[1..])
        .env("LC_ALL", "C")
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(writer.try_clone().expect("the pipe again"))
        .stderr(writer)
        .spawn()
        .unwrap_or_else(|e| panic!("{}: {e}", program.display()));
    let (send, text) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = reader.read_to_end(&mut bytes);
        let _ = send.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    let Ok(text) = text.recv_timeout(common::DEADLINE) else {
        let _ = child.kill();
        panic!("{words:?} did not end within {:?}", common::DEADLINE);
    };
    let status = child.wait().expect("the program ends");
    (text, status.success())
}

#[test]
fn the_lessons_transcripts_match_the_programs() {
    let mut pages: Vec<PathBuf> = ["lessons", "lessons/zh"]
        .iter()
        .flat_map(|folder| std::fs::read_dir(folder).expect("the pages' folder"))
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "md"))
        .collect();
    // The transcripts are Linux's. Lesson 03's pages show Linux's `backlog` and `reuseaddr`
    // tables, which macOS and Windows fill in otherwise (the pages say so): there those two
    // pages are skipped, and `tests/lesson03.rs` checks each system's own tables.
    if cfg!(not(target_os = "linux")) {
        pages.retain(|page| !page.ends_with("03_conn_loop.md"));
    }
    pages.sort();
    // The pages that run the material's Python programs (`between` on pages 04 and 05) need
    // python3; a Windows build under Wine does not find Linux's, and says so once.
    let python = common::peer_available("python3");
    let mut failures = Vec::new();
    let mut count = 0;
    for transcript in pages.iter().flat_map(|page| transcripts(page)) {
        count += 1;
        if !python && transcript.words.iter().any(|word| word.contains("python3")) {
            continue;
        }
        let (text, succeeded) = run(&transcript.words);
        let lines: Vec<&str> = text.trim_end_matches('\n').lines().collect();
        let same = lines.len() == transcript.expected.len()
            && lines
                .iter()
                .zip(&transcript.expected)
                .all(|(line, pattern)| matches(pattern, line));
        if !same || succeeded == transcript.fails {
            failures.push(format!(
                "{} `$ {}` ({}):\n--- the page\n{}\n+++ the program\n{text}",
                transcript.place,
                transcript.words.join(" "),
                if succeeded { "succeeded" } else { "failed" },
                transcript.expected.join("\n"),
            ));
        }
    }
    assert!(count >= 30, "only {count} transcripts found");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_pattern_matches_what_varies_and_nothing_else() {
    assert!(matches(
        "listening on 127.0.0.1:[..]",
        "listening on 127.0.0.1:8080"
    ));
    assert!(matches("a [..] c [..]", "a b c d"));
    assert!(!matches(
        "listening on 127.0.0.1:[..]",
        "listening on 0.0.0.0:8080"
    ));
    assert!(!matches(r"b'\x0f'", "b'/x0f'"));
    assert!(!matches("exactly", "exactly this"));
    assert_eq!(
        split(r#"client --message "你好 server" --port 1"#),
        ["client", "--message", "你好 server", "--port", "1"]
    );
}
