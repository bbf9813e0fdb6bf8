//! Lesson 07 — many clients at once (beyond the material): lesson 06's file server, a thread for
//! each client.
//!
//! What changed since lesson 06: only the server. Lesson 06's serves one client at a time, as the
//! material does: forty students who ask together wait in line, those beyond `listen(5)`'s queue
//! never get their header. Here `serve` gives each connection a new thread (at most
//! `--max-clients`, `places.rs`) and goes straight back to `accept`: a stalled client holds up
//! only its own thread. Python: `socketserver.ThreadingTCPServer`. The bytes on the wire are 06's.
//!
//! Run it: `cargo run --bin 07_many_clients` (the demo, `race.rs`); two terminals and more: `...
//! -- server --file big.bin --rate 1MiB`, then `cargo run --bin 06_final_file -- client --out /tmp`.
//!
//! Watch for: one at a time, each client waits for all those before it; on threads, nobody
//! waits, and the last one is done when the first is.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};
use std::{sync::Arc, thread};

use clap::{Parser, Subcommand};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use socket_lessons::sockets::{frame, net, net::Peer, oserror::OrNext};
use socket_lessons::tools::shows::progress;
use socket_lessons::transfer::{conn::Conn, deadline, disk, header, offer::*};
use socket_lessons::words::{cli::Addr, cli::Shared, text::Quoted};
use socket_lessons::{Result, demo, output::say, server};

mod places; // `--max-clients`: a place for each client served at once
mod race; // the demo: the same clients one at a time, then on threads, each timed
use places::Places;

/// `--max-clients`: a thread costs memory (its stack, its 64 KiB buffer); 64 is more than a
/// class, and far less than a machine can hold. The listen queue (lesson 03's `backlog`): the
/// material's 5 is full as soon as six students connect at once; 128 is macOS's most (SOMAXCONN).
const MAX_CLIENTS: u16 = 64;
const CLASS_BACKLOG: i32 = 128;
/// `--timeout`, for the demo: as in lesson 06.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The header before the file: the material's `data_dict`; serde ignores keys it does not know.
#[derive(Serialize, Deserialize)]
struct Header {
    file_name: String,
    file_desc: String,
    #[serde(deserialize_with = "header::whole_bytes")]
    file_size: u64,
}

/// Lesson 06's connection loop, a thread for each client: at most `max` at once, the next ones
/// wait in the listen queue. Ctrl-C ends it.
fn serve(listener: TcpListener, offer: Arc<Offer>, max: u16) -> Result<()> {
    let name = Quoted(&offer.name);
    server!(
        "ready to send {name}, to at most {max} clients at once",
        "准备发送 {name}, 最多同时 {max} 个客户端"
    );
    let mut places = Places::new(max)?; // a thread holds a place while it serves a client
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

/// Send one client the header, then the file, on its own thread: an error ends only that client.
fn handle_client(sock: TcpStream, addr: SocketAddr, offer: &Offer) {
    let start = Instant::now();
    // Each client gets the file as it is now: checked, opened and measured again.
    // Python: 'file_size': os.path.getsize(r'04 struct模块.py')
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
/// client's clean close. How it ended: whole, or stopped (by the client, or by our own error).
fn send_file(sock: &TcpStream, mut file: fs::File, size: u64, offer: &Offer) -> Sent {
    // Each write, and the last read, fails after `--timeout` without a byte; `--rate` paces.
    let mut conn = Conn::new(sock, offer.timeout, offer.rate);
    let (name, desc) = (offer.name.clone(), offer.desc.clone());
    let header = Header { file_name: name, file_desc: desc, file_size: size };
    let bar = progress::hidden(size); // counted, not drawn: forty bars on one terminal
    // Python: for line in f: sock.send(line) — here `copy`, 64 KiB at a time. `(&mut file)
    // .take(size)`: `file`, lent (`&mut`), read to `size` bytes: what the header promised.
    let result = write_header(&mut conn, &header)
        .and_then(|()| copy(&mut (&mut file).take(size), &mut conn, &bar));
    deadline::finished(result, progress::finish(&bar), size, offer.timeout)?;
    // `write_all` returning means the bytes are in this machine's send buffer, not that the
    // client has them. The client closes once it has them all: wait for that read of 0.
    let closed = conn.read(&mut [0u8; 1]).map(drop);
    deadline::finished(closed, size, size, offer.timeout)
}
type Sent = std::result::Result<(), deadline::Stopped>;

/// The material's copy loops, the server's and the client's, counted on the bar.
fn copy(reader: &mut impl Read, writer: &mut impl Write, bar: &ProgressBar) -> io::Result<()> {
    // 64 KiB, allocated once: a transfer's memory does not grow with the file.
    let mut buf = vec![0u8; progress::BUF_SIZE];
    // Python: while recv_size < file_size: — here, until `reader` ends (`take` ends it).
    loop {
        // Python: data = client.recv(1024) — from 1 byte to 64 KiB, or 0 at the end.
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue, // a signal: again
            Err(e) => return Err(e),
        };
        // Python: f.write(data); the server's sock.send(line), which may send part of a line.
        writer.write_all(&buf[..n])?;
        bar.inc(n as u64); // Python: recv_size += len(data)
    }
}

/// Send the header as one frame: `[i32 little-endian: JSON length][JSON]`, the material's
/// `'i'` on x86 and ARM (a protocol designed today would fix network order, `'!i'`).
fn write_header(sock: &mut impl Write, header: &Header) -> io::Result<()> {
    // Python: dict_json_str = json.dumps(data_dict); dict_bytes = dict_json_str.encode('utf8')
    let json = serde_json::to_vec(header)?;
    // Python: sock.send(struct.pack('i', len(dict_bytes))); sock.send(dict_bytes)
    frame::send_frame(sock, &json)
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

/// Lesson 07: lesson 06's file server, each client on a thread of its own. Two terminals (else
/// the demo): `cargo run --bin 07_many_clients -- server --file PATH`, then lesson 06's client.
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
