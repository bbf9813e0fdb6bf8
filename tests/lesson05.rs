//! Lesson 05: the struct demo, framed messages in the demo and as two processes, the Python
//! peers built from the material's struct section, `compare`, and the `pack`/`unpack` calculator.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::thread;

use common::{Live, run};

/// Python peers built from the material's struct section (see the comments at their top).
const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/struct_server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/struct_client.py");

/// What the client prints once connected, every run: all of it before it writes.
const CLIENT_SENDS: [&str; 5] = [
    "[client] 4 frames back to back, then closing:",
    "[client]   frame 1: 07 00 00 00 + b'1234567'",
    "[client]   frame 2: 05 00 00 00 + b'abcde'",
    "[client]   frame 3: 05 00 00 00 + b'hhhhh'",
    "[client]   frame 4: 0c 00 00 00 + b'\\xe9\\xbb\\x8f\\xe5\\x8c\\x85\\xe9\\x97\\xae\\xe9\\xa2\\x98'",
];

/// What the server prints from `accepted` on, for the four messages.
const SERVER_READS: [&str; 6] = [
    "[server] length 07 00 00 00 = 7, then 7 bytes: '1234567'",
    "[server] length 05 00 00 00 = 5, then 5 bytes: 'abcde'",
    "[server] length 05 00 00 00 = 5, then 5 bytes: 'hhhhh'",
    "[server] length 0c 00 00 00 = 12, then 12 bytes: '黏包问题'",
    "[server] the client has closed, between two frames",
    "[note]   4 messages received, each whole: the length in front of each put the boundaries back",
];

// The demo's whole output is asserted once, by its page's transcript (lessons/05_struct_pack.md, run by
// tests/transcripts.rs); the tests here look at what a transcript cannot.

#[test]
fn the_struct_demo_measures_any_text_in_bytes() {
    let demo = run(bin!("05_struct_pack", "struct", "你好"), "");
    demo.assert_success();
    assert_eq!(
        demo.lines()[..2],
        [
            "[note]   text '你好': len(text) = 2 characters, but 6 bytes in UTF-8: pack len(text.encode('utf8')) = 6",
            "[note]   struct.pack('i', 6)  -> 06 00 00 00   b'\\x06\\x00\\x00\\x00'   little-endian, the material's",
        ]
    );
}

/// Start our server, run our client against it, return the server's lines.
fn two_processes() -> Vec<String> {
    let mut server = Live::server(bin!("05_struct_pack", "server", "--port", "0"));
    let client = run(
        bin!("05_struct_pack", "client", "--port", server.port()),
        "",
    );
    client.assert_success();
    assert_eq!(client.lines()[0], "[client] connecting to 127.0.0.1:PORT");
    assert_eq!(client.lines()[1..], CLIENT_SENDS);
    server.expect_line("each whole");
    let finished = server.finish();
    finished.assert_success();
    let lines = finished.lines();
    assert_eq!(lines[1], "[server] accepted a client from 127.0.0.1:PORT");
    // The listening line, then what the server read.
    [&lines[..1], &lines[2..]].concat()
}

#[test]
fn two_processes_get_the_four_messages_back() {
    let lines = two_processes();
    assert_eq!(lines[0], "[server] listening on 127.0.0.1:PORT");
    assert_eq!(lines[1..], SERVER_READS);
}

#[test]
fn our_server_reads_the_python_client_frames() {
    if !common::peer_available("python3") {
        return;
    }
    let mut server = Live::server(bin!("05_struct_pack", "server", "--port", "0"));
    let mut python = Command::new("python3");
    python.args([PY_CLIENT, &server.port()]);
    run(python, "").assert_success();
    server.expect_line("each whole");
    let finished = server.finish();
    finished.assert_success();
    assert_eq!(finished.lines()[2..], SERVER_READS);
}

#[test]
fn the_python_server_reads_our_frames() {
    if !common::peer_available("python3") {
        return;
    }
    let mut python = Command::new("python3");
    python.args([PY_SERVER, "0"]);
    let server = Live::server(python);
    let client = run(
        bin!("05_struct_pack", "client", "--port", server.port()),
        "",
    );
    client.assert_success();
    let finished = server.finish();
    finished.assert_success();
    assert_eq!(
        finished.lines()[1..],
        ["1234567", "abcde", "hhhhh", "黏包问题"]
    );
}

/// Send `bytes` to a lesson 05 server and close; return how the server ended.
fn server_after_sending(bytes: &[u8]) -> common::Finished {
    let server = Live::server(bin!("05_struct_pack", "server", "--port", "0"));
    let mut sock = TcpStream::connect(server.addr).expect("the server accepts");
    sock.write_all(bytes).expect("the server reads");
    drop(sock);
    server.finish()
}

#[test]
fn a_frame_cut_short_is_one_clear_line() {
    let server = server_after_sending(b"\x05\x00\x00\x00abc");
    assert_eq!(
        server.assert_one_line_error(),
        "error: connection closed inside a frame: 3 of 5 bytes of its body arrived; what arrived: b'\\x05\\x00\\x00\\x00abc'"
    );
    let server = server_after_sending(b"\x05\x00");
    assert_eq!(
        server.assert_one_line_error(),
        "error: connection closed inside a frame's length: 2 of 4 bytes arrived; what arrived: b'\\x05\\x00'"
    );
}

#[test]
fn a_peer_not_speaking_frames_is_refused_before_any_allocation() {
    let server = server_after_sending(b"GET / HTTP/1.1\r\n\r\n");
    assert_eq!(
        server.assert_one_line_error(),
        "error: a frame announced 542393671 bytes, over the 65536-byte limit; what arrived: b'GET '"
    );
}

/// Characters that act on a terminal: ESC (colors, cursor moves, window titles), BEL, CR (back
/// to the start of the line), backspace. None may leave a lesson as itself.
fn assert_no_control_characters(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "raw control characters {bad:?} in {text:?}");
}

#[test]
fn a_peers_control_characters_reach_the_screen_escaped() {
    // A whole frame whose body would turn the terminal red, beep, and overwrite the line.
    let body = b"\x1b[31mred\x07\rX\x08";
    let mut bytes = (body.len() as i32).to_le_bytes().to_vec();
    bytes.extend_from_slice(body);
    let server = server_after_sending(&bytes);
    server.assert_success();
    assert_no_control_characters(&server.stdout);
    assert!(
        server
            .stdout
            .contains(r"then 12 bytes: '\x1b[31mred\x07\rX\x08'"),
        "{}",
        server.stdout
    );
}

#[test]
fn a_lying_length_shows_the_peers_bytes_escaped() {
    // 16 bytes announced, a window-title escape sent, then the peer closes: the error shows
    // what arrived, escaped, never the escape itself.
    let server = server_after_sending(b"\x10\x00\x00\x00\x1b]0;pwned\x07");
    let error = server.assert_one_line_error();
    assert_no_control_characters(&server.stderr);
    assert!(
        error.ends_with(r"what arrived: b'\x10\x00\x00\x00\x1b]0;pwned\x07'"),
        "{error}"
    );
    // A long body is cut in the error: the 4 length bytes, 32 of the body, then "...".
    let mut long = 100i32.to_le_bytes().to_vec();
    long.extend_from_slice(&[b'\x1b'; 50]);
    let server = server_after_sending(&long);
    let error = server.assert_one_line_error();
    let shown = format!(r"b'd\x00\x00\x00{}'...", r"\x1b".repeat(32));
    assert!(error.ends_with(&shown), "{error}");
}

#[test]
fn one_message_of_one_byte_is_singular() {
    let server = server_after_sending(b"\x01\x00\x00\x00x");
    server.assert_success();
    let lines = server.lines();
    assert!(lines.contains(&"[server] length 01 00 00 00 = 1, then 1 byte: 'x'".to_string()));
    assert!(
        lines
            .iter()
            .any(|line| line.starts_with("[note]   1 message received,"))
    );
}

/// Is there a Chinese character in `line`? (The CJK Unified Ideographs block is enough for
/// the course's Chinese.)
fn has_cjk(line: &str) -> bool {
    line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_line_and_error_has_its_chinese_form() {
    let mut lines = Vec::new();
    for args in [
        &[][..],
        &["compare"],
        &["struct", "你好", "a"],
        &["pack", "15"],
        &["unpack", "0f 00 00 00"],
    ] {
        let zh = in_chinese(args);
        zh.assert_success();
        lines.extend(zh.lines());
    }
    // Every line speaks Chinese, but the rows of compare's table, which only show bytes.
    for line in &lines {
        let only_bytes = line
            .trim_start_matches("[note]")
            .split_whitespace()
            .all(|cell| cell.starts_with("b'"));
        assert!(has_cjk(line) || only_bytes, "no Chinese in {line:?}");
    }
    for args in [
        &["pack", "3000000000"][..],
        &["pack", "fifteen"],
        &["unpack", "0f 00"],
        &["unpack", "0g 00 00 00"],
        &["unpack", "f 00 00 00"],
    ] {
        let zh = in_chinese(args);
        assert!(!zh.status.success());
        assert_chinese_error(&zh.stderr);
    }
    assert_chinese_error(&chinese_server_after_sending(b"GET / HTTP/1.1\r\n\r\n"));
    assert_chinese_error(&chinese_server_after_sending(b"\x05\x00\x00\x00abc"));
}

/// `server_after_sending` for a server speaking Chinese; returns its stderr. (`Live::server`
/// waits for the English `listening on`: this one reads the first line, `正在监听 ADDR`, itself.)
fn chinese_server_after_sending(bytes: &[u8]) -> String {
    let mut command = bin!("05_struct_pack", "--lang", "zh", "server", "--port", "0");
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = command.spawn().expect("the lesson server starts");
    let (stdout, stderr) = (child.stdout.take(), child.stderr.take());
    let (send_line, first) = mpsc::channel();
    thread::spawn(move || {
        // The first line, then every other one, so the server never writes into a closed pipe.
        for line in BufReader::new(stdout.expect("stdout is piped")).lines() {
            let _ = send_line.send(line.unwrap_or_default());
        }
    });
    let (send_errors, errors) = mpsc::channel();
    thread::spawn(move || {
        let mut text = String::new();
        let _ = stderr.expect("stderr is piped").read_to_string(&mut text);
        let _ = send_errors.send(text);
    });
    let first = first.recv_timeout(common::DEADLINE).expect("a first line");
    let addr: std::net::SocketAddr = first
        .strip_prefix("[server] 正在监听 ")
        .and_then(|addr| addr.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    let mut sock = TcpStream::connect(addr).expect("the server accepts");
    sock.write_all(bytes).expect("the server reads");
    drop(sock);
    // stderr reaches its end when the server has ended.
    let errors = errors.recv_timeout(common::DEADLINE);
    let _ = child.kill();
    let status = child.wait().expect("waiting for the server");
    assert!(!status.success(), "{errors:?}");
    errors.expect("the server ends")
}

fn in_chinese(args: &[&str]) -> common::Finished {
    let mut command = bin!("05_struct_pack", "--lang", "zh");
    command.args(args);
    run(command, "")
}

/// One error line, tagged `错误:`, with Chinese words after the tag.
fn assert_chinese_error(stderr: &str) {
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let words = stderr.strip_prefix("错误: ").unwrap_or_default();
    assert!(has_cjk(words), "{stderr}");
}

#[test]
fn compare_shows_raw_and_framed_reads_side_by_side() {
    let compare = run(bin!("05_struct_pack", "compare"), "");
    compare.assert_success();
    assert_eq!(
        compare.lines(),
        [
            "[note]   the same 3 messages, sent twice over loopback, read two ways:",
            "[note]   sent: 3 writes   raw read(5), lesson 04   recv_frame, lesson 05",
            "[note]   b'1234567'       b'12345'                 b'1234567'",
            "[note]   b'abcde'         b'67abc'                 b'abcde'",
            "[note]   b'hhhhh'         b'dehhh'                 b'hhhhh'",
            "[note]                    b'hh'",
            "[note]   raw reads: 4 pieces, cut where the buffer was full; framed reads: 3 messages, each whole",
        ]
    );
}

#[test]
fn pack_shows_both_byte_orders() {
    for (number, little, big) in [
        ("15", "0f 00 00 00", "00 00 00 0f"),
        ("-1", "ff ff ff ff", "ff ff ff ff"),
        ("2147483647", "ff ff ff 7f", "7f ff ff ff"),
        ("-2147483648", "00 00 00 80", "80 00 00 00"),
    ] {
        let pack = run(bin!("05_struct_pack", "pack", number), "");
        pack.assert_success();
        let lines = pack.lines();
        assert_eq!(lines.len(), 2, "{lines:#?}");
        assert!(
            lines[0].contains(&format!("struct.pack('i', {number})"))
                && lines[0].contains(&format!("-> {little}   ")),
            "{lines:#?}"
        );
        assert!(
            lines[1].contains(&format!("struct.pack('!i', {number}) -> {big}   ")),
            "{lines:#?}"
        );
    }
}

#[test]
fn pack_refuses_what_does_not_fit_in_four_bytes() {
    for (number, error) in [
        (
            "2147483648",
            "error: 2147483648 does not fit in struct 'i': 4 bytes hold -2147483648 to 2147483647",
        ),
        (
            "-2147483649",
            "error: -2147483649 does not fit in struct 'i': 4 bytes hold -2147483648 to 2147483647",
        ),
        (
            "fifteen",
            "error: 'fifteen' is not a whole number: try pack 15",
        ),
        ("1.5", "error: '1.5' is not a whole number: try pack 15"),
    ] {
        let pack = run(bin!("05_struct_pack", "pack", number), "");
        assert_eq!(pack.assert_one_line_error(), error);
    }
}

#[test]
fn unpack_reads_four_bytes_in_both_orders() {
    let expected = [
        "[note]   struct.unpack('i', b'\\x0f\\x00\\x00\\x00')  -> (15,)          little-endian, the material's",
        "[note]   struct.unpack('!i', b'\\x0f\\x00\\x00\\x00') -> (251658240,)   big-endian, network byte order",
    ];
    let spaced = run(bin!("05_struct_pack", "unpack", "0f 00 00 00"), "");
    let packed = run(bin!("05_struct_pack", "unpack", "0f000000"), "");
    let unquoted = run(bin!("05_struct_pack", "unpack", "0f", "00", "00", "00"), "");
    for unpack in [spaced, packed, unquoted] {
        unpack.assert_success();
        assert_eq!(unpack.lines(), expected);
    }
}

#[test]
fn unpack_refuses_anything_but_four_bytes_of_hex() {
    for (hex, error) in [
        (
            "0f 00 00",
            "error: 3 bytes given (0f 00 00), but struct 'i' unpacks exactly 4: try unpack 0f 00 00 00",
        ),
        (
            "0f 00 00 00 00",
            "error: 5 bytes given (0f 00 00 00 00), but struct 'i' unpacks exactly 4: try unpack 0f 00 00 00",
        ),
        (
            "0g 00 00 00",
            "error: '0g 00 00 00' is not hex ('g' is not a hex digit): try unpack 0f 00 00 00",
        ),
        (
            "f 00 00 00",
            "error: 'f 00 00 00' has 7 hex digits, not whole bytes: a byte is 2 digits, try unpack 0f 00 00 00",
        ),
    ] {
        let unpack = run(bin!("05_struct_pack", "unpack", hex), "");
        assert_eq!(unpack.assert_one_line_error(), error);
    }
}

#[test]
fn a_client_without_a_server_is_told_how_to_start_one() {
    let refused = common::RefusedPort::new();
    let port = refused.port;
    let client = run(
        bin!("05_struct_pack", "client", "--port", port.to_string()),
        "",
    );
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: could not connect to 127.0.0.1:{port} — start the server first: cargo run --bin 05_struct_pack -- server --port {port}"
        )
    );
}

/// Lesson 05 writes `send_frame`, `recv_frame` and `read_full` in its own file, where the
/// student reads them; the library's `frame` module has the same lines for lesson 06. A change
/// to one that is not made to the other fails here.
#[test]
fn the_library_frames_are_lesson_05s_own_lines() {
    let lesson = include_str!("../src/bin/05_struct_pack/main.rs");
    let library = include_str!("../src/sockets/frame.rs");
    // From the first line of `send_frame`'s body to the end of `read_full`.
    let functions = |source: &str| -> String {
        let start = source
            .find("    let len = i32::try_from(body.len())")
            .expect("send_frame");
        let end = source[start..].find("fn read_full").expect("read_full") + start;
        let end = source[end..]
            .find("\n}\n")
            .map(|i| i + end + 3)
            .expect("read_full ends");
        source[start..end].replace("pub fn ", "fn ")
    };
    let (ours, theirs) = (functions(lesson), functions(library));
    assert!(ours.contains("fn recv_frame") && ours.contains("fn read_full"));
    assert_eq!(
        ours, theirs,
        "lesson 05 and src/sockets/frame.rs have drifted apart"
    );
}
