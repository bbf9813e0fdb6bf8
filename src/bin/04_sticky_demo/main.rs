//! Lesson 04 — sticky packets (黏包): writes go in, and the reads do not see the writes.
//!
//! The material's programs: writes of `1234567`, `abcde`, `hhhhh`, read by `recv(5)`: `b'12345'`,
//! `b'67abc'`, `b'dehhh'`, `b'hh'`, `b''`. TCP is a byte stream with no message boundaries. Its two
//! causes: the reader cuts where its buffer is full; the sender merges small writes (`nagle.rs`).
//!
//! What changed since lesson 03: one client, then the server ends, as the material's does; the
//! talk goes one way; beside the reads, the kernel's count of the TCP segments that carried them.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 04_sticky_demo`
//! - two terminals, server first: `... -- server`, then `... -- client`
//! - the side shows (`nagle.rs`): `server --chunk 1024`, `--tiny` on both sides, `--nodelay`
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
use socket_lessons::words::text::{Bytes, Count, PyBytes};
use socket_lessons::{Result, demo, note, output::say, server};

mod nagle; // the side shows: the sender's cause (`--tiny`, `--nodelay`), `--chunk`, the verdict

/// The material's three sends, 17 bytes (`SENT`): 7 is not a multiple of 5, so `recv(5)` cuts.
const MESSAGES: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];
const SENT: usize = MESSAGES[0].len() + MESSAGES[1].len() + MESSAGES[2].len();

/// The material's `recv(5)`: smaller than the first message, so the cut is visible.
const CHUNK: usize = 5;

/// The server side: one client, read until it closes.
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

/// Once `want` bytes are in, read `chunk` at a time until the client closes; count reads, segments.
fn read_all(mut sock: TcpStream, chunk: usize, want: usize) -> Result<()> {
    // A real server reads at once; this one waits for all, so every machine shows the same reads.
    wait::until_all_arrived(&sock, want, chunk)?;
    let (mut buf, mut received, mut reads) = (vec![0u8; chunk], 0, 0);
    // Python: data1 = conn.recv(5); print(data1), and on until b''; recv(5) returns up to 5 bytes.
    loop {
        let n = sock.read(&mut buf).peer(Peer::Client)?;
        if n == 0 {
            server!(
                "read({chunk}) returned 0 bytes: b'' (the client has closed)",
                "read({chunk}) 返回 0 字节: b'' (客户端已关闭)"
            );
            break; // nothing more will ever come
        }
        server!(
            "read({chunk}) returned {}: {}",
            "read({chunk}) 返回 {}: {}",
            Bytes(n),
            PyBytes(&buf[..n])
        );
        (received, reads) = (received + n, reads + 1);
    }
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
    nagle::announce(&MESSAGES, false);
    // Python: client.send(b'1234567'); client.send(b'abcde'); client.send(b'hhhhh')
    for message in MESSAGES {
        sock.write_all(message).peer(Peer::Server)?;
    }
    // Python: the client ends, its close a FIN; `nagle.rs` awaits the server's, counts segments.
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

/// Both sides in one process, three rounds: reads of 5 bytes, of 1024, then 200 tiny writes.
fn demo(nodelay: nagle::Nodelay) -> Result<()> {
    let listener = bind(Addr::ephemeral().resolve()?)?;
    let client_rounds = move |addr| nagle::client_rounds(addr, nodelay);
    demo::run(listener, nagle::serve_rounds, client_rounds)
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(cli.nagle),
        Command::Server { addr, reads } => nagle::server(bind(addr.resolve()?)?, reads),
        Command::Client { addr, writes } => nagle::client(addr.resolve()?, writes, cli.nagle),
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
    #[command(flatten)]
    nagle: nagle::Nodelay,
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
        #[command(flatten)]
        writes: nagle::Writes,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
