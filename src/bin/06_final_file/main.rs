//! Lesson 06 — the final scheme (最终方案): a file behind a JSON header behind a length.
//!
//! Before the file, the server sends a header, the JSON object `{file_name, file_desc,
//! file_size}`, framed by lesson 05's 4-byte length. On the wire:
//! `[i32 little-endian: header length N][N bytes of header JSON, UTF-8][exactly file_size bytes]`.
//!
//! What changed since lesson 05: the frame carries a JSON header, then come `file_size` raw
//! bytes that need no frame (the header counted them), moved by `copy`, the material's loop.
//! The server is lesson 03's connection loop. New: a client that trusts nothing the peer says,
//! a `Conn` that gives up on a peer that moves no byte for `--timeout`, and the disk
//! (`saving.rs`, `src/transfer/partial.rs`: a partial file, Ctrl-C; read them second).
//!
//! Run it: `cargo run --bin 06_final_file` (the demo sends this very source, as the material
//! does); two terminals: `... -- server --file Cargo.toml`, then `... -- client --out /tmp`.
//! `server --rate 1MiB` sends 8 MiB in 8 s: time to watch the bar, or press Ctrl-C.
//!
//! Watch for: the 4 length bytes in hex (smallest first), the JSON, the `.part` file that gets
//! its name only at the end.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::{Parser, Subcommand};
use indicatif::ProgressBar;
use serde::{Deserialize, Serialize};
use socket_lessons::sockets::{frame, net, net::Peer, oserror::OrNext, receiving::Receiving};
use socket_lessons::tools::shows::{progress, scratch};
use socket_lessons::transfer::{conn::Conn, deadline, disk, header, offer::*, partial};
use socket_lessons::words::{cli::Addr, cli::Shared, text::Quoted, text::hex};
use socket_lessons::{Result, client, demo, note, output::say, server};

mod saving; // the client's file on disk: read it second
use saving::Saving;

/// The header before the file: the material's `data_dict`. serde ignores keys it does not know.
/// `file_name` is a name, never a path (`header::check_file_name`); `file_size`, the bytes that
/// follow: JSON's numbers may be negative or fractional, a size not.
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
    match deadline::confirmed(conn.read(&mut [0u8; 1]), offer.timeout) {
        Ok(()) => server!(
            "{addr} has the file and closed the connection: sent {}",
            "{addr} 收到了文件并关闭了连接: 发送了 {}",
            progress::rate(size, start.elapsed())
        ),
        Err(why) => server!(
            "{addr} did not confirm it got the file: {why}",
            "{addr} 没有确认收到文件: {why}"
        ),
    }
    Ok(())
}

/// The client: connect, read the header, receive `file_size` bytes into a partial file, rename.
fn run_client(addr: SocketAddr, out: &Path, force: bool, timeout: Duration) -> Result<()> {
    disk::check_out(out)?;
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let sock = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line
    // `Receiving`: until the file is saved, leaving is refusing, a reset, never the clean close
    // that says "I have it all". `&sock` lends its `TcpStream`; a read waits `timeout` at most.
    let sock = Receiving::new(sock);
    let mut conn = Conn::new(&sock, timeout, None);
    let Header { file_name: name, file_desc: desc, file_size: size } =
        read_header(&mut conn, timeout)?;
    // Python: print(dict_data); with open(dict_data.get('file_name'), 'wb') as f: ...
    let mut saving = Saving::start(out, &name, &desc, size, force)?;
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
    // At most MAX_FRAME_LEN bytes (`Offer::open` checked), so the length fits an i32.
    let len = json.len() as i32;
    server!(
        "sending the header: 4 bytes of length ({}), then {len} bytes of JSON: {}; then the file's {}",
        "发送报头: 4 字节长度 ({}), 然后 {len} 字节 JSON: {}; 然后是文件的 {}",
        hex(&len.to_le_bytes()),
        String::from_utf8_lossy(&json),
        progress::bytes(header.file_size)
    );
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
    // At most MAX_FRAME_LEN bytes (`recv_frame` checked), so the length fits an i32.
    let len = json.len() as i32;
    client!(
        "received a header: 4 bytes of length ({} = {len}, little-endian), then {len} bytes",
        "收到报头: 4 字节长度 ({} = {len}, 小端序), 然后 {len} 字节",
        hex(&len.to_le_bytes())
    );
    // Python: dict_data = json.loads(dict_data_bytes)
    let header: Header = header::from_json(&json)?;
    header::check_file_name(&header.file_name)?;
    Ok(header)
}

// ─── The lesson ends here. Below: the one-terminal demo, `main` and the command line. ───

/// This very file, built in (so the demo works from any folder): the material sends its own. Its
/// `file_desc` is Chinese on purpose: the header's length counts UTF-8 bytes.
const SOURCE: &str = include_str!("main.rs");
const SOURCE_NAME: &str = "06_final_file.rs";
const DEMO_DESC: &str = "本课的源代码 (this lesson's own source)";

/// `--timeout` in the demo: long enough for a crowded Wi-Fi, short enough for a waiting class.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The lesson sends its own source to itself.
fn demo() -> Result<()> {
    let (_scratch, served, received) = scratch::with_file("06", SOURCE_NAME, SOURCE.as_bytes())?;
    note!(
        "the server sends this lesson's source; the client saves it in a scratch folder",
        "服务端发送本课的源代码; 客户端把它保存到一个临时文件夹里"
    );
    let offer = Offer::open(&served, DEMO_DESC, None, TIMEOUT)?;
    let listener = net::listen(&Addr::ephemeral(), net::BACKLOG)?; // lesson 03's listen(5)
    demo::run(
        listener,
        move |listener| serve(listener, &offer, Some(1)),
        |addr| run_client(addr, &received, false, TIMEOUT),
    )?;
    scratch::same_bytes(&received.join(SOURCE_NAME), SOURCE.as_bytes())
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
            .and_then(|()| run_client(addr.resolve()?, &to.out, to.force, cli.timeout)),
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
