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
//!   `cargo run --bin 03_conn_loop -- server`, then `cargo run --bin 03_conn_loop -- client`
//!   (end with Ctrl-D; on Windows Ctrl-Z, then Enter; or `client --abort`)
//! - the server unattended, answering every message with the default text:
//!   `cargo run --bin 03_conn_loop -- server < /dev/null`
//! - the listen queue: `cargo run --bin 03_conn_loop -- backlog --backlog 2 --clients 6`
//! - "address in use": `cargo run --bin 03_conn_loop -- reuseaddr`
//!
//! Watch for: how each client leaves. The material says a dropped client makes Windows raise
//! and Linux/macOS read an empty message. At heart that is RST against FIN: a client that
//! closes (even one that is killed) sends FIN, and the server reads 0 bytes; a client that
//! aborts (`--abort`, SO_LINGER 0) or closes with unread data sends RST, and the server's read
//! fails with a reset, on every OS (`net::gone` puts it in words). Either way the server moves
//! on. The tables of `backlog` and `reuseaddr` say where Windows and macOS differ.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::demo::input::{END_OF_INPUT, Lines};
use socket_lessons::sockets::net::{self, Peer};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::{
    Result, client, demo, output::say, server, sockets::oserror, tr, words::text,
};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

// The tables of `backlog` and `reuseaddr`: tools around this lesson, not its idea: skip them.
use socket_lessons::tools::shows::conn_tables;

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

/// How a client leaves.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Leave {
    /// Close normally: the peer gets FIN and reads 0 bytes.
    Close,
    /// Abort: SO_LINGER 0, then close. The peer gets RST: "connection reset".
    Abort,
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        // The prompts: in Chinese, the material's own `input()` prompts.
        Command::Server { addr, backlog } => bind(&addr, backlog).and_then(|listener| {
            serve(
                listener,
                Lines::stdin(say::Role::Server, &tr!("reply>>> ", "请回复消息>>>:")),
                None,
            )
        }),
        Command::Client { addr, abort } => {
            let leave = if abort { Leave::Abort } else { Leave::Close };
            let prompt = tr!("message>>> ", "请输入你需要发送的消息>>>:");
            addr.resolve()
                .and_then(|addr| run_client(addr, Lines::stdin(say::Role::Client, &prompt), leave))
        }
        Command::Backlog { backlog, clients } => backlog_demo(backlog, clients),
        Command::Reuseaddr => conn_tables::reuseaddr(),
    }
}

/// The server on a thread, and here three clients one after another.
fn demo() -> Result<()> {
    let listener = bind(&Addr::ephemeral(), net::BACKLOG)?;
    demo::run(
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
        demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
        // A failed accept may be one client that left while queued (a reset): say so, and
        // accept the next one (`oserror::accept_failed`).
        let (sock, addr) = match listener.accept() {
            Ok(accepted) => accepted,
            Err(e) => {
                oserror::accept_failed(e.into())?;
                continue;
            }
        };
        net::accepted(addr);
        demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
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
                server!(
                    "{addr} left: read 0 bytes (the client closed the connection)",
                    "{addr} 离开了: 读到 0 字节 (客户端关闭了连接)"
                );
                return Ok(());
            }
            Ok(n) => n,
            // Python: except Exception: break
            // RST: the client aborted. Windows reports ConnectionResetError [WinError 10054],
            // and Linux and macOS a reset too. Any error of the read means this client is gone.
            Err(e) => return left(addr, &e),
        };
        // Bytes are not characters: a read may end inside a character, or the client may send
        // bytes that are not UTF-8. Shown lossily (as �) and escaped, never a crash.
        let (size, text) = shown(&buf[..n]);
        server!("received {size}: {text}", "收到 {n} 字节: {text}");

        // Python: msg = input('请回复消息>>>:').strip()
        //         if len(msg) == 0: msg = '太忙了 暂无消息'
        let reply = match replies.next_line()? {
            Some(reply) if !reply.is_empty() => reply,
            _ => DEFAULT_REPLY.as_bytes().to_vec(),
        };
        // Python: sock.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&reply), reply.len());
        server!("sending {size}: {text}", "发送 {len} 字节: {text}");
        if let Err(e) = sock.write_all(&reply) {
            return left(addr, &e);
        }
    }
}

/// The line for a client that left with an error: `net::gone`'s words for a reset or a broken
/// pipe (who closed, and why a reset rather than a clean close), the system's for the rest.
/// A client that leaves is no error of the server's: `Ok`, and the server goes on.
fn left(addr: SocketAddr, e: &io::Error) -> Result<()> {
    let words = net::gone(e, Peer::Client).unwrap_or_else(|| oserror::words(e));
    server!("{addr} left: {words}", "{addr} 离开了: {words}");
    Ok(())
}

/// The client side: lesson 02's loop, now skipping empty lines, then a close or an abort.
fn run_client(addr: SocketAddr, mut messages: Lines, leave: Leave) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line
    // A reset or a broken pipe ends the client with words, not an OS error; until the server
    // answers, a reset may also mean it never accepted us.
    let mut server = Peer::Server;

    let mut buf = [0u8; BUF_SIZE];
    while let Some(message) = messages.next_line()? {
        // Python: if len(msg) == 0: continue
        // An empty message would send nothing and freeze both sides (lesson 02): skip it.
        if message.is_empty() {
            client!(
                "skipping an empty line: 0 bytes would send nothing",
                "跳过空行: 0 字节什么也发送不了"
            );
            continue;
        }
        // Python: client.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&message), message.len());
        client!("sending {size}: {text}", "发送 {len} 字节: {text}");
        sock.write_all(&message)
            .map_err(|e| net::talk_error(e, server))?;

        // Python: data = client.recv(1024)
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

    match leave {
        // Python: client.close()
        Leave::Close => client!(
            "no more messages: closing (the server will read 0 bytes)",
            "没有更多消息了: 关闭连接 (服务端会读到 0 字节)"
        ),
        Leave::Abort => {
            client!(
                "no more messages: aborting with SO_LINGER 0 (the server's read will fail)",
                "没有更多消息了: 用 SO_LINGER 0 中止连接 (服务端的读取会失败)"
            );
            // A linger time of 0 tells close() to drop the connection at once with an RST
            // instead of the FIN handshake. std's `set_linger` is not stable; socket2 has it.
            SockRef::from(&sock).set_linger(Some(Duration::ZERO))?;
        }
    }
    // Dropping the stream closes it: a FIN, or with SO_LINGER 0 an RST.
    Ok(())
}

/// A message as the lines show it: its size (`1 byte`, `5 bytes`) and its text, quoted and
/// escaped by `text::preview` (a long one by its two ends), so a peer's control bytes never act
/// on the terminal.
fn shown(bytes: &[u8]) -> (String, String) {
    let size = text::count(bytes.len(), "byte", "bytes");
    (size, text::preview(bytes))
}

/// `backlog`: what `listen(n)` really limits, shown with lesson 03's own listener, built with
/// `listen(backlog)`, that never calls `accept`. (`reuseaddr`'s table needs no lesson code.)
fn backlog_demo(backlog: i32, clients: u16) -> Result<()> {
    let listener = bind(&Addr::ephemeral(), backlog)?;
    conn_tables::backlog(&listener, backlog, clients)
}

// The command line: what `--help` shows. Skip it on a first reading.

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
        #[arg(long, default_value_t = net::BACKLOG, value_parser = clap::value_parser!(i32).range(0..=1024))]
        backlog: i32,
    },
    /// Connect; send each non-empty line typed here and print the reply, until the end of the input.
    #[command(about = format!("Connect; send each non-empty line typed here and print the reply. {END_OF_INPUT} ends."))]
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

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
