//! Lesson 01: the demo, the two sides as two processes, `nc` as a client, the classroom errors.

mod common;

use std::io::Write;
use std::net::TcpListener;

use common::{Server, run};

#[test]
fn the_demo_is_one_exchange_in_order() {
    let demo = run(bin!("01_basic"), "");
    demo.assert_success();
    assert_eq!(
        demo.lines(),
        [
            "[server] listening on 127.0.0.1:PORT",
            "[client] connecting to 127.0.0.1:PORT",
            "[server] accepted a client from 127.0.0.1:PORT",
            "[client] sending 39 bytes: \"你好, server! (hello from the client)\"",
            "[server] received 39 bytes: \"你好, server! (hello from the client)\"",
            "[server] sending 45 bytes, then closing: \"萨瓦迪卡, client! (hello from the server)\"",
            "[client] received 45 bytes: \"萨瓦迪卡, client! (hello from the server)\"",
            "[client] closing",
        ]
    );
}

#[test]
fn server_and_client_work_as_two_processes() {
    let mut server = Server::start(bin!("01_basic", "server", "--port", "0"));
    let port = server.port();
    let client = run(
        bin!("01_basic", "client", "--port", &port, "--message", "早上好"),
        "",
    );
    client.assert_success();
    assert_eq!(
        client.lines()[1..],
        [
            "[client] sending 9 bytes: \"早上好\"",
            "[client] received 45 bytes: \"萨瓦迪卡, client! (hello from the server)\"",
            "[client] closing",
        ]
    );
    server.expect_line("received 9 bytes: \"早上好\"");
    server.finish().assert_success();
}

#[test]
fn nc_is_a_client_too() {
    if !common::peer_available("nc") {
        return;
    }
    let mut server = Server::start(bin!("01_basic", "server", "--port", "0"));
    let (nc, mut stdin) = common::nc(&server);
    stdin
        .write_all("hello from nc\n".as_bytes())
        .expect("nc reads its stdin");
    server.expect_line("received 14 bytes: \"hello from nc\\n\"");
    drop(stdin);
    let nc = common::wait(nc);
    assert_eq!(nc.stdout, "萨瓦迪卡, client! (hello from the server)");
    server.finish().assert_success();
}

#[test]
fn a_client_without_a_server_is_told_how_to_start_one() {
    // A port that was free a moment ago and has no listener now: connecting is refused.
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
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
