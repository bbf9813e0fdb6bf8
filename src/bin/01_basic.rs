//! Lesson 01 — basic: one `recv` on one side needs one `send` on the other.
//!
//! The material's first pair of programs. The server binds, listens, accepts one client, reads
//! once, prints what arrived, answers once and closes. The client connects, sends one message,
//! reads the answer once and closes. Nothing loops yet: that is lesson 02.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 01_basic`
//! - two terminals, server first: `... -- server`, then `... -- client`
//!   (`client --message "你好, server"` sends your own words)
//! - a client nobody here wrote: start the server, then `nc 127.0.0.1 8080`, type a line.
//!
//! Watch for: the order of the lines. The client speaks first and the server listens first;
//! if both sides read at the same time, both wait forever, because neither will ever send.
//! A client that connects and closes without a word makes the server read 0 bytes: it has
//! nothing to answer. A second client while the first is served waits in the queue, and is
//! reset when the server ends (`net::gone` puts each of these in words).

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::sockets::net::{self, Binding, Peer, Talk};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::{Bytes, Message, Preview};
use socket_lessons::{Result, client, demo, output::say, server};

/// What the client sends when no `--message` is given. The Chinese characters are on purpose:
/// 你好 is 2 characters but 6 bytes, so the message's 35 characters are 39 bytes on the wire.
const MESSAGE: &str = "你好, server! (hello from the client)";

/// The server's one answer. The material's server greets with 萨瓦迪卡 ("hello" in Thai).
const GREETING: &str = "萨瓦迪卡, client! (hello from the server)";

/// The material's `recv(1024)`: an upper bound, not a promise; TCP may hand us fewer bytes than
/// were sent. Our short messages arrive whole on one machine; lesson 04 shows when they do not.
const BUF_SIZE: usize = 1024;

/// The server side: accept one client, then talk with it.
fn serve(listener: TcpListener) -> Result<()> {
    // Python: sock, addr = server.accept()
    // accept blocks until a client has connected; `addr` is the client's IP and port.
    demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
    handle_client(sock)
}

/// One client: one read, one answer.
fn handle_client(mut sock: TcpStream) -> Result<()> {
    // Python: data = sock.recv(1024)
    // The server reads first, so the client must send first: one recv here needs one send there.
    // A failed read or write is put in words by `net::talk_error`: who closed, and how.
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf).peer(Peer::Client)?;
    if n == 0 {
        // 0 bytes is no message: it is the client's FIN, "closed, nothing more will come".
        // There is nobody left to answer (lesson 02 makes this the end of its loop).
        server!(
            "read 0 bytes: the client closed without sending anything; nothing to answer",
            "读到 0 字节: 客户端什么也没发送就关闭了连接, 无需回复"
        );
        return Ok(());
    }
    // Bytes are not characters: the peer may send anything. `text::preview` shows bytes that are
    // not UTF-8 as � (where Python's `decode('utf8')` would raise), control characters as
    // escapes (a peer's ESC or BEL never reaches the terminal as itself), and a long message by
    // its two ends.
    server!("received {}", "收到 {}", Message(&buf[..n]));

    // Python: sock.send('萨瓦迪卡客户端'.encode('utf8'))
    // `send` may send only part of what it is given; `write_all` loops until all of it is out,
    // like Python's `sendall`. `as_bytes` is the `encode('utf8')`: a Rust `str` is UTF-8 already.
    // Python: sock.close(); server.close()
    // Dropping a socket closes it: here, at the end of the function, `sock` then `listener`.
    // Said before the write, as every line is: once the client has the answer, it speaks.
    server!(
        "sending {}, then closing: {}",
        "发送 {}, 然后关闭连接: {}",
        Bytes(GREETING.len()),
        Preview(GREETING.as_bytes())
    );
    sock.write_all(GREETING.as_bytes()).peer(Peer::Client)?;
    Ok(())
}

/// The client side: connect, one send, one read.
fn run_client(addr: SocketAddr, message: &str) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    // With a time limit: a wrong address would otherwise hang for a minute or more.
    // `net::connect_error` names the command that starts the server, if none is running.
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line

    // Python: client.send(b'...')
    // An empty message is 0 bytes, and sending 0 bytes sends nothing: the server would wait
    // for a message and we for its answer, forever (lesson 02 shows the trap). Close instead.
    if message.is_empty() {
        client!(
            "an empty message is 0 bytes, and 0 bytes send nothing: the server would wait for it, and we for the answer, forever (lesson 02). Closing instead",
            "空消息就是 0 字节, 而 0 字节什么也发送不了: 服务端会一直等它, 我们会一直等回复 (第 02 课)。改为直接关闭"
        );
        return Ok(());
    }
    // We print before we send and after we receive: in the demo, that keeps the two sides'
    // lines in the order the conversation happens.
    client!("sending {}", "发送 {}", Message(message.as_bytes()));
    sock.write_all(message.as_bytes()).peer(Peer::Server)?;

    // Python: data = client.recv(1024)
    // A server that was busy with another client and then ended never accepted us: our read
    // fails with a reset, and `net::talk_error` says so in words.
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf).peer(Peer::Server)?;
    if n == 0 {
        client!(
            "read 0 bytes: the server closed the connection without answering",
            "读到 0 字节: 服务端没有回复就关闭了连接"
        );
        return Ok(());
    }
    client!("received {}", "收到 {}", Message(&buf[..n]));

    // Python: client.close()
    client!("closing", "关闭连接");
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
    demo::run(listener, serve, |addr| run_client(addr, MESSAGE))
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => bind(addr.resolve()?).and_then(serve),
        Command::Client { addr, message } => run_client(addr.resolve()?, &message),
    }
}

/// Lesson 01: one send needs one recv. Run without arguments for the demo, or in two
/// terminals: `cargo run --bin 01_basic -- server`, then `cargo run --bin 01_basic -- client`.
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
    /// Server and client in one process, on a port the OS picks (the default).
    Demo,
    /// Accept one client, read once, answer once, close.
    Server {
        #[command(flatten)]
        addr: Addr,
    },
    /// Connect, send one message, read the answer once, close.
    Client {
        #[command(flatten)]
        addr: Addr,
        /// The message to send.
        #[arg(long, default_value = MESSAGE)]
        message: String,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
