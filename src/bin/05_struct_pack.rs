//! Lesson 05 — struct pack: a 4-byte length in front of each message puts the boundaries back.
//!
//! Lesson 04 showed the problem: the reader cannot know where one message ends, because TCP is
//! a byte stream with no message boundaries. The material's cure (解决黏包问题) is to say, before
//! each message, how many bytes it has, in a field of fixed size: Python's `struct.pack('i', n)`
//! turns any length into exactly 4 bytes. The reader reads exactly 4 bytes, unpacks the length,
//! then reads exactly that many. On the wire, one frame is:
//!
//! ```text
//! [i32 little-endian: body length N][N bytes of body]
//! ```
//!
//! What changed since lesson 04: the client sends the same three messages (and `黏包问题`), each with
//! `send_frame` instead of a bare `write_all`; the server reads them with `recv_frame` instead
//! of `read` into a 5-byte buffer. Both are written below, in this file; from lesson 06 on the
//! library has them, the same code (`src/sockets/frame.rs`; a test checks the two stay the same).
//!
//! Run it:
//! - one terminal (the demo: the struct demo, then the framed messages):
//!   `cargo run --bin 05_struct_pack`
//! - two terminals, server first: `cargo run --bin 05_struct_pack -- server`, then
//!   `cargo run --bin 05_struct_pack -- client`
//! - the projector view, lesson 04 and lesson 05 side by side: `cargo run --bin 05_struct_pack -- compare`
//! - a calculator: `cargo run --bin 05_struct_pack -- pack 15`, `... -- unpack 0f 00 00 00`,
//!   and the struct demo with your own text: `... -- struct "你好"`
//! - the Python side, built from the material's struct section, against ours:
//!   `python3 tests/python/struct_server.py 8080` and `python3 tests/python/struct_client.py 8080`
//!
//! Watch for: `07 00 00 00` arriving before `1234567`: the length comes first, so the server
//! knows how much to read. And the text `黏包问题`: 4 characters, but 12 bytes; the length to
//! send is the byte length. `--lang zh` prints every line in Chinese (中文).

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::sockets::net::Peer;
use socket_lessons::tools::shows::{compare, pack, tap::Tap};
use socket_lessons::words::cli::{self, Addr, Shared};
use socket_lessons::words::text::{count, hex, py_bytes, quoted};
use socket_lessons::{Error, Result, client, demo, note, output::say, server, sockets::net, tr};

/// Lesson 04's three messages, unchanged (the same sends that stuck together there), then the
/// material's section title: 4 characters but 12 bytes, and the length counts bytes.
const MESSAGES: [&[u8]; 4] = [b"1234567", b"abcde", b"hhhhh", "黏包问题".as_bytes()];

/// The struct demo's texts: 15 characters and 15 bytes (the material's `0f 00 00 00`), then
/// the material's section title: 4 characters, but 12 bytes.
const STRUCT_TEXTS: [&str; 2] = ["hello, sockets!", "黏包问题"];

/// Lesson 04's `recv(5)`, for the `compare` column of raw reads.
const CHUNK: usize = 5;

/// Size of the length prefix: `struct.calcsize('i')` is 4.
const LEN_SIZE: usize = 4;

/// The largest body [`recv_frame`] accepts: 64 KiB.
///
/// The length comes from the peer, and a peer that lies (or is not speaking this protocol:
/// `GET ` read as an i32 is 542,393,671) must not make us allocate gigabytes. Lesson 05's
/// messages and lesson 06's JSON header are a few hundred bytes; 64 KiB is plenty for both.
const MAX_FRAME_LEN: usize = 64 * 1024;

/// How many body bytes of a broken frame its error shows, after the 4 of its length.
const SHOWN: usize = 32;

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => serve(net::listen(&addr, net::BACKLOG)?),
        Command::Client { addr } => run_client(addr.resolve()?),
        // The calculator and the projector view: tools around the lesson, in `tools::shows`.
        Command::Struct { texts } => pack::show_struct(&texts),
        Command::Compare => compare::show(&MESSAGES[..3], CHUNK),
        Command::Pack { number } => pack::parse_i32(&number).map(pack::show_pack),
        Command::Unpack { hex } => pack::parse_four_bytes(&hex.join(" ")).map(pack::show_unpack),
    }
}

/// The struct demo, then both sides in one process: the server on a thread, the client here.
fn demo() -> Result<()> {
    pack::show_struct(&STRUCT_TEXTS)?;
    // Python: server.bind(('127.0.0.1', 8080)); server.listen(5): lesson 03's listener, as a call.
    let listener = net::listen(&Addr::ephemeral(), net::BACKLOG)?;
    demo::run(listener, serve, run_client)?;
    let compare = format!("{} compare", cli::program("05_struct_pack"));
    note!(
        "to see lesson 04 and this one side by side: {compare}",
        "把第 04 课和本课并排对比: {compare}"
    );
    Ok(())
}

/// The server side: one client, one frame at a time until it closes.
fn serve(listener: TcpListener) -> Result<()> {
    // Python: conn, addr = server.accept()
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on

    // No waiting for the bytes to pile up, as lesson 04 had to: however the reads cut the
    // stream, recv_frame reads exactly 4 bytes of length, then exactly that many bytes.
    // `Tap` keeps a copy of what `recv_frame` reads, to show the 4 length bytes (src/tools/shows).
    let mut wire = Tap::new(sock);
    let mut received = 0;
    // Python: header = conn.recv(4); length = struct.unpack('i', header)[0]; data = conn.recv(length)
    while let Some(message) = recv_frame(&mut wire).map_err(|e| broken(e, &wire.arrived()))? {
        // recv_frame has just read the 4 length bytes and the body: `arrived` holds them all.
        let length = hex(&wire.arrived()[..LEN_SIZE]);
        let (n, bytes) = (message.len(), count(message.len(), "byte", "bytes"));
        // The body is the peer's bytes: shown quoted and escaped, never raw on the terminal.
        let body = quoted(&message);
        server!(
            "length {length} = {n}, then {bytes}: {body}",
            "长度 {length} = {n}, 接着读取 {n} 字节: {body}"
        );
        received += 1;
    }
    // recv_frame's `None`: a read of 0 bytes where a length would start, a clean close.
    server!(
        "the client has closed, between two frames",
        "客户端已关闭, 正好在两帧之间"
    );
    let messages = count(received, "message", "messages");
    note!(
        "{messages} received, each whole: the length in front of each put the boundaries back",
        "收到 {received} 条消息, 每条都完整: 每条前面的长度把消息的边界找了回来"
    );
    Ok(())
}

/// The client side: four frames, back to back, then close.
fn run_client(addr: SocketAddr) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line
    // As in lesson 04, everything is printed first and the sends go out back to back: the same
    // conditions that made the messages stick together there.
    let (writes, frames) = (MESSAGES.len(), count(MESSAGES.len(), "frame", "frames"));
    client!(
        "{frames} back to back, then closing:",
        "连续发送 {writes} 个帧, 然后关闭:"
    );
    for (i, message) in (1..).zip(MESSAGES) {
        // What send_frame puts in front: struct.pack('i', len(data)). A message of a few bytes
        // fits in an i32, so the `as` cannot cut anything off.
        let length = hex(&(message.len() as i32).to_le_bytes());
        let body = py_bytes(message);
        client!(
            "  frame {i}: {length} + {body}",
            "  第 {i} 帧: {length} + {body}"
        );
    }
    // Python: client.send(struct.pack('i', len(data))); client.send(data) — for each message.
    for message in MESSAGES {
        send_frame(&mut sock, message).map_err(|e| net::talk_error(e, Peer::Server))?;
    }
    // `sock` is dropped, and so closed, at the end of the function.
    Ok(())
}

// The cure itself. From lesson 06 on, the library's `frame` module has these same lines.
// On the wire, one frame is `[i32 little-endian: body length N][N bytes of body]`.

/// Send `body` as one frame: the 4-byte length, then the body, in one `write_all`.
///
/// One write, not two: with Nagle's algorithm on, a small length written alone would wait for
/// the peer's ACK (up to 40 ms with delayed ACKs) before the body could follow.
fn send_frame(writer: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let len = i32::try_from(body.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME_LEN)
        .ok_or_else(|| {
            io::Error::new(
                ErrorKind::InvalidInput,
                tr!(
                    "a frame of {} bytes is over the {MAX_FRAME_LEN}-byte limit",
                    "一帧有 {} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限",
                    body.len()
                ),
            )
        })?;
    let mut frame = Vec::with_capacity(LEN_SIZE + body.len());
    // Python: struct.pack('i', len(data))
    frame.extend_from_slice(&len.to_le_bytes());
    frame.extend_from_slice(body);
    writer.write_all(&frame)
}

/// Receive one frame: exactly 4 bytes of length, then exactly that many bytes of body.
///
/// - `Ok(Some(body))`: a whole frame (an empty body is a real, empty message).
/// - `Ok(None)`: the peer closed cleanly *between* frames: a read of 0 with nothing pending.
/// - `Err(UnexpectedEof)`: the peer closed *inside* a frame; the message says how many of how
///   many bytes arrived.
/// - `Err(InvalidData)`: a length that is negative or over [`MAX_FRAME_LEN`]: bad data, not a
///   short read, so waiting for more bytes would not help.
fn recv_frame(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; LEN_SIZE];
    // recv(4) may return 1, 2 or 3 bytes: keep reading until the 4 are here.
    match read_full(reader, &mut len_bytes)? {
        0 => return Ok(None),
        LEN_SIZE => {}
        got => {
            return Err(io::Error::new(
                ErrorKind::UnexpectedEof,
                tr!(
                    "connection closed inside a frame's length: {got} of {LEN_SIZE} bytes arrived",
                    "连接在帧的长度字段中途关闭: {LEN_SIZE} 个字节只到了 {got} 个"
                ),
            ));
        }
    }
    // Python: struct.unpack('i', header)[0]
    let len = i32::from_le_bytes(len_bytes);
    let len = usize::try_from(len).map_err(|_| {
        bad_data(tr!(
            "a frame announced a negative length ({len})",
            "帧声明的长度是负数 ({len})"
        ))
    })?;
    if len > MAX_FRAME_LEN {
        return Err(bad_data(tr!(
            "a frame announced {len} bytes, over the {MAX_FRAME_LEN}-byte limit",
            "帧声明的长度是 {len} 字节, 超过了 {MAX_FRAME_LEN} 字节的上限"
        )));
    }
    let mut body = vec![0u8; len];
    let got = read_full(reader, &mut body)?;
    if got < len {
        return Err(io::Error::new(
            ErrorKind::UnexpectedEof,
            tr!(
                "connection closed inside a frame: {got} of {len} bytes of its body arrived",
                "连接在帧的中途关闭: 正文 {len} 字节只到了 {got} 字节"
            ),
        ));
    }
    Ok(Some(body))
}

/// Read until `buf` is full or the peer has closed; return how many bytes arrived.
///
/// `read_exact` would do the filling, but on EOF it cannot say how far it got, and "3 of 4
/// bytes arrived" is what tells a clean close from a broken frame.
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            // A read of 0 means the peer closed: no more bytes will ever come.
            Ok(0) => break,
            Ok(n) => filled += n,
            // A signal interrupted the read before any byte arrived: just read again.
            Err(e) if e.kind() == ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

fn bad_data(message: String) -> io::Error {
    io::Error::new(ErrorKind::InvalidData, message)
}

/// The server's one line for a frame that went wrong: who closed, for a reset; else
/// recv_frame's reason and the bytes the peer sent for that frame (`arrived`), escaped: a lying
/// length or a cut body shows what really came, and no byte of it reaches the screen raw.
fn broken(e: io::Error, arrived: &[u8]) -> Error {
    if let Some(words) = net::gone(&e, Peer::Client) {
        return words.into();
    }
    let shown = arrived.len().min(LEN_SIZE + SHOWN);
    let more = if arrived.len() > shown { "..." } else { "" };
    let bytes = format!("{}{more}", py_bytes(&arrived[..shown]));
    tr!(
        "{e}; what arrived: {bytes}",
        "客户端发来的帧不完整或有误 ({e}); 这一帧收到的字节: {bytes}"
    )
    .into()
}

// The command line: what `--help` shows. Skip it on a first reading.

/// Lesson 05: a 4-byte length in front of each message gives the messages back whole. Without
/// arguments, the demo; two terminals: `cargo run --bin 05_struct_pack -- server`, then `client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Subcommand)]
enum Command {
    /// The struct demo, then server and client in one process, on a port the OS picks (the default).
    Demo,
    /// Accept one client; read its messages frame by frame until it closes.
    Server {
        #[command(flatten)]
        addr: Addr,
    },
    /// Connect, send 1234567, abcde, hhhhh and 黏包问题 as four frames, back to back, and close.
    Client {
        #[command(flatten)]
        addr: Addr,
    },
    /// The material's struct demo: a text's length packed into 4 bytes, and unpacked back.
    Struct {
        /// The texts to measure and pack.
        #[arg(value_name = "TEXT", default_values = STRUCT_TEXTS)]
        texts: Vec<String>,
    },
    /// Lesson 04 and lesson 05 side by side: the same messages, read raw and read framed.
    Compare,
    /// struct.pack('i', N) and struct.pack('!i', N): a number as 4 bytes.
    Pack {
        /// A whole number from -2147483648 to 2147483647.
        #[arg(value_name = "N", allow_hyphen_values = true)]
        number: String,
    },
    /// struct.unpack('i', ...) and struct.unpack('!i', ...): 4 bytes as a number.
    Unpack {
        /// 4 bytes as 8 hex digits, spaces allowed: 0f 00 00 00, or 0f000000.
        #[arg(value_name = "HEX", required = true, num_args = 1..)]
        hex: Vec<String>,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
