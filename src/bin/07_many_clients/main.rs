//! Lesson 07 — many clients at once (beyond the material): lesson 06's file server, with each
//! client served on a thread of its own.
//!
//! Lesson 06's server is the material's loop: accept one client, send it the file, accept the
//! next. Forty students who ask together wait in line, and those beyond `listen(5)`'s queue
//! never get their header. Here the accept loop hands each connection to a new thread and goes
//! straight back to `accept`: a slow, stalled or vanished client holds up only its own thread.
//! Python's counterpart: `socketserver.ThreadingTCPServer` (a thread per connection).
//!
//! What changed since lesson 06: only the server. The bytes on the wire are the same, so
//! lesson 06's client (and the material's) fetch from this server unchanged. New: `serve`'s
//! `thread::spawn`, a [`Place`] for each client (at most `--max-clients` at once), and a listen
//! queue sized for a class ([`CLASS_BACKLOG`]).
//!
//! Run it: `cargo run --bin 07_many_clients` (the demo, `race.rs`: the same clients, one at a
//! time, then on threads); or `cargo run --bin 07_many_clients -- server --file big.bin --rate
//! 1MiB`, and clients in other terminals: `cargo run --bin 06_final_file -- client --out /tmp`.
//!
//! Watch for: one at a time, each client waits for all those before it; on threads, nobody
//! waits, and the last one is done when the first is.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde::{Deserialize, Serialize};
use socket_lessons::sockets::{frame, net, net::Peer, oserror::OrNext};
use socket_lessons::tools::shows::progress::{self, pump};
use socket_lessons::transfer::deadline::{self, Stopped};
use socket_lessons::transfer::offer::{Offer, Serving};
use socket_lessons::transfer::{conn::Conn, disk};
use socket_lessons::words::{cli::Addr, cli::Shared, text::Quoted};
use socket_lessons::{Result, demo, output::say, server};

mod places; // `--max-clients`: a place for each client served at once
mod race; // the demo: the same clients one at a time, then on threads, each timed
use places::Places;

/// `--max-clients`: a thread costs memory (its stack, its 64 KiB buffer), and the clients share
/// one link anyway; 64 is more than a class, and far less than a machine can hold.
const MAX_CLIENTS: u16 = 64;

/// The listen queue (lesson 03's `backlog`): the material's 5 is full as soon as six students
/// connect in the same moment. 128 is what macOS allows at most (SOMAXCONN): room for a class
/// that connects at once while the accept loop catches up.
pub const CLASS_BACKLOG: i32 = 128;

/// `--timeout`: as in lesson 06.
pub const TIMEOUT: Duration = Duration::from_secs(30);

/// Lesson 06's header, unchanged: `[i32 little-endian: length][JSON]`, then the file.
#[derive(Serialize, Deserialize)]
pub struct Header {
    pub file_name: String,
    pub file_desc: String,
    pub file_size: u64,
}

/// The server: accept a client, start a thread that sends it the file, accept the next at once;
/// at most `max` at once, and the next ones wait in the listen queue. Ctrl-C ends it.
fn serve(listener: TcpListener, offer: Arc<Offer>, max: u16) -> Result<()> {
    let name = Quoted(&offer.name);
    server!(
        "ready to send {name}, to at most {max} clients at once",
        "准备发送 {name}, 最多同时 {max} 个客户端"
    );
    // At most `max` clients at once (`places.rs`): a thread holds a place while it serves one.
    let mut places = Places::new(max)?;
    loop {
        let place = places.take()?; // all taken: the next clients wait in the listen queue
        // Python: sock, addr = server.accept()
        demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
        let Some((sock, addr)) = listener.accept().or_next()? else {
            continue; // a client gone while it waited in the queue: said, and the next one
        };
        net::accepted(addr);
        demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
        let offer = Arc::clone(&offer);
        // `move`: the thread owns the socket, its `Arc` share of the offer, and its place.
        let spawned = thread::Builder::new().spawn(move || {
            handle_client(sock, addr, &offer);
            drop(place);
        });
        if let Err(e) = spawned {
            server!(
                "{addr}: no thread ({e}); closed",
                "{addr}: 没有线程 ({e}); 已关闭"
            );
        }
    }
}

/// One client, on its thread: the file, then one line. Its errors are its own, never the server's.
fn handle_client(sock: TcpStream, addr: SocketAddr, offer: &Offer) {
    let start = Instant::now();
    let (file, size) = match disk::open_to_send(&offer.path) {
        Ok(opened) => opened,
        Err(e) => return server!("{addr}: {e}"),
    };
    match send_file(&sock, file, size, offer) {
        Ok(()) => server!(
            "{addr} has the file and closed the connection: sent {}",
            "{addr} 收到了文件并关闭了连接: 发送了 {}",
            progress::rate(size, start.elapsed())
        ),
        Err(stopped) => server!(
            "{addr}: stopped sending {}",
            "{addr}: 停止发送, {}",
            stopped.words(Peer::Client)
        ),
    }
}

/// Lesson 06's transfer, printing nothing: the header, exactly `size` bytes of `file`, then the
/// client's clean close. Every write and the last read wait `--timeout` at most for progress.
pub fn send_file(sock: &TcpStream, mut file: fs::File, size: u64, offer: &Offer) -> Sent {
    let mut conn = Conn::new(sock, offer.timeout, offer.rate);
    let (name, desc) = (offer.name.clone(), offer.desc.clone());
    let header = Header { file_name: name, file_desc: desc, file_size: size };
    let bar = progress::hidden(size);
    let result = write_header(&mut conn, &header)
        .and_then(|()| pump(&mut (&mut file).take(size), &mut conn, &bar));
    deadline::finished(result, progress::finish(&bar), size, offer.timeout)?;
    // The client closes once it has every byte: wait for that read of 0 (lesson 06).
    let closed = conn.read(&mut [0u8; 1]).map(drop);
    deadline::finished(closed, size, size, offer.timeout)
}

/// How a transfer ended: whole, or stopped (by the client, or by our own error).
type Sent = std::result::Result<(), Stopped>;

/// Lesson 06's `write_header`: `[i32 little-endian: JSON length][JSON]`, as one frame.
fn write_header(sock: &mut impl Write, header: &Header) -> io::Result<()> {
    frame::send_frame(sock, &serde_json::to_vec(header)?)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// The same clients, twice: against lesson 06's loop, one at a time, then against threads
/// (`race.rs`: each client's wait for its header and for the whole file).
fn demo() -> Result<()> {
    race::run()
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr, serving, max_clients } => {
            let offer = Arc::new(serving.offer(env!("CARGO_BIN_NAME"), cli.timeout)?);
            // Python: server.listen(128) — lesson 03's listener, with a queue for a class.
            serve(net::listen(&addr, CLASS_BACKLOG)?, offer, max_clients)
        }
    }
}

/// Lesson 07: lesson 06's file server, each client on a thread of its own. The demo without
/// arguments; or `cargo run --bin 07_many_clients -- server --file PATH`, then lesson 06's
/// client: `cargo run --bin 06_final_file -- client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Seconds without a byte moving (however big each write): then the server drops that
    /// client; the others never notice.
    #[arg(long, global = true, default_value = "30", value_parser = deadline::seconds)]
    timeout: Duration,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Subcommand)]
enum Command {
    /// The same clients against one-at-a-time and against threads, with their times.
    Demo,
    /// Send one file to every client that connects, each on a thread of its own (Ctrl-C ends).
    Server {
        #[command(flatten)]
        addr: Addr,
        #[command(flatten)]
        serving: Serving,
        /// How many clients at once, at most: the next waits in the listen queue.
        #[arg(long, default_value_t = MAX_CLIENTS, value_parser = clap::value_parser!(u16).range(1..))]
        max_clients: u16,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
