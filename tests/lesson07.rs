//! Lesson 07: a thread per client. Two clients are served at once while a third never reads;
//! a client that resets mid-transfer ends only its own transfer; lesson 06's client and the
//! material's fetch from it unchanged. No test here measures time: `benches/classroom.sh` does.

mod common;

use std::fs;
use std::io::Read;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use common::{Finished, Live, Server, run};
use tempfile::TempDir;

const PY_CLIENT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/python/file_client.py");

/// A sparse file of `size` bytes, made at once: far more than the sockets' buffers hold, so a
/// client that stops reading stops the server's writes to it.
fn big_file(size: u64) -> (TempDir, PathBuf) {
    let served = tempfile::tempdir().expect("a scratch folder");
    let path = served.path().join("big.bin");
    fs::File::create(&path)
        .and_then(|file| file.set_len(size))
        .expect("the big file is made");
    (served, path)
}

/// `07_many_clients server --port 0 --file PATH` and `extra` arguments.
fn serve(path: &Path, extra: &[&str]) -> Server {
    let mut command = bin!("07_many_clients", "server", "--port", "0", "--file", path);
    command.args(extra);
    Live::server(command)
}

/// Lesson 06's client, fetching from `server` into `out`, run to the end.
fn fetch(server: &Server, out: &Path) -> Finished {
    run(
        bin!(
            "06_final_file",
            "client",
            "--port",
            server.port(),
            "--out",
            out
        ),
        "",
    )
}

/// Connect and read the header's 4 length bytes and the header itself: the server has
/// accepted this connection and started its transfer. Returns the file's size.
fn read_header(sock: &mut TcpStream) -> u64 {
    // Not a test of time: only a hang turned into a failure.
    sock.set_read_timeout(Some(common::DEADLINE)).unwrap();
    let mut len = [0u8; 4];
    sock.read_exact(&mut len)
        .expect("the header's length arrives");
    let mut json = vec![0u8; i32::from_le_bytes(len) as usize];
    sock.read_exact(&mut json).expect("the header arrives");
    let header: serde_json::Value = serde_json::from_slice(&json).expect("JSON");
    header["file_size"].as_u64().expect("a size")
}

#[test]
fn two_clients_are_served_at_once_while_a_third_never_reads() {
    let size: u64 = 64 * 1024 * 1024;
    let (_served, path) = big_file(size);
    let mut server = serve(&path, &[]);
    // The third: connected, never reads. Its thread waits; nobody else does.
    let stalled = TcpStream::connect(server.addr).unwrap();
    // The first: its header, then it pauses with most of the file still to come.
    let mut first = TcpStream::connect(server.addr).unwrap();
    assert_eq!(read_header(&mut first), size);
    // The second, lesson 06's own client, gets the whole file meanwhile. One client at a time,
    // it would wait behind the first, and this test would fail at its deadline.
    let out = tempfile::tempdir().unwrap();
    fetch(&server, out.path()).assert_success();
    assert_eq!(
        fs::metadata(out.path().join("big.bin")).unwrap().len(),
        size
    );
    server.expect_line("has the file and closed the connection");
    // The first now reads the rest, and closes.
    let rest = std::io::copy(&mut (&first).take(size), &mut std::io::sink()).unwrap();
    assert_eq!(rest, size);
    drop(first);
    server.expect_line("has the file and closed the connection");
    drop(stalled);
}

#[test]
fn a_client_that_resets_mid_transfer_ends_only_its_own_transfer() {
    let size: u64 = 64 * 1024 * 1024;
    let (_served, path) = big_file(size);
    let mut server = serve(&path, &[]);
    let mut sock = TcpStream::connect(server.addr).unwrap();
    read_header(&mut sock);
    // Abort: SO_LINGER 0 makes the close a reset (RST), with the file's bytes unread.
    socket2::SockRef::from(&sock)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(sock);
    let line = server.expect_line("stopped sending after ");
    assert!(
        line.contains("the client reset the connection")
            || line.contains("the client had already closed"),
        "{line}"
    );
    // The server is still there, and the next client gets the whole file.
    let out = tempfile::tempdir().unwrap();
    fetch(&server, out.path()).assert_success();
    assert_eq!(
        fs::metadata(out.path().join("big.bin")).unwrap().len(),
        size
    );
}

#[test]
fn the_next_client_waits_for_a_place_when_max_clients_are_served() {
    let (_served, path) = big_file(64 * 1024 * 1024);
    let mut server = serve(&path, &["--max-clients", "1"]);
    let mut first = TcpStream::connect(server.addr).unwrap();
    read_header(&mut first);
    server.expect_line("1 clients at once, the most --max-clients allows");
    // The first leaves: its place goes to the next, who is then served.
    socket2::SockRef::from(&first)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(first);
    let mut second = TcpStream::connect(server.addr).unwrap();
    assert_eq!(read_header(&mut second), 64 * 1024 * 1024);
}

#[test]
fn the_materials_client_fetches_from_it() {
    if !common::peer_available("python3") {
        return;
    }
    let served = tempfile::tempdir().unwrap();
    let name = "课程 笔记 notes.txt";
    let bytes = "中文内容 and English\n".repeat(500).into_bytes();
    fs::write(served.path().join(name), &bytes).unwrap();
    let mut server = serve(&served.path().join(name), &[]);
    let out = tempfile::tempdir().unwrap();
    let mut python = Command::new("python3");
    python.arg(PY_CLIENT).arg(server.port()).arg(out.path());
    run(python, "").assert_success();
    assert!(fs::read(out.path().join(name)).unwrap() == bytes);
    server.expect_line("has the file and closed the connection");
}

#[test]
fn every_line_is_chinese_under_lang_zh() {
    let demo = run(bin!("07_many_clients", "--lang", "zh"), "");
    demo.assert_success();
    common::assert_chinese(&demo.stdout);
    let served = tempfile::tempdir().unwrap();
    let missing = served.path().join("none");
    let server = run(
        bin!(
            "07_many_clients",
            "--lang",
            "zh",
            "server",
            "--port",
            "0",
            "--file",
            &missing
        ),
        "",
    );
    server.assert_one_line_error_in("错误: ");
}

#[test]
fn a_rate_without_a_unit_it_knows_is_refused() {
    let (_served, path) = big_file(1);
    let server = run(
        bin!(
            "07_many_clients",
            "server",
            "--port",
            "0",
            "--file",
            &path,
            "--rate",
            "fast"
        ),
        "",
    );
    assert!(!server.status.success());
    assert!(
        server.stderr.contains("500KiB, 2MiB or 1MB"),
        "{}",
        server.stderr
    );
}
