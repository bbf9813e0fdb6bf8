//! `socket-lessons class`, run as a teacher would, off a terminal (one line a result): several
//! students sending at once, a hostile classroom, the CSV whole and read back after a kill.
//! Each class listens on a port the OS picks, learned from its `listening on` line.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::thread;

use common::{Live, RefusedPort, run};
use serde_json::json;
use socket_lessons::tools::class::wire::{self, known, parts, send_result};

/// A report as `check --json` prints it, for lesson 5's server, `passed` of its checks passed.
fn report(passed: usize) -> String {
    let checks: Vec<_> = known()
        .into_iter()
        .filter(|k| parts(&k.id).is_some_and(|(lesson, role, _)| (lesson, role) == (5, "server")))
        .enumerate()
        .map(|(i, k)| {
            let pass = i < passed;
            json!({
                "id": k.id,
                "verdict": if pass { "PASS" } else { "FAIL" },
                "did": "…",
                "expected": if pass { None } else { Some("b'abcde'") },
                "got": if pass { None } else { Some("b'ab'") },
                "output": [],
            })
        })
        .collect();
    json!({"lesson": 5, "role": "server", "checks": checks}).to_string()
}

/// The class on a port the OS picks, keeping its results in `csv`.
fn class(csv: &Path) -> Live {
    let mut command = bin!("socket-lessons", "class", "--port", "0", "--csv");
    command.arg(csv);
    Live::server(command)
}

fn to(class: &Live) -> String {
    format!("127.0.0.1:{}", class.port())
}

fn csv_rows(csv: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(csv).expect("the CSV reads");
    text.lines().skip(1).map(String::from).collect()
}

#[test]
fn several_students_sending_at_once_all_land_in_the_csv() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("class.csv");
    let mut class = class(&csv);
    let addr = to(&class);
    let senders: Vec<_> = (1..=12)
        .map(|s| {
            let addr = addr.clone();
            thread::spawn(move || send_result(&addr, &format!("s{s:02}"), &report(s % 4)))
        })
        .collect();
    for (s, sender) in (1..=12).zip(senders) {
        let line = sender.join().unwrap().expect("sent");
        assert!(
            line.starts_with(&format!(
                "sent to the class at {addr}: s{s:02} lesson 5 server: "
            )),
            "{line}"
        );
    }
    let checks = report(0).matches("\"id\"").count();
    // One line a result, in the order they arrived.
    let mut lines: Vec<String> = (1..=12)
        .map(|_| class.expect_line(" lesson 5 server: "))
        .collect();
    lines.sort();
    for (s, line) in (1..=12).zip(lines) {
        let expected = format!(
            "s{s:02} lesson 5 server: {} of {checks} passed (from 127.0.0.1)",
            s % 4
        );
        assert_eq!(line, expected);
    }
    // The CSV is written before the student hears "sent".
    assert_eq!(csv_rows(&csv).len(), 12 * checks);
    // A later result for the same student replaces the earlier one, row for row.
    send_result(&addr, "s01", &report(checks)).expect("sent again");
    class.expect_line(&format!("s01 lesson 5 server: {checks} of {checks} passed"));
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), 12 * checks);
    let s01: Vec<_> = rows.iter().filter(|r| r.contains(",s01,")).collect();
    assert!(s01.iter().all(|r| r.contains(",PASS,")), "{s01:#?}");
}

#[test]
fn a_hostile_classroom_leaves_the_class_running_and_the_csv_clean() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("class.csv");
    let mut class = class(&csv);
    let port = class.addr;
    let frame = |body: &[u8]| [&(body.len() as i32).to_le_bytes()[..], body].concat();
    // Each of these gets its one line and its answer; none stops the class.
    let name = "\u{1b}[2J".repeat(2500);
    let unknown = report(1).replacen("05.server.", "05.server.no-such-", 1);
    let with_name = |report: &str, name: &str| {
        let mut value: serde_json::Value = serde_json::from_str(report).unwrap();
        value["name"] = name.into();
        value.to_string()
    };
    let hostile: [(&str, Vec<u8>); 5] = [
        ("junk", b"junk and more junk\r\n\x1b[2J".to_vec()),
        ("2^31-1", b"\xff\xff\xff\x7f".to_vec()),
        ("negative", b"\xff\xff\xff\xff".to_vec()),
        (
            "10 KB name with ESC",
            frame(with_name(&report(1), &name).as_bytes()),
        ),
        (
            "unknown check",
            frame(with_name(&unknown, "s01").as_bytes()),
        ),
    ];
    for (what, bytes) in hostile {
        let mut sock = TcpStream::connect(port).unwrap();
        sock.write_all(&bytes).unwrap();
        let line = class.expect_line("refused 127.0.0.1:");
        assert!(line.len() < 400, "{what}: {line}");
        // The answer, one frame: {"ok":false,...}.
        let mut answer = Vec::new();
        let _ = sock.read_to_end(&mut answer);
        assert!(
            String::from_utf8_lossy(&answer).contains("\"ok\":false"),
            "{what}: {answer:?}"
        );
    }
    // 300 connections that say nothing: the oldest are dropped to make room.
    let idle: Vec<TcpStream> = (0..300)
        .map(|_| TcpStream::connect(port).unwrap())
        .collect();
    class.expect_line("dropped 127.0.0.1:");
    // A real result still lands, while the idle ones are still open.
    let line = send_result(&to(&class), "s02", &report(3)).expect("a real result is sent");
    assert!(line.contains("s02 lesson 5 server: 3 of"), "{line}");
    class.expect_line("s02 lesson 5 server: 3 of");
    drop(idle);
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.lines().all(|l| !l.contains(char::is_control)),
        "{text:?}"
    );
    assert!(!text.contains("no-such") && !text.contains("s01"), "{text}");
    common::assert_no_control_characters(&class.seen().join("\n"));
}

#[test]
fn a_killed_class_started_again_on_its_csv_has_every_result() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("class.csv");
    let first = class(&csv);
    send_result(&to(&first), "s01", &report(2)).expect("sent");
    send_result(&to(&first), "王小明", &report(5)).expect("sent");
    let before = std::fs::read_to_string(&csv).unwrap();
    // Killed, not asked to end: what is on disk is all there is.
    drop(first);
    let mut again = class(&csv);
    let checks = report(0).matches("\"id\"").count();
    again.expect_line(&format!("{} results of 2 students read back", 2 * checks));
    send_result(&to(&again), "s03", &report(1)).expect("sent");
    again.expect_line("s03 lesson 5 server: 1 of");
    let after = std::fs::read_to_string(&csv).unwrap();
    for row in before.lines() {
        assert!(after.lines().any(|r| r == row), "{row} lost:\n{after}");
    }
    assert_eq!(csv_rows(&csv).len(), 3 * checks);
}

#[test]
fn a_file_that_is_not_a_class_csv_is_not_touched() {
    let folder = tempfile::tempdir().unwrap();
    let essay = folder.path().join("essay.txt");
    std::fs::write(&essay, "My essay, due tomorrow.\n").unwrap();
    let mut command = bin!("socket-lessons", "class", "--port", "0", "--csv");
    command.arg(&essay);
    let error = run(command, "").assert_one_line_error();
    assert!(error.contains("not a class's CSV"), "{error}");
    assert_eq!(
        std::fs::read_to_string(&essay).unwrap(),
        "My essay, due tomorrow.\n"
    );
}

#[test]
fn a_csv_that_cannot_be_written_is_said_at_the_start() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("no-such-folder").join("class.csv");
    let mut command = bin!("socket-lessons", "class", "--port", "0", "--csv");
    command.arg(&csv);
    let error = run(command, "").assert_one_line_error();
    assert!(error.starts_with("error: cannot write "), "{error}");
}

#[test]
fn the_student_hears_why_not_sent() {
    let refused = RefusedPort::new();
    let why = send_result(&format!("127.0.0.1:{}", refused.port), "s01", &report(1)).unwrap_err();
    assert!(
        why.contains("no class there (the connection was refused)"),
        "{why}"
    );
    let bad_name = send_result("127.0.0.1:1", "s\u{7}01", &report(1)).unwrap_err();
    assert!(bad_name.starts_with(r"the name 's\x0701'"), "{bad_name}");
    assert!(wire::class_addr("no such host!").is_err());
}

#[test]
fn the_class_speaks_chinese() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("class.csv");
    let mut command = bin!(
        "socket-lessons",
        "class",
        "--port",
        "0",
        "--lang",
        "zh",
        "--csv"
    );
    command.arg(&csv);
    let mut class = Live::server(command);
    send_result(&to(&class), "s01", &report(2)).expect("sent");
    let line = class.expect_line("s01 第 5 课 服务端: ");
    assert!(line.contains("项中 2 项通过 (来自 127.0.0.1)"), "{line}");
}

#[test]
fn a_real_check_sends_its_result_and_says_so() {
    let folder = tempfile::tempdir().unwrap();
    let csv = folder.path().join("class.csv");
    let mut class = class(&csv);
    let mut check = bin!(
        "socket-lessons",
        "check",
        "5",
        "server",
        "--port",
        "0",
        "--send"
    );
    check.args([&to(&class), "--name", "s01", "--"]);
    check.args([
        env!("CARGO_BIN_EXE_05_struct_pack"),
        "server",
        "--port",
        "{port}",
    ]);
    let finished = run(check, "");
    let last = finished
        .stdout
        .lines()
        .last()
        .unwrap_or_default()
        .to_string();
    let prefix = format!("sent to the class at {}: ", to(&class));
    let summary = last
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{finished:#?}"));
    assert!(summary.starts_with("s01 lesson 5 server: "), "{summary}");
    // The teacher's line says what the student's says.
    let line = class.expect_line("s01 lesson 5 server: ");
    assert_eq!(line, format!("{summary} (from 127.0.0.1)"));
    assert!(
        csv_rows(&csv)
            .iter()
            .all(|row| row.contains(",s01,127.0.0.1,5,server,05.server."))
    );
    // Nobody there: the checks still run and report, and one line says why nothing was sent.
    let refused = RefusedPort::new();
    let mut check = bin!(
        "socket-lessons",
        "check",
        "5",
        "server",
        "--port",
        "0",
        "--json"
    );
    check.args([
        "--send",
        &format!("127.0.0.1:{}", refused.port),
        "--name",
        "s01",
        "--",
    ]);
    check.args([
        env!("CARGO_BIN_EXE_05_struct_pack"),
        "server",
        "--port",
        "{port}",
    ]);
    let finished = run(check, "");
    assert!(
        serde_json::from_str::<serde_json::Value>(&finished.stdout).is_ok(),
        "{finished:#?}"
    );
    assert!(
        finished.stderr.contains("not sent to 127.0.0.1:"),
        "{finished:#?}"
    );
    assert!(finished.stderr.contains("no class there"), "{finished:#?}");
}
