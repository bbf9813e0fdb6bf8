//! `cargo run -- check`: the course's own lesson programs pass every check of their stage and
//! role; correct Python programs for each exercise pass; the material's programs are judged as
//! the material is; and for each check, a small wrong program fails that check.
//!
//! Every run is `check L ROLE --port 0 --json -- COMMAND`: the checker listens on a port the OS
//! picks (for a client) or learns the port a server printed (`listening on 127.0.0.1:PORT`),
//! so the tests can run in parallel. The checker's own waits have deadlines; the test adds one
//! more around the whole run, only so that a hang fails instead of blocking.

mod check_run;
mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use check_run::{Run, check_with, checker, ids, judged};
use serde_json::Value;
use socket_lessons::tools::check::Side;
use socket_lessons::tools::lessons::{LESSONS, Lesson};

/// Run `check lesson role --port 0 --json -- program...` to the end.
fn check(lesson: u8, role: &str, program: &[String]) -> Run {
    check_on(0, lesson, role, program)
}

/// Run `check lesson role --port PORT --json -- program...` to the end.
fn check_on(port: u16, lesson: u8, role: &str, program: &[String]) -> Run {
    check_with(&[], port, lesson, role, program)
}

/// `bin role --port {port}` and `extra`, for a lesson program Cargo built.
fn lesson(bin: &str, role: &str, extra: &[&str]) -> Vec<String> {
    let mut args = vec![
        bin.to_string(),
        role.to_string(),
        "--port".into(),
        "{port}".into(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    args
}

fn python_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python")
}

fn python(file: &Path) -> Vec<String> {
    vec!["python3".into(), file.display().to_string()]
}

/// The material's program `name`, run through `run.py` (which gives it the port).
fn material(name: &str) -> Vec<String> {
    let dir = python_dir().join("material");
    let mut args = python(&dir.join("run.py"));
    args.push(dir.join(name).display().to_string());
    args
}

#[test]
fn every_check_has_a_stable_id_and_every_stage_and_role_has_checks() {
    let checks = socket_lessons::tools::check::all();
    let mut seen = BTreeSet::new();
    for check in &checks {
        let id = check.id();
        assert!(seen.insert(id.clone()), "{id} twice");
        assert_eq!(
            id,
            format!("{:02}.{}.{}", check.lesson, check.side.word(), check.name)
        );
        let lesson = usize::from(check.lesson);
        assert!((1..=Lesson::last()).contains(&lesson), "{id}");
        assert!(!check.name.contains('.') && !check.name.is_empty(), "{id}");
        assert!(!check.does[0].is_empty() && !check.does[1].is_empty());
    }
    // The course's one list says which lessons have checks: exactly these, for both sides, but
    // lesson 07's exercise is a server only (its client is lesson 06's).
    for lesson in LESSONS {
        for side in [Side::Server, Side::Client] {
            let has = checks
                .iter()
                .any(|c| usize::from(c.lesson) == lesson.number && c.side == side);
            let server_only = lesson.binary == "07_many_clients";
            let wanted = lesson.checks && (side == Side::Server || !server_only);
            assert_eq!(has, wanted, "lesson {} {side:?}", lesson.number);
        }
    }
}

#[test]
fn every_page_ends_with_its_exercise_naming_every_check_of_its_lesson() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let pages: Vec<PathBuf> = ["lessons", "lessons/zh"]
        .iter()
        .flat_map(|dir| {
            std::fs::read_dir(root.join(dir))
                .expect("the pages")
                .flatten()
        })
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "md"))
        .collect();
    assert_eq!(pages.len(), 2 * LESSONS.len(), "{pages:?}");
    for page in pages {
        let text = std::fs::read_to_string(&page).expect("readable");
        let heading = if page.parent().is_some_and(|p| p.ends_with("zh")) {
            "\n## 练习\n"
        } else {
            "\n## Exercise\n"
        };
        let at = text
            .rfind(heading)
            .unwrap_or_else(|| panic!("{} has no {heading:?}", page.display()));
        let exercise = &text[at..];
        assert!(
            !exercise[heading.len()..].contains("\n## "),
            "{}: the exercise is not last",
            page.display()
        );
        let name = page.file_name().expect("a name").to_string_lossy();
        let lesson: u8 = name[..2].parse().expect("NN_name.md");
        // Lesson 07's server speaks lesson 06's protocol: lesson 06's server checks are its too.
        for check in socket_lessons::tools::check::all().iter().filter(|c| {
            c.lesson == lesson || lesson == 7 && c.lesson == 6 && c.side == Side::Server
        }) {
            assert!(
                exercise.contains(&check.id()),
                "{} does not name {}",
                page.display(),
                check.id()
            );
        }
        // A lesson the list gives no checks (`checks: false`) has no `check` command to show.
        let checked = LESSONS
            .iter()
            .any(|l| l.number == usize::from(lesson) && l.checks);
        assert!(
            !checked || exercise.contains(&format!("cargo run -- check {lesson} server")),
            "{}",
            page.display()
        );
    }
}

#[test]
fn check_alone_lists_every_check_by_lesson_and_role() {
    let out = checker().arg("check").output().expect("runs");
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for check in socket_lessons::tools::check::all() {
        let id = check.id();
        assert!(text.contains(&id), "{id} not listed:\n{text}");
    }
    assert!(text.contains("lesson 6 client"), "{text}");
}

/// The closing hint names the command as it runs here: `cargo run --` from Cargo's build
/// folder, `socket-lessons` once installed (pip's wheel, `cargo install`).
#[test]
fn check_alone_ends_with_a_hint_in_the_form_that_runs_here() {
    let out = checker().arg("check").output().expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\ncheck one: cargo run"), "{text}");
    assert!(
        text.contains(" check 6 client -- python3 client.py\n"),
        "{text}"
    );
    // Installed: the same program in a folder of its own, away from Cargo's build folder (a
    // hard link writes nothing, so no other test's fork can hold it open for writing).
    let exe = Path::new(env!("CARGO_BIN_EXE_socket-lessons"));
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("a scratch folder");
    let installed = dir.path().join(exe.file_name().expect("a file name"));
    if std::fs::hard_link(exe, &installed).is_err() {
        std::fs::copy(exe, &installed).expect("a copy of the program");
    }
    let out = Command::new(&installed)
        .env("LC_ALL", "C")
        .arg("check")
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    for line in [
        "check one: socket-lessons check 6 client -- python3 client.py",
        "a server already running: socket-lessons check 3 server --port 8080",
    ] {
        assert!(text.contains(&format!("\n{line}\n")), "{line}:\n{text}");
    }
    assert!(!text.contains("cargo run"), "{text}");
}

#[test]
fn a_program_that_cannot_start_is_exit_2_and_one_line() {
    let run = check(1, "client", &["/no/such/program-socket-lessons".into()]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.starts_with("error: there is no program"),
        "{}",
        run.stderr
    );
    // --json: still one object, with the error.
    assert!(
        run.json["error"]
            .as_str()
            .is_some_and(|e| e.contains("no program")),
        "{}",
        run.json
    );
}

#[test]
fn a_client_check_without_a_command_is_exit_2_and_one_line() {
    let out = checker()
        .args(["check", "6", "client"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("check 6 client -- python3 client.py"),
        "{stderr}"
    );
}

#[test]
fn lessons_01_to_03_pass_every_check() {
    let bins = [
        env!("CARGO_BIN_EXE_01_basic"),
        env!("CARGO_BIN_EXE_02_comm_loop"),
        env!("CARGO_BIN_EXE_03_conn_loop"),
    ];
    for (number, bin) in (1..).zip(bins) {
        for role in ["server", "client"] {
            let run = check(number, role, &lesson(bin, role, &[]));
            judged(&run, &[], &format!("lesson {number} {role}"));
        }
    }
}

#[test]
fn lessons_04_and_06_pass_every_check() {
    let bin = env!("CARGO_BIN_EXE_04_sticky_demo");
    judged(
        &check(4, "server", &lesson(bin, "server", &[])),
        &[],
        "04 server",
    );
    judged(
        &check(4, "client", &lesson(bin, "client", &[])),
        &[],
        "04 client",
    );
    let bin = env!("CARGO_BIN_EXE_06_final_file");
    let server = lesson(bin, "server", &["--file", "{file}", "--once"]);
    judged(&check(6, "server", &server), &[], "06 server");
    judged(
        &check(6, "client", &lesson(bin, "client", &[])),
        &[],
        "06 client",
    );
}

#[test]
fn lesson_05_passes_every_check_of_both_roles() {
    let bin = env!("CARGO_BIN_EXE_05_struct_pack");
    judged(
        &check(5, "server", &lesson(bin, "server", &[])),
        &[],
        "05 server",
    );
    // Lesson 04's three messages, then 黏包问题 (12 bytes), each behind its length.
    judged(
        &check(5, "client", &lesson(bin, "client", &[])),
        &[],
        "05 client",
    );
}

#[test]
fn lesson_07_s_server_passes_its_checks_and_lesson_06_s_server_checks() {
    let bin = env!("CARGO_BIN_EXE_07_many_clients");
    let server = lesson(bin, "server", &["--file", "{file}"]);
    judged(&check(7, "server", &server), &[], "07 server");
    judged(
        &check(6, "server", &server),
        &[],
        "07 server, lesson 06's checks",
    );
}

/// The exercises bind the port they are given without SO_REUSEADDR, as the material's programs
/// do, and are checked as the page shows it: on one fixed port, stage after stage, each twice.
/// A check that left its own TIME_WAIT on that port (a FIN after the server's) would fail the
/// next start with "Address already in use": this is the one test where reusing a port is the
/// point. The port is one the OS gave (bound to 0, learnt, released), not a guess. Servers
/// first: the checker's own listener for a client's check binds with SO_REUSEADDR, and the
/// TIME_WAIT of a close it must make first (a server that leaves without a reply) is cleared
/// only as far as the client's port can be bound again (see `peer::retire`).
#[test]
fn the_exercises_in_python_pass_every_check_twice_on_one_fixed_port() {
    if !common::peer_available("python3") {
        return;
    }
    // The one place a test holds a port it does not keep bound: the page's usage is a fixed port,
    // and its point is that a port used once is free again for the next check. It is taken below
    // the range the OS hands out for port 0 and for outgoing connections (from 32768 on Linux,
    // 49152 on macOS and Windows), where every other test's sockets are, so a parallel test
    // cannot land on it between two checks; the start depends on the process so that two runs
    // of this suite at once do not meet either.
    let start = 20_000 + std::process::id() as usize % 12_000;
    let port = (20_000..32_000u16)
        .cycle()
        .skip(start - 20_000)
        .take(12_000)
        .find(|&port| std::net::TcpListener::bind(("127.0.0.1", port)).is_ok())
        .expect("a free port below the ephemeral range");
    let dir = python_dir().join("exercises");
    // Every stage and role the checker has checks for, servers first.
    let mut stages: Vec<(bool, u8)> = socket_lessons::tools::check::all()
        .iter()
        .map(|c| (c.side == Side::Client, c.lesson))
        .collect();
    stages.sort();
    stages.dedup();
    for (client, number) in stages {
        let role = if client { "client" } else { "server" };
        let file = dir.join(format!("{number:02}_{role}.py"));
        for time in ["first", "second"] {
            let run = check_on(port, number, role, &python(&file));
            let what = format!("exercise {number} {role}, {time} time on port {port}");
            judged(&run, &[], &what);
        }
    }
}

#[test]
fn the_material_is_judged_as_the_material_is() {
    if !common::peer_available("python3") {
        return;
    }
    // Its 04 pair and its 06 server do what their stage asks.
    judged(
        &check(4, "server", &material("04_server.py")),
        &[],
        "material 04 server",
    );
    judged(
        &check(4, "client", &material("04_client.py")),
        &[],
        "material 04 client",
    );
    judged(
        &check(6, "server", &material("06_server.py")),
        &[],
        "material 06 server",
    );
    // Its 06 client: one recv(4) for the length, the peer's name used as a path, a loop that
    // spins when recv returns b'', and recv(1024) past file_size.
    let client = [
        "06.client.absolute-name",
        "06.client.early-close",
        "06.client.escaping-name",
        "06.client.extra-bytes",
        "06.client.trickled-header",
    ];
    judged(
        &check(6, "client", &material("06_client.py")),
        &client,
        "material 06 client",
    );
    // 01 does what it shows. 02's server never looks for b'' (a closed client); 03's text says
    // "go back to accept", but the code it prints has one accept and no loop around it.
    judged(
        &check(1, "server", &material("01_server.py")),
        &[],
        "material 01 server",
    );
    judged(
        &check(1, "client", &material("01_client.py")),
        &[],
        "material 01 client",
    );
    let run = check(2, "server", &material("02_server.py"));
    judged(&run, &["02.server.silent-close"], "material 02 server");
    judged(
        &check(2, "client", &material("02_client.py")),
        &[],
        "material 02 client",
    );
    let run = check(3, "server", &material("03_server.py"));
    let next = ["03.server.fin-then-next", "03.server.reset-then-next"];
    judged(&run, &next, "material 03 server");
    judged(
        &check(3, "client", &material("03_client.py")),
        &[],
        "material 03 client",
    );
}

#[test]
fn a_server_already_running_gets_the_checks_that_need_no_command_and_the_rest_skip() {
    let mut command = Command::new(env!("CARGO_BIN_EXE_06_final_file"));
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    command.args(["server", "--port", "0", "--file"]).arg(&file);
    let server = common::Live::server(command);
    let out = checker()
        .args(["check", "6", "server", "--json", "--port", &server.port()])
        .output()
        .expect("runs");
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let run = Run { code: out.status.code(), json, stderr: String::new() };
    assert_eq!(
        run.with("PASS"),
        ids(&["06.server.header"]),
        "{:#}",
        run.json
    );
    assert_eq!(run.skipped().len(), 4, "{:#}", run.json);
    assert_eq!(run.code, Some(0));
}

#[test]
fn the_report_speaks_chinese_under_lang_zh() {
    let bin = env!("CARGO_BIN_EXE_04_sticky_demo");
    let out = checker()
        .args(["check", "4", "client", "--port", "0", "--lang", "zh", "--"])
        .args(lesson(bin, "client", &[]))
        .output()
        .expect("runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("第 4 课 客户端: 1 项检查, 1 项通过, 0 项失败"),
        "{text}"
    );
}

/// A wrong program: the exercise `base` with each `from` replaced by its `to` (or a whole file
/// in `wrong/`), and the checks it must fail. Most fail exactly their own check; where checks
/// share a cause (a header that cannot be read stops every later look), the others are listed.
/// `may` lists the checks it also fails when the machine is slow to read: a reader that wakes
/// late finds two writes merged, and some bugs only show on merged (or only on cut) bytes.
struct Wrong {
    lesson: u8,
    role: &'static str,
    base: &'static str,
    edits: &'static [(&'static str, &'static str)],
    fails: &'static [&'static str],
    may: &'static [&'static str],
}

const fn wrong(
    lesson: u8,
    role: &'static str,
    base: &'static str,
    edits: &'static [(&'static str, &'static str)],
    fails: &'static [&'static str],
) -> Wrong {
    Wrong { lesson, role, base, edits, fails, may: &[] }
}

impl Wrong {
    const fn or_on_a_busy_machine(self, may: &'static [&'static str]) -> Wrong {
        Wrong { may, ..self }
    }
}

/// Write the wrong program into `dir` and check it.
fn judge_wrong(case: &Wrong, dir: &Path) {
    let source = python_dir().join("exercises").join(case.base);
    let mut text = std::fs::read_to_string(&source).expect("the exercise is there");
    for (from, to) in case.edits {
        assert_eq!(
            text.matches(from).count(),
            1,
            "{from:?} once in {}",
            case.base
        );
        text = text.replace(from, to);
    }
    let base = Path::new(case.base)
        .file_name()
        .expect("a file name")
        .to_string_lossy();
    let file = dir.join(format!("{}_{base}", case.fails[0]));
    std::fs::write(&file, text).expect("written");
    let run = check(case.lesson, case.role, &python(&file));
    // Windows rebinds a port in TIME_WAIT without SO_REUSEADDR: that check is a SKIP there.
    let fails: BTreeSet<String> = ids(case.fails)
        .into_iter()
        .filter(|id| !(cfg!(windows) && id == "03.server.restart"))
        .collect();
    let what = format!("wrong program for {}", case.fails[0]);
    let (failed, may) = (run.failed(), ids(case.may));
    assert!(
        failed.is_superset(&fails) && failed.difference(&fails).all(|id| may.contains(id)),
        "{what}: failed {failed:?}, expected {fails:?} (and maybe {may:?}): {:#}",
        run.json
    );
    let code = if fails.is_empty() { 0 } else { 1 };
    assert_eq!(run.code, Some(code), "{what}: {}", run.stderr);
}

#[test]
fn every_check_is_failed_by_a_named_wrong_program() {
    let named: BTreeSet<String> = [lessons_01_to_03(), lessons_04_and_05(), lessons_06_and_07()]
        .iter()
        .flatten()
        .flat_map(|case| case.fails.iter().map(|id| id.to_string()))
        .collect();
    let all: BTreeSet<String> = socket_lessons::tools::check::all()
        .iter()
        .map(|c| c.id())
        .collect();
    let missing: Vec<&String> = all.difference(&named).collect();
    assert!(missing.is_empty(), "no wrong program fails {missing:?}");
}

fn judge_all_wrong(cases: &[Wrong]) {
    if !common::peer_available("python3") {
        return;
    }
    let dir = tempfile::tempdir().expect("a scratch folder");
    for case in cases {
        judge_wrong(case, dir.path());
    }
}

#[test]
fn each_check_of_lessons_01_to_03_fails_a_wrong_program() {
    judge_all_wrong(&lessons_01_to_03());
}

#[rustfmt::skip]
fn lessons_01_to_03() -> Vec<Wrong> {
    vec![
        wrong(1, "server", "01_server.py", &[("    sock.send('萨瓦迪卡客户端'.encode('utf8'))\n", "")], &["01.server.one-message"]),
        wrong(1, "server", "01_server.py", &[("data = sock.recv(1024)\n", "data = sock.recv(1024)\nwhile len(data) == 0:\n    data = sock.recv(1024)\n")], &["01.server.silent-close"]),
        wrong(1, "client", "01_client.py", &[("print('收到来自服务端的消息:' + data.decode('utf8', 'replace'))", "print('got a reply')")], &["01.client.one-message"]),
        wrong(1, "client", "01_client.py", &[("data = client.recv(1024)\n", "data = client.recv(1024)\nwhile len(data) == 0:\n    data = client.recv(1024)\n")], &["01.client.no-reply"]),
        wrong(2, "server", "02_server.py", &[("sock.send(msg.encode('utf8'))", "sock.send(data)")], &["02.server.reply-loop"]),
        wrong(2, "server", "02_server.py", &[("    if len(data) == 0:\n        break\n", "")], &["02.server.silent-close"]),
        wrong(2, "client", "02_client.py", &[("    print(data.decode('utf8', 'replace'))", "    pass")], &["02.client.reply-loop"]),
        wrong(2, "client", "02_client.py", &[("client.send(msg.encode('utf8'))", "client.send(msg.encode('utf8') or b' ')")], &["02.client.empty-line"]),
        wrong(3, "server", "03_server.py", &[("input('请回复消息>>>:').strip()", "input('请回复消息>>>:').strip()[:5]")], &["03.server.reply-loop"]),
        wrong(3, "server", "03_server.py", &[("            if len(msg) == 0:\n                msg = '太忙了 暂无消息'\n", "")], &["03.server.empty-reply"]),
        wrong(3, "server", "03_server.py", &[("            if len(data) == 0:\n                break", "            if len(data) == 0:\n                continue")], &["03.server.fin-then-next"]),
        wrong(3, "server", "03_server.py", &[("except ConnectionError:", "except KeyboardInterrupt:")], &["03.server.reset-then-next"]),
        wrong(3, "server", "03_server.py", &[("server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)\n", "")], &["03.server.restart"]),
        wrong(3, "client", "03_client.py", &[("    print('收到服务端消息>>>:' + data.decode('utf8', 'replace'))", "    pass")], &["03.client.reply-loop"]),
        wrong(3, "client", "03_client.py", &[("    if len(msg) == 0:\n        continue\n", "")], &["03.client.empty-line"]),
    ]
}

#[test]
fn each_check_of_lessons_04_and_05_fails_a_wrong_program() {
    judge_all_wrong(&lessons_04_and_05());
}

#[rustfmt::skip]
fn lessons_04_and_05() -> Vec<Wrong> {
    vec![
        wrong(4, "server", "04_server.py", &[("conn.recv(5)", "conn.recv(1024)")], &["04.server.recv5"]),
        wrong(4, "server", "04_server.py", &[("    data = conn.recv(5)\n", "    data = conn.recv(5)\n    while len(data) == 0:\n        data = conn.recv(5)\n")], &["04.server.silent-close"]),
        // The page prints what recv returned, b'12345': the bare text is not that.
        wrong(4, "server", "04_server.py", &[("    print(data)", "    print(data.decode())")], &["04.server.recv5"]),
        wrong(4, "client", "04_client.py", &[("client.send(b'abcde')", "client.send(b'abcd')")], &["04.client.three-sends"]),
        // The page prints each body as text: Python's bytes b'\xe9\xbb...' are not that.
        wrong(5, "server", "05_server.py", &[("    print(body.decode('utf8', 'replace'))", "    print(body)")], &["05.server.big-body", "05.server.empty-body", "05.server.every-split", "05.server.four-frames", "05.server.one-write", "05.server.trickled"]),
        wrong(5, "server", "05_server.py", &[("body.decode('utf8', 'replace')", "body.decode('ascii', 'replace')")], &["05.server.four-frames"]),
        wrong(5, "server", "wrong/05_server_one_write.py", &[], &["05.server.one-write"]).or_on_a_busy_machine(&["05.server.four-frames", "05.server.trickled", "05.server.every-split", "05.server.empty-body", "05.server.big-body"]),
        // Reads at most twice: a frame cut in two arrives, a frame in 1-byte pieces does not.
        wrong(5, "server", "05_server.py", &[("    data = b''\n    while len(data) < n:\n        chunk = sock.recv(n - len(data))\n        if len(chunk) == 0:\n            break\n        data += chunk\n", "    data = sock.recv(n)\n    if 0 < len(data) < n:\n        data += sock.recv(n - len(data))\n")], &["05.server.trickled"]).or_on_a_busy_machine(&["05.server.every-split", "05.server.big-body"]),
        // One recv(4) for the length: every split inside the length breaks it, and the trickle.
        wrong(5, "server", "05_server.py", &[("header = recv_exact(conn, 4)", "header = conn.recv(4)")], &["05.server.every-split"]).or_on_a_busy_machine(&["05.server.trickled"]),
        wrong(5, "server", "05_server.py", &[("    print(body.decode('utf8', 'replace'))", "    if len(body) == 0:\n        break\n    print(body.decode('utf8', 'replace'))")], &["05.server.empty-body"]),
        wrong(5, "server", "05_server.py", &[("LIMIT = 64 * 1024", "LIMIT = 1024")], &["05.server.big-body"]),
        wrong(5, "server", "05_server.py", &[("    if len(header) < 4:\n        sys.exit('the connection closed inside a length: %d of 4 bytes' % len(header))\n", "")], &["05.server.close-in-length"]),
        wrong(5, "server", "05_server.py", &[("    if len(body) < length:\n        sys.exit('the connection closed inside a frame: %d of %d bytes' % (len(body), length))\n", "")], &["05.server.close-in-body"]),
        wrong(5, "server", "05_server.py", &[("if length < 0 or length > LIMIT:", "if length > LIMIT:")], &["05.server.negative-length"]),
        wrong(5, "server", "05_server.py", &[("if length < 0 or length > LIMIT:", "if length < 0:")], &["05.server.huge-length"]),
        // Each of these also changes the bytes, which `frames` compares whole.
        wrong(5, "client", "05_client.py", &[("'hhhhh'", "'hhhh'")], &["05.client.frames", "05.client.messages"]),
        wrong(5, "client", "05_client.py", &[("client.close()", "client.sendall(b'\\n')\nclient.close()")], &["05.client.frames"]),
        wrong(5, "client", "05_client.py", &[("struct.pack('<i', len(data))", "struct.pack('>i', len(data))")], &["05.client.frames", "05.client.little-endian"]),
        wrong(5, "client", "05_client.py", &[("struct.pack('<i', len(data))", "struct.pack('<i', len(text))")], &["05.client.byte-lengths", "05.client.frames"]),
    ]
}

#[test]
fn each_check_of_lessons_06_and_07_fails_a_wrong_program() {
    judge_all_wrong(&lessons_06_and_07());
}

#[rustfmt::skip]
fn lessons_06_and_07() -> Vec<Wrong> {
    const ALL_SERVER: &[&str] = &["06.server.exact-length", "06.server.file-size", "06.server.header", "06.server.same-bytes", "06.server.slow-reader"];
    vec![
        // A header nobody can read: every later check stops there too.
        wrong(6, "server", "06_server.py", &[("struct.pack('<i', len(header_bytes))", "struct.pack('>i', len(header_bytes))")], ALL_SERVER),
        // A size one too big: the bytes end before the size does.
        wrong(6, "server", "06_server.py", &[("os.path.getsize(path),", "os.path.getsize(path) + 1,")], &["06.server.exact-length", "06.server.file-size", "06.server.slow-reader"]),
        wrong(6, "server", "06_server.py", &[("sock.close()\n", "sock.sendall(b'\\n')\nsock.close()\n")], &["06.server.exact-length"]),
        wrong(6, "server", "06_server.py", &[("sock.sendall(line)", "sock.sendall(line.upper())")], &["06.server.same-bytes"]),
        // "Then the end": a server that keeps the connection open after the file, even once the
        // client has closed, leaves a client that reads to the end waiting.
        wrong(6, "server", "06_server.py", &[("sock.close()\n", "import time\ntime.sleep(60)\n")], &["06.server.exact-length"]),
        // The whole path as file_name: the course's own client refuses that header.
        wrong(6, "server", "06_server.py", &[("'file_name': os.path.basename(path),", "'file_name': path,")], ALL_SERVER),
        // One client at a time: lesson 06's server, unchanged, under lesson 07's checks.
        wrong(7, "server", "06_server.py", &[], &["07.server.stalled-client", "07.server.two-at-once"]),
        // A send timeout that a slow reader outlasts: big sends fill the buffers, sendall gives up.
        wrong(6, "server", "06_server.py", &[("sock, addr = server.accept()\n", "sock, addr = server.accept()\nsock.settimeout(0.01)\n"), ("for line in f:", "for line in iter(lambda: f.read(65536), b''):")], &["06.server.slow-reader"]).or_on_a_busy_machine(ALL_SERVER),
        wrong(6, "client", "06_client.py", &[("os.replace(name + '.part', name)\n", "os.replace(name + '.part', name)\nclient.recv(1)\n")], &["06.client.whole-file"]),
        wrong(6, "client", "06_client.py", &[("recv_exact(client, 4)", "client.recv(4)")], &["06.client.trickled-header"]),
        wrong(6, "client", "wrong/06_client_one_write.py", &[], &["06.client.one-write"]).or_on_a_busy_machine(&["06.client.whole-file", "06.client.trickled-header", "06.client.extra-bytes", "06.client.empty-file", "06.client.chinese-name"]),
        wrong(6, "client", "06_client.py", &[(" or os.path.basename(name) != name", "")], &["06.client.escaping-name"]),
        wrong(6, "client", "06_client.py", &[("os.path.basename(name) != name or '\\\\' in name or os.path.isabs(name)", "name.startswith('..') or '\\\\' in name")], &["06.client.absolute-name"]),
        wrong(6, "client", "06_client.py", &[("        if len(data) == 0:\n            f.close()\n            os.remove(name + '.part')\n            sys.exit('the server closed after %d of %d bytes' % (recv_size, size))\n", "")], &["06.client.early-close"]),
        wrong(6, "client", "06_client.py", &[("client.recv(min(1024, size - recv_size))", "client.recv(1024)")], &["06.client.extra-bytes"]),
        wrong(6, "client", "06_client.py", &[("os.replace(name + '.part', name)\n", "if recv_size > 0:\n    os.replace(name + '.part', name)\n")], &["06.client.empty-file"]),
        wrong(6, "client", "06_client.py", &[("recv_exact(client, length).decode('utf8')", "recv_exact(client, length).decode('ascii')")], &["06.client.chinese-name"]),
    ]
}

/// Lesson 07's `stalled-client` tells its two silences apart by where they fall, not by the words
/// of the failure: a second client left waiting for its file (one client at a time), or a server
/// that sends every file and never closes, in either language.
#[test]
fn a_threaded_server_that_never_closes_is_not_called_one_at_a_time_in_any_language() {
    if !common::peer_available("python3") {
        return;
    }
    let dir = tempfile::tempdir().expect("a scratch folder");
    let source = python_dir().join("exercises").join("07_server.py");
    let text = std::fs::read_to_string(source).expect("the exercise is there");
    assert_eq!(text.matches("    sock.close()\n").count(), 1);
    let never_closes = text.replace(
        "    sock.close()\n",
        "    import time\n    time.sleep(60)\n",
    );
    let file = dir.path().join("07_server_never_closes.py");
    std::fs::write(&file, never_closes).expect("written");
    for (locale, then_the_end) in [("C", "then the end"), ("zh_CN.UTF-8", "然后结束")] {
        let run = check_with(
            &[("LC_ALL", Path::new(locale))],
            0,
            7,
            "server",
            &python(&file),
        );
        let stalled = run.failure("07.server.stalled-client");
        assert_eq!(stalled["verdict"], "FAIL", "{locale}: {:#}", run.json);
        let expected = stalled["expected"].as_str().unwrap_or_default();
        assert!(expected.contains(then_the_end), "{locale}: {stalled:#}");
    }
}
