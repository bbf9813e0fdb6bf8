//! `check` judges any language as the page says: wrong programs of our own in Java, Node and C
//! fail the checks they break (a crash is a crash whatever prints it: a Java exception, a Node
//! TypeError, a C program's SIGSEGV), and right ones pass: a Node client that half-closes, a C
//! server without SO_REUSEADDR on one fixed port twice. Also: nothing the program started runs
//! once `check` has returned, another program on the port is one line, a forgotten `--` too, and
//! a client checked as a server (or a server as a client) is told which it looks like, and a
//! server on a port of its own which `--port` to give, a client connecting elsewhere which port.
//!
//! Java and C are compiled here into a temporary folder. Without javac, node or gcc a test says
//! so and passes, unless SOCKET_LESSONS_REQUIRE_PEERS=1 (as the other peer tests).

mod check_run;
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use check_run::{Run, check_with, judged};

/// `check lesson role --port PORT --json -- program...`, run to its end (the checker's own
/// deadlines end it).
fn check(port: u16, lesson: u8, role: &str, program: &[String]) -> Run {
    check_with(&[], port, lesson, role, program)
}

fn programs() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/programs")
}

/// `javac` the file into `dir`: the command that runs its class.
fn java(file: &str, dir: &Path) -> Option<Vec<String>> {
    if !common::peer_available("javac") || !common::peer_available("java") {
        return None;
    }
    let source = programs().join("wrong").join(file);
    let status = Command::new("javac")
        .args(["-encoding", "UTF-8", "-d"])
        .arg(dir)
        .arg(&source)
        .status()
        .expect("javac runs");
    assert!(status.success(), "javac {file}");
    let class = file.trim_end_matches(".java");
    let dir = dir.display().to_string();
    Some(vec!["java".into(), "-cp".into(), dir, class.into()])
}

/// `gcc` the file (in `folder` of tests/programs) into `dir`: the command that runs it.
fn c(folder: &str, file: &str, dir: &Path) -> Option<Vec<String>> {
    if !cfg!(unix) || !common::peer_available("gcc") {
        return None;
    }
    let exe = dir.join(file.trim_end_matches(".c"));
    let status = Command::new("gcc")
        .arg("-o")
        .arg(&exe)
        .arg(programs().join(folder).join(file))
        .status()
        .expect("gcc runs");
    assert!(status.success(), "gcc {file}");
    Some(vec![exe.display().to_string()])
}

fn node(folder: &str, file: &str) -> Option<Vec<String>> {
    if !common::peer_available("node") {
        return None;
    }
    Some(vec![
        "node".into(),
        programs().join(folder).join(file).display().to_string(),
    ])
}

#[test]
fn a_java_server_that_throws_fails_the_checks_that_say_no_crash() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let Some(server) = java("Lesson01ServerCrash.java", dir.path()) else {
        return;
    };
    let run = check(0, 1, "server", &server);
    judged(
        &run,
        &["01.server.silent-close"],
        "Lesson01ServerCrash.java",
    );
    let crash = run.failure("01.server.silent-close")["traceback"].to_string();
    assert!(crash.contains("StringIndexOutOfBoundsException"), "{crash}");
    let Some(server) = java("Lesson05ServerNewArray.java", dir.path()) else {
        return;
    };
    let run = check(0, 5, "server", &server);
    let wrong = ["05.server.huge-length", "05.server.negative-length"];
    judged(&run, &wrong, "Lesson05ServerNewArray.java");
    let crash = run.failure("05.server.negative-length")["traceback"].to_string();
    assert!(crash.contains("NegativeArraySizeException"), "{crash}");
}

#[test]
fn a_node_server_that_throws_on_close_fails_and_a_node_client_that_half_closes_passes() {
    let Some(server) = node("wrong", "02_server_typeerror.js") else {
        return;
    };
    let run = check(0, 2, "server", &server);
    judged(&run, &["02.server.silent-close"], "02_server_typeerror.js");
    let crash = run.failure("02.server.silent-close")["traceback"].to_string();
    assert!(crash.contains("TypeError"), "{crash}");
    let Some(client) = node("right", "01_client_end.js") else {
        return;
    };
    judged(&check(0, 1, "client", &client), &[], "01_client_end.js");
}

#[test]
fn a_c_server_killed_by_a_signal_fails_and_a_c_server_without_reuseaddr_passes_twice() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let Some(server) = c("wrong", "04_server_segfault.c", dir.path()) else {
        return;
    };
    let run = check(0, 4, "server", &server);
    judged(&run, &["04.server.silent-close"], "04_server_segfault.c");
    let crash = run.failure("04.server.silent-close")["traceback"].to_string();
    assert!(crash.contains("SIGSEGV"), "{crash}");
    let Some(server) = c("right", "01_server.c", dir.path()) else {
        return;
    };
    // A fixed port, as the page uses it: one the OS gave, released, then used twice.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        listener.local_addr().expect("its address").port()
    };
    for time in ["first", "second"] {
        let run = check(port, 1, "server", &server);
        judged(
            &run,
            &[],
            &format!("01_server.c, {time} time on port {port}"),
        );
    }
}

#[test]
fn lesson_07_s_checks_fail_a_server_that_serves_one_client_at_a_time() {
    if !common::peer_available("python3") {
        return;
    }
    let exercises = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/exercises");
    let one_at_a_time = exercises.join("06_server.py").display().to_string();
    let run = check(0, 7, "server", &["python3".into(), one_at_a_time]);
    let wrong = ["07.server.stalled-client", "07.server.two-at-once"];
    judged(&run, &wrong, "lesson 06's server under lesson 07's checks");
}

/// A client checked as a server ends on a refused connect; a server checked as a client cannot
/// listen on the checker's port. Each failure says which side the program looks like, whatever
/// its language wrote the error in; a program that ends on anything else is told nothing of it.
#[test]
fn a_program_of_the_other_side_is_told_so_in_any_language() {
    let dir = tempfile::tempdir().expect("a scratch folder");
    let exercises = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/exercises");
    let python = |file: &str| {
        let path = exercises.join(file).display().to_string();
        common::peer_available("python3").then(|| vec!["python3".to_string(), path])
    };
    let said = |lesson: u8, role: &str, program: Option<Vec<String>>, words: &str| {
        let Some(program) = program else {
            return;
        };
        let run = check(0, lesson, role, &program);
        let id = format!("0{lesson}.{role}.one-message");
        let got = run.failure(&id)["got"].to_string();
        assert!(got.contains(words), "{program:?} as a {role}: {got}");
    };
    let a_client = "is it a client? Then check it with `client` in place of `server`";
    said(1, "server", python("01_client.py"), a_client);
    said(1, "server", node("right", "01_client_end.js"), a_client);
    let a_server = "is it a server? Then check it with `server` in place of `client`";
    said(1, "client", python("01_server.py"), a_server);
    said(1, "client", c("right", "01_server.c", dir.path()), a_server);
    said(
        1,
        "client",
        java("Lesson01ServerCrash.java", dir.path()),
        a_server,
    );
    // A client that connects to a port written into it, where nobody listens (`RefusedPort`).
    if common::peer_available("python3") {
        let refused = common::RefusedPort::new();
        let port = refused.port;
        let client = format!("import socket; socket.create_connection(('127.0.0.1', {port}))");
        let run = check(0, 1, "client", &["python3".into(), "-c".into(), client]);
        let got = run.failure("01.client.one-message")["got"].to_string();
        assert!(
            got.contains("its connect was refused: does it connect to port "),
            "{got}"
        );
        assert!(got.contains("the one it was given ($PORT)?"), "{got}");
    }
    // Ended, but on nothing of the other side's: no word of it.
    if common::peer_available("python3") {
        let quiet = ["python3", "-c", "print('hi')"].map(String::from);
        for role in ["server", "client"] {
            let run = check(0, 1, role, &quiet);
            let got = run.failure(&format!("01.{role}.one-message"))["got"].to_string();
            assert!(got.len() > 2 && !got.contains("is it a"), "{role}: {got}");
        }
    }
}

/// A server that listens on a port of its own, not the one it was given, and says which: the
/// failure names both ports. The checks' port refuses (`RefusedPort`).
#[test]
fn a_server_on_a_port_of_its_own_is_told_which_port_to_give() {
    if !common::peer_available("python3") {
        return;
    }
    let refused = common::RefusedPort::new();
    let port = refused.port;
    // The page's server with its port written in: here one the OS gives, printed.
    let own = "import socket, time\n\
               server = socket.socket(); server.bind(('127.0.0.1', 0)); server.listen(5)\n\
               print('listening on 127.0.0.1:%d' % server.getsockname()[1], flush=True)\n\
               time.sleep(60)";
    let run = check(
        port,
        1,
        "server",
        &["python3".into(), "-c".into(), own.into()],
    );
    let got = run.failure("01.server.one-message")["got"].to_string();
    let printed = run.failure("01.server.one-message")["output"].to_string();
    let listens = socket_lessons::tools::check::program::printed_port(&printed)
        .expect("the program's port, in its lines");
    let words = format!(
        "it says it listens on port {listens}: check it with --port {listens}, or make it listen on {port}"
    );
    assert!(got.contains(&words), "{got}");
}

/// The helper process a server started is gone once `check` has returned (Linux: /proc).
#[cfg(target_os = "linux")]
#[test]
fn nothing_the_program_started_runs_after_check_returns() {
    if !common::peer_available("python3") {
        return;
    }
    let exercises = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/exercises");
    let program = [
        "python3".to_string(),
        programs()
            .join("wrong/03_server_forks.py")
            .display()
            .to_string(),
        exercises.join("03_server.py").display().to_string(),
    ];
    let scratch = tempfile::tempdir().expect("a scratch folder");
    let pid_file = scratch.path().join("helpers");
    let run = check_with(&[("HELPER_PID_FILE", &pid_file)], 0, 3, "server", &program);
    assert_eq!(run.code, Some(0), "{:#}\n{}", run.json, run.stderr);
    let pids = std::fs::read_to_string(&pid_file).expect("the helpers' pids");
    assert_eq!(
        pids.lines().count(),
        6,
        "one helper a start (the restart starts twice): {pids} {:#}",
        run.json
    );
    for pid in pids.lines() {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // Gone, or a zombie that its new parent has not reaped yet: not running.
        let state = stat
            .rsplit(") ")
            .next()
            .and_then(|rest| rest.chars().next());
        assert!(
            stat.is_empty() || state == Some('Z'),
            "the helper {pid} still runs: {stat}"
        );
    }
}

#[test]
fn another_program_on_the_port_is_one_line_and_no_check_passes() {
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = held.local_addr().expect("its address").port();
    let run = check(
        port,
        1,
        "server",
        // The course's own lesson 01 server, a program every OS here can start (python3 is a
        // Linux program that a Windows build under Wine does not find).
        &[env!("CARGO_BIN_EXE_01_basic").into(), "server".into()],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("already listens"), "{}", run.stderr);
    assert!(run.json["error"].is_string(), "{}", run.json);
    assert!(run.json["checks"].is_null(), "{}", run.json);
}

#[test]
fn a_forgotten_dash_dash_and_a_missing_file_are_one_line_each() {
    let out = Command::new(env!("CARGO_BIN_EXE_socket-lessons"))
        .env("LC_ALL", "C")
        .args(["check", "1", "server", "python3", "server.py"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("put -- before"), "{stderr}");
    let run = check(
        0,
        1,
        "client",
        &["python3".into(), "no-such-client.py".into()],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("no file \"no-such-client.py\""),
        "{}",
        run.stderr
    );
}
