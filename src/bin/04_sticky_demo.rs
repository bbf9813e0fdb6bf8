//! Lesson 04 — sticky packets (黏包): three writes go in, and the reads do not see three messages.
//!
//! The material's sticky-packet programs. The client makes three separate writes, `1234567`,
//! `abcde` and `hhhhh`, back to back, and closes. The server reads with a 5-byte buffer, like the
//! material's `recv(5)`, and prints what each read returned as Python prints it: `b'12345'`,
//! `b'67abc'`, `b'dehhh'`, then what is left, `b'hh'`, and `b''` once the client has closed.
//! One read may return part of a message, one whole message, or several messages; TCP is a byte
//! stream with no message boundaries. Lesson 05 puts the boundaries back.
//!
//! What changed since lesson 03: the server listens with the socket2 listener lesson 03 built
//! by hand, now `net::listen`; it takes one client and ends, as the material's does. The talk
//! goes one way only, and the server reads with a small buffer on purpose, printing how many
//! bytes each `read` returned.
//!
//! Run it:
//! - one terminal (the demo: reads of 5 bytes, then the same writes read with 1024 bytes):
//!   `cargo run --bin 04_sticky_demo`
//! - two terminals, server first:
//!   `cargo run --bin 04_sticky_demo -- server` (try `--chunk 1024` and `--chunk 3` too)
//!   `cargo run --bin 04_sticky_demo -- client`
//! - the material's own programs, against ours or each other:
//!   `python3 tests/python/sticky_server.py 8080` and `python3 tests/python/sticky_client.py 8080`
//!
//! Watch for: `b'67abc'`, the end of the first message glued to the start of the second. The
//! client wrote three messages; the reads cut the bytes wherever the buffer was full. With
//! `--chunk 1024` it is the opposite: one read takes all three, `b'1234567abcdehhhhh'`.
//! Against the material's Python server the result depends on timing (see `serve`):
//! on a busy machine it may read `b'12345'`, `b'67'`, `b'abcde'` instead.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::cli::{Addr, Shared};
use socket_lessons::text::py_bytes;
use socket_lessons::{Result, client, net, note, pair, say, server};

/// The material's three sends. 7 + 5 + 5 = 17 bytes, and 7 is not a multiple of 5: so a read of
/// 5 bytes cuts the first message in two and glues its end to the next one.
const MESSAGES: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];

/// How many bytes the client sends in all: 17.
const SENT: usize = MESSAGES[0].len() + MESSAGES[1].len() + MESSAGES[2].len();

/// The material's `recv(5)`: smaller than the first message, so the cut is visible.
const CHUNK: usize = 5;

/// The opposite case: a buffer bigger than everything sent, so one read can take it all.
const GLUED_CHUNK: usize = 1024;

/// The largest `--chunk`: the server allocates a buffer this big, and 64 KiB is more than a
/// loopback connection hands over in one read anyway.
const MAX_CHUNK: usize = 64 * 1024;

/// How long the server waits for the client's 17 bytes before it reads whatever is there. A
/// client on this machine sends them in microseconds; a few seconds leave room for a slow
/// classroom network and still end a lesson whose client never comes through.
const PEEK_TIMEOUT: Duration = Duration::from_secs(3);

/// Lesson 04: sticky packets. Three writes, and reads of 5 bytes return b'12345', b'67abc',
/// b'dehhh'. Run without arguments for the demo, or in two terminals:
/// `cargo run --bin 04_sticky_demo -- server`, then `cargo run --bin 04_sticky_demo -- client`.
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
    /// Server and client in one process: reads of 5 bytes, then of 1024 bytes (the default).
    Demo,
    /// Accept one client, wait for its 17 bytes, then read them a chunk at a time.
    Server {
        #[command(flatten)]
        addr: Addr,
        /// The size of each read, in bytes: the material's recv(5). Try 1024, or 3.
        #[arg(long, default_value_t = CHUNK, value_name = "BYTES", value_parser = parse_chunk)]
        chunk: usize,
    },
    /// Connect, send 1234567, abcde and hhhhh in three writes, back to back, and close.
    Client {
        #[command(flatten)]
        addr: Addr,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        Command::Server { addr, chunk } => {
            net::listen(&addr, net::BACKLOG).and_then(|listener| serve(&listener, chunk))
        }
        Command::Client { addr } => addr.resolve().and_then(run_client),
    })
}

/// Both sides in one process, twice: first the material's reads of 5 bytes, then reads of 1024.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    // Python: server.bind(('127.0.0.1', 8080)); server.listen(5) — lesson 03's listener.
    let listener = net::listen(&Addr::ephemeral(), net::BACKLOG)?;
    pair::run(
        listener,
        |listener| {
            serve(&listener, CHUNK)?;
            note!(
                "the same three writes again; this time the server reads {GLUED_CHUNK} bytes at a time:"
            );
            serve(&listener, GLUED_CHUNK)
        },
        |addr| {
            run_client(addr)?;
            run_client(addr)
        },
    )
}

/// The server side: one client, read `chunk` bytes at a time until it closes.
fn serve(listener: &TcpListener, chunk: usize) -> Result<()> {
    // Python: conn, addr = server.accept()
    let (mut sock, _addr) = net::accept(listener)?;

    // Why wait at all: whether the three writes merge depends on timing, on when the bytes reach
    // the server compared with when it reads. The material's server reads at once, and on a busy
    // machine its second `recv(5)` can run before `abcde` has arrived and return only `b'67'`.
    // This lesson removes that luck so everyone in the room sees the same thing. A real program
    // never waits for bytes to pile up, and does not know how many will come: that is lesson
    // 05's job.
    //
    // How: `peek` (look, do not take) until 17 bytes are there, in `net::wait_for_bytes`, the
    // same on every OS. The time limit is for a client that sends fewer bytes (someone typing in
    // `nc`). Nothing is printed before the wait: the client is still talking.
    match net::wait_for_bytes(&sock, SENT, PEEK_TIMEOUT)? {
        waiting if waiting >= SENT => server!(
            "waited until all {SENT} bytes were in the socket (a lesson trick, see the source); now read({chunk}) until the client closes"
        ),
        waiting => server!(
            "{waiting} of {SENT} bytes arrived within {PEEK_TIMEOUT:?} (a lesson trick waits for {SENT}, see the source); reading what comes"
        ),
    }

    // Python: data1 = conn.recv(5); print(data1) — and data2, data3, then on until b''.
    // recv(5) is an upper bound, not a promise: a read returns whatever bytes are waiting, up to
    // the buffer's size, with no idea where one of the client's writes ended and the next began.
    let mut buf = vec![0u8; chunk];
    let (mut total, mut pieces) = (0, 0);
    loop {
        let n = sock.read(&mut buf)?;
        if n == 0 {
            // A read of 0 bytes is the client's close: nothing more will ever come.
            server!(
                "read({chunk}) returned 0 bytes: {} (the client has closed)",
                py_bytes(b"")
            );
            break;
        }
        total += n;
        pieces += 1;
        server!("read({chunk}) returned {n} bytes: {}", py_bytes(&buf[..n]));
    }

    let reads = if pieces == 1 { "read" } else { "reads" };
    note!(
        "{total} bytes came in {pieces} {reads}; nothing in them says where one of the client's writes ended"
    );
    note!(
        "one read may return part of a message, one whole message, or several messages; TCP is a byte stream with no message boundaries"
    );
    Ok(())
}

/// The client side: three writes, back to back, then close.
fn run_client(addr: SocketAddr) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = net::connect(addr, env!("CARGO_BIN_NAME"))?;

    // Everything is printed before the first write: the writes follow each other at once, back
    // to back, so that all three are there before the server's first read. A line printed in
    // between would give a server that reads at once (the material's) time to take the first
    // message alone. Nagle's algorithm is left on, as in the material: it may hold a small write
    // back until the previous one is acknowledged, and send the two together.
    let writes = MESSAGES.len();
    client!("{writes} writes back to back, then closing:");
    for (i, message) in MESSAGES.iter().enumerate() {
        client!(
            "  write {}: {} bytes {}",
            i + 1,
            message.len(),
            py_bytes(message)
        );
    }
    // Python: client.send(b'1234567'); client.send(b'abcde'); client.send(b'hhhhh')
    for message in MESSAGES {
        sock.write_all(message)?;
    }

    // Python: the material's client just ends, and its socket is closed on the way out.
    // Here `sock` is dropped, and so closed, at the end of the function.
    Ok(())
}

/// `--chunk`: a read needs room for at least one byte, and the buffer is allocated up front.
fn parse_chunk(text: &str) -> std::result::Result<usize, String> {
    let chunk: usize = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of bytes"))?;
    if (1..=MAX_CHUNK).contains(&chunk) {
        Ok(chunk)
    } else {
        Err(format!("a read takes 1 to {MAX_CHUNK} bytes, not {chunk}"))
    }
}
