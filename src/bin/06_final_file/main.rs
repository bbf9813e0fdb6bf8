//! Lesson 06 — the final scheme (最终方案): a file behind a JSON header behind a length.
//!
//! What changed since lesson 05: the frame carries a JSON header, `{file_name, file_desc,
//! file_size}`, and then come `file_size` raw bytes that need no frame, moved by `copy`, the
//! material's loop: `[i32 little-endian: header length N][N bytes of JSON][file_size bytes]`.
//! The server is lesson 03's loop; a `Conn` gives up on a peer that moves no byte for
//! `--timeout`; the client's disk is in `saving.rs` (read it second).
//!
//! Run it: `cargo run --bin 06_final_file` (the demo sends this very source); two terminals:
//! `... -- server --file Cargo.toml` (`--rate 1MiB`: time to watch the bar), `... -- client`.
//!
//! Watch for: the 4 length bytes in hex (smallest first), the JSON, the `.part` file renamed last.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use socket_lessons::sockets::{frame, net, net::Peer, oserror::OrNext, receiving::Receiving};
use socket_lessons::tools::shows::progress;
use socket_lessons::transfer::{conn::Conn, deadline, disk, header, offer::*, partial};
use socket_lessons::words::{cli::Addr, cli::Shared, text::Quoted};
use socket_lessons::{Result, demo, output::say, server};

mod lines; // the longer lines: the header's bytes, how a transfer ended
mod own_source; // the demo: the lesson sends its own source to itself
mod saving; // the client's file on disk: read it second

/// The header before the file: the material's `data_dict`; serde ignores keys it does not know.
#[derive(Serialize, Deserialize)]
struct Header {
    file_name: String,
    file_desc: String,
    #[serde(deserialize_with = "header::whole_bytes")]
    file_size: u64,
}

/// Lesson 03's connection loop, one client at a time as the material does (`clients`: that many,
/// then end): a client that never reads holds up the next ones; lesson 07 gives each a thread.
fn serve(listener: TcpListener, offer: &Offer, clients: Option<usize>) -> Result<()> {
    server!("ready to send {}", "准备发送 {}", Quoted(&offer.name));
    for _ in 0..clients.unwrap_or(usize::MAX) {
        // Python: sock, addr = server.accept()
        demo::accept_turn(&listener); // the one-terminal demo: the client may connect now
        let Some((sock, addr)) = listener.accept().or_next()? else {
            continue; // a client gone while it waited in the queue: said, and the next one
        };
        net::accepted(addr);
        demo::accepted_turn(&listener); // the one-terminal demo: the client may go on
        handle_client(sock, addr, offer)?;
    }
    Ok(())
}

/// Send one client the header, then the file. Only the server's own error (the file gone) ends it.
fn handle_client(sock: TcpStream, addr: SocketAddr, offer: &Offer) -> Result<()> {
    // Each write, and the last read, fails after `--timeout` without a byte; `--rate` paces.
    let mut conn = Conn::new(&sock, offer.timeout, offer.rate);
    // Each client gets the file as it is now: checked, opened and measured again.
    // Python: 'file_size': os.path.getsize(r'04 struct模块.py')
    let (mut file, size) = disk::open_to_send(&offer.path)?;
    let (name, desc) = (offer.name.clone(), offer.desc.clone());
    let header = Header { file_name: name, file_desc: desc, file_size: size };
    let (start, bar) = (Instant::now(), progress::bar(size));
    // Python: for line in f: sock.send(line) — here `copy`, 64 KiB at a time. `(&mut file)
    // .take(size)`: `file`, lent (`&mut`), read to `size` bytes: what the header promised.
    let result = write_header(&mut conn, &header)
        .and_then(|()| copy(&mut (&mut file).take(size), &mut conn, &bar));
    if let Err(stopped) = deadline::finished(result, progress::finish(&bar), size, offer.timeout) {
        // The client stopped taking bytes, or left: say how far it got, and serve the next.
        let why = stopped.client_gone(&offer.path)?; // the file unreadable: the server ends
        server!("{addr}: stopped sending {why}", "{addr}: 停止发送, {why}");
        return Ok(());
    }
    // `write_all` returning means the bytes are in this machine's send buffer, not that the
    // client has them. The client closes once it has them all: wait for that read of 0.
    lines::confirmed(addr, conn.read(&mut [0u8; 1]), offer.timeout, size, start);
    Ok(())
}

/// The client: connect, read the header, receive `file_size` bytes into a partial file, rename.
fn run_client(addr: SocketAddr, to: &saving::Folder, timeout: Duration) -> Result<()> {
    disk::check_out(&to.out)?;
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let sock = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line
    // Until the file is saved, leaving is a reset (`Receiving`), never the close "I have it all".
    let sock = Receiving::new(sock);
    let mut conn = Conn::new(&sock, timeout, None);
    let Header { file_name, file_desc, file_size: size } = read_header(&mut conn, timeout)?;
    // Python: print(dict_data); with open(dict_data.get('file_name'), 'wb') as f: ...
    let mut saving = saving::Saving::start(to, &file_name, &file_desc, size)?;
    // recv(1024) would take bytes sent after the file; `take(size)` stops after exactly `size`.
    let bar = progress::bar(size);
    let result = copy(&mut (&mut conn).take(size), saving.file(), &bar);
    // Short, stalled, reset: one line saying how far it got; dropping `saving` removes the file.
    let got = progress::finish(&bar);
    deadline::finished(result, got, size, timeout).map_err(|s| s.words(Peer::AnsweredServer))?;
    saving.finish()?;
    // Python: client.close() — a clean close: the server, waiting for it, knows we are done.
    sock.done();
    Ok(())
}

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
    // json.dumps writes 课 as \u8bfe (ASCII only); serde_json its 3 UTF-8 bytes. Both read both.
    let json = serde_json::to_vec(header)?;
    lines::sending(&json, header.file_size); // the 4 length bytes in hex, the JSON, the size
    // Python: sock.send(struct.pack('i', len(dict_bytes))); sock.send(dict_bytes)
    frame::send_frame(sock, &json)
}

/// Receive the header: exactly 4 bytes of length, that many bytes of JSON, every field checked.
/// A bad length, JSON that is not a header, a size or a name that is wrong: refused here.
fn read_header(sock: &mut Conn, timeout: Duration) -> Result<Header> {
    // Python: dict_header_len = client.recv(4); dict_data_bytes = client.recv(dict_real_len)
    // Each recv may return fewer bytes than asked: recv_frame loops, and refuses a bad length.
    let json = match frame::recv_frame(sock) {
        Ok(Some(json)) => json,
        // The server closed, never accepted (busy), went silent, reset, or sent a bad length.
        other => Err(deadline::no_header(other.map(drop), sock.moved(), timeout))?,
    };
    lines::received(&json); // the 4 length bytes in hex, and the length they say
    // Python: dict_data = json.loads(dict_data_bytes)
    let header: Header = header::from_json(&json)?;
    header::check_file_name(&header.file_name)?;
    Ok(header)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// The lesson sends its own source to itself (`own_source.rs`: the copy checked byte for byte).
fn demo() -> Result<()> {
    own_source::run()
}

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr, serving, once } => {
            let offer = serving.offer(env!("CARGO_BIN_NAME"), cli.timeout)?;
            serve(net::listen(&addr, net::BACKLOG)?, &offer, once.then_some(1))
        }
        Command::Client { addr, to } => partial::remove_partial_on_interrupt()
            .and_then(|()| run_client(addr.resolve()?, &to, cli.timeout)),
    }
}

/// Lesson 06: a file behind a JSON header behind a length. Two terminals (else the demo):
/// `cargo run --bin 06_final_file -- server --file PATH`, then `... -- client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Seconds without a byte moving: then the client gives up, the server drops that client.
    #[arg(long, global = true, default_value = "30", value_parser = deadline::seconds)]
    timeout: Duration,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Subcommand)]
enum Command {
    /// Server and client in one process: the lesson sends its own source (the default).
    Demo,
    /// Send one file to each client in turn, forever (Ctrl-C ends), or to one with --once.
    Server {
        #[command(flatten)]
        addr: Addr,
        #[command(flatten)]
        serving: Serving,
        /// Serve one client, then end.
        #[arg(long)]
        once: bool,
    },
    /// Connect, receive one file, save it in the --out folder under the name the header gives.
    Client {
        #[command(flatten)]
        addr: Addr,
        #[command(flatten)]
        to: saving::Folder,
    },
}

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
