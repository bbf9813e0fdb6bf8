//! The classroom runner (`cargo run`): every lesson's demo in order, one lesson, the table.

mod common;

use common::run;

const LESSONS: [&str; 6] = [
    "01_basic",
    "02_comm_loop",
    "03_conn_loop",
    "04_sticky_demo",
    "05_struct_pack",
    "06_final_file",
];

fn headings(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter(|line| line.starts_with("== "))
        .map(|line| line.split(':').next().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn cargo_run_plays_the_six_demos_in_order() {
    // How long the walk takes is measured by `benches/demo-order.sh`, not asserted here.
    // `--pause` with stdin not a terminal: nobody is there to press Enter, so it must not wait.
    let all = run(bin!("socket-lessons", "--pause"), "");
    all.assert_success();
    let expected: Vec<String> = LESSONS.iter().map(|name| format!("== {name}")).collect();
    assert_eq!(headings(&all.stdout), expected);
    assert!(
        all.stdout
            .contains("[server] read(5) returned 5 bytes: b'67abc'")
    );
    assert!(
        all.stdout
            .contains("the saved copy is identical to the source")
    );
}

#[test]
fn one_lesson_by_its_number() {
    let four = run(bin!("socket-lessons", "4"), "");
    four.assert_success();
    assert_eq!(headings(&four.stdout), ["== 04_sticky_demo"]);
    // The same lines as the lesson's own program: the runner calls the lesson's `demo`.
    let alone = run(bin!("04_sticky_demo"), "");
    let body: Vec<String> = four.lines().into_iter().skip(2).collect();
    assert_eq!(body, alone.lines());
}

#[test]
fn list_prints_the_table() {
    let list = run(bin!("socket-lessons", "list"), "");
    list.assert_success();
    for name in LESSONS {
        assert!(
            list.stdout.contains(name),
            "{name} missing from {}",
            list.stdout
        );
    }
    assert_eq!(list.stdout.matches("watch for:").count(), LESSONS.len());
}

#[test]
fn a_lesson_that_does_not_exist_is_refused() {
    let seven = run(bin!("socket-lessons", "7"), "");
    assert!(!seven.status.success());
    assert!(
        seven
            .stderr
            .contains("expected a lesson number from 1 to 6 or `list`"),
        "{}",
        seven.stderr
    );
}
