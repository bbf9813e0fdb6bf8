//! Lesson 06: the demo, a file through two processes, the material's Python programs in both
//! directions, and every header a lying server can send, each one refused without a trace.

mod common;
#[path = "common/wine.rs"]
mod wine;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;
use std::time::Duration;

use common::{Finished, Live, Server, run};
use tempfile::TempDir;

/// What the demo sends: the lesson's source, as the binary has it built in.
const SOURCE: &str = include_str!("../src/bin/06_final_file/main.rs");

const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/file_server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/file_client.py");

/// A name with Chinese characters and spaces: UTF-8 in the JSON, one argument on the command line.
const CHINESE_NAME: &str = "课程 笔记 notes.txt";

/// Replace the timing at the end of a line, `... bytes in 0.02 s (91.20 MiB/s)` or `... bytes
/// in under 0.01 s`, by `... bytes in [..]`: the one part of the output that changes from run to
/// run.
fn hide_timing(line: &str) -> String {
    match line.rfind(" bytes in ") {
        Some(at) if line.ends_with("/s)") || line.ends_with(" in under 0.01 s") => {
            format!("{} bytes in [..]", &line[..at])
        }
        _ => line.to_string(),
    }
}

fn lines(stdout: &[String]) -> Vec<String> {
    stdout.iter().map(|line| hide_timing(line)).collect()
}

/// The 4 length bytes of a header of `len` bytes, as the lesson prints them: `6e 00 00 00`.
fn hex_len(len: usize) -> String {
    socket_lessons::words::text::hex(&(len as i32).to_le_bytes())
}

fn scratch() -> TempDir {
    tempfile::tempdir().expect("a scratch folder")
}

/// A folder with one file in it, `name` holding `bytes`; returns the folder and the file's path.
fn folder_with(name: &str, bytes: &[u8]) -> (TempDir, std::path::PathBuf) {
    let folder = scratch();
    let path = folder.path().join(name);
    fs::write(&path, bytes).expect("the test file is written");
    (folder, path)
}

/// Every byte value, over and over: more than one buffer's worth, and not text.
fn all_byte_values() -> Vec<u8> {
    (0..=255u8).cycle().take(256 * 1024 + 100).collect()
}

/// The names in a folder, sorted.
fn names_in(folder: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(folder)
        .expect("the folder can be listed")
        .map(|entry| {
            entry
                .expect("a folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

#[test]
fn the_demo_sends_the_lessons_source_and_checks_the_copy() {
    let demo = run(bin!("06_final_file"), "");
    demo.assert_success();
    let size = SOURCE.len();
    let json = format!(
        r#"{{"file_name":"06_final_file.rs","file_desc":"本课的源代码 (this lesson's own source)","file_size":{size}}}"#
    );
    let len = json.len();
    let hex = hex_len(len);
    assert_eq!(
        lines(&demo.lines()),
        [
            "[note]   the server sends this lesson's source; the client saves it in a scratch folder".to_string(),
            "[server] listening on 127.0.0.1:PORT".to_string(),
            "[server] ready to send '06_final_file.rs'".to_string(),
            "[client] connecting to 127.0.0.1:PORT".to_string(),
            "[server] accepted a client from 127.0.0.1:PORT".to_string(),
            format!("[server] sending the header: 4 bytes of length ({hex}), then {len} bytes of JSON: {json}; then the file's {size} bytes"),
            format!("[client] received a header: 4 bytes of length ({hex} = {len}, little-endian), then {len} bytes"),
            "[client] file name: '06_final_file.rs'".to_string(),
            "[client] description: \"本课的源代码 (this lesson's own source)\"".to_string(),
            format!("[client] size: {size} bytes"),
            format!("[client] writing '.06_final_file.rs-??????.part' (?????? is random): it gets its real name only once all {size} bytes are in"),
            format!("[client] received {size} bytes in [..]"),
            "[client] renamed '.06_final_file.rs-??????.part' to '06_final_file.rs'".to_string(),
            format!("[server] 127.0.0.1:PORT has the file and closed the connection: sent {size} bytes in [..]"),
            format!("[note]   the saved copy is identical to the source, byte for byte ({size} bytes); removing the scratch folder"),
        ]
    );
}

#[test]
fn the_demo_removes_its_scratch_folder() {
    // The demo's folder has a random name (`socket-lessons-06-XXXXXX`), made in the system's
    // temp folder: give the demo a temp folder of this test's own, and look at what is left
    // in it. TMPDIR on Unix, TMP and TEMP on Windows: where `std::env::temp_dir` looks.
    let temp = scratch();
    let mut demo = bin!("06_final_file");
    for name in ["TMPDIR", "TMP", "TEMP"] {
        demo.env(name, temp.path());
    }
    run(demo, "").assert_success();
    assert_eq!(names_in(temp.path()), Vec::<String>::new(), "left behind");
}

#[test]
fn a_file_with_a_chinese_name_goes_through_two_processes() {
    let text = "第一行 the first line\n第二行 the second line\n".as_bytes();
    let (_served, path) = folder_with(CHINESE_NAME, text);
    let desc = "课堂笔记";
    let mut server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--once",
        "--file",
        &path,
        "--desc",
        desc
    ));
    let out = scratch();
    let client = receive(&server.port(), out.path(), &[]);
    client.assert_success();
    let size = text.len();
    let len =
        format!(r#"{{"file_name":"{CHINESE_NAME}","file_desc":"{desc}","file_size":{size}}}"#)
            .len();
    let hex = hex_len(len);
    assert_eq!(
        lines(&client.lines()[1..]),
        [
            format!(
                "[client] received a header: 4 bytes of length ({hex} = {len}, little-endian), then {len} bytes"
            ),
            format!("[client] file name: '{CHINESE_NAME}'"),
            format!("[client] description: '{desc}'"),
            format!("[client] size: {size} bytes"),
            format!(
                "[client] writing '.{CHINESE_NAME}-??????.part' (?????? is random): it gets its real name only once all {size} bytes are in"
            ),
            format!("[client] received {size} bytes in [..]"),
            format!("[client] renamed '.{CHINESE_NAME}-??????.part' to '{CHINESE_NAME}'"),
        ]
    );
    assert_eq!(fs::read(out.path().join(CHINESE_NAME)).unwrap(), text);
    assert_eq!(names_in(out.path()), [CHINESE_NAME]);
    server.expect_line("has the file and closed the connection");
    server.finish().assert_success();
}

#[test]
fn every_byte_value_arrives_unchanged() {
    let bytes = all_byte_values();
    let (_served, path) = folder_with("all bytes.bin", &bytes);
    let server = serve_once(&path);
    let out = scratch();
    let client = receive(&server.port(), out.path(), &[]);
    client.assert_success();
    assert!(fs::read(out.path().join("all bytes.bin")).unwrap() == bytes);
    server.finish().assert_success();
}

#[test]
fn an_empty_file_is_a_header_and_no_bytes() {
    let (_served, path) = folder_with("empty.txt", b"");
    let server = serve_once(&path);
    let out = scratch();
    let client = receive(&server.port(), out.path(), &[]);
    client.assert_success();
    assert_eq!(fs::read(out.path().join("empty.txt")).unwrap(), b"");
    server.finish().assert_success();
}

#[test]
fn the_server_serves_client_after_client() {
    let (_served, path) = folder_with("notes.txt", b"the same file for everyone\n");
    let mut server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--file",
        &path
    ));
    for _ in 0..3 {
        let out = scratch();
        let client = receive(&server.port(), out.path(), &[]);
        client.assert_success();
        assert_eq!(
            fs::read(out.path().join("notes.txt")).unwrap(),
            b"the same file for everyone\n"
        );
        server.expect_line("has the file and closed the connection");
    }
}

#[test]
fn a_client_that_leaves_mid_transfer_is_one_line_and_the_server_goes_on() {
    // 64 MiB, made in an instant (a sparse file): far more than the socket buffers hold, so the
    // server is still sending when the client leaves.
    let served = scratch();
    let path = served.path().join("big.bin");
    let size: u64 = 64 * 1024 * 1024;
    fs::File::create(&path)
        .and_then(|file| file.set_len(size))
        .expect("the big file is made");
    let mut server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--file",
        &path
    ));

    // This client reads the header's length and leaves; closing with bytes unread sends RST.
    let mut sock = TcpStream::connect(server.addr).expect("the server accepts");
    let mut len = [0u8; 4];
    sock.read_exact(&mut len)
        .expect("the header's length arrives");
    drop(sock);
    let left = server.expect_line("stopped sending after ");
    // The count is the bytes that went out, read before the bar was cleared: never the whole.
    let sent: u64 = between(&left, "stopped sending after ", " of ")
        .parse()
        .unwrap();
    assert!(sent < size, "{left}");
    assert!(
        left.contains(&format!(
            " of {size} bytes: the client reset the connection"
        )) || left.contains(&format!(" of {size} bytes: the client had already closed")),
        "{left}"
    );
    assert!(!left.contains("os error"), "{left}");

    // The next client gets the whole file.
    let out = scratch();
    let client = receive(&server.port(), out.path(), &[]);
    client.assert_success();
    assert_eq!(
        fs::metadata(out.path().join("big.bin")).unwrap().len(),
        size
    );
    server.expect_line("has the file and closed the connection");
}

#[test]
fn an_existing_file_is_kept_unless_force() {
    let (_served, path) = folder_with("notes.txt", b"new notes\n");
    let (out, _) = folder_with("notes.txt", b"my own notes, not to be lost\n");

    let server = serve_once(&path);
    let client = receive(&server.port(), out.path(), &[]);
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: 'notes.txt' already exists in {}: use --force to replace it",
            out.path().display()
        )
    );
    assert_eq!(names_in(out.path()), ["notes.txt"]);
    assert_eq!(
        fs::read(out.path().join("notes.txt")).unwrap(),
        b"my own notes, not to be lost\n"
    );
    drop(server);

    let server = serve_once(&path);
    let client = receive(&server.port(), out.path(), &["--force"]);
    client.assert_success();
    assert_eq!(
        fs::read(out.path().join("notes.txt")).unwrap(),
        b"new notes\n"
    );
    assert_eq!(names_in(out.path()), ["notes.txt"]);
    server.finish().assert_success();
}

#[test]
fn a_missing_out_folder_is_one_clear_line() {
    let out = scratch();
    let missing = out.path().join("no such folder");
    let client = run(bin!("06_final_file", "client", "--out", &missing), "");
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: cannot save into {}: there is no such folder (create it, or choose another with --out)",
            missing.display()
        )
    );
    assert!(!missing.exists());
}

#[test]
fn a_missing_file_is_refused_before_listening() {
    let folder = scratch();
    let missing = folder.path().join("nothing.txt");
    let server = run(
        bin!("06_final_file", "server", "--port", "0", "--file", &missing),
        "",
    );
    assert_eq!(
        server.assert_one_line_error(),
        format!(
            "error: cannot send {}: there is no such file",
            missing.display()
        )
    );
    assert_eq!(
        server.stdout, "",
        "nothing before the error, not even `listening on`"
    );
}

#[test]
fn a_folder_is_not_a_file_to_send() {
    let folder = scratch();
    let server = run(
        bin!(
            "06_final_file",
            "server",
            "--port",
            "0",
            "--file",
            folder.path()
        ),
        "",
    );
    assert_eq!(
        server.assert_one_line_error(),
        format!(
            "error: cannot send {}: it is a folder, not a file",
            folder.path().display()
        )
    );
}

#[test]
fn a_description_too_long_for_a_header_is_refused_at_start() {
    let (_served, path) = folder_with("notes.txt", b"notes\n");
    // Over 65536 bytes of JSON, under Windows' 32,767 characters of command line: "课" is three
    // bytes in UTF-8 and one UTF-16 unit on a Windows command line.
    let desc = "课".repeat(22_000);
    let server = run(
        bin!(
            "06_final_file",
            "server",
            "--port",
            "0",
            "--file",
            &path,
            "--desc",
            &desc
        ),
        "",
    );
    let error = server.assert_one_line_error();
    assert!(
        error.ends_with("bytes, over the 65536-byte limit: shorten --desc"),
        "{error}"
    );
}

#[test]
fn a_client_without_a_server_is_told_how_to_start_one() {
    let (_held, port) = held_port();
    let out = scratch();
    let client = receive(&port.to_string(), out.path(), &[]);
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: could not connect to 127.0.0.1:{port} — start the server first: cargo run --bin 06_final_file -- server --port {port}"
        )
    );
}

/// A port nobody listens on, and nobody else can take while the returned socket lives: a
/// socket bound to it and never told to listen. A connection to it is refused.
fn held_port() -> (socket2::Socket, u16) {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).expect("a socket");
    let any: std::net::SocketAddr = "127.0.0.1:0".parse().expect("an address");
    socket.bind(&any.into()).expect("a port of its own");
    let port = socket
        .local_addr()
        .ok()
        .and_then(|addr| addr.as_socket())
        .expect("a bound address")
        .port();
    (socket, port)
}

#[test]
fn help_says_what_the_lesson_shows_and_how_to_run_it() {
    let help = run(bin!("06_final_file", "--help"), "");
    help.assert_success();
    assert!(help.stdout.contains("a JSON header"), "{}", help.stdout);
    assert!(
        help.stdout.contains("06_final_file -- server --file"),
        "{}",
        help.stdout
    );
}

// ---------------------------------------------------------------------------------------------
// Lying servers: each sends crafted bytes; our client must refuse in one line, exit non-zero,
// and leave nothing behind.

/// `server --port 0 --once --file PATH`: a server for one client.
fn serve_once(path: impl AsRef<std::ffi::OsStr>) -> Server {
    Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--once",
        "--file",
        path
    ))
}

/// `client --port PORT --out DIR` and `extra` arguments, run to the end.
fn receive(port: &str, out: impl AsRef<std::ffi::OsStr>, extra: &[&str]) -> Finished {
    let mut client = bin!("06_final_file", "client", "--port", port, "--out", out);
    client.args(extra);
    run(client, "")
}

/// A header frame as the material builds it: `struct.pack('i', len)`, then the bytes.
fn frame(body: &[u8]) -> Vec<u8> {
    let mut wire = (body.len() as i32).to_le_bytes().to_vec();
    wire.extend_from_slice(body);
    wire
}

/// Start a server that accepts one client, sends it `wire` and closes; return its port.
fn lying_server(wire: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    thread::spawn(move || {
        if let Ok((mut sock, _)) = listener.accept() {
            let _ = sock.write_all(&wire);
        }
    });
    port
}

/// Run our client against a server that sends `wire`. It must fail with exactly `error`, and
/// leave nothing behind: not in its `--out` folder, and not next to it (`../x`).
fn assert_refused(wire: impl Into<Vec<u8>>, error: &str) {
    let root = scratch();
    let out = root.path().join("out");
    fs::create_dir(&out).expect("the out folder is made");
    let port = lying_server(wire.into());
    let client = receive(&port.to_string(), &out, &[]);
    assert_eq!(client.assert_one_line_error(), format!("error: {error}"));
    assert_eq!(names_in(&out), Vec::<String>::new(), "left in --out");
    assert_eq!(names_in(root.path()), ["out"], "left next to --out");
}

/// A header with these JSON fields, framed.
fn header(json: &str) -> Vec<u8> {
    frame(json.as_bytes())
}

#[test]
fn a_negative_header_length_is_refused() {
    assert_refused(
        *b"\xff\xff\xff\xff{}",
        "refusing the header: a frame announced a negative length (-1)",
    );
}

#[test]
fn a_zero_header_length_is_refused() {
    assert_refused(
        *b"\x00\x00\x00\x00",
        "refusing the header: its length is 0, and an empty header is not JSON",
    );
}

#[test]
fn a_header_length_over_64_kib_is_refused() {
    assert_refused(
        65_537i32.to_le_bytes(),
        "refusing the header: a frame announced 65537 bytes, over the 65536-byte limit",
    );
}

#[test]
fn an_http_request_is_not_a_header() {
    assert_refused(
        *b"GET / HTTP/1.1\r\n\r\n",
        "refusing the header: a frame announced 542393671 bytes, over the 65536-byte limit",
    );
}

#[test]
fn a_server_that_closes_at_once_sent_no_header() {
    assert_refused(
        *b"",
        "the server closed the connection before sending a header",
    );
}

#[test]
fn a_server_that_closes_inside_the_length_is_refused() {
    assert_refused(
        *b"\x10\x00",
        "the header did not arrive: connection closed inside a frame's length: 2 of 4 bytes arrived",
    );
}

#[test]
fn a_server_that_closes_inside_the_header_is_refused() {
    assert_refused(
        *b"\x10\x00\x00\x00{\"file",
        "the header did not arrive: connection closed inside a frame: 6 of 16 bytes of its body arrived",
    );
}

#[test]
fn a_header_that_is_not_utf8_is_refused() {
    assert_refused(
        frame(b"{\"file_name\":\"\xff\xfe\"}"),
        "refusing the header: it is not UTF-8 text (invalid utf-8 sequence of 1 bytes from index 14); what arrived: b'{\"file_name\":\"\\xff\\xfe\"}'",
    );
}

#[test]
fn a_header_that_is_not_json_is_refused() {
    assert_refused(
        header("<h1>notes.txt</h1>"),
        "refusing the header: it is not the JSON this lesson expects: expected value at line 1 column 1; what arrived: b'<h1>notes.txt</h1>'",
    );
}

#[test]
fn a_header_without_a_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes"}"#),
        "refusing the header: it is not the JSON this lesson expects: missing field `file_size` at line 1 column 45; what arrived: b'{\"file_name\":\"notes.txt\",\"file_desc\":\"notes\"}'",
    );
}

#[test]
fn a_header_with_a_name_that_is_not_text_is_refused() {
    assert_refused(
        header(r#"{"file_name":5,"file_desc":"notes","file_size":3}"#),
        "refusing the header: it is not the JSON this lesson expects: invalid type: integer `5`, expected a string at line 1 column 14; what arrived: b'{\"file_name\":5,\"file_desc\":\"notes\",\"file_size\":3'...",
    );
}

#[test]
fn a_size_that_is_text_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":"3"}"#),
        "refusing the header: it is not the JSON this lesson expects: invalid type: string \"3\", expected a JSON number at line 1 column 60; what arrived: b'{\"file_name\":\"notes.txt\",\"file_desc\":\"notes\",\"fi'...",
    );
}

#[test]
fn a_negative_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":-5}"#),
        "refusing the header: it is not the JSON this lesson expects: file_size must be a whole number of bytes, 0 or more, not -5 at line 1 column 60; what arrived: b'{\"file_name\":\"notes.txt\",\"file_desc\":\"notes\",\"fi'...",
    );
}

#[test]
fn a_fractional_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":2.5}"#),
        "refusing the header: it is not the JSON this lesson expects: file_size must be a whole number of bytes, 0 or more, not 2.5 at line 1 column 61; what arrived: b'{\"file_name\":\"notes.txt\",\"file_desc\":\"notes\",\"fi'...",
    );
}

/// A header naming `name` (written as JSON, escapes allowed), 3 bytes long, then the 3 bytes.
fn named(name_json: &str) -> Vec<u8> {
    let mut wire = header(&format!(
        r#"{{"file_name":"{name_json}","file_desc":"notes","file_size":3}}"#
    ));
    wire.extend_from_slice(b"abc");
    wire
}

#[test]
fn an_empty_name_is_refused() {
    assert_refused(
        named(""),
        "refusing the file name '': it is empty; the name a peer sends must be a plain file name",
    );
}

#[test]
fn dot_and_dot_dot_are_refused() {
    for name in [".", ".."] {
        assert_refused(
            named(name),
            &format!(
                "refusing the file name '{name}': it names a folder; the name a peer sends must be a plain file name"
            ),
        );
    }
}

#[test]
fn an_absolute_path_is_refused() {
    for (json, shown) in [
        ("/tmp/notes.txt", "/tmp/notes.txt"),
        ("\\\\server\\\\share", "\\\\server\\\\share"),
    ] {
        assert_refused(
            named(json),
            &format!(
                "refusing the file name '{shown}': it is an absolute path; the name a peer sends must be a plain file name"
            ),
        );
    }
}

#[test]
fn a_path_separator_is_refused() {
    for (json, shown) in [
        ("../notes.txt", "../notes.txt"),
        ("sub/notes.txt", "sub/notes.txt"),
        ("..\\\\notes.txt", "..\\\\notes.txt"),
    ] {
        assert_refused(
            named(json),
            &format!(
                "refusing the file name '{shown}': it contains a path separator; the name a peer sends must be a plain file name"
            ),
        );
    }
}

#[test]
fn a_nul_byte_in_the_name_is_refused() {
    assert_refused(
        named("notes\\u0000.txt"),
        "refusing the file name 'notes\\x00.txt': it contains the control character '\\x00'; the name a peer sends must be a plain file name",
    );
}

#[test]
fn a_stream_that_ends_early_says_how_much_arrived() {
    let mut wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":100}"#);
    wire.extend_from_slice(&[b'x'; 40]);
    assert_refused(
        wire,
        "the connection closed early: received 40 of 100 bytes",
    );
}

#[test]
fn a_stream_reset_mid_file_leaves_nothing() {
    let root = scratch();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = thread::spawn(move || {
        let (mut sock, _) = listener.accept().unwrap();
        let mut wire =
            header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":1000000}"#);
        wire.extend_from_slice(&[b'x'; 1000]);
        sock.write_all(&wire).unwrap();
        // Abort: SO_LINGER 0 makes the close send RST. The bytes sent before it are already in
        // the client's receive queue, and its reads get them before the "connection reset".
        socket2::SockRef::from(&sock)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
    });
    let client = receive(&port.to_string(), &out, &[]);
    server.join().unwrap();
    let error = client.assert_one_line_error();
    // The reset may come before the client's time-limited connect has returned: then the
    // client never gets to read, and says the server reset the connection.
    assert!(
        (error.starts_with("error: the transfer failed after ")
            && error.contains(" of 1000000 bytes: "))
            || error.contains("the server reset the connection")
            || (wine::reset_may_read_as_eof()
                && error == "error: the connection closed early: received 1000 of 1000000 bytes"),
        "{error}"
    );
    assert_eq!(names_in(root.path()), ["out"]);
    assert_eq!(names_in(&out), Vec::<String>::new());
}

#[test]
fn extra_keys_are_ignored_and_bytes_after_the_file_are_not_read() {
    // The header as Python's json.dumps writes it: spaces, and \u escapes for 课 and 程.
    let mut wire = header(
        r#"{"file_name": "\u8bfe\u7a0b.txt", "file_desc": "notes", "file_size": 3, "sha256": "..."}"#,
    );
    wire.extend_from_slice(b"abcSOMETHING ELSE");
    let out = scratch();
    let port = lying_server(wire);
    let client = receive(&port.to_string(), out.path(), &[]);
    client.assert_success();
    assert_eq!(names_in(out.path()), ["课程.txt"]);
    assert_eq!(fs::read(out.path().join("课程.txt")).unwrap(), b"abc");
}

// ---------------------------------------------------------------------------------------------
// The material's own Python programs, in both directions.

/// What the Python peers exchange with ours: Chinese text under a Chinese name, and every byte
/// value under a name with a space.
fn python_samples() -> [(&'static str, Vec<u8>); 2] {
    [
        (
            CHINESE_NAME,
            "中文内容 and English\n".repeat(500).into_bytes(),
        ),
        ("all bytes.bin", all_byte_values()),
    ]
}

/// The material's server on a port the system picks, sending the file at `path`.
fn python_server(path: &Path) -> Server {
    let mut python = Command::new("python3");
    python.arg(PY_SERVER).arg("0").arg(path);
    Live::server(python)
}

#[test]
fn the_material_server_sends_to_our_client() {
    if !common::peer_available("python3") {
        return;
    }
    for (name, bytes) in python_samples() {
        let (_served, path) = folder_with(name, &bytes);
        let server = python_server(&path);
        let out = scratch();
        let client = receive(&server.port(), out.path(), &[]);
        client.assert_success();
        assert!(
            client
                .stdout
                .contains(&format!("[client] file name: '{name}'")),
            "{}",
            client.stdout
        );
        assert!(
            fs::read(out.path().join(name)).unwrap() == bytes,
            "{name} differs"
        );
        assert_eq!(names_in(out.path()), [name]);
        server.finish().assert_success();
    }
}

#[test]
fn our_server_sends_to_the_material_client() {
    if !common::peer_available("python3") {
        return;
    }
    for (name, bytes) in python_samples() {
        let (_served, path) = folder_with(name, &bytes);
        let mut server = serve_once(&path);
        let out = scratch();
        let mut python = Command::new("python3");
        python.arg(PY_CLIENT).arg(server.port()).arg(out.path());
        let client = run(python, "");
        client.assert_success();
        // Python prints the header as a dict: print(dict_data).
        assert!(
            client.stdout.contains(&format!("'file_name': '{name}'")),
            "{}",
            client.stdout
        );
        assert!(
            fs::read(out.path().join(name)).unwrap() == bytes,
            "{name} differs"
        );
        server.expect_line("has the file and closed the connection");
        server.finish().assert_success();
    }
}

/// The text of `line` between `before` and the next `after`.
fn between<'a>(line: &'a str, before: &str, after: &str) -> &'a str {
    let start = line
        .find(before)
        .map(|at| at + before.len())
        .unwrap_or_else(|| panic!("no {before:?} in {line:?}"));
    let len = line[start..]
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?} in {line:?}"));
    &line[start..start + len]
}

// ---------------------------------------------------------------------------------------------
// Names every OS can save (issue 8), and the longest names a file system takes (issue 9).

#[test]
fn names_that_windows_keeps_or_cannot_save_are_refused_on_every_os() {
    for (name, why) in [
        ("CON", "Windows keeps that name for a device"),
        ("aux.txt", "Windows keeps that name for a device"),
        ("a:b", "it starts with a drive (C:)"),
        ("C:x", "it starts with a drive (C:)"),
        ("x.", "it ends with a dot or a space, which Windows drops"),
    ] {
        assert_refused(
            named(name),
            &format!(
                "refusing the file name '{name}': {why}; the name a peer sends must be a plain file name"
            ),
        );
    }
}

#[test]
fn names_of_251_to_255_bytes_are_saved() {
    // 255 bytes is what ext4, APFS and NTFS take; the partial file's name must fit too.
    let chinese = "课".repeat(85);
    let names: Vec<String> = (251..=255)
        .map(|len| "x".repeat(len))
        .chain([chinese])
        .collect();
    for name in names {
        let out = scratch();
        let port = lying_server(named(&name));
        let client = receive(&port.to_string(), out.path(), &[]);
        client.assert_success();
        assert_eq!(
            fs::read(out.path().join(&name)).unwrap(),
            b"abc",
            "{} bytes",
            name.len()
        );
        assert_eq!(names_in(out.path()), [name]);
    }
}

#[test]
fn control_characters_from_the_peer_are_shown_escaped() {
    let mut wire = header(
        r#"{"file_name":"notes.txt","file_desc":"\u001b[2J\u001b[31mred\u0007\r","file_size":3}"#,
    );
    wire.extend_from_slice(b"abc");
    let out = scratch();
    let client = receive(&lying_server(wire).to_string(), out.path(), &[]);
    client.assert_success();
    assert!(
        client
            .stdout
            .contains(r"[client] description: '\x1b[2J\x1b[31mred\x07\r'"),
        "{}",
        client.stdout
    );
    let raw = |c: char| c.is_control() && c != '\n';
    assert!(!client.stdout.chars().any(raw), "{:?}", client.stdout);
}

// ---------------------------------------------------------------------------------------------
// Files: --out, the partial file, no file replaced unless --force, never through a link.

#[test]
fn an_out_that_is_a_file_says_so() {
    let (folder, file) = folder_with("notes.txt", b"notes\n");
    let client = run(bin!("06_final_file", "client", "--out", &file), "");
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: cannot save into {}: it is a file, not a folder (choose a folder with --out)",
            file.display()
        )
    );
    assert_eq!(names_in(folder.path()), ["notes.txt"]);
}

#[test]
fn a_refused_file_is_explained_on_the_server_in_words() {
    // Our client refuses: the file is there. It aborts the connection (a reset, RST), so the
    // server cannot take the refusal for the clean close that means "I have it all".
    let (_served, path) = folder_with("notes.txt", b"new notes\n");
    let (out, _) = folder_with("notes.txt", b"mine\n");
    let server = serve_once(&path);
    receive(&server.port(), out.path(), &[]).assert_one_line_error();
    let server = server.finish();
    server.assert_success();
    let said = &server.stdout;
    if wine::reset_may_read_as_eof() && said.contains("has the file") {
        return;
    }
    assert!(
        said.contains("the client reset the connection (an RST, not a clean close)")
            || said.contains("the client had already closed the connection"),
        "{said}"
    );
    assert!(!said.contains("has the file"), "{said}");
    assert!(!said.contains("os error"), "{said}");
}

/// A file outside `--out`, and `--out` beside it, in one scratch folder.
#[cfg(unix)]
fn outside_and_out() -> (TempDir, std::path::PathBuf, std::path::PathBuf) {
    let root = scratch();
    let outside = root.path().join("outside.txt");
    fs::write(&outside, b"not yours\n").unwrap();
    let out = root.path().join("out");
    fs::create_dir(&out).unwrap();
    (root, outside, out)
}

#[cfg(unix)]
#[test]
fn a_link_named_like_the_old_partial_file_is_never_followed() {
    let (_served, path) = folder_with("notes.txt", b"new notes\n");
    for force in [&[][..], &["--force"][..]] {
        let (_root, outside, out) = outside_and_out();
        std::os::unix::fs::symlink(&outside, out.join("notes.txt.part")).unwrap();
        let server = serve_once(&path);
        receive(&server.port(), &out, force).assert_success();
        assert_eq!(fs::read(&outside).unwrap(), b"not yours\n", "{force:?}");
        assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"new notes\n");
        assert_eq!(names_in(&out), ["notes.txt", "notes.txt.part"]);
    }
}

#[cfg(unix)]
#[test]
fn a_link_named_like_the_file_is_kept_or_replaced_never_followed() {
    let (_served, path) = folder_with("notes.txt", b"new notes\n");
    let (root, outside, out) = outside_and_out();
    let missing = root.path().join("missing.txt");
    for target in [&outside, &missing] {
        let _ = fs::remove_file(out.join("notes.txt"));
        std::os::unix::fs::symlink(target, out.join("notes.txt")).unwrap();
        let server = serve_once(&path);
        let error = receive(&server.port(), &out, &[]).assert_one_line_error();
        let shown = out.display();
        let tail = format!("already exists in {shown}: use --force to replace it");
        assert!(error.ends_with(&tail), "{error}");
        drop(server);
        let server = serve_once(&path);
        receive(&server.port(), &out, &["--force"]).assert_success();
        // The link itself was replaced by the file: what it pointed to is as it was.
        assert!(
            fs::symlink_metadata(out.join("notes.txt"))
                .unwrap()
                .is_file()
        );
        assert_eq!(fs::read(out.join("notes.txt")).unwrap(), b"new notes\n");
        assert_eq!(fs::read(&outside).unwrap(), b"not yours\n");
        assert!(!missing.exists());
        assert_eq!(names_in(&out), ["notes.txt"]);
    }
    assert_eq!(names_in(root.path()), ["out", "outside.txt"]);
}

#[test]
fn a_file_that_appears_during_the_transfer_is_not_replaced_without_force() {
    for force in [false, true] {
        let out = scratch();
        let wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":100}"#);
        let (port, rest) = controlled_server([wire, vec![b'x'; 40]].concat());
        let mut client = Client::start(port, out.path(), if force { &["--force"] } else { &[] });
        client.expect_line("[client] writing ");
        // Someone else's file takes the name while the bytes are still coming.
        fs::write(out.path().join("notes.txt"), b"mine\n").unwrap();
        rest.send(vec![b'y'; 60]).unwrap();
        let client = client.finish();
        if force {
            client.assert_success();
            assert_eq!(
                fs::read(out.path().join("notes.txt")).unwrap(),
                [vec![b'x'; 40], vec![b'y'; 60]].concat()
            );
        } else {
            assert_eq!(
                client.assert_one_line_error(),
                format!(
                    "error: 'notes.txt' appeared in {} while the file was arriving: kept it and removed what arrived; use --force to replace it",
                    out.path().display()
                )
            );
            assert_eq!(fs::read(out.path().join("notes.txt")).unwrap(), b"mine\n");
        }
        assert_eq!(names_in(out.path()), ["notes.txt"]);
    }
}

// ---------------------------------------------------------------------------------------------
// What the server sends: a regular file only, checked before it is opened.

/// Make a FIFO (a named pipe) at `path`: opening it for reading waits for a writer.
#[cfg(unix)]
fn mkfifo(path: &Path) {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path and a mode; mkfifo only creates a file system entry.
    assert_eq!(
        unsafe { libc::mkfifo(c_path.as_ptr(), 0o600) },
        0,
        "mkfifo {}",
        path.display()
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_is_refused_at_once_not_waited_on() {
    let folder = scratch();
    let fifo = folder.path().join("pipe");
    mkfifo(&fifo);
    // Opening a FIFO with no writer waits forever: `run`'s deadline is the failure if it does.
    let server = run(
        bin!("06_final_file", "server", "--port", "0", "--file", &fifo),
        "",
    );
    assert_eq!(
        server.assert_one_line_error(),
        format!(
            "error: cannot send {}: it is not a regular file (a FIFO, a device?), and reading it could wait forever",
            fifo.display()
        )
    );
}

#[cfg(unix)]
#[test]
fn a_file_that_became_a_fifo_is_refused_at_the_next_client() {
    let (_served, path) = folder_with("notes.txt", b"notes\n");
    let server = serve_once(&path);
    fs::remove_file(&path).unwrap();
    mkfifo(&path);
    let out = scratch();
    let client = receive(&server.port(), out.path(), &[]);
    assert_eq!(
        client.assert_one_line_error(),
        "error: the server closed the connection before sending a header"
    );
    let error = server.finish().assert_one_line_error();
    assert!(
        error.ends_with(
            "it is not a regular file (a FIFO, a device?), and reading it could wait forever"
        ),
        "{error}"
    );
}

// ---------------------------------------------------------------------------------------------
// Time: a slow peer at every stage costs --timeout, then one line.

/// A client of ours running as its own process, its stdout read line by line.
struct Client {
    child: std::process::Child,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Client {
    fn start(port: u16, out: &Path, extra: &[&str]) -> Client {
        let mut command = bin!(
            "06_final_file",
            "client",
            "--port",
            port.to_string(),
            "--out",
            out
        );
        command
            .args(extra)
            .env("LC_ALL", "C")
            .env_remove("NO_COLOR");
        command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("the client starts");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (send, lines) = mpsc::channel();
        thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(|line| line.ok()) {
                let _ = send.send(line);
            }
        });
        Client { child, lines, seen: Vec::new() }
    }

    /// Wait for the line that contains `text`.
    fn expect_line(&mut self, text: &str) {
        loop {
            match self.lines.recv_timeout(common::DEADLINE) {
                Ok(line) if line.contains(text) => return self.seen.push(line),
                Ok(line) => self.seen.push(line),
                Err(_) => {
                    let _ = self.child.kill();
                    panic!("no line with {text:?}; seen: {:#?}", self.seen);
                }
            }
        }
    }

    /// Wait for the end; the lines already seen are not in `stdout`.
    fn finish(mut self) -> Finished {
        let stdout = self.lines.iter().collect::<Vec<_>>().join("\n");
        let mut stderr = String::new();
        self.child
            .stderr
            .take()
            .expect("stderr is piped")
            .read_to_string(&mut stderr)
            .unwrap();
        let status = self.child.wait().unwrap();
        Finished { status, stdout, stderr }
    }
}

/// A server that sends `first`, then whatever comes on the returned channel, and closes when
/// the channel is dropped and the client has closed. It holds the connection open meanwhile:
/// a server that stalls.
fn controlled_server(first: Vec<u8>) -> (u16, Sender<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("a bound address").port();
    let (send, rest) = mpsc::channel::<Vec<u8>>();
    thread::spawn(move || {
        let Ok((mut sock, _)) = listener.accept() else {
            return;
        };
        let _ = sock.write_all(&first);
        if let Ok(more) = rest.recv() {
            let _ = sock.write_all(&more);
            return;
        }
        // Stalled: hold the connection until the client closes it.
        let _ = sock.read_to_end(&mut Vec::new());
    });
    (port, send)
}

/// Run our client with `--timeout 1` against a server that sends `wire` and stalls: it must end
/// (within `run`'s deadline, else the test fails) with `error` (which may end in `[..]`),
/// leaving nothing in `--out`. How soon it ends is measured in `benches/classroom.sh`.
fn assert_gives_up(port: u16, error: &str) {
    let out = scratch();
    let client = receive(&port.to_string(), out.path(), &["--timeout", "1"]);
    let line = client.assert_one_line_error();
    match error.strip_suffix("[..]") {
        Some(start) => assert!(line.starts_with(&format!("error: {start}")), "{line}"),
        None => assert_eq!(line, format!("error: {error}")),
    }
    assert_eq!(names_in(out.path()), Vec::<String>::new());
}

/// Not a byte of the header: the server never accepted this connection (a lesson server sends
/// its header the moment it accepts), or accepted it and said nothing.
const BUSY: &str = "connected, but the server did not accept this connection within 1 s (not a byte came; a lesson server sends its header as soon as it accepts): it is busy with other clients, or its queue of waiting connections is full (lesson 03's backlog); try again later";

#[test]
fn a_server_silent_before_the_header_costs_the_timeout() {
    let (port, _rest) = controlled_server(Vec::new());
    assert_gives_up(port, BUSY);
}

#[test]
fn a_server_that_never_accepts_is_called_busy() {
    // Lesson 03: the OS completes the connection and queues it; nobody calls accept().
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    assert_gives_up(listener.local_addr().unwrap().port(), BUSY);
}

#[test]
fn a_server_silent_inside_the_header_costs_the_timeout() {
    let (port, _rest) = controlled_server(b"\x10\x00".to_vec());
    assert_gives_up(
        port,
        "the server accepted this connection and began its header (2 bytes), then sent nothing for 1 s (--timeout); giving up",
    );
}

#[test]
fn a_server_silent_after_the_header_costs_the_timeout() {
    let wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":100}"#);
    let (port, _rest) = controlled_server(wire);
    assert_gives_up(
        port,
        "the transfer failed after 0 of 100 bytes: nothing came from the server for 1 s (--timeout); giving up",
    );
}

#[test]
fn a_server_silent_mid_file_costs_the_timeout_and_says_how_far() {
    let wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":100}"#);
    let (port, _rest) = controlled_server([wire, vec![b'x'; 40]].concat());
    assert_gives_up(
        port,
        "the transfer failed after 40 of 100 bytes: nothing came from the server for 1 s (--timeout); giving up",
    );
}

/// A sparse file of `size` bytes, made at once: far more than the sockets' buffers hold.
fn big_file(size: u64) -> (TempDir, std::path::PathBuf) {
    let served = scratch();
    let path = served.path().join("big.bin");
    fs::File::create(&path)
        .and_then(|file| file.set_len(size))
        .expect("the big file is made");
    (served, path)
}

#[test]
fn a_client_that_never_reads_is_dropped_and_the_next_is_served() {
    let size: u64 = 32 * 1024 * 1024;
    let (_served, path) = big_file(size);
    let mut server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--timeout",
        "1",
        "--file",
        &path
    ));
    // Connects, then reads nothing: the server's writes stop once the buffers are full. The
    // server must drop it within `expect_line`'s deadline, or the test fails.
    let stalled = TcpStream::connect(server.addr).unwrap();
    let out = scratch();
    let next = thread::spawn({
        let (port, out) = (server.port(), out.path().to_path_buf());
        move || receive(&port, &out, &[])
    });
    let dropped = server.expect_line("stopped sending after ");
    assert!(
        dropped.ends_with(
            "bytes: nothing moved for 1 s (--timeout); dropping this client, to serve the next"
        ),
        "{dropped}"
    );
    next.join().unwrap().assert_success();
    assert_eq!(
        fs::metadata(out.path().join("big.bin")).unwrap().len(),
        size
    );
    drop(stalled);
}

#[test]
fn a_client_that_never_closes_is_dropped() {
    let (_served, path) = folder_with("notes.txt", b"notes\n");
    let mut server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--timeout",
        "1",
        "--file",
        &path
    ));
    let mut sock = TcpStream::connect(server.addr).unwrap();
    // Read the whole header and file, then neither close nor write.
    let mut len = [0u8; 4];
    sock.read_exact(&mut len).unwrap();
    let mut rest = vec![0u8; i32::from_le_bytes(len) as usize + 6];
    sock.read_exact(&mut rest).unwrap();
    let line = server.expect_line("did not confirm it got the file");
    assert!(line.ends_with("did not confirm it got the file: nothing moved for 1 s (--timeout); dropping this client, to serve the next"), "{line}");
}

// ---------------------------------------------------------------------------------------------
// Ctrl-C and SIGTERM mid-transfer: the partial file goes, one line, a non-zero exit.

#[cfg(unix)]
fn interrupt_mid_transfer(signal: i32) {
    let out = scratch();
    let wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":1000}"#);
    let (port, _rest) = controlled_server([wire, vec![b'x'; 10]].concat());
    let mut client = Client::start(port, out.path(), &[]);
    client.expect_line("[client] writing '.notes.txt-??????.part'");
    let parts = names_in(out.path());
    assert!(
        parts.len() == 1 && parts[0].starts_with(".notes.txt-") && parts[0].ends_with(".part"),
        "{parts:?}"
    );
    // SAFETY: kill(2) with the pid of a child this test started and has not yet waited for.
    assert_eq!(unsafe { libc::kill(client.child.id() as i32, signal) }, 0);
    let client = client.finish();
    assert_eq!(client.status.code(), Some(130), "{client:#?}");
    assert_eq!(
        client.stderr.trim_end(),
        format!(
            "error: interrupted: removed the partial file '{}', nothing was saved",
            parts[0]
        )
    );
    assert_eq!(names_in(out.path()), Vec::<String>::new());
}

#[cfg(unix)]
#[test]
fn ctrl_c_mid_transfer_removes_the_partial_file() {
    interrupt_mid_transfer(libc::SIGINT);
}

#[cfg(unix)]
#[test]
fn sigterm_mid_transfer_removes_the_partial_file() {
    interrupt_mid_transfer(libc::SIGTERM);
}

// ---------------------------------------------------------------------------------------------
// 中文: under --lang zh every line the lesson prints, narration and errors, is Chinese.

fn has_chinese(line: &str) -> bool {
    line.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

#[test]
fn every_line_is_chinese_under_lang_zh() {
    let mut said = Vec::new();
    let demo = run(bin!("06_final_file", "--lang", "zh"), "");
    demo.assert_success();
    said.extend(demo.stdout.lines().map(str::to_string));
    let wire = header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":100}"#);
    // Silent at each stage, a name Windows keeps, a bad length, JSON that is not a header.
    for wire in [
        Vec::new(),
        [wire.clone(), vec![b'x'; 40]].concat(),
        wire,
        named("CON"),
        b"\xff\xff\xff\xff".to_vec(),
        header("[]"),
    ] {
        let (port, _rest) = controlled_server(wire);
        let out = scratch();
        let port = port.to_string();
        let client = run(
            bin!(
                "06_final_file",
                "--lang",
                "zh",
                "client",
                "--timeout",
                "1",
                "--port",
                port,
                "--out",
                out.path()
            ),
            "",
        );
        said.extend(
            client
                .stdout
                .lines()
                .chain(client.stderr.lines())
                .map(str::to_string),
        );
    }
    let (folder, file) = folder_with("notes.txt", b"notes\n");
    for args in [["client", "--out"], ["server", "--file"]] {
        let finished = run(
            bin!(
                "06_final_file",
                "--lang",
                "zh",
                args[0],
                args[1],
                folder.path().join("none")
            ),
            "",
        );
        said.extend(finished.stderr.lines().map(str::to_string));
    }
    let finished = run(
        bin!("06_final_file", "--lang", "zh", "client", "--out", &file),
        "",
    );
    said.extend(finished.stderr.lines().map(str::to_string));
    let english: Vec<&String> = said.iter().filter(|line| !has_chinese(line)).collect();
    assert!(english.is_empty(), "{english:#?}");
    assert!(
        said.iter().any(|line| line.starts_with("错误: ")),
        "{said:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// --timeout is a Duration (fractions allowed, 0 refused); --rate has units.

#[test]
fn a_timeout_may_be_a_fraction_but_not_zero() {
    let (_held, port) = held_port();
    let out = scratch();
    let port = port.to_string();
    let client = receive(&port, out.path(), &["--timeout", "0.5"]);
    let error = client.assert_one_line_error();
    assert!(error.starts_with("error: could not connect to"), "{error}");
    for bad in ["0", "-1", "soon"] {
        // `--timeout=-1`: with a space, clap would take `-1` for an option of its own.
        let client = receive(&port, out.path(), &[&format!("--timeout={bad}")]);
        assert!(!client.status.success(), "{bad}");
        assert!(
            client.stderr.contains("a timeout is a number of seconds"),
            "{}",
            client.stderr
        );
    }
}

#[test]
fn a_rate_is_read_with_its_unit() {
    let (_served, path) = folder_with("notes.txt", b"notes\n");
    for bad in ["0", "fast", "2XB"] {
        let server = run(
            bin!(
                "06_final_file",
                "server",
                "--port",
                "0",
                "--file",
                &path,
                "--rate",
                bad
            ),
            "",
        );
        assert!(!server.status.success(), "{bad}");
        assert!(
            server.stderr.contains("500KiB, 2MiB or 1MB"),
            "{}",
            server.stderr
        );
    }
    // A slow server still sends every byte.
    let server = Live::server(bin!(
        "06_final_file",
        "server",
        "--port",
        "0",
        "--once",
        "--rate",
        "2MiB",
        "--file",
        &path
    ));
    let out = scratch();
    receive(&server.port(), out.path(), &[]).assert_success();
    assert_eq!(fs::read(out.path().join("notes.txt")).unwrap(), b"notes\n");
    server.finish().assert_success();
}
