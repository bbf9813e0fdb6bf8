//! Lesson 04's side shows, reached from the same subcommands: the sender's cause of 黏包 (`client
//! --tiny`: 200 writes of one byte, merged by Nagle's algorithm; `--nodelay`: Nagle off),
//! `server --chunk`, and the verdict on the segments that carried the client's writes.

use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use socket_lessons::sockets::net::{self, Peer, Talk};
use socket_lessons::words::text::{Bytes, py_bytes};
use socket_lessons::{Result, client, demo, note, server, sockets::segments, sockets::wait, tr};

use super::{CHUNK, MESSAGES, SENT, read_all, serve};

/// The opposite of the material's `recv(5)`: a buffer bigger than everything sent, so one read
/// can take it all.
pub const GLUED_CHUNK: usize = 1024;

/// The sender's cause: this many writes of one byte each, back to back, for TCP to merge.
pub const TINY_WRITES: usize = 200;

/// How long the client waits for the server to close; this only ends a wait on a broken server.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest `--chunk` (the buffer is allocated up front); more than one read ever hands over.
const MAX_CHUNK: usize = 64 * 1024;

/// The demo's server, three rounds: the material's reads of 5 bytes, reads of 1024, and the
/// sender's cause, 200 tiny writes read 1024 bytes at a time.
pub fn serve_rounds(listener: TcpListener) -> Result<()> {
    serve(listener.try_clone()?)?;
    serve_reads(listener.try_clone()?, GLUED_CHUNK, SENT)?;
    serve_reads(listener, GLUED_CHUNK, TINY_WRITES)
}

/// The lesson's `serve`, or, with `--chunk` or `--tiny`, the same server reading other sizes.
pub fn server(listener: TcpListener, reads: Reads) -> Result<()> {
    match (reads.chunk, reads.tiny) {
        (None, false) => serve(listener),
        (chunk, tiny) => {
            let default = if tiny { GLUED_CHUNK } else { CHUNK };
            let want = if tiny { TINY_WRITES } else { SENT };
            serve_reads(listener, chunk.unwrap_or(default), want)
        }
    }
}

/// The lesson's `serve` with its reads `chunk` bytes each, after `want` bytes have arrived.
fn serve_reads(listener: TcpListener, chunk: usize, want: usize) -> Result<()> {
    demo::accept_turn(&listener);
    let (sock, addr) = listener.accept()?;
    net::accepted(addr);
    demo::accepted_turn(&listener);
    read_all(sock, chunk, want)
}

/// The demo's client, the same three rounds. The notes between rounds come from the client,
/// after it has read the server's close.
pub fn client_rounds(addr: SocketAddr, nodelay: Nodelay) -> Result<()> {
    client(addr, Writes { tiny: false }, nodelay)?;
    note!(
        "the same three writes again; this time the server reads {GLUED_CHUNK} bytes at a time:",
        "同样的三次发送再来一遍; 这次服务端每次读取 {GLUED_CHUNK} 字节:"
    );
    client(addr, Writes { tiny: false }, nodelay)?;
    tiny_round(addr, nodelay)
}

/// The demo's third round: the tiny writes, between the notes that frame them.
fn tiny_round(addr: SocketAddr, nodelay: Nodelay) -> Result<()> {
    note!(
        "the sender's cause: {TINY_WRITES} writes of 1 byte each; the server waits for all {TINY_WRITES} bytes, then reads:",
        "发送方的原因: {TINY_WRITES} 次各 1 字节的发送; 服务端等全部 {TINY_WRITES} 字节到齐再读取:"
    );
    client(addr, Writes { tiny: true }, nodelay)?;
    note!(
        "neither Nagle off (--nodelay) nor a sleep between writes puts the boundaries back: only a frame does (lesson 05)",
        "关掉 Nagle (--nodelay) 或在两次发送之间 sleep 都找不回消息边界: 只有帧能做到 (第 05 课)"
    );
    Ok(())
}

/// The lesson's `run_client`, or, with `--tiny` or `--nodelay`, the same client with the side
/// show's knobs: 200 writes of one byte instead of the three messages, Nagle's algorithm off.
pub fn client(addr: SocketAddr, writes: Writes, nagle: Nodelay) -> Result<()> {
    let (tiny, nodelay) = (writes.tiny, nagle.nodelay);
    if !tiny && !nodelay {
        return super::run_client(addr);
    }
    demo::connect_turn(addr)?;
    net::connecting(addr);
    // A refused client names the server that answers it: with --tiny, one that waits for 200.
    let server = if tiny { " --tiny" } else { "" };
    let mut sock = TcpStream::connect_timeout(&addr, net::CONNECT_TIMEOUT)
        .map_err(|e| net::connect_error_for(e, addr, env!("CARGO_BIN_NAME"), server))?;
    demo::connected_turn(addr)?;
    // Python: client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1). Off by default, as in
    // the material: Nagle holds a small write back while an earlier one is unacknowledged.
    sock.set_nodelay(nodelay)?;
    let writes: Vec<&[u8]> = match tiny {
        true => (0..TINY_WRITES)
            .map(|i| &b"0123456789"[i % 10..][..1])
            .collect(),
        false => MESSAGES.to_vec(),
    };
    announce(&writes, nodelay);
    for message in &writes {
        sock.write_all(message).peer(Peer::Server)?;
    }
    close_and_count(&mut sock, writes.len(), nodelay)
}

/// The client's lines before its first write: how many writes, with Nagle on or off, then each
/// write (or, for the 200 tiny ones, one line for all). All is printed before the first write,
/// so the writes follow each other at once.
pub fn announce(writes: &[&[u8]], nodelay: bool) {
    let n = writes.len();
    let nagle = match nodelay {
        true => tr!("Nagle's algorithm off", "Nagle 算法关闭"),
        false => tr!("Nagle's algorithm on", "Nagle 算法开启"),
    };
    client!(
        "{n} writes back to back ({nagle}), then closing my side:",
        "背靠背发送 {n} 次 ({nagle}), 然后关闭我这一端:"
    );
    if n == TINY_WRITES {
        return client!(
            "  1 byte per write, b'0' to b'9' over and over: {n} bytes in all",
            "  每次发送 1 字节, b'0' 到 b'9' 循环: 共 {n} 字节"
        );
    }
    for (i, message) in (1..).zip(writes) {
        client!(
            "  write {i}: {} {}",
            "  第 {i} 次发送: {} {}",
            Bytes(message.len()),
            py_bytes(message)
        );
    }
}

/// The server's count of the TCP segments that brought the `total` bytes, once all are in.
pub fn brought(sock: &TcpStream, total: usize) {
    let arrived = segments::counts(sock).map(|counts| counts.received);
    server!(
        "TCP segments that brought the {}: {}",
        "带来这 {}的 TCP 报文段: {}",
        Bytes(total),
        segments::received(arrived)
    );
}

/// The client's end: the material's close sends FIN, "no more". We send the same FIN with
/// `shutdown(Write)` but keep the socket until the server closes: then every byte has left (so
/// the kernel's count is final) and the server has printed all its lines. Then the last line.
pub fn close_and_count(sock: &mut TcpStream, writes: usize, nodelay: bool) -> Result<()> {
    wait::close_and_wait(sock, CLOSE_TIMEOUT)?;
    carried(sock, writes, nodelay);
    Ok(())
}

/// The client's last line: how many TCP segments carried its `writes` writes, and its verdict.
fn carried(sock: &TcpStream, writes: usize, nodelay: bool) {
    let carried = segments::counts(sock).map(|counts| counts.sent);
    client!(
        "TCP segments that carried my {writes} writes: {}",
        "承载我这 {writes} 次发送的 TCP 报文段: {}",
        verdict(writes, carried, nodelay)
    );
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

/// `--nodelay`, on the command line of the demo and of the client.
#[derive(clap::Args, Clone, Copy)]
pub struct Nodelay {
    /// Nagle's algorithm off for the client's writes (TCP_NODELAY); the server only reads.
    #[arg(long, global = true)]
    nodelay: bool,
}

/// The client's `--tiny`.
#[derive(clap::Args, Clone, Copy)]
pub struct Writes {
    /// Send 200 writes of one byte each instead: the sender's cause of 黏包.
    #[arg(long)]
    tiny: bool,
}

/// The server's `--chunk` and `--tiny`: how much each read takes, and how many bytes to wait for.
#[derive(clap::Args)]
pub struct Reads {
    /// The size of each read, in bytes: the material's recv(5), or 1024 with --tiny.
    #[arg(long, value_name = "BYTES", value_parser = parse_chunk)]
    chunk: Option<usize>,
    /// Expect the client's 200 one-byte writes (client --tiny).
    #[arg(long)]
    tiny: bool,
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
