//! Lesson 06 — the final scheme: a file behind a JSON header behind a length.
//!
//! The material's last design. Before the file, the server sends a header that says what is
//! coming: a JSON object `{file_name, file_desc, file_size}`, itself framed by lesson 05's
//! 4-byte length. On the wire:
//!
//! ```text
//! [i32 little-endian: header length N][N bytes of header JSON, UTF-8][exactly file_size bytes]
//! ```
//!
//! What changed since lesson 05: the frame carries a JSON header instead of a message, and
//! after it come `file_size` raw bytes that need no frame, because the header counted them.
//! The server is lesson 03's connection loop, sending the file to each client in turn. The
//! bytes on the wire are the material's, so its Python programs and this lesson exchange files
//! in both directions. What is new is that the client trusts nothing the peer says: the
//! material's client writes wherever the header's name points and reads whatever arrives; this
//! one checks the header, saves to `NAME.part`, and renames only a file that arrived whole.
//!
//! Run it:
//! - one terminal (the demo: the lesson sends its own source, as the material sends its own
//!   script, into a scratch folder, and checks the copy byte for byte):
//!   `cargo run --bin 06_final_file`
//! - two terminals, server first:
//!   `cargo run --bin 06_final_file -- server --file Cargo.toml --desc "the course's manifest"`
//!   `cargo run --bin 06_final_file -- client --out /tmp`
//! - a big file, to see the progress bar: `truncate -s 2G /tmp/big.bin`, then
//!   `cargo run --release --bin 06_final_file -- server --file /tmp/big.bin`, and a client.
//!
//! Watch for: the header's 4 length bytes in hex (the smallest byte first: little-endian), the
//! JSON the server sends and the fields the client reads back, and the `.part` file that
//! becomes the real name only at the very end. Then run `cargo test --test lesson06` and read
//! what the client refuses: every test there is a lying server.

use std::fs::{self, File, OpenOptions};
use std::io::{self, ErrorKind, IsTerminal, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand};
use indicatif::ProgressBar;
use serde::{Deserialize, Deserializer, Serialize};
use socket_lessons::cli::{Addr, Shared};
use socket_lessons::extras::{progress, scratch};
use socket_lessons::names::check_file_name;
use socket_lessons::{Result, client, frame, net, note, pair, say, server, text};

/// This very file, built into the program: the demo sends it, as the material's server sends
/// its own script (`04 struct模块.py`). Built in, so that the demo works from any folder.
const SOURCE: &str = include_str!("06_final_file.rs");

/// The name the demo gives the source it sends.
const SOURCE_NAME: &str = "06_final_file.rs";

/// The demo's `file_desc`. Chinese on purpose: JSON carries any text, and the header's length
/// counts its UTF-8 bytes, not its characters.
const DEMO_DESC: &str = "本课的源代码 (this lesson's own source)";

/// The server's `file_desc` when no `--desc` is given.
const DEFAULT_DESC: &str = "sent by lesson 06";

/// How many bytes one `read` asks for and one `write_all` sends while the file's bytes move.
///
/// Chosen by measurement: `cargo bench --bench transfer`, 1 GiB over loopback into a file on
/// disk, on the 2-core machine this lesson was written on (medians of several runs). With
/// 8 KiB, what `std::io::copy` uses, the transfer ran at about 830 MiB/s; with 64 KiB at about
/// 1550 MiB/s; 128 KiB and 256 KiB were no faster beyond the noise. Every `read` and `write`
/// costs a trip into the kernel however few bytes it moves, so fewer, larger calls go faster,
/// until the copying of the bytes themselves is the cost. The buffer is allocated once per
/// transfer: a process needs the same memory (about 3.4 MiB at its peak) for 1 KiB or 100 GiB.
const BUF_SIZE: usize = 64 * 1024;

/// The header the server sends before the file: the material's `data_dict`.
///
/// serde ignores keys it does not know, so a peer may send more (a date, a checksum); the three
/// here must be there, with these types, or the header is refused.
#[derive(Serialize, Deserialize)]
struct Header {
    /// The name to save the file as. A name, never a path: see [`check_file_name`].
    file_name: String,
    /// A line about the file, shown to the user.
    file_desc: String,
    /// How many bytes of file follow the header. JSON's numbers may be negative or fractional;
    /// a size may not, and [`whole_bytes`] says so in words.
    #[serde(deserialize_with = "whole_bytes")]
    file_size: u64,
}

/// Lesson 06: a file behind a JSON header behind a length. Run without arguments for the
/// demo, or in two terminals: `cargo run --bin 06_final_file -- server --file PATH`, then
/// `cargo run --bin 06_final_file -- client`.
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
    /// Server and client in one process: the lesson sends its own source (the default).
    Demo,
    /// Send one file to each client in turn, forever (Ctrl-C ends), or to one with --once.
    Server {
        #[command(flatten)]
        addr: Addr,
        /// The file to send.
        #[arg(long)]
        file: PathBuf,
        /// The header's file_desc: a line about the file.
        #[arg(long, default_value = DEFAULT_DESC)]
        desc: String,
        /// Serve one client, then end.
        #[arg(long)]
        once: bool,
    },
    /// Connect, receive one file, save it in the --out folder under the name the header gives.
    Client {
        #[command(flatten)]
        addr: Addr,
        /// The folder to save the file in.
        #[arg(long, default_value = ".")]
        out: PathBuf,
        /// Replace a file of the same name (and a NAME.part left by a transfer that failed).
        #[arg(long)]
        force: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    // A bar only helps a person watching: not a pipe, a file or a test.
    let show_bar = io::stdout().is_terminal();
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server {
            addr,
            file,
            desc,
            once,
        } => Offer::open(&file, &desc).and_then(|offer| {
            let clients = once.then_some(1);
            net::listen(&addr, net::BACKLOG)
                .and_then(|listener| serve(listener, &offer, clients, show_bar))
        }),
        Command::Client { addr, out, force } => addr
            .resolve()
            .and_then(|addr| run_client(addr, &out, force, show_bar)),
    })
}

/// The server on a thread sends this file's source; the client here saves it into a scratch
/// folder; then the copy is compared with the original, byte for byte.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    let scratch = scratch::folder("06")?;
    let served = scratch.path().join("served");
    let received = scratch.path().join("received");
    fs::create_dir(&served)?;
    fs::create_dir(&received)?;
    fs::write(served.join(SOURCE_NAME), SOURCE)?;
    note!("the server sends this lesson's source; the client saves it in a scratch folder");

    let offer = Offer::open(&served.join(SOURCE_NAME), DEMO_DESC)?;
    // Python: server.bind(('127.0.0.1', 8080)); server.listen(5) — lesson 03's listener.
    let listener = net::listen(&Addr::ephemeral(), net::BACKLOG)?;
    // The transfer takes a millisecond: no progress bars.
    pair::run(
        listener,
        move |listener| serve(listener, &offer, Some(1), false),
        |addr| run_client(addr, &received, false, false),
    )?;

    let copy = fs::read(received.join(SOURCE_NAME))?;
    if copy != SOURCE.as_bytes() {
        return Err("the saved copy differs from the lesson's source".into());
    }
    note!(
        "the saved copy is identical to the source, byte for byte ({} bytes); removing the scratch folder",
        copy.len()
    );
    Ok(())
}

/// What the server offers each client: a file, and the header fields that do not change.
struct Offer {
    path: PathBuf,
    /// The header's `file_name`: the last part of the path. The client is sent a name, and
    /// never the folders it came from.
    name: String,
    desc: String,
}

impl Offer {
    /// Check, before listening, that the file can be read and that its header fits in a frame:
    /// a mistake in `--file` is one clear line now, not an error at the first client.
    fn open(path: &Path, desc: &str) -> Result<Offer> {
        let shown = path.display();
        let file = File::open(path).map_err(|e| match e.kind() {
            ErrorKind::NotFound => format!("cannot send {shown}: there is no such file"),
            _ => format!("cannot send {shown}: {e}"),
        })?;
        if !file.metadata()?.is_file() {
            return Err(format!("cannot send {shown}: it is not a file (a folder?)").into());
        }
        let name = path
            .file_name()
            .and_then(|name| name.to_str())
            .ok_or_else(|| {
                format!("cannot send {shown}: JSON can only carry a name that is UTF-8 text")
            })?;
        let offer = Offer {
            path: path.to_path_buf(),
            name: name.to_string(),
            desc: desc.to_string(),
        };
        // The longest header this offer can make: the largest size has the most digits.
        let json = serde_json::to_vec(&offer.header(u64::MAX))?;
        if json.len() > frame::MAX_FRAME_LEN {
            return Err(format!(
                "the header would be {} bytes, over the {}-byte limit: shorten --desc",
                json.len(),
                frame::MAX_FRAME_LEN
            )
            .into());
        }
        Ok(offer)
    }

    /// The header for the file as it is now, `size` bytes long.
    fn header(&self, size: u64) -> Header {
        Header {
            file_name: self.name.clone(),
            file_desc: self.desc.clone(),
            file_size: size,
        }
    }
}

/// Lesson 03's connection loop: accept a client, send it the file, accept the next.
///
/// `clients` ends the loop after that many clients (`--once`, the demo); `None` serves forever.
///
/// One client at a time, as in lesson 03: a client that never reads, or never closes, holds up
/// the ones behind it. A real server would serve each client on a thread of its own, with
/// timeouts; this lesson keeps the loop the material teaches.
fn serve(
    listener: TcpListener,
    offer: &Offer,
    clients: Option<usize>,
    show_bar: bool,
) -> Result<()> {
    server!("ready to send {:?}", offer.name);
    let mut served = 0;
    while clients.is_none_or(|clients| served < clients) {
        // Python: sock, addr = server.accept()
        let (sock, addr) = net::accept(&listener)?;
        handle_client(sock, addr, offer, show_bar)?;
        served += 1;
    }
    Ok(())
}

/// Send the header, then the file, to one client. A client that leaves ends the transfer,
/// never the server: only an error of the server's own (the file gone) goes up.
fn handle_client(
    mut sock: TcpStream,
    addr: SocketAddr,
    offer: &Offer,
    show_bar: bool,
) -> Result<()> {
    // Each client gets the file as it is now: opened again, measured again.
    // Python: 'file_size': os.path.getsize(r'04 struct模块.py')
    let mut file = File::open(&offer.path)
        .map_err(|e| format!("cannot send {}: {e}", offer.path.display()))?;
    let size = file.metadata()?.len();
    let start = Instant::now();
    // The header's line says what follows it too: once the header is out, the client speaks.
    if let Err(e) = write_header(&mut sock, &offer.header(size)) {
        server!("{addr} left before the header was sent: {e}");
        return Ok(());
    }

    // Python: with open(r'04 struct模块.py', 'rb') as f: for line in f: sock.send(line)
    // The material sends "lines": in a file that is not text, a line is anything from one byte
    // to the whole file, and `send` may send only part of one. Fixed-size chunks and
    // `write_all` have neither problem. `take(size)` sends what the header promised and no
    // more, even if the file grows meanwhile.
    let bar = progress::bar(size, show_bar);
    let sent = match pump(&mut (&mut file).take(size), &mut sock, &bar) {
        Ok(sent) => sent,
        // Reading a local file does not fail with these: the client has gone. EPIPE: it
        // closed; ECONNRESET: it aborted, or closed with bytes it had not read.
        Err(e) if client_left(&e) => {
            bar.finish_and_clear();
            server!(
                "{addr} left during the transfer, after {} of {size} bytes: {e}",
                bar.position()
            );
            return Ok(());
        }
        Err(e) => return Err(format!("cannot send {}: {e}", offer.path.display()).into()),
    };
    bar.finish_and_clear();
    let elapsed = start.elapsed();
    if sent < size {
        // The header promised `size` bytes; the client will see the stream end early.
        server!("{addr}: the file shrank while it was sent: {sent} of {size} bytes; closing");
        return Ok(());
    }

    // `write_all` returning means the bytes are in this machine's send buffer, not that the
    // client has them. The client closes once it has them all: wait for that read of 0.
    let mut byte = [0u8; 1];
    match sock.read(&mut byte) {
        Ok(0) => server!(
            "{addr} has the file and closed the connection: sent {}",
            progress::rate(size, elapsed)
        ),
        Ok(_) => server!("{addr} sent bytes this protocol does not expect; closing"),
        Err(e) => server!("{addr} left: {e}"),
    }
    Ok(())
}

/// Did this error come from a client that closed or aborted its end of the connection?
///
/// Writing to a closed connection raises SIGPIPE in C, which ends the process; std writes to a
/// socket with `MSG_NOSIGNAL`, so here it is an ordinary error, Python's `BrokenPipeError`.
fn client_left(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        ErrorKind::BrokenPipe | ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted
    )
}

/// Send the header as one frame: `[i32 little-endian: JSON length][JSON]`.
///
/// The length goes out as the material's `struct.pack('i', ...)` does: Python's `'i'` is the
/// machine's native order, little-endian on x86 and ARM, so that is what its peers expect. A
/// protocol designed today would fix network order (big-endian, `'!i'`) in its definition.
fn write_header(sock: &mut impl Write, header: &Header) -> io::Result<()> {
    // Python: dict_json_str = json.dumps(data_dict); dict_bytes = dict_json_str.encode('utf8')
    // Python's json.dumps writes 课 as \u8bfe (ASCII only); serde_json writes its 3 UTF-8
    // bytes. Either side reads both.
    let json = serde_json::to_vec(header)?;
    // At most MAX_FRAME_LEN bytes (`Offer::open` checked), so the length fits an i32.
    let len = json.len() as i32;
    server!(
        "sending the header: 4 bytes of length ({}), then {len} bytes of JSON: {}; then the file's {} bytes",
        text::hex(&len.to_le_bytes()),
        String::from_utf8_lossy(&json),
        header.file_size
    );
    // Python: sock.send(struct.pack('i', len(dict_bytes))); sock.send(dict_bytes)
    frame::send_frame(sock, &json)
}

/// Receive the header: exactly 4 bytes of length, then exactly that many bytes of JSON, then
/// check every field. Every way a peer can get it wrong is refused here, before a file exists.
fn read_header(sock: &mut impl Read) -> Result<Header> {
    // Python: dict_header_len = client.recv(4)
    //         dict_real_len = struct.unpack('i', dict_header_len)[0]
    //         dict_data_bytes = client.recv(dict_real_len)
    // The material's recv(4) and recv(dict_real_len) may each return fewer bytes than asked;
    // recv_frame loops until it has them all, and refuses a length that is negative or over
    // MAX_FRAME_LEN before allocating anything.
    let json = match frame::recv_frame(sock) {
        Ok(Some(json)) => json,
        Ok(None) => return Err("the server closed the connection before sending a header".into()),
        Err(e) if e.kind() == ErrorKind::InvalidData => {
            return Err(format!("refusing the header: {e}").into());
        }
        Err(e) => return Err(format!("the header did not arrive: {e}").into()),
    };
    // At most MAX_FRAME_LEN bytes (`recv_frame` checked), so the length fits an i32.
    let len = json.len() as i32;
    client!(
        "received a header: 4 bytes of length ({} = {len}, little-endian), then {len} bytes",
        text::hex(&len.to_le_bytes())
    );
    if json.is_empty() {
        return Err("refusing the header: its length is 0, and an empty header is not JSON".into());
    }
    // Python: dict_data = json.loads(dict_data_bytes)
    let json = std::str::from_utf8(&json)
        .map_err(|e| format!("refusing the header: it is not UTF-8 text ({e})"))?;
    let header: Header = serde_json::from_str(json)
        .map_err(|e| format!("refusing the header: it is not the JSON this lesson expects: {e}"))?;
    check_file_name(&header.file_name)?;
    Ok(header)
}

/// `file_size` as JSON may write it: any number. A size is a whole number of bytes, 0 or more;
/// say so, rather than serde's "invalid value: integer `-5`, expected u64".
fn whole_bytes<'de, D: Deserializer<'de>>(json: D) -> std::result::Result<u64, D::Error> {
    let number = serde_json::Number::deserialize(json)?;
    number.as_u64().ok_or_else(|| {
        serde::de::Error::custom(format!(
            "file_size must be a whole number of bytes, 0 or more, not {number}"
        ))
    })
}

/// The client side: connect, read and check the header, receive exactly `file_size` bytes
/// into `NAME.part`, then rename it.
fn run_client(addr: SocketAddr, out: &Path, force: bool, show_bar: bool) -> Result<()> {
    if !out.is_dir() {
        return Err(format!(
            "cannot save into {}: there is no such folder (create it, or choose another with --out)",
            out.display()
        )
        .into());
    }
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = net::connect(addr, env!("CARGO_BIN_NAME"))?;

    let header = read_header(&mut sock)?;
    // Python: print(dict_data)
    // Text from the peer is printed with {:?}: quoted and escaped, so a control character in it
    // cannot move the cursor or recolor your terminal.
    let Header {
        file_name: name,
        file_desc: desc,
        file_size: size,
    } = &header;
    client!("file name: {name:?}");
    client!("description: {desc:?}");
    client!("size: {size} bytes");

    let path = out.join(name);
    if !force && fs::symlink_metadata(&path).is_ok() {
        return Err(format!(
            "{name:?} already exists in {}: use --force to replace it",
            out.display()
        )
        .into());
    }
    // A new file only: an existing NAME.part may be another transfer's, still running.
    let part_name = format!("{name}.part");
    let part = out.join(&part_name);
    let mut options = OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let file = options.open(&part).map_err(|e| match e.kind() {
        ErrorKind::AlreadyExists => format!(
            "{part_name:?} already exists in {}: a transfer that failed, or one still running? Remove it or use --force",
            out.display()
        ),
        _ => format!("cannot create {}: {e}", part.display()),
    })?;

    // Python: with open(dict_data.get('file_name'), 'wb') as f: ...
    client!("writing {part_name:?}: it gets its real name only once all {size} bytes are in");
    let start = Instant::now();
    let received = receive_file(&mut sock, file, *size, show_bar)
        .and_then(|()| fs::rename(&part, &path).map_err(Into::into));
    if let Err(e) = received {
        // Whatever went wrong, no half file is left behind to be mistaken for the real one.
        let _ = fs::remove_file(&part);
        return Err(e);
    }
    client!("received {}", progress::rate(*size, start.elapsed()));
    client!("renamed {part_name:?} to {name:?}");
    // Python: client.close()
    // Dropping the stream closes it: the server, waiting for this close, then knows we are done.
    Ok(())
}

/// Receive exactly `size` bytes into `file`.
///
/// Python: `while recv_size < file_size: data = client.recv(1024); recv_size += len(data)`
///
/// The material's loop asks for 1024 bytes even when fewer are still due: if the server sent
/// anything after the file, the last `recv` would take some of it into the file. `take(size)`
/// makes the stream end after exactly `size` bytes, whatever follows them.
fn receive_file(sock: &mut TcpStream, mut file: File, size: u64, show_bar: bool) -> Result<()> {
    let bar = progress::bar(size, show_bar);
    let result = pump(&mut sock.take(size), &mut file, &bar);
    bar.finish_and_clear();
    let got = match result {
        Ok(got) => got,
        Err(e) => {
            let got = bar.position();
            return Err(format!("the transfer failed after {got} of {size} bytes: {e}").into());
        }
    };
    if got < size {
        // A read of 0 before `size` bytes: the server closed (or crashed) in the middle.
        return Err(format!("the connection closed early: received {got} of {size} bytes").into());
    }
    // A program that must survive a power cut would `file.sync_all()` here, before the rename
    // makes the file look complete; this lesson leaves the disk's timing to the OS.
    // `file` is closed here, when it goes out of scope: before the caller renames it.
    Ok(())
}

/// Move bytes from `reader` to `writer` until `reader` ends, [`BUF_SIZE`] at a time, and say
/// how many moved. The bar counts them too, drawn or hidden, so an error can say how far it got.
///
/// `std::io::copy` would do the same with an 8 KiB buffer (from a `File` into a `TcpStream` it
/// does not hand the work to the kernel's `sendfile`): see [`BUF_SIZE`] for why not. A server
/// built for speed would call `sendfile(2)`, which moves file bytes to a socket without them
/// ever entering the program; this lesson keeps them in sight, in its own loop.
fn pump(reader: &mut impl Read, writer: &mut impl Write, bar: &ProgressBar) -> io::Result<u64> {
    // On the heap and allocated once: the memory a transfer needs does not grow with the file.
    let mut buf = vec![0u8; BUF_SIZE];
    let mut moved = 0;
    loop {
        // One read may return anything from 1 byte to BUF_SIZE; 0 means the end.
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(moved),
            Ok(n) => n,
            // A signal interrupted the read before any byte arrived: just read again.
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        writer.write_all(&buf[..n])?;
        moved += n as u64;
        bar.inc(n as u64);
    }
}
