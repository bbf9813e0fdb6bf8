//! Lesson 02 — the communication loop: many exchanges over one connection.
//!
//! Lesson 01 sent one message each way. Here the exchange of lesson 01 runs in a loop: the
//! client sends each line you type and prints the reply; the server prints each message and
//! answers with a line typed on *its* terminal. What changed since 01: two `loop`s, lines
//! from stdin, and a 0-byte read that ends the conversation.
//!
//! Run it:
//! - one terminal (the demo, scripted typing): `cargo run --bin 02_comm_loop`
//! - two terminals, server first; then type in the client, and answer in the server:
//!   `cargo run --bin 02_comm_loop -- server`, then `cargo run --bin 02_comm_loop -- client`
//! - a client nobody here wrote: `nc 127.0.0.1 8080`.
//! - the long-line trap: `cargo run --bin 02_comm_loop -- longline` (told step by step in
//!   `src/tools/shows/longline.rs`, with this lesson's calls)
//!
//! Watch for: the trap lesson 03 fixes. Send an empty line: zero bytes are nothing on the wire,
//! so the server keeps waiting for a message while the client waits for a reply. The material's
//! programs hang there forever; this client gives up after [`EMPTY_WAIT`] and says why. End the
//! client (Ctrl-D; on Windows Ctrl-Z, then Enter): the server reads 0 bytes, TCP's "the other
//! side has closed". And `longline`: a line longer than the 1024-byte read comes in two pieces,
//! and every reply after it answers the message before. Lesson 05 is the cure.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::demo::input::{END_OF_INPUT, Lines};
use socket_lessons::output::say::Role;
use socket_lessons::sockets::net::{self, Peer};
use socket_lessons::tools::shows::longline;
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::{Result, client, demo, note, output::say, server, tr, words::text};

/// What the demo's client "types", the empty line included.
const CLIENT_SCRIPT: [&str; 3] = ["你好, server!", "", "how many bytes is 字节?"];

/// What the demo's server "types" in answer, one line a message that reaches it.
const SERVER_SCRIPT: [&str; 2] = [
    "你好, client! (welcome)",
    "字节 is 6 bytes: 3 per character",
];

/// The material's `recv(1024)`: an upper bound, not a promise (lesson 04 shows why that matters).
const BUF_SIZE: usize = 1024;

/// How long the client waits for a reply to an empty message before it explains the trap.
/// Nothing will ever come, so any wait is long enough; this one is short so the demo is quick.
const EMPTY_WAIT: Duration = Duration::from_millis(300);

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    // The prompts: in Chinese, the material's own `input()` prompts.
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => bind(addr.resolve()?).and_then(|listener| {
            serve(
                listener,
                Lines::stdin(Role::Server, &tr!("reply>>> ", "请回复消息>>>:")),
            )
        }),
        Command::Client { addr } => run_client(
            addr.resolve()?,
            Lines::stdin(
                Role::Client,
                &tr!("message>>> ", "请输入你需要发送的消息>>>:"),
            ),
        ),
        Command::Longline => longline::demo(),
    }
}

/// Both sides in one process: the server on a thread, the client here, both typing from a script.
fn demo() -> Result<()> {
    let listener = bind(Addr::ephemeral().resolve()?)?;
    demo::run(
        listener,
        |listener| serve(listener, Lines::script(&SERVER_SCRIPT)),
        |addr| run_client(addr, Lines::script(&CLIENT_SCRIPT)),
    )
}

/// Python: `server = socket.socket()`, `server.bind(...)`, `server.listen(5)`: lesson 01's
/// `TcpListener::bind`, all three in one call, then the `listening on` line.
fn bind(addr: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr).map_err(|e| net::bind_error(e, addr))?;
    net::announce(&listener)?;
    Ok(listener)
}

/// The server side: one client, then a loop of read, print, answer.
fn serve(listener: TcpListener, mut replies: Lines) -> Result<()> {
    // Python: sock, addr = server.accept()
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (mut sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on

    let mut buf = [0u8; BUF_SIZE];
    // Python: while True:
    loop {
        // Python: data = sock.recv(1024)
        // A client that resets ends the lesson with words, not an OS error (`net::talk_error`).
        let n = sock
            .read(&mut buf)
            .map_err(|e| net::talk_error(e, Peer::Client))?;
        if n == 0 {
            // A read of 0 bytes is not an empty message (those are never sent, see the header):
            // it is the peer's FIN, "I have closed, nothing more will come".
            server!(
                "read 0 bytes: the client has closed the connection",
                "读到 0 字节: 客户端已关闭连接"
            );
            break;
        }
        // Bytes are not characters: a message may hold bytes that are not UTF-8, or end in the
        // middle of a character. `shown` prints those as � instead of failing, where the
        // material's `data.decode('utf8')` would raise and end the server.
        let (size, text) = shown(&buf[..n]);
        server!("received {size}: {text}", "收到 {n} 字节: {text}");

        // Python: msg = input('请回复消息>>>:').strip()
        let Some(reply) = next_reply(&mut replies)? else {
            server!(
                "no more replies to type (stdin closed): closing",
                "没有可以输入的回复了 (标准输入已关闭): 关闭连接"
            );
            break;
        };
        // Python: sock.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&reply), reply.len());
        server!("sending {size}: {text}", "发送 {len} 字节: {text}");
        sock.write_all(&reply)
            .map_err(|e| net::talk_error(e, Peer::Client))?;
    }
    Ok(())
}

/// The server's next typed reply, or `None` when its input has ended. An empty reply would send
/// nothing and leave the client waiting (the trap, the other way round): ask again instead.
fn next_reply(replies: &mut Lines) -> Result<Option<Vec<u8>>> {
    loop {
        match replies.next_line()? {
            Some(reply) if reply.is_empty() => note!(
                "an empty reply would send no bytes and leave the client waiting: type some text",
                "空回复不会发出任何字节, 客户端会一直等下去: 请输入一些文字"
            ),
            reply => return Ok(reply),
        }
    }
}

/// The client side: a loop of read a line, send it, print the reply.
fn run_client(addr: SocketAddr, mut messages: Lines) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line

    let mut buf = [0u8; BUF_SIZE];
    // Until the server answers, a reset may mean it never accepted us (`net::gone`'s words).
    let mut server = Peer::Server;
    // Python: while True: msg = input('请输入你需要发送的消息>>>:').strip()
    while let Some(message) = messages.next_line()? {
        // Python: client.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&message), message.len());
        client!("sending {size}: {text}", "发送 {len} 字节: {text}");
        sock.write_all(&message)
            .map_err(|e| net::talk_error(e, server))?;

        // Python: data = client.recv(1024)
        if message.is_empty() {
            // The material's client would now wait forever. We wait a little, to show it.
            let comes = reply_comes_within(&mut sock, &mut buf, EMPTY_WAIT);
            if !comes.map_err(|e| net::talk_error(e, server))? {
                note!(
                    "no reply: an empty message is 0 bytes, and 0 bytes send nothing at all.",
                    "没有回复: 空消息就是 0 字节, 而 0 字节根本什么也不会发送。"
                );
                note!(
                    "the server is still waiting for a message, and we were waiting for its reply:",
                    "服务端还在等消息, 我们却在等它的回复:"
                );
                note!(
                    "with no time limit, both sides would wait forever. Lesson 03 skips empty lines.",
                    "如果不限时间, 双方会永远等下去。第 03 课会跳过空行。"
                );
                continue;
            }
        }
        // A server that was busy with another client and then ended never accepted us: the read
        // fails with a reset, and `net::talk_error` says so in words.
        let n = sock
            .read(&mut buf)
            .map_err(|e| net::talk_error(e, server))?;
        if n == 0 {
            client!(
                "read 0 bytes: the server has closed the connection",
                "读到 0 字节: 服务端已关闭连接"
            );
            return Ok(());
        }
        let (size, text) = shown(&buf[..n]);
        client!("received {size}: {text}", "收到 {n} 字节: {text}");
        server = Peer::AnsweredServer;
    }

    // Python: client.close() — at the end of input (`END_OF_INPUT`), which the material never reaches.
    client!(
        "no more messages (end of input): closing",
        "没有更多消息了 (输入结束): 关闭连接"
    );
    Ok(())
}

/// Wait up to `wait` for the peer to send something: `peek` with a read timeout (which gives up
/// with `WouldBlock` or `TimedOut`) looks without taking, so the read after it gets it all.
fn reply_comes_within(sock: &mut TcpStream, buf: &mut [u8], wait: Duration) -> io::Result<bool> {
    sock.set_read_timeout(Some(wait))?;
    let peeked = sock.peek(buf);
    sock.set_read_timeout(None)?;
    match peeked {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A message as the lines show it: its size (`1 byte`, `5 bytes`) and its text, quoted and
/// escaped by `text::preview` (a long one by its two ends), so a peer's control bytes never act
/// on the terminal.
fn shown(bytes: &[u8]) -> (String, String) {
    let size = text::count(bytes.len(), "byte", "bytes");
    (size, text::preview(bytes))
}

// The command line: what `--help` shows. Skip it on a first reading.

/// Lesson 02: a loop of exchanges. Run without arguments for the demo, or in two terminals:
/// `cargo run --bin 02_comm_loop -- server`, then `cargo run --bin 02_comm_loop -- client`.
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
    /// Server and client in one process, with scripted typing (the default).
    Demo,
    /// Accept one client; print each message and answer with a line typed here.
    Server {
        #[command(flatten)]
        addr: Addr,
    },
    /// Connect; send each line typed here and print the reply, until the end of the input.
    #[command(about = format!("Connect; send each line typed here and print the reply. {END_OF_INPUT} ends."))]
    Client {
        #[command(flatten)]
        addr: Addr,
    },
    /// The long-line trap: a line longer than the 1024-byte read, and the replies after it.
    Longline,
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
