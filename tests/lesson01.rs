//! Lesson 01: the demo, the two sides as two processes, `nc` as a client, the classroom errors,
//! and the classroom moments: a client that says nothing, a second client while the first is
//! served, a server that vanishes, a peer that sends terminal control bytes.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;

use common::{
    HOSTILE, HOSTILE_SHOWN, Live, SERVER_RESET, assert_chinese, assert_no_control_characters, run,
};

// The demo's whole output is asserted once, by its page's transcript (lessons/01_basic.md, run by
// tests/transcripts.rs); the tests here look at what a transcript cannot.

#[test]
fn server_and_client_work_as_two_processes() {
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let port = server.port();
    let client = run(
        bin!("01_basic", "client", "--port", &port, "--message", "早上好"),
        "",
    );
    client.assert_success();
    assert_eq!(
        client.lines()[1..],
        [
            "[client] sending 9 bytes: '早上好'",
            "[client] received 45 bytes: '萨瓦迪卡, client! (hello from the server)'",
            "[client] closing",
        ]
    );
    server.expect_line("received 9 bytes: '早上好'");
    server.finish().assert_success();
}

#[test]
fn nc_is_a_client_too() {
    if !common::peer_available("nc") {
        return;
    }
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let (nc, mut stdin) = common::nc(&server);
    stdin
        .write_all("hello from nc\n".as_bytes())
        .expect("nc reads its stdin");
    server.expect_line("received 14 bytes: 'hello from nc\\n'");
    drop(stdin);
    let nc = common::wait(nc);
    assert_eq!(nc.stdout, "萨瓦迪卡, client! (hello from the server)");
    server.finish().assert_success();
}

#[test]
fn a_client_without_a_server_is_told_how_to_start_one() {
    let refused = common::RefusedPort::new();
    let port = refused.port;
    let client = run(bin!("01_basic", "client", "--port", port.to_string()), "");
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: could not connect to 127.0.0.1:{port} — start the server first: cargo run --bin 01_basic -- server --port {port}"
        )
    );
}

#[test]
fn a_port_in_use_is_one_clear_line() {
    let taken = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = taken.local_addr().expect("a bound address").port();
    let server = run(bin!("01_basic", "server", "--port", port.to_string()), "");
    assert_eq!(
        server.assert_one_line_error(),
        format!(
            "error: port {port} is in use — is another lesson server running? try --port {}",
            port + 1
        )
    );
}

#[test]
fn a_bad_host_is_one_clear_line() {
    let client = run(bin!("01_basic", "client", "--host", "no such host!"), "");
    let error = client.assert_one_line_error();
    assert!(
        error.starts_with("error: cannot use host 'no such host!'"),
        "{error}"
    );
}

#[test]
fn help_says_what_the_lesson_shows_and_how_to_run_it() {
    let help = run(bin!("01_basic", "--help"), "");
    help.assert_success();
    assert!(
        help.stdout.contains("one send needs one recv"),
        "{}",
        help.stdout
    );
    assert!(
        help.stdout.contains("01_basic -- server"),
        "{}",
        help.stdout
    );
}

#[test]
fn a_client_that_closes_without_sending_gets_no_answer() {
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    drop(TcpStream::connect(server.addr).expect("the server listens"));
    server.expect_line("accepted a client");
    let server = server.finish();
    server.assert_success();
    assert_eq!(
        server.lines().last().map(String::as_str),
        Some(
            "[server] read 0 bytes: the client closed without sending anything; nothing to answer"
        )
    );
    assert!(!server.stdout.contains("then closing"), "{}", server.stdout);
}

/// The words `net::gone` gives a client whose connection the server reset.
#[test]
fn a_second_client_while_the_first_is_served_is_reset_and_told_why() {
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let mut first = TcpStream::connect(server.addr).expect("the server listens");
    server.expect_line("accepted a client");
    // The second client connects (the kernel queues it), sends, and waits for an answer that the
    // server, busy with the first, will never give.
    let mut second = Live::start(bin!("01_basic", "client", "--port", server.port()), "");
    second.expect_line("sending 39 bytes");
    first.write_all(b"first").expect("the server reads");
    let mut answer = String::new();
    first
        .read_to_string(&mut answer)
        .expect("the server answers");
    assert_eq!(answer, "萨瓦迪卡, client! (hello from the server)");
    server.finish().assert_success();
    // The server ended with the second connection still in its queue: the system resets it.
    let second = second.finish();
    if !wine::read_eof_for_reset(second.status.success()) {
        common::assert_server_reset(&second.assert_one_line_error());
    }
}

#[test]
fn a_server_that_vanishes_mid_conversation_is_named() {
    // A server that takes the message in but never reads it, and closes: a reset (RST).
    let (port, vanishing) = common::vanishing_server();
    let client = run(bin!("01_basic", "client", "--port", port.to_string()), "");
    vanishing.join().expect("the server thread ends");
    if !wine::read_eof_for_reset(client.status.success()) {
        assert_eq!(client.assert_one_line_error(), SERVER_RESET);
    }
}

#[test]
fn a_peer_s_control_bytes_never_reach_the_terminal_raw() {
    // A client that sends them to the lesson's server.
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let mut hostile = TcpStream::connect(server.addr).expect("the server listens");
    hostile.write_all(HOSTILE).expect("the server reads");
    let shown = server.expect_line("received");
    assert_eq!(
        shown,
        format!("[server] received 19 bytes: {HOSTILE_SHOWN}")
    );
    let server = server.finish();
    server.assert_success();
    assert_no_control_characters(&server.stdout);

    // A server that answers the lesson's client with them.
    let (port, answering) = common::hostile_server(39);
    let client = run(bin!("01_basic", "client", "--port", port.to_string()), "");
    answering.join().expect("the server thread ends");
    client.assert_success();
    assert!(client.stdout.contains(HOSTILE_SHOWN), "{}", client.stdout);
    assert_no_control_characters(&client.stdout);
}

#[test]
fn every_line_speaks_chinese_under_lang_zh() {
    let output = run(bin!("01_basic", "--lang", "zh"), "");
    output.assert_success();
    assert_chinese(&output.stdout);
}

#[test]
fn a_reset_is_told_in_chinese_too() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let vanishing = thread::spawn(move || {
        let (sock, _) = listener.accept().expect("the client connects");
        sock.peek(&mut [0u8; 1]).expect("the message arrives");
    });
    let client = run(
        bin!(
            "01_basic",
            "client",
            "--port",
            port.to_string(),
            "--lang",
            "zh"
        ),
        "",
    );
    vanishing.join().expect("the server thread ends");
    if wine::read_eof_for_reset(client.status.success()) {
        return;
    }
    assert!(!client.status.success());
    assert_eq!(
        client.stderr.trim_end(),
        "错误: 服务端在回复之前重置了连接 (RST, 不是正常关闭): 它被停止 (Ctrl-C) 或崩溃了, 或者没有读我们发的数据就关闭了, 或者它从未接受我们, 在我们还在它的队列里等待时就结束了"
    );
}

#[test]
fn an_empty_message_is_not_sent_and_nothing_hangs() {
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let client = run(
        bin!(
            "01_basic",
            "client",
            "--port",
            server.port(),
            "--message",
            ""
        ),
        "",
    );
    client.assert_success();
    assert!(
        client.lines()[1]
            .starts_with("[client] an empty message is 0 bytes, and 0 bytes send nothing"),
        "{client:#?}"
    );
    server.expect_line("read 0 bytes: the client closed without sending anything");
    server.finish().assert_success();
}

#[test]
fn a_long_message_is_shown_by_its_two_ends() {
    let long = "0123456789".repeat(300);
    let mut server = Live::server(bin!("01_basic", "server", "--port", "0"));
    let client = run(
        bin!(
            "01_basic",
            "client",
            "--port",
            server.port(),
            "--message",
            &long
        ),
        "",
    );
    // Not asserted: how the client ends. The server closes with 1976 bytes unread, so the
    // client gets the answer or a reset, whichever its read meets first.
    assert_eq!(
        client.lines()[1],
        "[client] sending 3000 bytes: '012345678901234567890123456789012'…'789012345678901234567890123456789'"
    );
    let line = server.expect_line("received");
    // recv(1024): the server takes the first 1024 bytes, and shows them by their two ends too.
    assert_eq!(
        line,
        "[server] received 1024 bytes: '012345678901234567890123456789012'…'123456789012345678901234567890123'"
    );
}
