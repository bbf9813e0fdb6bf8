//! Lesson 06: the demo, a file through two processes, the material's Python programs in both
//! directions, and every header a lying server can send, each one refused without a trace.

mod common;

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;

use common::{Finished, Server, run};
use tempfile::TempDir;

/// What the demo sends: the lesson's source, as the binary has it built in.
const SOURCE: &str = include_str!("../src/bin/06_final_file.rs");

const PY_SERVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/file_server.py");
const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/file_client.py");

/// A name with Chinese characters and spaces: UTF-8 in the JSON, one argument on the command line.
const CHINESE_NAME: &str = "课程 笔记 notes.txt";

/// Replace the timing at the end of a line, `... bytes in 0.00 s (91.2 MiB/s)`, by
/// `... bytes in [..] s ([..] MiB/s)`: the one part of the output that changes from run to run.
fn hide_timing(line: &str) -> String {
    match line.rfind(" bytes in ") {
        Some(at) if line.ends_with(" MiB/s)") => {
            format!("{} bytes in [..] s ([..] MiB/s)", &line[..at])
        }
        _ => line.to_string(),
    }
}

fn lines(stdout: &[String]) -> Vec<String> {
    stdout.iter().map(|line| hide_timing(line)).collect()
}

/// The 4 length bytes of a header of `len` bytes, as the lesson prints them: `6e 00 00 00`.
fn hex_len(len: usize) -> String {
    socket_lessons::text::hex(&(len as i32).to_le_bytes())
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
            "[server] ready to send \"06_final_file.rs\"".to_string(),
            "[client] connecting to 127.0.0.1:PORT".to_string(),
            "[server] accepted a client from 127.0.0.1:PORT".to_string(),
            format!("[server] sending the header: 4 bytes of length ({hex}), then {len} bytes of JSON: {json}; then the file's {size} bytes"),
            format!("[client] received a header: 4 bytes of length ({hex} = {len}, little-endian), then {len} bytes"),
            "[client] file name: \"06_final_file.rs\"".to_string(),
            "[client] description: \"本课的源代码 (this lesson's own source)\"".to_string(),
            format!("[client] size: {size} bytes"),
            format!("[client] writing \"06_final_file.rs.part\": it gets its real name only once all {size} bytes are in"),
            format!("[client] received {size} bytes in [..] s ([..] MiB/s)"),
            "[client] renamed \"06_final_file.rs.part\" to \"06_final_file.rs\"".to_string(),
            format!("[server] 127.0.0.1:PORT has the file and closed the connection: sent {size} bytes in [..] s ([..] MiB/s)"),
            format!("[note]   the saved copy is identical to the source, byte for byte ({size} bytes); removing the scratch folder"),
        ]
    );
}

#[test]
fn the_demo_removes_its_scratch_folder() {
    let demo = bin!("06_final_file")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the demo starts");
    // The demo names its folder after its process id.
    let folder = std::env::temp_dir().join(format!("socket-lessons-06-{}", demo.id()));
    common::wait(demo).assert_success();
    assert!(!folder.exists(), "{} is left behind", folder.display());
}

#[test]
fn a_file_with_a_chinese_name_goes_through_two_processes() {
    let text = "第一行 the first line\n第二行 the second line\n".as_bytes();
    let (_served, path) = folder_with(CHINESE_NAME, text);
    let desc = "课堂笔记";
    let mut server = Server::start(bin!(
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
            format!("[client] file name: \"{CHINESE_NAME}\""),
            format!("[client] description: \"{desc}\""),
            format!("[client] size: {size} bytes"),
            format!(
                "[client] writing \"{CHINESE_NAME}.part\": it gets its real name only once all {size} bytes are in"
            ),
            format!("[client] received {size} bytes in [..] s ([..] MiB/s)"),
            format!("[client] renamed \"{CHINESE_NAME}.part\" to \"{CHINESE_NAME}\""),
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
    let mut server = Server::start(bin!(
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
    let mut server = Server::start(bin!(
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
    let left = server.expect_line("left during the transfer");
    assert!(left.contains(&format!(" of {size} bytes: ")), "{left}");

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
            "error: \"notes.txt\" already exists in {}: use --force to replace it",
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
fn a_part_file_left_behind_is_kept_unless_force() {
    let (_served, path) = folder_with("notes.txt", b"new notes\n");
    let (out, _) = folder_with("notes.txt.part", b"half of something");

    let server = serve_once(&path);
    let client = receive(&server.port(), out.path(), &[]);
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: \"notes.txt.part\" already exists in {}: a transfer that failed, or one still running? Remove it or use --force",
            out.path().display()
        )
    );
    assert_eq!(names_in(out.path()), ["notes.txt.part"]);
    drop(server);

    let server = serve_once(&path);
    let client = receive(&server.port(), out.path(), &["--force"]);
    client.assert_success();
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
            "error: cannot send {}: it is not a file (a folder?)",
            folder.path().display()
        )
    );
}

#[test]
fn a_description_too_long_for_a_header_is_refused_at_start() {
    let (_served, path) = folder_with("notes.txt", b"notes\n");
    let desc = "x".repeat(70_000);
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
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let out = scratch();
    let client = receive(&port.to_string(), out.path(), &[]);
    assert_eq!(
        client.assert_one_line_error(),
        format!(
            "error: could not connect to 127.0.0.1:{port} — start the server first: cargo run --bin 06_final_file -- server --port {port}"
        )
    );
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
    Server::start(bin!(
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
        "refusing the header: it is not UTF-8 text (invalid utf-8 sequence of 1 bytes from index 14)",
    );
}

#[test]
fn a_header_that_is_not_json_is_refused() {
    assert_refused(
        header("<h1>notes.txt</h1>"),
        "refusing the header: it is not the JSON this lesson expects: expected value at line 1 column 1",
    );
}

#[test]
fn a_header_without_a_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes"}"#),
        "refusing the header: it is not the JSON this lesson expects: missing field `file_size` at line 1 column 45",
    );
}

#[test]
fn a_header_with_a_name_that_is_not_text_is_refused() {
    assert_refused(
        header(r#"{"file_name":5,"file_desc":"notes","file_size":3}"#),
        "refusing the header: it is not the JSON this lesson expects: invalid type: integer `5`, expected a string at line 1 column 14",
    );
}

#[test]
fn a_size_that_is_text_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":"3"}"#),
        "refusing the header: it is not the JSON this lesson expects: invalid type: string \"3\", expected a JSON number at line 1 column 60",
    );
}

#[test]
fn a_negative_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":-5}"#),
        "refusing the header: it is not the JSON this lesson expects: file_size must be a whole number of bytes, 0 or more, not -5 at line 1 column 60",
    );
}

#[test]
fn a_fractional_size_is_refused() {
    assert_refused(
        header(r#"{"file_name":"notes.txt","file_desc":"notes","file_size":2.5}"#),
        "refusing the header: it is not the JSON this lesson expects: file_size must be a whole number of bytes, 0 or more, not 2.5 at line 1 column 61",
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
        "refusing the file name \"\": it is empty; the name a peer sends must be a plain file name",
    );
}

#[test]
fn dot_and_dot_dot_are_refused() {
    for name in [".", ".."] {
        assert_refused(
            named(name),
            &format!(
                "refusing the file name \"{name}\": it names a folder; the name a peer sends must be a plain file name"
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
                "refusing the file name \"{shown}\": it is an absolute path; the name a peer sends must be a plain file name"
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
                "refusing the file name \"{shown}\": it contains a path separator; the name a peer sends must be a plain file name"
            ),
        );
    }
}

#[test]
fn a_nul_byte_in_the_name_is_refused() {
    assert_refused(
        named("notes\\u0000.txt"),
        "refusing the file name \"notes\\0.txt\": it contains the control character '\\0'; the name a peer sends must be a plain file name",
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
            || error.contains("the server reset the connection"),
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

/// The material's server on a port the system picks, sending the file at `path`.
fn python_server(path: &Path) -> Server {
    let mut python = Command::new("python3");
    python.arg(PY_SERVER).arg("0").arg(path);
    Server::start(python)
}

#[test]
fn the_material_server_sends_to_our_client() {
    if !common::peer_available("python3") {
        return;
    }
    for (name, bytes) in [
        (
            CHINESE_NAME,
            "中文内容 and English\n".repeat(500).into_bytes(),
        ),
        ("all bytes.bin", all_byte_values()),
    ] {
        let (_served, path) = folder_with(name, &bytes);
        let server = python_server(&path);
        let out = scratch();
        let client = receive(&server.port(), out.path(), &[]);
        client.assert_success();
        assert!(
            client
                .stdout
                .contains(&format!("[client] file name: \"{name}\"")),
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
    for (name, bytes) in [
        (
            CHINESE_NAME,
            "中文内容 and English\n".repeat(500).into_bytes(),
        ),
        ("all bytes.bin", all_byte_values()),
    ] {
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
