//! Lesson 06's exercise, the server: `[i32 little-endian: header length][header JSON with
//! file_name, file_desc, file_size][exactly file_size bytes]`, then the end. The checker reads.

use std::net::TcpStream;
use std::path::PathBuf;
use std::thread;
use std::time::Duration;

use serde_json::Value;

use crate::tools::check::judge::shown;
use crate::tools::check::peer::{self, Ending};
use crate::tools::check::{Check, Ctx, Judged, Side, Stop, fail};
use crate::tr;
use crate::words::text::hex;

/// The served file's size for the fast checks.
const SIZE: usize = 1 << 20;

/// The size for the slow reader: more than the server's send buffer and our receive buffer
/// hold together (Linux lets a send buffer grow to 4 MiB), so the server's sends wait.
const SLOW_SIZE: usize = 8 << 20;

/// The slow reader takes [`SLOW_PIECE`] every [`SLOW_PAUSE`]: 13 MB/s, far slower than a program
/// writes to loopback, so the sends wait up to 20 ms each time, and the stage stays short.
const SLOW_PIECE: usize = 256 * 1024;
const SLOW_PAUSE: Duration = Duration::from_millis(20);

/// The largest header the checker believes: lesson 06's frame limit.
const MAX_HEADER: usize = crate::sockets::frame::MAX_FRAME_LEN;

const PAGE: [&str; 2] = [
    "lessons/06_final_file.md, \"Exercise\"",
    "lessons/zh/06_final_file.md, 「练习」",
];

#[rustfmt::skip]
pub fn checks() -> Vec<Check> {
    let server = Check::on(PAGE, 6, Side::Server, false);
    vec![
        server("header", ["a 4-byte length, then that many bytes of JSON with file_name, file_desc, file_size", "4 个字节的长度, 然后是这么多字节的 JSON, 含 file_name、file_desc、file_size"], header),
        Check { needs_command: true, ..server("file-size", ["file_size is the size of the file given as {file}", "file_size 等于以 {file} 给出的文件的大小"], file_size) },
        Check { needs_command: true, ..server("exact-length", ["exactly file_size bytes after the header, then the end", "报头之后恰好 file_size 个字节, 然后结束"], exact_length) },
        Check { needs_command: true, ..server("same-bytes", ["the same bytes as the file", "与文件完全相同的字节"], same_bytes) },
        Check { needs_command: true, ..server("slow-reader", ["an 8 MiB file read 256 KiB every 20 ms: every byte still arrives", "8 MiB 的文件, 每 20 毫秒只读 256 KiB: 每一个字节仍然都到达"], slow_reader) },
    ]
}

/// What the server sent: its header's JSON, the `file_size` bytes after it (fewer, and how the
/// stream ended, if it ended early), and whatever came after those.
pub struct Sent {
    json: serde_json::Map<String, Value>,
    pub body: Vec<u8>,
    short: Option<Ending>,
    extra: Vec<u8>,
    /// How the stream went on after the file: a correct server closes.
    after: Ending,
    /// The file the server was given, and its bytes (the folder is removed when this drops).
    file: Vec<u8>,
    _dir: Option<tempfile::TempDir>,
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

/// Start the server with the file, connect, read the header, then the rest (`slow`: 4 KiB at
/// a time with a pause).
fn fetch(ctx: &mut Ctx, slow: bool) -> Result<Sent, Stop> {
    let (file, dir) = start_with_file(ctx, if slow { SLOW_SIZE } else { SIZE })?;
    let mut sock = ctx.connect()?;
    if slow {
        // A modest receive buffer: the server's sends fill it and must wait for the reader.
        let _ = socket2::SockRef::from(&*sock).set_recv_buffer_size(64 * 1024);
    }
    let mut sent = read_sent(&mut sock, file, slow)?;
    sent._dir = dir;
    Ok(sent)
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
                crate::tools::check::program::shown(name)
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

fn size_of(sent: &Sent) -> usize {
    sent.json
        .get("file_size")
        .and_then(Value::as_u64)
        .unwrap_or_default() as usize
}

fn header(ctx: &mut Ctx) -> Judged {
    fetch(ctx, false).map(drop)
}

fn file_size(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, false)?;
    match size_of(&sent) {
        size if size == sent.file.len() => Ok(()),
        size => Err(fail(
            format!("file_size {}", sent.file.len()),
            format!("file_size {size}"),
        )),
    }
}

pub fn exact(sent: &Sent) -> Judged {
    let (size, got) = (size_of(sent), sent.body.len());
    if let Some(end) = sent.short {
        return Err(fail(
            tr!("{size} bytes after the header", "报头之后 {size} 个字节"),
            tr!(
                "{got} bytes, then {}",
                "{got} 个字节, 然后{}",
                peer::said(end)
            ),
        ));
    }
    if !sent.extra.is_empty() {
        return Err(fail(
            tr!(
                "nothing after the file's {size} bytes",
                "文件的 {size} 个字节之后不再有任何字节"
            ),
            tr!("then {}", "之后又收到 {}", shown(&sent.extra)),
        ));
    }
    if sent.after != Ending::Closed {
        return Err(fail(
            tr!(
                "the file's {size} bytes, then the end: the server closes (at the latest once the client has)",
                "文件的 {size} 个字节, 然后结束: 服务端关闭连接 (最迟在客户端关闭之后)"
            ),
            tr!(
                "{}s after the client's close: {}",
                "客户端关闭 {} 秒后: {}",
                peer::STEP.as_secs(),
                peer::said(sent.after)
            ),
        ));
    }
    Ok(())
}

fn exact_length(ctx: &mut Ctx) -> Judged {
    exact(&fetch(ctx, false)?)
}

fn same_bytes(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, false)?;
    match sent.body.iter().zip(&sent.file).position(|(a, b)| a != b) {
        Some(at) => Err(fail(
            tr!(
                "the file's bytes; at byte {at}: {}",
                "文件的字节; 第 {at} 个字节起: {}",
                shown(&sent.file[at..(at + 16).min(sent.file.len())])
            ),
            shown(&sent.body[at..(at + 16).min(sent.body.len())]),
        )),
        None if sent.body.len() != sent.file.len() => Err(fail(
            tr!("{} bytes", "{} 个字节", sent.file.len()),
            tr!("{} bytes", "{} 个字节", sent.body.len()),
        )),
        None => Ok(()),
    }
}

/// Every byte arrives however slowly it is read (what comes after is `exact-length`'s business,
/// whether they are the file's is `same-bytes`').
fn slow_reader(ctx: &mut Ctx) -> Judged {
    let sent = fetch(ctx, true)?;
    match sent.short {
        Some(end) => {
            let (size, got) = (size_of(&sent), sent.body.len());
            Err(fail(
                tr!(
                    "all {size} bytes, read slowly",
                    "慢慢读, 也收到全部 {size} 个字节"
                ),
                tr!(
                    "{got} bytes, then {}",
                    "{got} 个字节, 然后{}",
                    peer::said(end)
                ),
            ))
        }
        None => Ok(()),
    }
}
