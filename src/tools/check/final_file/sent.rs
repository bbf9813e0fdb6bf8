//! What a lesson 06 server sent, read off the wire by the checker: the header held to lesson
//! 06's rules, `file_size` bytes (slowly, for the slow reader), and how the stream went on after
//! them; and the file the server is given to send.

use std::net::TcpStream;
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::tools::check::judge::shown;
use crate::tools::check::peer::{self, Ending};
use crate::tools::check::{Ctx, Stop, fail};
use crate::tr;
use crate::words::text::hex;

/// The size for the slow reader: more than the server's send buffer and our receive buffer
/// hold together (Linux lets a send buffer grow to 4 MiB), so the server's sends wait.
pub(super) const SLOW_SIZE: usize = 8 << 20;

/// The slow reader takes [`SLOW_PIECE`] every [`SLOW_PAUSE`]: 13 MB/s, far slower than a program
/// writes to loopback, so the sends wait up to 20 ms each time, and the stage stays short.
const SLOW_PIECE: usize = 256 * 1024;
const SLOW_PAUSE: Duration = Duration::from_millis(20);

/// The largest header the checker believes: lesson 06's frame limit.
const MAX_HEADER: usize = crate::sockets::frame::MAX_FRAME_LEN;

/// What the server sent: its header's JSON, the `file_size` bytes after it (fewer, and how the
/// stream ended, if it ended early), and whatever came after those.
pub struct Sent {
    pub(super) json: serde_json::Map<String, Value>,
    pub body: Vec<u8>,
    pub(super) short: Option<Ending>,
    pub(super) extra: Vec<u8>,
    /// How the stream went on after the file: a correct server closes.
    pub(super) after: Ending,
    /// The file the server was given, and its bytes (the folder is removed when this drops).
    pub(super) file: Vec<u8>,
    pub(super) _dir: Option<tempfile::TempDir>,
}

/// The bytes of the served file: text lines, as the material sends a script line by line, and
/// every byte value, so a server that decodes or re-encodes the file changes it.
pub fn content(size: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..=255u8).collect();
    let mut line = 0;
    while bytes.len() < size {
        bytes.extend(
            format!(
                "line {line}: 黏包问题, the final scheme. {}\n",
                "0123456789".repeat(16)
            )
            .bytes(),
        );
        line += 1;
    }
    bytes.truncate(size);
    bytes
}

/// Start the server with a file of `size` bytes made for it (`{file}`), if a command was given;
/// the file's bytes, and its folder, removed when dropped.
pub fn start_with_file(
    ctx: &mut Ctx,
    size: usize,
) -> Result<(Vec<u8>, Option<tempfile::TempDir>), Stop> {
    let file = content(size);
    let mut dir = None;
    let path = if ctx.command.is_empty() {
        None
    } else {
        let made = tempfile::Builder::new()
            .prefix("socket-lessons-check-file-")
            .tempdir()
            .map_err(|e| Stop::Unstartable(e.to_string()))?;
        let path: PathBuf = made.path().join("报告.txt");
        std::fs::write(&path, &file).map_err(|e| Stop::Unstartable(e.to_string()))?;
        dir = Some(made);
        Some(path)
    };
    ctx.start_server("", path.as_deref())?;
    Ok((file, dir))
}

/// Read what the server sends on `sock`: the header, `file_size` bytes (`slow`: a piece at a
/// time with a pause), and how the stream goes on after them.
pub fn read_sent(sock: &mut TcpStream, file: Vec<u8>, slow: bool) -> Result<Sent, Stop> {
    let json = read_header(sock)?;
    let size = (json
        .get("file_size")
        .and_then(Value::as_u64)
        .unwrap_or_default() as usize)
        .min(SLOW_SIZE * 2);
    let (body, short) = read_body(sock, size, slow);
    // A correct server sends nothing more, and ends the connection: it closes, or (the
    // course's own) waits for the client's close as its word that the file arrived, then
    // closes. A server that does neither leaves a client that reads to the end waiting.
    let (extra, after) = match short {
        None => match peer::read_all(sock, Duration::from_millis(300), 1 << 16) {
            (extra, Ending::Silent) if extra.is_empty() => {
                let _ = sock.shutdown(std::net::Shutdown::Write);
                peer::read_all(sock, peer::STEP, 1 << 16)
            }
            done => done,
        },
        Some(end) => (Vec::new(), end),
    };
    Ok(Sent { json, body, short, extra, after, file, _dir: None })
}

fn read_header(sock: &mut TcpStream) -> Result<serde_json::Map<String, Value>, Stop> {
    let (len, end) = peer::read_exactly(sock, 4);
    let expected = || {
        tr!(
            "4 bytes of length, then the header",
            "4 个字节的长度, 然后是报头"
        )
    };
    if let Some(end) = end {
        return Err(fail(
            expected(),
            tr!("{}, then {}", "{}, 然后{}", shown(&len), peer::said(end)),
        ));
    }
    let n = i32::from_le_bytes([len[0], len[1], len[2], len[3]]);
    let Some(n) = usize::try_from(n)
        .ok()
        .filter(|&n| n > 0 && n <= MAX_HEADER)
    else {
        let big = u32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        let why = if big as usize <= MAX_HEADER {
            tr!(
                "{}: big-endian; struct.pack('i') is little-endian here",
                "{}: 大端序; 这里 struct.pack('i') 是小端序",
                hex(&len)
            )
        } else {
            tr!("{}: a length of {n}", "{}: 长度为 {n}", hex(&len))
        };
        return Err(fail(
            tr!(
                "a length from 1 to {MAX_HEADER}, little-endian",
                "1 到 {MAX_HEADER} 之间的长度, 小端序"
            ),
            why,
        ));
    };
    let (bytes, end) = peer::read_exactly(sock, n);
    if let Some(end) = end {
        return Err(fail(
            tr!("{n} bytes of header", "{n} 个字节的报头"),
            tr!(
                "{} bytes, then {}",
                "{} 个字节, 然后{}",
                bytes.len(),
                peer::said(end)
            ),
        ));
    }
    let json: Value = serde_json::from_slice(&bytes).map_err(|e| {
        fail(
            tr!(
                "{n} bytes of JSON (does the length count bytes, not characters?)",
                "{n} 个字节的 JSON (长度数的是字节而不是字符吗?)"
            ),
            tr!("{}: {e}", "{}: {e}", shown(&bytes)),
        )
    })?;
    let Value::Object(map) = json else {
        return Err(fail(tr!("a JSON object", "一个 JSON 对象"), shown(&bytes)));
    };
    let ok = map
        .get("file_name")
        .and_then(Value::as_str)
        .is_some_and(|n| !n.is_empty())
        && map.get("file_desc").is_some_and(Value::is_string)
        && map.get("file_size").is_some_and(Value::is_u64);
    if !ok {
        return Err(fail(
            tr!(
                "file_name (a non-empty string), file_desc (a string), file_size (a whole number)",
                "file_name (非空字符串)、file_desc (字符串)、file_size (整数)"
            ),
            shown(&bytes),
        ));
    }
    // The name is held to what the course's own client saves (lesson 06's rules), so that a
    // server passes only if that client takes its header.
    let name = map
        .get("file_name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if let Err(why) = crate::transfer::header::check_file_name(name) {
        return Err(fail(
            tr!(
                "a file_name the course's client takes: a name, not a path (os.path.basename)",
                "课程的客户端能接受的 file_name: 一个名字, 不是路径 (os.path.basename)"
            ),
            tr!(
                "{:?}: {why}",
                "{:?}: {why}",
                crate::tools::check::program::escaped(name)
            ),
        ));
    }
    Ok(map)
}

/// Read `size` bytes; `slow`: [`SLOW_PIECE`] at a time with a pause, so the server's sends wait.
fn read_body(sock: &mut TcpStream, size: usize, slow: bool) -> (Vec<u8>, Option<Ending>) {
    if !slow {
        return peer::read_exactly(sock, size);
    }
    let mut got = Vec::with_capacity(size);
    while got.len() < size {
        let (piece, end) = peer::read_exactly(sock, (size - got.len()).min(SLOW_PIECE));
        got.extend(piece);
        if end.is_some() {
            return (got, end);
        }
        thread::sleep(SLOW_PAUSE);
    }
    (got, None)
}
