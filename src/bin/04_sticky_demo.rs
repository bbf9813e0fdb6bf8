//! Lesson 04 — sticky packets (黏包): writes go in, and the reads do not see the writes.
//!
//! The material's sticky-packet programs. The client makes three separate writes, `1234567`,
//! `abcde` and `hhhhh`, back to back, and closes. The server reads with a 5-byte buffer, like the
//! material's `recv(5)`, and prints what each read returned as Python prints it: `b'12345'`,
//! `b'67abc'`, `b'dehhh'`, then what is left, `b'hh'`, and `b''` once the client has closed.
//! One read may return part of a message, one whole message, or several messages; TCP is a byte
//! stream with no message boundaries. Lesson 05 puts the boundaries back.
//!
//! The material names two causes, and the demo shows each beside the kernel's count of the TCP
//! segments that carried the bytes (`socket_lessons::segments`; Windows counts for
//! administrators only): the reader's `recv(5)` cuts
//! wherever its buffer is full (three writes, three segments, still `b'67abc'`), and the sender
//! merges small writes made close together (200 one-byte writes leave as a handful of segments).
//! Since lesson 03: one client, then the server ends, as the material's does; the talk goes one
//! way, and the server reads with a small buffer on purpose.
//!
//! Run it:
//! - one terminal (reads of 5 bytes, of 1024, then 200 writes of one byte; `--nodelay`: Nagle
//!   off): `cargo run --bin 04_sticky_demo`
//! - two terminals, server first: `cargo run --bin 04_sticky_demo -- server` (try `--chunk 1024`,
//!   `--chunk 3`), then `cargo run --bin 04_sticky_demo -- client`; and the sender's cause:
//!   `server --tiny`, then `client --tiny` (and `client --tiny --nodelay`)
//! - the material's own programs, against ours or each other:
//!   `python3 tests/python/sticky_server.py 8080` and `python3 tests/python/sticky_client.py 8080`
//!
//! Watch for: `b'67abc'`, the end of the first message glued to the start of the second, though
//! each write left in a segment of its own; with `--chunk 1024`, one read takes all three.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::sockets::net::Peer;
use socket_lessons::words::cli::{Addr, Shared};
use socket_lessons::words::text::{bytes, count, py_bytes};
use socket_lessons::{
    Result, client, demo, note, output::say, server, sockets::net, sockets::segments,
    sockets::wait, tr,
};

/// The material's three sends. 7 + 5 + 5 = 17 bytes, and 7 is not a multiple of 5: so a read of
/// 5 bytes cuts the first message in two and glues its end to the next one.
const MESSAGES: [&[u8]; 3] = [b"1234567", b"abcde", b"hhhhh"];
/// How many bytes the client sends in all: 17.
const SENT: usize = MESSAGES[0].len() + MESSAGES[1].len() + MESSAGES[2].len();
/// The sender's cause: this many writes of one byte each, back to back, for TCP to merge.
const TINY_WRITES: usize = 200;

/// The material's `recv(5)`: smaller than the first message, so the cut is visible.
const CHUNK: usize = 5;
/// The opposite case: a buffer bigger than everything sent, so one read can take it all.
const GLUED_CHUNK: usize = 1024;
/// The largest `--chunk` (the buffer is allocated up front); more than one read ever hands over.
const MAX_CHUNK: usize = 64 * 1024;
/// How long the server waits for all the client's bytes before it reads whatever is there: room
/// for a slow classroom network, and an end for a lesson whose client never comes through.
const PEEK_TIMEOUT: Duration = Duration::from_secs(3);

/// How long the client waits for the server to close; this only ends a wait on a broken server.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

fn main() -> ExitCode {
    let cli: Cli = socket_lessons::words::help::parse();
    say::init(&cli.shared);
    socket_lessons::report(run(cli))
}

fn run(cli: Cli) -> Result<()> {
    match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(cli.nodelay),
        Command::Server { addr, chunk, tiny } => {
            let (want, chunk) = if tiny {
                (TINY_WRITES, chunk.unwrap_or(GLUED_CHUNK))
            } else {
                (SENT, chunk.unwrap_or(CHUNK))
            };
            serve(&bind(addr.resolve()?)?, chunk, want)
        }
        Command::Client { addr, tiny } => run_client(addr.resolve()?, tiny, cli.nodelay),
    }
}

/// Both sides in one process, three times: the material's reads of 5 bytes, reads of 1024, and
/// the sender's cause, 200 tiny writes read 1024 bytes at a time.
fn demo(nodelay: bool) -> Result<()> {
    let listener = bind(Addr::ephemeral().resolve()?)?;
    demo::run(
        listener,
        |listener| {
            serve(&listener, CHUNK, SENT)?;
            serve(&listener, GLUED_CHUNK, SENT)?;
            serve(&listener, GLUED_CHUNK, TINY_WRITES)
        },
        |addr| {
            // The notes between rounds come from the client's side, after `run_client` has read
            // the server's close: by then the server has said all it will say about that round.
            run_client(addr, false, nodelay)?;
            note!(
                "the same three writes again; this time the server reads {GLUED_CHUNK} bytes at a time:",
                "同样的三次发送再来一遍; 这次服务端每次读取 {GLUED_CHUNK} 字节:"
            );
            run_client(addr, false, nodelay)?;
            note!(
                "the sender's cause: {TINY_WRITES} writes of 1 byte each; the server waits for all {TINY_WRITES} bytes, then reads:",
                "发送方的原因: {TINY_WRITES} 次各 1 字节的发送; 服务端等全部 {TINY_WRITES} 字节到齐再读取:"
            );
            run_client(addr, true, nodelay)?;
            note!(
                "neither Nagle off (--nodelay) nor a sleep between writes puts the boundaries back: only a frame does (lesson 05)",
                "关掉 Nagle (--nodelay) 或在两次发送之间 sleep 都找不回消息边界: 只有帧能做到 (第 05 课)"
            );
            Ok(())
        },
    )
}

/// Python: `server.bind(('127.0.0.1', 8080))`, `server.listen(5)`: lesson 01's one call (on Unix,
/// std sets lesson 03's SO_REUSEADDR by itself; the backlog does not matter to one client).
fn bind(addr: SocketAddr) -> Result<TcpListener> {
    let listener = TcpListener::bind(addr).map_err(|e| net::bind_error(e, addr))?;
    net::announce(&listener)?;
    Ok(listener)
}

/// The server side: one client, wait for `want` bytes, read `chunk` bytes at a time until it
/// closes, then say how many reads and how many TCP segments brought the bytes.
fn serve(listener: &TcpListener, chunk: usize, want: usize) -> Result<()> {
    // Python: conn, addr = server.accept()
    demo::accept_turn(listener); // the one-terminal demo: the client may connect now
    let (mut sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(listener); // the one-terminal demo: the client may go on

    // Why wait: the material's server reads at once, and on a busy machine its second `recv(5)`
    // can run before `abcde` has arrived and return only `b'67'`. So that the whole room sees the
    // same reads, `wait::wait_for_bytes` peeks (looks, does not take) until all bytes are there,
    // with a time limit. A real program never waits so, and cannot know how many bytes will
    // come: that is lesson 05's job. Nothing is printed before: the client is still talking.
    let waiting = wait::wait_for_bytes(&sock, want, PEEK_TIMEOUT);
    match waiting.map_err(|e| net::talk_error(e, Peer::Client))? {
        waiting if waiting >= want => server!(
            "waited until all {want} bytes were in the socket (a lesson trick, see the source); now read({chunk}) until the client closes",
            "等到全部 {want} 字节都到了套接字里 (课程的小技巧, 见源码); 现在 read({chunk}) 直到客户端关闭"
        ),
        waiting => server!(
            "{waiting} of {want} bytes arrived within {PEEK_TIMEOUT:?} (a lesson trick waits for {want}, see the source); reading what comes",
            "{PEEK_TIMEOUT:?} 内到了 {want} 字节中的 {waiting} 字节 (课程的小技巧会等 {want} 字节, 见源码); 来多少读多少"
        ),
    }

    // Python: data1 = conn.recv(5); print(data1) — and data2, data3, then on until b''.
    // recv(5) is an upper bound, not a promise: a read returns whatever bytes are waiting, up to
    // the buffer's size, with no idea where one of the client's writes ended and the next began.
    let mut buf = vec![0u8; chunk];
    let (mut total, mut pieces) = (0, 0);
    loop {
        let n = sock
            .read(&mut buf)
            .map_err(|e| net::talk_error(e, Peer::Client))?;
        if n == 0 {
            // A read of 0 bytes is the client's close: nothing more will ever come.
            server!(
                "read({chunk}) returned 0 bytes: {} (the client has closed)",
                "read({chunk}) 返回 0 字节: {} (客户端已关闭)",
                py_bytes(b"")
            );
            break;
        }
        total += n;
        pieces += 1;
        let (got, more) = (bytes(n), if n > 20 { "..." } else { "" });
        let shown = py_bytes(&buf[..n.min(20)]);
        server!(
            "read({chunk}) returned {got}: {shown}{more}",
            "read({chunk}) 返回 {got}: {shown}{more}"
        );
    }

    // Every byte has arrived (the client closed after its last one): the kernel's count is final.
    let arrived = segments::counts(&sock).map(|counts| counts.received);
    let (total, reads) = (bytes(total), count(pieces, "read", "reads"));
    let arrived = segments::received(arrived);
    server!(
        "TCP segments that brought the {total}: {arrived}",
        "带来这 {total}的 TCP 报文段: {arrived}"
    );
    note!(
        "{total} came in {reads}; nothing in them says where one of the client's writes ended",
        "{total}分 {pieces} 次读取到达; 数据里没有任何东西标出客户端每次发送在哪里结束"
    );
    note!(
        "one read may return part of a message, one whole message, or several messages; TCP is a byte stream with no message boundaries",
        "一次读取可能返回半条消息, 一条完整消息, 或者好几条消息; TCP 是字节流, 没有消息边界"
    );
    // Python: conn.close() (the material's server just ends). All is printed: the client waits
    // for this close before it prints its count, so its line comes after ours.
    drop(sock);
    Ok(())
}

/// The client side: the writes, back to back; then close its sending side, wait for the server
/// to close, and say how many TCP segments carried the writes.
fn run_client(addr: SocketAddr, tiny: bool, nodelay: bool) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    demo::connect_turn(addr)?; // the one-terminal demo: wait until the server is in accept()
    net::connecting(addr);
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error(e, addr, env!("CARGO_BIN_NAME")))?;
    demo::connected_turn(addr)?; // the one-terminal demo: wait for the server's `accepted` line
    // Python: client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1). Off by default, as in
    // the material: Nagle holds a small write back while an earlier one is unacknowledged.
    sock.set_nodelay(nodelay)?;
    let nagle = match nodelay {
        true => tr!("Nagle's algorithm off", "Nagle 算法关闭"),
        false => tr!("Nagle's algorithm on", "Nagle 算法开启"),
    };

    // All is printed before the first write, so the writes follow each other at once: a line in
    // between would let a server that reads at once (the material's) take the first one alone.
    let writes: Vec<&[u8]> = if tiny {
        (0..TINY_WRITES)
            .map(|i| &b"0123456789"[i % 10..][..1])
            .collect()
    } else {
        MESSAGES.to_vec()
    };
    let n = writes.len();
    client!(
        "{n} writes back to back ({nagle}), then closing my side:",
        "背靠背发送 {n} 次 ({nagle}), 然后关闭我这一端:"
    );
    if tiny {
        client!(
            "  1 byte per write, b'0' to b'9' over and over: {n} bytes in all",
            "  每次发送 1 字节, b'0' 到 b'9' 循环: 共 {n} 字节"
        );
    } else {
        for (i, message) in (1..).zip(&writes) {
            let (size, shown) = (bytes(message.len()), py_bytes(message));
            client!(
                "  write {i}: {size} {shown}",
                "  第 {i} 次发送: {size} {shown}"
            );
        }
    }
    // Python: client.send(b'1234567'); client.send(b'abcde'); client.send(b'hhhhh')
    for message in &writes {
        sock.write_all(message)
            .map_err(|e| net::talk_error(e, Peer::Server))?;
    }

    // The material's client ends here, its close telling the server "no more" (FIN). We send the
    // same FIN with `shutdown(Write)` but keep the socket: the count is final only once every
    // byte has left (Nagle may hold the last ones). When the server closes, it has read them all
    // and printed all its lines, so ours come after (`wait::close_and_wait`).
    wait::close_and_wait(&mut sock, CLOSE_TIMEOUT)?;
    let carried = segments::counts(&sock).map(|counts| counts.sent);
    client!(
        "TCP segments that carried my {n} writes: {}",
        "承载我这 {n} 次发送的 TCP 报文段: {}",
        verdict(n, carried, nodelay)
    );
    Ok(())
}

/// The client's verdict on its own writes: how many segments carried `writes` writes, and what
/// that says about the sender. Only the numbers decide the words.
fn verdict(writes: usize, segments: Option<u64>, nodelay: bool) -> String {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let Some(n) = segments else {
        return segments::not_counted();
    };
    match (n.cmp(&(writes as u64)), nodelay) {
        (Less, false) => tr!(
            "{n}, fewer than my {writes} writes: my TCP merged small writes made close together (Nagle's algorithm)",
            "{n} 个, 比 {writes} 次发送少: 我的 TCP 把时间间隔短的小数据合并发送了 (Nagle 算法)"
        ),
        // With TCP_NODELAY, Linux still sends what piled up in the send queue while the
        // previous segment was on its way (autocorking) as one segment.
        (Less, true) => tr!(
            "{n}, fewer than my {writes} writes: even with Nagle off, my TCP merged writes that queued up together",
            "{n} 个, 比 {writes} 次发送少: 即使关掉 Nagle, 我的 TCP 仍把排队等待的数据合并发送了"
        ),
        (Equal, _) => tr!(
            "{n}, one per write: the segments kept my writes apart, so any merging was the reader's doing",
            "{n} 个, 每次发送一个: 报文段把几次发送分开了, 粘在一起是读取方造成的"
        ),
        (Greater, _) => tr!(
            "{n}, more than my {writes} writes: my TCP split some of them",
            "{n} 个, 比 {writes} 次发送多: 我的 TCP 把一些发送拆开了"
        ),
    }
}

// The command line: what `--help` shows. Skip it on a first reading.

/// Lesson 04: sticky packets. Three writes, and reads of 5 bytes return b'12345', b'67abc',
/// b'dehhh'. Run without arguments for the demo, or in two terminals:
/// `cargo run --bin 04_sticky_demo -- server`, then `cargo run --bin 04_sticky_demo -- client`.
#[derive(Parser)]
#[command(version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Nagle's algorithm off for the client's writes (TCP_NODELAY); the server only reads.
    #[arg(long, global = true)]
    nodelay: bool,
    #[command(flatten)]
    shared: Shared,
}

#[derive(Subcommand)]
enum Command {
    /// Server and client in one process: reads of 5 bytes, of 1024, then 200 tiny writes.
    Demo,
    /// Accept one client, wait for its 17 bytes (200 with --tiny), then read them a chunk at a time.
    Server {
        #[command(flatten)]
        addr: Addr,
        /// The size of each read, in bytes: the material's recv(5), or 1024 with --tiny.
        #[arg(long, value_name = "BYTES", value_parser = parse_chunk)]
        chunk: Option<usize>,
        /// Expect the client's 200 one-byte writes (client --tiny).
        #[arg(long)]
        tiny: bool,
    },
    /// Connect, send 1234567, abcde and hhhhh in three writes, back to back, and close.
    Client {
        #[command(flatten)]
        addr: Addr,
        /// Send 200 writes of one byte each instead: the sender's cause of 黏包.
        #[arg(long)]
        tiny: bool,
    },
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

socket_lessons::runner_entry!(); // `play`: how `cargo run` plays this lesson, through `run`
