//! Lesson 01 — basic: one `recv` on one side needs one `send` on the other.
//!
//! The material's first pair of programs. The server binds, listens, accepts one client, reads
//! once, prints what arrived, answers once and closes. The client connects, sends one message,
//! reads the answer once and closes. Nothing loops yet: that is lesson 02.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process):
//!   `cargo run --bin 01_basic`
//! - two terminals, server first:
//!   `cargo run --bin 01_basic -- server`
//!   `cargo run --bin 01_basic -- client --message "你好, server"`
//! - a client nobody here wrote: start the server, then `nc 127.0.0.1 8080`, type a line.
//!
//! Watch for: the order of the lines. The client speaks first and the server listens first;
//! if both sides read at the same time, both wait forever, because neither will ever send.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::cli::Addr;
use socket_lessons::{Result, client, net, pair, say, server};

/// What the client sends when no `--message` is given. The Chinese characters are on purpose:
/// "hello" here is 6 + 1 + ... bytes, not one byte a character (see the byte count it prints).
const MESSAGE: &str = "你好, server! (hello from the client)";

/// The server's one answer. The material's server greets with 萨瓦迪卡 ("hello" in Thai).
const GREETING: &str = "萨瓦迪卡, client! (hello from the server)";

/// The material's `recv(1024)`: an upper bound, not a promise. TCP may hand us fewer bytes
/// than were sent; our messages are short and arrive whole on one machine, and lesson 04 shows
/// what happens when they do not.
const BUF_SIZE: usize = 1024;

/// Lesson 01: one send needs one recv. Run without arguments for the demo, or in two
/// terminals: `cargo run --bin 01_basic -- server`, then `cargo run --bin 01_basic -- client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init();
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => bind(&addr).and_then(serve),
        Command::Client { addr, message } => {
            addr.resolve().and_then(|addr| run_client(addr, &message))
        }
    })
}

/// Both sides in one process: the server on a thread, the client here.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    let listener = bind(&Addr::ephemeral())?;
    pair::run(listener, serve, |addr| run_client(addr, MESSAGE))
}

/// Python: `server = socket.socket()`, `server.bind(('127.0.0.1', 8080))`, `server.listen(5)`.
///
/// std does all three in one call. Its backlog is 128, not the material's 5: lesson 03 sets it
/// by hand.
fn bind(addr: &Addr) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    let listener = TcpListener::bind(addr).map_err(|e| net::bind_error(e, addr))?;
    net::announce(&listener)?;
    Ok(listener)
}

/// The server side: one client, one read, one answer.
fn serve(listener: TcpListener) -> Result<()> {
    // Python: sock, addr = server.accept()
    // accept blocks until a client has connected; `addr` is the client's IP and port.
    let (mut sock, addr) = listener.accept()?;
    server!("accepted a client from {addr}");

    // Python: data = sock.recv(1024)
    // The server reads first, so the client must send first: one recv here needs one send there.
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf)?;
    // Bytes are not characters: the peer may send anything. `from_utf8_lossy` shows bytes that
    // are not UTF-8 as �, where Python's `decode('utf8')` would raise.
    let text = String::from_utf8_lossy(&buf[..n]);
    server!("received {n} bytes: {text:?}");

    // Python: sock.send('萨瓦迪卡客户端'.encode('utf8'))
    // `send` may send only part of what it is given; `write_all` loops until all of it is out,
    // like Python's `sendall`. `as_bytes` is the `encode('utf8')`: a Rust `str` is UTF-8 already.
    server!("sending {} bytes: {GREETING:?}", GREETING.len());
    sock.write_all(GREETING.as_bytes())?;

    // Python: sock.close(); server.close()
    // Dropping a socket closes it: here, at the end of the function, `sock` then `listener`.
    server!("closing");
    Ok(())
}

/// The client side: connect, one send, one read.
fn run_client(addr: SocketAddr, message: &str) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    client!("connecting to {addr}");
    let mut sock = TcpStream::connect(addr)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;

    // Python: client.send(b'...')
    // We print before we send and after we receive: in the demo, that keeps the two sides'
    // lines in the order the conversation happens.
    client!("sending {} bytes: {message:?}", message.len());
    sock.write_all(message.as_bytes())?;

    // Python: data = client.recv(1024)
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf)?;
    let text = String::from_utf8_lossy(&buf[..n]);
    client!("received {n} bytes: {text:?}");

    // Python: client.close()
    client!("closing");
    Ok(())
}
