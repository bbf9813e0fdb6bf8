//! Lesson 04 — sticky packets (黏包): writes go in, and the reads do not see the writes.
//!
//! The material's sticky-packet programs: three writes, `1234567`, `abcde` and `hhhhh`, back to
//! back, read by `recv(5)`: `b'12345'`, `b'67abc'`, `b'dehhh'`, `b'hh'`, then `b''`. TCP is a byte
//! stream with no message boundaries. The material names two causes: the reader cuts wherever
//! its buffer is full; the sender merges small writes made close together (`nagle.rs`).
//!
//! What changed since lesson 03: one client, then the server ends, as the material's does; the
//! talk goes one way; beside the reads, the kernel's count of the TCP segments that carried them.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 04_sticky_demo`
//! - two terminals, server first: `... -- server`, then `... -- client`
//! - the side shows (`nagle.rs`): `server --chunk 1024`, `--tiny` on both sides, `--nodelay`
//! - the material's own: `python3 tests/python/sticky_server.py 8080` (`sticky_client.py`)
//!
//! Watch for: `b'67abc'`, the end of the first message glued to the start of the second, though
//! each write left in a segment of its own; with `--chunk 1024`, one read takes all three.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::sockets::net::{self, Binding, Peer, Talk};
use socket_lessons::sockets::wait;
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::{Bytes, Count, py_bytes};
use socket_lessons::{Result, demo, note, output::say, server};

mod nagle; // the side shows: the sender's cause (`--tiny`, `--nodelay`), `--chunk`, the verdict

/// The material's three sends. 7 + 5 + 5 = 17 bytes (`SENT`), and 7 is not a multiple of 5: so
/// a read of 5 bytes cuts the first message in two and glues its end to the next one.
const MESSAGES: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];
const SENT: usize = MESSAGES[0].len() + MESSAGES[1].len() + MESSAGES[2].len();

/// The material's `recv(5)`: smaller than the first message, so the cut is visible.
const CHUNK: usize = 5;

/// The server side: one client, whose bytes it reads 5 at a time.
fn serve(listener: TcpListener) -> Result<()> {
    // Python: conn, addr = server.accept()
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
    handle_client(sock)
}

/// The material's `recv(5)`, over and over until the client closes (`nagle.rs`: other sizes).
fn handle_client(sock: TcpStream) -> Result<()> {
    read_all(sock, CHUNK, SENT)
}

/// Wait for `want` bytes, then read `chunk` bytes at a time until the client closes; say how many
/// reads and how many TCP segments brought the bytes.
fn read_all(mut sock: TcpStream, chunk: usize, want: usize) -> Result<()> {
    // Why wait: on a busy machine the material's second `recv(5)` can run before `abcde` has
    // arrived. So that the whole room sees the same reads, we peek until all bytes are there; a
    // real program never waits so, and cannot know how many bytes will come (lesson 05).
    wait::until_all_arrived(&sock, want, chunk)?;
    let (mut buf, mut received, mut reads) = (vec![0u8; chunk], 0, 0);
    // Python: data1 = conn.recv(5); print(data1) — and data2, data3, then on until b''.
    // recv(5) is an upper bound, not a promise: it returns whatever bytes are waiting, up to 5.
    loop {
        let n = sock.read(&mut buf).peer(Peer::Client)?;
        if n == 0 {
            break; // a read of 0 bytes is the client's close: nothing more will ever come
        }
        let more = if n > 20 { "..." } else { "" }; // a long read: its first 20 bytes
        server!(
            "read({chunk}) returned {}: {}{more}",
            "read({chunk}) 返回 {}: {}{more}",
            Bytes(n),
            py_bytes(&buf[..n.min(20)])
        );
        (received, reads) = (received + n, reads + 1);
    }
    server!(
        "read({chunk}) returned 0 bytes: {} (the client has closed)",
        "read({chunk}) 返回 0 字节: {} (客户端已关闭)",
        py_bytes(b"")
    );
    nagle::brought(&sock, received); // the kernel's count of the segments, final once all is in
    note!(
        "{} came in {}; nothing in them says where one of the client's writes ended",
        "{}分 {} 次读取到达; 数据里没有任何东西标出客户端每次发送在哪里结束",
        Bytes(received),
        Count(reads, "read", "reads")
    );
    note!(
        "one read may return part of a message, one whole message, or several messages; TCP is a byte stream with no message boundaries",
        "一次读取可能返回半条消息, 一条完整消息, 或者好几条消息; TCP 是字节流, 没有消息边界"
    );
    Ok(())
}

/// The client side: three writes, back to back, then close.
fn run_client(addr: SocketAddr) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line

    // All is printed before the first write, so the writes follow each other at once: a line in
    // between would let a server that reads at once (the material's) take the first one alone.
    nagle::announce(&MESSAGES, false);
    // Python: client.send(b'1234567'); client.send(b'abcde'); client.send(b'hhhhh')
    for message in MESSAGES {
        sock.write_all(message).peer(Peer::Server)?;
    }
    // Python: the client ends here, its close telling the server "no more" (FIN). `nagle.rs`:
    // the same FIN, then the server's close awaited, and the segments that carried the writes.
    nagle::close_and_count(&mut sock, MESSAGES.len(), false)?;
    Ok(())
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

/// Both sides in one process, three times: the material's reads of 5 bytes, reads of 1024, and
/// the sender's cause, 200 tiny writes read 1024 bytes at a time (`nagle.rs`).
fn demo(nodelay: bool) -> Result<()> {
    let listener = bind(Addr::ephemeral().resolve()?)?;
    demo::run(listener, nagle::serve_rounds, |addr| {
        nagle::client_rounds(addr, nodelay)
    })
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(cli.nodelay),
        Command::Server { addr, reads } => nagle::server(bind(addr.resolve()?)?, reads),
        Command::Client { addr, tiny } => nagle::client(addr.resolve()?, tiny, cli.nodelay),
    }
}

/// Lesson 04: sticky packets. Three writes; reads of 5 bytes return b'12345', b'67abc', b'dehhh'.
/// Without arguments, the demo; two terminals: `cargo run --bin 04_sticky_demo -- server`, then
/// `client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Nagle's algorithm off for the client's writes (TCP_NODELAY); the server only reads.
    #[arg(long, global = true)]
    nodelay: bool,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Subcommand)]
enum Command {
    /// Server and client in one process: reads of 5 bytes, of 1024, then 200 tiny writes.
    Demo,
    /// Accept one client, wait for its 17 bytes (200 with --tiny), then read them a chunk at a time.
    Server {
        #[command(flatten)]
        addr: Addr,
        #[command(flatten)]
        reads: nagle::Reads,
    },
    /// Connect, send 1234567, abcde and hhhhh in three writes, back to back, and close.
    Client {
        #[command(flatten)]
        addr: Addr,
        /// Send 200 writes of one byte each instead: the sender's cause of 黏包.
        #[arg(long)]
        tiny: bool,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
