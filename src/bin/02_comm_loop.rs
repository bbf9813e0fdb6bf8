//! Lesson 02 — the communication loop: many exchanges over one connection.
//!
//! Lesson 01 sent one message each way. Here the exchange of lesson 01 runs in a loop: the
//! client sends each line you type and prints the reply; the server prints each message and
//! answers with a line typed on *its* terminal. What changed since 01: two `loop`s, lines
//! from stdin, and a 0-byte read that ends the conversation.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 02_comm_loop`
//! - two terminals, server first: `... -- server`, then `... -- client`
//!   (type in the client, and answer in the server)
//! - a client nobody here wrote: start the server, then `nc 127.0.0.1 8080`, type a line.
//! - the long-line trap: `cargo run --bin 02_comm_loop -- longline` (`src/tools/shows/longline.rs`)
//!
//! Watch for: the trap lesson 03 fixes. Send an empty line: zero bytes are nothing on the wire, so
//! the server waits for a message while the client waits for a reply; the material's programs hang
//! there forever, this client gives up after `wait::EMPTY_WAIT` and says why. End the client
//! (Ctrl-D; on Windows Ctrl-Z, Enter): the server reads 0 bytes. And `longline`: a line longer
//! than the 1024-byte read comes in two pieces, and every reply after answers the one before.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::demo::input::{END_OF_INPUT, Lines};
use socket_lessons::sockets::net::{self, Binding, Peer, Talk};
use socket_lessons::sockets::wait;
use socket_lessons::tools::shows::longline;
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::Message;
use socket_lessons::{Result, client, demo, output::say, server};

/// What the demo's client "types", the empty line included.
const CLIENT_SCRIPT: [&str; 3] = ["你好, server!", "", "how many bytes is 字节?"];

/// What the demo's server "types" in answer, one line a message that reaches it.
const SERVER_SCRIPT: [&str; 2] = [
    "你好, client! (welcome)",
    "字节 is 6 bytes: 3 per character",
];

/// The material's `recv(1024)`: an upper bound, not a promise; TCP may hand us fewer bytes than
/// were sent. Our short messages arrive whole on one machine; lesson 04 shows when they do not.
const BUF_SIZE: usize = 1024;

/// The server side: accept one client, then talk with it.
fn serve(listener: TcpListener, mut replies: Lines) -> Result<()> {
    // Python: sock, addr = server.accept()
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
    handle_client(sock, &mut replies)
}

/// The communication loop: read, print, answer, until the client closes.
fn handle_client(mut sock: TcpStream, replies: &mut Lines) -> Result<()> {
    let mut buf = [0u8; BUF_SIZE];
    // Python: while True:
    loop {
        // Python: data = sock.recv(1024)
        // A client that resets ends the lesson with words, not an OS error (`net::talk_error`).
        let n = sock.read(&mut buf).peer(Peer::Client)?;
        if n == 0 {
            // A read of 0 bytes is not an empty message (those are never sent, see the header):
            // it is the peer's FIN, "I have closed, nothing more will come".
            server!(
                "read 0 bytes: the client has closed the connection",
                "读到 0 字节: 客户端已关闭连接"
            );
            break;
        }
        // Bytes are not characters: bytes that are not UTF-8 are shown as �, where the material's
        // `data.decode('utf8')` would raise and end the server.
        server!("received {}", "收到 {}", Message(&buf[..n]));

        // Python: msg = input('请回复消息>>>:').strip()
        let Some(reply) = replies.next_reply()? else {
            server!(
                "no more replies to type (stdin closed): closing",
                "没有可以输入的回复了 (标准输入已关闭): 关闭连接"
            );
            break;
        };
        // Python: sock.send(msg.encode('utf8'))
        server!("sending {}", "发送 {}", Message(&reply));
        sock.write_all(&reply).peer(Peer::Client)?;
    }
    Ok(())
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
        client!("sending {}", "发送 {}", Message(&message));
        sock.write_all(&message).peer(server)?;

        // Python: data = client.recv(1024)
        // The material's client would now wait forever for the answer to an empty message.
        if message.is_empty() && !wait::reply_within(&sock, wait::EMPTY_WAIT).peer(server)? {
            wait::explain_empty_trap(); // why both sides would wait forever
            continue;
        }
        // A server that was busy with another client and then ended never accepted us: the read
        // fails with a reset, and `net::talk_error` says so in words.
        let n = sock.read(&mut buf).peer(server)?;
        if n == 0 {
            client!(
                "read 0 bytes: the server has closed the connection",
                "读到 0 字节: 服务端已关闭连接"
            );
            return Ok(());
        }
        client!("received {}", "收到 {}", Message(&buf[..n]));
        server = Peer::AnsweredServer;
    }

    // Python: client.close()
    client!(
        "no more messages (end of input): closing",
        "没有更多消息了 (输入结束): 关闭连接"
    );
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

/// Both sides in one process: the server on a thread, the client here, taking turns.
fn demo() -> Result<()> {
    let listener = bind(Addr::ephemeral().resolve()?)?;
    demo::run(
        listener,
        |listener| serve(listener, Lines::script(&SERVER_SCRIPT)),
        |addr| run_client(addr, Lines::script(&CLIENT_SCRIPT)),
    )
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => serve(bind(addr.resolve()?)?, Lines::replies()),
        Command::Client { addr } => run_client(addr.resolve()?, Lines::messages()),
        Command::Longline => longline::demo(),
    }
}

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
    #[command(about = format!("Connect; send each line typed here and print the reply. {} ends.", END_OF_INPUT[0]))]
    Client {
        #[command(flatten)]
        addr: Addr,
    },
    /// The long-line trap: a line longer than the 1024-byte read, and the replies after it.
    Longline,
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
