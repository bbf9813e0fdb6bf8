//! Lesson 03 — the connection loop: a server that outlives its clients.
//!
//! Lesson 02's server served one client and ended; an empty line froze both sides. Here: empty
//! lines skipped, an empty reply answered with a default text, `SO_REUSEADDR` and `listen(5)` set
//! by hand (socket2), and after each client back to `accept`: an accept loop around lesson 02's.
//!
//! Run it:
//! - one terminal (the demo, both sides in one process): `cargo run --bin 03_conn_loop`
//! - two terminals, server first: `... -- server`, then `... -- client`, one after another
//! - the side shows (`tables.rs`): `backlog`, `reuseaddr`
//!
//! Watch for: how each client leaves (`leave.rs`), and the server moving on. A close sends FIN:
//! the server reads 0 bytes; `--abort`, or a close with unread data, sends RST: a reset, on every OS.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use socket_lessons::demo::input::{END_OF_INPUT, Lines};
use socket_lessons::sockets::{net, net::Binding, net::Peer, net::Talk, oserror::OrNext};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::Message;
use socket_lessons::{Result, client, demo, output::say, server};
use socket2::{Domain, Protocol, Socket, Type};

mod leave; // how a client leaves: FIN or RST, said on both sides
mod tables; // the side shows `backlog` and `reuseaddr`: skip them on a first reading
use leave::{Leave, OrLeft};

/// The demo's clients: what each types, and how it leaves.
const CLIENT_SCRIPTS: [(&[&str], Leave); 3] = [
    (&["你好, server!", "", "再见 (goodbye)"], Leave::Close),
    (&["I will leave without saying goodbye"], Leave::Abort),
    (&["is anybody there?"], Leave::Close),
];

/// What the demo's server types; an empty reply, and each after these, get "too busy, no message".
const SERVER_SCRIPT: [&str; 2] = ["你好! (welcome)", ""];
const DEFAULT_REPLY: &str = "太忙了 暂无消息";

/// The material's `recv(1024)`: an upper bound, not a promise; TCP may hand us fewer bytes than
/// were sent. Our short messages arrive whole on one machine; lesson 04 shows when they do not.
const BUF_SIZE: usize = 1024;

/// The connection loop: accept, talk until the client leaves, accept the next (`clients`: demo's).
fn serve(listener: TcpListener, mut replies: Lines, clients: Option<usize>) -> Result<()> {
    for _ in 0..clients.unwrap_or(usize::MAX) {
        // Python: sock, addr = server.accept()
        demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
        let Some((sock, addr)) = listener.accept().or_next()? else {
            continue; // a client gone while it waited in the queue: said, and the next one
        };
        net::accepted(addr);
        demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
        handle_client(sock, addr, &mut replies)?;
    }
    Ok(())
}

/// Lesson 02's loop, for one client: a client that leaves ends it, never the server.
fn handle_client(mut sock: TcpStream, addr: SocketAddr, replies: &mut Lines) -> Result<()> {
    let mut buf = [0u8; BUF_SIZE];
    loop {
        // Python: try: data = sock.recv(1024) ... except Exception: break — an error is the client
        // gone: an RST (Windows: ConnectionResetError [WinError 10054]; Linux, macOS: a reset too).
        let Some(n) = sock.read(&mut buf).or_left(addr)? else {
            return Ok(());
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
        if sock.write_all(&reply).or_left(addr)?.is_none() {
            return Ok(());
        }
    }
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

    // Python: client.close() — dropping the stream closes it: a FIN, or after `--abort` an RST.
    leave.say(&sock)
}

/// Python: `server = socket.socket()` ... `server.listen(5)`, by hand (socket2), not in one call.
fn bind(addr: &Addr, backlog: i32) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    // Python: server.setsockopt(SOL_SOCKET, SO_REUSEADDR, 1): else restarting the server can
    // fail with "address in use" while its last connection waits out TIME_WAIT (`reuseaddr`).
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    // Windows: std leaves it off (there it lets a second server steal the port); so do we.
    // Python: server.bind(('127.0.0.1', 8080))
    socket.bind(&addr.into()).binding(addr)?;
    // Python: server.listen(5): at most `backlog` finished handshakes wait for `accept`.
    socket.listen(backlog)?;
    let listener = TcpListener::from(socket);
    net::announce(&listener)?;
    Ok(listener)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// Both sides in one process: the server on a thread, the client here, taking turns.
fn demo() -> Result<()> {
    let listener = bind(&Addr::ephemeral(), net::BACKLOG)?;
    let clients = Some(CLIENT_SCRIPTS.len());
    demo::run(
        listener,
        move |listener| serve(listener, Lines::script(&SERVER_SCRIPT), clients),
        |addr| {
            let mut clients = CLIENT_SCRIPTS.into_iter();
            clients.try_for_each(|(script, leave)| run_client(addr, Lines::script(script), leave))
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
        Command::Client { addr, by } => run_client(addr.resolve()?, Lines::messages(), by.leave()),
        Command::Table(table) => table.run(), // the side shows, in `tables.rs`
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
    #[command(about = format!("Connect; send each non-empty line typed here and print the reply. {} ends.", END_OF_INPUT[0]))]
    Client {
        #[command(flatten)]
        addr: Addr,
        #[command(flatten)]
        by: leave::How,
    },
    #[command(flatten)]
    Table(tables::Table),
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
