//! The classroom runner (`cargo run`): every stage of the material in order, one lesson's
//! stages, the table, both languages.
//!
//! Lessons 03 and 04 belong to their own tests: here, a stage is checked against its lesson's
//! own program (the same lines), never against the lesson's words.

mod common;

use common::{Finished, hide_ports, run};
use socket_lessons::tools::lessons::LESSONS;

/// Every stage of the one list of lessons (`src/tools/lessons.rs`), in the course's order: its
/// lesson's number, its name (program and subcommand) and the material's section title it plays.
fn all_stages() -> Vec<(usize, String, &'static str)> {
    let name = |binary: &str, args: &str| match args.split(' ').next() {
        Some(part) if !part.is_empty() => format!("{binary} {part}"),
        _ => binary.to_string(),
    };
    LESSONS
        .iter()
        .flat_map(|l| {
            l.stages
                .iter()
                .map(|s| (l.number, name(l.binary, s.args), s.section))
        })
        .collect()
}

/// The material's section titles, in its order (`/work/shared/material`): each is some
/// stage's title.
const SECTIONS: &[&str] = &[
    "socket套接字简介",
    "通信循环",
    "代码优化及链接循环",
    "半连接池",
    "黏包问题",
    "解决黏包问题",
    "最终方案",
];

/// The runner's output cut at its headings: each heading with the lines under it, the heading's
/// idea and watch lines included, the blank line between two stages left out.
fn stages(finished: &Finished) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in finished.stdout.lines() {
        if line.starts_with("== ") {
            out.push((line.to_string(), Vec::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push(hide_ports(line));
        }
    }
    for (_, body) in &mut out {
        if body.last().is_some_and(String::is_empty) {
            body.pop();
        }
    }
    out
}

/// What a stage's demo printed: its lines without the idea and watch lines under the heading.
fn demo_lines(body: &[String]) -> Vec<String> {
    body[2..].to_vec()
}

fn heading(name: &str, section: &str) -> String {
    format!("== {name} · {section} ==")
}

/// Is there a Chinese character in `text`?
fn has_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn cargo_run_plays_every_stage_in_order_with_its_tables() {
    // How long the walk takes is measured by `benches/demo-order.sh`, not asserted here.
    // `--pause` with stdin not a terminal: nobody is there to press Enter, so it must not wait.
    let all = run(bin!("socket-lessons", "--pause"), "");
    all.assert_success();
    let played = stages(&all);
    let headings: Vec<&str> = played.iter().map(|(h, _)| h.as_str()).collect();
    let expected: Vec<String> = all_stages().iter().map(|(_, n, s)| heading(n, s)).collect();
    assert_eq!(headings, expected);
    for (heading, body) in &played {
        assert!(body.len() > 2, "{heading} played nothing: {body:#?}");
        assert!(body[1].starts_with("   watch for: "), "{body:#?}");
    }

    // The tables are the lessons' own: the same lines as the lesson's program prints for them.
    for (stage, command) in [
        (2, bin!("02_comm_loop", "longline")),
        (4, bin!("03_conn_loop", "reuseaddr")),
        (
            5,
            bin!(
                "03_conn_loop",
                "backlog",
                "--backlog",
                "5",
                "--clients",
                "8"
            ),
        ),
        (7, bin!("05_struct_pack")),
        (8, bin!("05_struct_pack", "compare")),
    ] {
        let alone = run(command, "");
        alone.assert_success();
        let (heading, body) = &played[stage];
        assert!(!alone.lines().is_empty());
        assert_eq!(demo_lines(body), alone.lines(), "{heading}");
    }
}

#[test]
fn one_lesson_by_its_number_plays_all_its_stages() {
    let three = run(bin!("socket-lessons", "3"), "");
    three.assert_success();
    let headings: Vec<String> = stages(&three).into_iter().map(|(h, _)| h).collect();
    assert_eq!(
        headings,
        [
            heading("03_conn_loop", "代码优化及链接循环"),
            heading("03_conn_loop reuseaddr", "代码优化及链接循环"),
            heading("03_conn_loop backlog", "半连接池"),
        ]
    );

    // `05` as well as `5`; the demo, then the compare view, as the lesson prints them, then
    // `between` with the lesson's pair.
    let five = run(bin!("socket-lessons", "05"), "");
    five.assert_success();
    let played = stages(&five);
    assert_eq!(played.len(), 3);
    assert_eq!(
        demo_lines(&played[0].1),
        run(bin!("05_struct_pack"), "").lines()
    );
    let compare = run(bin!("05_struct_pack", "compare"), "");
    assert_eq!(demo_lines(&played[1].1), compare.lines());
    let between = run(bin!("socket-lessons", "between", "5", "--compare"), "");
    assert_eq!(demo_lines(&played[2].1), between.lines());
}

#[test]
fn several_lessons_or_a_range_play_their_stages_in_order() {
    let names = |finished: &Finished| -> Vec<String> {
        stages(finished).into_iter().map(|(h, _)| h).collect()
    };
    let four_five = run(bin!("socket-lessons", "4", "5"), "");
    four_five.assert_success();
    let expected: Vec<String> = all_stages()
        .iter()
        .filter(|(number, _, _)| [4, 5].contains(number))
        .map(|(_, n, s)| heading(n, s))
        .collect();
    assert_eq!(names(&four_five), expected);
    // The order is the course's, whatever order they are given in.
    let five_four = run(bin!("socket-lessons", "5", "4"), "");
    assert_eq!(names(&five_four), expected);
    let range = run(bin!("socket-lessons", "4-5"), "");
    range.assert_success();
    assert_eq!(names(&range), expected);
}

#[test]
fn lanes_pass_through_and_a_pipe_gets_plain_lines() {
    // --lanes only lays out lines on a terminal; into a pipe, the output is the same.
    let plain = run(bin!("socket-lessons", "5"), "");
    let lanes = run(bin!("socket-lessons", "--lanes", "5"), "");
    lanes.assert_success();
    assert_eq!(hide_ports(&lanes.stdout), hide_ports(&plain.stdout));
}

/// The entries of `list`: each starts with a line `NN  NAME  SECTION`, unindented.
fn entries(list: &Finished) -> Vec<(String, Vec<String>)> {
    let mut out: Vec<(String, Vec<String>)> = Vec::new();
    for line in list.stdout.lines() {
        if line.starts_with(|c: char| c.is_ascii_digit()) {
            out.push((line.to_string(), Vec::new()));
        } else if let Some((_, rest)) = out.last_mut().filter(|_| line.starts_with("    ")) {
            rest.push(line.to_string());
        }
    }
    out
}

#[test]
fn list_names_each_stage_its_lesson_and_its_material_section() {
    let list = run(bin!("socket-lessons", "list"), "");
    list.assert_success();
    let entries = entries(&list);
    let stages = all_stages();
    assert_eq!(entries.len(), stages.len(), "{}", list.stdout);
    for ((first, rest), (number, name, section)) in entries.iter().zip(stages) {
        let words: Vec<&str> = first.split_whitespace().collect();
        // The lesson's number, then its program (and subcommand), then the material's title.
        assert_eq!(words[0], format!("{number:02}"), "{first}");
        assert_eq!(words[1..words.len() - 1].join(" "), name, "{first}");
        assert_eq!(words[words.len() - 1], section, "{first}");
        assert!(rest[1].starts_with("    watch for: "), "{rest:#?}");
        // A lesson's program, or the runner's own `between`.
        assert!(rest[2].contains("cargo run --"), "{rest:#?}");
    }
    // Every section of the material has its stage.
    for section in SECTIONS.iter().copied() {
        assert!(
            entries.iter().any(|(first, _)| first.ends_with(section)),
            "{section}"
        );
    }
}

#[test]
fn in_chinese_the_list_and_the_headings_speak_chinese() {
    let list = run(bin!("socket-lessons", "--lang", "zh", "list"), "");
    list.assert_success();
    let entries = entries(&list);
    assert_eq!(entries.len(), all_stages().len());
    for (first, rest) in &entries {
        // The idea, what to watch for, and how to run it alone: each in Chinese.
        assert!(rest.iter().all(|line| has_cjk(line)), "{first}: {rest:#?}");
    }
    assert!(!list.stdout.contains("watch for"));
    assert!(list.stdout.lines().last().is_some_and(has_cjk));

    let five = run(bin!("socket-lessons", "--lang", "zh", "5"), "");
    five.assert_success();
    for (heading, body) in stages(&five) {
        assert!(
            has_cjk(&body[0]) && has_cjk(&body[1]),
            "{heading}: {body:#?}"
        );
    }
}

#[test]
fn a_lesson_that_does_not_exist_is_refused_in_one_line() {
    // One past the last lesson of the list, and a range that runs past it.
    let last = socket_lessons::tools::lessons::Lesson::last();
    let (past, range) = ((last + 1).to_string(), format!("2-{}", last + 2));
    for choice in [past.as_str(), "0", "seven", "5-3", range.as_str(), "-"] {
        let refused = run(bin!("socket-lessons", choice), "");
        let error = refused.assert_one_line_error();
        assert!(
            error.contains(&format!(
                "give lesson numbers from 1 to {last} (3, 3 5, 3-5), or `list`"
            )),
            "{error}"
        );
    }
    let zh = run(bin!("socket-lessons", "--lang", "zh", &past), "");
    assert!(!zh.status.success());
    assert!(zh.stderr.starts_with("错误: 没有这一课"), "{}", zh.stderr);
}

#[test]
fn a_tool_named_after_the_runner_s_options_is_told_to_come_first() {
    // `cargo run -- --lang zh check 6 client`: the runner's options first, then the tool.
    for tool in ["check", "between", "class"] {
        let refused = run(bin!("socket-lessons", "--lang", "en", tool, "1"), "");
        let error = refused.assert_one_line_error();
        assert!(
            error.contains(&format!(
                "`{tool}` comes first, its options after it: cargo run -- {tool} ... --lang zh"
            )),
            "{error}"
        );
    }
    let zh = run(bin!("socket-lessons", "--lang", "zh", "check"), "");
    assert!(!zh.status.success());
    assert!(
        zh.stderr.starts_with("错误: `check` 必须放在最前面"),
        "{}",
        zh.stderr
    );
}

#[test]
fn a_reader_that_goes_away_ends_the_program_quietly() {
    use std::process::Stdio;
    // `cargo run | head -1`: the reader closes the pipe after one line. The next write fails
    // with a broken pipe, and the program ends as every Unix tool does: status 0, not a word.
    for mut command in [bin!("socket-lessons"), bin!("03_conn_loop", "backlog")] {
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the program starts");
        drop(child.stdout.take());
        let finished = common::wait_with_stderr(child);
        assert!(finished.status.success(), "{finished:#?}");
        assert_eq!(finished.stderr, "", "{finished:#?}");
    }
}

/// The scripts and benches go through the lessons with `.ci/lessons.sh`, which reads this same
/// list's source: it must name the same programs, and with `--checks` those `check` has checks for.
#[cfg(unix)]
#[test]
fn the_scripts_read_the_same_list() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/.ci/lessons.sh");
    for (flag, only_checked) in [("", false), ("--checks", true)] {
        let mut command = std::process::Command::new("bash");
        command.arg(script).args((!flag.is_empty()).then_some(flag));
        let listed = run(command, "");
        listed.assert_success();
        let expected: Vec<&str> = LESSONS
            .iter()
            .filter(|lesson| !only_checked || lesson.checks)
            .map(|lesson| lesson.binary)
            .collect();
        assert_eq!(
            listed.stdout.lines().collect::<Vec<_>>(),
            expected,
            "{flag}"
        );
    }
}
