//! Lesson 02 — the communication loop: many exchanges over one connection.
//!
//! Lesson 01 sent one message each way. Here the exchange of lesson 01 runs in a loop: the
//! client sends each line you type and prints the reply; the server prints each message and
//! answers with a line typed on *its* terminal. What changed since 01: two `loop`s, lines
//! from stdin, and a 0-byte read that ends the conversation.
//!
//! Run it:
//! - one terminal (the demo, scripted typing): `cargo run --bin 02_comm_loop`
//! - two terminals, server first; then type in the client, and answer in the server:
//!   `cargo run --bin 02_comm_loop -- server`, then `cargo run --bin 02_comm_loop -- client`
//! - a client nobody here wrote: `nc 127.0.0.1 8080`.
//! - the long-line trap: `cargo run --bin 02_comm_loop -- longline`
//!
//! Watch for: the trap lesson 03 fixes. Send an empty line: zero bytes are nothing on the wire,
//! so the server keeps waiting for a message while the client waits for a reply. The material's
//! programs hang there forever; this client gives up after [`EMPTY_WAIT`] and says why. End the
//! client (Ctrl-D; on Windows Ctrl-Z, then Enter): the server reads 0 bytes, TCP's "the other
//! side has closed". And `longline`: a line longer than the 1024-byte read comes in two pieces,
//! and every reply after it answers the message before. Lesson 05 is the cure.

use std::io::{self, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use socket_lessons::cli::{Addr, Shared};
use socket_lessons::input::{END_OF_INPUT, Lines};
use socket_lessons::net::{self, Peer};
use socket_lessons::{Result, client, note, pair, say, server, text, tr};

/// What the demo's client "types", the empty line included.
const CLIENT_SCRIPT: [&str; 3] = ["你好, server!", "", "how many bytes is 字节?"];

/// What the demo's server "types" in answer, one line a message that reaches it.
const SERVER_SCRIPT: [&str; 2] = ["你好, client! (welcome)", "字节 is 6 bytes: 3 a character"];

/// The material's `recv(1024)`: an upper bound, not a promise (lesson 04 shows why that matters).
const BUF_SIZE: usize = 1024;

/// How long the client waits for a reply to an empty message before it explains the trap.
/// Nothing will ever come, so any wait is long enough; this one is short so the demo is quick.
const EMPTY_WAIT: Duration = Duration::from_millis(300);

/// Lesson 02: a loop of exchanges. Run without arguments for the demo, or in two terminals:
/// `cargo run --bin 02_comm_loop -- server`, then `cargo run --bin 02_comm_loop -- client`.
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
    /// Server and client in one process, with scripted typing (the default).
    Demo,
    /// Accept one client; print each message and answer with a line typed here.
    Server {
        #[command(flatten)]
        addr: Addr,
    },
    /// Connect; send each line typed here and print the reply, until the end of the input.
    #[command(about = format!("Connect; send each line typed here and print the reply. {END_OF_INPUT} ends."))]
    Client {
        #[command(flatten)]
        addr: Addr,
    },
    /// The long-line trap: a line longer than the 1024-byte read, and the replies after it.
    Longline,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    say::init(&cli.shared);
    socket_lessons::report(match cli.command.unwrap_or(Command::Demo) {
        Command::Demo => demo(),
        // The prompts: in Chinese, the material's own `input()` prompts.
        Command::Server { addr } => net::bind(&addr).and_then(|listener| {
            serve(listener, Lines::stdin(&tr!("reply>>> ", "请回复消息>>>:")))
        }),
        Command::Client { addr } => addr.resolve().and_then(|addr| {
            run_client(
                addr,
                Lines::stdin(&tr!("message>>> ", "请输入你需要发送的消息>>>:")),
            )
        }),
        Command::Longline => longline_demo(),
    })
}

/// Both sides in one process: the server on a thread, the client here, both typing from a script.
/// `pub`: the classroom runner (`cargo run`) plays it too.
pub fn demo() -> Result<()> {
    let listener = net::bind(&Addr::ephemeral())?;
    pair::run(
        listener,
        |listener| serve(listener, Lines::script(&SERVER_SCRIPT)),
        |addr| run_client(addr, Lines::script(&CLIENT_SCRIPT)),
    )
}

/// The server side: one client, then a loop of read, print, answer. Python's `socket()`,
/// `bind()` and `listen(5)` happen before, in lesson 01's `net::bind`.
fn serve(listener: TcpListener, mut replies: Lines) -> Result<()> {
    // Python: sock, addr = server.accept()
    let (mut sock, _addr) = net::accept(&listener)?;

    let mut buf = [0u8; BUF_SIZE];
    // Python: while True:
    loop {
        // Python: data = sock.recv(1024)
        // A client that resets ends the lesson with words, not an OS error (`net::talk_error`).
        let n = sock
            .read(&mut buf)
            .map_err(|e| net::talk_error(e, Peer::Client))?;
        if n == 0 {
            // A read of 0 bytes is not an empty message (those are never sent, see the header):
            // it is the peer's FIN, "I have closed, nothing more will come".
            server!(
                "read 0 bytes: the client has closed the connection",
                "读到 0 字节: 客户端已关闭连接"
            );
            break;
        }
        // Bytes are not characters: a message may hold bytes that are not UTF-8, or end in the
        // middle of a character. `shown` prints those as � instead of failing, where the
        // material's `data.decode('utf8')` would raise and end the server.
        let (size, text) = shown(&buf[..n]);
        server!("received {size}: {text}", "收到 {n} 字节: {text}");

        // Python: msg = input('请回复消息>>>:').strip()
        let Some(reply) = next_reply(&mut replies)? else {
            server!(
                "no more replies to type (stdin closed): closing",
                "没有可以输入的回复了 (标准输入已关闭): 关闭连接"
            );
            break;
        };
        // Python: sock.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&reply), reply.len());
        server!("sending {size}: {text}", "发送 {len} 字节: {text}");
        sock.write_all(&reply)
            .map_err(|e| net::talk_error(e, Peer::Client))?;
    }
    Ok(())
}

/// The server's next typed reply, or `None` when its input has ended. An empty reply would send
/// nothing and leave the client waiting (the trap, the other way round): ask again instead.
fn next_reply(replies: &mut Lines) -> Result<Option<Vec<u8>>> {
    loop {
        match replies.next_line()? {
            Some(reply) if reply.is_empty() => note!(
                "an empty reply would send no bytes and leave the client waiting: type some text",
                "空回复不会发出任何字节, 客户端会一直等下去: 请输入一些文字"
            ),
            reply => return Ok(reply),
        }
    }
}

/// The client side: a loop of read a line, send it, print the reply.
fn run_client(addr: SocketAddr, mut messages: Lines) -> Result<()> {
    // Python: client = socket.socket(); client.connect(('127.0.0.1', 8080))
    let mut sock = net::connect(addr, env!("CARGO_BIN_NAME"))?;

    let mut buf = [0u8; BUF_SIZE];
    // Python: while True: msg = input('请输入你需要发送的消息>>>:').strip()
    while let Some(message) = messages.next_line()? {
        // Python: client.send(msg.encode('utf8'))
        let ((size, text), len) = (shown(&message), message.len());
        client!("sending {size}: {text}", "发送 {len} 字节: {text}");
        sock.write_all(&message)
            .map_err(|e| net::talk_error(e, Peer::Server))?;

        // Python: data = client.recv(1024)
        if message.is_empty() {
            // The material's client would now wait forever. We wait a little, to show it.
            let comes = reply_comes_within(&mut sock, &mut buf, EMPTY_WAIT);
            if !comes.map_err(|e| net::talk_error(e, Peer::Server))? {
                note!(
                    "no reply: an empty message is 0 bytes, and 0 bytes send nothing at all.",
                    "没有回复: 空消息就是 0 字节, 而 0 字节根本什么也不会发送。"
                );
                note!(
                    "the server is still waiting for a message, and we were waiting for its reply:",
                    "服务端还在等消息, 我们却在等它的回复:"
                );
                note!(
                    "with no time limit, both sides would wait forever. Lesson 03 skips empty lines.",
                    "如果不限时间, 双方会永远等下去。第 03 课会跳过空行。"
                );
                continue;
            }
        }
        // A server that was busy with another client and then ended never accepted us: the read
        // fails with a reset, and `net::talk_error` says so in words.
        let n = sock
            .read(&mut buf)
            .map_err(|e| net::talk_error(e, Peer::Server))?;
        if n == 0 {
            client!(
                "read 0 bytes: the server has closed the connection",
                "读到 0 字节: 服务端已关闭连接"
            );
            return Ok(());
        }
        let (size, text) = shown(&buf[..n]);
        client!("received {size}: {text}", "收到 {n} 字节: {text}");
    }

    // Python: client.close() — at the end of input (`END_OF_INPUT`), which the material never reaches.
    client!(
        "no more messages (end of input): closing",
        "没有更多消息了 (输入结束): 关闭连接"
    );
    Ok(())
}

/// Wait up to `wait` for the peer to send something: `peek` with a read timeout (which gives up
/// with `WouldBlock` or `TimedOut`) looks without taking, so the read after it gets it all.
fn reply_comes_within(sock: &mut TcpStream, buf: &mut [u8], wait: Duration) -> io::Result<bool> {
    sock.set_read_timeout(Some(wait))?;
    let peeked = sock.peek(buf);
    sock.set_read_timeout(None)?;
    match peeked {
        Ok(_) => Ok(true),
        Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => Ok(false),
        Err(e) => Err(e),
    }
}

/// A message as the lines show it: its size (`1 byte`, `5 bytes`) and its text, quoted and
/// escaped by `text::quoted`, so a peer's control bytes never act on the terminal.
fn shown(bytes: &[u8]) -> (String, String) {
    let size = text::count(bytes.len(), "byte", "bytes");
    (size, text::quoted(bytes))
}

/// What the two people of `longline` type: the client's long line (these ten digits 110 times,
/// 1100 bytes: more than one `recv(1024)` takes, and digits show where the read cuts it), two
/// short messages, and the server's replies.
const DIGITS: &[u8; 10] = b"0123456789";
const HELLO: &str = "你好, server!";
const BYE: &str = "再见 (bye)";
const REPLIES: [&str; 3] = ["收到 (got it)", "还是数字? (more digits?)", "你好! (hello)"];

/// `longline`: a line longer than the server's 1024-byte read, and what it does to the rest of
/// the conversation. `pub`: the classroom runner may play it too.
///
/// Both ends live here, in one thread, and take turns the way two terminals do: each person
/// types after reading the screen, which is far slower than TCP. The lesson trick (lesson 04's):
/// every read first waits until all the bytes the other side has sent are in the socket
/// (`net::wait_for_bytes`), so every run cuts the line at the same place, 1024 + 76. Two real
/// programs do not wait: the cut falls wherever the bytes happen to be, which only makes it worse.
pub fn longline_demo() -> Result<()> {
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
    let listener = net::bind(&Addr::ephemeral())?;
    let mut client = net::connect(listener.local_addr()?, env!("CARGO_BIN_NAME"))?;
    let (mut server, _addr) = net::accept(&listener)?;

    client_sends(&mut client, &long)?;
    server_answers(&mut server, size, REPLIES[0])?; // reads the first 1024 bytes
    client_reads(&mut client, REPLIES[0].len())?;
    server_answers(&mut server, rest, REPLIES[1])?; // the other 76, as the client's person types
    client_sends(&mut client, HELLO.as_bytes())?;
    client_reads(&mut client, REPLIES[1].len())?;
    note!(
        "that reply answers the rest of the long line, not {HELLO:?}",
        "这条回复答的是长消息剩下的部分, 不是 {HELLO:?}"
    );
    server_answers(&mut server, HELLO.len(), REPLIES[2])?;
    client_sends(&mut client, BYE.as_bytes())?;
    client_reads(&mut client, REPLIES[2].len())?;
    note!(
        "and this one answers {HELLO:?}, not {BYE:?}: the conversation is one reply behind, for good.",
        "而这条答的是 {HELLO:?}, 不是 {BYE:?}: 对话从此永远慢了一拍。"
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
    let (size, text, len) = (shown(message).0, preview(message), message.len());
    client!("sending {size}: {text}", "发送 {len} 字节: {text}");
    Ok(sock.write_all(message)?)
}

/// `longline`'s server: one read, as `serve` does, once the `pending` bytes the client has sent
/// are all here; then its person answers what the read showed.
fn server_answers(sock: &mut TcpStream, pending: usize, reply: &str) -> Result<()> {
    let got = read_once(sock, pending)?;
    let (size, text, n) = (shown(&got).0, preview(&got), got.len());
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
    net::wait_for_bytes(sock, pending, Duration::from_secs(3))?;
    let mut buf = [0u8; BUF_SIZE];
    let n = sock.read(&mut buf)?;
    Ok(buf[..n].to_vec())
}

/// A long message shown by its two ends, `"0123456789"…"0123456789"`: the `…`, outside the
/// quotes, stands for the bytes in between. Up to 64 bytes are shown whole.
fn preview(bytes: &[u8]) -> String {
    if bytes.len() <= 64 {
        return text::quoted(bytes);
    }
    let (head, tail) = (&bytes[..10], &bytes[bytes.len() - 10..]);
    format!("{}…{}", text::quoted(head), text::quoted(tail))
}
