//! Lesson 02: the demo with its empty-line trap, the loop as two processes, the ends of input,
//! the long-line trap, and the classroom moments: a second client while the first is served, a
//! server that vanishes, a peer that sends terminal control bytes, a full-width space.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::io::Write;
use std::net::TcpStream;

use common::{
    HOSTILE, HOSTILE_SHOWN, Live, SERVER_RESET, assert_chinese, assert_no_control_characters, run,
};

// The demo's whole output is asserted once, by its page's transcript (lessons/02_comm_loop.md, run by
// tests/transcripts.rs); the tests here look at what a transcript cannot.

#[test]
fn server_and_client_loop_as_two_processes() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    // The server's replies, typed ahead: it reads one line per message it receives.
    server
        .stdin()
        .write_all("first reply\n\n第二 reply\n".as_bytes())
        .expect("the server reads its stdin");
    let client = run(
        bin!("02_comm_loop", "client", "--port", &server.port()),
        "one\ntwo 二\n",
    );
    client.assert_success();
    assert_eq!(
        client.lines()[1..],
        [
            "[client] sending 3 bytes: 'one'",
            "[client] received 11 bytes: 'first reply'",
            "[client] sending 7 bytes: 'two 二'",
            "[client] received 12 bytes: '第二 reply'",
            "[client] no more messages (end of input): closing",
        ]
    );
    let server = server.finish();
    server.assert_success();
    let lines = server.lines();
    assert!(
        lines.contains(&"[note]   an empty reply would send no bytes and leave the client waiting: type some text".to_string()),
        "{lines:#?}"
    );
    assert_eq!(
        lines.last().map(String::as_str),
        Some("[server] read 0 bytes: the client has closed the connection")
    );
}

#[test]
fn an_empty_line_from_a_real_client_is_explained_and_the_loop_goes_on() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server
        .stdin()
        .write_all(b"pong\n")
        .expect("the server reads its stdin");
    let client = run(
        bin!("02_comm_loop", "client", "--port", &server.port()),
        "\nping\n",
    );
    client.assert_success();
    let lines = client.lines();
    assert_eq!(lines[1], "[client] sending 0 bytes: ''");
    assert!(lines[2].starts_with("[note]   no reply: an empty message is 0 bytes"));
    assert_eq!(lines[5], "[client] sending 4 bytes: 'ping'");
    assert_eq!(lines[6], "[client] received 4 bytes: 'pong'");
    server.finish().assert_success();
}

#[test]
fn a_server_with_nothing_left_to_type_closes_and_the_client_sees_it() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server.close_stdin();
    let client = run(
        bin!("02_comm_loop", "client", "--port", &server.port()),
        "anyone?\nstill there?\n",
    );
    client.assert_success();
    assert_eq!(
        client.lines().last().map(String::as_str),
        Some("[client] read 0 bytes: the server has closed the connection")
    );
    let server = server.finish();
    server.assert_success();
    assert_eq!(
        server.lines().last().map(String::as_str),
        Some("[server] no more replies to type (stdin closed): closing")
    );
}

#[test]
fn bytes_that_are_not_utf8_are_shown_not_fatal() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server
        .stdin()
        .write_all(b"ok\n")
        .expect("the server reads its stdin");
    // "字" cut after its first byte, then a byte that is never UTF-8.
    let mut client = bin!("02_comm_loop", "client", "--port", &server.port());
    client
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = client.spawn().expect("the client starts");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    stdin
        .write_all(b"\xe5 \xff\n")
        .expect("the client reads its stdin");
    drop(stdin);
    common::wait(child).assert_success();
    server.expect_line("received 3 bytes: '\u{fffd} \u{fffd}'");
    server.finish().assert_success();
}

#[test]
fn a_line_longer_than_the_read_leaves_every_reply_one_behind() {
    let longline = run(bin!("02_comm_loop", "longline"), "");
    longline.assert_success();
    let lines = longline.lines();
    let conversation: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|line| !line.starts_with("[note]") && line.contains(" bytes: "))
        .collect();
    assert_eq!(
        conversation,
        [
            "[client] sending 1100 bytes: '012345678901234567890123456789012'…'789012345678901234567890123456789'",
            "[server] received 1024 bytes: '012345678901234567890123456789012'…'123456789012345678901234567890123'",
            "[server] sending 15 bytes: '收到 (got it)'",
            "[client] received 15 bytes: '收到 (got it)'",
            // The rest of the long line, read as a message of its own, and answered.
            "[server] received 76 bytes: '456789012345678901234567890123456'…'789012345678901234567890123456789'",
            "[server] sending 28 bytes: '还是数字? (more digits?)'",
            "[client] sending 15 bytes: '你好, server!'",
            "[client] received 28 bytes: '还是数字? (more digits?)'",
            "[server] received 15 bytes: '你好, server!'",
            "[server] sending 15 bytes: '你好! (hello)'",
            "[client] sending 12 bytes: '再见 (bye)'",
            "[client] received 15 bytes: '你好! (hello)'",
        ]
    );
    assert!(
        lines.iter().any(|line| line.contains("lesson 05")),
        "{lines:#?}"
    );
}

#[test]
fn a_full_width_space_is_an_empty_line() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server
        .stdin()
        .write_all(b"pong\n")
        .expect("the server reads its stdin");
    // U+3000, what a Chinese input method types for a space: Python's strip() removes it.
    let client = run(
        bin!("02_comm_loop", "client", "--port", &server.port()),
        "\u{3000}\u{3000}\nping\n",
    );
    client.assert_success();
    let lines = client.lines();
    assert_eq!(lines[1], "[client] sending 0 bytes: ''", "{lines:#?}");
    assert!(lines[2].starts_with("[note]   no reply"), "{lines:#?}");
    assert_eq!(lines[6], "[client] received 4 bytes: 'pong'", "{lines:#?}");
    server.finish().assert_success();
}

/// The words `net::gone` gives a client whose connection the server reset.
#[test]
fn a_second_client_while_the_first_is_served_is_reset_and_told_why() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server.close_stdin();
    let first = TcpStream::connect(server.addr).expect("the server listens");
    server.expect_line("accepted a client");
    // The second client connects (the kernel queues it), sends, and waits for a reply that the
    // server, busy with the first, will never give.
    let mut second = Live::start(
        bin!("02_comm_loop", "client", "--port", server.port()),
        "hello\n",
    );
    second.expect_line("sending 5 bytes");
    // The first client leaves without a word: the server reads 0 bytes and ends.
    drop(first);
    server.finish().assert_success();
    let second = second.finish();
    if !wine::read_eof_for_reset(second.status.success()) {
        common::assert_server_reset(&second.assert_one_line_error());
    }
}

#[test]
fn a_server_that_vanishes_mid_conversation_is_named() {
    // A server that takes the message in but never reads it, and closes: a reset (RST).
    let (port, vanishing) = common::vanishing_server();
    let client = run(
        bin!("02_comm_loop", "client", "--port", port.to_string()),
        "anyone?\n",
    );
    vanishing.join().expect("the server thread ends");
    if !wine::read_eof_for_reset(client.status.success()) {
        assert_eq!(client.assert_one_line_error(), SERVER_RESET);
    }
}

#[test]
fn a_peer_s_control_bytes_never_reach_the_terminal_raw() {
    let mut server = Live::server(bin!("02_comm_loop", "server", "--port", "0"));
    server.close_stdin();
    let mut hostile = TcpStream::connect(server.addr).expect("the server listens");
    hostile.write_all(HOSTILE).expect("the server reads");
    let shown = server.expect_line("received");
    assert_eq!(
        shown,
        format!("[server] received 19 bytes: {HOSTILE_SHOWN}")
    );
    drop(hostile);
    let server = server.finish();
    server.assert_success();
    assert_no_control_characters(&server.stdout);

    let (port, answering) = common::hostile_server(2);
    let client = run(
        bin!("02_comm_loop", "client", "--port", port.to_string()),
        "hi\n",
    );
    answering.join().expect("the server thread ends");
    client.assert_success();
    assert!(client.stdout.contains(HOSTILE_SHOWN), "{}", client.stdout);
    assert_no_control_characters(&client.stdout);
}

#[test]
fn every_line_speaks_chinese_under_lang_zh() {
    for args in [&["--lang", "zh"][..], &["longline", "--lang", "zh"]] {
        let mut command = bin!("02_comm_loop");
        command.args(args);
        let output = run(command, "");
        output.assert_success();
        assert_chinese(&output.stdout);
    }
}

#[test]
fn a_server_that_answered_and_then_resets_is_not_said_to_have_queued_us() {
    // A server that answers the first message, then closes with the second unread: a reset
    // after an answer. The client was accepted, so its words leave out the queue.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a port of its own");
    let port = listener.local_addr().expect("a bound address").port();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut sock, _) = listener.accept().expect("the client connects");
        let mut first = [0u8; 3];
        sock.read_exact(&mut first).expect("the first message");
        sock.write_all(b"ok").expect("the answer");
        sock.peek(&mut [0u8; 1])
            .expect("the second message arrives");
    });
    let client = run(
        bin!("02_comm_loop", "client", "--port", port.to_string()),
        "one\ntwo\n",
    );
    server.join().expect("the server thread ends");
    assert!(
        client.stdout.contains("[client] received 2 bytes: 'ok'"),
        "{client:#?}"
    );
    assert_eq!(
        client.assert_one_line_error(),
        "error: the server reset the connection (an RST, not a clean close): it was stopped (Ctrl-C) or crashed, or closed without reading what we sent"
    );
}
