//! Lesson 07 — many clients at once (beyond the material): lesson 06's file server, with each
//! client served on a thread of its own.
//!
//! Lesson 06's server is the material's loop: accept one client, send it the file, accept the
//! next. Forty students who ask together wait in line, and those beyond `listen(5)`'s queue
//! (lesson 03's backlog) see a connection that never gets its header. Here the accept loop
//! hands each connection to a new thread and goes straight back to `accept`: a slow, stalled or
//! vanished client holds up only its own thread. Python's counterpart is
//! `socketserver.ThreadingTCPServer` (a thread per connection, `handle()` on each).
//!
//! What changed since lesson 06: only the server. The bytes on the wire are the same, so
//! lesson 06's client (and the material's) fetch from this server unchanged. New: `serve`'s
//! `thread::spawn`, [`Slots`] counting the clients (at most `--max-clients` at once), and a
//! listen queue sized for a class ([`CLASS_BACKLOG`]).
//!
//! Run it: `cargo run --bin 07_many_clients` (the demo: the same clients, one at a time, then
//! on threads, with each one's wait and finish); or the server, and clients in other terminals:
//!   `cargo run --bin 07_many_clients -- server --file big.bin --rate 1MiB`
//!   `cargo run --bin 06_final_file -- client --out /tmp`
//!
//! Watch for: one at a time, each client waits for all those before it; on threads, nobody
//! waits, and the last one is done when the first is.

use std::fs;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, mpsc};
use std::thread;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use serde::{Deserialize, Serialize};
use socket_lessons::sockets::net::{self, Peer};
use socket_lessons::tools::shows::progress::{self, pump};
use socket_lessons::tools::shows::scratch;
use socket_lessons::transfer::deadline::{self, Stopped, Watched};
use socket_lessons::transfer::rate::{Paced, Rate};
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::{
    Result, client, note, output::say, server, sockets::frame, sockets::taught, transfer::disk,
    words::text,
};

/// `--max-clients`: a thread costs memory (its stack, its 64 KiB buffer), and the clients share
/// one link anyway; 64 is more than a class, and far less than a machine can hold.
const MAX_CLIENTS: u16 = 64;

/// The listen queue (lesson 03's `backlog`): connections the OS has completed that wait for
/// `accept`. The material's 5 is full as soon as six students connect in the same moment;
/// the rest see a connection that never gets its header. 128 is what macOS allows at most
/// (SOMAXCONN): room for a class that connects at once while the accept loop catches up.
const CLASS_BACKLOG: i32 = 128;

/// `--timeout`: as in lesson 06.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The demo: this many clients ask at once for a file of `DEMO_SIZE` bytes, sent at `DEMO_RATE`
/// to each (a quarter of a second per client), first one at a time, then on threads.
const DEMO_CLIENTS: usize = 5;
const DEMO_SIZE: usize = 256 * 1024;
const DEMO_RATE: Rate = Rate(1024 * 1024);

/// Lesson 06's header, unchanged: `[i32 little-endian: length][JSON]`, then the file.
#[derive(Serialize, Deserialize, Clone)]
struct Header {
    file_name: String,
    file_desc: String,
    file_size: u64,
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr, file, desc, rate, max_clients } => {
            // Without --file, this very program: the material's server sends its own script.
            let file = file.map_or_else(std::env::current_exe, Ok)?;
            Offer::open(&file, &desc, rate, cli.timeout).and_then(|offer| {
                // Python: server.listen(128) — lesson 03's listener, with a queue for a class.
                let listener = net::listen(&addr, CLASS_BACKLOG)?;
                serve(listener, Arc::new(offer), max_clients)
            })
        }
    }
}

/// The server: accept a client, start a thread that sends it the file, accept the next at once;
/// at most `max` at once, and the next ones wait in the listen queue. Ctrl-C ends it.
fn serve(listener: TcpListener, offer: Arc<Offer>, max: u16) -> Result<()> {
    let name = text::quoted(offer.header.file_name.as_bytes());
    server!(
        "ready to send {name}, to at most {max} clients at once",
        "准备发送 {name}, 最多同时 {max} 个客户端"
    );
    // `max` places, as tokens in a channel: a thread takes one to serve a client and gives it
    // back when it ends (a semaphore, made of std's channel).
    let (give_back, places) = mpsc::sync_channel(max.into());
    for _ in 0..max {
        give_back.send(())?;
    }
    let mut said = false;
    loop {
        if places.try_recv().is_err() {
            if !std::mem::replace(&mut said, true) {
                server!(
                    "{max} clients at once, the most --max-clients allows: the next ones wait in the listen queue until one is done",
                    "同时已有 {max} 个客户端, 是 --max-clients 的上限: 后来的在监听队列里等, 直到有一个结束"
                );
            }
            places.recv()?;
        }
        let place = Place(give_back.clone());
        // Python: sock, addr = server.accept()
        let (sock, addr) = taught::accept(&listener)?;
        let offer = Arc::clone(&offer);
        // `move`: the thread owns the socket, its share of the offer (an `Arc`: shared, freed
        // with its last user) and its place, given back when the thread ends, however it ends.
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

/// A client's place among the `--max-clients`: dropped, it goes back in the channel.
struct Place(mpsc::SyncSender<()>);

impl Drop for Place {
    fn drop(&mut self) {
        let _ = self.0.send(()); // Room for it is certain: it came out of the channel.
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
        Ok(()) => {
            let rate = progress::rate(size, start.elapsed());
            server!(
                "{addr} has the file and closed the connection: sent {rate}",
                "{addr} 收到了文件并关闭了连接: 发送了 {rate}"
            );
        }
        Err(stopped) => {
            let why = stopped.words(Peer::Client);
            server!("{addr}: stopped sending {why}", "{addr}: 停止发送, {why}");
        }
    }
}

/// Lesson 06's transfer, printing nothing: the header, exactly `size` bytes of `file`, then the
/// client's clean close. Every write and the last read wait `--timeout` at most for progress.
fn send_file(sock: &TcpStream, mut file: fs::File, size: u64, offer: &Offer) -> Sent {
    let mut conn = Paced::new(Watched::new(sock, offer.timeout), offer.rate);
    let mut header = offer.header.clone();
    header.file_size = size;
    let bar = progress::hidden(size);
    let result = write_header(&mut conn, &header)
        .and_then(|()| pump(&mut (&mut file).take(size), &mut conn, &bar));
    deadline::finished(result, progress::finish(&bar), size, offer.timeout)?;
    // The client closes once it has every byte: wait for that read of 0 (lesson 06).
    let closed = conn.get_mut().read(&mut [0u8; 1]).map(drop);
    deadline::finished(closed, size, size, offer.timeout)
}

/// How a transfer ended: whole, or stopped (by the client, or by our own error).
type Sent = std::result::Result<(), Stopped>;

/// Lesson 06's `write_header`: `[i32 little-endian: JSON length][JSON]`, as one frame.
fn write_header(sock: &mut impl Write, header: &Header) -> io::Result<()> {
    frame::send_frame(sock, &serde_json::to_vec(header)?)
}

/// What the server offers each client: a file, its header, `--rate` and `--timeout`.
struct Offer {
    path: PathBuf,
    header: Header,
    rate: Option<Rate>,
    timeout: Duration,
}

impl Offer {
    /// Lesson 06's checks, before listening: a file that can be sent, a header that fits.
    fn open(path: &Path, desc: &str, rate: Option<Rate>, timeout: Duration) -> Result<Offer> {
        let (file_name, file_desc) = (disk::name_to_send(path)?, desc.to_string());
        let (file_size, path) = (u64::MAX, path.to_path_buf());
        let header = Header { file_name, file_desc, file_size };
        disk::check_header_len(serde_json::to_vec(&header)?.len())?;
        Ok(Offer { path, header, rate, timeout })
    }
}

/// The same clients, twice: against lesson 06's loop, one at a time, then against threads.
fn demo() -> Result<()> {
    let scratch = scratch::folder("07")?;
    let path = scratch.path().join("class.bin");
    fs::write(&path, vec![b'x'; DEMO_SIZE])?;
    let offer = Offer::open(&path, "for everyone", Some(DEMO_RATE), TIMEOUT)?;
    let offer = Arc::new(offer);
    let (n, size) = (DEMO_CLIENTS, progress::bytes(DEMO_SIZE as u64));
    note!(
        "{n} clients ask at once for one file of {size}; the server sends it to each at {DEMO_RATE}",
        "{n} 个客户端同时请求同一个文件 ({size}); 服务端给每个客户端的速率是 {DEMO_RATE}"
    );
    let mut last = [0.0; 2];
    for threads in [false, true] {
        match threads {
            false => note!(
                "one client at a time: lesson 06's loop",
                "一次一个客户端: 第 06 课的循环"
            ),
            true => note!(
                "a thread per client: this lesson's loop",
                "每个客户端一个线程: 本课的循环"
            ),
        }
        let listener = net::listen(&Addr::ephemeral(), CLASS_BACKLOG)?;
        let addr = listener.local_addr()?;
        let offer = Arc::clone(&offer);
        let server = thread::spawn(move || serve_demo(listener, &offer, threads));
        let start = Instant::now();
        let students: Vec<_> = (0..n)
            .map(|_| thread::spawn(move || fetch(addr, start)))
            .collect();
        let mut times = Vec::new();
        for student in students {
            times.push(student.join().map_err(|_| "a demo client panicked")??);
        }
        server.join().map_err(|_| "the demo server panicked")??;
        times.sort_by(|a, b| a.0.total_cmp(&b.0));
        for (k, (wait, done)) in times.iter().enumerate().map(|(k, t)| (k + 1, t)) {
            client!(
                "client {k}: waited {wait:.2} s for its header, had the whole file at {done:.2} s",
                "客户端 {k}: 等了 {wait:.2} 秒才收到报头, 在 {done:.2} 秒时收齐整个文件"
            );
        }
        last[threads as usize] = times.iter().map(|t| t.1).fold(0.0, f64::max);
    }
    let [one, many] = last;
    note!(
        "the last client had its file after {one:.2} s one at a time, {many:.2} s on threads",
        "最后一个客户端收齐文件: 一次一个用了 {one:.2} 秒, 多线程用了 {many:.2} 秒"
    );
    Ok(())
}

/// The demo's server, for `DEMO_CLIENTS` clients: lesson 06's loop (`send_file`, then the next
/// `accept`), or this lesson's (`accept`, a thread to `send_file`, at once the next `accept`).
fn serve_demo(listener: TcpListener, offer: &Arc<Offer>, threads: bool) -> Result<()> {
    let mut running = Vec::new();
    for _ in 0..DEMO_CLIENTS {
        // Python: sock, addr = server.accept()
        let (sock, _) = listener.accept()?;
        let (file, size) = disk::open_to_send(&offer.path)?;
        match threads {
            false => send_file(&sock, file, size, offer).map_err(|s| s.words(Peer::Client))?,
            true => {
                let offer = Arc::clone(offer);
                running.push(thread::spawn(move || send_file(&sock, file, size, &offer)));
            }
        }
    }
    for thread in running {
        thread
            .join()
            .map_err(|_| "a demo thread panicked")?
            .map_err(|s| s.words(Peer::Client))?;
    }
    Ok(())
}

/// One of the demo's students, lesson 06's client without the disk: connect, read the header,
/// read `file_size` bytes, close. Returns when, since `start`, the header came and the file.
fn fetch(addr: SocketAddr, start: Instant) -> Result<(f64, f64)> {
    let sock = TcpStream::connect_timeout(&addr, TIMEOUT)?;
    let mut conn = Watched::new(&sock, TIMEOUT);
    let json = frame::recv_frame(&mut conn)?.ok_or("the demo server closed")?;
    let wait = start.elapsed().as_secs_f64();
    let header: Header = serde_json::from_slice(&json)?;
    let got = io::copy(&mut (&mut conn).take(header.file_size), &mut io::sink())?;
    if got < header.file_size {
        Err("the demo server closed early")?;
    }
    Ok((wait, start.elapsed().as_secs_f64()))
}

// The command line: what `--help` shows. Skip it on a first reading.

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
        /// The file to send (without it: this program itself, as the material sends its own).
        #[arg(long)]
        file: Option<PathBuf>,
        /// The header's file_desc: a line about the file.
        #[arg(long, default_value = "sent by lesson 07")]
        desc: String,
        /// Send each client at most this many bytes per second (2MiB, 500KiB, 1MB).
        #[arg(long)]
        rate: Option<Rate>,
        /// How many clients at once, at most: the next waits in the listen queue.
        #[arg(long, default_value_t = MAX_CLIENTS, value_parser = clap::value_parser!(u16).range(1..))]
        max_clients: u16,
    },
}
