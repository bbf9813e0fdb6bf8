//! Lesson 05 — struct pack: a 4-byte length in front of each message puts the boundaries back.
//!
//! Lesson 04 showed the problem: the reader cannot know where one message ends, because TCP is
//! a byte stream with no message boundaries. The material's cure (解决黏包问题) is to say, before
//! each message, how many bytes it has, in a field of fixed size: Python's `struct.pack('i', n)`
//! turns any length into exactly 4 bytes. The reader reads exactly 4 bytes, unpacks the length,
//! then reads exactly that many. On the wire, one frame is:
//!
//! ```text
//! [i32 little-endian: body length N][N bytes of body]
//! ```
//!
//! What changed since lesson 04: the client sends the same three messages, each with
//! `frame::send_frame` instead of a bare `write_all`; the server reads them with
//! `frame::recv_frame` instead of `read` into a 5-byte buffer. Both live in the library from
//! now on (`src/frame.rs`), for lesson 06.
//!
//! Run it:
//! - one terminal (the demo: the struct demo, then the framed messages):
//!   `cargo run --bin 05_struct_pack`
//! - two terminals, server first:
//!   `cargo run --bin 05_struct_pack -- server`
//!   `cargo run --bin 05_struct_pack -- client`
//! - the projector view, lesson 04 and lesson 05 side by side: `cargo run --bin 05_struct_pack -- compare`
//! - a calculator: `cargo run --bin 05_struct_pack -- pack 15`, `... -- unpack 0f 00 00 00`,
//!   and the struct demo with your own text: `... -- struct "你好"`
//! - the Python side, built from the material's struct section, against ours:
//!   `python3 tests/python/struct_server.py 8080` and `python3 tests/python/struct_client.py 8080`
//!
//! Watch for: `07 00 00 00` arriving before `1234567`: the length comes first, so the server
//! knows how much to read. And the text `黏包问题`: 4 characters, but 12 bytes; the length to
//! send is the byte length.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::thread;
use std::time::Duration;

use clap::{Parser, Subcommand};
use colored::{Color, Colorize};
use socket_lessons::cli::Addr;
use socket_lessons::text::{hex, py_bytes};
use socket_lessons::{Result, client, frame, net, note, pair, say, server};

/// Lesson 04's three messages, unchanged: the same sends that stuck together there.
const MESSAGES: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];

/// How many bytes of messages the client sends in all: 17 (the lengths come on top).
const SENT: usize = MESSAGES[0].len() + MESSAGES[1].len() + MESSAGES[2].len();

/// The struct demo's texts. The first has 15 characters and 15 bytes, so `struct.pack('i', 15)`
/// shows the material's `0f 00 00 00`; the second, the material's section title, has 4
/// characters but 12 bytes.
const STRUCT_TEXTS: [&str; 2] = ["hello, sockets!", "黏包问题"];

/// Lesson 04's `recv(5)`, for the `compare` column of raw reads.
const CHUNK: usize = 5;

/// Lesson 04's wait for all the bytes before the raw reads of `compare` (see `wait_for_bytes`).
const PEEK_TIMEOUT: Duration = Duration::from_secs(3);

/// One color for each message in `compare`, so that a byte shows which write it came from.
const COLORS: [Color; 3] = [Color::BrightMagenta, Color::BrightBlue, Color::BrightYellow];

/// Lesson 05: struct.pack puts a 4-byte length in front of each message, and the reader gets the
/// messages back whole. Run without arguments for the demo, or in two terminals:
/// `cargo run --bin 05_struct_pack -- server`, then `cargo run --bin 05_struct_pack -- client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// The struct demo, then server and client in one process, on a port the OS picks (the default).
    Demo,
    /// Accept one client; read its messages frame by frame until it closes.
    Server {
        #[command(flatten)]
        addr: Addr,
    },
    /// Connect, send 1234567, abcde and hhhhh as three frames, back to back, and close.
    Client {
        #[command(flatten)]
        addr: Addr,
    },
    /// The material's struct demo: a text's length packed into 4 bytes, and unpacked back.
    Struct {
        /// The texts to measure and pack.
        #[arg(value_name = "TEXT", default_values = STRUCT_TEXTS)]
        texts: Vec<String>,
    },
    /// Lesson 04 and lesson 05 side by side: the same messages, read raw and read framed.
    Compare,
    /// struct.pack('i', N) and struct.pack('!i', N): a number as 4 bytes.
    Pack {
        /// A whole number from -2147483648 to 2147483647.
        #[arg(value_name = "N", allow_hyphen_values = true)]
        number: String,
    },
    /// struct.unpack('i', ...) and struct.unpack('!i', ...): 4 bytes as a number.
    Unpack {
        /// 4 bytes as 8 hex digits, spaces allowed: 0f 00 00 00, or 0f000000.
        #[arg(value_name = "HEX", required = true, num_args = 1..)]
        hex: Vec<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init();
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr } => bind(&addr).and_then(|listener| serve(&listener)),
        Command::Client { addr } => addr.resolve().and_then(run_client),
        Command::Struct { texts } => {
            show_struct(&texts);
            Ok(())
        }
        Command::Compare => compare(),
        Command::Pack { number } => parse_i32(&number).map(show_pack),
        Command::Unpack { hex } => parse_four_bytes(&hex.join(" ")).map(show_unpack),
    })
}

/// The struct demo, then both sides in one process: the server on a thread, the client here.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    show_struct(&STRUCT_TEXTS);
    let listener = bind(&Addr::ephemeral())?;
    pair::run(listener, |listener| serve(&listener), run_client)?;
    note!("to see lesson 04 and this one side by side: cargo run --bin 05_struct_pack -- compare");
    Ok(())
}

/// The material's struct demo: `len(data1)`, `struct.pack('i', len(data1))`, `struct.unpack`.
fn show_struct(texts: &[impl AsRef<str>]) {
    for text in texts {
        let text = text.as_ref();
        let chars = text.chars().count();
        // The length to send is the byte length: what goes on the wire is the UTF-8 bytes.
        let bytes = text.len();
        if chars == bytes {
            note!("text '{text}': len(text) = {chars} characters, {bytes} bytes in UTF-8");
        } else {
            note!(
                "text '{text}': len(text) = {chars} characters, but {bytes} bytes in UTF-8: pack len(text.encode('utf8')) = {bytes}"
            );
        }
        match i32::try_from(bytes) {
            Ok(len) => {
                show_pack(len);
                show_unpack(len.to_le_bytes());
            }
            Err(_) => note!(
                "{bytes} bytes is too long for struct 'i': 4 bytes hold at most {}",
                i32::MAX
            ),
        }
    }
    note!("whatever the number, pack('i') gives exactly 4 bytes: the reader knows to read 4 first");
    note!(
        "both sides must agree on the order: read in the other order, the same 4 bytes are another number"
    );
}

/// `struct.pack('i', n)` beside `struct.pack('!i', n)`.
fn show_pack(n: i32) {
    // Python: struct.pack('i', n) — 'i' is the machine's own order, little-endian on x86 and
    // ARM: the lowest byte first. Our frames fix little-endian, to match the material's bytes.
    let little = n.to_le_bytes();
    // Python: struct.pack('!i', n) — '!' is network byte order, big-endian: the highest byte first.
    let big = n.to_be_bytes();
    let calls = [
        format!("struct.pack('i', {n})"),
        format!("struct.pack('!i', {n})"),
    ];
    let width = calls[1].len();
    note!(
        "{:width$} -> {}   {}   little-endian, the material's",
        calls[0],
        hex(&little),
        py_bytes(&little)
    );
    note!(
        "{:width$} -> {}   {}   big-endian, network byte order",
        calls[1],
        hex(&big),
        py_bytes(&big)
    );
}

/// `struct.unpack('i', b)` beside `struct.unpack('!i', b)`.
fn show_unpack(bytes: [u8; 4]) {
    let literal = py_bytes(&bytes);
    // Python: struct.unpack('i', b) — it returns a tuple, hence the `(15,)`.
    let little = i32::from_le_bytes(bytes);
    // Python: struct.unpack('!i', b)
    let big = i32::from_be_bytes(bytes);
    let calls = [
        format!("struct.unpack('i', {literal})"),
        format!("struct.unpack('!i', {literal})"),
    ];
    let results = [format!("({little},)"), format!("({big},)")];
    let (call_width, result_width) = (calls[1].len(), results[0].len().max(results[1].len()));
    note!(
        "{:call_width$} -> {:result_width$}   little-endian, the material's",
        calls[0],
        results[0]
    );
    note!(
        "{:call_width$} -> {:result_width$}   big-endian, network byte order",
        calls[1],
        results[1]
    );
}

/// Python: `server = socket.socket()`, `server.bind(('127.0.0.1', 8080))`, `server.listen(5)`.
///
/// Lesson 03's listener: SO_REUSEADDR set by hand, and the material's backlog of 5.
fn bind(addr: &Addr) -> Result<TcpListener> {
    let addr = addr.resolve()?;
    let listener = net::listen(addr, net::BACKLOG)?;
    net::announce(&listener)?;
    Ok(listener)
}

/// The server side: one client, one frame at a time until it closes.
fn serve(listener: &TcpListener) -> Result<()> {
    // Python: conn, addr = server.accept()
    let (sock, addr) = listener.accept()?;
    server!("accepted a client from {addr}");

    // No waiting for the bytes to pile up, as lesson 04 had to: however the reads cut the
    // stream, recv_frame reads exactly 4 bytes of length, then exactly that many bytes.
    let mut wire = Tap::new(sock);
    let mut received = 0;
    // Python: header = conn.recv(4); length = struct.unpack('i', header)[0]; data = conn.recv(length)
    while let Some(message) = frame::recv_frame(&mut wire)? {
        // recv_frame has just read the 4 length bytes and the body: `arrived` holds them all.
        let arrived = wire.arrived();
        let length = &arrived[..frame::LEN_SIZE];
        let n = message.len();
        let text = String::from_utf8_lossy(&message);
        server!("length {} = {n}, then {n} bytes: {text}", hex(length));
        received += 1;
    }
    // recv_frame's `None`: a read of 0 bytes where a length would start, a clean close.
    server!("the client has closed, between two frames");
    note!(
        "{received} messages received, each whole: the length in front of each put the boundaries back"
    );
    Ok(())
}

/// A reader that keeps a copy of the bytes it passes on, so the server can show the 4 length
/// bytes that `recv_frame` read off the wire before each message.
struct Tap<R> {
    inner: R,
    seen: Vec<u8>,
}

impl<R> Tap<R> {
    fn new(inner: R) -> Tap<R> {
        Tap {
            inner,
            seen: Vec::new(),
        }
    }

    /// The bytes read since the last call.
    fn arrived(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.seen)
    }
}

impl<R: Read> Read for Tap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.seen.extend_from_slice(&buf[..n]);
        Ok(n)
    }
}

/// The client side: three frames, back to back, then close.
fn run_client(addr: SocketAddr) -> Result<()> {
    // As in lesson 04, everything is printed first and the sends go out back to back: the same
    // conditions that made the messages stick together there.
    let writes = MESSAGES.len();
    client!("connecting to {addr}, then {writes} frames back to back, then closing:");
    for (i, message) in MESSAGES.iter().enumerate() {
        // What send_frame puts in front: struct.pack('i', len(data)). A message of a few bytes
        // fits in an i32, so the `as` cannot cut anything off.
        let length = (message.len() as i32).to_le_bytes();
        client!(
            "  frame {}: {} + {}",
            i + 1,
            hex(&length),
            py_bytes(message)
        );
    }

    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = TcpStream::connect(addr)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    // Python: client.send(struct.pack('i', len(data))); client.send(data) — for each message.
    // send_frame puts the length and the body in one write, so Nagle has nothing to hold back.
    write_framed(&mut sock)?;

    // `sock` is dropped, and so closed, at the end of the function.
    Ok(())
}

/// `compare`: the same three messages over two real loopback connections, one read raw with
/// lesson 04's `read(5)`, one read framed, printed side by side.
fn compare() -> Result<()> {
    let sent: Vec<Vec<u8>> = MESSAGES.iter().map(|message| message.to_vec()).collect();
    let raw = exchange(write_raw, read_raw)?;
    let framed = exchange(write_framed, read_framed)?;

    note!(
        "the same {} messages, sent twice over loopback, read two ways:",
        MESSAGES.len()
    );
    let columns = [
        (format!("sent: {} writes", MESSAGES.len()), cells(&sent)),
        (format!("raw read({CHUNK}), lesson 04"), cells(&raw)),
        ("recv_frame, lesson 05".to_string(), cells(&framed)),
    ];
    let rows = columns
        .iter()
        .map(|(_, cells)| cells.len())
        .max()
        .unwrap_or(0);
    let widths = columns.each_ref().map(|(title, cells)| {
        cells
            .iter()
            .map(|cell| cell.plain.len())
            .max()
            .unwrap_or(0)
            .max(title.len())
    });
    let mut header = String::new();
    for ((title, _), width) in columns.iter().zip(widths) {
        header.push_str(&format!(
            "{}{}",
            title.bold(),
            " ".repeat(width - title.len() + 3)
        ));
    }
    note!("{}", header.trim_end());
    for row in 0..rows {
        let mut line = String::new();
        for ((_, cells), width) in columns.iter().zip(widths) {
            let (shown, len) = cells
                .get(row)
                .map_or(("", 0), |cell| (&cell.colored, cell.plain.len()));
            line.push_str(&format!("{shown}{}", " ".repeat(width - len + 3)));
        }
        note!("{}", line.trim_end());
    }
    note!(
        "raw reads: {} pieces, cut where the buffer was full; framed reads: {} messages, each whole",
        raw.len(),
        framed.len()
    );
    Ok(())
}

/// One cell of the `compare` table: a byte literal, plain (to measure) and colored (to show).
struct Cell {
    plain: String,
    colored: String,
}

/// The cells of one column. Every column holds the same 17 bytes, in order, cut differently; a
/// byte's place in that stream tells which message it came from, and so its color.
fn cells(pieces: &[Vec<u8>]) -> Vec<Cell> {
    let origin: Vec<usize> = MESSAGES
        .iter()
        .enumerate()
        .flat_map(|(i, message)| std::iter::repeat_n(i, message.len()))
        .collect();
    let mut offset = 0;
    pieces
        .iter()
        .map(|piece| {
            // Our messages are printable ASCII with no quote in them: each byte is one
            // character of the literal, between b' and '.
            let mut colored = String::from("b'");
            for &byte in piece {
                let shown = py_bytes(&[byte]);
                let shown = &shown[2..shown.len() - 1];
                let color = origin.get(offset).map_or(Color::White, |&i| COLORS[i]);
                colored.push_str(&shown.color(color).to_string());
                offset += 1;
            }
            colored.push('\'');
            Cell {
                plain: py_bytes(piece),
                colored,
            }
        })
        .collect()
}

/// One exchange over a real loopback connection: `send` on a client thread, `receive` here.
fn exchange(
    send: fn(&mut TcpStream) -> io::Result<()>,
    receive: fn(TcpStream) -> io::Result<Vec<Vec<u8>>>,
) -> Result<Vec<Vec<u8>>> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = listener.local_addr()?;
    let client = thread::spawn(move || send(&mut TcpStream::connect(addr)?));
    let (sock, _) = listener.accept()?;
    let received = receive(sock)?;
    match client.join() {
        Ok(sent) => sent?,
        Err(_) => return Err("the compare's client thread panicked".into()),
    }
    Ok(received)
}

/// Lesson 04's client: three bare writes.
fn write_raw(sock: &mut TcpStream) -> io::Result<()> {
    MESSAGES
        .iter()
        .try_for_each(|message| sock.write_all(message))
}

/// This lesson's client: three frames.
fn write_framed(sock: &mut TcpStream) -> io::Result<()> {
    MESSAGES
        .iter()
        .try_for_each(|message| frame::send_frame(sock, message))
}

/// Lesson 04's server: read(5) until the client closes, every piece kept.
fn read_raw(mut sock: TcpStream) -> io::Result<Vec<Vec<u8>>> {
    // Lesson 04's wait, so the raw column is the same every run.
    net::wait_for_bytes(&sock, SENT, PEEK_TIMEOUT)?;
    let mut buf = [0u8; CHUNK];
    let mut pieces = Vec::new();
    loop {
        match sock.read(&mut buf)? {
            0 => return Ok(pieces),
            n => pieces.push(buf[..n].to_vec()),
        }
    }
}

/// This lesson's server: recv_frame until the client closes between frames.
fn read_framed(mut sock: TcpStream) -> io::Result<Vec<Vec<u8>>> {
    let mut messages = Vec::new();
    while let Some(message) = frame::recv_frame(&mut sock)? {
        messages.push(message);
    }
    Ok(messages)
}

/// `pack N`: a whole number that fits in struct 'i', or one line saying why not.
fn parse_i32(text: &str) -> Result<i32> {
    text.trim().parse::<i32>().map_err(|e| {
        match e.kind() {
            std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow => format!(
                "{text} does not fit in struct 'i': 4 bytes hold {} to {}",
                i32::MIN,
                i32::MAX
            ),
            _ => format!("'{text}' is not a whole number: try pack 15"),
        }
        .into()
    })
}

/// `unpack HEX`: exactly 4 bytes as hex digits, spaces allowed, or one line saying why not.
fn parse_four_bytes(text: &str) -> Result<[u8; 4]> {
    let digits: String = text.split_whitespace().collect();
    if let Some(bad) = digits.chars().find(|c| !c.is_ascii_hexdigit()) {
        return Err(format!(
            "'{text}' is not hex ('{bad}' is not a hex digit): try unpack 0f 00 00 00"
        )
        .into());
    }
    if digits.len() % 2 != 0 {
        return Err(format!("'{text}' has {} hex digits, not whole bytes: a byte is 2 digits, try unpack 0f 00 00 00", digits.len()).into());
    }
    let bytes: Vec<u8> = (0..digits.len())
        .step_by(2)
        // Two ASCII hex digits, checked above: this parse cannot fail.
        .map(|i| u8::from_str_radix(&digits[i..i + 2], 16).unwrap_or_default())
        .collect();
    <[u8; 4]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "{} bytes given ({}), but struct 'i' unpacks exactly 4: try unpack 0f 00 00 00",
            bytes.len(),
            hex(&bytes)
        )
        .into()
    })
}
