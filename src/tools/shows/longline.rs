//! Lesson 02's `longline`: the long-line trap, replayed step by step. A story told with lesson
//! 02's calls, not the lesson's loop itself (that is `src/bin/02_comm_loop.rs`).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

use crate::{Result, client, note, server, sockets::net, sockets::wait, words::text};

/// The material's `recv(1024)`, as in lesson 02.
const BUF_SIZE: usize = 1024;

/// What the two people of `longline` type: the client's long line (these ten digits 110 times,
/// 1100 bytes: more than one `recv(1024)` takes, and digits show where the read cuts it), two
/// short messages, and the server's replies.
const DIGITS: &[u8; 10] = b"0123456789";
const HELLO: &str = "你好, server!";
const BYE: &str = "再见 (bye)";
const REPLIES: [&str; 3] = ["收到 (got it)", "还是数字? (more digits?)", "你好! (hello)"];

/// `longline`: a line longer than the server's 1024-byte read, and what it does to the rest of
/// the conversation.
///
/// Both ends live here, in one thread, and take turns the way two terminals do: each person
/// types after reading the screen, which is far slower than TCP. The lesson trick (lesson 04's):
/// every read first waits until all the bytes the other side has sent are in the socket
/// (`wait::wait_for_bytes`), so every run cuts the line at the same place, 1024 + 76. Two real
/// programs do not wait: the cut falls wherever the bytes happen to be, which only makes it worse.
pub fn demo() -> Result<()> {
    let (hello, bye) = (text::quoted(HELLO.as_bytes()), text::quoted(BYE.as_bytes()));
    let long = DIGITS.repeat(110);
    let (size, rest) = (long.len(), long.len() - BUF_SIZE);
    note!(
        "the long-line trap: the client types a line of {size} bytes; the server reads at most {BUF_SIZE} at a time.",
        "超长消息的陷阱: 客户端输入一行 {size} 字节的消息, 而服务端每次最多读取 {BUF_SIZE} 字节。"
    );
    note!(
        "both sides take turns as in two terminals, where each person types after reading the screen.",
        "两边轮流说话, 就像在两个终端里: 每个人都是看完屏幕才打字。"
    );
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let addr = net::announce(&listener)?;
    net::connecting(addr);
    let mut client = TcpStream::connect(addr)?;
    let (mut server, addr) = listener.accept()?;
    net::accepted(addr);

    client_sends(&mut client, &long)?;
    server_answers(&mut server, size, REPLIES[0])?; // reads the first 1024 bytes
    client_reads(&mut client, REPLIES[0].len())?;
    server_answers(&mut server, rest, REPLIES[1])?; // the other 76, as the client's person types
    client_sends(&mut client, HELLO.as_bytes())?;
    client_reads(&mut client, REPLIES[1].len())?;
    note!(
        "that reply answers the rest of the long line, not {hello}",
        "这条回复答的是长消息剩下的部分, 不是 {hello}"
    );
    server_answers(&mut server, HELLO.len(), REPLIES[2])?;
    client_sends(&mut client, BYE.as_bytes())?;
    client_reads(&mut client, REPLIES[2].len())?;
    note!(
        "and this one answers {hello}, not {bye}: the conversation is one reply behind, for good.",
        "而这条答的是 {hello}, 不是 {bye}: 对话从此永远慢了一拍。"
    );
    note!(
        "recv({BUF_SIZE}) took the line in two pieces, {BUF_SIZE} + {rest} bytes, and the server answered each piece:",
        "recv({BUF_SIZE}) 把这一行分两次读走 ({BUF_SIZE} + {rest} 字节), 服务端对每一块都回复了一次:"
    );
    note!(
        "TCP carries bytes, not messages, and the reader cannot tell where one ends (lesson 04).",
        "TCP 传的是字节, 不是消息, 读的一方不知道一条消息在哪里结束 (第 04 课, 黏包)。"
    );
    note!(
        "the cure is lesson 05: a length in front of each message, so the reader takes exactly one.",
        "解决办法在第 05 课: 每条消息前面加上它的长度, 读的一方就能正好读完一条。"
    );
    Ok(())
}

/// `longline`'s client: its person types `message`, and it is sent, as `run_client` does.
fn client_sends(sock: &mut TcpStream, message: &[u8]) -> Result<()> {
    let (size, text, len) = (shown(message).0, text::preview(message), message.len());
    client!("sending {size}: {text}", "发送 {len} 字节: {text}");
    Ok(sock.write_all(message)?)
}

/// `longline`'s server: one read, as `serve` does, once the `pending` bytes the client has sent
/// are all here; then its person answers what the read showed.
fn server_answers(sock: &mut TcpStream, pending: usize, reply: &str) -> Result<()> {
    let got = read_once(sock, pending)?;
    let (size, text, n) = (shown(&got).0, text::preview(&got), got.len());
    server!("received {size}: {text}", "收到 {n} 字节: {text}");
    let ((size, text), len) = (shown(reply.as_bytes()), reply.len());
    server!("sending {size}: {text}", "发送 {len} 字节: {text}");
    Ok(sock.write_all(reply.as_bytes())?)
}

/// `longline`'s client reads its reply once, as `run_client` does.
fn client_reads(sock: &mut TcpStream, pending: usize) -> Result<()> {
    let got = read_once(sock, pending)?;
    let ((size, text), n) = (shown(&got), got.len());
    client!("received {size}: {text}", "收到 {n} 字节: {text}");
    Ok(())
}

/// Lesson 04's trick, then the material's `recv(1024)`: wait until the `pending` bytes the
/// other side has sent are all here (microseconds on loopback; 3 s at most), then read once.
fn read_once(sock: &mut TcpStream, pending: usize) -> Result<Vec<u8>> {
    wait::wait_for_bytes(sock, pending, Duration::from_secs(3))?;
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf)?;
    Ok(buf[..n].to_vec())
}

/// A message as the lines show it: its size (`1 byte`, `5 bytes`) and its text, quoted and
/// escaped by `text::quoted`, as lesson 02 shows it.
fn shown(bytes: &[u8]) -> (String, String) {
    let size = text::count(bytes.len(), "byte", "bytes");
    (size, text::quoted(bytes))
}
