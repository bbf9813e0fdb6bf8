//! The same demos on every OS: each lesson's demo and the classroom runner, in English and in
//! Chinese, must print here what they print on Linux, digits masked (ports, timings and counts
//! change from run to run).
//!
//! The Linux lines come from a folder of files `NAME.LANG.txt` that `.ci/wine.sh` writes with the
//! Linux build before it runs this test on Windows (under Wine), and names in
//! `SOCKET_LESSONS_LINUX_DEMOS`. Without it there is nothing to compare with, and this test says
//! so on stderr and passes.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::path::Path;
use std::process::Stdio;

/// Every program a student runs with no arguments, by its Cargo name: the lessons of the one
/// list (`src/tools/lessons.rs`) whose demo prints the same lines on every run, digits aside, and
/// the runner. Lesson 07's demo races threads: its lines are its own.
fn programs() -> impl Iterator<Item = &'static str> {
    let lessons = socket_lessons::tools::lessons::LESSONS
        .iter()
        .map(|l| l.binary);
    lessons
        .filter(|binary| *binary != "07_many_clients")
        .chain(["socket-lessons"])
}

#[test]
fn every_demo_prints_what_it_prints_on_linux() {
    let Some(linux) = std::env::var_os("SOCKET_LESSONS_LINUX_DEMOS") else {
        // Past the harness's capture (an eprintln! would show only on failure): a skip is said.
        let why = "    skipped: no Linux demo lines to compare with (SOCKET_LESSONS_LINUX_DEMOS unset, set by .ci/wine.sh)\n";
        let _ = std::io::Write::write_all(&mut std::io::stderr(), why.as_bytes());
        return;
    };
    let (mut runs, mut differ) = (0, Vec::new());
    for name in programs() {
        for lang in ["en", "zh"] {
            let file = Path::new(&linux).join(format!("{name}.{lang}.txt"));
            let expected = std::fs::read(&file).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            let output = common::program(name)
                .args(["--lang", lang])
                .stdin(Stdio::null())
                .output()
                .expect("the demo runs");
            assert!(output.status.success(), "{name} --lang {lang}: {output:?}");
            let here = [output.stdout, output.stderr].concat();
            runs += 1;
            if same(
                &String::from_utf8_lossy(&expected),
                &String::from_utf8_lossy(&here),
            ) {
                continue;
            }
            differ.push(format!(
                "{name} --lang {lang}:\n--- Linux\n{}\n--- here\n{}",
                shown(&String::from_utf8_lossy(&expected)).join("\n"),
                shown(&String::from_utf8_lossy(&here)).join("\n")
            ));
        }
    }
    eprintln!(
        "{} of {runs} demo runs print the same lines as on Linux (digits masked)",
        runs - differ.len()
    );
    assert!(differ.is_empty(), "{}", differ.join("\n\n"));
}

/// Do the two outputs say the same, line for line, once masked?
fn same(linux: &str, here: &str) -> bool {
    let (linux, here) = (shown(linux), shown(here));
    linux.len() == here.len()
        && linux.iter().zip(&here).all(|(linux, here)| {
            linux == here
                || (wine::reset_may_read_as_eof() && left_cleanly(here) && left_with_reset(linux))
        })
}

/// Lesson 03's server on a client that left with a reset (on Linux), and with a clean close.
fn left_with_reset(line: &str) -> bool {
    line.contains(" left: the client reset the connection")
        || line.contains(" 离开了: 客户端重置了连接")
}
fn left_cleanly(line: &str) -> bool {
    line.contains(" left: read N bytes (the client closed") || line.contains(" 离开了: 读到 N 字节")
}

/// The lines as they are compared: no `\r`, every run of digits `N`, and where an OS fills in its
/// own answer on purpose, the answer cut off.
fn shown(output: &str) -> Vec<String> {
    output
        .lines()
        .map(|line| masked(&timing_cut(line.trim_end_matches('\r'))))
        .filter(|line| !line.starts_with("[note]   Windows: "))
        .map(|line| own_answer_cut(&line))
        .collect()
}

/// A transfer's time changes from run to run, and so does its wording: a transfer too short to
/// time has no rate ("in under 0.01 s"). The line is cut after "bytes in".
fn timing_cut(line: &str) -> String {
    for marker in [" bytes in ", "字节, 用时"] {
        if let Some(at) = line.find(marker) {
            return line[..at + marker.len()].to_string();
        }
    }
    line.to_string()
}

/// Every run of ASCII digits as `N`.
fn masked(line: &str) -> String {
    let (mut out, mut in_digits) = (String::with_capacity(line.len()), false);
    for c in line.chars() {
        if !c.is_ascii_digit() {
            out.push(c);
        } else if !in_digits {
            out.push('N');
        }
        in_digits = c.is_ascii_digit();
    }
    out
}

/// The lines each OS answers in its own way, which lesson 03 and lesson 04 explain, cut before
/// the answer: lesson 04's segment counts (Windows counts only for an administrator) and lesson
/// 03's `reuseaddr` table (Windows rebinds over TIME_WAIT without SO_REUSEADDR). Windows adds a
/// `[note]   Windows: ...` line to that table, left out above.
fn own_answer_cut(line: &str) -> String {
    for marker in ["TCP segments", "TCP 报文段"] {
        if let Some(at) = line.find(marker)
            && let Some(colon) = line[at..].find(": ")
        {
            return line[..at + colon].to_string();
        }
    }
    if line.contains("SO_REUSEADDR")
        && let Some(bar) = line.rfind(" | ")
    {
        return line[..bar].to_string();
    }
    line.to_string()
}
