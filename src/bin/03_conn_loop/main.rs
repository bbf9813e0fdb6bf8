//! Lesson 03 — the connection loop: a server that outlives its clients.
//!
//! Lesson 02's server served one client and ended, and an empty line froze both sides. Here the
//! client skips empty lines and the server answers an empty reply with a default text; the
//! server sets `SO_REUSEADDR` and `listen(5)` by hand (socket2), as the material does; and when
//! a client leaves, the server says so in one line and goes back to `accept` for the next one:
//! an accept loop around lesson 02's communication loop.
//!
//! Run it: `cargo run --bin 03_conn_loop` (the demo: three clients, one leaves with a reset);
//! two terminals, server first: `cargo run --bin 03_conn_loop -- server` (`< /dev/null`:
//! unattended, answering the default text), then clients one after another, `... -- client`
//! (end with Ctrl-D; on Windows Ctrl-Z, then Enter; or `client --abort`). The side shows
//! (`tables.rs`): `... -- backlog --backlog 2 --clients 6`, the listen queue, and `... -- reuseaddr`.
//!
//! Watch for: how each client leaves. The material says a dropped client makes Windows raise
//! and Linux/macOS read an empty message. At heart that is RST against FIN: a client that
//! closes (even one that is killed) sends FIN, and the server reads 0 bytes; a client that
//! aborts (`--abort`, SO_LINGER 0) or closes with unread data sends RST, and the server's read
//! fails with a reset, on every OS. Either way the server moves on.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::demo::input::{END_OF_INPUT, Lines};
use socket_lessons::sockets::net::{self, Peer, Talk};
use socket_lessons::sockets::oserror::{self, OrNext};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::Message;
use socket_lessons::{Result, client, demo, output::say, server};
use socket2::{Domain, Protocol, SockRef, Socket, Type};

mod tables; // the side shows `backlog` and `reuseaddr`: skip them on a first reading

/// The demo's three clients: what each types, and whether it leaves with a reset.
const CLIENT_SCRIPTS: [(&[&str], Leave); 3] = [
    (&["你好, server!", "", "再见 (goodbye)"], Leave::Close),
    (&["I will leave without saying goodbye"], Leave::Abort),
    (&["is anybody there?"], Leave::Close),
];

/// What the demo's server types; the empty line, and the replies after these, get the default.
const SERVER_SCRIPT: [&str; 2] = ["你好! (welcome)", ""];

/// The material's answer when the server's user types nothing: "too busy, no message for now".
/// It also lets the server run unattended, with stdin at its end (`< /dev/null`).
const DEFAULT_REPLY: &str = "太忙了 暂无消息";

/// The material's `recv(1024)`: an upper bound, not a promise (lesson 04 shows why that matters).
const BUF_SIZE: usize = 1024;

/// How a client leaves: a close sends FIN (the peer reads 0 bytes); an abort, RST (a reset).
#[derive(Clone, Copy)]
enum Leave {
    Close,
    Abort,
}

/// The connection loop: accept a client, talk with it until it leaves, accept the next.
/// `clients` ends the loop after that many clients (the demo); `None` serves forever.
fn serve(listener: TcpListener, mut replies: Lines, clients: Option<usize>) -> Result<()> {
    let mut served = 0;
    while clients.is_none_or(|clients| served < clients) {
        // Python: sock, addr = server.accept()
        demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
        // A client gone while it waited in the queue fails `accept`: say so, take the next one.
        let Some((sock, addr)) = listener.accept().or_next()? else {
            continue;
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
        // Python: try: data = sock.recv(1024) ... except Exception: break
        // RST: the client aborted. Windows reports ConnectionResetError [WinError 10054],
        // and Linux and macOS a reset too. Any error of the read means this client is gone.
        let n = match sock.read(&mut buf) {
            Ok(n) => n,
            Err(e) => return left(addr, &e),
        };
        if n == 0 {
            // Python: if len(data) == 0: break — FIN: the client closed (or its process ended).
            server!(
                "{addr} left: read 0 bytes (the client closed the connection)",
                "{addr} 离开了: 读到 0 字节 (客户端关闭了连接)"
            );
            return Ok(());
        }
        server!("received {}", "收到 {}", Message(&buf[..n]));

        // Python: msg = input('请回复消息>>>:').strip()
        //         if len(msg) == 0: msg = '太忙了 暂无消息'
        let reply = match replies.next_line()? {
            Some(reply) if !reply.is_empty() => reply,
            _ => DEFAULT_REPLY.as_bytes().to_vec(),
        };
        // Python: sock.send(msg.encode('utf8'))
        server!("sending {}", "发送 {}", Message(&reply));
        if let Err(e) = sock.write_all(&reply) {
            return left(addr, &e);
        }
    }
}

/// A client that left with an error, in one line: `net::gone`'s words for a reset or a broken
/// pipe, the system's for the rest. No error of the server's: `Ok`, and the server goes on.
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

    let mut buf = [0u8; BUF_SIZE];
    // Until the server answers, a reset may mean it never accepted us (`net::gone`'s words).
    let mut server = Peer::Server;
    while let Some(message) = messages.next_line()? {
        // Python: if len(msg) == 0: continue — 0 bytes would send nothing (lesson 02's trap).
        if message.is_empty() {
            client!(
                "skipping an empty line: 0 bytes would send nothing",
                "跳过空行: 0 字节什么也发送不了"
            );
            continue;
        }
        // Python: client.send(msg.encode('utf8'))
        client!("sending {}", "发送 {}", Message(&message));
        sock.write_all(&message).peer(server)?;

        // Python: data = client.recv(1024)
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

    // Python: client.close(). Dropping the stream closes it: a FIN, or with SO_LINGER 0 an RST.
    match leave {
        Leave::Close => client!(
            "no more messages: closing (the server will read 0 bytes)",
            "没有更多消息了: 关闭连接 (服务端会读到 0 字节)"
        ),
        Leave::Abort => {
            client!(
                "no more messages: aborting with SO_LINGER 0 (the server's read will fail)",
                "没有更多消息了: 用 SO_LINGER 0 中止连接 (服务端的读取会失败)"
            );
            // A linger time of 0: close() drops the connection at once with an RST, no FIN
            // handshake. std's `set_linger` is not stable; socket2 has it.
            SockRef::from(&sock).set_linger(Some(Duration::ZERO))?;
        }
    }
    Ok(())
}

/// Python: `server = socket.socket()` ... `server.listen(5)`, by hand, instead of lesson 01's
/// one call: what std's `TcpListener::bind` does not let us choose, socket2 does.
fn bind(addr: &Addr, backlog: i32) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Python: server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1)
    // Without it, restarting the server soon after it served a client can fail with "address
    // in use" while that connection waits out TIME_WAIT (see `reuseaddr`).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    // Windows: SO_REUSEADDR would let a second server bind this port while we listen, and
    // steal our clients; Windows rebinds over TIME_WAIT without it. std leaves it off; so do we.
    // Python: server.bind(('127.0.0.1', 8080))
    socket
        .bind(&addr.into())
        .map_err(|e| net::bind_error(e, addr))?;
    // Python: server.listen(5) — at most `backlog` finished handshakes wait here for `accept`
    // (see `backlog`). std's `bind` always asks for 128, which is why this lesson uses socket2.
    socket.listen(backlog)?;
    let listener = TcpListener::from(socket);
    net::announce(&listener)?;
    Ok(listener)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// The server on a thread, and here three clients one after another.
fn demo() -> Result<()> {
    let listener = bind(&Addr::ephemeral(), net::BACKLOG)?;
    let clients = Some(CLIENT_SCRIPTS.len());
    demo::run(
        listener,
        move |listener| serve(listener, Lines::script(&SERVER_SCRIPT), clients),
        |addr| {
            for (script, leave) in CLIENT_SCRIPTS {
                run_client(addr, Lines::script(script), leave)?;
            }
            Ok(())
        },
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
        Command::Server { addr, backlog } => serve(bind(&addr, backlog)?, Lines::replies(), None),
        Command::Client { addr, abort } => {
            let leave = if abort { Leave::Abort } else { Leave::Close };
            run_client(addr.resolve()?, Lines::messages(), leave)
        }
        Command::Show(show) => show.run(), // the side shows, in `tables.rs`
    }
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
    #[command(flatten)]
    Show(tables::Show),
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
