//! Lesson 01: the demo, the two sides as two processes, `nc` as a client, the classroom errors,
//! and the classroom moments: a client that says nothing, a second client while the first is
//! served, a server that vanishes, a peer that sends terminal control bytes.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;

use common::{DEADLINE, Finished, Server, run};

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

#[test]
fn a_client_that_closes_without_sending_gets_no_answer() {
    let mut server = Server::start(bin!("01_basic", "server", "--port", "0"));
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
const SERVER_RESET: &str = "error: the server reset the connection (an RST, not a clean close): it closed without reading what we sent, maybe because it was busy with another client and then ended";

#[test]
fn a_second_client_while_the_first_is_served_is_reset_and_told_why() {
    let mut server = Server::start(bin!("01_basic", "server", "--port", "0"));
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
    let error = second.finish().assert_one_line_error();
    if cfg!(target_os = "linux") {
        assert_eq!(error, SERVER_RESET);
    } else {
        assert!(error.starts_with("error: the server "), "{error}");
    }
}

#[test]
fn a_server_that_vanishes_mid_conversation_is_named() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    // A server that takes the message in but never reads it, and closes: unread bytes make the
    // close a reset (RST), the way a crashed or killed server's often is.
    let vanishing = thread::spawn(move || {
        let (sock, _) = listener.accept().expect("the client connects");
        sock.peek(&mut [0u8; 1]).expect("the message arrives");
    });
    let client = run(bin!("01_basic", "client", "--port", port.to_string()), "");
    vanishing.join().expect("the server thread ends");
    assert_eq!(client.assert_one_line_error(), SERVER_RESET);
}

/// ESC (clear the screen, recolor), BEL, carriage return, backspace: what a peer could do to the
/// teacher's terminal if its bytes were printed raw.
const HOSTILE: &[u8] = b"\x1b[2J\x1b[31mred\x07\rover\x08";

/// The same bytes as `text::quoted` shows them.
const HOSTILE_SHOWN: &str = r#""\u{1b}[2J\u{1b}[31mred\u{7}\rover\u{8}""#;

fn assert_no_control_characters(output: &str) {
    assert!(
        !output.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the terminal: {output:?}"
    );
}

#[test]
fn a_peer_s_control_bytes_never_reach_the_terminal_raw() {
    // A client that sends them to the lesson's server.
    let mut server = Server::start(bin!("01_basic", "server", "--port", "0"));
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
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let answering = thread::spawn(move || {
        let (mut sock, _) = listener.accept().expect("the client connects");
        sock.read_exact(&mut [0u8; 39])
            .expect("the client sends its 39 bytes");
        sock.write_all(HOSTILE).expect("the client reads");
    });
    let client = run(bin!("01_basic", "client", "--port", port.to_string()), "");
    answering.join().expect("the server thread ends");
    client.assert_success();
    assert!(client.stdout.contains(HOSTILE_SHOWN), "{}", client.stdout);
    assert_no_control_characters(&client.stdout);
}

/// A lesson process whose stdout lines the test sees as they are printed, to act at the right
/// moment (`Server` does the same for servers, from their `listening on` line).
struct Live {
    child: Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Live {
    /// Start `command` with `input` as its whole stdin.
    fn start(mut command: Command, input: &'static str) -> Live {
        command
            .env_remove("NO_COLOR")
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the lesson starts");
        let mut stdin = child.stdin.take().expect("stdin is piped");
        thread::spawn(move || stdin.write_all(input.as_bytes()));
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|line| line.ok()) {
                if send.send(line).is_err() {
                    break;
                }
            }
        });
        Live {
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// Wait for the next line containing `text`; fail after [`DEADLINE`].
    fn expect_line(&mut self, text: &str) {
        while let Ok(line) = self.lines.recv_timeout(DEADLINE) {
            self.seen.push(line);
            if self.seen.last().is_some_and(|line| line.contains(text)) {
                return;
            }
        }
        let _ = self.child.kill();
        panic!("no line with {text:?}; seen: {:#?}", self.seen);
    }

    /// Wait for the process to end; everything it printed, and how it ended.
    fn finish(mut self) -> Finished {
        let mut stderr = String::new();
        let mut pipe = self.child.stderr.take().expect("stderr is piped");
        let err = thread::spawn(move || pipe.read_to_string(&mut stderr).map(|_| stderr));
        // The line channel closes when the process's stdout does, at its end.
        loop {
            match self.lines.recv_timeout(DEADLINE) {
                Ok(line) => self.seen.push(line),
                Err(RecvTimeoutError::Disconnected) => break,
                Err(RecvTimeoutError::Timeout) => {
                    let _ = self.child.kill();
                    panic!("the process did not end; seen: {:#?}", self.seen);
                }
            }
        }
        let stderr = err.join().expect("stderr is read").unwrap_or_default();
        let status = self.child.wait().expect("the process ends");
        Finished {
            status,
            stdout: self.seen.join("\n"),
            stderr,
        }
    }
}

/// Issue 11's rule: under `--lang zh`, every tagged line holds Chinese, unless it only shows
/// bytes, numbers or addresses.
fn assert_chinese(output: &str) {
    let cjk = |c: char| ('\u{4e00}'..='\u{9fff}').contains(&c);
    for line in output.lines() {
        assert!(
            line.chars().any(cjk),
            "a line without Chinese: {line:?}\n{output}"
        );
    }
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
    assert!(!client.status.success());
    assert_eq!(
        client.stderr.trim_end(),
        "错误: 服务端重置了连接 (RST, 不是正常关闭): 它没有读我们发的数据就关闭了, 可能它正忙于另一个客户端, 然后结束了"
    );
}
