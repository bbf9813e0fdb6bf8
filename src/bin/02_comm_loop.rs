//! Lesson 02 — the communication loop: many exchanges over one connection.
//!
//! Lesson 01 sent one message each way. Here the exchange of lesson 01 runs in a loop: the
//! client sends each line you type and prints the reply; the server prints each message and
//! answers with a line typed on *its* terminal. What changed since 01: two `loop`s, lines
//! from stdin, and a 0-byte read that ends the conversation.
//!
//! Run it:
//! - one terminal (the demo, scripted typing):
//!   `cargo run --bin 02_comm_loop`
//! - two terminals, server first; then type in the client, and answer in the server:
//!   `cargo run --bin 02_comm_loop -- server`
//!   `cargo run --bin 02_comm_loop -- client`
//! - a client nobody here wrote: `nc 127.0.0.1 8080`.
//!
//! Watch for: the trap lesson 03 fixes. Send an empty line: an empty message is zero bytes, and
//! zero bytes are nothing on the wire. The server never hears it, so it keeps waiting for a
//! message while the client waits for a reply. The material's programs hang there forever; this
//! client gives up waiting after [`EMPTY_WAIT`] and says why. Then end the client (Ctrl-D): the
//! server reads 0 bytes, which is how TCP says "the other side has closed".

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::cli::{Addr, Shared};
use socket_lessons::input::Lines;
use socket_lessons::{Result, client, net, note, pair, say, server};

/// What the demo's client "types", the empty line included.
const CLIENT_SCRIPT: [&str; 3] = ["你好, server!", "", "how many bytes is 字节?"];

/// What the demo's server "types" in answer, one line a message that reaches it.
const SERVER_SCRIPT: [&str; 2] = ["你好, client! (welcome)", "字节 is 6 bytes: 3 a character"];

/// The material's `recv(1024)`: an upper bound, not a promise (lesson 04 shows why that matters).
const BUF_SIZE: usize = 1024;

/// How long the client waits for a reply to an empty message before it explains the trap.
/// Nothing will ever come, so any wait is long enough; this one is short so the demo is quick.
const EMPTY_WAIT: Duration = Duration::from_millis(300);

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
    /// Connect; send each line typed here and print the reply. Ctrl-D ends.
    Client {
        #[command(flatten)]
        addr: Addr,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => {
            net::bind(&addr).and_then(|listener| serve(listener, Lines::stdin("reply>>> ")))
        }
        Command::Client { addr } => addr
            .resolve()
            .and_then(|addr| run_client(addr, Lines::stdin("message>>> "))),
    })
}

/// Both sides in one process: the server on a thread, the client here, both typing from a script.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    let listener = net::bind(&Addr::ephemeral())?;
    pair::run(
        listener,
        |listener| serve(listener, Lines::script(&SERVER_SCRIPT)),
        |addr| run_client(addr, Lines::script(&CLIENT_SCRIPT)),
    )
}

/// The server side: one client, then a loop of read, print, answer.
///
/// Python: `server = socket.socket()`, `server.bind(('127.0.0.1', 8080))`, `server.listen(5)`:
/// lesson 01's `net::bind`, before this.
fn serve(listener: TcpListener, mut replies: Lines) -> Result<()> {
    // Python: sock, addr = server.accept()
    let (mut sock, _addr) = net::accept(&listener)?;

    let mut buf = [0u8; BUF_SIZE];
    // Python: while True:
    loop {
        // Python: data = sock.recv(1024)
        let n = sock.read(&mut buf)?;
        if n == 0 {
            // A read of 0 bytes is not an empty message (those are never sent, see the header):
            // it is the peer's FIN, "I have closed, nothing more will come".
            server!("read 0 bytes: the client has closed the connection");
            break;
        }
        // Bytes are not characters: a message may hold bytes that are not UTF-8, or end in the
        // middle of a character. `from_utf8_lossy` shows those as � instead of failing, where
        // the material's `data.decode('utf8')` would raise and end the server.
        let text = String::from_utf8_lossy(&buf[..n]);
        server!("received {n} bytes: {text:?}");

        // Python: msg = input('请回复消息>>>:').strip()
        let Some(reply) = next_reply(&mut replies)? else {
            server!("no more replies to type (stdin closed): closing");
            break;
        };
        // Python: sock.send(msg.encode('utf8'))
        server!(
            "sending {} bytes: {:?}",
            reply.len(),
            String::from_utf8_lossy(&reply)
        );
        sock.write_all(&reply)?;
    }
    Ok(())
}

/// The server's next typed reply, or `None` when its input has ended.
///
/// An empty reply would send nothing and leave the client waiting for an answer that never
/// comes (the trap of the header, the other way round): the server asks again instead.
fn next_reply(replies: &mut Lines) -> Result<Option<Vec<u8>>> {
    loop {
        match replies.next_line()? {
            Some(reply) if reply.is_empty() => {
                note!(
                    "an empty reply would send no bytes and leave the client waiting: type some text"
                );
            }
            reply => return Ok(reply),
        }
    }
}

/// The client side: a loop of read a line, send it, print the reply.
fn run_client(addr: SocketAddr, mut messages: Lines) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = net::connect(addr, env!("CARGO_BIN_NAME"))?;

    let mut buf = [0u8; BUF_SIZE];
    // Python: while True: msg = input('请输入你需要发送的消息>>>:').strip()
    while let Some(message) = messages.next_line()? {
        // Python: client.send(msg.encode('utf8'))
        client!(
            "sending {} bytes: {:?}",
            message.len(),
            String::from_utf8_lossy(&message)
        );
        sock.write_all(&message)?;

        // Python: data = client.recv(1024)
        if message.is_empty() {
            // The material's client would now wait forever. We wait a little, to show it.
            if !reply_comes_within(&mut sock, &mut buf, EMPTY_WAIT)? {
                note!("no reply: an empty message is 0 bytes, and 0 bytes send nothing at all.");
                note!(
                    "the server is still waiting for a message, and we were waiting for its reply:"
                );
                note!(
                    "with no time limit, both sides would wait forever. Lesson 03 skips empty lines."
                );
                continue;
            }
        }
        let n = sock.read(&mut buf)?;
        if n == 0 {
            client!("read 0 bytes: the server has closed the connection");
            return Ok(());
        }
        let text = String::from_utf8_lossy(&buf[..n]);
        client!("received {n} bytes: {text:?}");
    }

    // Python: client.close() — at the end of input (Ctrl-D), which the material never reaches.
    client!("no more messages (end of input): closing");
    Ok(())
}

/// Wait up to `wait` for the peer to send something, without taking it out of the socket.
///
/// A read timeout makes a blocked `read` give up with `WouldBlock` (Unix) or `TimedOut`
/// (Windows). `peek` looks at the bytes without consuming them, so the real read that
/// follows still gets the whole reply.
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
