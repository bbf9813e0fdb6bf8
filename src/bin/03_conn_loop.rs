//! Lesson 03 — the connection loop: a server that outlives its clients.
//!
//! Lesson 02's server served one client and ended, and an empty line froze both sides. Here:
//! - the client skips empty lines, and the server answers an empty reply with a default text;
//! - the server sets `SO_REUSEADDR` and `listen(5)` by hand (socket2), as the material does;
//! - when a client leaves, cleanly or not, the server says so in one line and goes back to
//!   `accept` for the next one: an accept loop around lesson 02's communication loop.
//!
//! Run it:
//! - one terminal (the demo: three clients, one of which leaves with a reset):
//!   `cargo run --bin 03_conn_loop`
//! - two terminals, server first; then start and end clients one after another:
//!   `cargo run --bin 03_conn_loop -- server`
//!   `cargo run --bin 03_conn_loop -- client` (end with Ctrl-D, or `client --abort`)
//! - the server unattended, answering every message with the default text:
//!   `cargo run --bin 03_conn_loop -- server < /dev/null`
//! - the listen queue: `cargo run --bin 03_conn_loop -- backlog --backlog 2 --clients 6`
//! - "address in use": `cargo run --bin 03_conn_loop -- reuseaddr`
//!
//! Watch for: how each client leaves. The material says a dropped client makes Windows raise
//! and Linux/macOS read an empty message. At heart that is RST against FIN: a client that
//! closes (even one that is killed) sends FIN, and the server reads 0 bytes; a client that
//! aborts (`--abort`, SO_LINGER 0) or closes with unread data sends RST, and the server's read
//! fails with "connection reset", on every OS. Either way the server moves on.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::cli::{Addr, Shared};
use socket_lessons::input::Lines;
use socket_lessons::{Result, client, net, note, pair, say, server};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

/// The demo's three clients: what each types, and whether it leaves with a reset.
const CLIENT_SCRIPTS: [(&[&str], Leave); 3] = [
    (&["你好, server!", "", "再见 (goodbye)"], Leave::Close),
    (&["I will leave without saying goodbye"], Leave::Abort),
    (&["is anybody there?"], Leave::Close),
];

/// What the demo's server types in answer; the empty line, and every message after the
/// script has run out, get [`DEFAULT_REPLY`].
const SERVER_SCRIPT: [&str; 2] = ["你好! (welcome)", ""];

/// The material's answer when the server's user types nothing: "too busy, no message for now".
/// It also lets the server run unattended, with stdin at its end (`< /dev/null`).
const DEFAULT_REPLY: &str = "太忙了 暂无消息";

/// The material's `recv(1024)`: an upper bound, not a promise (lesson 04 shows why that matters).
const BUF_SIZE: usize = 1024;

/// How long a client of `backlog` waits for the handshake before it counts as left waiting.
/// On loopback a completed handshake takes microseconds; a dropped SYN is not retried before
/// a second has passed, so any wait in between tells the two apart.
const HANDSHAKE_WAIT: Duration = Duration::from_millis(200);

/// How a client leaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leave {
    /// Close normally: the peer gets FIN and reads 0 bytes.
    Close,
    /// Abort: SO_LINGER 0, then close. The peer gets RST: "connection reset".
    Abort,
}

/// Lesson 03: an accept loop around the communication loop. Run without arguments for the
/// demo, or in two terminals: `cargo run --bin 03_conn_loop -- server`, then
/// `cargo run --bin 03_conn_loop -- client`.
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
    /// Server and three clients in one process, with scripted typing (the default).
    Demo,
    /// Serve clients one after another, forever (Ctrl-C ends). Answers with lines typed here.
    Server {
        #[command(flatten)]
        addr: Addr,
        /// The listen queue: how many finished connections may wait for `accept`.
        #[arg(long, default_value_t = net::BACKLOG)]
        backlog: i32,
    },
    /// Connect; send each non-empty line typed here and print the reply. Ctrl-D ends.
    Client {
        #[command(flatten)]
        addr: Addr,
        /// Leave with a reset (SO_LINGER 0) instead of a normal close: what the server sees
        /// when a client crashes on Windows.
        #[arg(long)]
        abort: bool,
    },
    /// A listener that never accepts: how many clients get through the handshake?
    Backlog {
        /// The number given to `listen`.
        #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(0..=1024))]
        backlog: i32,
        /// How many clients try to connect, one after another.
        #[arg(long, default_value_t = 6, value_parser = clap::value_parser!(u16).range(1..=64))]
        clients: u16,
    },
    /// Rebind a port whose last connection is in TIME_WAIT, with and without SO_REUSEADDR.
    Reuseaddr,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr, backlog } => bind(&addr, backlog)
            .and_then(|listener| serve(listener, Lines::stdin("reply>>> "), None)),
        Command::Client { addr, abort } => {
            let leave = if abort { Leave::Abort } else { Leave::Close };
            addr.resolve()
                .and_then(|addr| run_client(addr, Lines::stdin("message>>> "), leave))
        }
        Command::Backlog { backlog, clients } => backlog_demo(backlog, clients),
        Command::Reuseaddr => reuseaddr_demo(),
    })
}

/// The server on a thread, and here three clients one after another.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    let listener = bind(&Addr::ephemeral(), net::BACKLOG)?;
    pair::run(
        listener,
        |listener| {
            serve(
                listener,
                Lines::script(&SERVER_SCRIPT),
                Some(CLIENT_SCRIPTS.len()),
            )
        },
        |addr| {
            for (script, leave) in CLIENT_SCRIPTS {
                run_client(addr, Lines::script(script), leave)?;
            }
            Ok(())
        },
    )
}

/// Build the listener by hand, the way the material does, instead of std's one-call `bind`.
fn bind(addr: &Addr, backlog: i32) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    // Python: server = socket.socket()
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Python: server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    // Without it, restarting the server soon after it served a client can fail with "address
    // in use" while that connection waits out TIME_WAIT (see `reuseaddr`). std's
    // `TcpListener::bind` sets it on Unix by itself; we set it explicitly, as the material does.
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    // Windows: SO_REUSEADDR means something else there: a second server could bind this port
    // while we still listen, and steal our clients. Windows rebinds over TIME_WAIT without it,
    // and its guard against sharing is SO_EXCLUSIVEADDRUSE; std leaves SO_REUSEADDR off, so do we.
    // Python: server.bind(('127.0.0.1', 8080))
    socket
        .bind(&addr.into())
        .map_err(|e| net::bind_error(e, addr))?;
    // Python: server.listen(5)
    // At most `backlog` connections that finished their handshake wait here for `accept` (see
    // `backlog`). std's `bind` always asks for 128, which is why this lesson uses socket2.
    socket.listen(backlog)?;
    let listener = TcpListener::from(socket);
    net::announce(&listener)?;
    Ok(listener)
}

/// The connection loop: accept a client, talk with it until it leaves, accept the next.
///
/// `clients` ends the loop after that many clients (the demo); `None` serves forever.
fn serve(listener: TcpListener, mut replies: Lines, clients: Option<usize>) -> Result<()> {
    let mut served = 0;
    while clients.is_none_or(|clients| served < clients) {
        // Python: sock, addr = server.accept()
        // Lesson 01's `net::accept`: the call and its `accepted` line.
        let (sock, addr) = net::accept(&listener)?;
        handle_client(sock, addr, &mut replies)?;
        served += 1;
    }
    Ok(())
}

/// Lesson 02's communication loop, for one client. A client that leaves ends the loop, never
/// the server: only an error of the server's own (its stdin failing) goes up.
fn handle_client(mut sock: TcpStream, addr: SocketAddr, replies: &mut Lines) -> Result<()> {
    let mut buf = [0u8; BUF_SIZE];
    loop {
        // Python: try: data = sock.recv(1024)
        let n = match sock.read(&mut buf) {
            // Python: if len(data) == 0: break
            // FIN: the client closed (or its process ended): "nothing more will come".
            Ok(0) => {
                server!("{addr} left: read 0 bytes (the client closed the connection)");
                return Ok(());
            }
            Ok(n) => n,
            // Python: except Exception: break
            // RST: the client aborted. Windows reports this as ConnectionResetError
            // [WinError 10054]; Linux and macOS report it too when it is an RST.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => {
                server!("{addr} left: connection reset (an RST: the client aborted)");
                return Ok(());
            }
            Err(e) => {
                server!("{addr} left: {e}");
                return Ok(());
            }
        };
        // Bytes are not characters: a read may end inside a character, or the client may send
        // bytes that are not UTF-8. Shown lossily (as �), never a crash.
        let text = String::from_utf8_lossy(&buf[..n]);
        server!("received {n} bytes: {text:?}");

        // Python: msg = input('请回复消息>>>:').strip()
        //         if len(msg) == 0: msg = '太忙了 暂无消息'
        let reply = match replies.next_line()? {
            Some(reply) if !reply.is_empty() => reply,
            _ => DEFAULT_REPLY.as_bytes().to_vec(),
        };
        // Python: sock.send(msg.encode('utf8'))
        server!(
            "sending {} bytes: {:?}",
            reply.len(),
            String::from_utf8_lossy(&reply)
        );
        if let Err(e) = sock.write_all(&reply) {
            server!("{addr} left: {e}");
            return Ok(());
        }
    }
}

/// The client side: lesson 02's loop, now skipping empty lines, then a close or an abort.
fn run_client(addr: SocketAddr, mut messages: Lines, leave: Leave) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = net::connect(addr, env!("CARGO_BIN_NAME"))?;

    let mut buf = [0u8; BUF_SIZE];
    while let Some(message) = messages.next_line()? {
        // Python: if len(msg) == 0: continue
        // An empty message would send nothing and freeze both sides (lesson 02): skip it.
        if message.is_empty() {
            client!("skipping an empty line: 0 bytes would send nothing");
            continue;
        }
        // Python: client.send(msg.encode('utf8'))
        client!(
            "sending {} bytes: {:?}",
            message.len(),
            String::from_utf8_lossy(&message)
        );
        sock.write_all(&message)?;

        // Python: data = client.recv(1024)
        let n = sock.read(&mut buf)?;
        if n == 0 {
            client!("read 0 bytes: the server has closed the connection");
            return Ok(());
        }
        let text = String::from_utf8_lossy(&buf[..n]);
        client!("received {n} bytes: {text:?}");
    }

    match leave {
        // Python: client.close()
        Leave::Close => client!("no more messages: closing (the server will read 0 bytes)"),
        Leave::Abort => {
            client!("no more messages: aborting with SO_LINGER 0 (the server's read will fail)");
            // A linger time of 0 tells close() to drop the connection at once with an RST
            // instead of the FIN handshake. std's `set_linger` is not stable; socket2 has it.
            SockRef::from(&sock).set_linger(Some(Duration::ZERO))?;
        }
    }
    // Dropping the stream closes it: a FIN, or with SO_LINGER 0 an RST.
    Ok(())
}

/// `backlog`: what `listen(n)` really limits, shown with a listener that never calls `accept`.
/// `pub`: the classroom runner plays it too.
pub fn backlog_demo(backlog: i32, clients: u16) -> Result<()> {
    let listener = bind(&Addr::ephemeral(), backlog)?;
    let addr = listener.local_addr()?;
    note!(
        "listen({backlog}), and the server never calls accept(): {clients} clients try to connect"
    );
    // The streams are kept open: a connection that finished its handshake waits in the queue.
    let mut waiting = Vec::new();
    for number in 1..=clients {
        match TcpStream::connect_timeout(&addr, HANDSHAKE_WAIT) {
            Ok(stream) => {
                client!("client {number}: connected; it waits in the accept queue");
                waiting.push(stream);
            }
            Err(e) if matches!(e.kind(), ErrorKind::TimedOut | ErrorKind::WouldBlock) => {
                client!(
                    "client {number}: no answer within {} ms; the queue is full, its SYN was dropped",
                    HANDSHAKE_WAIT.as_millis()
                );
            }
            Err(e) => client!("client {number}: {e}"),
        }
    }
    note!(
        "{} of {clients} clients completed the handshake with listen({backlog})",
        waiting.len()
    );
    note!("the material calls this queue the half-connection pool (半连接池). On Linux it holds");
    note!("connections that are *complete* and wait for accept(): listen(n) lets n+1 in, and");
    note!("caps n at net.core.somaxconn. The others are not refused: the kernel drops their");
    note!(
        "SYN, and they would retry for a minute or more, getting in as soon as accept() makes room."
    );
    Ok(())
}

/// `reuseaddr`: "address in use" after a restart, reproduced for each of the four combinations.
/// `pub`: the classroom runner plays it too.
pub fn reuseaddr_demo() -> Result<()> {
    note!("a server accepts one client and closes first, so its side of the connection enters");
    note!("TIME_WAIT; then the listener is closed and a new one binds the same port.");
    for old in [false, true] {
        for new in [false, true] {
            let rebind = match rebind_over_time_wait(old, new)? {
                Ok(()) => "the new bind succeeds".to_string(),
                Err(e) if e.kind() == ErrorKind::AddrInUse => "address in use".to_string(),
                Err(e) => e.to_string(),
            };
            note!(
                "old listener SO_REUSEADDR {:<3} | new listener SO_REUSEADDR {:<3} | {rebind}",
                on_off(old),
                on_off(new)
            );
        }
    }
    note!("Linux lets the port be reused over TIME_WAIT only when the old and the new socket both");
    note!("set SO_REUSEADDR: the old connection keeps the setting of the listener it came from.");
    note!("Rust's std `TcpListener::bind` sets it on Unix, so a std server restarts cleanly.");
    Ok(())
}

/// Leave a connection in TIME_WAIT on a fresh port, then try to bind that port again.
/// The outer `Result` is this function failing; the inner one is the rebind being tested.
fn rebind_over_time_wait(old_reuse: bool, new_reuse: bool) -> Result<std::io::Result<()>> {
    let old = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    old.set_reuse_address(old_reuse)?;
    old.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    old.listen(1)?;
    let old = TcpListener::from(old);
    let addr = old.local_addr()?;

    let mut client = TcpStream::connect(addr)?;
    let (served, _) = old.accept()?;
    // The server closes first: its side of the connection is the one that will wait in
    // TIME_WAIT. The client sees the FIN (a read of 0) and closes too.
    drop(served);
    let mut rest = Vec::new();
    client.read_to_end(&mut rest)?;
    drop(client);
    drop(old);

    let new = Socket::new(Domain::IPV4, Type::STREAM, Some(Protocol::TCP))?;
    new.set_reuse_address(new_reuse)?;
    Ok(new.bind(&addr.into()))
}

fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}
