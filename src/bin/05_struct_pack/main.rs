//! Lesson 05 — struct pack: a 4-byte length in front of each message puts the boundaries back.
//!
//! Lesson 04: TCP is a byte stream with no message boundaries. The material's cure (解决黏包问题):
//! before each message its length, packed by `struct.pack('i', n)` into 4 bytes; the reader reads
//! exactly 4, unpacks, then reads exactly that many: `[i32 little-endian: N][N bytes of body]`.
//!
//! What changed since lesson 04: `send_frame` for `write_all`, `recv_frame` for `read(5)`, written
//! below; from lesson 06 on, `src/sockets/frame.rs` has them, the same lines (a test holds it).
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 05_struct_pack`
//! - two terminals, server first: `... -- server`, then `... -- client`
//! - the side shows (`shows.rs`): `compare` (04 beside 05), `pack 15`, `unpack 0f 00 00 00`, `struct`
//!
//! Watch for: `07 00 00 00` before `1234567`: the length comes first, so the server knows how
//! much to read. And `黏包问题`: 4 characters, but 12 bytes; the length counts bytes.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::sockets::frame::Wrong;
use socket_lessons::sockets::net::{self, Binding, Peer, Talk};
use socket_lessons::tools::shows::tap::{Showing, Tap};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::{Bytes, Count, hex, quoted};
use socket_lessons::{Result, demo, note, output::say, server};

mod shows; // the side shows: `struct`, `pack`, `unpack`, `compare`

/// Lesson 04's three messages, then the material's section title: 4 characters but 12 bytes.
const MESSAGES: [&[u8]; 4] = [b"1234567", b"abcde", b"hhhhh", "黏包问题".as_bytes()];

/// The length's size, `struct.calcsize('i')`; the largest body [`recv_frame`] accepts: a peer that
/// lies (`GET ` read as an i32 is 542,393,671) must not make us allocate gigabytes.
const LEN_SIZE: usize = 4;
const MAX_FRAME_LEN: usize = 64 * 1024;

/// The server side: one client, read until it closes.
fn serve(listener: TcpListener) -> Result<()> {
    // Python: conn, addr = server.accept()
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
    handle_client(sock)
}

/// One frame at a time until the client closes: however the reads cut the stream, each is whole.
fn handle_client(sock: TcpStream) -> Result<()> {
    // `Tap` keeps a copy of what `recv_frame` reads, to show the 4 length bytes.
    let (mut wire, mut received) = (Tap::new(sock), 0);
    // Python: header = conn.recv(4); length = struct.unpack('i', header)[0]; data = conn.recv(length)
    loop {
        let Some(message) = recv_frame(&mut wire).showing(&mut wire)? else {
            server!(
                "the client has closed, between two frames",
                "客户端已关闭, 正好在两帧之间"
            );
            break; // nothing more will ever come
        };
        let (n, length) = (message.len(), hex(&wire.arrived()[..LEN_SIZE]));
        server!(
            "length {length} = {n}, then {}: {}",
            "长度 {length} = {n}, 接着读取 {}: {}",
            Bytes(n),
            quoted(&message) // the peer's bytes: escaped, never raw on the terminal
        );
        received += 1;
    }
    note!(
        "{} received, each whole: the length in front of each put the boundaries back",
        "收到 {} 条消息, 每条都完整: 每条前面的长度把消息的边界找了回来",
        Count(received, "message", "messages")
    );
    Ok(())
}

/// The client side: the messages, back to back, then close.
fn run_client(addr: SocketAddr) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line

    // All is printed before the first write, so the writes follow each other at once: a line in
    // between would let a server that reads at once (the material's) take the first one alone.
    shows::announce(&MESSAGES); // each frame: the 4 length bytes `send_frame` puts first, the body
    // Python: client.send(struct.pack('i', len(data))); client.send(data) — for each message.
    for message in MESSAGES {
        send_frame(&mut sock, message).peer(Peer::Server)?;
    }
    Ok(())
}

/// Send `body` as one frame: the 4-byte length, then the body, in one `write_all`. One write,
/// not two: with Nagle on, a small length written alone would wait for the peer's ACK.
fn send_frame(writer: &mut impl Write, body: &[u8]) -> io::Result<()> {
    let len = i32::try_from(body.len())
        .ok()
        .filter(|&len| len as usize <= MAX_FRAME_LEN)
        .ok_or(Wrong::TooBig(body.len()))?;
    // Python: struct.pack('i', len(data)) + data — the 4 length bytes, then the body.
    writer.write_all(&[&len.to_le_bytes()[..], body].concat())
}

/// Receive one frame: exactly 4 bytes of length, then exactly that many bytes of body.
/// `Ok(None)`: the peer closed cleanly *between* frames. An error: it closed *inside* a frame
/// (`UnexpectedEof`: more bytes needed, and none will come), or sent a length that is negative or
/// too big (`InvalidData`: bad data, which no wait would cure).
fn recv_frame(reader: &mut impl Read) -> io::Result<Option<Vec<u8>>> {
    let mut len_bytes = [0u8; LEN_SIZE];
    // recv(4) may return 1, 2 or 3 bytes: keep reading until the 4 are here.
    match read_full(reader, &mut len_bytes)? {
        0 => return Ok(None),
        LEN_SIZE => {}
        got => return Err(Wrong::CutLength(got).into()),
    }
    // Python: struct.unpack('i', header)[0]
    let len = i32::from_le_bytes(len_bytes);
    let len = usize::try_from(len).map_err(|_| Wrong::Negative(len))?;
    if len > MAX_FRAME_LEN {
        return Err(Wrong::OverLimit(len).into());
    }
    let mut body = vec![0u8; len];
    match read_full(reader, &mut body)? {
        got if got < len => Err(Wrong::CutBody(got, len).into()),
        _ => Ok(Some(body)),
    }
}

/// Read until `buf` is full or the peer has closed; return how many bytes arrived. Not
/// `read_exact`: on EOF it cannot say how far it got, which tells a clean close from a cut frame.
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

/// Python: `server = socket.socket()`, `server.bind(('127.0.0.1', 8080))`, `server.listen(5)`:
/// std's `TcpListener::bind` does all three in one call, with a backlog of 128, not the material's
/// 5 (lesson 03 does them by hand); `net::announce` prints the `listening on` line.
fn bind(addr: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr).binding(addr)?;
    net::announce(&listener)?;
    Ok(listener)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// The struct demo, then both sides in one process: the server on a thread, the client here.
fn demo() -> Result<()> {
    shows::struct_demo()?;
    let listener = bind(Addr::ephemeral().resolve()?)?;
    demo::run(listener, serve, run_client).map(|()| shows::compare_note())
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => serve(bind(addr.resolve()?)?),
        Command::Client { addr } => run_client(addr.resolve()?),
        Command::Show(show) => show.run(), // the side shows, in `shows.rs`
    }
}

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
    #[command(flatten)]
    Show(shows::Show),
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
