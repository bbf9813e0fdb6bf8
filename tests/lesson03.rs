//! Lesson 03: the demo, a server that survives a clean leave, a reset and a killed client,
//! `nc`, the listen queue and SO_REUSEADDR, a server that vanishes, a peer's control bytes,
//! and every line in Chinese under `--lang zh`.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::io::Write;
use std::net::TcpStream;
use std::process::Stdio;

use common::{
    HOSTILE, HOSTILE_SHOWN, Live, SERVER_RESET, Server, assert_chinese,
    assert_no_control_characters, run,
};

// The demo's whole output is asserted once, by its page's transcript (lessons/03_conn_loop.md, run by
// tests/transcripts.rs); the tests here look at what a transcript cannot.

/// A server with nothing to type: it answers every message with the default text.
fn unattended_server() -> Server {
    let mut server = Live::server(bin!("03_conn_loop", "server", "--port", "0"));
    server.close_stdin();
    server
}

#[test]
fn the_server_survives_a_clean_leave_and_a_reset_and_serves_the_next_client() {
    let mut server = unattended_server();
    let port = server.port();

    let first = run(bin!("03_conn_loop", "client", "--port", &port), "hello\n\n");
    first.assert_success();
    assert_eq!(
        first.lines()[1..],
        [
            "[client] sending 5 bytes: 'hello'",
            "[client] received 22 bytes: '太忙了 暂无消息'",
            "[client] skipping an empty line: 0 bytes would send nothing",
            "[client] no more messages: closing (the server will read 0 bytes)",
        ]
    );
    server.expect_line("left: read 0 bytes (the client closed the connection)");

    run(
        bin!("03_conn_loop", "client", "--port", &port, "--abort"),
        "bye\n",
    )
    .assert_success();
    let left = server.expect_line("left: ");
    let clean = wine::reset_may_read_as_eof()
        && left.ends_with("left: read 0 bytes (the client closed the connection)");
    assert!(
        clean || left.contains("left: the client reset the connection (an RST, not a clean close)"),
        "{left}"
    );

    let third = run(
        bin!("03_conn_loop", "client", "--port", &port),
        "still there?\n",
    );
    third.assert_success();
    assert_eq!(
        third.lines()[2],
        "[client] received 22 bytes: '太忙了 暂无消息'"
    );
    server.expect_line("left: read 0 bytes");
}

#[test]
fn a_killed_client_sends_fin_so_the_server_reads_zero_bytes() {
    if wine::killed_peer_may_stay_connected() {
        return;
    }
    let mut server = unattended_server();
    let mut client = bin!("03_conn_loop", "client", "--port", &server.port());
    let mut client = client
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("the client starts");
    server.expect_line("accepted a client");
    client.kill().expect("the client can be killed");
    client.wait().expect("the client ends");
    // The kernel closes a dead process's sockets the normal way: FIN, not RST (measured on
    // Linux; Windows is reported to reset them, NOTES.md says).
    if cfg!(windows) {
        server.expect_any_line(&[
            "left: read 0 bytes",
            "left: the client reset the connection",
        ]);
    } else {
        server.expect_line("left: read 0 bytes");
    }
}

#[test]
fn the_server_answers_typed_replies_and_the_default_for_an_empty_one() {
    let mut server = Live::server(bin!(
        "03_conn_loop",
        "server",
        "--port",
        "0",
        "--backlog",
        "1"
    ));
    server
        .stdin()
        .write_all("你好\n\n".as_bytes())
        .expect("the server reads its stdin");
    // Its input ends after these two lines: from then on, the default reply.
    server.close_stdin();
    let client = run(
        bin!("03_conn_loop", "client", "--port", &server.port()),
        "a\nb\nc\n",
    );
    client.assert_success();
    let received: Vec<String> = client
        .lines()
        .into_iter()
        .filter(|line| line.contains("received"))
        .collect();
    assert_eq!(
        received,
        [
            "[client] received 6 bytes: '你好'",
            "[client] received 22 bytes: '太忙了 暂无消息'",
            "[client] received 22 bytes: '太忙了 暂无消息'",
        ]
    );
}

#[test]
fn nc_clients_come_and_go() {
    if !common::peer_available("nc") {
        return;
    }
    let mut server = unattended_server();
    for text in ["hello from nc", "and again"] {
        let (nc, mut stdin) = common::nc(&server);
        writeln!(stdin, "{text}").expect("nc reads its stdin");
        server.expect_line(&format!("received {} bytes", text.len() + 1));
        server.expect_line("sending 22 bytes");
        drop(stdin);
        server.expect_line("left:");
        let nc = common::wait(nc);
        assert_eq!(nc.stdout, "太忙了 暂无消息");
    }
}

#[test]
fn listen_2_lets_3_of_6_clients_through_on_linux() {
    let backlog = run(
        bin!(
            "03_conn_loop",
            "backlog",
            "--backlog",
            "2",
            "--clients",
            "6"
        ),
        "",
    );
    backlog.assert_success();
    let lines = backlog.lines();
    let connected = lines
        .iter()
        .filter(|line| line.ends_with("waits in the accept queue"))
        .count();
    let dropped = lines
        .iter()
        .filter(|line| line.contains("its SYN was dropped"))
        .count();
    if cfg!(target_os = "linux") {
        assert_eq!((connected, dropped), (3, 3), "{lines:#?}");
        assert!(lines.contains(
            &"[note]   3 of 6 clients completed the handshake with listen(2)".to_string()
        ));
    } else {
        assert_eq!(connected + dropped, 6, "{lines:#?}");
    }
}

#[test]
fn listen_0_still_lets_one_client_through_on_linux() {
    let backlog = run(
        bin!(
            "03_conn_loop",
            "backlog",
            "--backlog",
            "0",
            "--clients",
            "3"
        ),
        "",
    );
    backlog.assert_success();
    if cfg!(target_os = "linux") {
        assert!(
            backlog
                .stdout
                .contains("1 of 3 clients completed the handshake with listen(0)"),
            "{}",
            backlog.stdout
        );
    }
}

#[test]
fn reuseaddr_rebinds_over_time_wait_only_when_both_sockets_set_it() {
    let reuse = run(bin!("03_conn_loop", "reuseaddr"), "");
    reuse.assert_success();
    let table: Vec<String> = reuse
        .lines()
        .into_iter()
        .filter(|line| line.contains(" | "))
        .collect();
    if cfg!(target_os = "linux") {
        assert_eq!(
            table,
            [
                "[note]   old listener SO_REUSEADDR off | new listener SO_REUSEADDR off | address in use",
                "[note]   old listener SO_REUSEADDR off | new listener SO_REUSEADDR on  | address in use",
                "[note]   old listener SO_REUSEADDR on  | new listener SO_REUSEADDR off | address in use",
                "[note]   old listener SO_REUSEADDR on  | new listener SO_REUSEADDR on  | the new bind succeeds",
            ]
        );
    } else if cfg!(windows) {
        // Windows rebinds over TIME_WAIT without SO_REUSEADDR, which means something else there.
        assert!(
            table
                .iter()
                .all(|row| row.ends_with("| the new bind succeeds")),
            "{table:?}"
        );
        let note = "[note]   Windows: there SO_REUSEADDR lets a second socket bind a port in use";
        assert!(reuse.stdout.contains(note), "{reuse:#?}");
    } else {
        assert_eq!(table.len(), 4);
    }
}

#[test]
fn a_bad_backlog_is_refused_by_the_argument_parser() {
    let backlog = run(bin!("03_conn_loop", "backlog", "--clients", "0"), "");
    assert!(!backlog.status.success());
    assert!(backlog.stderr.contains("--clients"), "{}", backlog.stderr);
    assert!(!backlog.stderr.contains("panicked"));
}

#[test]
fn a_second_server_on_the_same_port_is_told_to_pick_another() {
    let server = unattended_server();
    let port = server.port();
    let second = run(bin!("03_conn_loop", "server", "--port", &port), "");
    let next: u16 = port.parse::<u16>().expect("a port") + 1;
    assert_eq!(
        second.assert_one_line_error(),
        format!(
            "error: port {port} is in use — is another lesson server running? try --port {next}"
        )
    );
}

#[test]
fn one_client_through_is_one_client() {
    let backlog = run(
        bin!(
            "03_conn_loop",
            "backlog",
            "--backlog",
            "0",
            "--clients",
            "1"
        ),
        "",
    );
    backlog.assert_success();
    let stdout = &backlog.stdout;
    assert!(
        stdout.contains("accept(): 1 client will try to connect"),
        "{stdout}"
    );
    if cfg!(target_os = "linux") {
        assert!(
            stdout.contains("1 of 1 client completed the handshake"),
            "{stdout}"
        );
    }
}

#[test]
fn a_server_that_vanishes_mid_conversation_is_named() {
    // A server that takes the message in but never reads it, and closes: a reset (RST).
    let (port, vanishing) = common::vanishing_server();
    let client = run(
        bin!("03_conn_loop", "client", "--port", port.to_string()),
        "anyone?\n",
    );
    vanishing.join().expect("the server thread ends");
    if !wine::read_eof_for_reset(client.status.success()) {
        assert_eq!(client.assert_one_line_error(), SERVER_RESET);
    }
}

#[test]
fn a_peer_s_control_bytes_never_reach_the_terminal_raw() {
    let mut server = unattended_server();
    let mut hostile = TcpStream::connect(server.addr).expect("the server listens");
    hostile.write_all(HOSTILE).expect("the server reads");
    let shown = server.expect_line("received");
    assert_eq!(
        shown,
        format!("[server] received 19 bytes: {HOSTILE_SHOWN}")
    );
    drop(hostile);
    server.expect_line("left:");
    assert_no_control_characters(&server.seen().join("\n"));

    let (port, answering) = common::hostile_server(2);
    let client = run(
        bin!("03_conn_loop", "client", "--port", port.to_string()),
        "hi\n",
    );
    answering.join().expect("the server thread ends");
    client.assert_success();
    assert!(client.stdout.contains(HOSTILE_SHOWN), "{}", client.stdout);
    assert_no_control_characters(&client.stdout);
}

#[test]
fn every_line_speaks_chinese_under_lang_zh() {
    for args in [
        &["--lang", "zh"][..],
        &["backlog", "--lang", "zh"],
        &["reuseaddr", "--lang", "zh"],
    ] {
        let mut command = bin!("03_conn_loop");
        command.args(args);
        let output = run(command, "");
        output.assert_success();
        assert_chinese(&output.stdout);
    }
}

/// A client that connects and resets at once: Windows (and Wine) fail the `accept` that would
/// have taken it (WSAECONNRESET, or Wine's WSAENOTCONN), BSD and macOS say ECONNABORTED, Linux
/// hands it over and the first read sees the reset. Whichever it is, the server says so in one
/// line and serves the next client.
#[test]
fn a_client_that_resets_before_it_is_accepted_does_not_end_the_server() {
    let mut server = unattended_server();
    let gone = TcpStream::connect(server.addr).expect("connect");
    socket2::SockRef::from(&gone)
        .set_linger(Some(std::time::Duration::ZERO))
        .expect("SO_LINGER 0");
    drop(gone);
    server.expect_any_line(&[
        "a client was gone before accept took it",
        "left: the client reset the connection",
        "left: read 0 bytes",
    ]);
    let next = run(
        bin!("03_conn_loop", "client", "--port", &server.port()),
        "still there?\n",
    );
    next.assert_success();
    assert_eq!(
        next.lines()[2],
        "[client] received 22 bytes: '太忙了 暂无消息'"
    );
}

/// An `accept` that fails on purpose: the server may hold 4 file descriptors (stdin, stdout,
/// stderr, the listener), so every `accept` fails with EMFILE. The server must say so in one line,
/// wait, and try again, never end: two such lines in a row. (Dropping `server` kills it.)
#[cfg(target_os = "linux")]
#[test]
fn out_of_file_descriptors_the_server_waits_and_tries_again() {
    use std::os::unix::process::CommandExt;
    let mut command = bin!("03_conn_loop", "server", "--port", "0");
    // SAFETY: setrlimit is async-signal-safe, and the closure touches nothing else.
    unsafe {
        command.pre_exec(|| {
            let mut limit = libc::rlimit { rlim_cur: 0, rlim_max: 0 };
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            limit.rlim_cur = 4;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut server = Live::server(command);
    // Kept open: the connection waits in the queue while accept fails.
    let _client = TcpStream::connect(server.addr).expect("the kernel queues the connection");
    let expected = "cannot accept a client now: the system is out of resources (open files, sockets or memory) (os error 24); trying again in 500 ms";
    // The second line comes only from a server that went on after the first.
    for _ in 0..2 {
        let line = server.expect_line("cannot accept");
        assert!(line.ends_with(expected), "{line}");
    }
}
